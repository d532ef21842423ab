"""The real Kubernetes API server (`config.capabilities.KUBERNETES`, built by `make judges`) judges every shipped
environment: its namespaces and the pinned CRDs installed for real, every rendered object server-side applied in the
order Argo CD applies it (`tests.judges.argo_sync`), dry run first, then for real, with zero errors and no Pod
Security warning but the exceptions the platform declares; a second apply changes nothing; `kubectl apply -k` and
the Helm chart are accepted by the server too. Then one negative case for each class of fault this server catches
that a static check of one object cannot: a custom resource before its CRD, an object in a missing namespace, a CEL
rule of a pinned CRD, a field the schema does not know, a pod template that is not restricted.

One API server per environment (its own etcd prefix): there is no namespace controller, so namespaces cannot be
emptied between environments. Timings are measured by bench/judges_bench.py, not here.
"""

from __future__ import annotations

import copy
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from config import available_environments
from config.capabilities import KUBERNETES
from manifests.crds import PINS
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
    run_sync,
    sync_plan,
)
from tests.judges.kube_apiserver import Etcd, KubeApiServer, Object
from tests.judges.pod_security import exception_of, undeclared, violations

KUBECTL = ROOT / "build" / "tools" / "kubectl" / "kubectl"
HELM = ROOT / "build" / "tools" / "helm" / "helm"
ENVS = available_environments()


@dataclass
class Judged:
    """One environment on its own API server: the sync's outcomes, what a second apply changed, and the output of
    `kubectl apply -k` and of the Helm chart's server-side dry run."""

    env: str
    server: KubeApiServer
    run: SyncRun
    second_apply: list[str]
    kubectl: subprocess.CompletedProcess[str]
    helm: subprocess.CompletedProcess[str]


def _tool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture(scope="session", params=ENVS)
def judged(request: pytest.FixtureRequest, etcd: Etcd, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Judged]:
    """Environment `request.param` judged on a fresh API server (see the module's docstring)."""
    env: str = request.param
    env_dir = ROOT / "dist" / env
    directory = tmp_path_factory.mktemp(f"apiserver-{env}")
    preinstalled, units = sync_plan(env_dir)
    with KubeApiServer(directory, etcd, prefix=f"/registry-{env}") as server:
        prepare(server, env, preinstalled)
        chart = directory / "chart"
        build = _tool(str(ROOT / ".venv" / "bin" / "python"), str(ROOT / "main.py"), "helm", "--env", env,
                      "--outdir", str(chart))
        assert build.returncode == 0, build.stdout + build.stderr
        # Helm installs its chart's crds/ before the templates; a dry run does not, so they go in first
        server.install_crds(pinned_crds([p for p in PINS.values() if p.installed]))
        helm = _tool(str(HELM), "install", "lakehouse", str(chart / env), "--dry-run=server",
                     "--kubeconfig", str(server.kubeconfig))
        run = run_sync(server, units)
        second = reapply(server, run)
        kubectl = _tool(str(KUBECTL), "--kubeconfig", str(server.kubeconfig), "apply", "-k", str(env_dir),
                        "--server-side", "--dry-run=server", "--field-manager=argocd-controller")
        yield Judged(env, server, run, second, kubectl, helm)


def test_the_judge_runs_the_pinned_kubernetes_release(kube_apiserver: KubeApiServer) -> None:
    version = kube_apiserver.request("GET", "/version").body
    assert version["gitVersion"] == f"v{KUBERNETES.version}"
    assert (version["major"], version["minor"]) == tuple(KUBERNETES.version.split(".")[:2])


def test_every_rendered_object_is_accepted_in_sync_order(judged: Judged) -> None:
    assert judged.run.applied, f"{judged.env}: nothing was applied"
    assert judged.run.errors() == []
    dry_runs = [o.obj for o in judged.run.outcomes if o.phase == "dry-run"]
    assert [o for o in dry_runs if o["kind"] not in DRY_RUN_ONLY] == sorted(judged.run.applied, key=dry_runs.index)


def test_every_namespace_warns_on_pods_that_are_not_restricted(judged: Judged) -> None:
    rendered = [o.obj for o in judged.run.outcomes if o.phase == "apply" and o.obj["kind"] == "Namespace"]
    assert rendered
    names = [n["metadata"]["name"] for n in rendered] + [n["metadata"]["name"] for n in external_namespaces(judged.env)]
    for name in names:
        live = judged.server.request("GET", f"/api/v1/namespaces/{name}")
        assert live.status == 200, live.message
        labels = live.body["metadata"].get("labels") or {}
        assert WARN_RESTRICTED.items() <= labels.items(), f"Namespace {name}: {labels}"


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
    objects = [o for path in platform_files(ROOT / "dist" / judged.env) for o in load_objects(path)]
    assert len(applied) == len(objects), judged.kubectl.stdout


def test_the_helm_chart_installs_server_side(judged: Judged) -> None:
    assert judged.helm.returncode == 0, judged.helm.stderr
    assert "STATUS: pending-install" in judged.helm.stdout or "STATUS:" in judged.helm.stdout


# --- negative cases: each class of fault the API server catches, with its own message -------------------------


def _objects() -> list[Object]:
    """A fixture environment's render (not a shipped environment), with node pools."""
    pool = {"name": "orders", "nodeClass": "flink-nodes",
            "requirements": {"additional": [{"key": "karpenter.k8s.aws/instance-cpu", "operator": "In",
                                             "values": ["4", "8"]}]}}
    return render(environment(nodePools=[pool]))


def _namespace(server: KubeApiServer, name: str) -> None:
    response = server.apply({"apiVersion": "v1", "kind": "Namespace",
                             "metadata": {"name": name, "labels": dict(WARN_RESTRICTED)}})
    assert response.status < 300, response.message


def test_a_custom_resource_before_its_crd_is_refused(kube_apiserver: KubeApiServer) -> None:
    objects = _objects()
    cluster = next(o for o in objects if o["kind"] == "FlinkDeployment")
    _namespace(kube_apiserver, cluster["metadata"]["namespace"])
    assert kube_apiserver.resource(cluster["apiVersion"], "FlinkDeployment") is None  # discovery: no such kind
    before = kube_apiserver.apply(cluster, dry_run=True)
    assert (before.status, before.message.strip()) == (404, "404 page not found")
    kube_apiserver.install_crds(pinned_crds([PINS["flink-kubernetes-operator-1.14.0_flinkdeployments.flink.apache."
                                                  "org-v1.yaml"]]))
    after = kube_apiserver.apply(cluster, dry_run=True)
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
    deployment = copy.deepcopy(next(o for o in _objects() if o["kind"] == "Deployment"))
    _namespace(kube_apiserver, deployment["metadata"]["namespace"])
    assert kube_apiserver.apply(deployment, dry_run=True).status == 201
    deployment["spec"]["template"]["spec"]["containers"][0]["resource"] = {}
    response = kube_apiserver.apply(deployment, dry_run=True)
    # server-side apply types the patch against the schema before anything else (500, not a 422)
    assert response.status == 500
    assert response.message.endswith('.spec.template.spec.containers[name="flink-kubernetes-operator"].resource: '
                                     "field not declared in schema"), response.message


def test_a_pod_that_is_not_restricted_draws_a_warning_no_exception_covers(kube_apiserver: KubeApiServer) -> None:
    deployment = copy.deepcopy(next(o for o in _objects() if o["kind"] == "Deployment"))
    _namespace(kube_apiserver, deployment["metadata"]["namespace"])
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
