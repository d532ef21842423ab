"""Pod options (`$defs/podOptions`): what a team sets on its Flink pods, as Ververica Platform offers it. A value
type of several sections (`flink.sessionCluster`, `flink.deployments[]` and their roles)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar, Literal

from config.common import Image, Quantity, Resources
from config.declaration import section, setting
from config.loading import Problem, repeats
from config.pod_values import Toleration, VolumeMount
from upstream.flink_options import FLINK_MAIN_CONTAINER

RESERVED_LABELS = ("app", "component", "type")
"""Labels the Flink operator puts on the pods it creates and selects them by."""
RESERVED_LABEL_PREFIX = "app.kubernetes.io/"
"""The platform's recommended labels."""


@section
class KeyRefConfig:
    """A key of a Secret or ConfigMap."""

    name: str = setting()
    """Object name."""

    key: str = setting()
    """Key in it."""


@section
class EnvVarConfig:
    """One variable: value, secretKeyRef or configMapKeyRef."""

    DEFINITION: ClassVar[str] = "envVar"

    name: str = setting()
    """Variable name."""

    value: str | None = setting(None)
    """A literal (never a credential: use secretKeyRef)."""

    secret_key_ref: KeyRefConfig | None = setting(None)
    """A Secret key."""

    config_map_key_ref: KeyRefConfig | None = setting(None)
    """A ConfigMap key."""

    def problems(self) -> Iterator[Problem]:
        """Exactly one source."""
        sources = [s for s in (self.value, self.secret_key_ref, self.config_map_key_ref) if s is not None]
        if len(sources) != 1:
            yield Problem("", f"env '{self.name}' needs exactly one of value, secretKeyRef, configMapKeyRef")


@section
class ContainerConfig:
    """A sidecar or init container, run with the platform's restricted security context."""

    DEFINITION: ClassVar[str] = "container"

    name: str = setting(
        pattern="^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", max_length=63, error="is not a container name (a DNS-1123 label)")
    """Container name (not flink-main-container)."""

    image: Image = setting()
    """Image."""

    command: tuple[str, ...] = setting([], items={"type": "string", "description": "One entry."})
    """Entrypoint (null: the image's)."""

    args: tuple[str, ...] = setting([], items={"type": "string", "description": "One entry."})
    """Arguments."""

    env: tuple[EnvVarConfig, ...] = setting([])
    """Environment variables."""

    volume_mounts: tuple[VolumeMount, ...] = setting([])
    """Mounts of the pod options' volumes."""

    resources: Resources | None = setting(None)
    """Container resources; required (the scheduler places the pod by the requests)."""

    restart_policy: Literal["Always"] | None = setting(None)
    """Always, on an init container: a native sidecar (Kubernetes 1.29+), started before the main container, kept
    running beside it and restarted by the kubelet. Use it for a sidecar of Flink TaskManagers: Flink creates them
    with restartPolicy Never and deletes the pod when any of its plain containers ends. Sidecars take no restart
    policy.
    """

    def problems(self) -> Iterator[Problem]:
        """The Flink main container's name is the operator's; resource requests are set (as `validate` requires of
        every container, so the scheduler can place the pod)."""
        if self.name == FLINK_MAIN_CONTAINER:
            yield Problem("name", f"'{FLINK_MAIN_CONTAINER}' is the Flink main container, which the operator builds")
        if self.resources is None:
            yield Problem("resources", "required: cpu and memory requests (the scheduler places the pod by them)")


@section
class PodVolumeConfig:
    """A volume of the Flink pods and where the main container mounts it."""

    SCHEMA: ClassVar[Mapping[str, Any]] = {"description": "A volume and where it is mounted: exactly one of secret, configMap, persistentVolumeClaim, emptyDir."}

    name: str = setting(
        pattern="^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", max_length=63, error="is not a volume name (a DNS-1123 label)")
    """Volume name."""

    mount_path: str = setting(pattern="^/", error="is not an absolute path")
    """Where it is mounted in the container."""

    read_only: bool = setting(False)
    """Mount read-only."""

    secret: str | None = setting(None)
    """A Secret's keys as files."""

    config_map: str | None = setting(None)
    """A ConfigMap's keys as files."""

    persistent_volume_claim: str | None = setting(None)
    """A PersistentVolumeClaim (in the pods' namespace)."""

    empty_dir: bool = setting(False)
    """A scratch directory that lives as long as the pod (on the node's disk, or in memory with medium: Memory)."""

    medium: Literal["Memory"] | None = setting(None)
    """With emptyDir: Memory for a tmpfs (counted against the pod's memory limit); null: the node's disk."""

    size_limit: Quantity | None = setting(None)
    """With emptyDir: the most it may hold (a Kubernetes quantity such as 1Gi); the kubelet evicts the pod beyond it.
    Null: no limit of its own.
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


@section
class RunAsConfig:
    """The user the Flink pods run as."""

    user: int | None = setting(None, minimum=0)
    """runAsUser; null: the image's user (root in most images)."""

    group: int | None = setting(None, minimum=0)
    """runAsGroup."""

    fs_group: int | None = setting(None, minimum=0)
    """fsGroup: the group that owns mounted volumes."""

    exception: str | None = setting(None)
    """Why these pods cannot meet the restricted Pod Security Standard (required for a root user)."""

    def problems(self) -> Iterator[Problem]:
        """A root user only with a declared exception."""
        if self.user in (None, 0) and not self.exception:
            yield Problem("exception", "required for a root user (user null or 0): say why these pods cannot meet the "
                                       "restricted Pod Security Standard")


@section
class PodOptionsConfig:
    """Pod options (as Ververica Platform offers them): labels, annotations, scheduling, pull secrets, env and volumes
    of the Flink pods. The platform's restricted security context, its labels and the operator's are kept.
    """

    DEFINITION: ClassVar[str] = "podOptions"

    labels: dict[str, str] = setting({})
    """Pod labels (e.g. for cost allocation); the operator's (app, component, type) and app.kubernetes.io/* are
    reserved.
    """

    annotations: dict[str, str] = setting({})
    """Pod annotations (e.g. ad.datadoghq.com/flink-main-container.checks)."""

    node_selector: dict[str, str] = setting({})
    """Node labels the pods must match."""

    tolerations: tuple[Toleration, ...] = setting([])
    """Taints the pods tolerate."""

    affinity: dict[str, Any] | None = setting(None)
    """A Kubernetes Affinity (nodeAffinity, podAffinity, podAntiAffinity) as in a pod spec; checked against the CRD by
    validate.
    """

    image_pull_secrets: tuple[str, ...] = setting([], items={"type": "string", "description": "Secret name."})
    """Secrets (in the pods' namespace) to pull the image with."""

    env: tuple[EnvVarConfig, ...] = setting([])
    """Environment variables of the Flink main container."""

    volumes: tuple[PodVolumeConfig, ...] = setting([])
    """Volumes mounted into the Flink main container, each by one name."""

    sidecars: tuple[ContainerConfig, ...] = setting([])
    """Containers beside the Flink main container (e.g. a log shipper), in the JobManager and TaskManager pods."""

    init_containers: tuple[ContainerConfig, ...] = setting([])
    """Containers that run to completion before the Flink main container starts."""

    run_as: RunAsConfig | None = setting(None)
    """The user the Flink pods run as, instead of the Flink image's (9999); a root user (user null or 0) needs an
    exception saying why, rendered as lakehouse.dev/pod-security-exception (validate then warns instead of failing).
    Cluster level only. Null: the Flink image's user.
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
