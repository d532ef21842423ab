"""The real Kubernetes API server (`upstream.capabilities.KUBERNETES`, built by `make judges`) judges every shipped
environment: its namespaces and the pinned CRDs installed for real, every rendered object server-side applied in the
order Argo CD applies it (`tests.judges.argo_sync`), dry run first, then for real, with zero errors and no Pod
Security warning but the exceptions the platform declares; a second apply changes nothing; `kubectl apply -k` and
the Helm chart are accepted by the server too. Then one negative case for each class of fault this server catches
that a static check of one object cannot: a custom resource before its CRD, an object in a missing namespace, a CEL
rule of a pinned CRD, a field the schema does not know, a pod template that is not restricted.

One API server for the session: after each environment its objects and namespaces are removed again (there is no
namespace controller: `argo_sync.remove` finalizes the emptied namespaces), also when judging it fails, so the next
environment starts on a server with only CRDs. Timings are measured by bench/judges_bench.py, not here.
"""

from __future__ import annotations

import copy
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from config import available_environments
from manifests.layout import KUSTOMIZATION, platform_files
from tests.conftest import ROOT, environment, find, render
from tests.judges.argo_sync import (
    DRY_RUN_ONLY,
    WARN_RESTRICTED,
    SyncRun,
    external_namespaces,
    load_objects,
    pinned_crds,
    prepare,
    reapply,
    remove,
    run_sync,
    sync_plan,
)
from tests.judges.kube_apiserver import KubeApiServer, Object, stop
from tests.judges.pod_security import exception_of, undeclared, violations
from tests.judges.processes import left_running, sleeper
from upstream.capabilities import KUBERNETES
from upstream.crd_pins import PINS

KUBECTL = ROOT / "build" / "tools" / "kubectl" / "kubectl"
HELM = ROOT / "build" / "tools" / "helm" / "helm"
ENVS = available_environments()


@dataclass
class Judged:
    """One environment judged: the sync's outcomes, what a second apply changed, `kubectl apply -k`, the server's
    dry run of every object of the Helm chart's `helm template` (`chart_errors`) and `helm install --dry-run=server`."""

    env: str
    server: KubeApiServer
    run: SyncRun
    second_apply: list[str]
    kubectl: subprocess.CompletedProcess[str]
    chart_objects: int
    chart_errors: list[str]
    helm: subprocess.CompletedProcess[str]


def _platform_objects(env: str) -> list[Object]:
    """The objects of `dist/<env>` that the kustomization and the Helm chart hold (not Argo CD's own files)."""
    return [o for path in platform_files(ROOT / "dist" / env) for o in load_objects(path)]


def _tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), capture_output=True, text=True, timeout=300, check=False)


CHART_BUILD_TIMEOUT = 300.0
"""Seconds the judge waits for an environment's Helm chart build (`main.py helm`) once it needs the chart."""


