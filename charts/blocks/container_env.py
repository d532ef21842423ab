"""Container environment variables as plain values, rendered into core objects or custom resources.

An `Env` is a literal (never a credential), a `SecretKeyRef` or a downward-API field. `props()` gives snake_case
keyword arguments, accepted alike by `cdk8s_plus_27.k8s.EnvVar` and by the generated bindings' env
classes (`FlinkDeploymentSpecPodTemplateSpecContainersEnv`, `SparkApplicationSpecDriverEnv`, ...).
Lists handed to the generated bindings must hold their typed instances: a plain dict inside a list
is not converted and its snake_case keys would be lost.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from cdk8s_plus_27 import k8s

from charts.blocks.secrets import SecretKeyRef

T = TypeVar("T")


@dataclass(frozen=True)
class ConfigMapKeyRef:
    """Key `key` of ConfigMap `name`."""

    name: str
    key: str


@dataclass(frozen=True)
class Env:
    """One env var: `value` (a non-secret literal), `secret` (a Secret key), `config_map` (a ConfigMap key) or
    `field_path` (downward API)."""

    name: str
    value: str | None = None
    secret: SecretKeyRef | None = None
    field_path: str | None = None
    config_map: ConfigMapKeyRef | None = None

    def props(self) -> dict[str, Any]:
        """Keyword arguments for an EnvVar class."""
        if self.config_map is not None:
            return {"name": self.name,
                    "value_from": {"config_map_key_ref": {"name": self.config_map.name, "key": self.config_map.key}}}
        if self.secret is not None:
            return {"name": self.name, "value_from": {"secret_key_ref": {"name": self.secret.name, "key": self.secret.key}}}
        if self.field_path is not None:
            return {"name": self.name, "value_from": {"field_ref": {"field_path": self.field_path}}}
        return {"name": self.name, "value": self.value}


def render(envs: Iterable[Env], cls: Callable[..., T]) -> list[T]:
    """Instances of the binding class `cls` (e.g. `k8s.EnvVar`) for `envs`, in order."""
    return [cls(**env.props()) for env in envs]


def core(envs: Iterable[Env]) -> list[k8s.EnvVar]:
    """`envs` as core `EnvVar`s."""
    return render(envs, k8s.EnvVar)
