"""Where the environment sets a Flink key the platform owns: the typed setting (its path in a FlinkDeployment entry)
that writes a key of `upstream.flink_options.PLATFORM_KEYS`, for the error that refuses the key in
`flinkConfiguration`. The keys are Flink's (`upstream.flink_options`); the paths are the configuration model's."""

from __future__ import annotations

from config.loading import camel
from upstream.flink_options import (
    AUTOSCALER,
    CHECKPOINTING,
    DEPRECATED_NAMES,
    HA_TYPE,
    PERIODIC_SNAPSHOTS,
    PLATFORM_KEYS,
    PROMETHEUS_REPORTER_KEYS,
    RESTART_STRATEGY_KEYS,
    TASK_SLOTS,
)


def platform_setting(key: str) -> str:
    """Where a key of `PLATFORM_KEYS` is set instead of `flinkConfiguration`, as the end of a sentence: `use the
    typed setting <path>` (of a FlinkDeployment entry: `checkpointing.interval`, `restartStrategy.attempts`,
    `taskManager.taskSlots`, `highAvailability`, `metrics.prometheus`), or that the platform always writes it (the
    state directories, the catalog store). An older name (`DEPRECATED_NAMES`) answers for its current key.

    Raises:
        KeyError: `key` is not in `PLATFORM_KEYS`.
    """
    if key not in PLATFORM_KEYS:
        raise KeyError(key)
    key = DEPRECATED_NAMES.get(key, key)
    for section, fields in (("checkpointing", CHECKPOINTING), ("periodicSnapshots", PERIODIC_SNAPSHOTS),
                            ("autoscaler", AUTOSCALER), ("restartStrategy", RESTART_STRATEGY_KEYS)):
        for name, field_key in fields.items():
            if field_key == key:
                return f"use the typed setting {section}.{camel(name)}"
    if key == RESTART_STRATEGY_KEYS.get("type"):
        return "use the typed setting restartStrategy.type"
    owner = {TASK_SLOTS: "use the typed setting taskManager.taskSlots", HA_TYPE: "use the typed setting highAvailability",
             **{reporter: "use the typed setting metrics.prometheus (of the deployment, or of the metrics section)"
                for reporter in PROMETHEUS_REPORTER_KEYS}}
    return owner.get(key, "it always writes it (the state directories under the Flink bucket, the catalog store)")
