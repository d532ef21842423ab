"""`logs` -> `FluentBitProps` (the Fluent Bit DaemonSet), or None when no shipper is rendered."""

from __future__ import annotations

from charts.blocks.pod_options import Toleration
from charts.logging.fluent_bit import CloudWatchOutput, FluentBitProps, StdoutOutput
from config import EnvironmentConfig
from config.logs import output, platform_namespaces

NAMESPACE_FIELD = "$kubernetes['namespace_name']"
"""Record accessor of the pod's namespace, set by the kubernetes filter (Fluent Bit's record_accessor syntax)."""


def fluent_bit_props(config: EnvironmentConfig) -> FluentBitProps | None:
    """The DaemonSet's props for `config`; None without a `logs` section or with `shipper: none`. The output is
    CloudWatch Logs in cloud environments and stdout locally unless `logs.output` says otherwise; the role is
    `logs.cloudWatch.iamRoleArn`, else `objectStore.iamRoleArn` (config refuses neither)."""
    logs = config.logs
    if logs is None or logs.shipper != "daemonset":
        return None
    sink: CloudWatchOutput | StdoutOutput
    if output(logs, config.object_store.type) == "cloudWatch":
        cw = logs.cloud_watch
        group = cw.log_group_name.replace("{environment}", config.name)
        role = cw.iam_role_arn or config.object_store.iam_role_arn
        assert role is not None  # config.logs.problems refuses CloudWatch without a role
        sink = CloudWatchOutput(
            region=cw.region or config.object_store.region,
            log_group_name=group.replace("{namespace}", "unknown"),
            log_group_template=group.replace("{namespace}", NAMESPACE_FIELD) if "{namespace}" in group else None,
            log_stream_prefix=cw.log_stream_prefix, auto_create_group=cw.auto_create_group,
            retention_days=cw.retention_days, iam_role_arn=role)
    else:
        sink = StdoutOutput(format=logs.stdout.format)
    return FluentBitProps(
        image=logs.image,
        namespaces=logs.namespaces if logs.namespaces is not None else platform_namespaces(config),
        exclude_paths=logs.exclude_paths, output=sink, resources=logs.resources.to_k8s(),
        mem_buf_limit=logs.mem_buf_limit, priority_class_name=logs.priority_class_name,
        tolerations=tuple(Toleration(key=t.key, operator=t.operator, value=t.value, effect=t.effect,
                                     toleration_seconds=t.toleration_seconds) for t in logs.tolerations),
        state_host_path=logs.state_host_path)
