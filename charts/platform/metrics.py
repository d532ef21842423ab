"""The `metrics` section (and a cluster's `metrics` override) as the components' metrics props: Flink's
Prometheus reporter with its annotations (`MetricsProps`), and the annotations of the operators' metrics ports."""

from __future__ import annotations

from charts.flink.settings import MetricsProps
from config import EnvironmentConfig
from config.metrics import DatadogTargetConfig, MetricsOverrideConfig, flink_metrics
from upstream.metrics_annotations import DatadogCheck, MetricsAnnotations, datadog_tags


def flink_metrics_props(config: EnvironmentConfig, override: MetricsOverrideConfig | None) -> MetricsProps | None:
    """A Flink cluster's reporter and annotations: the `metrics` section with the cluster's `override` (None: the
    platform's session cluster); None when its reporter is off."""
    resolved = flink_metrics(config.metrics, override)
    if resolved.port is None:
        return None
    target = config.metrics.datadog.flink
    datadog = (DatadogCheck(namespace=target.namespace, metrics=resolved.datadog_metrics,
                            tags=datadog_tags(config.name, resolved.datadog_tags),
                            form=config.metrics.datadog.annotation_form)
               if resolved.datadog_metrics is not None else None)
    return MetricsProps(port=resolved.port, annotations=MetricsAnnotations(scrape=resolved.scrape, datadog=datadog))


def operator_metrics(config: EnvironmentConfig, target: DatadogTargetConfig) -> MetricsAnnotations:
    """The annotations of an operator's metrics port: scrape annotations per `metrics.scrape`, the Datadog check of
    `target` (`metrics.datadog.flinkOperator` or `.sparkOperator`) when Datadog is on."""
    datadog = config.metrics.datadog
    return MetricsAnnotations(
        scrape=config.metrics.scrape == "annotations",
        datadog=DatadogCheck(namespace=target.namespace, metrics=target.metrics,
                             tags=datadog_tags(config.name, datadog.tags), form=datadog.annotation_form)
        if datadog.enabled else None)
