"""Flink and Flink Kubernetes Operator configuration keys the platform sets from typed settings.

Flink 1.20 (`CheckpointingOptions`, `StateBackendOptions`, `HighAvailabilityOptions`) and operator 1.14
(`KubernetesOperatorConfigOptions`), read from a FlinkDeployment's `flinkConfiguration`. The constructs write them;
the configuration checks refuse a `flinkConfiguration` passthrough that would set one of them behind a typed field's
back, and refuse the keys the operator forbids.
"""

from __future__ import annotations

FLINK_MAIN_CONTAINER = "flink-main-container"
"""The container the operator builds in every Flink pod (image, command and resources from the spec)."""

CHECKPOINT_DIR = "execution.checkpointing.dir"
SAVEPOINT_DIR = "execution.checkpointing.savepoint-dir"
CHECKPOINT_INTERVAL = "execution.checkpointing.interval"
CHECKPOINTING_MODE = "execution.checkpointing.mode"
UNALIGNED_CHECKPOINTS = "execution.checkpointing.unaligned.enabled"
RETAINED_CHECKPOINTS = "execution.checkpointing.num-retained"
STATE_BACKEND = "state.backend.type"
INCREMENTAL_CHECKPOINTS = "execution.checkpointing.incremental"
PERIODIC_SAVEPOINT_INTERVAL = "kubernetes.operator.periodic.savepoint.interval"
PERIODIC_CHECKPOINT_INTERVAL = "kubernetes.operator.periodic.checkpoint.interval"
SAVEPOINT_HISTORY_MAX_COUNT = "kubernetes.operator.savepoint.history.max.count"
SAVEPOINT_HISTORY_MAX_AGE = "kubernetes.operator.savepoint.history.max.age"
CHECKPOINTING = {
    "interval": CHECKPOINT_INTERVAL, "mode": CHECKPOINTING_MODE, "unaligned": UNALIGNED_CHECKPOINTS,
    "retained": RETAINED_CHECKPOINTS, "state_backend": STATE_BACKEND, "incremental": INCREMENTAL_CHECKPOINTS,
}
"""The typed checkpointing settings, by the field name of `config.flink_settings.Checkpointing`."""

PERIODIC_SNAPSHOTS = {
    "savepoint_interval": PERIODIC_SAVEPOINT_INTERVAL, "checkpoint_interval": PERIODIC_CHECKPOINT_INTERVAL,
    "savepoint_max_count": SAVEPOINT_HISTORY_MAX_COUNT, "savepoint_max_age": SAVEPOINT_HISTORY_MAX_AGE,
}
"""The typed periodic-snapshot settings, by the field name of `config.flink_settings.PeriodicSnapshots`."""

AUTOSCALER = {
    "enabled": "job.autoscaler.enabled",
    "scaling_enabled": "job.autoscaler.scaling.enabled",
    "metrics_window": "job.autoscaler.metrics.window",
    "stabilization_interval": "job.autoscaler.stabilization.interval",
    "utilization_target": "job.autoscaler.utilization.target",
    "utilization_min": "job.autoscaler.utilization.min",
    "utilization_max": "job.autoscaler.utilization.max",
    "scale_down_max_factor": "job.autoscaler.scale-down.max-factor",
    "scale_up_max_factor": "job.autoscaler.scale-up.max-factor",
    "scale_down_interval": "job.autoscaler.scale-down.interval",
    "vertex_min_parallelism": "job.autoscaler.vertex.min-parallelism",
    "vertex_max_parallelism": "job.autoscaler.vertex.max-parallelism",
    "catch_up_duration": "job.autoscaler.catch-up.duration",
    "restart_time": "job.autoscaler.restart.time",
    "memory_tuning": "job.autoscaler.memory.tuning.enabled",
}
"""The typed autoscaler settings (operator 1.14 `flink-autoscaler` `AutoScalerOptions`, prefix `job.autoscaler.`),
by the field name of `config.flink_settings.Autoscaler`."""

RESTART_STRATEGY = {
    "type": ("restart-strategy.type", None),
    "attempts": ("restart-strategy.fixed-delay.attempts", "fixed-delay"),
    "delay": ("restart-strategy.fixed-delay.delay", "fixed-delay"),
    "initial_backoff": ("restart-strategy.exponential-delay.initial-backoff", "exponential-delay"),
    "max_backoff": ("restart-strategy.exponential-delay.max-backoff", "exponential-delay"),
    "backoff_multiplier": ("restart-strategy.exponential-delay.backoff-multiplier", "exponential-delay"),
    "reset_backoff_threshold": ("restart-strategy.exponential-delay.reset-backoff-threshold", "exponential-delay"),
    "jitter_factor": ("restart-strategy.exponential-delay.jitter-factor", "exponential-delay"),
    "max_failures_per_interval": ("restart-strategy.failure-rate.max-failures-per-interval", "failure-rate"),
    "failure_rate_interval": ("restart-strategy.failure-rate.failure-rate-interval", "failure-rate"),
    "failure_rate_delay": ("restart-strategy.failure-rate.delay", "failure-rate"),
}
"""The typed restart strategy (Flink 1.20 `RestartStrategyOptions`): field -> (key, the strategy it belongs to)."""
RESTART_STRATEGY_KEYS = {name: key for name, (key, _) in RESTART_STRATEGY.items()}


