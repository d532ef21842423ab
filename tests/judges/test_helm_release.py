"""The Helm chart's release life on a real API server (the kube-apiserver judge): the pinned helm v4 installs, upgrades
and uninstalls a chart built by `python main.py helm`, for real.

No controller runs on the judge, so a hook Job would never finish: the test plays the Job controller and marks each
hook Job complete (its `status` subresource) once Helm has created it, recording what it saw then. That shows what
Helm does with the chart's annotations: the setup Jobs run after the templates are applied (post-install,
post-upgrade), one at a time in sync-wave order (each only once the previous completed), again on every upgrade
(before-hook-creation: a new Job replaces the last run), and `helm uninstall` leaves the objects that hold state.

The environment is the fixture `test-local` with the admission webhooks off (`flinkOperator.webhook: false`, no Spark
operator, no cert-manager): stored, a webhook configuration makes the server call a webhook no pod serves here, and
every custom resource after it would be refused (tests/judges/argo_sync.py). The upgrade's chart adds one
FlinkSessionJob. Each chart is built once (about 5-10 s); the release runs on an API server of its own (its objects
stay after the uninstall, and there is no namespace controller to remove namespaces).
"""

from __future__ import annotations

import copy
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from manifests.helm import RESOURCE_POLICY_ANNOTATION
from tests.conftest import FIXTURE_DIR, ROOT
from tests.judges.kube_apiserver import Etcd, KubeApiServer, Object, stop

HELM = ROOT / "build" / "tools" / "helm" / "helm"
ENV = "helm-release"
ADDED_JOB = "bronze-ingest-store"
HELM_TIMEOUT = 120.0
"""Seconds a helm command may take before the test ends it (Helm's own `--timeout` is shorter)."""


def _environment(added_job: bool) -> Object:
    doc: Object = yaml.safe_load((FIXTURE_DIR / "test-local.yaml").read_text())
    doc.update(environment=ENV, certManager={"mode": "none"}, flinkOperator={"webhook": False},
               sparkOperator={"enabled": False})
    doc.pop("spark", None)
    if added_job:
        job = copy.deepcopy(doc["flink"]["jobs"][0])
        job.update(name=ADDED_JOB, args=[ADDED_JOB if a == "bronze-ingest-event" else a for a in job["args"]])
        doc["flink"]["jobs"] = [*doc["flink"]["jobs"], job]
    return doc


