"""Pod templates inside custom resources, built with the generated bindings' typed classes.

`ContainerSpec`, `Mount` and `VolumeSpec` describe what the platform adds to a container or a pod once; they
render into a custom resource's pod template (`PodTemplateClasses`), and `Mount` and `VolumeSpec` also into a
core pod (`to_core`, the SQL Gateway's Deployment). The Flink operator's CRD gives each pod-template location
its own generated classes (`FlinkDeploymentSpecPodTemplateSpecContainers`,
`FlinkDeploymentSpecJobManagerPodTemplateSpecContainers`, ...). `PodTemplateClasses` finds them by location
prefix so that one builder serves every location. Lists must hold typed instances (a plain dict in a list would
silently lose its snake_case keys).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from cdk8s_plus_27 import k8s

import imports.flink.org.apache.flink as flink_binding
from charts.blocks import container_env as env
from charts.blocks import pod_security
from charts.blocks.pod_options import Container, PodOptions, PodVolume, snake


@dataclass(frozen=True)
class Mount:
    """A volume mount: `volume` at `path` (read-only when `read_only`)."""

    volume: str
    path: str
    read_only: bool = False

    def to_core(self) -> k8s.VolumeMount:
        """As a core `VolumeMount`."""
        return k8s.VolumeMount(name=self.volume, mount_path=self.path, read_only=self.read_only or None)


@dataclass(frozen=True)
class ContainerSpec:
    """What the platform adds to a container the operator builds (the main container `flink-main-container`
    keeps the FlinkDeployment's image and command): `env`, `mounts`, `ports` as (name, container port) pairs (TCP;
    Flink's own ports are added by Flink: rest, jobmanager-rpc, blobserver, taskmanager-rpc) and, with `run_as`, the
    restricted container security context."""

    name: str
    env: list[env.Env] = field(default_factory=list)
    mounts: list[Mount] = field(default_factory=list)
    run_as: pod_security.RunAs | None = None
    ports: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class VolumeSpec:
    """A pod volume: the ConfigMaps `config_maps` projected into one directory (every key a file)."""

    name: str
    config_maps: tuple[str, ...]

    def to_core(self) -> k8s.Volume:
        """As a core `Volume`."""
        return k8s.Volume(name=self.name, projected=k8s.ProjectedVolumeSource(
            sources=[k8s.VolumeProjection(config_map=k8s.ConfigMapProjection(name=c)) for c in self.config_maps]))


T = TypeVar("T")


def mounts(options: PodOptions) -> list[Mount]:
    """The main container's mounts of the options' volumes (not those of sidecars only)."""
    return [Mount(v.name, v.mount_path, v.read_only) for v in options.volumes if v.main_container]


class PodTemplateClasses(Generic[T]):
    """The generated classes beneath one pod-template location, e.g. `FlinkDeploymentSpecJobManagerPodTemplate`."""

    def __init__(self, template: type[T]):
        self.template = template
        self.prefix = template.__name__

    def cls(self, suffix: str) -> Callable[..., Any]:
        """The generated class `<location><suffix>` (e.g. `SpecContainers`)."""
        found: Callable[..., Any] = getattr(flink_binding, f"{self.prefix}{suffix}")
        return found

    def build(self, *, containers: list[ContainerSpec], volumes: list[VolumeSpec] | None = None,
              run_as: pod_security.RunAs | None = None, options: PodOptions | None = None,
              annotations: dict[str, str] | None = None) -> T:
        """The pod template object for this location: `containers`, `volumes` and, with `run_as`, the
        restricted pod security context; with `options`, their labels and annotations, scheduling (node selector,
        tolerations, affinity), image pull secrets and volumes (the main container's mounts of them are the
        caller's, `mounts`); `annotations` of the platform's own (metrics), over the options' ones."""
        spec: dict[str, Any] = {"containers": [self._container(c) for c in containers]}
        pod_volumes = [self._volume(v) for v in volumes or []]
        metadata = None
        if options is not None:
            pod_volumes += [self._pod_volume(v) for v in options.volumes]
            if options.node_selector:
                spec["node_selector"] = dict(options.node_selector)
            if options.tolerations:
                spec["tolerations"] = [self.cls("SpecTolerations")(
                    key=t.key, operator=t.operator, value=t.value, effect=t.effect,
                    toleration_seconds=t.toleration_seconds) for t in options.tolerations]
            if options.affinity:
                spec["affinity"] = self.typed("SpecAffinity", options.affinity)
            if options.image_pull_secrets:
                spec["image_pull_secrets"] = [self.cls("SpecImagePullSecrets")(name=n) for n in options.image_pull_secrets]
            user = options.run_as or pod_security.FLINK
            spec["containers"] += [self._extra_container("SpecContainers", c, user) for c in options.sidecars]
            if options.init_containers:
                spec["init_containers"] = [self._extra_container("SpecInitContainers", c, user)
                                           for c in options.init_containers]
        labels = dict(options.labels) if options is not None else {}
        pod_annotations = {**(options.annotations if options is not None else {}), **(annotations or {})}
        if labels or pod_annotations:
            metadata = self.cls("Metadata")(labels=labels or None, annotations=pod_annotations or None)
        if pod_volumes:
            spec["volumes"] = pod_volumes
        if run_as:
            spec["security_context"] = pod_security.pod_security_context_props(run_as)
        return self.template(metadata=metadata, spec=self.cls("Spec")(**spec))  # type: ignore[call-arg]

    def typed(self, suffix: str, value: Any) -> Any:
        """`value`, a Kubernetes object in its API form (camelCase), as the generated classes beneath `suffix`
        (`cdk8s import` names a nested class after its field path: `SpecAffinityNodeAffinity...`); maps without a
        class of their own (e.g. `matchLabels`) stay dicts."""
        if isinstance(value, list):
            return [self.typed(suffix, item) for item in value]
        found = getattr(flink_binding, f"{self.prefix}{suffix}", None)
        if not isinstance(value, dict) or found is None:
            return value
        return found(**{snake(key): self.typed(suffix + key[0].upper() + key[1:], item) for key, item in value.items()})

    def _extra_container(self, base: str, c: Container, run_as: pod_security.RunAs) -> Any:
        """A sidecar or init container at `base` (`SpecContainers`, `SpecInitContainers`), with the Flink containers'
        security context (`run_as`: the pod's user)."""
        props: dict[str, Any] = {"name": c.name, "image": c.image,
                                 "security_context": pod_security.container_security_context_props(run_as)}
        if c.command:
            props["command"] = list(c.command)
        if c.args:
            props["args"] = list(c.args)
        if c.env:
            props["env"] = env.render(c.env, self.cls(f"{base}Env"))
        if c.mounts:
            props["volume_mounts"] = [self.cls(f"{base}VolumeMounts")(name=m.name, mount_path=m.mount_path,
                                                                     read_only=m.read_only or None) for m in c.mounts]
        if c.restart_policy:
            props["restart_policy"] = c.restart_policy
        if c.resources:
            props["resources"] = self.cls(f"{base}Resources")(**{
                kind: {name: self.cls(f"{base}Resources{kind.capitalize()}").from_string(value)  # type: ignore[attr-defined]
                       for name, value in values.items()}
                for kind, values in c.resources.to_k8s().items()})
        return self.cls(base)(**props)

    def _pod_volume(self, v: PodVolume) -> Any:
        source: dict[str, Any] = {}
        if v.secret:
            source["secret"] = self.cls("SpecVolumesSecret")(secret_name=v.secret)
        if v.config_map:
            source["config_map"] = self.cls("SpecVolumesConfigMap")(name=v.config_map)
        if v.persistent_volume_claim:
            source["persistent_volume_claim"] = self.cls("SpecVolumesPersistentVolumeClaim")(
                claim_name=v.persistent_volume_claim)
        if v.empty_dir:
            source["empty_dir"] = self.cls("SpecVolumesEmptyDir")(
                medium=v.medium, size_limit=self.cls("SpecVolumesEmptyDirSizeLimit").from_string(  # type: ignore[attr-defined]
                    v.size_limit)
                if v.size_limit else None)
        return self.cls("SpecVolumes")(name=v.name, **source)

    def _volume(self, v: VolumeSpec) -> Any:
        sources = [self.cls("SpecVolumesProjectedSources")(
            config_map=self.cls("SpecVolumesProjectedSourcesConfigMap")(name=c)) for c in v.config_maps]
        return self.cls("SpecVolumes")(name=v.name, projected=self.cls("SpecVolumesProjected")(sources=sources))

    def _container(self, c: ContainerSpec) -> Any:
        base = "SpecContainers"
        props: dict[str, Any] = {"name": c.name}
        if c.env:
            props["env"] = env.render(c.env, self.cls(f"{base}Env"))
        if c.mounts:
            props["volume_mounts"] = [
                self.cls(f"{base}VolumeMounts")(name=m.volume, mount_path=m.path, read_only=m.read_only or None)
                for m in c.mounts
            ]
        if c.ports:
            props["ports"] = [self.cls(f"{base}Ports")(name=name, container_port=number, protocol="TCP")
                              for name, number in c.ports]
        if c.run_as:
            props["security_context"] = pod_security.container_security_context_props(c.run_as)
        return self.cls(base)(**props)
