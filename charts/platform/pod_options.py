"""`podOptions` sections as `PodOptions` (shared by every component whose pods take options)."""

from __future__ import annotations

from charts.blocks.container_env import ConfigMapKeyRef, Env
from charts.blocks.pod_options import ExtraContainer, PodOptions, PodVolume
from charts.blocks.pod_security import RunAs
from charts.blocks.secrets import SecretKeyRef
from config.pod_options import ContainerConfig, EnvVarConfig, PodOptionsConfig


def pod_options(options: PodOptionsConfig) -> PodOptions:
    """The props of a `podOptions` section (checked by the configuration: one source per env var and volume,
    no reserved label)."""
    return PodOptions(
        labels=dict(options.labels), annotations=dict(options.annotations), node_selector=dict(options.node_selector),
        tolerations=options.tolerations,
        affinity=options.affinity, image_pull_secrets=options.image_pull_secrets,
        env=tuple(_env(e) for e in options.env),
        volumes=tuple(PodVolume(name=v.name, mount_path=v.mount_path, read_only=v.read_only, secret=v.secret,
                                config_map=v.config_map, persistent_volume_claim=v.persistent_volume_claim,
                                empty_dir=v.empty_dir, medium=v.medium, size_limit=v.size_limit)
                      for v in options.volumes),
        sidecars=tuple(_container(c) for c in options.sidecars),
        init_containers=tuple(_container(c) for c in options.init_containers),
        run_as=RunAs(uid=options.run_as.user, gid=options.run_as.group, fs_group=options.run_as.fs_group,
                     exception=options.run_as.exception) if options.run_as else None)


def _container(container: ContainerConfig) -> ExtraContainer:
    return ExtraContainer(name=container.name, image=container.image, command=container.command, args=container.args,
                     env=tuple(_env(e) for e in container.env),
                     mounts=container.volume_mounts,
                     resources=container.resources, restart_policy=container.restart_policy)


def _env(variable: EnvVarConfig) -> Env:
    secret, config_map = variable.secret_key_ref, variable.config_map_key_ref
    return Env(variable.name, value=variable.value,
               secret=SecretKeyRef(secret.name, secret.key) if secret else None,
               config_map=ConfigMapKeyRef(config_map.name, config_map.key) if config_map else None)
