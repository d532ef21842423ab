"""`flink.jobs`, `flink.snapshots` and the job of an application cluster: the operator's job spec, the job
autoscaler and FlinkStateSnapshots (Flink Kubernetes Operator 1.14 custom resources:
https://nightlies.apache.org/flink/flink-kubernetes-operator-docs-release-1.14/docs/custom-resource/reference/)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar, Literal

from config.common import (
    KubernetesName,
    object_metadata_problems,
)
from config.declaration import section, setting, value_type
from config.flink_settings import Autoscaler, JobSpec
from config.loading import Problem


@value_type
class SessionJobConfig(JobSpec):
    """A FlinkSessionJob submitted to the session cluster
    (https://nightlies.apache.org/flink/flink-kubernetes-operator-docs-release-1.14/docs/custom-resource/reference/#jobspec).
    """

    DEFINITION: ClassVar[str] = "sessionJob"

    name: KubernetesName = setting()
    """FlinkSessionJob name."""

    labels: dict[str, str] = setting({})
    """Labels of the FlinkSessionJob itself (not of its pods: podOptions.labels); the platform's own
    (app.kubernetes.io/*, lakehouse.dev/*) are refused.
    """

    annotations: dict[str, str] = setting({})
    """Annotations of the FlinkSessionJob itself (not of its pods: podOptions.annotations); the platform's own
    (argocd.argoproj.io/*, lakehouse.dev/*) are refused.
    """

    session_cluster: str | None = setting(None)
    """The session cluster the job runs on: flink.sessionCluster.name or the name of a flink.deployments entry without
    job. Null: the platform's session cluster.
    """

    autoscaler: Autoscaler = setting({})
    """The job autoscaler of this session job (its flinkConfiguration, over its cluster's)."""

    def problems(self) -> Iterator[Problem]:
        """The job spec's problems (`JobSpec.problems`); no label or annotation the platform sets itself."""
        yield from super().problems()
        yield from object_metadata_problems(self.labels, self.annotations)


@section
class StateSnapshotConfig:
    """A FlinkStateSnapshot: one savepoint or checkpoint of a job, taken when the object is created
    (https://nightlies.apache.org/flink/flink-kubernetes-operator-docs-release-1.14/docs/custom-resource/snapshots/).
    """

    DEFINITION: ClassVar[str] = "stateSnapshot"

    name: str = setting(
        pattern="^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", max_length=253,
        error="is not a Kubernetes object name (a DNS-1123 subdomain)")
    """FlinkStateSnapshot name."""

    job: str = setting()
    """The job: the name of a flink.deployments application cluster or of a flink.jobs session job (or the tiering
    job).
    """

    kind: Literal["savepoint", "checkpoint"] = setting("savepoint")
    """savepoint (portable, for upgrades and migrations) or checkpoint."""

    path: str | None = setting(None)
    """Savepoint target directory (null: the cluster's savepoint directory); with alreadyExists, the existing
    savepoint.
    """

    already_exists: bool = setting(False)
    """Register an existing savepoint at path instead of taking one."""

    format_type: Literal["CANONICAL", "NATIVE"] | None = setting(None)
    """Savepoint format: CANONICAL (portable) or NATIVE (faster, specific to the state backend); null: the operator's
    default.
    """

    dispose_on_delete: bool = setting(False)
    """Delete the savepoint files when the object is deleted (the operator's default is true; the platform's is false,
    so removing the object from Git never deletes state).
    """

    backoff_limit: int | None = setting(None, minimum=0)
    """Retries of a failed snapshot; null: the operator's default."""

    def problems(self) -> Iterator[Problem]:
        """Savepoint settings only on savepoints; a registered savepoint has a path."""
        if self.kind == "checkpoint":
            for key, value in (("path", self.path), ("alreadyExists", self.already_exists or None),
                               ("formatType", self.format_type), ("disposeOnDelete", self.dispose_on_delete or None)):
                if value is not None:
                    yield Problem(key, "applies to savepoints only (kind: savepoint)")
        if self.already_exists and not self.path:
            yield Problem("path", "required with alreadyExists: the savepoint to register")
