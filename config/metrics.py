"""`metrics`: the platform's metrics defaults (Flink's Prometheus reporter on job pods, scrape annotations, Datadog
autodiscovery), and their per-cluster overrides (`flink.deployments[].metrics`).

Upstream: Flink 1.20 `PrometheusReporterFactory` (`metrics.reporter.<name>.factory.class`, `port`, default `9249`, a
port or a range of which the reporter binds the first free one); the Flink ports of native Kubernetes pods
(`org.apache.flink.kubernetes.utils.Constants`: rest 8081, jobmanager-rpc 6123, blobserver 6124, taskmanager-rpc
6122); Datadog autodiscovery annotations (https://docs.datadoghq.com/containers/kubernetes/prometheus/).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar, Literal

from config.declaration import section, setting
from config.flink_rules import metrics_port_problem
from config.loading import Problem


@section
class PrometheusConfig:
    """Flink's Prometheus reporter on the JobManager and TaskManager pods of every FlinkDeployment."""

    enabled: bool = setting(False)
    """Run the reporter (metrics.reporter.prom.factory.class:
    org.apache.flink.metrics.prometheus.PrometheusReporterFactory) and declare its port, named metrics, on
    flink-main-container of both roles.
    """

    port: int = setting(9249, minimum=1, maximum=65535)
    """The reporter's port (metrics.reporter.prom.port): one port, since each Flink process has a pod of its own."""


@section
class DatadogTargetConfig:
    """The Datadog OpenMetrics check of one kind of pod."""

    DEFINITION: ClassVar[str] = "datadogTarget"

    namespace: str = setting(
        pattern="^[a-z][a-z0-9_]*$",
        error="is not a Datadog metric namespace (lower-case letters, digits and '_', starting with a letter)")
    """Datadog metric namespace (the check's namespace: a prefix of every metric name in Datadog)."""

    metrics: tuple[str, ...] = setting(
        min_items=1,
        items={"type": "string", "minLength": 1, "description": "A Prometheus metric name or a regular expression."})
    """Allow-list: the Prometheus metric names (regular expressions) the check collects; everything else is dropped."""


@section
class DatadogConfig:
    """Datadog autodiscovery annotations: an openmetrics check of the pod's Prometheus endpoint."""

    enabled: bool = setting(False)
    """Annotate the pods with a Prometheus endpoint (Flink pods with the reporter, the operators with a metricsPort)."""

    annotation_form: Literal["checks", "legacy"] = setting("checks")
    """checks: ad.datadoghq.com/<container>.checks (Agent 7.36+); legacy: the older
    ad.datadoghq.com/<container>.check_names, .init_configs and .instances.
    """

    tags: dict[str, str] = setting({}, property_names={"pattern": "^[a-zA-Z][a-zA-Z0-9_.\\-/]*$"})
    """Tags added to every metric of the check, as key: value (env:<environment> is always added)."""

    flink: DatadogTargetConfig = setting(
        {"namespace": "flink", "metrics": ["flink_jobmanager_.*", "flink_taskmanager_.*"]})
    """The Flink JobManager and TaskManager pods."""

    flink_operator: DatadogTargetConfig = setting({"namespace": "flink_operator", "metrics": [".*"]})
    """The Flink operator pod."""

    spark_operator: DatadogTargetConfig = setting({"namespace": "spark_operator", "metrics": [".*"]})
    """The Spark operator controller and webhook pods."""

    def problems(self) -> Iterator[Problem]:
        """`env` is the environment's name."""
        if "env" in self.tags:
            yield Problem("tags.env", "is set from the environment name (env:<environment>); remove it")


