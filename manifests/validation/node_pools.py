"""Node pools: a pod bound to a Karpenter node pool can be scheduled there.

A pod whose nodeSelector asks for a node pool's label stays Pending forever when no NodePool labels its nodes so
(Karpenter launches no node for it), or when it does not tolerate the taints of the pools that do: Karpenter does not
use a NodePool whose taints a pod does not tolerate (https://karpenter.sh/docs/concepts/nodepools/, "Taints";
`NodeClaimTemplate` scheduling in kubernetes-sigs/karpenter `pkg/controllers/provisioning/scheduling`), and the
scheduler keeps it off such nodes. The API server and every schema accept both.

Pool-bound pods are those whose nodeSelector names a node-pool label: the platform's `lakehouse.dev/node-pool`
(`upstream.karpenter.NODE_POOL_LABEL`), any label key a rendered NodePool sets in `spec.template.metadata.labels`, and,
when NodePools are rendered, `karpenter.sh/nodepool` (Karpenter labels each node with its pool's name). Pods are read
from core workloads and Pods, both roles of a FlinkDeployment (the common pod template merged with the role's: maps
merged, tolerations of both) and the driver and executor of a SparkApplication (or a ScheduledSparkApplication's
template). Only NoSchedule and NoExecute taints are required to be tolerated (PreferNoSchedule only steers).
With `partial` (validate PATHS), a pool missing from the given files is a warning: it may be rendered elsewhere.

Expiry: Karpenter 1.14.1 expires a node forcefully. Once `spec.template.spec.expireAfter` has passed (the CRD's
default is 720h), the expiration controller deletes the NodeClaim without consulting the pool's disruption budgets
(kubernetes-sigs/karpenter v1.14.1 `pkg/controllers/nodeclaim/expiration/controller.go`, `designs/
forceful-expiration.md`), at any hour, and nodes launched together expire together. Flink pods (a FlinkDeployment's
roles, or a workload whose container starts the Flink image's entrypoint as `jobmanager`, `standalone-job` or
`taskmanager`) go with the node and the job restarts from its last checkpoint: a warning for each rendered pool with
a finite expiry that such pods can run on (its node labels match their pool-label selector, and they tolerate its
taints). Drift (a new AMI or node class) replaces nodes under the budgets instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from manifests.tree import pod_template
from manifests.validation.flink_standalone import FLINK_ROLES
from manifests.validation.manifests import spark_application_spec
from manifests.validation.report import Finding, Layer, Level, Manifest, finding
from upstream.karpenter import NODE_POOL_LABEL

KARPENTER_NODEPOOL_LABEL = "karpenter.sh/nodepool"
"""The label Karpenter puts on every node it launches: the name of the node's NodePool."""
BLOCKING_EFFECTS = ("NoSchedule", "NoExecute")
CRD_EXPIRE_AFTER = "720h"
"""`expireAfter` of a NodePool that sets none (the pinned CRD's default, kubernetes-sigs/karpenter v1.14.1
`pkg/apis/v1/nodepool.go`)."""


@dataclass(frozen=True)
class Pool:
    """A rendered NodePool: `name`, the `labels` of its nodes (with `karpenter.sh/nodepool`), its `taints`, its
    `expire_after` as written (None: absent, the CRD's default) and the `manifest` it was read from."""

    name: str
    labels: dict[str, str]
    taints: tuple[dict[str, Any], ...]
    expire_after: str | None = None
    manifest: Manifest | None = None


@dataclass(frozen=True)
class PodScheduling:
    """Where a pod's scheduling is written: `path` of its pod spec, its `node_selector` (with the field path of each
    entry) and its `tolerations`."""

    path: str
    node_selector: dict[str, tuple[str, str]]
    tolerations: tuple[dict[str, Any], ...]


