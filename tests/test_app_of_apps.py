"""Argo CD app of apps: the root Application, one Application per chart file in a least-privilege AppProject, and
the `validate` rule that every file is synced once by an Application its project permits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from manifests.validation.app_of_apps import include_globs
from tests.conftest import Manifest, config_errors, environment, find, load_dir, render_charts, validate_errors

REPO = "https://git.example.com/data-platform/lakehouse.git"
MIGRATION_MANAGER = "argocd.argoproj.io/client-side-apply-migration-manager"


@pytest.fixture(scope="module")
def prod(rendered_root: Path) -> dict[str, list[Manifest]]:
    """The fixture test-prod's rendered files (a copy of prod): name -> objects."""
    return load_dir(rendered_root / "test-prod")


def applications(objects: list[Manifest]) -> dict[str, Manifest]:
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == "Application"}


def app_of_apps(files: dict[str, list[Manifest]]) -> list[Manifest]:
    """The objects of the bootstrap file (the root) and of the app of apps' file."""
    return [*files["01-argocd.k8s.yaml"], *files["01-argocd-apps.k8s.yaml"]]


def test_every_file_is_synced_by_exactly_one_application(prod: dict[str, list[Manifest]]) -> None:
    apps = applications(app_of_apps(prod))
    synced: dict[str, list[str]] = {}
    for name, app in apps.items():
        source = app["spec"]["source"]
        assert (source["repoURL"], source["targetRevision"], source["path"]) == (REPO, "release/prod", "dist/test-prod")
        for glob in include_globs(source["directory"]["include"]):
            synced.setdefault(glob, []).append(name)
    assert synced == {
        "01-argocd.k8s.yaml": ["lakehouse-test-prod"], "01-argocd-apps.k8s.yaml": ["lakehouse-test-prod"],
        "05-crds.k8s.yaml": ["lakehouse-test-prod"],
        "00-namespaces.k8s.yaml": ["test-prod-namespaces"], "02-node-pools.k8s.yaml": ["test-prod-node-pools"],
        "10-flink-operator.k8s.yaml": ["test-prod-flink-operator"],
        "15-spark-operator.k8s.yaml": ["test-prod-spark-operator"], "30-polaris.k8s.yaml": ["test-prod-polaris"],
        "40-fluss.k8s.yaml": ["test-prod-fluss"], "50-flink.k8s.yaml": ["test-prod-flink"],
        "60-spark.k8s.yaml": ["test-prod-spark"]}
    assert set(synced) == set(prod)


def test_the_root_and_the_prerequisites_stay_in_the_admin_project(prod: dict[str, list[Manifest]]) -> None:
    root = applications(app_of_apps(prod))["lakehouse-test-prod"]
    assert root["spec"]["project"] == "default"
    # the partial argocd-cm must not take over keys set with kubectl apply (the default migration would)
    assert root["metadata"]["annotations"][MIGRATION_MANAGER] == "lakehouse-no-client-side-apply-migration"
    assert {app["spec"]["project"] for app in applications(prod["05-crds.k8s.yaml"]).values()} == {"default"}
    children = [app for name, app in applications(app_of_apps(prod)).items() if name != "lakehouse-test-prod"]
    assert {app["spec"]["project"] for app in children} == {"lakehouse-test-prod"}


def test_children_sync_in_file_order_with_retries_and_are_never_pruned(prod: dict[str, list[Manifest]]) -> None:
    apps = applications(app_of_apps(prod))
    waves = {name: int(app["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"]) for name, app in apps.items()}
    assert waves == {"lakehouse-test-prod": 100, "test-prod-namespaces": 0, "test-prod-node-pools": 2,
                     "test-prod-flink-operator": 10, "test-prod-spark-operator": 15, "test-prod-polaris": 30,
                     "test-prod-fluss": 40, "test-prod-flink": 50, "test-prod-spark": 60}
    project = find(app_of_apps(prod), "AppProject", "lakehouse-test-prod")
    assert project["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"] == "-1"  # before the Applications
    for name, app in apps.items():
        assert app["spec"]["syncPolicy"]["retry"]["backoff"] == {"duration": "10s", "factor": 2, "maxDuration": "5m"}
        assert "finalizers" not in app["metadata"]  # deleting an Application never cascades to its objects
        if name != "lakehouse-test-prod":
            assert app["metadata"]["annotations"]["argocd.argoproj.io/sync-options"] == "Prune=false"