@section
class MetricsConfig:
    """Metrics of the platform's pods: Flink's Prometheus reporter, scrape annotations, Datadog autodiscovery."""

    prometheus: PrometheusConfig = setting({})
    """Flink's Prometheus reporter (the operators' ports are flinkOperator.metricsPort and sparkOperator.metricsPort).
    """

    scrape: Literal["annotations", "none"] = setting("annotations")
    """annotations: prometheus.io/scrape, prometheus.io/port and prometheus.io/path on every pod with a Prometheus
    endpoint (Flink pods with the reporter, the operators with a metricsPort); none: no scrape annotations. A
    PodMonitor is not rendered (no Prometheus Operator CRD is pinned).
    """

    datadog: DatadogConfig = setting({})
    """Datadog OpenMetrics autodiscovery annotations."""

    def problems(self) -> Iterator[Problem]:
        """The reporter's port is not one of Flink's own."""
        if problem := metrics_port_problem(self.prometheus.port):
            yield Problem("prometheus.port", problem.message)


@section
class PrometheusOverrideConfig:
    """A cluster's Prometheus reporter; null fields: metrics.prometheus."""

    enabled: bool | None = setting(None)
    """Run the reporter on this cluster's pods; null: metrics.prometheus.enabled."""

    port: int | None = setting(None, minimum=1, maximum=65535)
    """The reporter's port; null: metrics.prometheus.port."""


@section
class DatadogOverrideConfig:
    """A cluster's Datadog check; null fields: metrics.datadog."""

    enabled: bool | None = setting(None)
    """Annotate this cluster's pods; null: metrics.datadog.enabled."""

    metrics: tuple[str, ...] | None = setting(
        None, min_items=1,
        items={"type": "string", "minLength": 1, "description": "A Prometheus metric name or a regular expression."})
    """Allow-list of this cluster (replaces metrics.datadog.flink.metrics); null: that list."""

    tags: dict[str, str] = setting({}, property_names={"pattern": "^[a-zA-Z][a-zA-Z0-9_.\\-/]*$"})
    """Tags added to metrics.datadog.tags for this cluster (its values win)."""

    def problems(self) -> Iterator[Problem]:
        """`env` is the environment's name."""
        if "env" in self.tags:
            yield Problem("tags.env", "is set from the environment name (env:<environment>); remove it")


@section
class MetricsOverrideConfig:
    """Metrics of one cluster, over the platform's metrics section; null fields keep the platform's."""

    prometheus: PrometheusOverrideConfig = setting({})
    """The cluster's Prometheus reporter."""

    scrape: Literal["annotations", "none"] | None = setting(None)
    """Scrape annotations on this cluster's pods; null: metrics.scrape."""

    datadog: DatadogOverrideConfig = setting({})
    """The cluster's Datadog check."""

    def problems(self) -> Iterator[Problem]:
        """The reporter's port is not one of Flink's own."""
        if problem := metrics_port_problem(self.prometheus.port):
            yield Problem("prometheus.port", problem.message)


@dataclass(frozen=True)
class FlinkMetrics:
    """The metrics of one Flink cluster, platform defaults and its override resolved: `port` of the reporter (None:
    no reporter), `scrape` annotations, Datadog `datadog_metrics` allow-list and `datadog_tags` (None: no Datadog
    annotations)."""

    port: int | None
    scrape: bool
    datadog_metrics: tuple[str, ...] | None
    datadog_tags: dict[str, str]


def flink_metrics(metrics: MetricsConfig, override: MetricsOverrideConfig | None) -> FlinkMetrics:
    """The effective metrics of a Flink cluster: `override`'s set fields over `metrics` (tags merged)."""
    prometheus, datadog = metrics.prometheus, metrics.datadog
    enabled = prometheus.enabled
    port, scrape, dd_enabled, allow, tags = (prometheus.port, metrics.scrape, datadog.enabled, datadog.flink.metrics,
                                             dict(datadog.tags))
    if override is not None:
        enabled = prometheus.enabled if override.prometheus.enabled is None else override.prometheus.enabled
        port = override.prometheus.port or port
        scrape = override.scrape or scrape
        dd_enabled = datadog.enabled if override.datadog.enabled is None else override.datadog.enabled
        allow = override.datadog.metrics if override.datadog.metrics is not None else allow
        tags.update(override.datadog.tags)
    return FlinkMetrics(port=port if enabled else None, scrape=enabled and scrape == "annotations",
                        datadog_metrics=allow if enabled and dd_enabled else None, datadog_tags=tags)