@pytest.fixture(scope="module")
def charts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """`install` and `upgrade`: the chart of each version of the environment, as `make helm` builds it."""
    root = tmp_path_factory.mktemp("helm-release")
    runs = {}
    for version, added in (("install", False), ("upgrade", True)):
        (root / version / "envs").mkdir(parents=True)
        (root / version / "envs" / f"{ENV}.yaml").write_text(yaml.safe_dump(_environment(added)))
        runs[version] = subprocess.Popen(
            [sys.executable, "main.py", "helm", "--env", ENV, "--outdir", str(root / version),
             "--config-dir", str(root / version / "envs")],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    for run in runs.values():
        output, _ = run.communicate(timeout=300)
        assert run.returncode == 0, output
    return {version: root / version / ENV for version in runs}


@pytest.fixture(scope="module")
def server(etcd: Etcd, tmp_path_factory: pytest.TempPathFactory) -> Iterator[KubeApiServer]:
    """An API server of the pinned release for this module only."""
    with KubeApiServer(tmp_path_factory.mktemp("helm-release-server"), etcd, prefix="/registry-helm-release") as api:
        yield api


@dataclass
class HookRun:
    """One hook Job as the test found it (and then completed it): its `name` (namespace/name), `uid`, and whether the
    upgrade's added FlinkSessionJob existed at that moment (`added_job_present`)."""

    name: str
    uid: str
    added_job_present: bool


@dataclass
class HelmRun:
    """A helm command's result and the hook Jobs it created, in the order it created them."""

    result: subprocess.CompletedProcess[str]
    hooks: list[HookRun] = field(default_factory=list)


def _exists(server: KubeApiServer, obj: Object) -> bool:
    """Whether `obj` is on the server and not being deleted (without a namespace controller, a deleted Namespace
    stays, Terminating)."""
    response = server.get(obj)
    return response.status == 200 and "deletionTimestamp" not in response.body["metadata"]


def _session_job(name: str) -> Object:
    return {"apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkSessionJob",
            "metadata": {"name": name, "namespace": "flink"}}


def _complete(server: KubeApiServer, job: Object) -> None:
    """Set `job`'s status as the Job controller does when its pod succeeded (Helm waits for `Complete`: helm v4.1.4
    internal/statusreaders/job_status_reader.go, jobConditions)."""
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    job = copy.deepcopy(job)
    job["status"] = {"startTime": now, "completionTime": now, "succeeded": 1, "conditions": [
        {"type": "SuccessCriteriaMet", "status": "True", "lastTransitionTime": now},
        {"type": "Complete", "status": "True", "lastTransitionTime": now}]}
    meta = job["metadata"]
    response = server.request("PUT", f"/apis/batch/v1/namespaces/{meta['namespace']}/jobs/{meta['name']}/status", job)
    assert response.status == 200, response.message


def helm_completing_hooks(server: KubeApiServer, *args: str) -> HelmRun:
    """Run `helm <args>` against `server`; while it runs, complete each hook Job it creates."""
    command = [str(HELM), *args, "--kubeconfig", str(server.kubeconfig), "--namespace", "default", "--timeout", "90s"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    run = HelmRun(subprocess.CompletedProcess(command, -1))
    deadline = time.monotonic() + HELM_TIMEOUT
    try:
        while process.poll() is None and time.monotonic() < deadline:
            for job in server.request("GET", "/apis/batch/v1/jobs").body.get("items", []):
                # a Job without a completion time is one Helm just created (an earlier run's Jobs are complete)
                if "helm.sh/hook" in job["metadata"].get("annotations", {}) and \
                        not (job.get("status") or {}).get("completionTime"):
                    run.hooks.append(HookRun(f"{job['metadata']['namespace']}/{job['metadata']['name']}",
                                             job["metadata"]["uid"], _exists(server, _session_job(ADDED_JOB))))
                    _complete(server, job)
            time.sleep(0.1)
    finally:
        if process.poll() is None:
            stop(process)
    out, err = process.communicate()
    run.result = subprocess.CompletedProcess(command, process.returncode, out, err)
    return run


def finish_namespace_deletions(server: KubeApiServer) -> None:
    """Do what a cluster's namespace controller (not part of the judge) does for each namespace being deleted: delete
    what is left in it (here the hook Jobs, which are not the release's) and finalize it."""
    for namespace in server.request("GET", "/api/v1/namespaces").body.get("items", []):
        if namespace["status"].get("phase") != "Terminating":
            continue
        name = namespace["metadata"]["name"]
        server.request("DELETE", f"/apis/batch/v1/namespaces/{name}/jobs", propagationPolicy="Background")
        namespace["spec"]["finalizers"] = []
        server.request("PUT", f"/api/v1/namespaces/{name}/finalize", namespace)


@dataclass
class Release:
    """The release's life: the dry run, the install, the upgrade, the uninstall, the server after it, and an install
    of the same release again."""

    dry_run: subprocess.CompletedProcess[str]
    install: HelmRun
    upgrade: HelmRun
    uninstall: subprocess.CompletedProcess[str]
    template: list[Object]
    after_uninstall: dict[str, bool]
    hook_jobs_after_upgrade: list[str]
    reinstall: HelmRun


@pytest.fixture(scope="module")
def release(server: KubeApiServer, charts: dict[str, Path], etcd: Etcd,
            tmp_path_factory: pytest.TempPathFactory) -> Release:
    """Install (after a `--dry-run=server` of the same on a second server with the CRDs installed, since a dry run
    does not install crds/ and needs their kinds), upgrade to the chart with one more job, uninstall, install again
    (the CRDs are there now: --skip-crds)."""
    crds = [d for p in sorted((charts["install"] / "crds").glob("*.yaml")) for d in yaml.safe_load_all(p.read_text())
            if d]
    with KubeApiServer(tmp_path_factory.mktemp("helm-dry-run-server"), etcd, prefix="/registry-helm-dry-run") as dry:
        dry.install_crds(crds)
        dry_run = subprocess.run([str(HELM), "install", "lakehouse", str(charts["install"]), "--dry-run=server",
                                  "--kubeconfig", str(dry.kubeconfig), "--namespace", "default"],
                                 capture_output=True, text=True, timeout=HELM_TIMEOUT, check=False)
    kubeconfig = ["--kubeconfig", str(server.kubeconfig), "--namespace", "default"]
    # a cluster without the CRDs: the install applies crds/ itself (with CRDs another field manager applied, helm v4
    # stops at a server-side apply conflict: that case installs with --skip-crds)
    install = helm_completing_hooks(server, "install", "lakehouse", str(charts["install"]))
    upgrade = helm_completing_hooks(server, "upgrade", "lakehouse", str(charts["upgrade"]))
    jobs = server.request("GET", "/apis/batch/v1/jobs").body.get("items", [])
    template = subprocess.run([str(HELM), "template", "lakehouse", str(charts["upgrade"])], capture_output=True,
                              text=True, timeout=HELM_TIMEOUT, check=True).stdout
    objects = [o for o in yaml.safe_load_all(template) if o]
    uninstall = subprocess.run([str(HELM), "uninstall", "lakehouse", *kubeconfig], capture_output=True, text=True,
                               timeout=HELM_TIMEOUT, check=False)
    after = {f"{o['kind']} {o['metadata'].get('namespace', '-')}/{o['metadata']['name']}": _exists(server, o)
             for o in objects}
    finish_namespace_deletions(server)
    reinstall = helm_completing_hooks(server, "install", "lakehouse", str(charts["upgrade"]), "--skip-crds")
    return Release(dry_run, install, upgrade, uninstall, objects, after,
                   sorted(f"{j['metadata']['namespace']}/{j['metadata']['name']}" for j in jobs), reinstall)


SETUP_ORDER = ["object-store/minio-setup", "polaris/polaris-bootstrap", "polaris/polaris-catalog-setup"]


def test_the_server_accepts_the_install_dry_run(release: Release) -> None:
    assert release.dry_run.returncode == 0, release.dry_run.stderr
    assert "STATUS: pending-install\nREVISION: 1\nDESCRIPTION: Dry run complete" in release.dry_run.stdout


def test_the_install_runs_the_setup_jobs_after_the_templates_in_wave_order(release: Release) -> None:
    assert release.install.result.returncode == 0, release.install.result.stderr
    assert "STATUS: deployed\nREVISION: 1\nDESCRIPTION: Install complete" in release.install.result.stdout
    assert [hook.name for hook in release.install.hooks] == SETUP_ORDER  # one at a time: each after the last completed
    assert "NOTES:\nThe streaming lakehouse, environment helm-release: release lakehouse" in release.install.result.stdout


def test_an_upgrade_runs_the_setup_again_after_the_upgraded_templates(release: Release) -> None:
    assert release.upgrade.result.returncode == 0, release.upgrade.result.stderr
    assert "STATUS: deployed\nREVISION: 2\nDESCRIPTION: Upgrade complete" in release.upgrade.result.stdout
    assert [hook.name for hook in release.upgrade.hooks] == SETUP_ORDER
    assert all(hook.added_job_present for hook in release.upgrade.hooks)  # post-upgrade: the new job exists already
    assert not any(hook.added_job_present for hook in release.install.hooks)
    # before-hook-creation: the install's Jobs were deleted, new ones created, one of each is left
    assert {h.uid for h in release.upgrade.hooks}.isdisjoint(h.uid for h in release.install.hooks)
    assert release.hook_jobs_after_upgrade == SETUP_ORDER


def test_uninstall_keeps_what_holds_state_and_deletes_the_rest(release: Release) -> None:
    assert release.uninstall.returncode == 0, release.uninstall.stderr
    keep = {f"{o['kind']} {o['metadata'].get('namespace', '-')}/{o['metadata']['name']}"
            for o in release.template if (o["metadata"].get("annotations") or {}).get(RESOURCE_POLICY_ANNOTATION)}
    hooks = {f"Job {name}" for name in SETUP_ORDER}
    assert {ref for ref, present in release.after_uninstall.items() if present} == keep | hooks
    # Helm's hooks are not the release's objects: the last run of each setup Job stays (before-hook-creation)
    assert f"FlinkSessionJob flink/{ADDED_JOB}" in keep and "StatefulSet polaris/postgres" in keep
    assert "Deployment polaris/polaris" in release.after_uninstall
    assert "These resources were kept due to the resource policy:" in release.uninstall.stdout


def test_installing_the_release_again_adopts_what_the_uninstall_kept(release: Release) -> None:
    """The kept objects still carry the release's ownership annotations, so the same release name takes them back."""
    assert release.reinstall.result.returncode == 0, release.reinstall.result.stderr
    assert "STATUS: deployed\nREVISION: 1\nDESCRIPTION: Install complete" in release.reinstall.result.stdout
    assert [hook.name for hook in release.reinstall.hooks] == SETUP_ORDER