def pools(manifests: list[Manifest]) -> list[Pool]:
    """The rendered NodePools (karpenter.sh), by their node template."""
    found = []
    for m in manifests:
        if m.kind != "NodePool" or not str(m.obj.get("apiVersion", "")).startswith("karpenter.sh/"):
            continue
        template = (m.obj.get("spec") or {}).get("template") or {}
        labels = {str(k): str(v) for k, v in ((template.get("metadata") or {}).get("labels") or {}).items()}
        node = template.get("spec") or {}
        expire_after = node.get("expireAfter")
        found.append(Pool(m.name, {**labels, KARPENTER_NODEPOOL_LABEL: m.name}, tuple(node.get("taints") or []),
                          None if expire_after is None else str(expire_after), m))
    return found


def tolerates(toleration: dict[str, Any], taint: dict[str, Any]) -> bool:
    """Kubernetes' `Toleration.ToleratesTaint`: the effect matches (empty: every effect), the key matches (empty key
    with Exists: every key), and with Equal (the default operator) the value matches."""
    effect = toleration.get("effect")
    if effect and effect != taint.get("effect"):
        return False
    operator = toleration.get("operator") or "Equal"
    if not toleration.get("key"):
        return bool(operator == "Exists")
    if toleration["key"] != taint.get("key"):
        return False
    return operator == "Exists" or (toleration.get("value") or "") == (taint.get("value") or "")


def _get(node: Any, path: str) -> Any:
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def _scheduling(specs: list[tuple[str, dict[str, Any] | None]]) -> PodScheduling:
    """One pod's scheduling from pod specs merged in order (later nodeSelector entries win; tolerations add up)."""
    selector: dict[str, tuple[str, str]] = {}
    tolerations: list[dict[str, Any]] = []
    for path, spec in specs:
        for key, value in ((spec or {}).get("nodeSelector") or {}).items():
            selector[str(key)] = (str(value), f"{path}.nodeSelector.{key}")
        tolerations += [t for t in (spec or {}).get("tolerations") or [] if isinstance(t, dict)]
    return PodScheduling(specs[-1][0], selector, tuple(tolerations))


def runs_flink(m: Manifest) -> bool:
    """Whether `m` makes Flink pods: a FlinkDeployment, or a workload whose container starts the Flink image's
    entrypoint as a JobManager or TaskManager (`flink_standalone.FLINK_ROLES`)."""
    if m.kind == "FlinkDeployment":
        return True
    found = pod_template(m.obj)
    containers = ((found[1].get("spec") or {}).get("containers") or []) if found else []
    return any(c.get("args") and str(c["args"][0]) in FLINK_ROLES for c in containers)


def pod_scheduling(m: Manifest) -> Iterator[PodScheduling]:
    """The scheduling of each kind of pod `m` makes."""
    if m.kind == "Pod":
        yield _scheduling([("spec", m.obj.get("spec"))])
        return
    found = pod_template(m.obj)
    if found is not None:
        path, template = found
        yield _scheduling([(f"{path}.spec", template.get("spec"))])
        return
    if m.kind == "FlinkDeployment":
        common = ("spec.podTemplate.spec", _get(m.obj, "spec.podTemplate.spec"))
        for role in ("jobManager", "taskManager"):
            path = f"spec.{role}.podTemplate.spec"
            yield _scheduling([common, (path, _get(m.obj, path))])
        return
    spark = spark_application_spec(m)
    if spark is not None:
        path, spec = spark
        for role in ("driver", "executor"):
            yield _scheduling([(path, spec), (f"{path}.{role}", spec.get(role))])


def label_keys(rendered: list[Pool]) -> set[str]:
    """The node labels that bind a pod to a pool: the platform's `lakehouse.dev/node-pool`, every label a rendered
    pool sets, and `karpenter.sh/nodepool` when any pool is rendered."""
    keys = {NODE_POOL_LABEL} | {key for pool in rendered for key in pool.labels}
    if not rendered:
        keys.discard(KARPENTER_NODEPOOL_LABEL)
    return keys


