"""`make helm` (`python main.py helm`, through `cdk8s synth --format helm`): a chart that `helm lint` accepts and whose
`helm template` renders exactly the objects of `dist/<env>/` plus Helm's annotations (hooks from Argo CD's, keep
policies on state), with a NOTES.txt and versions from the project (helm v4 of the pinned layer zip, unpacked into
build/tools by `make setup`). The chart's install, upgrade and uninstall against a real API server:
tests/judges/test_helm_release.py.

The charts of two fixture environments (tests/conftest.py) are built once per session, in parallel (about 3 s each,
mostly the cdk8s CLI and the app's start): `test-local` (a copy of local, the default) and `test-examples`, which
holds a `{{` Helm would otherwise execute as a template action (built with `--chart-version`); each is compared with
the session's render of the same fixture. dev and prod go through the same code; `make helm ENV=all` builds them."""

from __future__ import annotations

import copy
import re
import subprocess
import sys
import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from cli.commands import main as cli_main
from manifests.helm import (
    HOOK_ANNOTATION,
    HOOK_DELETE_POLICY_ANNOTATION,
    HOOK_WEIGHT_ANNOTATION,
    NOTES,
    RESOURCE_POLICY_ANNOTATION,
    HelmChartError,
    escape_template_delimiters,
    helm_hook,
    kept,
    templates_digest,
    with_helm_annotations,
)
from manifests.layout import ARGO_CD_FILES
from tests.conftest import FIXTURE_DIR, ROOT, Manifest, load_dir
from tests.test_kustomize import canonical

HELM = ROOT / "build" / "tools" / "helm" / "helm"
ENVS = ("test-local", "test-examples")
CHART_VERSION = {"test-examples": ("--chart-version", "2.3.4-rc.1")}
HELM_KEYS = (HOOK_ANNOTATION, HOOK_WEIGHT_ANNOTATION, HOOK_DELETE_POLICY_ANNOTATION, RESOURCE_POLICY_ANNOTATION)


def _without_helm_annotations(obj: Manifest) -> tuple[Manifest, dict[str, str]]:
    """`obj` without Helm's annotations (and without `annotations` if nothing else is left), and those annotations."""
    obj = copy.deepcopy(obj)
    annotations = obj["metadata"].get("annotations") or {}
    helm = {key: annotations.pop(key) for key in HELM_KEYS if key in annotations}
    if helm and not annotations:
        del obj["metadata"]["annotations"]
    return obj, helm


