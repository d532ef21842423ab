"""Standalone Flink on Kubernetes: a cluster that every static check passes can still never form.

A pod runs standalone Flink when its container starts the image's entrypoint as `jobmanager`, `standalone-job` or
`taskmanager` (apache/flink-docker `docker-entrypoint.sh`) and it mounts a ConfigMap with Flink's `config.yaml`
(Flink 1.19+; the legacy `flink-conf.yaml` too). Checked per such pod:
- Without HA, a TaskManager registers at `jobmanager.rpc.address`:`jobmanager.rpc.port` (default 6123): that host
  must be a Service in the pod's namespace with that port, selecting a JobManager pod; otherwise the TaskManagers
  retry forever and the job never gets a slot.
- With Kubernetes HA (`high-availability.type: kubernetes`), leader election and the HA metadata live in ConfigMaps
  (Flink 1.20 `KubernetesLeaderElector`, a ConfigMap lock) that JobManagers and TaskManagers read and write through
  the API server: the pod needs its ServiceAccount token, a Role or ClusterRole bound in its namespace granting
  ConfigMaps get/list/watch/create/update/patch/delete, `kubernetes.cluster-id`, and `kubernetes.namespace` equal to
  its namespace (Flink's client uses `default` otherwise: `FlinkKubeClientFactory`, `KubernetesConfigOptions`).
  Without them the JobManager fails at start with `Forbidden` or writes its leader ConfigMaps where no one looks.
- A standalone application cluster has exactly the slots of its TaskManagers (the workloads that mount the
  JobManager's ConfigMap: replicas x `taskmanager.numberOfTaskSlots`, default 1), as no resource manager starts
  more: a `parallelism.default` above them asks for slots no one starts, and the job fails with
  `NoResourceAvailableException` after the slot request timeout, again and again (reactive mode, `scheduler-mode:
  reactive`, runs on the slots there are and is not checked).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from config.flink_rules import Names, standalone_slots_problem
from manifests.tree import pod_template
from manifests.validation.flink_config import standard_config_file
from manifests.validation.manifests import config_map_data
from manifests.validation.report import Finding, Layer, Manifest, finding

FLINK_ROLES = {"jobmanager": "JobManager", "standalone-job": "JobManager", "taskmanager": "TaskManager"}
"""The entrypoint's commands (first container argument) and the process each starts."""
CONFIG_FILES = ("config.yaml", "flink-conf.yaml")
HA_VERBS = frozenset({"get", "list", "watch", "create", "update", "patch", "delete"})
DEFAULT_RPC_PORT = "6123"


class FlinkPod(NamedTuple):
    """A pod template running standalone Flink: its workload, the template's path, the pod spec, the role
    (`JobManager`, `TaskManager`), the Flink configuration it mounts and the ConfigMap that holds it."""

    workload: Manifest
    path: str
    pod: dict[str, Any]
    role: str
    conf: dict[str, str]
    config_map: str


def _flink_pods(manifests: list[Manifest], files: dict[tuple[str | None, str], dict[str, str]]) -> Iterator[FlinkPod]:
    """Each pod template running standalone Flink."""
    for m in manifests:
        found = pod_template(m.obj)
        if found is None:
            continue
        path, template = found
        pod = template.get("spec") or {}
        roles = [FLINK_ROLES[str(c["args"][0])] for c in pod.get("containers") or []
                 if c.get("args") and str(c["args"][0]) in FLINK_ROLES]
        conf = next(((standard_config_file(data[name]), config_map) for v in pod.get("volumes") or []
                     if v.get("configMap") for config_map in [str(v["configMap"].get("name"))]
                     for data in [files.get((m.namespace, config_map), {})]
                     for name in CONFIG_FILES if name in data), None)
        if roles and conf is not None:
            yield FlinkPod(m, path, pod, roles[0], *conf)


def _int(value: Any, default: int) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        return default


def _slots(job_manager: FlinkPod, pods: list[FlinkPod]) -> Finding | None:
    """A standalone application cluster's `parallelism.default` above the slots of the TaskManagers that mount
    its ConfigMap (module docstring, `config.flink_rules.standalone_slots_problem`); None when it fits, in reactive
    mode (not checked here), or for a session cluster."""
    conf = job_manager.conf
    if not any(str((c.get("args") or [""])[0]) == "standalone-job" for c in job_manager.pod.get("containers") or []) \
            or conf.get("scheduler-mode", "").lower() == "reactive":
        return None
    task_managers = [p for p in pods if p.role == "TaskManager" and p.config_map == job_manager.config_map
                     and p.workload.namespace == job_manager.workload.namespace]
    replicas = sum(_int((p.workload.obj.get("spec") or {}).get("replicas", 1), 1) for p in task_managers)
    per_pod = _int(conf.get("taskmanager.numberOfTaskSlots", 1), 1)
    parallelism = _int(conf.get("parallelism.default", 1), 1)
    names = Names("parallelism.default", f"the replicas of the TaskManagers that mount ConfigMap "
                  f"{job_manager.config_map}", "taskmanager.numberOfTaskSlots")
    problem = standalone_slots_problem(parallelism, replicas, per_pod, reactive=False, names=names)
    if problem is None:
        return None
    return finding(job_manager.workload, f"{job_manager.path}.spec", f"{problem.where} {problem.message}", Layer.RULE)


