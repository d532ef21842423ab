"""The metrics settings of a Flink cluster, as props: Flink's Prometheus reporter, its port and the pods'
annotations; `charts.flink.cluster` renders them. The other typed settings groups (checkpointing, periodic
snapshots, restart strategy, autoscaler, ingress) are the value types of `config.flink_settings`, which the
configuration and the constructs share.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from config.flink_rules import metrics_port_problem
from upstream.flink_options import (
    FLINK_MAIN_CONTAINER,
    PROMETHEUS_REPORTER_FACTORY,
    PROMETHEUS_REPORTER_FACTORY_KEY,
    PROMETHEUS_REPORTER_PORT,
)
from upstream.metrics_annotations import MetricsAnnotations


@dataclass(frozen=True)
class MetricsProps:
    """Flink's Prometheus reporter on the cluster's pods (Flink 1.20 `PrometheusReporterFactory`): it listens on
    `port` in the JobManager and in each TaskManager (`metrics.reporter.prom.port`; one port, as each process has a pod
    of its own), declared as container port `metrics` of `flink-main-container` in both roles' pod templates, which
    carry the `annotations` (scrape and Datadog) for it.

    Raises:
        ValueError: a port Flink itself opens (rest 8081, jobmanager-rpc 6123, blobserver 6124, taskmanager-rpc 6122).
    """

    port: int = 9249
    annotations: MetricsAnnotations = field(default_factory=MetricsAnnotations)

    def __post_init__(self) -> None:
        if problem := metrics_port_problem(self.port):
            raise ValueError(f"metrics port {problem.message}")

    def flink_conf(self) -> dict[str, str]:
        """The reporter's settings."""
        return {PROMETHEUS_REPORTER_FACTORY_KEY: PROMETHEUS_REPORTER_FACTORY, PROMETHEUS_REPORTER_PORT: str(self.port)}

    def pod_annotations(self) -> dict[str, str]:
        """The annotations of both roles' pods."""
        return self.annotations.render(FLINK_MAIN_CONTAINER, self.port)
