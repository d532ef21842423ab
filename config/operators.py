"""`flinkOperator` and `sparkOperator`: how the platform installs the two operators (the upstream Helm
charts' common values, as typed settings)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from config.common import Resources
from config.loading import Problem, undeclared

if TYPE_CHECKING:
    from config.environment import EnvironmentConfig


@dataclass(frozen=True)
class FlinkOperatorConfig:
    """Flink Kubernetes Operator install options (the upstream chart's common values)."""

    enabled: bool
    """Install the operator. Default: `true`."""

    image: str
    """Operator image; the reference uses one with the S3 filesystem plugin so jarURI: s3://... works. Default:
    `"flink-s3-k8s-operator:0.1.0"`.
    """

    replicas: int
    """Operator replicas; more than 1 requires leaderElection. Default: `1`."""

    leader_election: bool
    """kubernetes.operator.leader-election.enabled (Lease in the operator namespace). Default: `false`."""

    watch_namespaces: tuple[str, ...]
    """Namespaces the operator watches; RBAC is then per namespace. Empty: all namespaces (cluster-scoped RBAC).
    Default: `["flink"]`.
    """

    webhook: bool
    """Validating/mutating admission webhook (needs cert-manager). Default: `true`."""

    metrics_port: int | None
    """Prometheus metrics reporter port of the operator (kubernetes.operator.metrics.reporter.prom.port); null disables
    it. Default: `9999`.
    """

    reconcile_interval: str
    """kubernetes.operator.reconcile.interval. Default: `"15 s"`."""

    progress_check_interval: str
    """kubernetes.operator.observer.progress-check.interval. Default: `"5 s"`."""

    keystore_secret: str = field(metadata={"key": "keystorePassword.secretName"})
    """Secret name (in the operator namespace). Default: `"flink-operator-webhook-secret"`."""

    keystore_key: str = field(metadata={"key": "keystorePassword.key"})
    """Key. Default: `"password"`."""

    resources: Resources
    """Operator container resources. Default: `{"requests": {"cpu": "250m", "memory": "512Mi"}, "limits": {"memory":
    "1Gi"}}`.
    """

    webhook_resources: Resources
    """Webhook container resources. Default: `{"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"memory":
    "512Mi"}}`.
    """


@dataclass(frozen=True)
class SparkOperatorConfig:
    """Kubeflow Spark operator install options (the upstream chart's common values)."""

    enabled: bool
    """Install the operator. Default: `true`."""

    image: str
    """Controller and webhook image. Default: `"ghcr.io/kubeflow/spark-operator/controller:2.5.2"`."""

    job_namespaces: tuple[str, ...]
    """Namespaces where SparkApplications run (spark.jobNamespaces). Default: `["spark"]`."""

    controller_replicas: int
    """Controller replicas (leader election is always on). Default: `1`."""

    controller_threads: int
    """controller.workers. Default: `10`."""

    webhook: bool
    """Mutating/validating webhook (self-managed certificates). Default: `true`."""

    webhook_replicas: int
    """Webhook replicas. Default: `1`."""

    metrics_port: int | None
    """Prometheus metrics port; null disables metrics. Default: `8080`."""

    resources: Resources
    """Controller and webhook container resources. Default: `{"requests": {"cpu": "100m", "memory": "256Mi"}, "limits":
    {"memory": "512Mi"}}`.
    """



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
