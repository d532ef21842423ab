"""What README promises of the rendered output ("What is rendered", the conventions of every object), checked
on an environment that sets nothing optional (`conftest.environment`): files and their namespaces, sync waves,
Argo CD sync options, cluster-scoped objects, the Flink version. The configuration defaults themselves are
checked in test_config.test_promised_defaults."""

from __future__ import annotations

import pytest

from tests.conftest import Manifest, environment, render_charts

SYNC_WAVE = "argocd.argoproj.io/sync-wave"
SYNC_OPTIONS = "argocd.argoproj.io/sync-options"
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "MutatingWebhookConfiguration",
                  "ValidatingWebhookConfiguration"}
KUBERNETES_GROUPS = {"", "apps", "batch", "rbac.authorization.k8s.io", "admissionregistration.k8s.io", "policy"}


@pytest.fixture(scope="module")
def charts() -> dict[str, list[Manifest]]:
    return render_charts(environment())


def _annotations(obj: Manifest) -> dict[str, str]:
    annotations: dict[str, str] = obj["metadata"].get("annotations") or {}
    return annotations


def _name(obj: Manifest) -> str:
    return "/".join(p for p in (obj["kind"], obj["metadata"].get("namespace"), obj["metadata"]["name"]) if p)


def test_files_in_apply_order_with_their_namespaces(charts: dict[str, list[Manifest]]) -> None:
    """README, "What is rendered": no object store (an AWS environment); the operators' RBAC in the namespaces they
    watch, the catalog setup's Roles in the consumer namespaces, Argo CD Applications in argocd."""
    namespaces = {chart: sorted({o["metadata"].get("namespace") or "-" for o in objects})
                  for chart, objects in charts.items()}
    assert namespaces == {
        "00-namespaces": ["-"],
        "01-argocd": ["argocd"],
        "01-argocd-apps": ["argocd"],
        "05-crds": ["argocd"],
        "10-flink-operator": ["-", "flink", "technical-flink-operator"],
        "15-spark-operator": ["-", "spark", "technical-spark-operator"],
        "30-polaris": ["flink", "fluss", "polaris", "spark"],
        "40-fluss": ["fluss"],
        "50-flink": ["flink"],
        "60-spark": [],
    }
    assert sorted(o["metadata"]["name"] for o in charts["00-namespaces"]) == [
        "flink", "fluss", "polaris", "spark", "technical-flink-operator", "technical-spark-operator"]


def _promised_wave(chart: str, obj: Manifest) -> int:
    """README's waves: 0 namespaces, 1 CRDs, cert-manager and the Secrets workloads read, 2 operators,
    3 storage/databases/ZooKeeper, 4 Polaris, 5 catalog bootstrap, 6 clusters, 7 jobs."""
    name, kind = obj["metadata"]["name"], obj["kind"]
    if chart in ("01-argocd", "01-argocd-apps"):  # project and health checks first, each file's Application, root last
        if kind != "Application":
            return -1
        return 100 if name == "lakehouse-test" else int(obj["spec"]["source"]["directory"]["include"][:2])
    if kind in ("Secret", "ExternalSecret"):
        return 1
    if chart == "30-polaris":
        return 3 if name.startswith("postgres") else 5 if name.startswith("polaris-catalog-setup") else 4
    if chart == "40-fluss":
        return 3 if name.startswith("zookeeper") else 6
    if kind in ("FlinkSessionJob", "SparkApplication"):
        return 7
    return {"00-namespaces": 0, "05-crds": 1, "10-flink-operator": 2, "15-spark-operator": 2, "50-flink": 6}[chart]


def test_every_object_has_its_promised_sync_wave(charts: dict[str, list[Manifest]]) -> None:
    waves = {_name(o): _annotations(o).get(SYNC_WAVE) for chart, objects in charts.items() for o in objects}
    assert waves == {_name(o): str(_promised_wave(chart, o)) for chart, objects in charts.items() for o in objects}


