"""Pod security defaults: the Kubernetes "restricted" Pod Security Standard in one place.

https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted requires, per container:
`runAsNonRoot: true`, `allowPrivilegeEscalation: false`, `capabilities.drop: [ALL]` and a
`seccompProfile` of `RuntimeDefault` (or on the pod). Every workload of the platform, including the pod
templates inside FlinkDeployment and SparkApplication, takes its security contexts from here.

Documented exceptions (README, "Pod security"): Fluss images run as root (`RunAs.image_default_root()`),
so its pods cannot set `runAsNonRoot`; Flink, Spark and Fluss need a writable root filesystem.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cdk8s_plus_27 import k8s


@dataclass(frozen=True)
class RunAs:
    """The user an image runs as. `uid=None` means the image's default user is root (an exception).

    Attributes:
        uid: numeric user id (Flink 9999, Spark 185, Polaris 10000, ZooKeeper 1000, PostgreSQL 999).
        gid: primary group id.
        fs_group: group that owns mounted volumes (so a non-root user can write them); None leaves it out.
        read_only_root_filesystem: True when the image writes only to mounted volumes.
        exception: why pods of this image cannot be "restricted" (rendered as the pod annotation
            `lakehouse.dev/pod-security-exception`); None for restricted images.
    """

    uid: int | None
    gid: int | None = None
    fs_group: int | None = None
    read_only_root_filesystem: bool = False
    exception: str | None = None

    @staticmethod
    def image_default_root(reason: str) -> RunAs:
        """The image's own (root) user: the pod is not "restricted"; a documented exception."""
        return RunAs(uid=None, exception=reason)

    @property
    def restricted(self) -> bool:
        """True when pods running as this user meet the restricted standard."""
        return self.uid is not None and self.uid != 0


FLINK = RunAs(uid=9999, gid=9999, fs_group=9999)
SPARK = RunAs(uid=185, gid=185, fs_group=185)
SPARK_OPERATOR = RunAs(uid=185, gid=185, fs_group=185, read_only_root_filesystem=True)
POLARIS = RunAs(uid=10000, fs_group=10001)
ZOOKEEPER = RunAs(uid=1000, gid=1000, fs_group=1000)
POSTGRES = RunAs(uid=999, gid=999, fs_group=999)
MINIO = RunAs(uid=1000, gid=1000, fs_group=1000, read_only_root_filesystem=True)
CURL = RunAs(uid=100, gid=101, read_only_root_filesystem=True)
FLUSS = RunAs.image_default_root("the Fluss image runs as root")
POD_SECURITY_EXCEPTION = "lakehouse.dev/pod-security-exception"
"""Pod annotation naming why the pod cannot run as non-root; validation downgrades that finding to a warning."""


def pod_annotations(run_as: RunAs) -> dict[str, str]:
    """The pod annotations that declare `run_as`'s documented exception, if any."""
    return {POD_SECURITY_EXCEPTION: run_as.exception} if run_as.exception else {}

def pod_security_context_props(run_as: RunAs) -> dict[str, Any]:
    """The pod-level security context for `run_as` as keyword arguments (snake_case), usable with
    `k8s.PodSecurityContext(**...)` and with the generated custom-resource bindings' pod templates."""
    return _drop_none({
        "run_as_non_root": True if run_as.restricted else None,
        "run_as_user": run_as.uid,
        "run_as_group": run_as.gid,
        "fs_group": run_as.fs_group,
        "seccomp_profile": {"type": "RuntimeDefault"},
    })


def container_security_context_props(run_as: RunAs) -> dict[str, Any]:
    """The container-level security context as keyword arguments (snake_case): no privilege escalation,
    all capabilities dropped, seccomp RuntimeDefault, non-root where the image allows it."""
    return _drop_none({
        "allow_privilege_escalation": False,
        "capabilities": {"drop": ["ALL"]},
        "run_as_non_root": True if run_as.restricted else None,
        "run_as_user": run_as.uid,
        "run_as_group": run_as.gid,
        "read_only_root_filesystem": True if run_as.read_only_root_filesystem else None,
        "seccomp_profile": {"type": "RuntimeDefault"},
    })


def pod_security_context(run_as: RunAs) -> k8s.PodSecurityContext:
    """`pod_security_context_props` as a core API object."""
    return k8s.PodSecurityContext(**pod_security_context_props(run_as))


def container_security_context(run_as: RunAs) -> k8s.SecurityContext:
    """`container_security_context_props` as a core API object."""
    return k8s.SecurityContext(**container_security_context_props(run_as))


def _drop_none(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


# ---------------------------------------------------------------------------------------------
# Checking rendered manifests against the restricted standard
# ---------------------------------------------------------------------------------------------

_WORKLOAD_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicaSet"}
_SAFE_VOLUME_TYPES = {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim",
                      "projected", "secret"}


def pod_specs(obj: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The pod specs a rendered object produces, by role, as the cluster would see them.

    Core workloads: `spec.template.spec` (CronJob: its job template). FlinkDeployment: the top-level
    `podTemplate` merged (by container name, as the Flink operator does) with the JobManager's and the
    TaskManager's. SparkApplication: driver and executor pods from their pod-level and container-level
    security contexts.
    """
    kind, spec = obj.get("kind"), obj.get("spec", {})
    if kind in _WORKLOAD_KINDS:
        return {"pod": spec["template"]["spec"]}
    if kind == "CronJob":
        return {"pod": spec["jobTemplate"]["spec"]["template"]["spec"]}
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
        if key == "containers" and "flink-main-container" not in by_name:
            by_name["flink-main-container"] = {"name": "flink-main-container"}
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
            problems.append(f"volume {volume['name']}: type {sorted(kinds)} is not allowed")
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
