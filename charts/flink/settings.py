"""The typed settings groups of a Flink cluster, as props: checkpointing and state, periodic snapshots, restart
strategy, autoscaler, metrics and ingress. Each writes its `flinkConfiguration` keys (the key tables of
`upstream.flink_options`) or its part of the FlinkDeployment; `charts.flink.cluster` renders them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from config.flink_rules import autoscaler_setting_problems, metrics_port_problem, restart_strategy_problems
from upstream.flink_options import (
    AUTOSCALER,
    CHECKPOINTING,
    FLINK_MAIN_CONTAINER,
    PERIODIC_SNAPSHOTS,
    PROMETHEUS_REPORTER_FACTORY,
    PROMETHEUS_REPORTER_FACTORY_KEY,
    PROMETHEUS_REPORTER_PORT,
    RESTART_STRATEGY_KEYS,
    typed_settings,
)
from upstream.metrics_annotations import MetricsAnnotations


@dataclass(frozen=True)
class CheckpointingProps:
    """Checkpoints (Flink 1.20 `CheckpointingOptions`; None leaves Flink's default): `interval` a Flink duration
    (`60 s`, `1 min`), `mode` `EXACTLY_ONCE` or `AT_LEAST_ONCE`, `unaligned` unaligned checkpoints, `retained` how
    many completed checkpoints are kept, `state_backend` `hashmap` or `rocksdb`, `incremental` incremental
    checkpoints (RocksDB)."""

    interval: str | None = None
    mode: Literal["EXACTLY_ONCE", "AT_LEAST_ONCE"] | None = None
    unaligned: bool | None = None
    retained: int | None = None
    state_backend: Literal["hashmap", "rocksdb"] | None = None
    incremental: bool | None = None

    def flink_conf(self) -> dict[str, str]:
        """The settings that are set."""
        return typed_settings(self, CHECKPOINTING)


@dataclass(frozen=True)
class PeriodicSnapshotsProps:
    """Snapshots the operator triggers (operator 1.14 `KubernetesOperatorConfigOptions`; None leaves the operator's
    default): `savepoint_interval` / `checkpoint_interval` between periodic savepoints / checkpoints (a Flink
    duration or a Quartz cron expression), `savepoint_max_count` / `savepoint_max_age` the savepoint history the
    operator keeps: beyond it the operator deletes the FlinkStateSnapshot objects, and their files only with
    `kubernetes.operator.savepoint.dispose-on-delete` (default false)."""

    savepoint_interval: str | None = None
    checkpoint_interval: str | None = None
    savepoint_max_count: int | None = None
    savepoint_max_age: str | None = None

    def flink_conf(self) -> dict[str, str]:
        """The settings that are set."""
        return typed_settings(self, PERIODIC_SNAPSHOTS)


@dataclass(frozen=True)
class RestartStrategyProps:
    """How Flink restarts a failed job (Flink 1.20 `RestartStrategyOptions`; None keeps Flink's default): `type`
    (`none`, `fixed-delay`, `failure-rate`, `exponential-delay`) and the settings of that strategy, durations as
    Flink durations.

    Raises:
        ValueError: a setting of another strategy than `type` (Flink would ignore it).
    """

    type: Literal["none", "fixed-delay", "failure-rate", "exponential-delay"] | None = None
    attempts: int | None = None
    delay: str | None = None
    initial_backoff: str | None = None
    max_backoff: str | None = None
    backoff_multiplier: float | None = None
    reset_backoff_threshold: str | None = None
    jitter_factor: float | None = None
    max_failures_per_interval: int | None = None
    failure_rate_interval: str | None = None
    failure_rate_delay: str | None = None

    def __post_init__(self) -> None:
        if stray := restart_strategy_problems(self.type, self):
            raise ValueError(f"restart strategy: {'; '.join(f'{p.where}: {p.message}' for p in stray)}")

    def flink_conf(self) -> dict[str, str]:
        """The settings that are set."""
        return typed_settings(self, RESTART_STRATEGY_KEYS)


@dataclass(frozen=True)
class AutoscalerProps:
    """The operator's job autoscaler (operator 1.14 `AutoScalerOptions`; None keeps the operator's default): enabled,
    `scaling_enabled` (False: recommend only), durations as Flink durations (`metrics_window`,
    `stabilization_interval`, `scale_down_interval`, `catch_up_duration`, `restart_time`), utilization target and
    bounds (0 to 1), the largest scale-down fraction and scale-up factor per step, vertex parallelism bounds,
    `memory_tuning`.

    Raises:
        ValueError: the ranges the operator's `AutoscalerValidator` refuses (utilization bounds around the target,
            within 0 and 1; negative factors) and vertex parallelism bounds out of order
            (`config.flink_rules.autoscaler_problems`).
    """

    enabled: bool = False
    scaling_enabled: bool | None = None
    metrics_window: str | None = None
    stabilization_interval: str | None = None
    utilization_target: float | None = None
    utilization_min: float | None = None
    utilization_max: float | None = None
    scale_down_max_factor: float | None = None
    scale_up_max_factor: float | None = None
    scale_down_interval: str | None = None
    vertex_min_parallelism: int | None = None
    vertex_max_parallelism: int | None = None
    catch_up_duration: str | None = None
    restart_time: str | None = None
    memory_tuning: bool | None = None

    def __post_init__(self) -> None:
        problems = autoscaler_setting_problems(self)
        if problems:
            raise ValueError(f"autoscaler: {'; '.join(f'{p.where}: {p.message}' for p in problems)}")

    def flink_conf(self) -> dict[str, str]:
        """The settings that are set (`job.autoscaler.enabled` only when enabled)."""
        conf = typed_settings(self, AUTOSCALER)
        if not self.enabled:
            del conf[AUTOSCALER["enabled"]]
        return conf



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


@dataclass(frozen=True)
class IngressProps:
    """The Ingress the operator creates for the Flink UI and REST API: `template` a host or path with `{{name}}` and
    `{{namespace}}`, `class_name`, `annotations`, `labels`, `tls` as (hosts, Secret name) pairs."""

    template: str
    class_name: str | None = None
    annotations: Mapping[str, str] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)
    tls: tuple[tuple[tuple[str, ...], str | None], ...] = ()
