"""`validate`'s sync-wave rule (manifests/validation/suspended.py): nothing a sync waits on may stay Suspended, or
Progressing, because of its own spec. Bad manifests (a paused Deployment, a suspended Job, a health check that answers
Suspended) in hand-written app-of-apps folders, and a rendered environment whose jobs are suspended."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from manifests.argo_health import health_script
from manifests.validation import suspended
from manifests.validation.manifests import load, yaml_files
from tests.conftest import Manifest, environment, render_charts

WAVE = "argocd.argoproj.io/sync-wave"
HEALTH = "resource.customizations.health."
PASSES_SUSPENDED_UP = "return {status = obj.status.health.status, message = 'as the child says'}"
"""An Application check that hands a child's health up as it is (Argo CD's documented sample; ours before the fix)."""
WAITS_WHILE_RUNNING_OR_OUT_OF_SYNC = """
local status = obj.status or {}
local phase = (status.operationState or {}).phase
if phase == 'Failed' or phase == 'Error' then return {status = 'Degraded', message = 'sync failed'} end
if phase == 'Running' or (status.sync or {}).status ~= 'Synced' then
  return {status = 'Progressing', message = 'waiting for the sync'}
end
return {status = (status.health or {}).status or 'Progressing', message = 'as the child says'}
"""
"""The platform's Application check before the app of apps' review, in short: Progressing while an operation runs
(its own, for the root; a retry, for a child with `retry.limit: -1`) and while out of sync (drift)."""
ROOT = {"lakehouse.dev/app-of-apps": "root"}
APPLICATION_CHECK = "argoproj.io_Application"


def application(name: str, files: list[str], wave: int, annotations: dict[str, str] | None = None,
                retry: dict[str, Any] | None = None) -> Manifest:
    include = files[0] if len(files) == 1 else "{" + ",".join(files) + "}"
    return {"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
            "metadata": {"name": name, "namespace": "argocd", "annotations": {WAVE: str(wave), **(annotations or {})}},
            "spec": {"project": "default", "destination": {"server": "https://kubernetes.default.svc"},
                     "source": {"repoURL": "https://git.example.com/lake.git", "path": "dist/test",
                                "directory": {"include": include}},
                     **({"syncPolicy": {"automated": {}, "retry": retry}} if retry is not None else {})}}


def obj(api_version: str, kind: str, name: str, wave: int, spec: dict[str, Any] | None = None,
        annotations: dict[str, str] | None = None) -> Manifest:
    return {"apiVersion": api_version, "kind": kind,
            "metadata": {"name": name, "namespace": "apps", "annotations": {WAVE: str(wave), **(annotations or {})}},
            **({"spec": spec} if spec is not None else {})}


def argocd_cm(kind: str, script: str) -> Manifest:
    """argocd-cm with the health check `script` of `kind` (`<group>_<Kind>`)."""
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "argocd-cm", "namespace": "argocd"},
            "data": {HEALTH + kind: script}}


def findings(tmp_path: Path, apps: list[Manifest], *, cm: Manifest | None = None, root: dict[str, str] | None = None,
             retry: dict[str, Any] | None = None) -> list[tuple[str, str]]:
    """(object, message) of the rule's findings on a folder `dist/test`: `01-argocd.k8s.yaml` holds the root (synced
    by itself with `50-apps.k8s.yaml`'s Application, a multi-step sync; annotations `root`, default `ROOT`), `cm` when
    given, and the child Application test-apps (with `retry` when given), which syncs `50-apps.k8s.yaml` = `apps`."""
    folder = tmp_path / "dist" / "test"
    folder.mkdir(parents=True)
    bootstrap = [application("test-root", ["01-argocd.k8s.yaml"], 100, ROOT if root is None else root),
                 application("test-apps", ["50-apps.k8s.yaml"], 50, retry=retry), *([cm] if cm else [])]
    for name, objects in (("01-argocd.k8s.yaml", bootstrap), ("50-apps.k8s.yaml", apps)):
        (folder / name).write_text(yaml.safe_dump_all(objects))
    manifests, problems = load(yaml_files([folder]))
    assert problems == []
    return [(f.object, f.message) for f in suspended.check(manifests)]


CONFIG = obj("v1", "ConfigMap", "settings", 5)
PAUSED = obj("apps/v1", "Deployment", "web", 6, {"paused": True, "replicas": 1})
SUSPENDED_JOB = obj("batch/v1", "Job", "backfill", 6, {"suspend": True})


def test_a_paused_deployment_in_a_multi_step_sync_holds_it(tmp_path: Path) -> None:
    assert findings(tmp_path, [CONFIG, PAUSED]) == [(
        "Deployment/apps/web",
        "spec.paused: True suspends it, and Argo CD's health of it stays Suspended (Argo CD's built-in check: "
        "gitops-engine/pkg/health/health_deployment.go:29-33, 'Deployment is paused'); a sync wave ends only on "
        "Healthy or Degraded, so the sync of Application test-apps never finishes, and nothing after it is applied: "
        "scale it to replicas: 0 instead of pausing it")]


def test_a_suspended_job_holds_the_sync_and_a_suspended_cron_job_does_not(tmp_path: Path) -> None:
    cron = obj("batch/v1", "CronJob", "nightly", 6, {"suspend": True, "schedule": "@daily"})
    assert [o for o, _ in findings(tmp_path, [CONFIG, SUSPENDED_JOB, cron])] == ["Job/apps/backfill"]


@pytest.mark.parametrize("apps", [
    [CONFIG, obj("apps/v1", "Deployment", "web", 6, {"paused": False})],
    [CONFIG, obj("batch/v1", "Job", "backfill", 6, {"suspend": False})],
], ids=["running-deployment", "running-job"])
def test_what_its_spec_does_not_suspend_is_not_flagged(tmp_path: Path, apps: list[Manifest]) -> None:
    assert findings(tmp_path, apps) == []


def test_a_single_step_child_holds_its_parent_only_through_an_application_check_that_passes_suspended_up(
        tmp_path: Path) -> None:
    # one step: Argo CD does not wait for the Deployment itself (sync_context.go multiStep); the app reads Suspended
    assert findings(tmp_path / "platform", [PAUSED]) == []  # the platform's Application check: Healthy once synced
    found = findings(tmp_path / "sample", [PAUSED], cm=argocd_cm("argoproj.io_Application", PASSES_SUSPENDED_UP))
    assert [o for o, _ in found] == ["Deployment/apps/web"]
    assert ("so Application test-apps is Suspended, which the Application check of its parent test-root reads as "
            "Suspended, so test-root's sync never passes that wave") in found[0][1]
    ignored = obj("apps/v1", "Deployment", "web", 6, {"paused": True}, {suspended.IGNORE_HEALTH_CHECK: "true"})
    assert findings(tmp_path / "ignored", [ignored], cm=argocd_cm("argoproj.io_Application", PASSES_SUSPENDED_UP)) == []


def test_a_suspended_hook_holds_even_a_single_step_sync(tmp_path: Path) -> None:
    hook = obj("batch/v1", "Job", "setup", 0, {"suspend": True}, {"argocd.argoproj.io/hook": "Sync"})
    assert [o for o, _ in findings(tmp_path, [hook])] == ["Job/apps/setup"]


OPERATOR_KINDS = {
    "FlinkDeployment": obj("flink.apache.org/v1beta1", "FlinkDeployment", "payments", 6,
                           {"job": {"jarURI": "s3://jars/p.jar", "state": "suspended"}}),
    "FlinkSessionJob": obj("flink.apache.org/v1beta1", "FlinkSessionJob", "events", 7,
                           {"deploymentName": "flink-session", "job": {"jarURI": "s3://jars/e.jar",
                                                                       "state": "suspended"}}),
    "SparkApplication": obj("sparkoperator.k8s.io/v1beta2", "SparkApplication", "ingest", 7, {"suspend": True}),
    "ScheduledSparkApplication": obj("sparkoperator.k8s.io/v1beta2", "ScheduledSparkApplication", "compaction", 7,
                                     {"suspend": True, "schedule": "@daily"}),
}


@pytest.mark.parametrize("kind", OPERATOR_KINDS)
def test_a_job_suspended_by_its_spec_ends_its_wave_with_the_platform_checks(tmp_path: Path, kind: str) -> None:
    assert findings(tmp_path / "default", [CONFIG, OPERATOR_KINDS[kind]]) == []
    group = OPERATOR_KINDS[kind]["apiVersion"].split("/")[0]
    rendered = argocd_cm(f"{group}_{kind}", health_script(group, kind))
    assert findings(tmp_path / "rendered", [CONFIG, OPERATOR_KINDS[kind]], cm=rendered) == []


@pytest.mark.parametrize(("script", "status"), [
    ("return {status = 'Suspended', message = 'Job suspended'}", "Suspended"),  # the checks before the fix
    ("return {status = 'Progressing', message = 'Waiting for Flink operator'}", "Progressing"),
    ("return {status = obj.status.nothing.here}", "Unknown"),  # a script error: Argo CD shows Unknown
])
def test_a_health_check_that_does_not_end_the_wave_is_refused(tmp_path: Path, script: str, status: str) -> None:
    cm = argocd_cm("flink.apache.org_FlinkDeployment", script)
    found = findings(tmp_path, [CONFIG, OPERATOR_KINDS["FlinkDeployment"]], cm=cm)
    assert [o for o, _ in found] == ["FlinkDeployment/apps/payments"]
    assert (f"spec.job.state: 'suspended' suspends it, and Argo CD's health of it stays {status} (argocd-cm "
            f"{HEALTH}flink.apache.org_FlinkDeployment: ") in found[0][1]


def test_outside_an_app_of_apps_nothing_waits(tmp_path: Path) -> None:
    (tmp_path / "apps.yaml").write_text(yaml.safe_dump_all([CONFIG, PAUSED, SUSPENDED_JOB]))
    manifests, _ = load(yaml_files([tmp_path / "apps.yaml"]))
    assert suspended.check(manifests) == []  # kubectl apply waits for no health


def test_an_environment_with_suspended_jobs_renders_what_argo_cd_syncs_through(tmp_path: Path) -> None:
    charts = render_charts(environment(
        flink={"deployments": [{"name": "payments", "job": {"jarPath": "jobs/p.jar", "state": "suspended"}}],
               "jobs": [{"name": "events", "jarPath": "jobs/e.jar", "state": "suspended"}]},
        spark={"applications": [{"name": "compaction", "mainApplicationFile": "jobs/c.py",
                                 "schedule": {"cron": "@daily", "suspend": True}}]}))
    folder = tmp_path / "dist" / "test"
    folder.mkdir(parents=True)
    for chart_id, objects in charts.items():
        (folder / f"{chart_id}.k8s.yaml").write_text(yaml.safe_dump_all(objects))
    manifests, _ = load(yaml_files([folder]))
    suspended_objects = {m.ref for m in manifests if any(
        rule.applies(m.obj) for rule in suspended.SUSPENDED_BY_SPEC.values() if rule.kind == m.kind)}
    assert suspended_objects == {"FlinkDeployment/flink/payments", "FlinkSessionJob/flink/events",
                                 "ScheduledSparkApplication/spark/compaction"}
    assert suspended.check(manifests) == []


# ---- Applications a parent waits for --------------------------------------------------------------------------------

OLD_CHECK = argocd_cm(APPLICATION_CHECK, WAITS_WHILE_RUNNING_OR_OUT_OF_SYNC)
OLD_WHY = "argocd-cm resource.customizations.health.argoproj.io_Application: waiting for the sync"
OWN_SYNC = ("Application test-root syncs its own object, and while that sync runs its own operation phase is Running "
            "(Argo CD leaves an app's own object out of its health only: controller/health.go:51-54), which the "
            "Application check answers Progressing ({why}); a sync wave ends only on Healthy or Degraded, so its own "
            "sync never passes that wave: annotate it lakehouse.dev/app-of-apps: root (the platform's check answers "
            "Healthy for the root, whose health is its children's), or have the check answer Healthy or Degraded for it")


def about(found: list[tuple[str, str]], name: str) -> list[str]:
    """The messages of `found` about Application `name` in argocd."""
    return [message for o, message in found if o == f"Application/argocd/{name}"]


def test_a_root_whose_check_waits_for_its_own_sync_is_refused(tmp_path: Path) -> None:
    # the sync waits for each synced object's health while it runs (gitops-engine sync_context.go:555-597), the
    # root's own object included, whose operation is then Running
    assert findings(tmp_path / "annotated", [CONFIG]) == []
    assert findings(tmp_path / "bare", [CONFIG], root={}) == [("Application/argocd/test-root", OWN_SYNC.format(
        why="the platform's check resource.customizations.health.argoproj.io_Application: Healthy so far, sync "
            "Running, sync status Synced"))]
    assert about(findings(tmp_path / "old", [CONFIG], cm=OLD_CHECK), "test-root") == [OWN_SYNC.format(why=OLD_WHY)]
    # Argo CD's documented sample reads status.health alone: the root's health, which leaves the root out
    assert findings(tmp_path / "sample", [CONFIG], cm=argocd_cm(APPLICATION_CHECK, PASSES_SUSPENDED_UP),
                    root={}) == []


def test_a_child_whose_failing_sync_retries_for_good_must_read_degraded(tmp_path: Path) -> None:
    unlimited = {"limit": -1, "backoff": {"duration": "10s", "factor": 2, "maxDuration": "5m"}}
    assert findings(tmp_path / "platform", [CONFIG], retry=unlimited) == []
    retrying = [m for m in about(findings(tmp_path / "old", [CONFIG], cm=OLD_CHECK, retry=unlimited), "test-apps")
                if "retry" in m]
    assert retrying == [
        "Application test-apps retries a failed sync for good (a negative retry.limit), its operation going back to "
        "phase Running with a retryCount, never to Failed (controller/appcontroller.go:1619-1632), which the "
        f"Application check answers Progressing ({OLD_WHY}); a sync wave ends only on Healthy or Degraded, so the "
        "sync of its parent test-root never passes that wave: answer Degraded while status.operationState.retryCount "
        "> 0 (the platform's check does)"]
    # a limited count ends in Failed, which the check reads as Degraded
    limited = about(findings(tmp_path / "limited", [CONFIG], cm=OLD_CHECK, retry={"limit": 5}), "test-apps")
    assert [m for m in limited if "retry" in m] == []


def test_a_child_out_of_sync_for_good_after_its_sync_succeeded_must_not_hold_its_parent(tmp_path: Path) -> None:
    assert findings(tmp_path / "platform", [CONFIG]) == []
    assert about(findings(tmp_path / "old", [CONFIG], cm=OLD_CHECK), "test-apps") == [
        "Application test-apps is Healthy and OutOfSync after its sync of the revision it is at succeeded (an object "
        "left to prune, e.g. Prune=false, or changed in the cluster: no automated sync of that revision changes "
        f"it), which the Application check answers Progressing ({OLD_WHY}); a sync wave ends only on Healthy or "
        "Degraded, so the sync of its parent test-root never passes that wave: answer Healthy once "
        "status.operationState.syncResult.revision is status.sync.revision and that sync Succeeded (the platform's "
        "check does)"]
