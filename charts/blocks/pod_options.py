"""Pod options: what a team sets on its workload pods (labels, annotations, scheduling, pull secrets, env, volumes),
as Ververica Platform offers them, in one typed object. The platform's own labels, restricted security context and
containers are kept: options only add to them.

Kubernetes references: https://kubernetes.io/docs/concepts/scheduling-eviction/ (node selectors, affinity, taints and
tolerations), https://kubernetes.io/docs/concepts/storage/volumes/.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from charts.blocks.container_env import Env
from charts.blocks.pod_security import RunAs
from config.common import Resources
from config.pod_values import Toleration, VolumeMount
from upstream.flink_options import FLINK_MAIN_CONTAINER

RESERVED_LABELS = ("app", "component", "type")
"""Labels the Flink operator puts on its pods and selects them by."""
RESERVED_LABEL_PREFIX = "app.kubernetes.io/"


@dataclass(frozen=True)
class PodVolume:
    """A volume and its mount in the main container, by one name: exactly one of `secret`, `config_map`,
    `persistent_volume_claim` (names in the pod's namespace) or `empty_dir`; with `main_container` False the main
    container does not mount it (a volume of sidecars only; `mount_path` is then only descriptive). An `empty_dir`
    takes a `medium` (`Memory`: a tmpfs) and a `size_limit` (a Kubernetes quantity, such as `1Gi`).

    Raises:
        ValueError: no source or more than one; a medium or size limit without `empty_dir`.
    """

    name: str
    mount_path: str
    read_only: bool = False
    secret: str | None = None
    config_map: str | None = None
    persistent_volume_claim: str | None = None
    empty_dir: bool = False
    medium: str | None = None
    size_limit: str | None = None
    main_container: bool = True

    def __post_init__(self) -> None:
        sources = [s for s in (self.secret, self.config_map, self.persistent_volume_claim) if s is not None]
        if len(sources) + self.empty_dir != 1:
            raise ValueError(f"volume {self.name}: exactly one of secret, config_map, persistent_volume_claim, "
                             "empty_dir")
        if (self.medium or self.size_limit) and not self.empty_dir:
            raise ValueError(f"volume {self.name}: medium and size_limit belong to an empty_dir")


@dataclass(frozen=True)
class ExtraContainer:
    """A sidecar or init container, run with the platform's restricted security context: `image`, `command`
    and `args` (empty: the image's), `env`, `mounts` of the pod options' volumes, `resources` (cpu in cores or
    millicores, memory as a quantity).

    Raises:
        ValueError: the name of the main container the operator builds (`flink-main-container`).
    """

    name: str
    image: str
    command: tuple[str, ...] = ()
    args: tuple[str, ...] = ()
    env: tuple[Env, ...] = ()
    mounts: tuple[VolumeMount, ...] = ()
    resources: Resources | None = None
    restart_policy: Literal["Always"] | None = None
    """`Always` on an init container: a native sidecar (Kubernetes 1.29+), started before the main container and kept
    running beside it, restarted by the kubelet, and reported under `initContainerStatuses`."""

    def __post_init__(self) -> None:
        if self.name == FLINK_MAIN_CONTAINER:
            raise ValueError(f"container {self.name}: the operator builds the main container itself")


@dataclass(frozen=True)
class PodOptions:
    """Options of a set of pods. `affinity` is a Kubernetes Affinity in its API form (camelCase keys); `sidecars` run
    beside the main container, `init_containers` before it; `run_as` the user instead of the image's (a root user
    carries its declared exception; set on a cluster, not a role).

    Raises:
        ValueError: a reserved label (the operator's `app`, `component`, `type`; the platform's
            `app.kubernetes.io/*`).
    """

    labels: Mapping[str, str] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)
    node_selector: Mapping[str, str] = field(default_factory=dict)
    tolerations: tuple[Toleration, ...] = ()
    affinity: Mapping[str, Any] | None = None
    image_pull_secrets: tuple[str, ...] = ()
    env: tuple[Env, ...] = ()
    volumes: tuple[PodVolume, ...] = ()
    sidecars: tuple[ExtraContainer, ...] = ()
    init_containers: tuple[ExtraContainer, ...] = ()
    run_as: RunAs | None = None

    def __post_init__(self) -> None:
        reserved = sorted(k for k in self.labels if k in RESERVED_LABELS or k.startswith(RESERVED_LABEL_PREFIX))
        if reserved:
            raise ValueError(f"pod options: reserved labels {', '.join(reserved)}")

    def with_role(self, role: PodOptions) -> PodOptions:
        """These options with a role's on top: maps merged and named items (env, volumes, sidecars, init containers)
        merged by name, the role's winning; tolerations and pull secrets appended once; the role's affinity if it
        has one. So a name never appears twice in a pod (the API server would refuse it)."""
        return PodOptions(
            labels={**self.labels, **role.labels}, annotations={**self.annotations, **role.annotations},
            node_selector={**self.node_selector, **role.node_selector},
            tolerations=tuple(dict.fromkeys((*self.tolerations, *role.tolerations))),
            affinity=role.affinity or self.affinity,
            image_pull_secrets=tuple(dict.fromkeys((*self.image_pull_secrets, *role.image_pull_secrets))),
            env=_by_name(self.env, role.env), volumes=_by_name(self.volumes, role.volumes),
            sidecars=_by_name(self.sidecars, role.sidecars),
            init_containers=_by_name(self.init_containers, role.init_containers), run_as=self.run_as)


N = TypeVar("N", Env, PodVolume, ExtraContainer)


def _by_name(base: tuple[N, ...], role: tuple[N, ...]) -> tuple[N, ...]:
    """`base` with `role`'s items replacing those of the same name and the others appended, in order."""
    merged = {item.name: item for item in base}
    merged.update({item.name: item for item in role})
    return tuple(merged.values())
