"""`flinkOperator` and `sparkOperator`: how the platform installs the two operators (the upstream Helm
charts' common values, as typed settings)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from config.common import Image, KubernetesName, Resources
from config.declaration import section, setting


@section
class FlinkOperatorConfig:
    """Flink Kubernetes Operator install options (the upstream chart's common values)."""

    GROUPS: ClassVar[Mapping[str, Mapping[str, Any]]] = {
        "keystorePassword": {"description": "Secret key with the webhook keystore password (cert-manager writes a PKCS#12 keystore with it).", "default": {}},
    }
    enabled: bool = setting(True)
    """Install the operator."""

    image: Image = setting("flink-s3-k8s-operator:0.1.0")
    """Operator image; the reference uses one with the S3 filesystem plugin so jarURI: s3://... works."""

    replicas: int = setting(1, minimum=1)
    """Operator replicas; more than 1 requires leaderElection."""

    leader_election: bool = setting(False)
    """kubernetes.operator.leader-election.enabled (Lease in the operator namespace)."""

    watch_namespaces: tuple[str, ...] = setting(
        ["flink"],
        items={"type": "string", "pattern": "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", "maxLength": 63, "x-error": "is not a Kubernetes name (lower-case letters, digits and '-', at most 63 characters)", "description": "A namespace name."})
    """Namespaces the operator watches; RBAC is then per namespace. Empty: all namespaces (cluster-scoped RBAC)."""

    webhook: bool = setting(True)
    """Validating/mutating admission webhook (needs cert-manager)."""

    metrics_port: int | None = setting(9999, minimum=1, maximum=65535)
    """Prometheus metrics reporter port of the operator (kubernetes.operator.metrics.reporter.prom.port); null disables
    it.
    """

    reconcile_interval: str = setting(
        "15 s", pattern="^[0-9]+ ?(ms|s|min|h|d)$", error="is not a Flink duration (e.g. 15 s, 1 min)")
    """kubernetes.operator.reconcile.interval."""

    progress_check_interval: str = setting(
        "5 s", pattern="^[0-9]+ ?(ms|s|min|h|d)$", error="is not a Flink duration (e.g. 5 s)")
    """kubernetes.operator.observer.progress-check.interval."""

    keystore_secret: KubernetesName = setting("flink-operator-webhook-secret", key="keystorePassword.secretName")
    """Secret name (in the operator namespace)."""

    keystore_key: str = setting("password", key="keystorePassword.key")
    """Key."""

    resources: Resources = setting({"requests": {"cpu": "250m", "memory": "512Mi"}, "limits": {"memory": "1Gi"}})
    """Operator container resources."""

    webhook_resources: Resources = setting(
        {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}})
    """Webhook container resources."""


@section
class SparkOperatorConfig:
    """Kubeflow Spark operator install options (the upstream chart's common values)."""

    enabled: bool = setting(True)
    """Install the operator."""

    image: Image = setting("ghcr.io/kubeflow/spark-operator/controller:2.5.2")
    """Controller and webhook image."""

    job_namespaces: tuple[str, ...] = setting(
        ["spark"],
        items={"type": "string", "pattern": "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", "maxLength": 63, "x-error": "is not a Kubernetes name (lower-case letters, digits and '-', at most 63 characters)", "description": "A namespace name."})
    """Namespaces where SparkApplications run (spark.jobNamespaces)."""

    controller_replicas: int = setting(1, minimum=1)
    """Controller replicas (leader election is always on)."""

    controller_threads: int = setting(10, minimum=1)
    """controller.workers."""

    webhook: bool = setting(True)
    """Mutating/validating webhook (self-managed certificates)."""

    webhook_replicas: int = setting(1, minimum=1)
    """Webhook replicas."""

    metrics_port: int | None = setting(8080, minimum=1, maximum=65535)
    """Prometheus metrics port; null disables metrics."""

    resources: Resources = setting({"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}})
    """Controller and webhook container resources."""
