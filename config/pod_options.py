"""Pod options (`$defs/podOptions`): what a team sets on its Flink pods, as Ververica Platform offers it. A value
type of several sections (`flink.sessionCluster`, `flink.deployments[]` and their roles)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from config.common import Resources
from config.loading import Problem, repeats
from upstream.flink_options import FLINK_MAIN_CONTAINER

RESERVED_LABELS = ("app", "component", "type")
"""Labels the Flink operator puts on the pods it creates and selects them by."""
RESERVED_LABEL_PREFIX = "app.kubernetes.io/"
"""The platform's recommended labels."""


@dataclass(frozen=True)
class KeyRefConfig:
    """A key of a Secret or ConfigMap."""

    name: str
    """Object name."""

    key: str
    """Key in it."""


@dataclass(frozen=True)
class TolerationConfig:
    """A Kubernetes Toleration."""

    key: str | None
    """Taint key; null with operator Exists tolerates every taint. Default: `null`."""

    operator: Literal["Equal", "Exists"]
    """Equal (key and value) or Exists (key only). Default: `"Equal"`."""

    value: str | None
    """Taint value (with Equal). Default: `null`."""

    effect: Literal["NoSchedule", "PreferNoSchedule", "NoExecute"] | None
    """Taint effect; null: every effect. Default: `null`."""

    toleration_seconds: int | None
    """How long a NoExecute taint is tolerated (seconds). Default: `null`."""


@dataclass(frozen=True)
class EnvVarConfig:
    """One environment variable of the Flink main container."""

    name: str
    """Variable name."""

    value: str | None
    """A literal (never a credential: use secretKeyRef). Default: `null`."""

    secret_key_ref: KeyRefConfig | None
    """A Secret key. Default: `null`."""

    config_map_key_ref: KeyRefConfig | None
    """A ConfigMap key. Default: `null`."""

    def problems(self) -> Iterator[Problem]:
        """Exactly one source."""
        sources = [s for s in (self.value, self.secret_key_ref, self.config_map_key_ref) if s is not None]
        if len(sources) != 1:
            yield Problem("", f"env '{self.name}' needs exactly one of value, secretKeyRef, configMapKeyRef")


@dataclass(frozen=True)
class VolumeMountConfig:
    """A mount of one of the pod options' volumes in a sidecar or init container."""

    name: str
    """A volume of the same podOptions."""

    mount_path: str
    """Where."""

    read_only: bool
    """Read-only. Default: `false`."""


@dataclass(frozen=True)
class ContainerConfig:
    """A sidecar or init container."""

    name: str
    """Container name (not flink-main-container)."""

    image: str
    """Image."""

    command: tuple[str, ...]
    """Entrypoint (null: the image's). Default: `[]`."""

    args: tuple[str, ...]
    """Arguments. Default: `[]`."""

    env: tuple[EnvVarConfig, ...]
    """Environment variables. Default: `[]`."""

    volume_mounts: tuple[VolumeMountConfig, ...]
    """Mounts of the pod options' volumes. Default: `[]`."""

    resources: Resources | None
    """Container resources; required (the scheduler places the pod by the requests). Default: `null`."""

    restart_policy: Literal["Always"] | None
    """Always, on an init container: a native sidecar (Kubernetes 1.29+), started before the main container, kept
    running beside it and restarted by the kubelet. Use it for a sidecar of Flink TaskManagers: Flink creates them with
    restartPolicy Never and deletes the pod when any of its plain containers ends. Sidecars take no restart policy.
    Default: `null`."""

    def problems(self) -> Iterator[Problem]:
        """The Flink main container's name is the operator's; resource requests are set (as `validate` requires of
        every container, so the scheduler can place the pod)."""
        if self.name == FLINK_MAIN_CONTAINER:
            yield Problem("name", f"'{FLINK_MAIN_CONTAINER}' is the Flink main container, which the operator builds")
        if self.resources is None:
            yield Problem("resources", "required: cpu and memory requests (the scheduler places the pod by them)")


@dataclass(frozen=True)
class PodVolumeConfig:
    """A volume of the Flink pods and where the main container mounts it."""

    name: str
    """Volume name."""

    mount_path: str
    """Where it is mounted in the container."""

    read_only: bool
    """Mount read-only. Default: `false`."""

    secret: str | None
    """A Secret's keys as files. Default: `null`."""

    config_map: str | None
    """A ConfigMap's keys as files. Default: `null`."""

    persistent_volume_claim: str | None
    """A PersistentVolumeClaim (in the pods' namespace). Default: `null`."""

    empty_dir: bool
    """A scratch directory that lives as long as the pod (on the node's disk, or in memory with medium: Memory).
    Default: `false`.
    """

    medium: Literal["Memory"] | None
    """With emptyDir: Memory for a tmpfs (counted against the pod's memory limit); null: the node's disk. Default:
    `null`.
    """

    size_limit: str | None
    """With emptyDir: the most it may hold (a Kubernetes quantity such as 1Gi); the kubelet evicts the pod beyond it.
    Null: no limit of its own. Default: `null`.
    """

    def problems(self) -> Iterator[Problem]:
        """Exactly one source; medium and sizeLimit with emptyDir only."""
        sources = [s for s in (self.secret, self.config_map, self.persistent_volume_claim) if s is not None]
        if len(sources) + self.empty_dir != 1:
            yield Problem("", f"volume '{self.name}' needs exactly one of secret, configMap, persistentVolumeClaim, "
                              "emptyDir")
        for key, value in (("medium", self.medium), ("sizeLimit", self.size_limit)):
            if value is not None and not self.empty_dir:
                yield Problem(key, f"volume '{self.name}': {key} belongs to emptyDir: true")