@pytest.fixture(scope="session")
def charts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`<root>/<env>/`: the chart of each of ENVS, written by `python main.py helm` as `make helm` runs it (with the
    fixtures' `--config-dir`)."""
    assert HELM.is_file(), f"{HELM} missing: run `make setup` (it unpacks the pinned layer zip)"
    root = tmp_path_factory.mktemp("helm")
    runs = [subprocess.Popen([sys.executable, "main.py", "helm", "--env", env, "--outdir", str(root),
                              "--config-dir", str(FIXTURE_DIR), *CHART_VERSION.get(env, ())], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for env in ENVS]
    for run in runs:
        out, err = run.communicate(timeout=300)
        assert run.returncode == 0, out + err
    return root


def _helm(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(HELM), *args], capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize("env", ENVS)
def test_helm_lint_accepts_the_chart(charts: Path, env: str) -> None:
    result = _helm("lint", "--strict", str(charts / env))
    assert result.returncode == 0 and "1 chart(s) linted, 0 chart(s) failed" in result.stdout, result.stdout + result.stderr


def _template(chart: Path) -> list[Manifest]:
    result = _helm("template", "lakehouse", str(chart))
    assert result.returncode == 0, result.stderr
    return [d for d in yaml.safe_load_all(result.stdout) if d]


@pytest.mark.parametrize("env", ENVS)
def test_helm_template_renders_the_objects_of_dist_plus_helm_annotations(
        charts: Path, rendered_root: Path, env: str) -> None:
    rendered = canonical([_without_helm_annotations(o)[0] for o in _template(charts / env)])
    dist = canonical([o for name, objs in load_dir(rendered_root / env).items()
                           if name not in ARGO_CD_FILES for o in objs])
    assert sum(dist.values()) > 50
    assert rendered - dist == Counter() and dist - rendered == Counter()


def test_argo_cd_sync_hooks_become_post_install_and_post_upgrade_hooks_weighted_by_wave(charts: Path) -> None:
    """The setup Jobs run after every template is applied, on install and on every upgrade, in sync-wave order, each
    run replacing the last (Argo CD: Sync, BeforeHookCreation)."""
    hooks = {f"{o['metadata']['namespace']}/{o['metadata']['name']}": helm for o in _template(charts / "test-local")
             if HOOK_ANNOTATION in (helm := _without_helm_annotations(o)[1])}
    post = {HOOK_ANNOTATION: "post-install,post-upgrade", HOOK_DELETE_POLICY_ANNOTATION: "before-hook-creation"}
    assert hooks == {"object-store/minio-setup": post | {HOOK_WEIGHT_ANNOTATION: "3"},
                     "polaris/polaris-bootstrap": post | {HOOK_WEIGHT_ANNOTATION: "4"},
                     "polaris/polaris-catalog-setup": post | {HOOK_WEIGHT_ANNOTATION: "5"}}


def test_state_is_kept_on_uninstall_with_what_it_runs_under_and_the_namespaces_that_hold_it(charts: Path) -> None:
    """Flink's custom resources, PVC-backed StatefulSets (not the Fluss coordinator, which has no volume claims), the
    chart's Namespaces that hold one (`payments` is the team's own, not the chart's), and in those namespaces the
    identities, rights, files, credentials and Services the kept pods run under; nothing else (no Deployment, no Job,
    nothing of a namespace without state)."""
    templates = _template(charts / "test-examples")
    kept = sorted(f"{o['kind']} {o['metadata'].get('namespace', '-')}/{o['metadata']['name']}" for o in templates
                  if _without_helm_annotations(o)[1].get(RESOURCE_POLICY_ANNOTATION) == "keep")
    state = [
        "FlinkDeployment analytics/analytics-session", "FlinkDeployment flink/flink-session",
        "FlinkDeployment flink/orders-enrichment", "FlinkDeployment payments/payments-reconciliation",
        "FlinkSessionJob analytics/adhoc-rollup", "FlinkSessionJob flink/fluss-tiering-job",
        "FlinkStateSnapshot analytics/rollup-checkpoint", "FlinkStateSnapshot flink/orders-before-v2",
        "Namespace -/analytics", "Namespace -/flink", "Namespace -/fluss", "Namespace -/polaris",
        "StatefulSet flink/fraud-scoring-taskmanager", "StatefulSet fluss/tablet-server", "StatefulSet fluss/zookeeper",
        "StatefulSet polaris/postgres"]
    run_under = {"ServiceAccount", "Role", "RoleBinding", "ConfigMap", "Secret", "ExternalSecret", "Service"}
    namespaces = {"analytics", "flink", "fluss", "polaris", "payments"}
    support = [f"{o['kind']} {o['metadata']['namespace']}/{o['metadata']['name']}" for o in templates
               if o["kind"] in run_under and o["metadata"].get("namespace") in namespaces]
    assert "RoleBinding flink/flink-role-binding" in support and "Service fluss/tablet-server-hs" in support
    assert "ExternalSecret polaris/polaris-persistence" in support
    assert kept == sorted(state + support)


def test_the_chart_is_named_for_its_environment_and_ships_the_pinned_crds(charts: Path, rendered_root: Path) -> None:
    chart = charts / "test-local"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert yaml.safe_load((chart / "Chart.yaml").read_text()) == {
        "apiVersion": "v2", "name": "lakehouse-test-local", "version": project, "type": "application",
        "appVersion": templates_digest(chart / "templates"),
        "description": "The streaming lakehouse platform, environment test-local (dist/test-local/), rendered by cdk8s"}
    assert re.fullmatch(r"[0-9a-f]{12}", templates_digest(chart / "templates"))
    assert yaml.safe_load((charts / "test-examples" / "Chart.yaml").read_text())["version"] == "2.3.4-rc.1"
    assert sorted(p.name for p in (chart / "templates").iterdir()) == sorted(
        [NOTES, *(p.name for p in (rendered_root / "test-local").glob("*.k8s.yaml"))])  # no kustomization.yaml
    # Helm installs crds/ before the templates (`helm template --include-crds` shows them); dist/ has none
    with_crds = _helm("template", "lakehouse", str(chart), "--include-crds")
    crds = {d["metadata"]["name"] for d in yaml.load_all(with_crds.stdout, Loader=yaml.CSafeLoader)
            if d and d["kind"] == "CustomResourceDefinition"}
    assert crds == {  # what `make install-crds` applies (cdk8s-cli alone put only the imported kinds there)
        "flinkdeployments.flink.apache.org", "flinksessionjobs.flink.apache.org",
        "flinkstatesnapshots.flink.apache.org", "flinkbluegreendeployments.flink.apache.org",
        "sparkapplications.sparkoperator.k8s.io", "scheduledsparkapplications.sparkoperator.k8s.io",
        "sparkconnects.sparkoperator.k8s.io"}


def test_template_delimiters_are_escaped(rendered_root: Path) -> None:
    assert "{{name}}.flink.examples.example.com" in (rendered_root / "test-examples" / "50-flink.k8s.yaml").read_text()
    assert escape_template_delimiters('host: "{{name}}.x" # }} {{{') == (
        'host: "{{ "{{" }}name}}.x" # }} {{ "{{" }}{')


def test_unknown_environment_fails_before_cdk8s_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["helm", "--env", "nope", "--outdir", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith("error: unknown environment 'nope': environments/nope.yaml does not exist")
    assert list(tmp_path.iterdir()) == []


def test_plain_cdk8s_synth_format_helm_is_refused_with_the_way_out(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """`cdk8s synth --format helm` writes Chart.yaml, then runs the app (every environment) into <chart>/templates:
    a chart of all environments, with their kustomization.yaml as templates, would be wrong."""
    (tmp_path / "Chart.yaml").write_text("apiVersion: v2\nname: x\nversion: 0.1.0\n")
    monkeypatch.setenv("CDK8S_OUTDIR", str(tmp_path / "templates"))
    assert cli_main([]) == 2
    assert "a chart holds one environment; run `make helm ENV=<env>`" in capsys.readouterr().err
    assert not (tmp_path / "templates").exists()
    # cdk8s.yaml's app names its own --outdir (dist/); the CLI's templates folder is refused all the same
    assert cli_main(["synth", "--outdir", str(tmp_path / "dist")]) == 2
    assert "a chart holds one environment; run `make helm ENV=<env>`" in capsys.readouterr().err
    assert not (tmp_path / "templates").exists() and not (tmp_path / "dist").exists()
    assert cli_main(["synth", "--helm-templates"]) == 2
    assert "give exactly one --env" in capsys.readouterr().err


def _job(annotations: dict[str, str]) -> Manifest:
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "setup", "namespace": "polaris",
                                                                  "annotations": annotations}}


@pytest.mark.parametrize(("phase", "policy", "expected"), [
    ("PreSync", "HookSucceeded", ("pre-install,pre-upgrade", "hook-succeeded")),
    ("Sync", None, ("post-install,post-upgrade", "before-hook-creation")),
    ("PostSync", "HookFailed,BeforeHookCreation", ("post-install,post-upgrade", "hook-failed,before-hook-creation")),
    ("PreSync,PostSync", None, ("pre-install,pre-upgrade,post-install,post-upgrade", "before-hook-creation")),
    ("PostDelete", None, ("post-delete", "before-hook-creation")),
])
def test_each_argo_cd_hook_maps_to_helm_events_and_delete_policies(
        phase: str, policy: str | None, expected: tuple[str, str]) -> None:
    annotations = {"argocd.argoproj.io/hook": phase, "argocd.argoproj.io/sync-wave": "-2"}
    if policy:
        annotations["argocd.argoproj.io/hook-delete-policy"] = policy
    assert helm_hook(_job(annotations)) == {HOOK_ANNOTATION: expected[0], HOOK_WEIGHT_ANNOTATION: "-2",
                                            HOOK_DELETE_POLICY_ANNOTATION: expected[1]}
    assert helm_hook(_job({"argocd.argoproj.io/sync-wave": "4"})) == {}


@pytest.mark.parametrize(("annotations", "message"), [
    ({"argocd.argoproj.io/hook": "SyncFail"},
     "Job polaris/setup: Argo CD hook 'SyncFail' has no Helm hook event (expected one of PreSync, Sync, PostSync"),
    ({"argocd.argoproj.io/hook": "Sync", "argocd.argoproj.io/hook-delete-policy": "Never"},
     "Job polaris/setup: Argo CD hook delete policy 'Never' has no Helm equivalent (expected one of "
     "BeforeHookCreation, HookSucceeded, HookFailed)"),
])
def test_a_hook_helm_cannot_run_is_refused_naming_the_object(annotations: dict[str, str], message: str) -> None:
    with pytest.raises(HelmChartError) as info:
        with_helm_annotations([_job(annotations)])
    assert str(info.value).startswith(message)


def test_only_state_what_it_runs_under_and_the_namespaces_holding_it_are_kept() -> None:
    def obj(kind: str, name: str, namespace: str | None = "data", api: str = "apps/v1", **extra: Any) -> Manifest:
        meta = {"name": name, **({"namespace": namespace} if namespace else {})}
        return {"apiVersion": api, "kind": kind, "metadata": meta, **extra}

    objects = [
        obj("Namespace", "data", None, "v1"), obj("Namespace", "web", None, "v1"),
        obj("StatefulSet", "db", spec={"volumeClaimTemplates": [{"metadata": {"name": "data"}}]}),
        obj("StatefulSet", "cache", "web", spec={}),
        obj("PersistentVolumeClaim", "scratch", api="v1"),
        obj("Deployment", "api", "web"),
        obj("ConfigMap", "argocd-cm", "web", "v1", metadata={"name": "argocd-cm", "namespace": "web", "annotations": {
            "argocd.argoproj.io/sync-options": "ServerSideApply=true,Prune=false,Delete=false"}}),
        obj("FlinkSessionJob", "job", "jobs", "flink.apache.org/v1beta1"),
        obj("ServiceAccount", "flink", "jobs", "v1"), obj("Role", "flink", "jobs", "rbac.authorization.k8s.io/v1"),
        obj("Service", "db-headless", "data", "v1"), obj("ConfigMap", "api-conf", "web", "v1"),
        obj("Deployment", "gateway", "jobs"),
    ]
    assert [f"{o['kind']} {o['metadata']['name']}" for o in kept(objects)] == [
        "Namespace data", "StatefulSet db", "PersistentVolumeClaim scratch", "FlinkSessionJob job",
        "ServiceAccount flink", "Role flink", "Service db-headless"]
    annotated = with_helm_annotations(objects)
    assert annotated[2]["metadata"]["annotations"] == {RESOURCE_POLICY_ANNOTATION: "keep"}
    assert "annotations" not in objects[2]["metadata"]  # the input is not changed
    assert "annotations" not in annotated[3]["metadata"]


def test_the_app_version_is_the_digest_of_the_templates(tmp_path: Path) -> None:
    (tmp_path / "10-a.k8s.yaml").write_text("kind: A\n")
    (tmp_path / NOTES).write_text("notes\n")
    digest = templates_digest(tmp_path)
    (tmp_path / NOTES).write_text("other notes\n")
    assert templates_digest(tmp_path) == digest
    (tmp_path / "10-a.k8s.yaml").write_text("kind: B\n")
    assert templates_digest(tmp_path) != digest


def test_notes_say_what_was_installed_and_how_to_check(charts: Path) -> None:
    result = _helm("install", "lakehouse", str(charts / "test-local"), "--dry-run=client", "--namespace", "platform")
    assert result.returncode == 0, result.stderr
    notes = result.stdout.split("NOTES:\n", 1)[1]
    digest = templates_digest(charts / "test-local" / "templates")
    version = yaml.safe_load((charts / "test-local" / "Chart.yaml").read_text())["version"]
    assert notes.startswith("The streaming lakehouse, environment test-local: release lakehouse (chart "
                            f"lakehouse-test-local {version}, render {digest}).\n")
    for line in ("Namespaces: flink, fluss, object-store, polaris, spark, technical-flink-operator, "
                 "technical-spark-operator",
                 "  polaris: Deployment polaris, StatefulSet postgres",
                 "  FlinkSessionJob: flink/bronze-ingest-customer, flink/bronze-ingest-event, "
                 "flink/bronze-ingest-sale-order, flink/fluss-tiering-job",
                 "  Job object-store/minio-setup: post-install,post-upgrade, weight 3",
                 "  Job polaris/polaris-catalog-setup: post-install,post-upgrade, weight 5",
                 "`helm uninstall` keeps 48 objects, the state and what it runs under (ConfigMap 6, FlinkDeployment 1, "
                 "FlinkSessionJob 4, Namespace 4, Role 4, RoleBinding 4, Secret 7, Service 9, ServiceAccount 5, "
                 "StatefulSet 4): delete them by hand when their state may go.",
                 "  helm status lakehouse --namespace platform",
                 "  kubectl get flinkdeployment,flinksessionjob,sparkapplication --all-namespaces",
                 "  kubectl get jobs --namespace polaris"):
        assert line in notes.splitlines(), line