def test_the_project_permits_exactly_what_the_platform_renders(prod: dict[str, list[Manifest]]) -> None:
    project = find(app_of_apps(prod), "AppProject", "lakehouse-test-prod")["spec"]
    platform = [o for name, objects in prod.items()
                if name not in ("01-argocd.k8s.yaml", "01-argocd-apps.k8s.yaml", "05-crds.k8s.yaml") for o in objects]

    def kinds(namespaced: bool) -> list[dict[str, str]]:
        found = {(o["apiVersion"].rpartition("/")[0], o["kind"]) for o in platform
                 if bool(o["metadata"].get("namespace")) == namespaced}
        return [{"group": g, "kind": k} for g, k in sorted(found)]

    assert project["sourceRepos"] == [REPO]
    assert project["clusterResourceWhitelist"] == kinds(namespaced=False)
    assert project["namespaceResourceWhitelist"] == kinds(namespaced=True)
    assert {"group": "argoproj.io", "kind": "Application"} not in project["namespaceResourceWhitelist"]
    assert [d["namespace"] for d in project["destinations"]] == [
        "flink", "fluss", "polaris", "spark", "technical-flink-operator", "technical-spark-operator"]
    assert {d["server"] for d in project["destinations"]} == {"https://kubernetes.default.svc"}


def test_fields_written_by_operators_are_ignored_and_kept(prod: dict[str, list[Manifest]]) -> None:
    apps = applications(app_of_apps(prod))
    operator = apps["test-prod-flink-operator"]["spec"]
    assert operator["ignoreDifferences"] == [
        {"group": "admissionregistration.k8s.io", "kind": kind, "jqPathExpressions": [".webhooks[]?.clientConfig.caBundle"]}
        for kind in ("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration")]
    assert "RespectIgnoreDifferences=true" in operator["syncPolicy"]["syncOptions"]
    assert apps["test-prod-flink"]["spec"]["ignoreDifferences"] == [
        {"group": "flink.apache.org", "kind": "FlinkSessionJob", "jsonPointers": ["/metadata/labels/target.session"]}]
    assert "ignoreDifferences" not in apps["test-prod-polaris"]["spec"]
    assert apps["test-prod-polaris"]["spec"]["syncPolicy"]["syncOptions"] == ["PruneLast=true"]


def test_the_health_checks_patch_only_their_keys_of_argocd_cm(prod: dict[str, list[Manifest]]) -> None:
    from manifests.argo_health import health_customizations

    cm = find(app_of_apps(prod), "ConfigMap", "argocd-cm", "argocd")
    assert cm["data"] == health_customizations()
    assert "resource.customizations.health.argoproj.io_Application" in cm["data"]  # the waves between Applications
    assert cm["metadata"]["labels"] == {"app.kubernetes.io/name": "argocd-cm", "app.kubernetes.io/part-of": "argocd"}
    assert cm["metadata"]["annotations"] == {"argocd.argoproj.io/sync-wave": "-1",
                                             "argocd.argoproj.io/sync-options": "ServerSideApply=true,Prune=false,"
                                                                                "Delete=false"}


def test_argo_cd_settings_come_from_config() -> None:
    charts = render_charts(environment(argoCd={"repoUrl": "ssh://git@git.example.com/lake.git", "targetRevision": "v1",
                                               "path": "deploy/test", "namespace": "gitops", "project": "lake",
                                               "healthChecks": False}))
    objects = [*charts["01-argocd"], *charts["01-argocd-apps"]]
    root = find(objects, "Application", "lakehouse-test", "gitops")
    assert root["spec"]["source"]["path"] == "deploy/test"
    assert root["spec"]["source"]["targetRevision"] == "v1"
    assert find(objects, "AppProject", "lake", "gitops")["spec"]["sourceRepos"] == ["ssh://git@git.example.com/lake.git"]
    assert {o["spec"]["project"] for o in objects if o["kind"] == "Application" and o is not root} == {"lake"}
    assert not [o for o in objects if o["kind"] == "ConfigMap"]  # healthChecks: false
    assert {o["metadata"]["namespace"] for o in charts["05-crds"]} == {"gitops"}


def test_without_argo_cd_nothing_of_it_is_rendered(rendered: dict[str, list[Manifest]]) -> None:
    assert not [o for o in rendered["test-local"] if o["apiVersion"].startswith("argoproj.io/")]