@dataclass(frozen=True)
class RunAsConfig:
    """The user the Flink pods run as."""

    user: int | None
    """runAsUser; null: the image's user (root in most images). Default: `null`."""

    group: int | None
    """runAsGroup. Default: `null`."""

    fs_group: int | None
    """fsGroup: the group that owns mounted volumes. Default: `null`."""

    exception: str | None
    """Why these pods cannot meet the restricted Pod Security Standard (required for a root user). Default: `null`."""

    def problems(self) -> Iterator[Problem]:
        """A root user only with a declared exception."""
        if self.user in (None, 0) and not self.exception:
            yield Problem("exception", "required for a root user (user null or 0): say why these pods cannot meet the "
                                       "restricted Pod Security Standard")


@dataclass(frozen=True)
class PodOptionsConfig:
    """Pod options of Flink pods."""

    labels: dict[str, str]
    """Pod labels (e.g. for cost allocation); the operator's (app, component, type) and app.kubernetes.io/* are
    reserved.
    """

    annotations: dict[str, str]
    """Pod annotations (e.g. ad.datadoghq.com/flink-main-container.checks)."""

    node_selector: dict[str, str]
    """Node labels the pods must match."""

    tolerations: tuple[TolerationConfig, ...]
    """Taints the pods tolerate. Default: `[]`."""

    affinity: dict[str, Any] | None
    """A Kubernetes Affinity (nodeAffinity, podAffinity, podAntiAffinity) as in a pod spec; checked against the CRD by
    validate. Default: `null`.
    """

    image_pull_secrets: tuple[str, ...]
    """Secrets (in the pods' namespace) to pull the image with. Default: `[]`."""

    env: tuple[EnvVarConfig, ...]
    """Environment variables of the Flink main container. Default: `[]`."""

    volumes: tuple[PodVolumeConfig, ...]
    """Volumes mounted into the Flink main container, each by one name. Default: `[]`."""

    sidecars: tuple[ContainerConfig, ...]
    """Containers beside the Flink main container (e.g. a log shipper), in the JobManager and TaskManager pods.
    Default: `[]`.
    """

    init_containers: tuple[ContainerConfig, ...]
    """Containers that run to completion before the Flink main container starts. Default: `[]`."""

    run_as: RunAsConfig | None
    """The user the Flink pods run as, instead of the Flink image's (9999); a root user (user null or 0) needs an
    exception saying why, rendered as lakehouse.dev/pod-security-exception (validate then warns instead of failing).
    Cluster level only. Null: the Flink image's user. Default: `null`.
    """

    def problems(self) -> Iterator[Problem]:
        """Reserved labels stay the operator's and the platform's; env and volume names used once."""
        for key in sorted(self.labels):
            if key in RESERVED_LABELS or key.startswith(RESERVED_LABEL_PREFIX):
                yield Problem(f"labels.{key}", "reserved: the Flink operator selects its pods by app, component and "
                                               "type, and the platform sets app.kubernetes.io/*")
        yield from repeats("env", ((f"env[{i}]", e.name) for i, e in enumerate(self.env)), "'{name}' is set twice")
        yield from repeats("volumes", ((f"volumes[{i}]", v.name) for i, v in enumerate(self.volumes)),
                           "'{name}' is used twice")
        for index, container in enumerate(self.sidecars):
            if container.restart_policy is not None:
                yield Problem(f"sidecars[{index}].restartPolicy", "only an init container takes one (restartPolicy "
                                                                  "Always makes it a native sidecar): move it to "
                                                                  "initContainers")
        containers = [*((f"sidecars[{i}]", c.name) for i, c in enumerate(self.sidecars)),
                      *((f"initContainers[{i}]", c.name) for i, c in enumerate(self.init_containers))]
        yield from repeats("sidecars", containers, "container '{name}' is named twice")
        volumes = {v.name for v in self.volumes}
        for kind, items in (("sidecars", self.sidecars), ("initContainers", self.init_containers)):
            for index, container in enumerate(items):
                for mount_index, mount in enumerate(container.volume_mounts):
                    if mount.name not in volumes:
                        yield Problem(f"{kind}[{index}].volumeMounts[{mount_index}].name",
                                      f"'{mount.name}' is not one of these pod options' volumes")