def _selects(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def _grants(rules: list[dict[str, Any]]) -> set[str]:
    """The verbs `rules` grant on core ConfigMaps."""
    verbs: set[str] = set()
    for rule in rules:
        if {"", "*"} & set(rule.get("apiGroups") or []) and {"configmaps", "*"} & set(rule.get("resources") or []) \
                and not rule.get("resourceNames"):
            verbs |= set(rule.get("verbs") or [])
    return set(HA_VERBS) if "*" in verbs else verbs


def _config_map_verbs(manifests: list[Manifest], namespace: str | None, account: str) -> set[str]:
    """The ConfigMap verbs ServiceAccount `account` of `namespace` has there through rendered (Cluster)RoleBindings."""
    roles = {(m.kind, m.namespace if m.kind == "Role" else None, m.name): m.obj.get("rules") or []
             for m in manifests if m.kind in ("Role", "ClusterRole")}
    verbs: set[str] = set()
    for m in manifests:
        if m.kind not in ("RoleBinding", "ClusterRoleBinding") or (m.kind == "RoleBinding" and m.namespace != namespace):
            continue
        if not any(s.get("kind") == "ServiceAccount" and s.get("name") == account
                   and s.get("namespace", m.namespace) == namespace for s in m.obj.get("subjects") or []):
            continue
        ref = m.obj.get("roleRef") or {}
        key = (str(ref.get("kind")), namespace if ref.get("kind") == "Role" else None, str(ref.get("name")))
        verbs |= _grants(roles.get(key, []))
    return verbs


def check(manifests: list[Manifest]) -> list[Finding]:
    """Findings for standalone Flink pods that cannot reach their JobManager or cannot run Kubernetes HA, and for
    application clusters whose job cannot get its slots."""
    files = config_map_data(manifests)
    pods = list(_flink_pods(manifests, files))
    job_manager_labels = [(m.namespace, (m.obj["spec"]["template"].get("metadata") or {}).get("labels") or {})
                          for m, _, _, role, _, _ in pods if role == "JobManager"]
    services = [s for s in manifests if s.kind == "Service"]
    findings = [found for p in pods if p.role == "JobManager" and (found := _slots(p, pods)) is not None]
    for m, path, pod, role, conf, _ in pods:
        ha = conf.get("high-availability.type", conf.get("high-availability", "none")).lower()
        if ha in ("kubernetes", "org.apache.flink.kubernetes.highavailability.kuberneteshaservicesfactory"):
            where = f"{path}.spec"
            if pod.get("automountServiceAccountToken") is False:
                findings.append(finding(m, f"{where}.automountServiceAccountToken", "false: Kubernetes HA reads and "
                                        "writes ConfigMaps through the API server and needs the token", Layer.RULE))
            if conf.get("kubernetes.namespace") != m.namespace:
                findings.append(finding(m, where, f"Kubernetes HA: config.yaml has kubernetes.namespace "
                                        f"{conf.get('kubernetes.namespace', 'unset (Flink: default)')}, not the pod's "
                                        f"namespace {m.namespace}: the HA ConfigMaps would go there", Layer.RULE))
            if not conf.get("kubernetes.cluster-id"):
                findings.append(finding(m, where, "Kubernetes HA needs kubernetes.cluster-id in config.yaml (the HA "
                                        "ConfigMaps' names and labels)", Layer.RULE))
            account = str(pod.get("serviceAccountName") or "default")
            missing = sorted(HA_VERBS - _config_map_verbs(manifests, m.namespace, account))
            if missing:
                findings.append(finding(m, f"{where}.serviceAccountName", f"ServiceAccount {account} may not "
                                        f"{', '.join(missing)} ConfigMaps in {m.namespace}: Flink's Kubernetes HA "
                                        "(leader election, job metadata) fails", Layer.RULE))
        elif role == "TaskManager":
            host = conf.get("jobmanager.rpc.address", "localhost")
            port = conf.get("jobmanager.rpc.port", DEFAULT_RPC_PORT)
            name = host.removesuffix(".svc.cluster.local").removesuffix(f".{m.namespace}")
            service = next((s for s in services if s.namespace == m.namespace and s.name == name
                            and any(str(p.get("port")) == port for p in (s.obj.get("spec") or {}).get("ports") or [])),
                           None)
            selector = ((service.obj.get("spec") or {}).get("selector") or {}) if service else {}
            if service is None:
                findings.append(finding(m, f"{path}.spec", f"TaskManagers register at jobmanager.rpc.address {host}:"
                                        f"{port}, which is no Service with port {port} in {m.namespace}", Layer.RULE))
            elif not any(ns == m.namespace and _selects(selector, labels) for ns, labels in job_manager_labels):
                findings.append(finding(m, f"{path}.spec", f"Service {name} (jobmanager.rpc.address) selects no "
                                        f"JobManager pod in {m.namespace}", Layer.RULE))
    return findings