def as_text(value: object) -> str:
    """A setting as `flinkConfiguration` text (booleans lower-case, as Flink writes them)."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def typed_settings(settings: object, keys: dict[str, str]) -> dict[str, str]:
    """`{key: text}` for each field of `settings` named in `keys` (field name -> Flink key) that is set."""
    return {key: as_text(getattr(settings, name)) for name, key in keys.items() if getattr(settings, name) is not None}

TASK_SLOTS = "taskmanager.numberOfTaskSlots"
HA_TYPE = "high-availability.type"
HA_STORAGE_DIR = "high-availability.storageDir"
CATALOG_STORE_KIND = "table.catalog-store.kind"
CATALOG_STORE_PATH = "table.catalog-store.file.path"

PROMETHEUS_REPORTER_FACTORY_KEY = "metrics.reporter.prom.factory.class"
PROMETHEUS_REPORTER_PORT = "metrics.reporter.prom.port"
PROMETHEUS_REPORTER_FACTORY = "org.apache.flink.metrics.prometheus.PrometheusReporterFactory"
"""Flink 1.20's Prometheus reporter, named `prom` (`metrics.reporter.<name>.factory.class`; its `port` option,
default `9249`, is a port or a range: `PrometheusReporterFactory`, `PortRange`). The reporter's jar ships in the Flink
image's `plugins/metrics-prometheus`."""
PROMETHEUS_REPORTER_KEYS = (PROMETHEUS_REPORTER_FACTORY_KEY, PROMETHEUS_REPORTER_PORT, "metrics.reporter.prom.class")
"""The keys of the platform's reporter, and the class-based name (before factories) Flink still reads."""

FLINK_OWN_PORTS = {6122: "taskmanager-rpc", 6123: "jobmanager-rpc", 6124: "blobserver", 8081: "rest"}
"""The ports Flink itself opens in a native Kubernetes pod, by their container port names
(`org.apache.flink.kubernetes.utils.Constants`); no reporter may take one."""

DEPRECATED_NAMES = {
    "state.checkpoints.dir": CHECKPOINT_DIR, "state.backend.fs.checkpointdir": CHECKPOINT_DIR,
    "state.savepoints.dir": SAVEPOINT_DIR, "savepoints.state.backend.fs.dir": SAVEPOINT_DIR,
    "state.backend": STATE_BACKEND, "state.backend.incremental": INCREMENTAL_CHECKPOINTS,
    "state.checkpoints.num-retained": RETAINED_CHECKPOINTS, "execution.checkpointing.unaligned": UNALIGNED_CHECKPOINTS,
    "high-availability": HA_TYPE, "restart-strategy": RESTART_STRATEGY_KEYS["type"],
    **{f"kubernetes.operator.{key}": key for key in AUTOSCALER.values()},
    "job.autoscaler.target.utilization": AUTOSCALER["utilization_target"],
    "kubernetes.operator.job.autoscaler.target.utilization": AUTOSCALER["utilization_target"],
}
"""Older names Flink 1.20 and the operator still read for the keys above (deprecated and fallback keys of
`CheckpointingOptions`, `StateBackendOptions`, `HighAvailabilityOptions`, `RestartStrategyOptions` and the autoscaler's
`kubernetes.operator.job.autoscaler.*`): set through `flinkConfiguration`, they would act behind a typed field."""

PLATFORM_KEYS = frozenset({
    CHECKPOINT_DIR, SAVEPOINT_DIR, TASK_SLOTS, HA_TYPE, HA_STORAGE_DIR, CATALOG_STORE_KIND, CATALOG_STORE_PATH,
    *CHECKPOINTING.values(), *PERIODIC_SNAPSHOTS.values(), *AUTOSCALER.values(), *RESTART_STRATEGY_KEYS.values(),
    *DEPRECATED_NAMES, *PROMETHEUS_REPORTER_KEYS,
})
"""Keys a FlinkDeployment of the platform always has or derives from a typed setting, and their older names."""


OPERATOR_FORBIDDEN_KEYS = ("kubernetes.namespace", "kubernetes.cluster-id", "high-availability.cluster-id")
"""Keys the operator refuses in `flinkConfiguration` (`DefaultValidator`: it sets them itself)."""

LOG_CONFIG_FILES = ("log4j-console.properties", "logback-console.xml")
"""The `logConfiguration` keys the operator accepts (`DefaultValidator.validateLogConfig`)."""

