"""`flinkOperator` and `sparkOperator`: how the platform installs the two operators (the upstream Helm
charts' common values, as typed settings)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from config.common import Image, KubernetesName, Resources
from config.declaration import section, setting
from config.loading import Problem, undeclared

if TYPE_CHECKING:
    from config.environment import EnvironmentConfig


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



def problems(config: EnvironmentConfig) -> Iterator[Problem]:
    """Operators watch namespaces the platform creates, including the ones their resources live in."""
    fo, so, ns = config.flink_operator, config.spark_operator, config.namespaces
    platform_namespaces = {ns.polaris, ns.fluss, ns.flink, ns.spark, ns.flink_operator, ns.spark_operator}
    for index, team in enumerate(config.flink.team_namespaces):
        if team.name in platform_namespaces or (config.object_store.type == "in-cluster"
                                                and team.name == ns.object_store):
            yield Problem(f"flink.teamNamespaces[{index}].name",
                          f"'{team.name}' is a platform namespace (namespaces.*); a team namespace is another one")
    flink_namespaces = platform_namespaces | {team.name for team in config.flink.team_namespaces}
    if fo.enabled and fo.replicas > 1 and not fo.leader_election:
        yield Problem("flinkOperator.replicas", f"{fo.replicas} replicas need flinkOperator.leaderElection: true "
                                                "(without it two operators reconcile the same resources)")
    def not_created(known: set[str]) -> str:
        return f"'{{name}}' is not a namespace the platform renders into (expected one of: {', '.join(sorted(known))})"

    yield from undeclared("flinkOperator.watchNamespaces", fo.watch_namespaces, flink_namespaces,
                          not_created(flink_namespaces))
    if fo.enabled and ns.flink not in fo.watch_namespaces and fo.watch_namespaces:
        yield Problem("flinkOperator.watchNamespaces",
                      f"must include '{ns.flink}', where the session cluster and its jobs live")
    if fo.enabled and fo.watch_namespaces:
        for used in config.flink.used_team_namespaces():
            if used not in fo.watch_namespaces:
                yield Problem("flinkOperator.watchNamespaces",
                              f"must include '{used}', the team namespace of flink.deployments entries (else the "
                              "operator never sees them)")
    yield from undeclared("sparkOperator.jobNamespaces", so.job_namespaces, platform_namespaces,
                          not_created(platform_namespaces))
    if so.enabled and ns.spark not in so.job_namespaces:
        yield Problem("sparkOperator.jobNamespaces", f"must include '{ns.spark}', where the SparkApplications run")
    if so.enabled and not so.webhook and config.spark.applications:
        yield Problem("sparkOperator.webhook", "false, but spark.applications need it: the Spark operator applies the "
                                               "platform's restricted security contexts and the Secret-backed env vars "
                                               "(catalog credential, S3 keys) to driver and executor pods in its "
                                               "mutating webhook; without it the namespace's restricted Pod Security "
                                               "admission refuses the pods, and they would miss the credential")
    if fo.enabled and fo.webhook and config.cert_manager.mode == "none":
        yield Problem("flinkOperator.webhook", "the webhook needs cert-manager for its certificate; set "
                                               "certManager.mode to include or assume-present, or flinkOperator.webhook: false")
