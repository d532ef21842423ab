"""`flink.jobs`, `flink.snapshots` and the job of an application cluster: the operator's job spec, the job
autoscaler and FlinkStateSnapshots (Flink Kubernetes Operator 1.14 custom resources:
https://nightlies.apache.org/flink/flink-kubernetes-operator-docs-release-1.14/docs/custom-resource/reference/)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from config.common import (
    KubernetesName,
    object_metadata_problems,
)
from config.declaration import setting, value_type
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
