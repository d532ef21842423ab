"""`flink`: the Flink namespace's session cluster (a FlinkDeployment), SQL Gateway, the Fluss tiering job and
further FlinkSessionJobs (Flink Kubernetes Operator 1.14 custom resources:
https://nightlies.apache.org/flink/flink-kubernetes-operator-docs-release-1.14/docs/custom-resource/reference/)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from config import capabilities
from config.api_formats import flink_memory_problem
from config.common import JOB_ARGUMENT_PLACEHOLDERS, Resources, unknown_placeholders
from config.flink_options import LOG_CONFIG_FILES, OPERATOR_FORBIDDEN_KEYS, PLATFORM_KEYS, RESTART_STRATEGY
from config.loading import Problem, camel, duplicates
from config.pod_options import PodOptionsConfig


def memory_problems(*settings: tuple[str, str]) -> Iterator[Problem]:
    """A problem per (key, memory) the Flink operator cannot read as a JobManager/TaskManager memory."""
    for key, value in settings:
        problem = flink_memory_problem(value)
        if problem:
            yield Problem(key, f"{value!r}: the Flink operator cannot read it: {problem}")


def version_problems(version: str) -> Iterator[Problem]:
    """A problem when `version` (a `flinkVersion`) cannot run the platform (`capabilities.flink_version_problem`)."""
    problem = capabilities.flink_version_problem(version)
    if problem:
        yield Problem("flinkVersion", f"'{version}': {problem}")


@dataclass(frozen=True)
class SessionClusterConfig:
    """The session FlinkDeployment. Memory in Flink format (`2048m`), cpu in cores."""

    name: str
    """FlinkDeployment name (also kubernetes.cluster-id). Default: `"flink-session"`."""

    job_manager_memory: str
    """JobManager process memory. Default: `"2048m"`."""

    job_manager_cpu: float
    """JobManager CPU (cores). Default: `0.5`."""

    job_manager_replicas: int
    """JobManager replicas; more than 1 (standby JobManagers) requires highAvailability. Default: `1`."""

    task_manager_memory: str
    """TaskManager process memory. Default: `"2048m"`."""

    task_manager_cpu: float
    """TaskManager CPU (cores). Default: `0.5`."""

    task_slots: int
    """taskmanager.numberOfTaskSlots. Default: `10`."""

    high_availability: bool
    """Kubernetes HA (high-availability.type: kubernetes, storage under s3://<flink bucket>/ha). Default: `true`."""

    pod_options: PodOptionsConfig
    """Pod options of the session cluster's JobManager and TaskManager pods."""

    def problems(self) -> Iterator[Problem]:
        """Standby JobManagers need HA, and memory sizes the operator can read (it rejects both otherwise)."""
        yield from memory_problems(("jobManagerMemory", self.job_manager_memory),
                                   ("taskManagerMemory", self.task_manager_memory))
        if self.job_manager_replicas > 1 and not self.high_availability:
            yield Problem("jobManagerReplicas", f"{self.job_manager_replicas} JobManagers need "
                                                "flink.sessionCluster.highAvailability: true (the Flink operator "
                                                "rejects standby JobManagers without HA)")


@dataclass(frozen=True)
class SqlGatewayConfig:
    """Flink SQL Gateway."""

    enabled: bool
    """Render the gateway. Default: `true`."""

    name: str
    """Deployment, Service and ServiceAccount name. Default: `"flink-sql-gateway"`."""

    port: int
    """REST endpoint port. Default: `8083`."""

    replicas: int
    """Gateway replicas (sessions are per replica: keep 1 unless clients stick to one). Default: `1`."""

    resources: Resources
    """Container resources. Default: `{"requests": {"cpu": "250m", "memory": "1Gi"}, "limits": {"memory": "2Gi"}}`."""


@dataclass(frozen=True)
class AutoscalerConfig:
    """The operator's job autoscaler."""

    enabled: bool
    """Collect metrics and scale the job's vertices (job.autoscaler.enabled). Default: `false`."""

    scaling_enabled: bool | None
    """false: only collect metrics and recommend parallelism, never apply it (job.autoscaler.scaling.enabled). Default:
    `null`.
    """

    metrics_window: str | None
    """Window of the metrics scaling decisions use (job.autoscaler.metrics.window; operator default 15 min). Default:
    `null`.
    """

    stabilization_interval: str | None
    """Time after a (re)scale before metrics count (job.autoscaler.stabilization.interval; default 5 min). Default:
    `null`.
    """

    utilization_target: float | None
    """Target busy-time utilization of each vertex, 0 to 1 (job.autoscaler.utilization.target; default 0.7). Default:
    `null`.
    """

    utilization_min: float | None
    """No scale-down above this utilization, 0 to utilizationTarget (job.autoscaler.utilization.min). Default: `null`."""

    utilization_max: float | None
    """No scale-up below this utilization, utilizationTarget to 1 (job.autoscaler.utilization.max). Default: `null`."""

    scale_down_max_factor: float | None
    """Largest fraction a vertex's parallelism shrinks by in one step (job.autoscaler.scale-down.max-factor; default
    0.6). Default: `null`.
    """

    scale_up_max_factor: float | None
    """Largest factor a vertex's parallelism grows by in one step (job.autoscaler.scale-up.max-factor). Default:
    `null`.
    """

    scale_down_interval: str | None
    """Delay before a scale-down is applied (job.autoscaler.scale-down.interval; default 1 h). Default: `null`."""

    vertex_min_parallelism: int | None
    """Lowest parallelism of a vertex (job.autoscaler.vertex.min-parallelism; default 1). Default: `null`."""

    vertex_max_parallelism: int | None
    """Highest parallelism of a vertex (job.autoscaler.vertex.max-parallelism; default 200). Default: `null`."""

    catch_up_duration: str | None
    """Time to process the backlog after a scaling (job.autoscaler.catch-up.duration; default 30 min). Default: `null`."""

    restart_time: str | None
    """Expected restart time of the job, counted in scaling decisions (job.autoscaler.restart.time; default 5 min).
    Default: `null`.
    """

    memory_tuning: bool | None
    """Tune TaskManager memory from observed usage (job.autoscaler.memory.tuning.enabled). Default: `null`."""

    def problems(self) -> Iterator[Problem]:
        """The operator's `AutoscalerValidator` ranges (min <= target <= max), and vertex bounds in order."""
        target = 0.7 if self.utilization_target is None else self.utilization_target
        if self.utilization_min is not None and self.utilization_min > target:
            yield Problem("utilizationMin", f"{self.utilization_min} is above the utilization target ({target})")
        if self.utilization_max is not None and self.utilization_max < target:
            yield Problem("utilizationMax", f"{self.utilization_max} is below the utilization target ({target})")
        low, high = self.vertex_min_parallelism, self.vertex_max_parallelism
        if low is not None and high is not None and low > high:
            yield Problem("vertexMinParallelism", f"{low} is above vertexMaxParallelism ({high})")


@dataclass(frozen=True)
class JobSpecConfig:
    """The operator's job spec: of an application cluster (`flink.deployments[].job`) and, with a name, of a
    FlinkSessionJob (`SessionJobConfig`)."""

    jar_path: str
    """The job JAR: a path inside the Flink artifacts bucket (e.g. job-artifacts/my-job.jar; the jarURI becomes
    s3://<flink bucket>/<jarPath>), or a URI with a scheme the operator can fetch (s3://other-bucket/a.jar,
    https://...), used as is.
    """

    entry_class: str | None
    """Main class, when the JAR manifest does not name one. Default: `null`."""

    parallelism: int
    """Job parallelism. Default: `1`."""

    upgrade_mode: Literal["stateless", "savepoint", "last-state"]
    """How the operator upgrades the job: stateless, savepoint or last-state. Default: `"savepoint"`."""

    args: tuple[str, ...]
    """Program arguments. `${fluss.bootstrapServers}`, `${polaris.catalogUri}` and `${polaris.tokenEndpoint}` are
    replaced by the addresses of the platform's own services. Default: `[]`.
    """

    state: Literal["running", "suspended"] | None
    """running, or suspended to stop the job (with a savepoint under upgradeMode savepoint) and keep its state for a
    later start; null: the operator's default (running). Default: `null`.
    """

    savepoint_trigger_nonce: int | None
    """Change to a new value to trigger one savepoint (deprecated by the operator in favour of FlinkStateSnapshot,
    still honoured in 1.14). Default: `null`.
    """

    checkpoint_trigger_nonce: int | None
    """Change to a new value to trigger one checkpoint (deprecated by the operator in favour of FlinkStateSnapshot,
    still honoured in 1.14). Default: `null`.
    """

    initial_savepoint_path: str | None
    """Savepoint (or retained checkpoint) a new job starts from, e.g. s3://<flink
    bucket>/savepoints/<cluster>/savepoint-... Default: `null`.
    """

    allow_non_restored_state: bool | None
    """Start even if some state of the savepoint maps to no operator of the job. Default: `null`."""

    savepoint_redeploy_nonce: int | None
    """Change to a new value, with initialSavepointPath, to cancel the job without a savepoint and redeploy it from
    that savepoint (no rollback afterwards). Default: `null`.
    """

    def problems(self) -> Iterator[Problem]:
        """Every `${...}` in the arguments names one of the platform's addresses; a savepoint redeploy has a path."""
        if self.savepoint_redeploy_nonce is not None and not self.initial_savepoint_path:
            yield Problem("savepointRedeployNonce", "needs initialSavepointPath (the Flink operator: \"InitialSavepointPath "
                                                    "must not be empty for savepoint redeployment\")")
        expected = ", ".join(f"${{{name}}}" for name in sorted(JOB_ARGUMENT_PLACEHOLDERS))
        for index, arg in enumerate(self.args):
            for name in unknown_placeholders(arg):
                yield Problem(f"args[{index}]", f"unknown placeholder '${{{name}}}' (expected one of: {expected})")


@dataclass(frozen=True)
class SessionJobConfig(JobSpecConfig):
    """A FlinkSessionJob: a name, the cluster it runs on, and the job spec."""

    name: str
    """FlinkSessionJob name."""

    session_cluster: str | None
    """The session cluster the job runs on: flink.sessionCluster.name or the name of a flink.deployments entry without
    job. Null: the platform's session cluster. Default: `null`.
    """

    autoscaler: AutoscalerConfig
    """The job autoscaler of this session job (its flinkConfiguration, over its cluster's)."""


@dataclass(frozen=True)
class JobManagerConfig:
    """The JobManager of a `flink.deployments` cluster."""

    memory: str
    """Process memory. Default: `"2048m"`."""

    cpu: float
    """CPU (cores). Default: `0.5`."""

    replicas: int
    """JobManagers; more than 1 (standbys) requires highAvailability. Default: `1`."""

    pod_options: PodOptionsConfig
    """Pod options of the JobManager pods only (over podOptions: maps merged, lists appended)."""

    pod_template: dict[str, Any] | None
    """A full Kubernetes pod template (metadata, spec) for the JobManager pods, as an alternative to podOptions: merged
    under the platform's (what the platform sets wins: its security context, env and mounts stay; named list items
    merge by name). Null: none. Default: `null`.
    """

    def problems(self) -> Iterator[Problem]:
        """A memory size the operator can read."""
        yield from memory_problems(("memory", self.memory))
        if self.pod_options.run_as is not None:
            yield Problem("podOptions.runAs", "set the user on the cluster's podOptions: both roles run as one user")


@dataclass(frozen=True)
class TaskManagerConfig:
    """Each TaskManager of a `flink.deployments` cluster."""

    memory: str
    """Process memory. Default: `"2048m"`."""

    cpu: float
    """CPU (cores). Default: `0.5`."""

    task_slots: int
    """taskmanager.numberOfTaskSlots. Default: `10`."""

    replicas: int | None
    """TaskManagers; null lets the operator derive them from the job's parallelism and the slots. Default: `null`."""

    pod_options: PodOptionsConfig
    """Pod options of the TaskManager pods only (over podOptions: maps merged, lists appended)."""

    pod_template: dict[str, Any] | None
    """A full Kubernetes pod template (metadata, spec) for the TaskManager pods, as an alternative to podOptions:
    merged under the platform's (what the platform sets wins: its security context, env and mounts stay; named list
    items merge by name). Null: none. Default: `null`.
    """

    def problems(self) -> Iterator[Problem]:
        """A memory size the operator can read."""
        yield from memory_problems(("memory", self.memory))
        if self.pod_options.run_as is not None:
            yield Problem("podOptions.runAs", "set the user on the cluster's podOptions: both roles run as one user")


@dataclass(frozen=True)
class CheckpointingConfig:
    """Checkpoints and the state backend."""

    interval: str | None
    """Time between checkpoints (execution.checkpointing.interval); null: no periodic checkpoints. Default: `null`."""

    mode: Literal["EXACTLY_ONCE", "AT_LEAST_ONCE"] | None
    """Checkpointing mode (execution.checkpointing.mode). Default: `null`."""

    unaligned: bool | None
    """Unaligned checkpoints (execution.checkpointing.unaligned.enabled). Default: `null`."""

    retained: int | None
    """Completed checkpoints kept (execution.checkpointing.num-retained). Default: `null`."""

    state_backend: Literal["hashmap", "rocksdb"] | None
    """State backend (state.backend.type). Default: `null`."""

    incremental: bool | None
    """Incremental checkpoints, with rocksdb (execution.checkpointing.incremental). Default: `null`."""

    def problems(self) -> Iterator[Problem]:
        """Incremental checkpoints exist for RocksDB only."""
        if self.incremental and self.state_backend != "rocksdb":
            yield Problem("incremental", "incremental checkpoints need stateBackend: rocksdb")


@dataclass(frozen=True)
class PeriodicSnapshotsConfig:
    """Snapshots the operator triggers, and the savepoint history it keeps."""

    savepoint_interval: str | None
    """Time between (a Flink duration, or a Quartz cron expression such as 0 0 */6 * * ?) periodic savepoints
    (kubernetes.operator.periodic.savepoint.interval). Default: `null`.
    """

    checkpoint_interval: str | None
    """Time between (a Flink duration, or a Quartz cron expression such as 0 0 */6 * * ?) periodic checkpoints the
    operator triggers (kubernetes.operator.periodic.checkpoint.interval). Default: `null`.
    """

    savepoint_max_count: int | None
    """Savepoints kept in the history; the operator deletes older FlinkStateSnapshot objects
    (kubernetes.operator.savepoint.history.max.count). Default: `null`.
    """

    savepoint_max_age: str | None
    """Age beyond which the operator deletes FlinkStateSnapshot objects of savepoints
    (kubernetes.operator.savepoint.history.max.age). Default: `null`.
    """


@dataclass(frozen=True)
class IngressTlsConfig:
    """One TLS entry of the Flink UI Ingress."""

    hosts: tuple[str, ...]
    """Hosts. Default: `[]`."""

    secret_name: str | None
    """Secret with the certificate and key. Default: `null`."""


@dataclass(frozen=True)
class IngressConfig:
    """The Flink UI and REST API Ingress the operator creates."""

    template: str
    """Host or path template with {{name}} and {{namespace}}, e.g. {{name}}.flink.example.com or
    example.com/{{namespace}}/{{name}}(/|$)(.*).
    """

    class_name: str | None
    """IngressClass. Default: `null`."""

    annotations: dict[str, str]
    """Ingress annotations (e.g. the ingress controller's rewrite rules)."""

    labels: dict[str, str]
    """Ingress labels."""

    tls: tuple[IngressTlsConfig, ...]
    """TLS: hosts and the Secret with their certificate. Default: `[]`."""


@dataclass(frozen=True)
class TeamNamespaceConfig:
    """A further namespace for Flink workloads."""

    name: str
    """Namespace name."""

    create: bool
    """Render the Namespace (restricted Pod Security); false: it exists. Default: `true`."""


@dataclass(frozen=True)
class RestartStrategyConfig:
    """How Flink restarts a failed job."""

    type: Literal["none", "fixed-delay", "failure-rate", "exponential-delay"] | None
    """Strategy (restart-strategy.type): none, fixed-delay, failure-rate or exponential-delay. Default: `null`."""

    attempts: int | None
    """fixed-delay: restarts before the job fails (restart-strategy.fixed-delay.attempts). Default: `null`."""

    delay: str | None
    """fixed-delay: time between restarts (restart-strategy.fixed-delay.delay). Default: `null`."""

    initial_backoff: str | None
    """exponential-delay: first backoff (restart-strategy.exponential-delay.initial-backoff). Default: `null`."""

    max_backoff: str | None
    """exponential-delay: longest backoff (restart-strategy.exponential-delay.max-backoff). Default: `null`."""

    backoff_multiplier: float | None
    """exponential-delay: backoff growth per failure (restart-strategy.exponential-delay.backoff-multiplier). Default:
    `null`.
    """

    reset_backoff_threshold: str | None
    """exponential-delay: a run this long resets the backoff
    (restart-strategy.exponential-delay.reset-backoff-threshold). Default: `null`.
    """

    jitter_factor: float | None
    """exponential-delay: random share of the backoff, 0 to 1 (restart-strategy.exponential-delay.jitter-factor).
    Default: `null`.
    """

    max_failures_per_interval: int | None
    """failure-rate: failures within the interval before the job fails
    (restart-strategy.failure-rate.max-failures-per-interval). Default: `null`.
    """

    failure_rate_interval: str | None
    """failure-rate: the interval (restart-strategy.failure-rate.failure-rate-interval). Default: `null`."""

    failure_rate_delay: str | None
    """failure-rate: time between restarts (restart-strategy.failure-rate.delay). Default: `null`."""

    def problems(self) -> Iterator[Problem]:
        """Settings only with the strategy they belong to (Flink would ignore them silently)."""
        for name, (_, strategy) in RESTART_STRATEGY.items():
            if strategy is not None and getattr(self, name) is not None and self.type != strategy:
                yield Problem(camel(name), f"belongs to type: {strategy} (type is {self.type or 'unset'})")


@dataclass(frozen=True)
class FlinkDeploymentConfig:
    """A further FlinkDeployment: an application cluster (`job`) or a session cluster (`job` null)."""

    name: str
    """FlinkDeployment name (also kubernetes.cluster-id)."""

    namespace: str | None
    """Namespace of the cluster (and of its session jobs and snapshots): one of flink.teamNamespaces; null: the Flink
    namespace. Default: `null`.
    """

    image: str | None
    """Flink image; null: flink.image. Default: `null`."""

    flink_version: str | None
    """FlinkDeployment flinkVersion; null: flink.flinkVersion. Default: `null`."""

    service_account: str | None
    """ServiceAccount of this cluster's pods, rendered with the job Role (and the environment's IAM role annotation);
    null: flink.serviceAccount. Default: `null`.
    """

    job_manager: JobManagerConfig
    """The JobManager."""

    task_manager: TaskManagerConfig
    """Each TaskManager."""

    pod_options: PodOptionsConfig
    """Pod options of the JobManager and TaskManager pods."""

    high_availability: bool
    """Kubernetes HA (storage under s3://<flink bucket>/ha/<name>): needed by standby JobManagers; with it a last-state
    upgrade resumes from the HA metadata, without it the operator cancels the job and restores its latest
    checkpoint. Default: `true`.
    """

    checkpointing: CheckpointingConfig
    """Checkpoints (Flink CheckpointingOptions); null leaves Flink's default. Directories are always s3://<flink
    bucket>/{checkpoints,savepoints}/<name>.
    """

    periodic_snapshots: PeriodicSnapshotsConfig
    """Snapshots the operator triggers and the history it keeps (operator 1.14 kubernetes.operator.*): beyond the
    history it deletes the FlinkStateSnapshot objects, and the savepoint files only with
    kubernetes.operator.savepoint.dispose-on-delete (default false); null leaves the operator's default.
    """

    restart_strategy: RestartStrategyConfig
    """How Flink restarts the job after a failure."""

    autoscaler: AutoscalerConfig
    """The job autoscaler of an application cluster."""

    flink_configuration: dict[str, str | int | float | bool]
    """Further Flink and operator settings (flinkConfiguration; numbers and booleans are written as text); keys the
    platform sets from the typed fields, and their older names, are refused.
    """

    log_configuration: dict[str, str]
    """Log configuration files replacing the image's: log4j-console.properties and/or logback-console.xml (the only
    keys the operator allows), as text.
    """

    ingress: IngressConfig | None
    """An Ingress to the cluster's Flink UI and REST API; null: none. Default: `null`."""

    job: JobSpecConfig | None
    """The application's job; null: a session cluster for session jobs. Default: `null`."""

    pod_template: dict[str, Any] | None
    """A full Kubernetes pod template (metadata, spec) for both roles' pods, as an alternative to podOptions: merged
    under the platform's (what the platform sets wins: its security context, env and mounts stay; named list items
    merge by name). Null: none. Default: `null`.
    """

    def problems(self) -> Iterator[Problem]:
        """What the Flink operator would reject: standby JobManagers without HA, `flinkConfiguration` keys it sets
        itself; and keys the platform sets from a typed field (or their older names)."""
        if self.job_manager.replicas > 1 and not self.high_availability:
            yield Problem("jobManager.replicas", f"{self.job_manager.replicas} JobManagers need highAvailability: "
                                                 "true (the Flink operator rejects standby JobManagers without HA)")
        if self.autoscaler.enabled and self.job is None:
            yield Problem("autoscaler.enabled", "the autoscaler scales the job of an application cluster; this "
                                                "cluster has none (job: null)")
        for key in sorted(set(self.log_configuration) - set(LOG_CONFIG_FILES)):
            yield Problem(f"logConfiguration.{key}", f"Invalid log config key: {key}. Allowed keys are "
                                                     f"[{', '.join(LOG_CONFIG_FILES)}] (the Flink operator)")
        for key in sorted(self.flink_configuration):
            if key in OPERATOR_FORBIDDEN_KEYS:
                yield Problem(f"flinkConfiguration.{key}", "set by the Flink operator itself (forbidden key)")
            elif key in PLATFORM_KEYS:
                yield Problem(f"flinkConfiguration.{key}", "set by the platform from a typed setting "
                                                            "(checkpointing, periodicSnapshots, autoscaler, "
                                                            "restartStrategy, taskManager, highAvailability) or always "
                                                            "(state directories)")
        if self.flink_version is not None:
            yield from version_problems(self.flink_version)


@dataclass(frozen=True)
class TieringJobConfig:
    """The Fluss-to-Iceberg tiering FlinkSessionJob."""

    enabled: bool
    """Render it. Default: `true`."""

    name: str
    """FlinkSessionJob name. Default: `"fluss-tiering-job"`."""

    jar_path: str
    """The fluss-flink-tiering JAR: a path inside the Flink bucket, or a URI used as is (as flink.jobs[].jarPath).
    Default: `"job-artifacts/fluss-flink-tiering-0.9.0-incubating.jar"`.
    """

    parallelism: int
    """Parallelism. Default: `1`."""


@dataclass(frozen=True)
class StateSnapshotConfig:
    """A FlinkStateSnapshot of a job."""

    name: str
    """FlinkStateSnapshot name."""

    job: str
    """The job: the name of a flink.deployments application cluster or of a flink.jobs session job (or the tiering
    job).
    """

    kind: Literal["savepoint", "checkpoint"]
    """savepoint (portable, for upgrades and migrations) or checkpoint. Default: `"savepoint"`."""

    path: str | None
    """Savepoint target directory (null: the cluster's savepoint directory); with alreadyExists, the existing
    savepoint. Default: `null`.
    """

    already_exists: bool
    """Register an existing savepoint at path instead of taking one. Default: `false`."""

    format_type: Literal["CANONICAL", "NATIVE"] | None
    """Savepoint format: CANONICAL (portable) or NATIVE (faster, specific to the state backend); null: the operator's
    default. Default: `null`.
    """

    dispose_on_delete: bool
    """Delete the savepoint files when the object is deleted (the operator's default is true; the platform's is false,
    so removing the object from Git never deletes state). Default: `false`.
    """

    backoff_limit: int | None
    """Retries of a failed snapshot; null: the operator's default. Default: `null`."""

    def problems(self) -> Iterator[Problem]:
        """Savepoint settings only on savepoints; a registered savepoint has a path."""
        if self.kind == "checkpoint":
            for key, value in (("path", self.path), ("alreadyExists", self.already_exists or None),
                               ("formatType", self.format_type), ("disposeOnDelete", self.dispose_on_delete or None)):
                if value is not None:
                    yield Problem(key, "applies to savepoints only (kind: savepoint)")
        if self.already_exists and not self.path:
            yield Problem("path", "required with alreadyExists: the savepoint to register")


@dataclass(frozen=True)
class FlinkConfig:
    """Flink namespace: image, session cluster, SQL Gateway and jobs."""

    image: str
    """Flink 1.20 image with the S3 filesystem plugin, the Fluss connector (fluss-flink-1.20) and the Iceberg Flink
    runtime (iceberg-flink-runtime-1.20, Iceberg 1.10.1). Default: `"flink-fluss-iceberg-s3:1.20.3"`.
    """

    flink_version: str
    """FlinkDeployment flinkVersion. Only versions with a Fluss connector and an Iceberg Flink runtime work with the
    platform's catalogs (config/capabilities.py: v1_19, v1_20 with Fluss 0.9.0 and Iceberg 1.10.1); others are
    refused with the reason. Default: `"v1_20"`.
    """

    service_account: str
    """ServiceAccount of JobManager/TaskManager pods. Default: `"flink"`."""

    session_cluster: SessionClusterConfig
    """The session FlinkDeployment."""

    sql_gateway: SqlGatewayConfig
    """Flink SQL Gateway in front of the session cluster."""

    tiering_job: TieringJobConfig
    """The Fluss-to-Iceberg tiering FlinkSessionJob."""

    deployments: tuple[FlinkDeploymentConfig, ...]
    """Further FlinkDeployments, in the Flink namespace or a team namespace (namespace): application clusters and
    session clusters. Default: `[]`.
    """

    team_namespaces: tuple[TeamNamespaceConfig, ...]
    """Further namespaces for Flink workloads (flink.deployments[].namespace): each gets the job ServiceAccount and
    RBAC, the catalog store and the catalog credential; create: false for a namespace that exists (the platform only
    renders into it). Default: `[]`.
    """

    jobs: tuple[SessionJobConfig, ...]
    """Further FlinkSessionJobs. Default: `[]`."""

    snapshots: tuple[StateSnapshotConfig, ...]
    """FlinkStateSnapshots of the jobs (a savepoint before a risky change, a registered existing savepoint). Default:
    `[]`.
    """

    def problems(self) -> Iterator[Problem]:
        """A Flink version the platform's connectors support, FlinkDeployment and FlinkSessionJob names used once,
        and session jobs on session clusters."""
        yield from version_problems(self.flink_version)
        clusters = [self.session_cluster.name, *(d.name for d in self.deployments)]
        yield from (Problem("deployments", f"duplicate FlinkDeployment name '{n}'") for n in duplicates(clusters))
        jobs = [self.tiering_job.name] if self.tiering_job.enabled else []
        jobs += [job.name for job in self.jobs]
        yield from (Problem("jobs", f"duplicate FlinkSessionJob name '{n}'") for n in duplicates(jobs))
        sessions = list(dict.fromkeys([self.session_cluster.name, *(d.name for d in self.deployments if d.job is None)]))
        for index, job in enumerate(self.jobs):
            if job.session_cluster is not None and job.session_cluster not in sessions:
                yield Problem(f"jobs[{index}].sessionCluster", f"'{job.session_cluster}' is not a session cluster "
                                                               f"(expected one of: {', '.join(sessions)})")
        owners = [*(d.name for d in self.deployments if d.job is not None), *jobs]
        for index, snapshot in enumerate(self.snapshots):
            if snapshot.job not in owners:
                yield Problem(f"snapshots[{index}].job", f"'{snapshot.job}' is not a job (expected an application "
                                                         f"cluster or a session job: {', '.join(owners) or 'none'})")
        yield from (Problem("snapshots", f"duplicate FlinkStateSnapshot name '{n}'")
                    for n in duplicates([s.name for s in self.snapshots]))
        teams = [team.name for team in self.team_namespaces]
        yield from (Problem("teamNamespaces", f"duplicate team namespace '{n}'") for n in duplicates(teams))
        for index, deployment in enumerate(self.deployments):
            if deployment.namespace is not None and deployment.namespace not in teams:
                yield Problem(f"deployments[{index}].namespace",
                              f"'{deployment.namespace}' is not a team namespace (expected one of: "
                              f"{', '.join(teams) or 'none'}; null: the Flink namespace)")

    def namespace_of(self, cluster: str) -> str | None:
        """The team namespace of the cluster named `cluster` (a `deployments` entry); None: the Flink namespace."""
        return next((d.namespace for d in self.deployments if d.name == cluster), None)

    def session_job_namespace(self, job: SessionJobConfig) -> str | None:
        """The team namespace of session job `job`: its session cluster's; None: the Flink namespace."""
        return self.namespace_of(job.session_cluster) if job.session_cluster else None

    def job_namespace(self, job: str) -> str | None:
        """The team namespace of the job named `job` as a snapshot names it (an application cluster first, as the
        Flink chart resolves it, else a session job); None: the Flink namespace."""
        if any(d.name == job and d.job is not None for d in self.deployments):
            return self.namespace_of(job)
        session_job = next((j for j in self.jobs if j.name == job), None)
        return self.session_job_namespace(session_job) if session_job else None

    def used_team_namespaces(self) -> list[str]:
        """Team namespaces holding at least one deployment, in `teamNamespaces` order."""
        used = {d.namespace for d in self.deployments}
        return [team.name for team in self.team_namespaces if team.name in used]