@pytest.mark.parametrize(("overrides", "expected"), [
    ({"argoCd": None}, [
        "crds.manage: renders Argo CD Applications, but argoCd is not set: set argoCd.repoUrl, or crds.manage: false "
        "and install the CRDs with `make install-crds`",
        "certManager.mode: include installs cert-manager with an Argo CD Application, but argoCd is not set: set "
        "argoCd.repoUrl, or use assume-present with `make install-cert-manager`"]),
    ({"argoCd": {}}, ["argoCd: missing required key 'repoUrl'"]),
    ({"argoCd": {"repoUrl": "git.example.com/lake"}},
     ["argoCd.repoUrl: 'git.example.com/lake' is not a Git repository URL (https://, ssh:// or git@)"]),
])
def test_bad_argo_cd_settings_are_refused(overrides: dict[str, Any], expected: list[str]) -> None:
    assert config_errors({**environment(), **overrides}) == expected


def test_validate_refuses_what_argo_cd_would_refuse(prod: dict[str, list[Manifest]], tmp_path: Path) -> None:
    argocd = [dict(o) for o in prod["01-argocd.k8s.yaml"]]
    project = next(o for o in argocd if o["kind"] == "AppProject")
    project["spec"] = {**project["spec"], "namespaceResourceWhitelist": [
        e for e in project["spec"]["namespaceResourceWhitelist"] if e["kind"] != "StatefulSet"]}
    folder = tmp_path / "dist" / "test-prod"
    folder.mkdir(parents=True)
    import yaml
    for name, objects in prod.items():
        (folder / name).write_text(yaml.safe_dump_all(argocd if name == "01-argocd.k8s.yaml" else objects))
    (folder / "70-extra.k8s.yaml").write_text(yaml.safe_dump_all(prod["60-spark.k8s.yaml"]))

    from manifests.validation.command import validate_paths
    from manifests.validation.report import Level
    from manifests.validation.strict_schemas import SchemaStore, default_dir

    report = validate_paths([folder], SchemaStore(default_dir()), None)
    errors = [(f.object, f.message) for f in report.findings if f.level is Level.ERROR]
    assert sorted(e for e in errors if e[0].startswith("StatefulSet")) == sorted(
        (f"StatefulSet/{ref}", "StatefulSet (apps) is not in the namespaceResourceWhitelist of AppProject "
                               f"lakehouse-test-prod, so Argo CD refuses the sync of Application {app}")
        for ref, app in (("polaris/postgres", "test-prod-polaris"), ("fluss/coordinator-server", "test-prod-fluss"),
                         ("fluss/tablet-server", "test-prod-fluss"), ("fluss/zookeeper", "test-prod-fluss")))
    assert ("SparkApplication/spark/ingest-campaign",
            "no Application syncs 70-extra.k8s.yaml: its objects are never applied by Argo CD") in errors
    assert len(errors) == 5
    assert validate_errors(app_of_apps(prod), tmp_path) == []  # alone: no folder they sync, nothing to check


# ---- client-side apply migration (#20 item 5) --------------------------------------------------------------------

def test_the_partial_argocd_cm_is_protected_whatever_options_a_sync_request_carries() -> None:
    # a sync request's own options replace spec.syncPolicy.syncOptions (argo-cd server/application/application.go
    # 2122-2131), so ClientSideApplyMigration=false there is lost on a manual sync with options; the Application's
    # annotation is read on every sync (controller/sync.go:228-232) and names a manager no client ever uses, so the
    # migration finds nothing to hand to Argo CD's field manager (needsClientSideApplyMigration)
    charts = render_charts(environment())
    objects = [*charts["01-argocd"], *charts["01-argocd-apps"]]
    root = find(objects, "Application", "lakehouse-test", "argocd")
    assert root["metadata"]["annotations"][MIGRATION_MANAGER] == "lakehouse-no-client-side-apply-migration"
    assert "ClientSideApplyMigration=false" not in root["spec"]["syncPolicy"].get("syncOptions", [])
    cm = find(objects, "ConfigMap", "argocd-cm", "argocd")
    assert cm["metadata"]["annotations"]["argocd.argoproj.io/sync-options"] == (
        "ServerSideApply=true,Prune=false,Delete=false")


