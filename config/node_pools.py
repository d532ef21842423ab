"""`nodePools`: Karpenter NodePools (karpenter.sh/v1, Karpenter 1.14.1) that dedicate nodes to Flink clusters, and the
rules that tie a cluster's `nodePool` to its pods' nodeSelector and tolerations.

Each pool labels its nodes `lakehouse.dev/node-pool: <name>` and taints them `lakehouse.dev/node-pool=<name>:NoSchedule`,
so only the pods that select the label and tolerate the taint land there (Karpenter does not use a NodePool whose taint
a pod does not tolerate: https://karpenter.sh/docs/concepts/nodepools/). A pool used by one cluster is that cluster's
own; several clusters naming one pool share its nodes. Requirement keys are Karpenter's well-known labels
(https://karpenter.sh/docs/concepts/scheduling/#well-known-labels); what the pinned CRD's CEL rules refuse
(`karpenter-1.14.1_nodepools.yaml`: restricted label domains, `In` without values, `Gt`/`Lt`/`Gte`/`Lte` without one
non-negative integer, `minValues` above the values given) is refused here, since `validate` checks the schema only.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Annotated, Any, ClassVar, Literal

from config.declaration import Constraints, section, setting
from config.loading import Problem
from config.pod_options import PodOptionsConfig
from upstream.api_formats import LABEL_VALUE_PATTERN
from upstream.cron import budget_schedule_problem
from upstream.karpenter import (
    ARCH,
    CAPACITY_TYPE,
    INSTANCE_CATEGORY,
    INSTANCE_FAMILY,
    INSTANCE_GENERATION,
    NODE_POOL_LABEL,
    NUMERIC_OPERATORS,
    ZONE,
    restricted_label_problem,
)


@section
class NodeRequirementConfig:
    """A further Karpenter NodePool requirement (a node selector requirement)."""

    DEFINITION: ClassVar[str] = "nodeRequirement"

    key: str = setting(
        pattern="^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*(\\/))?([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$",
        max_length=316, error="is not a label key (e.g. karpenter.k8s.aws/instance-cpu)")
    """Node label key, e.g. karpenter.k8s.aws/instance-cpu or node.kubernetes.io/instance-type."""

    operator: Literal["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt", "Gte", "Lte"] = setting()
    """How the label's value is matched."""

    values: tuple[str, ...] = setting(
        [],
        items={"type": "string", "pattern": LABEL_VALUE_PATTERN, "maxLength": 63, "description": "A label value."})
    """Values (In and NotIn: the set; Gt, Lt, Gte, Lte: one non-negative integer)."""

    min_values: int | None = setting(None, minimum=1, maximum=50)
    """With In: the least number of distinct values the launch choice must keep (1 to 50)."""

    def problems(self) -> Iterator[Problem]:
        """What the NodePool CRD's CEL rules refuse."""
        restricted = restricted_label_problem(self.key)
        if restricted:
            yield Problem("key", f"'{self.key}': {restricted}")
        if self.operator == "In" and not self.values:
            yield Problem("values", "requirements with operator 'In' must have a value defined (Karpenter)")
        if self.operator in NUMERIC_OPERATORS and (len(self.values) != 1 or not self.values[0].isdigit()):
            yield Problem("values", f"operator '{self.operator}' needs a single non-negative integer value (Karpenter)")
        if self.min_values is not None and self.operator == "In" and len(self.values) < self.min_values:
            yield Problem("minValues", f"{self.min_values} but only {len(self.values)} values given (Karpenter needs "
                                       "at least minValues values)")