def pool_users(manifests: list[Manifest], rendered: list[Pool], *, flink_only: bool = False) -> dict[str, list[str]]:
    """Pool name -> the workloads (`Kind/namespace/name`, in manifest order) of `manifests` whose pods can run on
    it: the pool's labels match their selector's pool-label entries (`label_keys`), and they tolerate its blocking
    taints; with `flink_only`, only workloads that make Flink pods (`runs_flink`). Pools no pod can use are absent."""
    keys = label_keys(rendered)
    users: dict[str, list[str]] = {}
    for m in manifests:
        if flink_only and not runs_flink(m):
            continue
        for pod in pod_scheduling(m):
            bound = {key: value for key, (value, _) in pod.node_selector.items() if key in keys}
            for pool in rendered:
                if all(pool.labels.get(k) == v for k, v in bound.items()) and _untolerated(pod, pool) is None \
                        and m.ref not in users.setdefault(pool.name, []):
                    users[pool.name].append(m.ref)
    return users


def expiry_findings(manifests: list[Manifest], rendered: list[Pool]) -> list[Finding]:
    """A warning per rendered pool with a finite `expireAfter` (or none: the CRD's 720h) that Flink pods can run on
    (`pool_users`)."""
    users = pool_users(manifests, rendered, flink_only=True)
    findings = []
    for pool in rendered:
        if pool.expire_after == "Never" or not users.get(pool.name) or pool.manifest is None:
            continue
        value = pool.expire_after or f"{CRD_EXPIRE_AFTER} (the CRD's default when absent)"
        findings.append(finding(
            pool.manifest, "spec.template.spec.expireAfter",
            f"expireAfter {value}: Karpenter 1.14 expires a node forcefully, at any hour: it deletes the NodeClaim "
            "without consulting the disruption budgets (pkg/controllers/nodeclaim/expiration), and Flink pods run on "
            f"this pool ({', '.join(users[pool.name])}): their TaskManagers go with the node, and the job restarts "
            "from its last checkpoint; set expireAfter: Never and replace nodes by drift (a new AMI or node class), "
            "which the budgets govern", Layer.RULE, Level.WARNING))
    return findings


def check(manifests: list[Manifest], *, partial: bool = False) -> list[Finding]:
    """A finding per pool-bound pod that no rendered NodePool can take: none labels its nodes as the pod selects, or
    the pod tolerates the taints of none of those that do; and the pools whose nodes expire under Flink pods
    (`expiry_findings`)."""
    rendered = pools(manifests)
    keys = label_keys(rendered)
    findings: list[Finding] = []
    for m in manifests:
        for pod in pod_scheduling(m):
            bound = {key: entry for key, entry in pod.node_selector.items() if key in keys}
            if not bound:
                continue
            candidates = [p for p in rendered if all(p.labels.get(key) == value for key, (value, _) in bound.items())]
            if not candidates:
                key, (value, where) = sorted(bound.items())[0]
                offered = ", ".join(f"{p.name} ({key}={p.labels[key]})" for p in rendered if key in p.labels)
                findings.append(finding(
                    m, where, f"no rendered NodePool labels its nodes {key}={value} (NodePools: {offered or 'none'}): "
                    "Karpenter launches no node for these pods, which stay Pending", Layer.RULE,
                    Level.WARNING if partial else Level.ERROR))
                continue
            if any(_untolerated(pod, p) is None for p in candidates):
                continue
            pool = candidates[0]
            taint = _untolerated(pod, pool) or {}
            findings.append(finding(
                m, f"{pod.path}.tolerations", f"no toleration of taint {taint.get('key')}={taint.get('value', '')}:"
                f"{taint.get('effect')} of NodePool {pool.name}, the pool its nodeSelector picks: Karpenter does not "
                "use a NodePool whose taints a pod does not tolerate, so these pods stay Pending", Layer.RULE))
    return findings + expiry_findings(manifests, rendered)


def _untolerated(pod: PodScheduling, pool: Pool) -> dict[str, Any] | None:
    """The first blocking taint of `pool` that `pod` does not tolerate; None when it tolerates them all."""
    for taint in pool.taints:
        if taint.get("effect") in BLOCKING_EFFECTS and not any(tolerates(t, taint) for t in pod.tolerations):
            return taint
    return None