def _partial_object_folder(tmp_path: Path, root_annotations: dict[str, str], options: list[str]) -> Path:
    """dist/test: a root Application (`root_annotations`, `options` as its sync options) in 01-argocd.k8s.yaml that
    syncs that file and 01-argocd-apps.k8s.yaml, a partial argocd-cm applied server-side."""
    import yaml
    root = {"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
            "metadata": {"name": "lakehouse-test", "namespace": "argocd", "annotations": root_annotations},
            "spec": {"project": "default", "destination": {"server": "https://kubernetes.default.svc"},
                     "source": {"repoURL": REPO, "path": "dist/test",
                                "directory": {"include": "{01-argocd.k8s.yaml,01-argocd-apps.k8s.yaml}"}},
                     "syncPolicy": {"syncOptions": options}}}
    cm = {"apiVersion": "v1", "kind": "ConfigMap",
          "metadata": {"name": "argocd-cm", "namespace": "argocd", "annotations": {
              "argocd.argoproj.io/sync-options": "ServerSideApply=true,Prune=false,Delete=false"}},
          "data": {"resource.customizations.health.argoproj.io_Application": "return {status = 'Healthy'}"}}
    folder = tmp_path / "dist" / "test"
    folder.mkdir(parents=True)
    (folder / "01-argocd.k8s.yaml").write_text(yaml.safe_dump(root))
    (folder / "01-argocd-apps.k8s.yaml").write_text(yaml.safe_dump(cm))
    return folder


@pytest.mark.parametrize(("annotations", "options", "expected"), [
    ({}, ["ClientSideApplyMigration=false"],
     "ConfigMap argocd-cm is a partial object (ServerSideApply=true, Delete=false) and Application lakehouse-test "
     "turns the client-side apply migration off only with the sync option ClientSideApplyMigration=false, which a "
     "sync request with options of its own replaces (argo-cd server/application/application.go:2122-2131): the "
     "migration would hand the fields set with kubectl apply to Argo CD's field manager, and this apply would "
     "remove them. Annotate the Application with argocd.argoproj.io/client-side-apply-migration-manager naming a "
     "manager that never exists"),
    ({}, [],
     "ConfigMap argocd-cm is a partial object (ServerSideApply=true, Delete=false) and Application lakehouse-test "
     "does not turn the client-side apply migration off: the migration would hand the fields set with kubectl apply "
     "to Argo CD's field manager, and this apply would remove them. Annotate the Application with "
     "argocd.argoproj.io/client-side-apply-migration-manager naming a manager that never exists"),
    ({MIGRATION_MANAGER: "kubectl-client-side-apply"}, [],
     "ConfigMap argocd-cm is a partial object (ServerSideApply=true, Delete=false) and Application lakehouse-test "
     "names kubectl-client-side-apply in argocd.argoproj.io/client-side-apply-migration-manager, a manager that "
     "writes objects: the migration would hand the fields set with kubectl apply to Argo CD's field manager, and "
     "this apply would remove them. Annotate the Application with argocd.argoproj.io/client-side-apply-migration-"
     "manager naming a manager that never exists"),
])
def test_validate_refuses_a_partial_object_protected_by_sync_options_only(
        tmp_path: Path, annotations: dict[str, str], options: list[str], expected: str) -> None:
    from manifests.validation import app_of_apps
    from manifests.validation.manifests import load, yaml_files

    manifests, _ = load(yaml_files([_partial_object_folder(tmp_path, annotations, options)]))
    assert [(f.object, f.field, f.message) for f in app_of_apps.check(manifests)] == [
        ("Application/argocd/lakehouse-test", f"metadata.annotations.{MIGRATION_MANAGER}", expected)]


def test_validate_accepts_a_partial_object_under_a_manager_that_never_exists(tmp_path: Path) -> None:
    from manifests.validation import app_of_apps
    from manifests.validation.manifests import load, yaml_files

    folder = _partial_object_folder(tmp_path, {MIGRATION_MANAGER: "lakehouse-no-client-side-apply-migration"}, [])
    manifests, _ = load(yaml_files([folder]))
    assert app_of_apps.check(manifests) == []


# ---- bootstrap (#20 item 4) --------------------------------------------------------------------------------------

