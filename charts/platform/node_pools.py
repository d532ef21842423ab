"""The `nodePools` section as `NodePoolProps`: the typed requirements as Karpenter requirements on its well-known
labels (https://karpenter.sh/docs/concepts/scheduling/#well-known-labels), then the further ones as given."""

from __future__ import annotations

from collections.abc import Mapping

from charts.blocks.pod_options import PodOptions
from charts.karpenter.node_pools import DisruptionBudget, NodePool, NodePoolProps, NodeRequirement
from config import EnvironmentConfig
from config.node_pools import NodePoolConfig, NodeRequirementsConfig
from upstream.karpenter import ARCH, CAPACITY_TYPE, INSTANCE_CATEGORY, INSTANCE_FAMILY, INSTANCE_GENERATION, ZONE


def node_pool_props(config: EnvironmentConfig) -> tuple[NodePoolProps, ...]:
    """One `NodePoolProps` per `nodePools` entry, in order."""
    return tuple(_pool(pool) for pool in config.node_pools)


def _pool(pool: NodePoolConfig) -> NodePoolProps:
    disruption, limits = pool.disruption, pool.limits
    return NodePoolProps(
        name=pool.name, node_class=pool.node_class, requirements=requirements(pool.requirements),
        limits={key: value for key, value in (("cpu", limits.cpu), ("memory", limits.memory)) if value is not None},
        consolidation_policy=disruption.consolidation_policy, consolidate_after=disruption.consolidate_after,
        budgets=tuple(DisruptionBudget(nodes=b.nodes, reasons=b.reasons, schedule=b.schedule, duration=b.duration)
                      for b in disruption.budgets),
        expire_after=pool.expire_after, termination_grace_period=pool.termination_grace_period, weight=pool.weight,
        labels=dict(pool.labels))


def requirements(section: NodeRequirementsConfig) -> tuple[NodeRequirement, ...]:
    """`In` requirements for the typed lists that are set, `Gt` for `instanceGenerationAbove`, then `additional`."""
    typed = [NodeRequirement(key, "In", tuple(values)) for key, values in (
        (INSTANCE_CATEGORY, section.instance_categories), (INSTANCE_FAMILY, section.instance_families),
        (CAPACITY_TYPE, section.capacity_types), (ARCH, section.architectures), (ZONE, section.zones)) if values]
    if section.instance_generation_above is not None:
        typed.append(NodeRequirement(INSTANCE_GENERATION, "Gt", (str(section.instance_generation_above),)))
    return (*typed, *(NodeRequirement(r.key, r.operator, r.values, r.min_values) for r in section.additional))


def on_pool(options: PodOptions, pool: str | None, node_pools: Mapping[str, NodePool]) -> PodOptions:
    """Pod options (a Flink cluster's, a Spark application's) with the scheduling of its node pool
    (`NodePool.pod_options`: the nodeSelector and toleration of the pool's label and taint) on top; unchanged without a pool. The configuration refused options
    that conflict with the pool."""
    return options.with_role(node_pools[pool].pod_options) if pool is not None else options
