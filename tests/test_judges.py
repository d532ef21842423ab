"""The judges' plumbing, without running them: the pins agree, the cache is where the README says, a failed build's
reason reaches the tests, and the API-server judge applies objects in Argo CD's order."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from manifests import judges
from manifests.crd_schemas import KUBERNETES_VERSION
from manifests.judges import APISERVER_BUILD, JudgeError, built, kube_apiserver_dir, kubeconform_path
from tests.judges.argo_sync import sync_plan
from tests.judges.pod_security import undeclared, violations
from upstream.argo_cd import SYNC_WAVE_ANNOTATION, sync_order
from upstream.capabilities import KUBECONFORM, KUBERNETES

GO_MOD = APISERVER_BUILD.parent / "go.mod"


def test_the_go_module_pins_the_kubernetes_release_of_the_capabilities_table() -> None:
    text = GO_MOD.read_text()
    assert re.search(rf"^\tk8s\.io/kubernetes v{re.escape(KUBERNETES.version)}$", text, re.MULTILINE)
    staging = re.findall(r"^\t(k8s\.io/\S+) => (k8s\.io/\S+) (v\S+)$", text, re.MULTILINE)
    assert len(staging) >= 25
    major_minor_patch = KUBERNETES.version.split(".")
    expected = f"v0.{major_minor_patch[1]}.{major_minor_patch[2]}"
    assert [(name, version) for name, target, version in staging if name != target or version != expected] == []
    assert KUBERNETES_VERSION == f"{major_minor_patch[0]}.{major_minor_patch[1]}.0"


def test_the_judges_live_in_the_cache_keyed_by_version(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(judges.CACHE_VARIABLE, str(tmp_path))
    assert kube_apiserver_dir() == tmp_path / f"kube-apiserver-v{KUBERNETES.version}"
    assert kubeconform_path() == tmp_path / f"kubeconform-v{KUBECONFORM.version}" / "kubeconform"
    monkeypatch.delenv(judges.CACHE_VARIABLE)
    assert kube_apiserver_dir().parent == Path.home() / ".cache" / "lakehouse-judges"


def test_a_missing_judge_says_how_to_build_it_or_why_its_build_failed(tmp_path: Path) -> None:
    directory = tmp_path / "kube-apiserver-v9.9.9"
    with pytest.raises(JudgeError, match=r"kube-apiserver: not built \(run `make judges`\)"):
        built(directory, "kube-apiserver")
    (tmp_path / "kube-apiserver-v9.9.9.failed").write_text("go: k8s.io/api@v0.9.9: reading ...: 404 Not Found\n")
    with pytest.raises(JudgeError, match=r"its build failed:\ngo: k8s.io/api@v0.9.9: reading \.\.\.: 404 Not Found"):
        built(directory, "kube-apiserver")


def test_a_failed_build_records_the_tool_s_own_lines(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(judges.CACHE_VARIABLE, str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path / "no-go-here"))
    with pytest.raises(JudgeError, match="go"):
        judges.build_kubeconform()
    assert kubeconform_path().parent.with_name(kubeconform_path().parent.name + ".failed").read_text().strip()


def _obj(kind: str, name: str, wave: int = 0, namespace: str | None = None) -> dict[str, object]:
    metadata: dict[str, object] = {"name": name, "annotations": {SYNC_WAVE_ANNOTATION: str(wave)}}
    if namespace:
        metadata["namespace"] = namespace
    return {"apiVersion": "v1" if kind in ("Namespace", "ConfigMap", "Service") else "x.io/v1", "kind": kind,
            "metadata": metadata}


def test_sync_order_is_wave_then_kind_then_name_with_namespaces_first() -> None:
    objects = [_obj("Thing", "a", 0, "team"), _obj("Service", "b", 0, "team"), _obj("ConfigMap", "z", -1, "team"),
               _obj("ConfigMap", "c", 0, "team"), _obj("Namespace", "team", 1)]
    order = [(o["kind"], o["metadata"]["name"]) for o in sync_order(objects)]
    # the Namespace (wave 1) moves before the first object in it, as gitops-engine's adjustDeps does
    assert order == [("Namespace", "team"), ("ConfigMap", "z"), ("ConfigMap", "c"), ("Service", "b"), ("Thing", "a")]


def test_the_plan_of_an_argo_cd_environment_installs_crds_at_their_application_s_wave(tmp_path: Path) -> None:
    env = tmp_path / "demo"
    env.mkdir()
    app = ("apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: {name}\n  namespace: argocd\n"
           "  annotations: {{argocd.argoproj.io/sync-wave: \"{wave}\"}}\nspec:\n  source: {source}\n")
    (env / "01-argocd.k8s.yaml").write_text("---\n".join([
        app.format(name="demo-flink", wave=50, source="{path: dist/demo, directory: {include: 50-flink.k8s.yaml}}"),
        app.format(name="flink-crds", wave=1, source="{repoURL: 'https://github.com/apache/flink-kubernetes-operator"
                   ".git', targetRevision: release-1.14.0, path: helm/flink-kubernetes-operator/crds}"),
    ]))
    (env / "50-flink.k8s.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: flink}\n")
    preinstalled, units = sync_plan(env)
    assert [u.label for u in units] == ["root wave 1", "Application flink-crds", "root wave 50", "Application demo-flink"]
    assert [p.file.split("_")[1] for p in units[1].crds][:2] == ["flinkdeployments.flink.apache.org-v1.yaml",
                                                                   "flinksessionjobs.flink.apache.org-v1.yaml"]
    assert all(not p.installed for p in preinstalled)
    with pytest.raises(ValueError, match="Application other: the judge knows no source like"):
        (env / "01-argocd.k8s.yaml").write_text(app.format(name="other", wave=2, source="{chart: mystery}"))
        sync_plan(env)


WARNING = ('would violate PodSecurity "restricted:latest": restricted volume types (volumes "varlog", "state" use '
           'restricted volume type "hostPath"), runAsNonRoot != true (pod or container "fluent-bit" must set '
           'securityContext.runAsNonRoot=true), allowPrivilegeEscalation != false (container "fluent-bit" must set '
           'securityContext.allowPrivilegeEscalation=false)')


def _daemon_set(exception: str | None) -> dict[str, object]:
    template: dict[str, object] = {"spec": {"volumes": [{"name": "varlog", "hostPath": {"path": "/var/log"}},
                                                       {"name": "state", "hostPath": {"path": "/var/fluent-bit/state"}}]}}
    if exception:
        template["metadata"] = {"annotations": {"lakehouse.dev/pod-security-exception": exception}}
    return {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "fluent-bit"},
            "spec": {"template": template}}


def test_a_pod_security_warning_is_read_violation_by_violation() -> None:
    found = violations(WARNING)
    assert found is not None and [reason for reason, _ in found] == [
        "restricted volume types", "runAsNonRoot != true", "allowPrivilegeEscalation != false"]
    assert violations("unknown field \"spec.x\"") is None


def test_a_declared_exception_covers_root_and_the_host_paths_it_names_only() -> None:
    every = undeclared(_daemon_set(None), WARNING)
    assert len(every) == 3
    partly = undeclared(_daemon_set("hostPath /var/log, as root"), WARNING)
    assert [v.split(" (")[0] for v in partly] == ["restricted volume types", "allowPrivilegeEscalation != false"]
    covered = undeclared(_daemon_set("hostPath /var/log and /var/fluent-bit/state, as root"), WARNING)
    assert [v.split(" (")[0] for v in covered] == ["allowPrivilegeEscalation != false"]