def test_the_bootstrap_file_holds_no_child_application_the_root_syncs_them_in_wave_order() -> None:
    # `kubectl apply -f 01-argocd.k8s.yaml` creates the root (and the project, which starts nothing); the root creates
    # each child Application from Git in its wave, after the one before is healthy, instead of all of them at once
    # racing the CRDs and webhooks
    charts = render_charts(environment())
    assert [(o["kind"], o["metadata"]["name"]) for o in charts["01-argocd"]] == [
        ("AppProject", "lakehouse-test"), ("Application", "lakehouse-test")]
    root = find(charts["01-argocd"], "Application", "lakehouse-test")
    assert root["spec"]["source"]["directory"]["include"] == (
        "{01-argocd-apps.k8s.yaml,01-argocd.k8s.yaml,05-crds.k8s.yaml}")
    rest = {(o["kind"], o["metadata"]["name"]) for o in charts["01-argocd-apps"]}
    assert {("ConfigMap", "argocd-cm"), ("Application", "test-namespaces"), ("Application", "test-flink")} <= rest
    assert ("Application", "lakehouse-test") not in rest


def test_a_failed_sync_is_retried_until_it_succeeds_on_the_latest_revision() -> None:
    # after a limited number of retries Argo CD does not sync the same revision again (controller/appcontroller.go
    # 2394-2399): a child that lost its race with a CRD or a webhook would stay failed, and its parent with it
    charts = render_charts(environment())
    apps = [o for chart in ("01-argocd", "01-argocd-apps") for o in charts[chart] if o["kind"] == "Application"]
    assert len(apps) > 5
    for app in apps:
        assert app["spec"]["syncPolicy"]["retry"] == {
            "limit": -1, "refresh": True, "backoff": {"duration": "10s", "factor": 2, "maxDuration": "5m"}}


def test_validate_refuses_a_bootstrap_file_that_creates_more_than_the_root(tmp_path: Path) -> None:
    import yaml

    from manifests.validation import app_of_apps
    from manifests.validation.manifests import load, yaml_files

    def app(name: str, include: str) -> Manifest:
        return {"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
                "metadata": {"name": name, "namespace": "argocd"},
                "spec": {"project": "default", "destination": {"server": "https://kubernetes.default.svc"},
                         "source": {"repoURL": REPO, "path": "dist/test", "directory": {"include": include}}}}

    folder = tmp_path / "dist" / "test"
    folder.mkdir(parents=True)
    project = {"apiVersion": "argoproj.io/v1alpha1", "kind": "AppProject",
               "metadata": {"name": "lakehouse-test", "namespace": "argocd"},
               "spec": {"sourceRepos": [REPO], "destinations": [{"namespace": "flink"}],
                        "namespaceResourceWhitelist": [{"group": "", "kind": "ConfigMap"}]}}
    (folder / "01-argocd.k8s.yaml").write_text(yaml.safe_dump_all([
        app("lakehouse-test", "01-argocd.k8s.yaml"), project, app("test-flink", "50-flink.k8s.yaml")]))
    (folder / "50-flink.k8s.yaml").write_text(yaml.safe_dump_all([
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "flink"}}]))
    manifests, _ = load(yaml_files([folder]))
    assert [(f.object, f.message) for f in app_of_apps.check(manifests)] == [(
        "Application/argocd/test-flink",
        "01-argocd.k8s.yaml holds the root Application lakehouse-test, which syncs its own file: that file is the "
        "bootstrap, applied by hand (kubectl apply), which creates Application test-flink at once, outside the "
        "root's sync waves; keep only the root and its AppProjects in it")]


def test_the_rendered_root_never_waits_for_its_own_sync_and_its_children_are_waited_for() -> None:
    # the root's sync waits for the health of each object it syncs, its own object included, whose operation is
    # Running then (gitops-engine sync_context.go:555-597): the rendered Application check answers Healthy for the
    # rendered root, and Progressing for a child mid-sync
    from manifests.argo_health.lua import LuaHealth

    charts = render_charts(environment())
    root = find(charts["01-argocd"], "Application", "lakehouse-test")
    assert root["metadata"]["annotations"]["lakehouse.dev/app-of-apps"] == "root"
    script = find(charts["01-argocd-apps"], "ConfigMap", "argocd-cm")["data"][
        "resource.customizations.health.argoproj.io_Application"]
    running = {"health": {"status": "Healthy"}, "sync": {"status": "Synced"}, "operationState": {"phase": "Running"}}
    assert LuaHealth().assess(script, {**root, "status": running}) == (
        "Healthy", "Root of the app of apps: its health is its children's (health Healthy, sync status Synced); in its "
                   "last sync wave, it gates nothing")
    child = find(charts["01-argocd-apps"], "Application", "test-flink")
    assert "lakehouse.dev/app-of-apps" not in child["metadata"]["annotations"]
    assert LuaHealth().assess(script, {**child, "status": running})[0] == "Progressing"
