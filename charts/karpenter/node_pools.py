"""Karpenter NodePools (karpenter.sh/v1, Karpenter 1.14.1) that dedicate nodes to workloads: each pool labels its
nodes `lakehouse.dev/node-pool: <name>` and taints them `lakehouse.dev/node-pool=<name>:NoSchedule`; a workload
that runs there takes the pool's `pod_options` (that nodeSelector and the toleration), so the two cannot drift apart.

Karpenter is installed outside the platform (its own Helm chart, with its CRDs and the EC2NodeClasses the pools name),
so NodePools skip Argo CD's first dry run like every custom resource whose CRD comes from elsewhere.
References: https://karpenter.sh/docs/concepts/nodepools/ (fields, disruption, limits, weight),
https://karpenter.sh/docs/concepts/disruption/ (consolidation, budgets, expireAfter, terminationGracePeriod), the
pinned CRD (kubernetes-sigs/karpenter v1.14.1 `pkg/apis/crds/karpenter.sh_nodepools.yaml`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import cdk8s
import constructs

from charts.blocks.custom_objects import custom_object
from charts.blocks.metadata import Component, SyncWave
from charts.blocks.pod_options import PodOptions
from config.names import used_twice
from config.pod_values import Toleration
from upstream.karpenter import NODE_CLASS_REF, NODE_POOL_API_VERSION, NODE_POOL_LABEL, NODE_POOL_TAINT_EFFECT

KARPENTER_VERSION = "1.14.1"


@dataclass(frozen=True)
class NodeRequirement:
    """A node selector requirement of the pool: label `key`, `operator` (In, NotIn, Exists, DoesNotExist, Gt, Lt, Gte,
    Lte), `values`, and with In the `min_values` distinct values Karpenter must keep in its launch choice."""

    key: str
    operator: Literal["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt", "Gte", "Lte"]
    values: tuple[str, ...] = ()
    min_values: int | None = None

    def to_spec(self) -> dict[str, Any]:
        """As Karpenter writes it (`values` left out when empty, as Exists and DoesNotExist need)."""
        spec: dict[str, Any] = {"key": self.key, "operator": self.operator}
        if self.values:
            spec["values"] = list(self.values)
        if self.min_values is not None:
            spec["minValues"] = self.min_values
        return spec


@dataclass(frozen=True)
class DisruptionBudget:
    """At most `nodes` (a count, or a percentage such as `10%`) disrupted at once, for `reasons` (empty: all), while
    `schedule` (cron, UTC) plus `duration` (e.g. `8h`) is active (both None: always)."""

    nodes: str
    reasons: tuple[Literal["Underutilized", "Empty", "Drifted"], ...] = ()
    schedule: str | None = None
    duration: str | None = None

    def __post_init__(self) -> None:
        if (self.schedule is None) != (self.duration is None):
            raise ValueError(f"disruption budget {self.nodes}: schedule and duration go together (Karpenter)")

    def to_spec(self) -> dict[str, Any]:
        spec: dict[str, Any] = {"nodes": self.nodes}
        if self.reasons:
            spec["reasons"] = list(self.reasons)
        if self.schedule is not None:
            spec["schedule"], spec["duration"] = self.schedule, self.duration
        return spec


@dataclass(frozen=True)
class NodePoolProps:
    """One NodePool.

    Attributes:
        name: the NodePool's name and the value of its dedicating label and taint.
        node_class: the EC2NodeClass (`karpenter.k8s.aws`) the nodes are launched from.
        requirements: what nodes it may launch (e.g. `karpenter.k8s.aws/instance-category In [m, r]`).
        limits: the most it may launch in total, per resource (`cpu`, `memory`: Kubernetes quantities).
        consolidation_policy: default `WhenEmpty` (the schema's): a consolidated TaskManager restarts its job from the
            last checkpoint, so only empty nodes are removed unless asked (Karpenter's own default is
            `WhenEmptyOrUnderutilized`).
        consolidate_after: how long a node stays empty or underutilized first (Karpenter duration, default `5m`).
        budgets: disruption budgets (empty: Karpenter's default, 10% of the nodes).
        expire_after: node lifetime (default `Never`). Karpenter 1.14.1 expires a node forcefully: the expiration
            controller deletes the NodeClaim when `expireAfter` has passed, without consulting the disruption
            budgets (kubernetes-sigs/karpenter v1.14.1 `pkg/controllers/nodeclaim/expiration/controller.go`,
            `designs/forceful-expiration.md`), so a finite value drains Flink TaskManagers at any hour; with
            `Never`, nodes are replaced by drift, under the budgets. Karpenter's own default (the CRD's) is `720h`,
            so `Never` is always rendered.
        termination_grace_period: the longest a drain may take, overriding PodDisruptionBudgets and
            `karpenter.sh/do-not-disrupt` (None: no limit; a blocked drain waits).
        weight: priority among pools a pod could use, 1 to 100 (None: none).
        labels: further node labels.

    Raises:
        ValueError: a label that is the dedicating one (`lakehouse.dev/node-pool`), or a weight outside 1..100.
    """

    name: str
    node_class: str
    requirements: tuple[NodeRequirement, ...] = ()
    limits: Mapping[str, str] = field(default_factory=dict)
    consolidation_policy: Literal["WhenEmpty", "WhenEmptyOrUnderutilized", "Balanced"] = "WhenEmpty"
    consolidate_after: str = "5m"
    budgets: tuple[DisruptionBudget, ...] = ()
    expire_after: str = "Never"
    termination_grace_period: str | None = None
    weight: int | None = None
    labels: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if NODE_POOL_LABEL in self.labels:
            raise ValueError(f"NodePool {self.name}: {NODE_POOL_LABEL} is the pool's dedicating label, set from its name")
        if self.weight is not None and not 1 <= self.weight <= 100:
            raise ValueError(f"NodePool {self.name}: weight {self.weight} is not within 1..100 (Karpenter)")


class NodePool(constructs.Construct):
    """A cluster-scoped NodePool of `props`, labelled and tainted for the workloads that take its `pod_options`."""

    def __init__(self, scope: constructs.Construct, id: str, *, props: NodePoolProps):
        super().__init__(scope, id)
        self.name = props.name
        template_spec: dict[str, Any] = {
            "nodeClassRef": {**NODE_CLASS_REF, "name": props.node_class},
            "taints": [{"key": NODE_POOL_LABEL, "value": props.name, "effect": NODE_POOL_TAINT_EFFECT}],
            "requirements": [r.to_spec() for r in props.requirements],
            "expireAfter": props.expire_after,
        }
        if props.termination_grace_period is not None:
            template_spec["terminationGracePeriod"] = props.termination_grace_period
        disruption: dict[str, Any] = {"consolidationPolicy": props.consolidation_policy,
                                      "consolidateAfter": props.consolidate_after}
        if props.budgets:
            disruption["budgets"] = [b.to_spec() for b in props.budgets]
        spec: dict[str, Any] = {
            "template": {"metadata": {"labels": {**props.labels, NODE_POOL_LABEL: props.name}},
                         "spec": template_spec},
            "disruption": disruption,
        }
        if props.limits:
            spec["limits"] = dict(props.limits)
        if props.weight is not None:
            spec["weight"] = props.weight
        custom_object(self, "Resource", api_version=NODE_POOL_API_VERSION, kind="NodePool", name=props.name,
                      namespace=None, component=Component("karpenter", props.name, KARPENTER_VERSION, "node-pool"),
                      wave=SyncWave.PREREQUISITES, spec=spec)

    @property
    def pod_options(self) -> PodOptions:
        """What a pod needs to run on this pool's nodes, and only there: the nodeSelector on the dedicating label and
        the toleration of the dedicating taint (merge it over a workload's own options with `PodOptions.with_role`)."""
        return PodOptions(node_selector={NODE_POOL_LABEL: self.name},
                          tolerations=(Toleration(key=NODE_POOL_LABEL, operator="Equal", value=self.name,
                                                  effect=NODE_POOL_TAINT_EFFECT),))


class NodePoolsChart(cdk8s.Chart):
    """Cluster-scoped NodePools, before every workload (sync wave `PREREQUISITES`). Props: `pools`.
    `pools_by_name` hands each NodePool construct to the workloads that run on it.

    Raises:
        ValueError: two pools of one name.
    """

    def __init__(self, scope: constructs.Construct, id: str, *, pools: tuple[NodePoolProps, ...]):
        super().__init__(scope, id, disable_resource_name_hashes=True)
        repeated = used_twice(p.name for p in pools)
        if repeated:
            raise ValueError(f"NodePool names used twice: {', '.join(repeated)}")
        self.pools_by_name = {p.name: NodePool(self, p.name, props=p) for p in pools}
