"""Isolation (README "Isolation"): Karpenter NodePools from `nodePools`, the scheduling of the Flink clusters that
name them, the job ClusterRole (`flink.jobRbac: clusterRole`), and the `validate` rule for pods no pool can take."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Manifest, config_errors, environment, find, render, render_charts, validate_errors

POOL = {"name": "orders", "nodeClass": "flink-nodes",
        "requirements": {"instanceCategories": ["r"], "capacityTypes": ["on-demand"], "architectures": ["arm64"],
                         "instanceGenerationAbove": 6,
                         "additional": [{"key": "karpenter.k8s.aws/instance-cpu", "operator": "In",
                                         "values": ["4", "8"], "minValues": 2}]},
        "limits": {"cpu": "64", "memory": "256Gi"},
        "disruption": {"budgets": [{"nodes": "0", "schedule": "0 8 * * mon-fri", "duration": "10h"}]},
        "weight": 10, "labels": {"team": "orders"}}
ORDERS = {"name": "orders-enrichment", "nodePool": "orders", "podOptions": {"nodeSelector": {"disk": "ssd"}},
          "job": {"jarPath": "jobs/orders.jar"}}
SELECTOR = {"lakehouse.dev/node-pool": "orders"}
TOLERATION = {"key": "lakehouse.dev/node-pool", "operator": "Equal", "value": "orders", "effect": "NoSchedule"}


def _doc(**flink: Any) -> dict[str, Any]:
    return environment(nodePools=[POOL], flink={"deployments": [ORDERS], **flink})


def test_a_node_pool_renders_labelled_and_tainted_with_its_typed_requirements_first() -> None:
    charts = render_charts(_doc())
    (pool,) = charts["02-node-pools"]
    assert (pool["apiVersion"], pool["kind"], pool["metadata"]["name"]) == ("karpenter.sh/v1", "NodePool", "orders")
    assert "namespace" not in pool["metadata"]  # cluster-scoped
    assert pool["metadata"]["annotations"] == {"argocd.argoproj.io/sync-wave": "1",
                                               "argocd.argoproj.io/sync-options": "SkipDryRunOnMissingResource=true"}
    assert pool["spec"] == {
        "template": {
            "metadata": {"labels": {"team": "orders", "lakehouse.dev/node-pool": "orders"}},
            "spec": {
                "nodeClassRef": {"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": "flink-nodes"},
                "taints": [{"key": "lakehouse.dev/node-pool", "value": "orders", "effect": "NoSchedule"}],
                "requirements": [
                    {"key": "karpenter.k8s.aws/instance-category", "operator": "In", "values": ["r"]},
                    {"key": "karpenter.sh/capacity-type", "operator": "In", "values": ["on-demand"]},
                    {"key": "kubernetes.io/arch", "operator": "In", "values": ["arm64"]},
                    {"key": "karpenter.k8s.aws/instance-generation", "operator": "Gt", "values": ["6"]},
                    {"key": "karpenter.k8s.aws/instance-cpu", "operator": "In", "values": ["4", "8"], "minValues": 2},
                ],
                "expireAfter": "Never",  # Karpenter's expiry is forceful (no budgets): nodes go by drift instead
            },
        },
        "disruption": {"consolidationPolicy": "WhenEmpty", "consolidateAfter": "5m",
                       "budgets": [{"nodes": "0", "schedule": "0 8 * * mon-fri", "duration": "10h"}]},
        "limits": {"cpu": "64", "memory": "256Gi"},
        "weight": 10,
    }


def test_no_node_pools_no_file() -> None:
    assert "02-node-pools" not in render_charts(environment())


def test_a_cluster_on_a_pool_gets_its_selector_and_toleration_in_both_roles_beside_its_own() -> None:
    deployment = find(render(_doc()), "FlinkDeployment", "orders-enrichment")
    for role in ("jobManager", "taskManager"):
        spec = deployment["spec"][role]["podTemplate"]["spec"]
        assert spec["nodeSelector"] == {"disk": "ssd", **SELECTOR}
        assert spec["tolerations"] == [TOLERATION]


def test_two_clusters_share_a_pool_and_the_session_cluster_may_use_one() -> None:
    other = {"name": "orders-backfill", "nodePool": "orders", "job": {"jarPath": "jobs/backfill.jar"}}
    objects = render(environment(nodePools=[POOL], flink={"deployments": [ORDERS, other],
                                                          "sessionCluster": {"nodePool": "orders"}}))
    for name in ("orders-enrichment", "orders-backfill", "flink-session"):
        spec = find(objects, "FlinkDeployment", name)["spec"]["taskManager"]["podTemplate"]["spec"]
        assert spec["nodeSelector"]["lakehouse.dev/node-pool"] == "orders" and spec["tolerations"] == [TOLERATION]
    assert [o["metadata"]["name"] for o in objects if o["kind"] == "NodePool"] == ["orders"]


def test_a_toleration_written_by_hand_as_well_is_kept_once() -> None:
    orders = {**ORDERS, "podOptions": {"nodeSelector": SELECTOR, "tolerations": [TOLERATION]}}
    spec = find(render(environment(nodePools=[POOL], flink={"deployments": [orders]})), "FlinkDeployment",
                "orders-enrichment")["spec"]["taskManager"]["podTemplate"]["spec"]
    assert spec["tolerations"] == [TOLERATION]


@pytest.mark.parametrize(("change", "error"), [
    ({"nodePool": "order"}, "flink.deployments[orders-enrichment].nodePool: 'order' is not a node pool (expected one of: orders; see "
                            "nodePools)"),
    ({"podOptions": {"nodeSelector": {"lakehouse.dev/node-pool": "shared"}}},
     "flink.deployments[orders-enrichment].podOptions.nodeSelector.lakehouse.dev/node-pool: 'shared' conflicts with nodePool 'orders' "
     "(its nodes have lakehouse.dev/node-pool: orders); remove it, the pool sets the pods' scheduling"),
    ({"taskManager": {"podOptions": {"nodeSelector": {"kubernetes.io/arch": "amd64"}}}},
     "flink.deployments[orders-enrichment].taskManager.podOptions.nodeSelector.kubernetes.io/arch: 'amd64' conflicts with nodePool "
     "'orders' (its nodes have kubernetes.io/arch: arm64); remove it, the pool sets the pods' scheduling"),
    ({"podOptions": {"tolerations": [{"key": "lakehouse.dev/node-pool", "value": "shared", "effect": "NoSchedule"}]}},
     "flink.deployments[orders-enrichment].podOptions.tolerations[0]: tolerates node pool 'shared', but the cluster runs on nodePool "
     "'orders'"),
])
def test_a_cluster_conflicting_with_its_pool_is_a_config_error(change: dict[str, Any], error: str) -> None:
    assert config_errors(environment(nodePools=[POOL], flink={"deployments": [{**ORDERS, **change}]})) == [error]


@pytest.mark.parametrize(("pool", "error"), [
    ({"labels": {"karpenter.sh/team": "x"}}, "nodePools[p].labels.karpenter.sh/team: label domain \"karpenter.sh\" "
                                              "is restricted"),
    ({"labels": {"lakehouse.dev/node-pool": "x"}}, "nodePools[p].labels.lakehouse.dev/node-pool: set by the platform "
                                                    "to the pool's name"),
    ({"requirements": {"additional": [{"key": "kubernetes.io/hostname", "operator": "Exists"}]}},
     "nodePools[p].requirements.additional[0].key: 'kubernetes.io/hostname': label \"kubernetes.io/hostname\" is "
     "restricted"),
    ({"requirements": {"additional": [{"key": "example.com/tier", "operator": "In"}]}},
     "nodePools[p].requirements.additional[0].values: requirements with operator 'In' must have a value defined "
     "(Karpenter)"),
    ({"requirements": {"additional": [{"key": "example.com/gen", "operator": "Gt", "values": ["a"]}]}},
     "nodePools[p].requirements.additional[0].values: operator 'Gt' needs a single non-negative integer value "
     "(Karpenter)"),
    ({"requirements": {"zones": ["a"], "additional": [{"key": "topology.kubernetes.io/zone", "operator": "In",
                                                       "values": ["b"]}]}},
     "nodePools[p].requirements.additional[0].key: 'topology.kubernetes.io/zone' is set by zones already"),
    ({"disruption": {"budgets": [{"nodes": "0", "schedule": "@daily"}]}},
     "nodePools[p].disruption.budgets[0].schedule: 'schedule' must be set with 'duration' (Karpenter)"),
    ({"expireAfter": "30d"}, "nodePools[p].expireAfter: '30d' is not a Karpenter duration (e.g. 720h, Never)"),
])
def test_what_the_node_pool_crd_refuses_is_a_config_error(pool: dict[str, Any], error: str) -> None:
    assert config_errors(environment(nodePools=[{"name": "p", "nodeClass": "c", **pool}])) == [error]


def test_pool_names_are_used_once() -> None:
    assert config_errors(environment(nodePools=[POOL, POOL])) == ["nodePools: duplicate node pool name 'orders'"]


# ---------------------------------------------------------------------------------------------------------------
# flink.jobRbac
# ---------------------------------------------------------------------------------------------------------------

JOB_RULES = [
    {"apiGroups": [""], "resources": ["pods", "configmaps"],
     "verbs": ["get", "list", "watch", "create", "update", "patch", "delete"]},
    {"apiGroups": ["apps"], "resources": ["deployments", "deployments/finalizers"],
     "verbs": ["get", "list", "watch", "create", "update", "patch", "delete"]},
]


def test_job_rbac_cluster_role_is_one_cluster_role_bound_per_namespace_never_cluster_wide() -> None:
    doc = environment(flinkOperator={"watchNamespaces": ["flink", "team-a"]}, flink={
        "jobRbac": "clusterRole", "teamNamespaces": [{"name": "team-a"}],
        "deployments": [{"name": "a", "namespace": "team-a", "serviceAccount": "a-jobs", "job": {"jarPath": "a.jar"}}]})
    objects = [o for o in render(doc) if o["metadata"].get("labels", {}).get("app.kubernetes.io/name") == "flink"]
    rbac = sorted((o["kind"], o["metadata"].get("namespace"), o["metadata"]["name"]) for o in objects
                  if o["kind"] in ("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"))
    assert rbac == [("ClusterRole", None, "flink-job"), ("RoleBinding", "flink", "flink-role-binding"),
                    ("RoleBinding", "team-a", "a-jobs-role-binding"), ("RoleBinding", "team-a", "flink-role-binding")]
    assert find(objects, "ClusterRole", "flink-job")["rules"] == JOB_RULES
    binding = find(objects, "RoleBinding", "a-jobs-role-binding", "team-a")
    assert binding["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "flink-job"}
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "a-jobs", "namespace": "team-a"}]


def test_job_rbac_role_by_default_keeps_a_role_per_namespace() -> None:
    objects = render(environment())
    assert find(objects, "Role", "flink-role", "flink")["rules"] == JOB_RULES
    assert find(objects, "RoleBinding", "flink-role-binding", "flink")["roleRef"]["kind"] == "Role"
    assert not [o for o in objects if o["kind"] == "ClusterRole" and o["metadata"]["name"] == "flink-job"]


# ---------------------------------------------------------------------------------------------------------------
# validate: pods no node pool can take
# ---------------------------------------------------------------------------------------------------------------


def _pool(name: str, taint: bool = True) -> Manifest:
    return {"apiVersion": "karpenter.sh/v1", "kind": "NodePool", "metadata": {"name": name}, "spec": {"template": {
        "metadata": {"labels": {"lakehouse.dev/node-pool": name}},
        "spec": {"nodeClassRef": {"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": "default"},
                 "requirements": [],
                 "taints": [{"key": "lakehouse.dev/node-pool", "value": name, "effect": "NoSchedule"}] if taint else []}}}}


def _deployment(selector: dict[str, str], tolerations: list[dict[str, Any]]) -> Manifest:
    labels = {"app": "web"}
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "flink"},
            "spec": {"selector": {"matchLabels": labels}, "template": {"metadata": {"labels": labels}, "spec": {
                "nodeSelector": selector, "tolerations": tolerations,
                "containers": [{"name": "web", "image": "nginx:1.27"}]}}}}


def _pool_errors(objects: list[Manifest], tmp_path: Path) -> list[str]:
    return [e for e in validate_errors(objects, tmp_path) if "stay Pending" in e]


def test_validate_accepts_a_pod_on_its_pool(tmp_path: Path) -> None:
    assert _pool_errors([_pool("orders"), _deployment(SELECTOR, [TOLERATION])], tmp_path) == []


def test_validate_finds_a_pod_selecting_a_pool_that_is_not_rendered(tmp_path: Path) -> None:
    assert _pool_errors_full([_pool("shared"), _deployment(SELECTOR, [TOLERATION])], tmp_path) == [
        "ERROR    rule        " + str(tmp_path / "objects.yaml") + "  Deployment/flink/web  "
        "spec.template.spec.nodeSelector.lakehouse.dev/node-pool  no rendered NodePool labels its nodes "
        "lakehouse.dev/node-pool=orders (NodePools: shared (lakehouse.dev/node-pool=shared)): Karpenter launches no "
        "node for these pods, which stay Pending"]


def test_validate_finds_a_pod_without_the_toleration_of_its_pools_taint(tmp_path: Path) -> None:
    other = {"key": "lakehouse.dev/node-pool", "value": "shared", "effect": "NoSchedule"}
    assert _pool_errors([_pool("orders"), _deployment(SELECTOR, [other])], tmp_path) == [
        "ERROR    rule        " + str(tmp_path / "objects.yaml") + "  Deployment/flink/web  "
        "spec.template.spec.tolerations  no toleration of taint lakehouse.dev/node-pool=orders:NoSchedule of NodePool "
        "orders, the pool its nodeSelector picks: Karpenter does not use a NodePool whose taints a pod does not "
        "tolerate, so these pods stay Pending"]


@pytest.mark.parametrize("toleration", [
    {"key": "lakehouse.dev/node-pool", "operator": "Exists"},
    {"operator": "Exists"},
    {"key": "lakehouse.dev/node-pool", "value": "orders"},  # every effect
])
def test_validate_reads_tolerations_as_kubernetes_does(toleration: dict[str, Any], tmp_path: Path) -> None:
    assert _pool_errors([_pool("orders"), _deployment(SELECTOR, [toleration])], tmp_path) == []


def test_validate_finds_a_flink_role_missing_the_toleration(tmp_path: Path) -> None:
    """The operator merges the common pod template into each role's: a toleration only on the JobManager leaves the
    TaskManagers Pending."""
    deployment = find(render(_doc()), "FlinkDeployment", "orders-enrichment")
    broken = copy.deepcopy(deployment)
    del broken["spec"]["taskManager"]["podTemplate"]["spec"]["tolerations"]
    pool = find(render_charts(_doc())["02-node-pools"], "NodePool", "orders")
    assert _pool_errors([pool, deployment], tmp_path) == []
    errors = _pool_errors([pool, broken], tmp_path)
    assert len(errors) == 1
    assert "  FlinkDeployment/flink/orders-enrichment  spec.taskManager.podTemplate.spec.tolerations  " in errors[0]


def test_validate_warns_only_in_path_mode_when_the_pool_may_be_elsewhere(tmp_path: Path) -> None:
    assert _pool_errors([_deployment(SELECTOR, [TOLERATION])], tmp_path) == []  # partial: a warning
    assert len(_pool_errors_full([_deployment(SELECTOR, [TOLERATION])], tmp_path)) == 1


def _pool_errors_full(objects: list[Manifest], tmp_path: Path) -> list[str]:
    return [e for e in validate_errors(objects, tmp_path, partial=False) if "stay Pending" in e]


def test_validate_finds_a_role_binding_of_a_cluster_role_that_is_not_rendered(tmp_path: Path) -> None:
    binding = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
               "metadata": {"name": "flink-role-binding", "namespace": "flink"},
               "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "flink-job"},
               "subjects": [{"kind": "ServiceAccount", "name": "flink", "namespace": "flink"}]}
    account = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "flink", "namespace": "flink"}}
    errors = [e for e in validate_errors([binding, account], tmp_path, partial=False) if "roleRef" in e]
    assert len(errors) == 1 and "ClusterRole" in errors[0] and "flink-job" in errors[0]
    role = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "flink-job"},
            "rules": JOB_RULES}
    assert [e for e in validate_errors([binding, account, role], tmp_path, partial=False) if "roleRef" in e] == []



# ---------------------------------------------------------------------------------------------------------------
# validate: Flink pods on nodes that expire (#20 item 6)
# ---------------------------------------------------------------------------------------------------------------


def expiry_warnings(objects: list[Manifest]) -> list[tuple[str, str, str]]:
    """(object, field, message) of the node-pool warnings about expiry that validate gives `objects`."""
    from manifests.validation import node_pools
    from manifests.validation.report import Level
    from manifests.validation.report import Manifest as Checked

    return [(f.object, f.field, f.message) for f in node_pools.check([Checked("x.yaml", o) for o in objects])
            if f.level is Level.WARNING and "expireAfter" in f.field]


def expiry_message(value: str, workloads: str) -> str:
    return (f"expireAfter {value}: Karpenter 1.14 expires a node forcefully, at any hour: it deletes the NodeClaim "
            "without consulting the disruption budgets (pkg/controllers/nodeclaim/expiration), and Flink pods run "
            f"on this pool ({workloads}): their TaskManagers go with the node, and the job restarts from its last "
            "checkpoint; set expireAfter: Never and replace nodes by drift (a new AMI or node class), which the "
            "budgets govern")


def test_validate_warns_of_a_pool_of_flink_pods_whose_nodes_expire() -> None:
    """A finite expireAfter, or none (the CRD's default, 720h), on a pool a FlinkDeployment or a standalone Flink
    workload runs on; not on a pool that only Spark uses, nor with Never (the platform's default)."""
    assert expiry_warnings(render(_doc())) == []
    expiring = render(environment(
        nodePools=[{**POOL, "expireAfter": "720h"}, {"name": "batch", "nodeClass": "default", "expireAfter": "24h"}],
        flink={"deployments": [ORDERS]},
        spark={"applications": [{"name": "ingest", "mainApplicationFile": "jobs/i.py", "nodePool": "batch"}]}))
    assert expiry_warnings(expiring) == [("NodePool/orders", "spec.template.spec.expireAfter",
                                          expiry_message("720h", "FlinkDeployment/flink/orders-enrichment"))]
    pool = find(expiring, "NodePool", "orders")
    del pool["spec"]["template"]["spec"]["expireAfter"]
    standalone = _deployment(SELECTOR, [TOLERATION])
    standalone["spec"]["template"]["spec"]["containers"][0].update(image="flink:1.20.3", args=["taskmanager"])
    assert expiry_warnings([pool, standalone]) == [(
        "NodePool/orders", "spec.template.spec.expireAfter",
        expiry_message("720h (the CRD's default when absent)", "Deployment/flink/web"))]
    assert expiry_warnings([pool, _deployment(SELECTOR, [TOLERATION])]) == []  # not Flink