@section
class NodeRequirementsConfig:
    """What nodes a pool may launch (each non-empty list is an `In` requirement on a Karpenter well-known label)."""

    instance_categories: tuple[str, ...] = setting(
        [],
        items={"type": "string", "pattern": LABEL_VALUE_PATTERN, "maxLength": 63, "description": "An instance category (a letter: c, m, r, ...)."})
    """EC2 instance categories (karpenter.k8s.aws/instance-category), e.g. c, m, r."""

    instance_families: tuple[str, ...] = setting(
        [],
        items={"type": "string", "pattern": LABEL_VALUE_PATTERN, "maxLength": 63, "description": "An instance family (e.g. m7g)."})
    """EC2 instance families (karpenter.k8s.aws/instance-family), e.g. m7g, r7g."""

    instance_generation_above: int | None = setting(None, minimum=0)
    """Only instance generations above this one (karpenter.k8s.aws/instance-generation Gt)."""

    capacity_types: tuple[Literal["on-demand", "spot", "reserved"], ...] = setting(
        [], items={"type": "string", "enum": ["on-demand", "spot", "reserved"], "description": "A capacity type."})
    """Capacity types (karpenter.sh/capacity-type); Karpenter's default is on-demand."""

    architectures: tuple[Literal["amd64", "arm64"], ...] = setting(
        [], items={"type": "string", "enum": ["amd64", "arm64"], "description": "A CPU architecture."})
    """CPU architectures (kubernetes.io/arch); the Flink image must be built for each."""

    zones: tuple[str, ...] = setting(
        [],
        items={"type": "string", "pattern": LABEL_VALUE_PATTERN, "maxLength": 63, "description": "An availability zone (e.g. eu-north-1a)."})
    """Availability zones (topology.kubernetes.io/zone)."""

    additional: tuple[NodeRequirementConfig, ...] = setting([])
    """Further requirements, as Karpenter writes them (key, operator, values, minValues)."""

    def problems(self) -> Iterator[Problem]:
        """A typed label is set once (typed field or additional, not both)."""
        typed: dict[str, tuple[str, object]] = {
            INSTANCE_CATEGORY: ("instanceCategories", self.instance_categories),
            INSTANCE_FAMILY: ("instanceFamilies", self.instance_families),
            INSTANCE_GENERATION: ("instanceGenerationAbove", self.instance_generation_above),
            CAPACITY_TYPE: ("capacityTypes", self.capacity_types), ARCH: ("architectures", self.architectures),
            ZONE: ("zones", self.zones)}
        for index, requirement in enumerate(self.additional):
            field, value = typed.get(requirement.key, ("", None))
            if value not in ((), None):
                yield Problem(f"additional[{index}].key", f"'{requirement.key}' is set by {field} already")


@section
class DisruptionBudgetConfig:
    """A Karpenter disruption budget: how many of the pool's nodes may be disrupted at once."""

    SCHEMA: ClassVar[Mapping[str, Any]] = {"description": "A Karpenter disruption budget: how many of the pool's nodes may be disrupted at once."}

    nodes: str = setting(
        pattern="^((100|[0-9]{1,2})%|[0-9]+)$", error="is not a node count or percentage (e.g. 3, 10%)")
    """Nodes disrupted at once: a count (3) or a percentage (10%); 0 blocks disruption."""

    reasons: tuple[Literal["Underutilized", "Empty", "Drifted"], ...] = setting(
        [],
        items={"type": "string", "enum": ["Underutilized", "Empty", "Drifted"], "description": "A disruption reason."})
    """Disruption reasons the budget applies to; empty: all."""

    schedule: str | None = setting(
        None, pattern="^(@(annually|yearly|monthly|weekly|daily|midnight|hourly))|((.+)\\s(.+)\\s(.+)\\s(.+)\\s(.+))$",
        error="is not a cron schedule (five fields, or @daily, @weekly, ...)")
    """When the budget is active: a cron expression (UTC) or @daily, @weekly, ...; with duration."""

    duration: str | None = setting(
        None, pattern="^((([0-9]+(h|m))|([0-9]+h[0-9]+m))(0s)?)$",
        error="is not a Karpenter budget duration (e.g. 8h, 30m, 1h30m)")
    """How long the budget is active after each schedule time (e.g. 8h, 30m, 1h30m); with schedule."""

    def problems(self) -> Iterator[Problem]:
        """schedule and duration come together (Karpenter's rule); a schedule Karpenter's cron parser reads
        (`upstream.cron.budget_schedule_problem`)."""
        if (self.schedule is None) != (self.duration is None):
            yield Problem("schedule", "'schedule' must be set with 'duration' (Karpenter)")
        if self.schedule is not None and (problem := budget_schedule_problem(self.schedule)):
            yield Problem("schedule", problem)


