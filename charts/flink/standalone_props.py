"""The `log4j-console.properties` a standalone Flink cluster gets when it sets none (`DEFAULT_LOG4J`): shared by
`charts.flink.cluster` (the cluster's props) and `charts.flink.standalone` (the objects), which import this module
and not each other's. What only a standalone cluster has is the value type `config.flink_standalone.Standalone`.
"""

from __future__ import annotations

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
