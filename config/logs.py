"""`logs`: log shipping with Fluent Bit (a DaemonSet tailing the nodes' container logs, or a sidecar in each
operator-run Flink pod tailing the Flink process's log files) to CloudWatch Logs or stdout.

Upstream: Fluent Bit 4.0 (https://docs.fluentbit.io/manual/): the `tail` input (`path`, `exclude_path`, `db`,
`multiline.parser cri`), the `kubernetes` filter, the `cloudwatch_logs` output (`region`, `log_group_name`,
`log_group_template`, `log_stream_prefix`, `auto_create_group`, `log_retention_days`) and the `stdout` output.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal

from config.common import Image, KubernetesName, Resources
from config.declaration import section, setting
from config.loading import Problem
from config.pod_values import Toleration

LOG_GROUP_PLACEHOLDERS = ("environment", "namespace")
"""The placeholders `logs.cloudWatch.logGroupName` may hold."""


@section
class CloudWatchConfig:
    """The cloudwatch_logs output: region, log group per namespace, stream prefix, retention, IRSA role."""

    region: str | None = setting(
        None, pattern="^[a-z]{2}(-[a-z]+)+-[0-9]$", error="is not an AWS region (e.g. eu-north-1)")
    """AWS region of the log groups. null: objectStore.region."""

    log_group_name: str = setting(
        "/lakehouse/{environment}/{namespace}", min_length=1, max_length=512, pattern="^[A-Za-z0-9_./#{}-]+$",
        error="is not a log group name template (letters, digits, _ - / . # and {environment}, {namespace})")
    """Log group per namespace: {environment} is the environment name, {namespace} the pod's namespace (rendered as
    log_group_template with $kubernetes['namespace_name']; log_group_name, used when a record has no namespace, has
    {namespace} replaced by 'unknown').
    """

    log_stream_prefix: str = setting("fluent-bit.", min_length=1)
    """Prefix of every log stream name (log_stream_prefix); Fluent Bit appends the record's tag,
    kube.var.log.containers.<pod>_<namespace>_<container>-<container id>.log. With shipper sidecar, one stream per
    pod: this prefix and the pod name (log_stream_name).
    """

    auto_create_group: bool = setting(True)
    """Create missing log groups (auto_create_group; the role then needs logs:CreateLogGroup)."""

    retention_days: int | None = setting(
        30,
        enum=[1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, None])
    """Retention of the log groups Fluent Bit creates (log_retention_days, a value CloudWatch Logs accepts; needs
    autoCreateGroup and logs:PutRetentionPolicy). null: never expire.
    """

    iam_role_arn: str | None = setting(
        None, pattern="^arn:aws:iam::[0-9]{12}:role/.+$",
        error="is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)")
    """IAM role for the fluent-bit ServiceAccount (EKS IRSA, annotation eks.amazonaws.com/role-arn), allowed
    logs:CreateLogStream, logs:PutLogEvents, logs:DescribeLogStreams (and logs:CreateLogGroup,
    logs:PutRetentionPolicy with autoCreateGroup). null: objectStore.iamRoleArn. With shipper sidecar the sidecar
    runs as the Flink job ServiceAccount (a pod has one), whose role is objectStore.iamRoleArn: that role needs
    these permissions, and another role here is refused.
    """

    def problems(self) -> Iterator[Problem]:
        """Only the known placeholders; a retention only where Fluent Bit creates the group."""
        for name in re.findall(r"\{([^}]*)\}", self.log_group_name):
            if name not in LOG_GROUP_PLACEHOLDERS:
                yield Problem("logGroupName", f"unknown placeholder {{{name}}}; use {{environment}} or {{namespace}}")
        if self.retention_days is not None and not self.auto_create_group:
            yield Problem("retentionDays", "is applied by Fluent Bit only to the log groups it creates: set "
                                           "autoCreateGroup: true, or retentionDays: null and set it on the groups")


@section
class StdoutConfig:
    """The stdout output (local)."""

    format: Literal["json_lines", "json", "json_stream", "msgpack"] = setting("json_lines")
    """Record format (the stdout output's format)."""


@section
class LogsConfig:
    """Log shipping with Fluent Bit: what is tailed, where it goes, and the DaemonSet's pod settings."""

    shipper: Literal["daemonset", "sidecar", "none"] = setting("daemonset")
    """daemonset: one Fluent Bit pod per node tails /var/log/containers (file 03-logging.k8s.yaml); sidecar: a Fluent
    Bit container in every JobManager and TaskManager pod of the FlinkDeployments (the operator-run clusters; not
    the standalone ones, nor other workloads) tails the Flink process's log files (/opt/flink/log, a shared
    emptyDir), as the pod's user under restricted Pod Security: no logging namespace, hostPath or ClusterRole; the
    settings of the DaemonSet's pods (namespace, namespaces, excludePaths, priorityClassName, tolerations,
    stateHostPath) are then unused; none: nothing rendered (the section kept for later).
    """

    image: Image = setting("cr.fluentbit.io/fluent/fluent-bit:4.0.7")
    """Fluent Bit image (the upstream image, as the fluent/helm-charts chart uses it)."""

    namespace: KubernetesName = setting("logging")
    """Namespace of the DaemonSet, created by the platform with Pod Security level privileged (hostPath volumes are
    forbidden by baseline); must not be one of the platform's other namespaces.
    """

    namespaces: tuple[str, ...] | None = setting(
        None,
        items={"type": "string", "pattern": "^([a-z0-9]([-a-z0-9]*[a-z0-9])?|\\*)$", "x-error": "is not a Kubernetes namespace name or *", "description": "A namespace, or * for every namespace."})
    """Namespaces whose containers' logs are tailed (files /var/log/containers/*_<namespace>_*.log). null: the
    platform's namespaces (the components', the operators', the Flink team namespaces; not logs.namespace itself).
    """

    exclude_paths: tuple[str, ...] = setting(
        [],
        items={"type": "string", "pattern": "^/var/log/\\S+$", "x-error": "is not a glob under /var/log/ without spaces", "description": "A shell glob of log files (e.g. /var/log/containers/*_flink_istio-proxy-*.log)."})
    """Log files not tailed (the tail input's exclude_path), e.g. noisy sidecars."""

    output: Literal["cloudWatch", "stdout"] | None = setting(None)
    """Where the logs go: cloudWatch (the cloudwatch_logs output) or stdout (Fluent Bit's own container log, for a
    laptop cluster). null: cloudWatch with objectStore.type aws-s3, stdout otherwise.
    """

    cloud_watch: CloudWatchConfig = setting({})
    """The cloudwatch_logs output (Fluent Bit's core CloudWatch Logs plugin,
    https://docs.fluentbit.io/manual/pipeline/outputs/cloudwatch); credentials from an IAM role for the
    ServiceAccount (EKS IRSA).
    """

    stdout: StdoutConfig = setting({})
    """The stdout output (local): records printed by Fluent Bit itself (kubectl logs -n logging daemonset/fluent-bit).
    """

    resources: Resources = setting({"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"memory": "256Mi"}})
    """Fluent Bit container resources."""

    mem_buf_limit: str = setting("5MB", pattern="^[0-9]+[KMG]?B?$", error="is not a Fluent Bit unit size (e.g. 5MB)")
    """Memory the tail input may buffer before it pauses (mem_buf_limit): keep it well below the memory limit."""

    priority_class_name: str | None = setting(None)
    """PriorityClass of the pods (e.g. system-node-critical, so the shipper is not evicted before the workloads it
    watches). null: none.
    """

    tolerations: tuple[Toleration, ...] = setting([{"operator": "Exists"}])
    """Taints the pods tolerate; the default tolerates every taint, so the DaemonSet also runs on dedicated node pools
    (e.g. tainted Flink job nodes).
    """

    state_host_path: str = setting(
        "/var/fluent-bit/state", pattern="^/var/[A-Za-z0-9_./-]+[^/]$",
        error="is not an absolute path under /var without a trailing slash")
    """Node directory (hostPath, DirectoryOrCreate, the only writable one) holding the tail input's offsets database,
    so a restarted pod resumes where it stopped instead of re-reading or skipping lines.
    """


def output(logs: LogsConfig, object_store_type: str) -> Literal["cloudWatch", "stdout"]:
    """The effective output of `logs`: its own, else CloudWatch in cloud environments (`objectStore.type`
    `aws-s3`) and stdout with the in-cluster store (a laptop cluster)."""
    if logs.output is not None:
        return logs.output
    return "cloudWatch" if object_store_type == "aws-s3" else "stdout"
