"""Flink and Flink Kubernetes Operator configuration keys the platform sets from typed settings.

Flink 1.20 (`CheckpointingOptions`, `StateBackendOptions`, `HighAvailabilityOptions`) and operator 1.14
(`KubernetesOperatorConfigOptions`), read from a FlinkDeployment's `flinkConfiguration`. The constructs write them;
the configuration checks refuse a `flinkConfiguration` passthrough that would set one of them behind a typed field's
back, and refuse the keys the operator forbids.
"""

from __future__ import annotations

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
TASK_SLOTS = "taskmanager.numberOfTaskSlots"
HA_TYPE = "high-availability.type"
HA_STORAGE_DIR = "high-availability.storageDir"
CATALOG_STORE_KIND = "table.catalog-store.kind"
CATALOG_STORE_PATH = "table.catalog-store.file.path"

PLATFORM_KEYS = frozenset({
    CHECKPOINT_DIR, SAVEPOINT_DIR, CHECKPOINT_INTERVAL, CHECKPOINTING_MODE, UNALIGNED_CHECKPOINTS,
    RETAINED_CHECKPOINTS, STATE_BACKEND, INCREMENTAL_CHECKPOINTS, PERIODIC_SAVEPOINT_INTERVAL,
    PERIODIC_CHECKPOINT_INTERVAL, SAVEPOINT_HISTORY_MAX_COUNT, SAVEPOINT_HISTORY_MAX_AGE, TASK_SLOTS, HA_TYPE,
    HA_STORAGE_DIR, CATALOG_STORE_KIND, CATALOG_STORE_PATH,
})
"""Keys a FlinkDeployment of the platform always has or derives from a typed setting."""

OPERATOR_FORBIDDEN_KEYS = ("kubernetes.namespace", "kubernetes.cluster-id", "high-availability.cluster-id")
"""Keys the operator refuses in `flinkConfiguration` (`DefaultValidator`: it sets them itself)."""
