"""The props of what only a standalone Flink cluster has (`StandaloneProps`), and the `log4j-console.properties` it
gets when it sets none (`DEFAULT_LOG4J`): shared by `charts.flink.cluster` (the cluster's props) and
`charts.flink.standalone` (the objects), which import this module and not each other's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from config.flink_rules import local_recovery_problem
from upstream.file_dialects import properties_file

DEFAULT_LOG4J = properties_file({
    "rootLogger.level": "INFO",
    "rootLogger.appenderRef.console.ref": "ConsoleAppender",
    "rootLogger.appenderRef.rolling.ref": "RollingFileAppender",
    "appender.console.name": "ConsoleAppender",
    "appender.console.type": "CONSOLE",
    "appender.console.layout.type": "PatternLayout",
    "appender.console.layout.pattern": "%d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n",
    "appender.rolling.name": "RollingFileAppender",
    "appender.rolling.type": "RollingFile",
    "appender.rolling.append": "false",
    "appender.rolling.fileName": "${sys:log.file}",
    "appender.rolling.filePattern": "${sys:log.file}.%i",
    "appender.rolling.layout.type": "PatternLayout",
    "appender.rolling.layout.pattern": "%d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n",
    "appender.rolling.policies.type": "Policies",
    "appender.rolling.policies.size.type": "SizeBasedTriggeringPolicy",
    "appender.rolling.policies.size.size": "100MB",
    "appender.rolling.strategy.type": "DefaultRolloverStrategy",
    "appender.rolling.strategy.max": "10",
}, separator=" = ", sort_keys=False)
"""`log4j-console.properties` when the cluster sets none: the console (for `kubectl logs`) and the rolling file the
Flink UI shows (`${sys:log.file}`), as in the standalone Kubernetes appendix; the image's own file is hidden by the
ConfigMap mount."""


@dataclass(frozen=True)
class StandaloneProps:
    """What only a standalone cluster has: `task_manager_kind` (`deployment` or `statefulset`), `local_recovery`
    (StatefulSet only), `volume_size` (a Kubernetes quantity) and `storage_class` (None: the default) of each
    StatefulSet TaskManager's volume, `rest_service` (`ClusterIP` or `NodePort`), `queryable_state` (the proxy on
    6125 and its Service), `reactive_mode` (application clusters), `cluster_id` (the HA scope; None: the cluster's
    name; `StandaloneFlinkCluster`).

    Raises:
        ValueError: local recovery without a StatefulSet.
    """

    task_manager_kind: Literal["deployment", "statefulset"] = "deployment"
    local_recovery: bool = False
    volume_size: str = "10Gi"
    storage_class: str | None = None
    rest_service: Literal["ClusterIP", "NodePort"] = "ClusterIP"
    queryable_state: bool = False
    reactive_mode: bool = False
    cluster_id: str | None = None

    def __post_init__(self) -> None:
        if local_recovery_problem(self.local_recovery, self.task_manager_kind):
            raise ValueError("local_recovery needs task_manager_kind statefulset (a volume that follows each "
                             "TaskManager across restarts)")