STANDALONE_CONFIG_FILE = "config.yaml"
"""The configuration file of a standalone cluster's ConfigMap: Flink 1.19+ reads `conf/config.yaml` (standard YAML)
and falls back to the legacy `flink-conf.yaml` only when that file exists (`GlobalConfiguration`;
`bin/config-parser-utils.sh` picks the same file)."""
LOG_FILE_PROPERTY = "${sys:log.file}"
"""The file Flink's start scripts name (`-Dlog.file`, `flink-dist/src/main/flink-bin/bin/flink-console.sh`), as a log4j2
configuration refers to it: a file appender writing it is what a log shipper tailing the log directory reads."""
STANDALONE_LOG_FILE = "log4j-console.properties"
"""The log configuration a standalone pod reads (`bin/flink-console.sh`, the image's start-foreground mode)."""

USRLIB = "/opt/flink/usrlib/"
"""Where the image's `standalone-job` entrypoint finds the job JAR: the user classpath
(`StandaloneApplicationClusterEntryPoint`, `FLINK_HOME/usrlib`; the standalone Kubernetes docs mount the job
artifacts there)."""

LOCAL_RECOVERY_KEYS = ("execution.checkpointing.local-backup.enabled", "execution.state-recovery.from-local")
"""Local recovery in Flink 1.20: a local copy of each checkpoint (`CheckpointingOptions.LOCAL_BACKUP_ENABLED`) and
recovery from it (`StateRecoveryOptions.LOCAL_RECOVERY`), both set where `state.backend.local-recovery` (deprecated
for both) set them."""

JOB_MANAGER_RPC_ADDRESS = "jobmanager.rpc.address"
JOB_MANAGER_RPC_PORT = "jobmanager.rpc.port"
KUBERNETES_NAMESPACE = "kubernetes.namespace"
KUBERNETES_CLUSTER_ID = "kubernetes.cluster-id"
HA_CLUSTER_ID = "high-availability.cluster-id"
"""Flink 1.20 `HighAvailabilityOptions.HA_CLUSTER_ID` (default `/default`): with HA, the job id an application
cluster derives when none is fixed (`ApplicationDispatcherBootstrap.fixJobIdAndRunApplicationAsync`:
`new JobID(clusterId.hashCode(), 0)`), and the sub-path of the HA storage and of the job result store."""
FIXED_JOB_ID = "$internal.pipeline.job-id"
"""Flink 1.20 `PipelineOptionsInternal.PIPELINE_FIXED_JOB_ID`: a fixed job id for an application cluster."""
SHUTDOWN_ON_APPLICATION_FINISH = "execution.shutdown-on-application-finish"
"""Flink 1.20 `DeploymentOptions.SHUTDOWN_ON_APPLICATION_FINISH` (default true): whether an application cluster's
JobManager exits when its job ends."""
JOB_RESULT_STORE_DELETE_ON_COMMIT = "job-result-store.delete-on-commit"
"""Flink 1.20 `JobResultStoreOptions.DELETE_ON_COMMIT` (default true): whether a finished job's entry in the job
result store is deleted once its resources are cleaned up (`FileSystemJobResultStore.markResultAsCleanInternal`)."""
STANDALONE_KEYS = frozenset({
    JOB_MANAGER_RPC_ADDRESS, JOB_MANAGER_RPC_PORT, "blob.server.port", "taskmanager.rpc.port",
    "jobmanager.memory.process.size", "taskmanager.memory.process.size", "parallelism.default", "scheduler-mode",
    *LOCAL_RECOVERY_KEYS, "process.taskmanager.working-dir", "process.working-dir",
    "taskmanager.resource-id", "queryable-state.enable", "queryable-state.proxy.ports", "rest.port",
    KUBERNETES_NAMESPACE, KUBERNETES_CLUSTER_ID, HA_CLUSTER_ID, FIXED_JOB_ID, SHUTDOWN_ON_APPLICATION_FINISH,
    JOB_RESULT_STORE_DELETE_ON_COMMIT,
})
"""Keys a standalone cluster's `config.yaml` gets from the typed settings (addresses, ports, sizes, parallelism,
reactive mode, local recovery, queryable state, the HA cluster ids and namespace, the job id, what ends an application
cluster's job for good): refused in its
`flinkConfiguration` (Flink 1.20 `JobManagerOptions`, `TaskManagerOptions`, `BlobServerOptions`,
`CoreOptions`, `ClusterOptions`, `StateRecoveryOptions`, `QueryableStateOptions`, `KubernetesConfigOptions`,
`HighAvailabilityOptions`, `PipelineOptionsInternal`, `DeploymentOptions`, `JobResultStoreOptions`)."""

OPERATOR_ONLY_KEY_PREFIX = "kubernetes.operator."
"""Settings only the Flink operator reads: in a standalone cluster's `flinkConfiguration` they would do nothing."""
