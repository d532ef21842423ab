"""`logs` -> `FluentBitProps` (the Fluent Bit DaemonSet) or `FluentBitSidecarProps` (a sidecar per Flink pod), or None
when that shipper is not the one chosen."""

from __future__ import annotations

from charts.blocks.fluent_bit_config import CloudWatchOutput, StdoutOutput
from charts.blocks.fluent_bit_sidecar import FluentBitSidecarProps
from charts.logging.fluent_bit_daemon_set import FluentBitProps
from config import EnvironmentConfig
from config.environment_rules import platform_namespaces
from config.logs import LogsConfig, output

NAMESPACE_FIELD = "$kubernetes['namespace_name']"
"""Record accessor of the pod's namespace, set by the kubernetes filter (Fluent Bit's record_accessor syntax)."""


def fluent_bit_props(config: EnvironmentConfig) -> FluentBitProps | None:
    """The DaemonSet's props for `config`; None without a `logs` section or with `shipper: none`. The output is
    CloudWatch Logs in cloud environments and stdout locally unless `logs.output` says otherwise; the role is
    `logs.cloudWatch.iamRoleArn`, else `objectStore.iamRoleArn` (config refuses neither)."""
    logs = config.logs
    if logs is None or logs.shipper != "daemonset":
        return None
    sink = _output(config, logs, None)
    return FluentBitProps(
        image=logs.image,
        namespaces=logs.namespaces if logs.namespaces is not None else platform_namespaces(config),
        exclude_paths=logs.exclude_paths, output=sink, resources=logs.resources.to_k8s(),
        mem_buf_limit=logs.mem_buf_limit, priority_class_name=logs.priority_class_name,
        tolerations=logs.tolerations,
        state_host_path=logs.state_host_path)


def fluent_bit_sidecar_props(config: EnvironmentConfig, namespace: str) -> FluentBitSidecarProps | None:
    """The sidecar's props for the Flink clusters of `namespace`; None unless `logs.shipper` is `sidecar`. The output
    is the DaemonSet's, with the namespace resolved (one log group per namespace, as the DaemonSet's template makes
    them) and one stream per pod (`<logStreamPrefix>${POD_NAME}`); the role is the job ServiceAccount's,
    `objectStore.iamRoleArn` (config refuses another `logs.cloudWatch.iamRoleArn`)."""
    logs = config.logs
    if logs is None or logs.shipper != "sidecar":
        return None
    return FluentBitSidecarProps(image=logs.image, output=_output(config, logs, namespace), resources=logs.resources,
                                 mem_buf_limit=logs.mem_buf_limit)


def _output(config: EnvironmentConfig, logs: LogsConfig, namespace: str | None) -> CloudWatchOutput | StdoutOutput:
    """CloudWatch Logs in cloud environments and stdout locally unless `logs.output` says otherwise. `namespace`
    None (the DaemonSet): the log group from each record's namespace, streams by tag; a namespace (the sidecar):
    that namespace's group, a stream per pod."""
    if output(logs, config.object_store.type) != "cloudWatch":
        return StdoutOutput(format=logs.stdout.format)
    cw = logs.cloud_watch
    group = cw.log_group_name.replace("{environment}", config.name)
    role = cw.iam_role_arn or config.object_store.iam_role_arn
    assert role is not None  # config.logs.problems refuses CloudWatch without a role
    region = cw.region or config.object_store.region
    if namespace is not None:
        return CloudWatchOutput(
            region=region, log_group_name=group.replace("{namespace}", namespace), log_group_template=None,
            log_stream_prefix=None, log_stream_name=f"{cw.log_stream_prefix}${{POD_NAME}}",
            auto_create_group=cw.auto_create_group, retention_days=cw.retention_days, iam_role_arn=role)
    return CloudWatchOutput(
        region=region, log_group_name=group.replace("{namespace}", "unknown"),
        log_group_template=group.replace("{namespace}", NAMESPACE_FIELD) if "{namespace}" in group else None,
        log_stream_prefix=cw.log_stream_prefix, auto_create_group=cw.auto_create_group,
        retention_days=cw.retention_days, iam_role_arn=role)