def test_stateful_objects_are_never_pruned_and_custom_resources_skip_the_first_dry_run(
        charts: dict[str, list[Manifest]]) -> None:
    """Prune=false on the FlinkDeployment and the StatefulSets with volume claims; SkipDryRunOnMissingResource on
    every custom resource but Argo CD's own Applications (their CRDs come from another Application)."""
    objects = [o for chart in charts.values() for o in chart]
    options = {_name(o): set(_annotations(o).get(SYNC_OPTIONS, "").split(",")) - {""} for o in objects}
    assert {name for name, opts in options.items() if "Prune=false" in opts} == {
        "FlinkDeployment/flink/flink-session", "StatefulSet/polaris/postgres", "StatefulSet/fluss/zookeeper",
        "StatefulSet/fluss/tablet-server", "ConfigMap/argocd/argocd-cm",
        *(f"Application/argocd/test-{name}" for name in ("namespaces", "flink-operator", "spark-operator", "polaris",
                                                         "fluss", "flink"))}
    custom = {_name(o) for o in objects if o["apiVersion"].rpartition("/")[0] not in KUBERNETES_GROUPS | {"argoproj.io"}}
    assert custom == {"Certificate/technical-flink-operator/flink-operator-serving-cert",
                      "Issuer/technical-flink-operator/flink-operator-selfsigned-issuer",
                      "FlinkDeployment/flink/flink-session", "FlinkSessionJob/flink/fluss-tiering-job"}
    assert {name for name, opts in options.items() if "SkipDryRunOnMissingResource=true" in opts} == custom


def test_cluster_scoped_objects_have_no_namespace_and_the_others_have_one(charts: dict[str, list[Manifest]]) -> None:
    for obj in (o for chart in charts.values() for o in chart):
        assert ("namespace" in obj["metadata"]) is (obj["kind"] not in CLUSTER_SCOPED), _name(obj)


def test_flink_runs_1_20_from_the_platform_image(charts: dict[str, list[Manifest]]) -> None:
    [session] = [o for o in charts["50-flink"] if o["kind"] == "FlinkDeployment"]
    assert (session["metadata"]["name"], session["spec"]["flinkVersion"], session["spec"]["image"]) == (
        "flink-session", "v1_20", "flink-fluss-iceberg-s3:1.20.3")


RECOMMENDED_LABELS = {f"app.kubernetes.io/{key}" for key in ("name", "instance", "version", "component", "part-of",
                                                              "managed-by")}
LABEL_GAPS = {
    **{f"Namespace/{name}": ["app.kubernetes.io/component", "app.kubernetes.io/instance", "app.kubernetes.io/name",
                             "app.kubernetes.io/version"]
       for name in ("flink", "fluss", "polaris", "spark", "technical-flink-operator", "technical-spark-operator")},
    "ConfigMap/argocd/argocd-cm": ["app.kubernetes.io/component", "app.kubernetes.io/instance",
                                   "app.kubernetes.io/managed-by", "app.kubernetes.io/version"],
}
"""Namespaces are not an application's objects: they carry `part-of`, `managed-by` and their tier only (README,
"What is rendered"); Argo CD's own `argocd-cm`, of which the platform sets only the health keys, keeps Argo CD's
labels (`part-of: argocd`, which Argo CD requires). Every other object has all six recommended labels."""


def test_every_object_but_the_namespaces_has_the_recommended_labels(charts: dict[str, list[Manifest]]) -> None:
    gaps = {_name(o): sorted(RECOMMENDED_LABELS - set(o["metadata"].get("labels") or {}))
            for chart in charts.values() for o in chart}
    assert {name: missing for name, missing in gaps.items() if missing} == LABEL_GAPS
    platform = [o for chart in charts.values() for o in chart if _name(o) != "ConfigMap/argocd/argocd-cm"]
    assert {o["metadata"]["labels"]["app.kubernetes.io/part-of"] for o in platform} == {"lakehouse"}
    assert {o["metadata"]["labels"]["app.kubernetes.io/managed-by"] for o in platform} == {"cdk8s"}