@section
class DisruptionConfig:
    """How Karpenter may disrupt (consolidate, replace) the pool's nodes."""

    consolidation_policy: Literal["WhenEmpty", "WhenEmptyOrUnderutilized", "Balanced"] = setting("WhenEmpty")
    """Which nodes consolidation may remove: only empty ones (WhenEmpty), also underutilized ones, or Balanced (weighs
    savings against disruption). A Flink TaskManager moved by consolidation restarts the job from its last
    checkpoint: WhenEmpty keeps running jobs in place.
    """

    consolidate_after: str = setting(
        "5m", pattern="^(([0-9]+(s|m|h))+|Never)$", error="is not a Karpenter duration (e.g. 30s, 5m, 1h, Never)")
    """How long a node stays empty or underutilized before consolidation (e.g. 30s, 5m, 1h) or Never."""

    budgets: tuple[DisruptionBudgetConfig, ...] = setting([], max_items=50)
    """Disruption budgets; empty: Karpenter's default (10% of the nodes)."""


LimitQuantity = Annotated[str, Constraints(
    pattern="^[0-9]+(\\.[0-9]+)?(m|k|Ki|Mi|Gi|Ti|Pi|M|G|T|P)?$",
    error="is not a Kubernetes quantity (e.g. 64, 500m, 256Gi)")]
"""A quantity of a pool's limits (`Quantity` with the peta suffixes a pool's total may need)."""


@section
class NodePoolLimitsConfig:
    """The most a pool may launch in total; Karpenter stops launching nodes beyond it."""

    cpu: LimitQuantity | None = setting(None)
    """Total CPU (cores, a quantity such as 64 or 500m); null: no limit."""

    memory: LimitQuantity | None = setting(None)
    """Total memory (a quantity such as 256Gi); null: no limit."""


@section
class NodePoolConfig:
    """A Karpenter NodePool that dedicates nodes to the Flink clusters naming it (nodePool)."""

    DEFINITION: ClassVar[str] = "nodePool"

    name: str = setting(
        pattern="^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", max_length=63,
        error="is not a node pool name (a DNS-1123 subdomain, at most 63 characters: it is also a label value)")
    """NodePool name; also the value of the node label and taint lakehouse.dev/node-pool."""

    node_class: str = setting(
        pattern="^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$",
        error="is not an EC2NodeClass name (a DNS-1123 subdomain)")
    """The EC2NodeClass (karpenter.k8s.aws/v1) the nodes are launched from (AMI, subnets, security groups, role): it
    exists in the cluster, managed with Karpenter.
    """

    requirements: NodeRequirementsConfig = setting({})
    """What nodes the pool may launch (each non-empty list is an `In` requirement on a Karpenter well-known label)."""

    limits: NodePoolLimitsConfig = setting({})
    """The most a pool may launch in total; Karpenter stops launching nodes beyond it."""

    disruption: DisruptionConfig = setting({})
    """How Karpenter may disrupt (consolidate, replace) the pool's nodes."""

    expire_after: str = setting(
        "Never", pattern="^(([0-9]+(s|m|h))+|Never)$", error="is not a Karpenter duration (e.g. 720h, Never)")
    """Node lifetime before Karpenter deletes the node (e.g. 720h), or Never. Karpenter's expiry is forceful: it
    ignores the disruption budgets and drains expired nodes at any hour, their Flink TaskManagers with them
    (validate warns of a finite value on a pool Flink pods run on); with Never, nodes are replaced by drift (a new
    AMI or node class), which the budgets govern. Karpenter's own default is 720h.
    """

    termination_grace_period: str | None = setting(
        None, pattern="^([0-9]+(s|m|h))+$", error="is not a Karpenter duration (e.g. 1h, 30m)")
    """The longest a node may take draining before it is deleted anyway (e.g. 1h), overriding PodDisruptionBudgets and
    karpenter.sh/do-not-disrupt; a drifted node then drains even while its pods block eviction. null: no limit (a
    blocked drain waits).
    """

    weight: int | None = setting(None, minimum=1, maximum=100)
    """Priority among NodePools a pod could use (1 to 100, higher first); null: none."""

    labels: dict[str, str] = setting(
        {},
        additional_properties={"type": "string", "pattern": LABEL_VALUE_PATTERN, "maxLength": 63})
    """Further node labels (e.g. for cost allocation); lakehouse.dev/node-pool is the platform's."""

    def problems(self) -> Iterator[Problem]:
        """Labels Karpenter accepts; the dedicating label stays the platform's."""
        for key in sorted(self.labels):
            if key == NODE_POOL_LABEL:
                yield Problem(f"labels.{key}", "set by the platform to the pool's name")
            restricted = restricted_label_problem(key)
            if restricted:
                yield Problem(f"labels.{key}", restricted)


