"""The value types of a Flink cluster's typed settings groups, shared by the configuration and the constructs:
checkpointing and state, periodic snapshots, restart strategy, autoscaler and ingress.

Each is one frozen, cdk8s-free dataclass declared once with `setting(default=...)`: the Python default (what a
construct gets when its user leaves a field out) is also the file default the schema and the reference show. The
loader builds them from an environment file (`flinkDeployments[*].checkpointing`, ...) and reports their
`problems()` at the field; the constructs (`charts.flink.cluster.FlinkClusterProps`,
`charts.flink.session_job.SessionJobProps`) take them as their props' fields and raise the same `problems()` for
values built without a file (`config.declaration.checked`). `flink_conf()` gives the `flinkConfiguration` keys of a group (the key tables of
`upstream.flink_options`): they are plain strings, so rendering them needs no cdk8s.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar, Literal

from config.common import JOB_ARGUMENT_PLACEHOLDERS, FlinkDuration, unknown_placeholders
from config.declaration import setting, value_type
from config.flink_rules import autoscaler_setting_problems, restart_strategy_problems, savepoint_redeploy_problem
from config.loading import Problem, camel
from upstream.flink_options import (
    AUTOSCALER,
    CHECKPOINTING,
    PERIODIC_SNAPSHOTS,
    RESTART_STRATEGY_KEYS,
    typed_settings,
)
from upstream.quartz import snapshot_interval_problem


@value_type
class Checkpointing:
    """Checkpoints and the state backend."""

    interval: FlinkDuration | None = setting(default=None)
    """Time between checkpoints (execution.checkpointing.interval); null: no periodic checkpoints."""

    mode: Literal["EXACTLY_ONCE", "AT_LEAST_ONCE"] | None = setting(default=None)
    """Checkpointing mode (execution.checkpointing.mode)."""

    unaligned: bool | None = setting(default=None)
    """Unaligned checkpoints (execution.checkpointing.unaligned.enabled)."""

    retained: int | None = setting(default=None, minimum=1)
    """Completed checkpoints kept (execution.checkpointing.num-retained)."""

    state_backend: Literal["hashmap", "rocksdb"] | None = setting(default=None)
    """State backend (state.backend.type)."""

    incremental: bool | None = setting(default=None)
    """Incremental checkpoints, with rocksdb (execution.checkpointing.incremental)."""

    def problems(self) -> Iterator[Problem]:
        """Incremental checkpoints exist for RocksDB only."""
        if self.incremental and self.state_backend != "rocksdb":
            yield Problem("incremental", "incremental checkpoints need stateBackend: rocksdb")

    def flink_conf(self) -> dict[str, str]:
        """The `flinkConfiguration` keys of the settings that are set (None leaves Flink's default)."""
        return typed_settings(self, CHECKPOINTING)


DURATION_OR_CRON = [{"$ref": "#/$defs/flinkDuration"},
                    {"type": "string", "pattern": "^\\S+( \\S+){5,6}$",
                     "description": "A Quartz cron expression (6 or 7 fields)."},
                    {"type": "null"}]
"""The schema of a periodic snapshot interval: a Flink duration, a Quartz cron expression (checked further by
`upstream.quartz`) or null."""


@value_type
class PeriodicSnapshots:
    """Snapshots the operator triggers, and the savepoint history it keeps."""

    savepoint_interval: str | None = setting(default=None, any_of=DURATION_OR_CRON)
    """Time between (a Flink duration, or a Quartz cron expression such as 0 0 */6 * * ?) periodic savepoints
    (kubernetes.operator.periodic.savepoint.interval).
    """

    checkpoint_interval: str | None = setting(default=None, any_of=DURATION_OR_CRON)
    """Time between (a Flink duration, or a Quartz cron expression such as 0 0 */6 * * ?) periodic checkpoints the
    operator triggers (kubernetes.operator.periodic.checkpoint.interval).
    """

    savepoint_max_count: int | None = setting(default=None, minimum=1)
    """Savepoints kept in the history; the operator deletes older FlinkStateSnapshot objects
    (kubernetes.operator.savepoint.history.max.count).
    """

    savepoint_max_age: FlinkDuration | None = setting(default=None)
    """Age beyond which the operator deletes FlinkStateSnapshot objects of savepoints
    (kubernetes.operator.savepoint.history.max.age).
    """

    def problems(self) -> Iterator[Problem]:
        """Intervals the operator reads: a cron expression log4j's parser refuses would never trigger a snapshot
        (`upstream.quartz.snapshot_interval_problem`; the schema checks the durations)."""
        for key, value in (("savepointInterval", self.savepoint_interval),
                           ("checkpointInterval", self.checkpoint_interval)):
            if value is not None and (problem := snapshot_interval_problem(value)):
                yield Problem(key, problem)

    def flink_conf(self) -> dict[str, str]:
        """The `flinkConfiguration` keys of the settings that are set (None leaves the operator's default)."""
        return typed_settings(self, PERIODIC_SNAPSHOTS)


@value_type
class RestartStrategy:
    """How Flink restarts a failed job (Flink 1.20 RestartStrategyOptions;
    https://nightlies.apache.org/flink/flink-docs-release-1.20/docs/ops/state/task_failure_recovery/); null settings
    keep Flink's defaults (exponential-delay when checkpointing is on).
    """

    DEFINITION: ClassVar[str] = "restartStrategy"

    type: Literal["none", "fixed-delay", "failure-rate", "exponential-delay"] | None = setting(default=None)
    """Strategy (restart-strategy.type): none, fixed-delay, failure-rate or exponential-delay."""

    attempts: int | None = setting(default=None, minimum=0)
    """fixed-delay: restarts before the job fails (restart-strategy.fixed-delay.attempts)."""

    delay: FlinkDuration | None = setting(default=None)
    """fixed-delay: time between restarts (restart-strategy.fixed-delay.delay)."""

    initial_backoff: FlinkDuration | None = setting(default=None)
    """exponential-delay: first backoff (restart-strategy.exponential-delay.initial-backoff)."""

    max_backoff: FlinkDuration | None = setting(default=None)
    """exponential-delay: longest backoff (restart-strategy.exponential-delay.max-backoff)."""

    backoff_multiplier: float | None = setting(default=None, minimum=1)
    """exponential-delay: backoff growth per failure (restart-strategy.exponential-delay.backoff-multiplier)."""

    reset_backoff_threshold: FlinkDuration | None = setting(default=None)
    """exponential-delay: a run this long resets the backoff
    (restart-strategy.exponential-delay.reset-backoff-threshold).
    """

    jitter_factor: float | None = setting(default=None, minimum=0)
    """exponential-delay: random share of the backoff, 0 to 1 (restart-strategy.exponential-delay.jitter-factor)."""

    max_failures_per_interval: int | None = setting(default=None, minimum=1)
    """failure-rate: failures within the interval before the job fails
    (restart-strategy.failure-rate.max-failures-per-interval).
    """

    failure_rate_interval: FlinkDuration | None = setting(default=None)
    """failure-rate: the interval (restart-strategy.failure-rate.failure-rate-interval)."""

    failure_rate_delay: FlinkDuration | None = setting(default=None)
    """failure-rate: time between restarts (restart-strategy.failure-rate.delay)."""

    def problems(self) -> Iterator[Problem]:
        """Settings only with the strategy they belong to (Flink would ignore them silently;
        `config.flink_rules.restart_strategy_problems`)."""
        for problem in restart_strategy_problems(self.type, self):
            yield Problem(camel(problem.where), problem.message)

    def flink_conf(self) -> dict[str, str]:
        """The `flinkConfiguration` keys of the settings that are set (None keeps Flink's default)."""
        return typed_settings(self, RESTART_STRATEGY_KEYS)


@value_type
class Autoscaler:
    """The operator's job autoscaler
    (https://nightlies.apache.org/flink/flink-kubernetes-operator-docs-release-1.14/docs/custom-resource/autoscaler/);
    null settings keep the operator's defaults.
    """

    DEFINITION: ClassVar[str] = "autoscaler"

    enabled: bool = setting(default=False)
    """Collect metrics and scale the job's vertices (job.autoscaler.enabled)."""

    scaling_enabled: bool | None = setting(default=None)
    """false: only collect metrics and recommend parallelism, never apply it (job.autoscaler.scaling.enabled)."""

    metrics_window: FlinkDuration | None = setting(default=None)
    """Window of the metrics scaling decisions use (job.autoscaler.metrics.window; operator default 15 min)."""

    stabilization_interval: FlinkDuration | None = setting(default=None)
    """Time after a (re)scale before metrics count (job.autoscaler.stabilization.interval; default 5 min)."""

    utilization_target: float | None = setting(default=None, minimum=0, maximum=1)
    """Target busy-time utilization of each vertex, 0 to 1 (job.autoscaler.utilization.target; default 0.7)."""

    utilization_min: float | None = setting(default=None, minimum=0, maximum=1)
    """No scale-down above this utilization, 0 to utilizationTarget (job.autoscaler.utilization.min)."""

    utilization_max: float | None = setting(default=None, minimum=0, maximum=1)
    """No scale-up below this utilization, utilizationTarget to 1 (job.autoscaler.utilization.max)."""

    scale_down_max_factor: float | None = setting(default=None, minimum=0)
    """Largest fraction a vertex's parallelism shrinks by in one step (job.autoscaler.scale-down.max-factor; default
    0.6).
    """

    scale_up_max_factor: float | None = setting(default=None, minimum=0)
    """Largest factor a vertex's parallelism grows by in one step (job.autoscaler.scale-up.max-factor)."""

    scale_down_interval: FlinkDuration | None = setting(default=None)
    """Delay before a scale-down is applied (job.autoscaler.scale-down.interval; default 1 h)."""

    vertex_min_parallelism: int | None = setting(default=None, minimum=1)
    """Lowest parallelism of a vertex (job.autoscaler.vertex.min-parallelism; default 1)."""

    vertex_max_parallelism: int | None = setting(default=None, minimum=1)
    """Highest parallelism of a vertex (job.autoscaler.vertex.max-parallelism; default 200)."""

    catch_up_duration: FlinkDuration | None = setting(default=None)
    """Time to process the backlog after a scaling (job.autoscaler.catch-up.duration; default 30 min)."""

    restart_time: FlinkDuration | None = setting(default=None)
    """Expected restart time of the job, counted in scaling decisions (job.autoscaler.restart.time; default 5 min)."""

    memory_tuning: bool | None = setting(default=None)
    """Tune TaskManager memory from observed usage (job.autoscaler.memory.tuning.enabled)."""

    def problems(self) -> Iterator[Problem]:
        """The operator's `AutoscalerValidator` ranges (min <= target <= max), and vertex bounds in order
        (`config.flink_rules.autoscaler_problems`)."""
        for problem in autoscaler_setting_problems(self):
            yield Problem(camel(problem.where), problem.message)

    def flink_conf(self) -> dict[str, str]:
        """The `flinkConfiguration` keys of the settings that are set (`job.autoscaler.enabled` only when enabled)."""
        conf = typed_settings(self, AUTOSCALER)
        if not self.enabled:
            del conf[AUTOSCALER["enabled"]]
        return conf


@value_type
class JobSpec:
    """The job of an application cluster (operator JobSpec:
    https://nightlies.apache.org/flink/flink-kubernetes-operator-docs-release-1.14/docs/custom-resource/reference/#jobspec).
    """

    DEFINITION: ClassVar[str] = "applicationJob"

    jar_path: str = setting(
        pattern="^([a-z][a-z0-9+.-]*://[^/\\s]*/\\S+|[^/\\s:][^\\s:]*)\\.jar$",
        error="is not a relative path to a .jar inside the Flink bucket, nor a URI (scheme://host/path.jar)")
    """The job JAR: a path inside the Flink artifacts bucket (e.g. job-artifacts/my-job.jar; the jarURI becomes
    s3://<flink bucket>/<jarPath>), or a URI with a scheme the operator can fetch (s3://other-bucket/a.jar,
    https://...), used as is.
    """

    entry_class: str | None = setting(default=None)
    """Main class, when the JAR manifest does not name one."""

    parallelism: int = setting(default=1, minimum=1)
    """Job parallelism."""

    upgrade_mode: Literal["stateless", "savepoint", "last-state"] = setting(default="savepoint")
    """How the operator upgrades the job: stateless, savepoint or last-state."""

    args: tuple[str, ...] = setting(default=(), items={"type": "string", "description": "One entry."})
    """Program arguments. `${fluss.bootstrapServers}`, `${polaris.catalogUri}` and `${polaris.tokenEndpoint}` are
    replaced by the addresses of the platform's own services.
    """

    state: Literal["running", "suspended"] | None = setting(default=None)
    """running, or suspended to stop the job (with a savepoint under upgradeMode savepoint) and keep its state for a
    later start; null: the operator's default (running).
    """

    savepoint_trigger_nonce: int | None = setting(default=None)
    """Change to a new value to trigger one savepoint (deprecated by the operator in favour of FlinkStateSnapshot,
    still honoured in 1.14).
    """

    checkpoint_trigger_nonce: int | None = setting(default=None)
    """Change to a new value to trigger one checkpoint (deprecated by the operator in favour of FlinkStateSnapshot,
    still honoured in 1.14).
    """

    initial_savepoint_path: str | None = setting(default=None)
    """Savepoint (or retained checkpoint) a new job starts from, e.g. s3://<flink
    bucket>/savepoints/<cluster>/savepoint-...
    """

    allow_non_restored_state: bool | None = setting(default=None)
    """Start even if some state of the savepoint maps to no operator of the job."""

    savepoint_redeploy_nonce: int | None = setting(default=None)
    """Change to a new value, with initialSavepointPath, to cancel the job without a savepoint and redeploy it from
    that savepoint (no rollback afterwards).
    """

    autoscaler_reset_nonce: int | None = setting(default=None)
    """Change to a new value to reset the autoscaler's metrics, parallelism overrides and history for the job: back to
    the parallelism given here without turning the autoscaler off and on (operator 1.14 JobSpec.autoscalerResetNonce).
    """

    def problems(self) -> Iterator[Problem]:
        """Every `${...}` in the arguments names one of the platform's addresses; a savepoint redeploy has a path."""
        if redeploy := savepoint_redeploy_problem(self.savepoint_redeploy_nonce, self.initial_savepoint_path):
            yield Problem(redeploy.where, redeploy.message)
        expected = ", ".join(f"${{{name}}}" for name in sorted(JOB_ARGUMENT_PLACEHOLDERS))
        for index, arg in enumerate(self.args):
            for name in unknown_placeholders(arg):
                yield Problem(f"args[{index}]", f"unknown placeholder '${{{name}}}' (expected one of: {expected})")


@value_type
class Snapshot:
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

    kind: Literal["savepoint", "checkpoint"] = setting(default="savepoint")
    """savepoint (portable, for upgrades and migrations) or checkpoint."""

    path: str | None = setting(default=None)
    """Savepoint target directory (null: the cluster's savepoint directory); with alreadyExists, the existing
    savepoint.
    """

    already_exists: bool = setting(default=False)
    """Register an existing savepoint at path instead of taking one."""

    format_type: Literal["CANONICAL", "NATIVE"] | None = setting(default=None)
    """Savepoint format: CANONICAL (portable) or NATIVE (faster, specific to the state backend); null: the operator's
    default.
    """

    dispose_on_delete: bool = setting(default=False)
    """Delete the savepoint files when the object is deleted (the operator's default is true; the platform's is false,
    so removing the object from Git never deletes state).
    """

    backoff_limit: int | None = setting(default=None, minimum=0)
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


@value_type
class IngressTls:
    """One TLS entry of the Flink UI Ingress."""

    SCHEMA: ClassVar[Mapping[str, Any]] = {"description": "One TLS entry."}

    hosts: tuple[str, ...] = setting(default=(), items={"type": "string", "description": "A host."})
    """Hosts."""

    secret_name: str | None = setting(default=None)
    """Secret with the certificate and key."""


@value_type
class Ingress:
    """An Ingress to the Flink UI and REST API the operator creates
    (https://nightlies.apache.org/flink/flink-kubernetes-operator-docs-release-1.14/docs/operations/ingress/); null:
    none.
    """

    DEFINITION: ClassVar[str] = "flinkIngress"

    template: str = setting()
    """Host or path template with {{name}} and {{namespace}}, e.g. {{name}}.flink.example.com or
    example.com/{{namespace}}/{{name}}(/|$)(.*).
    """

    class_name: str | None = setting(default=None)
    """IngressClass."""

    annotations: Mapping[str, str] = setting(default_factory=dict)
    """Ingress annotations (e.g. the ingress controller's rewrite rules)."""

    labels: Mapping[str, str] = setting(default_factory=dict)
    """Ingress labels."""

    tls: tuple[IngressTls, ...] = setting(default=())
    """TLS: hosts and the Secret with their certificate."""


