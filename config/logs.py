"""`logs`: log shipping with Fluent Bit (a DaemonSet tailing the nodes' container logs, or a sidecar in each
operator-run Flink pod tailing the Flink process's log files) to CloudWatch Logs or stdout.

Upstream: Fluent Bit 4.0 (https://docs.fluentbit.io/manual/): the `tail` input (`path`, `exclude_path`, `db`,
`multiline.parser cri`), the `kubernetes` filter, the `cloudwatch_logs` output (`region`, `log_group_name`,
`log_group_template`, `log_stream_prefix`, `auto_create_group`, `log_retention_days`) and the `stdout` output.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from config.common import Resources
from config.loading import Problem
from config.pod_options import TolerationConfig
from upstream.flink_options import LOG_FILE_PROPERTY

if TYPE_CHECKING:
    from config.environment import EnvironmentConfig

LOG_GROUP_PLACEHOLDERS = ("environment", "namespace")
"""The placeholders `logs.cloudWatch.logGroupName` may hold."""


@dataclass(frozen=True)
class CloudWatchConfig:
    """The cloudwatch_logs output: region, log group per namespace, stream prefix, retention, IRSA role."""

    region: str | None
    """AWS region of the log groups. null: objectStore.region. Default: `null`."""

    log_group_name: str
    """Log group per namespace: {environment} is the environment name, {namespace} the pod's namespace (rendered as
    log_group_template with $kubernetes['namespace_name']; log_group_name, used when a record has no namespace, has
    {namespace} replaced by 'unknown'). Default: `"/lakehouse/{environment}/{namespace}"`.
    """

    log_stream_prefix: str
    """Prefix of every log stream name (log_stream_prefix); Fluent Bit appends the record's tag,
    kube.var.log.containers.<pod>_<namespace>_<container>-<container id>.log. With shipper sidecar, one stream per
    pod: this prefix and the pod name (log_stream_name). Default: `"fluent-bit."`.
    """

    auto_create_group: bool
    """Create missing log groups (auto_create_group; the role then needs logs:CreateLogGroup). Default: `true`."""

    retention_days: int | None
    """Retention of the log groups Fluent Bit creates (log_retention_days, a value CloudWatch Logs accepts; needs
    autoCreateGroup and logs:PutRetentionPolicy). null: never expire. Default: `30`.
    """

    iam_role_arn: str | None
    """IAM role for the fluent-bit ServiceAccount (EKS IRSA, annotation eks.amazonaws.com/role-arn), allowed
    logs:CreateLogStream, logs:PutLogEvents, logs:DescribeLogStreams (and logs:CreateLogGroup,
    logs:PutRetentionPolicy with autoCreateGroup). null: objectStore.iamRoleArn. With shipper sidecar the sidecar
    runs as the Flink job ServiceAccount (a pod has one), whose role is objectStore.iamRoleArn: that role needs these
    permissions, and another role here is refused. Default: `null`.
    """

    def problems(self) -> Iterator[Problem]:
        """Only the known placeholders; a retention only where Fluent Bit creates the group."""
        for name in re.findall(r"\{([^}]*)\}", self.log_group_name):
            if name not in LOG_GROUP_PLACEHOLDERS:
                yield Problem("logGroupName", f"unknown placeholder {{{name}}}; use {{environment}} or {{namespace}}")
        if self.retention_days is not None and not self.auto_create_group:
            yield Problem("retentionDays", "is applied by Fluent Bit only to the log groups it creates: set "
                                           "autoCreateGroup: true, or retentionDays: null and set it on the groups")


@dataclass(frozen=True)
class StdoutConfig:
    """The stdout output (local)."""

    format: Literal["json_lines", "json", "json_stream", "msgpack"]
    """Record format (the stdout output's format). Default: `"json_lines"`."""


@dataclass(frozen=True)
class LogsConfig:
    """Log shipping with Fluent Bit: what is tailed, where it goes, and the DaemonSet's pod settings."""

    shipper: Literal["daemonset", "sidecar", "none"]
    """daemonset: one Fluent Bit pod per node tails /var/log/containers (file 03-logging.k8s.yaml); sidecar: a Fluent
    Bit container in every JobManager and TaskManager pod of the FlinkDeployments (the operator-run clusters; not the
    standalone ones, nor other workloads) tails the Flink process's log files (/opt/flink/log, a shared emptyDir), as
    the pod's user under restricted Pod Security: no logging namespace, hostPath or ClusterRole; the settings of the
    DaemonSet's pods (namespace, namespaces, excludePaths, priorityClassName, tolerations, stateHostPath) are then
    unused; none: nothing rendered (the section kept for later). Default: `"daemonset"`.
    """

    image: str
    """Fluent Bit image (the upstream image, as the fluent/helm-charts chart uses it). Default:
    `"cr.fluentbit.io/fluent/fluent-bit:4.0.7"`.
    """

    namespace: str
    """Namespace of the DaemonSet, created by the platform with Pod Security level privileged (hostPath volumes are
    forbidden by baseline); must not be one of the platform's other namespaces. Default: `"logging"`.
    """

    namespaces: tuple[str, ...] | None
    """Namespaces whose containers' logs are tailed (files /var/log/containers/*_<namespace>_*.log). null: the
    platform's namespaces (the components', the operators', the Flink team namespaces; not logs.namespace itself).
    Default: `null`.
    """

    exclude_paths: tuple[str, ...]
    """Log files not tailed (the tail input's exclude_path), e.g. noisy sidecars. Default: `[]`."""

    output: Literal["cloudWatch", "stdout"] | None
    """Where the logs go: cloudWatch (the cloudwatch_logs output) or stdout (Fluent Bit's own container log, for a
    laptop cluster). null: cloudWatch with objectStore.type aws-s3, stdout otherwise. Default: `null`.
    """

    cloud_watch: CloudWatchConfig
    """The cloudwatch_logs output (Fluent Bit's core CloudWatch Logs plugin,
    https://docs.fluentbit.io/manual/pipeline/outputs/cloudwatch); credentials from an IAM role for the
    ServiceAccount (EKS IRSA).
    """

    stdout: StdoutConfig
    """The stdout output (local): records printed by Fluent Bit itself (kubectl logs -n logging daemonset/fluent-bit)."""

    resources: Resources
    """Fluent Bit container resources. Default: `{"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"memory":
    "256Mi"}}`.
    """

    mem_buf_limit: str
    """Memory the tail input may buffer before it pauses (mem_buf_limit): keep it well below the memory limit. Default:
    `"5MB"`.
    """

    priority_class_name: str | None
    """PriorityClass of the pods (e.g. system-node-critical, so the shipper is not evicted before the workloads it
    watches). null: none. Default: `null`.
    """

    tolerations: tuple[TolerationConfig, ...]
    """Taints the pods tolerate; the default tolerates every taint, so the DaemonSet also runs on dedicated node pools
    (e.g. tainted Flink job nodes). Default: `[{"operator": "Exists"}]`.
    """

    state_host_path: str
    """Node directory (hostPath, DirectoryOrCreate, the only writable one) holding the tail input's offsets database,
    so a restarted pod resumes where it stopped instead of re-reading or skipping lines. Default:
    `"/var/fluent-bit/state"`.
    """


def output(logs: LogsConfig, object_store_type: str) -> Literal["cloudWatch", "stdout"]:
    """The effective output of `logs`: its own, else CloudWatch in cloud environments (`objectStore.type`
    `aws-s3`) and stdout with the in-cluster store (a laptop cluster)."""
    if logs.output is not None:
        return logs.output
    return "cloudWatch" if object_store_type == "aws-s3" else "stdout"


def platform_namespaces(config: EnvironmentConfig) -> tuple[str, ...]:
    """The namespaces the platform renders workloads in, in `namespaces` order, then the Flink team namespaces (the
    object store's only when it is in the cluster): the default of `logs.namespaces`."""
    ns = config.namespaces
    names = [ns.polaris, ns.fluss, ns.flink, ns.spark, ns.flink_operator, ns.spark_operator]
    if config.object_store.type == "in-cluster":
        names.append(ns.object_store)
    names += [team.name for team in config.flink.team_namespaces]
    return tuple(names)


def problems(config: EnvironmentConfig) -> Iterator[Problem]:
    """A namespace of its own; CloudWatch with credentials; stdout never tails its own output. A sidecar: the job
    ServiceAccount's role, and log files to tail."""
    logs = config.logs
    if logs is None or logs.shipper == "none":
        return
    if logs.shipper == "sidecar":
        yield from _sidecar_problems(config, logs)
        return
    if logs.namespace in platform_namespaces(config):
        yield Problem("logs.namespace", f"'{logs.namespace}' is one of the platform's namespaces; Fluent Bit needs "
                                        "one of its own (its Pod Security level is privileged)")
    tailed = logs.namespaces if logs.namespaces is not None else platform_namespaces(config)
    kind = output(logs, config.object_store.type)
    if kind == "stdout" and ("*" in tailed or logs.namespace in tailed):
        yield Problem("logs.namespaces", f"tails logs.namespace '{logs.namespace}' with output stdout: Fluent Bit "
                                         "would read its own output and print it again, without end; leave it out")
    if kind == "cloudWatch" and (logs.cloud_watch.iam_role_arn or config.object_store.iam_role_arn) is None:
        yield Problem("logs.cloudWatch.iamRoleArn", "CloudWatch Logs needs AWS credentials: set an IAM role for "
                                                    "the fluent-bit ServiceAccount (or objectStore.iamRoleArn)")


def _sidecar_problems(config: EnvironmentConfig, logs: LogsConfig) -> Iterator[Problem]:
    """The sidecar runs as the Flink job ServiceAccount, whose IRSA role is objectStore.iamRoleArn: CloudWatch needs
    that role, and no other; each operator-run cluster's own log4j-console.properties writes Flink's log file."""
    role = config.object_store.iam_role_arn
    if output(logs, config.object_store.type) == "cloudWatch":
        if role is None:
            yield Problem("logs.shipper", "a sidecar ships to CloudWatch Logs with the Flink job ServiceAccount's IAM "
                                          "role, objectStore.iamRoleArn, and there is none (static S3 keys): set it, "
                                          "use output: stdout, or shipper: daemonset")
        elif logs.cloud_watch.iam_role_arn not in (None, role):
            yield Problem("logs.cloudWatch.iamRoleArn", "a pod has one ServiceAccount: the sidecar runs as the Flink "
                                                        f"job ServiceAccount, whose role is objectStore.iamRoleArn "
                                                        f"({role}); grant that role the CloudWatch Logs permissions "
                                                        "and set iamRoleArn null (or to it)")
    for index, deployment in enumerate(config.flink.deployments):
        own = deployment.log_configuration.get("log4j-console.properties")
        if deployment.backend == "operator" and own is not None and LOG_FILE_PROPERTY not in own:
            yield Problem(f"flink.deployments[{index}].logConfiguration.log4j-console.properties",
                          f"writes no log file ({LOG_FILE_PROPERTY}: a RollingFileAppender as in Flink's own "
                          "log4j-console.properties), so the Fluent Bit sidecar (logs.shipper: sidecar) has nothing "
                          "to ship")
