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

from manifests.restricted import POD_SECURITY_EXCEPTION


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
POLARIS_ADMIN_TOOL = RunAs(uid=10000, gid=10001, fs_group=10001, read_only_root_filesystem=True)
ZOOKEEPER = RunAs(uid=1000, gid=1000, fs_group=1000)
POSTGRES = RunAs(uid=999, gid=999, fs_group=999)
MINIO = RunAs(uid=1000, gid=1000, fs_group=1000, read_only_root_filesystem=True)
CURL = RunAs(uid=100, gid=101, read_only_root_filesystem=True)
FLUSS = RunAs.image_default_root("the Fluss image runs as root")
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
