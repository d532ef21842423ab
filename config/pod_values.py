"""The value types of pod options that the configuration and the building blocks share: a toleration and a volume
mount (`podOptions.tolerations[]`, `logs.tolerations[]`, a sidecar's `volumeMounts[]`; `charts.blocks.pod_options`,
`charts.karpenter`, the Fluent Bit DaemonSet and sidecar). Each is declared once with `setting(default=...)`: the
Python default is also the file default."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar, Literal

from config.declaration import setting, value_type
from config.loading import Problem, camel
from upstream.api_formats import toleration_problems


@value_type
class Toleration:
    """A Kubernetes Toleration."""

    SCHEMA: ClassVar[Mapping[str, Any]] = {"description": "A Kubernetes Toleration."}

    key: str | None = setting(default=None)
    """Taint key; null with operator Exists tolerates every taint."""

    operator: Literal["Equal", "Exists"] = setting(default="Equal")
    """Equal (key and value) or Exists (key only)."""

    value: str | None = setting(default=None)
    """Taint value (with Equal)."""

    effect: Literal["NoSchedule", "PreferNoSchedule", "NoExecute"] | None = setting(default=None)
    """Taint effect; null: every effect."""

    toleration_seconds: int | None = setting(default=None)
    """How long a NoExecute taint is tolerated (seconds)."""

    def problems(self) -> Iterator[Problem]:
        """What the API server refuses in a Toleration (`upstream.api_formats.toleration_problems`)."""
        for field, message in toleration_problems(self.key, self.operator, self.value, self.effect,
                                                  self.toleration_seconds):
            yield Problem(camel(field), message)


@value_type
class VolumeMount:
    """A mount of one of the pod options' volumes in a sidecar or init container."""

    SCHEMA: ClassVar[Mapping[str, Any]] = {"description": "A mount."}

    name: str = setting()
    """A volume of the same podOptions."""

    mount_path: str = setting(pattern="^/", error="is not an absolute path")
    """Where."""

    read_only: bool = setting(default=False)
    """Read-only."""