def pool_problems(pools: tuple[NodePoolConfig, ...], pool: str | None, options: tuple[PodOptionsConfig, ...],
                  ) -> Iterator[Problem]:
    """Problems of a cluster's `nodePool` (relative to the cluster): the pool exists, and the cluster's pod options
    (`options`, in order: cluster, JobManager, TaskManager) neither select nor tolerate another pool, nor select
    nodes the pool cannot launch. Paths are `nodePool` and the option's field."""
    if pool is None:
        return
    found = next((p for p in pools if p.name == pool), None)
    if found is None:
        yield Problem("nodePool", f"'{pool}' is not a node pool (expected one of: "
                                  f"{', '.join(p.name for p in pools) or 'none'}; see nodePools)")
        return
    allowed = _allowed_values(found)
    for prefix, option in zip(("podOptions", "jobManager.podOptions", "taskManager.podOptions"), options, strict=False):
        for key, value in sorted(option.node_selector.items()):
            if key in allowed and value not in allowed[key]:
                yield Problem(f"{prefix}.nodeSelector.{key}",
                              f"'{value}' conflicts with nodePool '{pool}' (its nodes have {key}: "
                              f"{', '.join(allowed[key])}); remove it, the pool sets the pods' scheduling")
        for index, toleration in enumerate(option.tolerations):
            if toleration.key == NODE_POOL_LABEL and toleration.value not in (None, pool):
                yield Problem(f"{prefix}.tolerations[{index}]",
                              f"tolerates node pool '{toleration.value}', but the cluster runs on nodePool '{pool}'")


def _allowed_values(pool: NodePoolConfig) -> dict[str, tuple[str, ...]]:
    """Node label key -> the values a pool's nodes can have, for the labels it fixes (its own labels and its `In`
    requirements)."""
    r = pool.requirements
    allowed: dict[str, tuple[str, ...]] = {NODE_POOL_LABEL: (pool.name,)}
    allowed.update({key: (value,) for key, value in pool.labels.items()})
    for key, values in ((INSTANCE_CATEGORY, r.instance_categories), (INSTANCE_FAMILY, r.instance_families),
                        (CAPACITY_TYPE, r.capacity_types), (ARCH, r.architectures), (ZONE, r.zones)):
        if values:
            allowed[key] = tuple(values)
    allowed.update({x.key: x.values for x in r.additional if x.operator == "In"})
    return allowed
