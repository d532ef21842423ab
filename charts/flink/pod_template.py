"""Pod templates inside custom resources, built with the generated bindings' typed classes.

`ContainerSpec`, `Mount` and `VolumeSpec` describe a container or volume once; they render into a custom
resource's pod template (`PodTemplateClasses`) or into a core pod (`to_core`). The Flink operator's CRD gives each pod-template location its own generated classes
(`FlinkDeploymentSpecPodTemplateSpecContainers`, `FlinkDeploymentSpecJobManagerPodTemplateSpecContainers`, ...).
`PodTemplateClasses` finds them by location prefix so that one builder serves every location. Lists
must hold typed instances (a plain dict in a list would silently lose its snake_case keys).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cdk8s_plus_27 import k8s

import imports.flink.org.apache.flink as flink_binding
from charts.blocks import container_env as env
from charts.blocks import pod_security
from charts.blocks.workloads import empty_dir, resources
from config import Resources


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
    """A container inside a pod template. `image`/`command` None for the operator-managed main container."""

    name: str
    image: str | None = None
    command: list[str] | None = None
    env: list[env.Env] = field(default_factory=list)
    mounts: list[Mount] = field(default_factory=list)
    resources: Resources | None = None
    run_as: pod_security.RunAs | None = None

    def to_core(self) -> k8s.Container:
        """As a core `Container` (for Deployments and the like)."""
        return k8s.Container(
            name=self.name,
            image=self.image,
            command=self.command,
            env=env.core(self.env) or None,
            resources=resources(self.resources.to_k8s()) if self.resources else None,
            security_context=pod_security.container_security_context(self.run_as) if self.run_as else None,
            volume_mounts=[m.to_core() for m in self.mounts] or None,
        )


@dataclass(frozen=True)
class VolumeSpec:
    """A pod volume: the ConfigMaps `config_maps` projected into one directory (every key a file), or an
    emptyDir when there are none."""

    name: str
    config_maps: tuple[str, ...] = ()

    def to_core(self) -> k8s.Volume:
        """As a core `Volume`."""
        if not self.config_maps:
            return empty_dir(self.name)
        return k8s.Volume(name=self.name, projected=k8s.ProjectedVolumeSource(
            sources=[k8s.VolumeProjection(config_map=k8s.ConfigMapProjection(name=c)) for c in self.config_maps]))


class PodTemplateClasses:
    """The generated classes under one pod-template location, e.g. `FlinkDeploymentSpecJobManagerPodTemplate`."""

    def __init__(self, prefix: str):
        self.prefix = prefix

    def cls(self, suffix: str) -> Any:
        """The generated class `<prefix><suffix>`."""
        return getattr(flink_binding, f"{self.prefix}{suffix}")

    def build(self, *, containers: list[ContainerSpec], init_containers: list[ContainerSpec] | None = None,
              volumes: list[VolumeSpec] | None = None, run_as: pod_security.RunAs | None = None) -> Any:
        """The pod template object for this location."""
        spec: dict[str, Any] = {"containers": [self._container("Containers", c) for c in containers]}
        if init_containers:
            spec["init_containers"] = [self._container("InitContainers", c) for c in init_containers]
        if volumes:
            spec["volumes"] = [self._volume(v) for v in volumes]
        if run_as:
            spec["security_context"] = pod_security.pod_security_context_props(run_as)
        return self.cls("")(spec=self.cls("Spec")(**spec))

    def _volume(self, v: VolumeSpec) -> Any:
        if not v.config_maps:
            return self.cls("SpecVolumes")(name=v.name, empty_dir={})
        sources = [self.cls("SpecVolumesProjectedSources")(
            config_map=self.cls("SpecVolumesProjectedSourcesConfigMap")(name=c)) for c in v.config_maps]
        return self.cls("SpecVolumes")(name=v.name, projected=self.cls("SpecVolumesProjected")(sources=sources))

    def _container(self, kind: str, c: ContainerSpec) -> Any:
        base = f"Spec{kind}"
        props: dict[str, Any] = {"name": c.name}
        if c.image:
            props["image"] = c.image
        if c.command:
            props["command"] = c.command
        if c.env:
            props["env"] = env.render(c.env, self.cls(f"{base}Env"))
        if c.mounts:
            props["volume_mounts"] = [
                self.cls(f"{base}VolumeMounts")(name=m.volume, mount_path=m.path, read_only=m.read_only or None)
                for m in c.mounts
            ]
        if c.resources:
            quantities = c.resources.to_k8s()
            props["resources"] = self.cls(f"{base}Resources")(**{
                kind_: {k: self.cls(f"{base}Resources{kind_.capitalize()}").from_string(v) for k, v in values.items()}
                for kind_, values in quantities.items()
            })
        if c.run_as:
            props["security_context"] = pod_security.container_security_context_props(c.run_as)
        return self.cls(base)(**props)
