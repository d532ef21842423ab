"""The "restricted" Pod Security Standard as a check on rendered manifests (no cdk8s import: validation uses it).

https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted . The defaults that satisfy
it are rendered by `charts.blocks.pod_security`; this module checks what was rendered, including the pod templates
inside FlinkDeployment and SparkApplication.
"""

from __future__ import annotations

import re
from typing import Any

from manifests.tree import pod_template
from upstream.flink_options import FLINK_MAIN_CONTAINER

POD_SECURITY_EXCEPTION = "lakehouse.dev/pod-security-exception"
"""Pod annotation naming why the pod cannot run as non-root; validation downgrades that finding to a warning."""

_SAFE_VOLUME_TYPES = {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim",
                      "projected", "secret"}


"""The container name the Flink operator merges pod templates into (and runs Flink in)."""


def pod_specs(obj: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The pod specs a rendered object produces, by role, as the cluster would see them.

    Core workloads: `spec.template.spec` (CronJob: its job template). FlinkDeployment: the top-level
    `podTemplate` merged (by container name, as the Flink operator does) with the JobManager's and the
    TaskManager's. SparkApplication: driver and executor pods from their pod-level and container-level
    security contexts.
    """
    kind, spec = obj.get("kind"), obj.get("spec", {})
    workload = pod_template(obj)
    if workload is not None:
        return {"pod": workload[1].get("spec", {})}
    if kind == "FlinkDeployment":
        base = spec.get("podTemplate", {}).get("spec", {})
        return {
            role: _merge_flink_pod(base, spec.get(role, {}).get("podTemplate", {}).get("spec", {}))
            for role in ("jobManager", "taskManager")
        }
    if kind == "SparkApplication":
        return {
            role: {
                "securityContext": spec.get(role, {}).get("podSecurityContext", {}),
                "containers": [{"name": f"spark-kubernetes-{role}",
                                "securityContext": spec.get(role, {}).get("securityContext", {})}],
            }
            for role in ("driver", "executor")
        }
    return {}


def _merge_flink_pod(base: dict[str, Any], role: dict[str, Any]) -> dict[str, Any]:
    merged = {**base, **{k: v for k, v in role.items() if k not in ("containers", "initContainers", "volumes")}}
    for key in ("containers", "initContainers"):
        by_name: dict[str, dict[str, Any]] = {c["name"]: dict(c) for c in base.get(key, [])}
        for container in role.get(key, []):
            by_name[container["name"]] = {**by_name.get(container["name"], {}), **container}
        if key == "containers" and FLINK_MAIN_CONTAINER not in by_name:
            by_name[FLINK_MAIN_CONTAINER] = {"name": FLINK_MAIN_CONTAINER}
        merged[key] = list(by_name.values())
    merged["volumes"] = [*base.get("volumes", []), *role.get("volumes", [])]
    return merged


def restricted_violations(pod: dict[str, Any]) -> list[str]:
    """What in `pod` breaks the restricted Pod Security Standard (empty when it complies)."""
    problems: list[str] = []
    pod_sc = pod.get("securityContext", {}) or {}
    for flag in ("hostNetwork", "hostPID", "hostIPC"):
        if pod.get(flag):
            problems.append(f"{flag} must not be set")
    for volume in pod.get("volumes", []):
        kinds = set(volume) - {"name"}
        if not kinds <= _SAFE_VOLUME_TYPES:
            where = f" (path {volume['hostPath'].get('path')})" if isinstance(volume.get("hostPath"), dict) else ""
            problems.append(f"volume {volume['name']}: type {sorted(kinds)}{where} is not allowed")
    if pod_sc.get("runAsUser") == 0:
        problems.append("securityContext.runAsUser must not be 0")
    for container in [*pod.get("initContainers", []), *pod.get("containers", [])]:
        name = container.get("name", "?")
        sc = container.get("securityContext", {}) or {}
        if sc.get("privileged"):
            problems.append(f"container {name}: privileged")
        if sc.get("allowPrivilegeEscalation") is not False:
            problems.append(f"container {name}: allowPrivilegeEscalation must be false")
        caps = sc.get("capabilities", {}) or {}
        if "ALL" not in (caps.get("drop") or []):
            problems.append(f"container {name}: capabilities.drop must include ALL")
        if set(caps.get("add") or []) - {"NET_BIND_SERVICE"}:
            problems.append(f"container {name}: capabilities.add may only hold NET_BIND_SERVICE")
        if sc.get("runAsNonRoot", pod_sc.get("runAsNonRoot")) is not True:
            problems.append(f"container {name}: runAsNonRoot must be true")
        if sc.get("runAsUser") == 0:
            problems.append(f"container {name}: runAsUser must not be 0")
        seccomp = (sc.get("seccompProfile") or pod_sc.get("seccompProfile") or {}).get("type")
        if seccomp not in ("RuntimeDefault", "Localhost"):
            problems.append(f"container {name}: seccompProfile.type must be RuntimeDefault or Localhost")
    return problems


def declares_host_path(exception: str, path: str) -> bool:
    """True when a pod's declared exception (`POD_SECURITY_EXCEPTION`) names hostPath `path` as a whole path (followed
    by a space, comma, parenthesis, semicolon or the end): host paths only where needed and declared, one by one."""
    return re.search(re.escape(path) + r"(?=[\s,();]|$)", exception) is not None


HOST_PATH_PROBLEM = re.compile(r"^volume \S+: type \['hostPath'\] \(path (?P<path>.+)\) is not allowed$")
"""The `restricted_violations` text of a hostPath volume, with its path."""