@pytest.fixture(scope="session")
def charts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[Path, subprocess.Popen[str]]]]:
    """env -> (folder, the running `python main.py helm --env <env>` writing `<folder>/<env>/`): every environment's
    Helm chart, as `make helm` builds it, started at once so the builds overlap the API server's start. A build still
    running at the end of the session (its environment was not judged, or judging it failed) is ended."""
    root = tmp_path_factory.mktemp("judge-charts")
    builds: dict[str, tuple[Path, subprocess.Popen[str]]] = {}
    try:
        for env in ENVS:
            builds[env] = (root / env, subprocess.Popen(
                [sys.executable, "main.py", "helm", "--env", env, "--outdir", str(root)], cwd=ROOT,
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
        yield builds
    finally:
        for _, build in builds.values():
            stop(build)


def chart_built(env: str, build: subprocess.Popen[str], timeout: float = CHART_BUILD_TIMEOUT) -> None:
    """Wait for `env`'s chart `build` to finish successfully.

    Raises:
        AssertionError: it failed (its output), or it did not finish in `timeout` seconds (it is ended first).
    """
    try:
        output, _ = build.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        stop(build)
        raise AssertionError(f"{env}: the Helm chart build did not finish in {timeout:.0f} s") from None
    if build.returncode != 0:
        raise AssertionError(f"{env}: the Helm chart build failed (exit {build.returncode}):\n{output}")


def judge_environment(server: KubeApiServer, env: str, chart: Path, build: subprocess.Popen[str]) -> Judged:
    """Environment `env` judged on `server`, which it leaves as it found it but for the CRDs, also when a step fails:
    the declared external namespaces and the CRDs installed before the platform, the sync (`run_sync`), a second
    apply, `kubectl apply -k` (a server dry run), the server's dry run of the Helm chart's objects (`helm template` of
    `chart`, once `build` wrote it); then every object and namespace is removed again (`argo_sync.remove`) and the
    chart goes through `helm install --dry-run=server` on the emptied server (Helm refuses to install over objects it
    does not own, and its dry run checks only that the server knows every kind and that nothing exists: not the
    objects' fields).

    Raises:
        AssertionError: the chart build or `helm template` failed; ApiError: the server refused a precondition or a
            removal.
    """
    env_dir = ROOT / "dist" / env
    preinstalled, units = sync_plan(env_dir)
    applied: list[Object] = []
    try:
        prepare(server, env, preinstalled)
        run = run_sync(server, units)
        applied = run.applied
        second = reapply(server, run)
        kubectl = _tool(str(KUBECTL), "--kubeconfig", str(server.kubeconfig), "apply", "-k", str(env_dir),
                        "--server-side", "--dry-run=server", "--field-manager=argocd-controller")
        chart_built(env, build)
        template = _tool(str(HELM), "template", "lakehouse", str(chart))
        assert template.returncode == 0, template.stderr
        chart_objects = [o for o in yaml.safe_load_all(template.stdout) if o]
        chart_errors = [f"{o['kind']} {o['metadata']['name']}: {response.message}" for o in chart_objects
                        if (response := server.apply(o, dry_run=True)).status >= 300]
        remove(server, applied)
        applied = []
        helm = _tool(str(HELM), "install", "lakehouse", str(chart), "--dry-run=server", "--kubeconfig",
                     str(server.kubeconfig))
    finally:
        remove(server, applied)
        remove(server, external_namespaces(env))
    return Judged(env, server, run, second, kubectl, len(chart_objects), chart_errors, helm)


@pytest.fixture(scope="session", params=ENVS)
def judged(request: pytest.FixtureRequest, charts: dict[str, tuple[Path, subprocess.Popen[str]]],
           kube_apiserver: KubeApiServer) -> Judged:
    """Environment `request.param` judged on the session's API server (`judge_environment`)."""
    chart, build = charts[request.param]
    return judge_environment(kube_apiserver, request.param, chart, build)


def test_the_judge_runs_the_pinned_kubernetes_release(kube_apiserver: KubeApiServer) -> None:
    version = kube_apiserver.request("GET", "/version").body
    assert version["gitVersion"] == f"v{KUBERNETES.version}"
    assert (version["major"], version["minor"]) == tuple(KUBERNETES.version.split(".")[:2])


def test_every_rendered_object_is_accepted_in_sync_order(judged: Judged) -> None:
    assert judged.run.applied, f"{judged.env}: nothing was applied"
    assert judged.run.errors() == []
    dry_runs = [o.obj for o in judged.run.outcomes if o.phase == "dry-run"]
    assert [o for o in dry_runs if o["kind"] not in DRY_RUN_ONLY] == sorted(judged.run.applied, key=dry_runs.index)
    if (ROOT / "dist" / judged.env / "05-crds.k8s.yaml").is_file():
        # the platform's CRDs came from the environment's own CRD Applications, at their wave
        assert "Application flink-kubernetes-operator-crds" in judged.run.crd_steps


def test_every_namespace_warns_on_pods_that_are_not_restricted(judged: Judged) -> None:
    """Every namespace the platform renders into is rendered with `warn: restricted` (as the server stored it) or
    is one the environment declares existing (the judge creates those with the label)."""
    stored = {o.obj["metadata"]["name"]: o.response.body["metadata"].get("labels") or {}
              for o in judged.run.outcomes if o.phase == "apply" and o.obj["kind"] == "Namespace"}
    assert stored
    assert {name: labels for name, labels in stored.items() if not WARN_RESTRICTED.items() <= labels.items()} == {}
    used = {o["metadata"]["namespace"] for o in judged.run.applied if o["metadata"].get("namespace")}
    declared = {n["metadata"]["name"] for n in external_namespaces(judged.env)}
    assert used - set(stored) - declared == set()


def test_no_pod_security_warning_but_the_declared_exceptions(judged: Judged) -> None:
    warned, problems = set(), []
    for outcome in (o for o in judged.run.outcomes if o.phase == "apply"):
        for warning in outcome.response.warnings:
            if violations(warning) is None:
                problems.append(f"{outcome.ref}: {warning}")
                continue
            warned.add(outcome.ref)
            problems += [f"{outcome.ref}: not restricted and not declared: {v}" for v in undeclared(outcome.obj,
                                                                                                    warning)]
    declared = {o.ref for o in judged.run.outcomes if o.phase == "apply" and exception_of(o.obj)}
    assert problems == []
    # a declared exception the server has nothing to warn about is stale: the pod is restricted after all
    assert warned == declared


def test_a_second_apply_changes_nothing(judged: Judged) -> None:
    assert judged.second_apply == []


def test_kubectl_apply_k_is_accepted_by_the_server(judged: Judged) -> None:
    assert (ROOT / "dist" / judged.env / KUSTOMIZATION).is_file()
    assert judged.kubectl.returncode == 0, judged.kubectl.stderr
    applied = [line for line in judged.kubectl.stdout.splitlines() if line.endswith(" serverside-applied (server dry run)")]
    assert len(applied) == len(_platform_objects(judged.env)), judged.kubectl.stdout


def test_the_helm_chart_is_accepted_by_the_server(judged: Judged) -> None:
    assert judged.chart_objects == len(_platform_objects(judged.env))
    assert judged.chart_errors == []
    assert judged.helm.returncode == 0, judged.helm.stderr
    assert "STATUS: pending-install\nREVISION: 1\nDESCRIPTION: Dry run complete" in judged.helm.stdout


# --- negative cases: each class of fault the API server catches, with its own message -------------------------


def _objects() -> list[Object]:
    """A fixture environment's render (not a shipped environment), with node pools."""
    pool = {"name": "orders", "nodeClass": "flink-nodes",
            "requirements": {"additional": [{"key": "karpenter.k8s.aws/instance-cpu", "operator": "In",
                                             "values": ["4", "8"]}]}}
    return render(environment(nodePools=[pool]))


NEGATIVE = "judge-negative"
"""The namespace of the negative cases (the environments' own namespaces are left to the environments' syncs)."""


def _in_namespace(server: KubeApiServer, obj: Object) -> Object:
    """A copy of `obj` moved into `NEGATIVE`, which is created (warn=restricted) if missing."""
    response = server.apply({"apiVersion": "v1", "kind": "Namespace",
                             "metadata": {"name": NEGATIVE, "labels": dict(WARN_RESTRICTED)}})
    assert response.status < 300, response.message
    moved = copy.deepcopy(obj)
    moved["metadata"]["namespace"] = NEGATIVE
    return moved


def test_a_custom_resource_before_its_crd_is_refused(kube_apiserver: KubeApiServer) -> None:
    job = _in_namespace(kube_apiserver, next(o for o in _objects() if o["kind"] == "FlinkSessionJob"))
    crds = pinned_crds([PINS["flink-kubernetes-operator-1.14.0_flinksessionjobs.flink.apache.org-v1.yaml"]])
    kube_apiserver.delete_crds(crds)  # an environment's sync may have installed it
    assert kube_apiserver.resource(job["apiVersion"], "FlinkSessionJob") is None  # discovery: no such kind
    before = kube_apiserver.apply(job, dry_run=True)
    assert (before.status, before.message.strip()) == (404, "404 page not found")
    kube_apiserver.install_crds(crds)
    after = kube_apiserver.apply(job, dry_run=True)
    assert after.status == 201, after.message  # created (dry run)


def test_an_object_in_a_missing_namespace_is_refused(kube_apiserver: KubeApiServer) -> None:
    config_map = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings", "namespace": "nowhere"},
                  "data": {"a": "b"}}
    response = kube_apiserver.apply(config_map, dry_run=True)
    assert response.status == 404
    assert response.message == 'namespaces "nowhere" not found'


def test_a_broken_cel_rule_of_a_pinned_crd_is_refused(kube_apiserver: KubeApiServer) -> None:
    """Karpenter's NodePool CRD (karpenter-1.14.1): `requirements with operator 'In' must have a value defined`,
    a CEL rule (x-kubernetes-validations) that the config model mirrors (config/node_pools.py)."""
    kube_apiserver.install_crds(pinned_crds([PINS["karpenter-1.14.1_nodepools.yaml"]]))
    pool = copy.deepcopy(find(_objects(), "NodePool", "orders"))
    assert kube_apiserver.apply(pool, dry_run=True).status == 201
    requirements = pool["spec"]["template"]["spec"]["requirements"]
    next(r for r in requirements if r["key"] == "karpenter.k8s.aws/instance-cpu")["values"] = []
    response = kube_apiserver.apply(pool, dry_run=True)
    assert response.status == 422
    assert "requirements with operator 'In' must have a value defined" in response.message


def test_a_field_the_schema_does_not_know_is_refused(kube_apiserver: KubeApiServer) -> None:
    deployment = _in_namespace(kube_apiserver, next(o for o in _objects() if o["kind"] == "Deployment"))
    assert kube_apiserver.apply(deployment, dry_run=True).status == 201
    deployment["spec"]["template"]["spec"]["containers"][0]["resource"] = {}
    response = kube_apiserver.apply(deployment, dry_run=True)
    # server-side apply types the patch against the schema before anything else (500, not a 422)
    assert response.status == 500
    assert response.message.endswith('.spec.template.spec.containers[name="flink-kubernetes-operator"].resource: '
                                     "field not declared in schema"), response.message


def test_a_pod_that_is_not_restricted_draws_a_warning_no_exception_covers(kube_apiserver: KubeApiServer) -> None:
    deployment = _in_namespace(kube_apiserver, next(o for o in _objects() if o["kind"] == "Deployment"))
    assert kube_apiserver.apply(deployment, dry_run=True).warnings == []
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    container["securityContext"]["allowPrivilegeEscalation"] = True
    deployment["spec"]["template"]["spec"]["volumes"].append({"name": "logs", "hostPath": {"path": "/var/log"}})
    response = kube_apiserver.apply(deployment, dry_run=True)
    assert response.status == 201, response.message
    (warning,) = response.warnings
    assert warning.startswith('would violate PodSecurity "restricted:latest": ')
    found = undeclared(deployment, warning)
    assert any(v.startswith("allowPrivilegeEscalation != false") for v in found), found
    assert any('"logs"' in v for v in found), found
    annotations = deployment["spec"]["template"].setdefault("metadata", {}).setdefault("annotations", {})
    annotations["lakehouse.dev/pod-security-exception"] = "reads the node's logs: hostPath /var/log"
    assert [v for v in undeclared(deployment, warning) if '"logs"' in v] == []


def test_a_failed_chart_build_leaves_the_server_as_it_found_it(kube_apiserver: KubeApiServer) -> None:
    """Judging stops at a chart build that failed, after the sync applied the environment; every object it applied
    and every namespace is removed all the same, so the next environment does not run on a dirty server."""
    env = "local"
    build = subprocess.Popen([sys.executable, "-c", "import sys; print('the chart build broke'); sys.exit(3)"],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    with pytest.raises(AssertionError, match="the Helm chart build failed \\(exit 3\\):\nthe chart build broke"):
        judge_environment(kube_apiserver, env, ROOT / "build" / "no-chart", build)
    _, units = sync_plan(ROOT / "dist" / env)
    synced = [o for unit in units for o in unit.objects if o["kind"] not in DRY_RUN_ONLY]
    assert any(o["kind"] == "Namespace" for o in synced)
    left = [f"{o['kind']} {o['metadata']['name']}" for o in [*synced, *external_namespaces(env)]
            if kube_apiserver.get(o).status != 404]
    assert left == []


def test_a_chart_build_that_does_not_finish_is_ended() -> None:
    marker = f"judge-harness-{uuid.uuid4()}"
    build = subprocess.Popen(sleeper(marker), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    with pytest.raises(AssertionError, match="local: the Helm chart build did not finish in 0 s"):
        chart_built("local", build, timeout=0.3)
    assert build.returncode is not None
    assert left_running(marker) == []
