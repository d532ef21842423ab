"""Fluent Bit's YAML configuration, one builder for both shippers: the DaemonSet (`charts.logging.fluent_bit`, node
logs) and the sidecar beside each Flink process (`FluentBitSidecarProps`, its log files).

Upstream (Fluent Bit 4.0, https://docs.fluentbit.io/manual/): the YAML configuration format (`service`, `pipeline`
with `inputs`, `filters`, `outputs`; `${VAR}` in a value is the environment variable's value,
https://docs.fluentbit.io/manual/administration/configuring-fluent-bit/yaml/environment-variables-section); the
`tail` input (`path`, `exclude_path`, `multiline.parser`, `db`, `db.locking`, `mem_buf_limit`, `skip_long_lines`,
`refresh_interval`, `read_from_head`), the `record_modifier` filter (`record`: `<key> <value>` pairs) and the `nest`
filter (`operation nest`, `wildcard`, `nest_under`, `remove_prefix`), the `cloudwatch_logs` output (`region`,
`log_group_name`, `log_group_template`, `log_stream_name` / `log_stream_prefix`, `auto_create_group`,
`log_retention_days`) and the `stdout` output (`format`); the HTTP server (`http_server`, `http_port` 2020,
`health_check`).

The sidecar tails the files Flink's log4j rolling appender writes: Flink's start scripts set `-Dlog.file` to
`${FLINK_LOG_DIR}/flink-<user>-<service>-<id>-<host>.log` (`flink-dist/src/main/flink-bin/bin/flink-console.sh`,
`FLINK_LOG_DIR` defaulting to `$FLINK_HOME/log`, `/opt/flink/log` in the Flink image), and
`log4j-console.properties` of the Flink distribution has a `RollingFileAppender` writing `${sys:log.file}` beside the
console (`flink-dist/src/main/flink-bin/conf/log4j-console.properties`). Rolled files (`<file>.1`, ...) are not
tailed (the tail input has read them while they were the current file).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import constructs
import yaml

from charts.blocks.container_env import Env
from charts.blocks.metadata import Component, SyncWave
from charts.blocks.pod_options import Container, PodOptions, PodVolume, VolumeMount
from charts.blocks.workloads import RenderedConfigMap, config_map
from config.common import Resources

CONFIG_FILE = "fluent-bit.yaml"
HTTP_PORT = 2020
"""Fluent Bit's HTTP server (health, metrics): `http_port`, default 2020."""


@dataclass(frozen=True)
class CloudWatchOutput:
    """The `cloudwatch_logs` output.

    Attributes:
        region: AWS region (e.g. `eu-north-1`).
        log_group_name: the group of records without a namespace (the template's fallback), or of every record.
        log_group_template: record accessor template, e.g. `/lakehouse/dev/$kubernetes['namespace_name']`; None: every
            record goes to `log_group_name`.
        log_stream_prefix: prefix of the stream names (the tag is appended); None with `log_stream_name`.
        auto_create_group: create missing groups.
        retention_days: retention of created groups (a CloudWatch Logs value); None: never expire.
        iam_role_arn: the IRSA role of the ServiceAccount the shipper runs as.
        log_stream_name: one stream for every record (may hold `${VAR}`, e.g. `${POD_NAME}`); None: a stream per
            tag, `log_stream_prefix` + tag.

    Raises:
        ValueError: both or neither of `log_stream_prefix` and `log_stream_name` (Fluent Bit refuses the output).
    """

    region: str
    log_group_name: str
    log_group_template: str | None
    log_stream_prefix: str | None
    auto_create_group: bool
    retention_days: int | None
    iam_role_arn: str
    log_stream_name: str | None = None

    def __post_init__(self) -> None:
        if (self.log_stream_prefix is None) == (self.log_stream_name is None):
            raise ValueError("cloudwatch_logs needs exactly one of log_stream_prefix and log_stream_name")

    def settings(self, match: str) -> dict[str, Any]:
        """The output's keys in `fluent-bit.yaml`, for the records whose tag matches `match`."""
        return _drop_none({
            "name": "cloudwatch_logs", "match": match, "region": self.region,
            "log_group_name": self.log_group_name, "log_group_template": self.log_group_template,
            "log_stream_name": self.log_stream_name, "log_stream_prefix": self.log_stream_prefix,
            "auto_create_group": self.auto_create_group,
            "log_retention_days": self.retention_days if self.auto_create_group else None,
        })


@dataclass(frozen=True)
class StdoutOutput:
    """The `stdout` output: records printed in `format` (`json_lines`, `json`, `json_stream`, `msgpack`)."""

    format: str

    def settings(self, match: str) -> dict[str, Any]:
        """The output's keys in `fluent-bit.yaml`, for the records whose tag matches `match`."""
        return {"name": "stdout", "match": match, "format": self.format}


def tail_input(*, tag: str, paths: list[str], db: str, mem_buf_limit: str, multiline_parser: str,
               exclude_paths: tuple[str, ...] = (), read_from_head: bool = False) -> dict[str, Any]:
    """A `tail` input of the files `paths` (globs) but `exclude_paths`, tagged `tag` (`x.*`: `*` becomes the file path
    with `/` as `.`), lines joined by the built-in multiline parser `multiline_parser`, offsets in database `db` (its
    directory writable), buffering up to `mem_buf_limit` (a Fluent Bit size, `5MB`) before it pauses; with
    `read_from_head`, a file without an offset is read from its start (one written before Fluent Bit started)."""
    return _drop_none({
        "name": "tail", "tag": tag, "path": ",".join(paths), "exclude_path": ",".join(exclude_paths) or None,
        "multiline.parser": multiline_parser, "db": db, "db.locking": True, "mem_buf_limit": mem_buf_limit,
        "skip_long_lines": True, "refresh_interval": 10, "read_from_head": read_from_head or None,
    })


def configuration(*, inputs: list[dict[str, Any]], filters: list[dict[str, Any]],
                  output: CloudWatchOutput | StdoutOutput, match: str, http_server: bool,
                  multiline_parsers: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """`fluent-bit.yaml` as data: `service` (flush every second; with `http_server`, the HTTP server on `HTTP_PORT`
    with `health_check`: `/api/v1/health` answers 200 while the output's errors stay below the thresholds), the
    `multiline_parsers` the inputs name, the `inputs`, the `filters` and `output` for the records matching `match`."""
    service: dict[str, Any] = {"flush": 1, "log_level": "info"}
    if http_server:
        service |= {"http_server": True, "http_listen": "0.0.0.0", "http_port": HTTP_PORT, "health_check": True}
    return {"service": service, **({"multiline_parsers": multiline_parsers} if multiline_parsers else {}),
            "pipeline": {"inputs": inputs, "filters": filters, "outputs": [output.settings(match)]}}


FLINK_LOG_LINE = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} "
"""How a line of Flink's log4j layout starts (`%d{yyyy-MM-dd HH:mm:ss,SSS} %-5p ...`)."""
FLINK_MULTILINE = "flink"
FLINK_MULTILINE_PARSER: dict[str, Any] = {
    "name": FLINK_MULTILINE, "type": "regex", "flush_timeout": 1000,
    "rules": [{"state": "start_state", "regex": f"/^{FLINK_LOG_LINE}/", "next_state": "cont"},
              {"state": "cont", "regex": f"/^(?!{FLINK_LOG_LINE})/", "next_state": "cont"}],
}
"""One record per Flink log line with every line after it up to the next timestamp (a stack trace, a multi-line
message). Fluent Bit's built-in `java` parser starts a record only at an `...Exception:` line, so it would split a
log line from its stack trace (https://docs.fluentbit.io/manual/administration/configuring-fluent-bit/multiline-parsing)."""


SIDECAR = "fluent-bit"
"""The sidecar container's name."""
SIDECAR_CONFIG_MAP = "flink-fluent-bit-config"
"""The sidecars' ConfigMap, one per namespace (the cluster comes from the container's env)."""
SIDECAR_CONFIG_DIR = "/fluent-bit/etc/conf"
FLINK_LOG_DIR = "/opt/flink/log"
"""Where Flink's start scripts point `log.file` (`FLINK_LOG_DIR`, default `$FLINK_HOME/log`)."""
SIDECAR_STATE_DIR = "/fluent-bit/state"
LOG_VOLUME, STATE_VOLUME, CONFIG_VOLUME = "flink-logs", "fluent-bit-state", "fluent-bit-config"
SIDECAR_TAG = "flink.*"
METADATA_PREFIX = "kubernetes_"
SIDECAR_ENV = (Env("POD_NAME", field_path="metadata.name"), Env("NAMESPACE", field_path="metadata.namespace"))
"""What the sidecar learns from the downward API (the DaemonSet's kubernetes filter asks the API server instead)."""
CLUSTER_ENV = "FLINK_CLUSTER"


@dataclass(frozen=True)
class FluentBitSidecarProps:
    """A Fluent Bit native sidecar (an init container with `restartPolicy: Always`, Kubernetes 1.29+) beside
    `flink-main-container` in each pod of an operator-run Flink cluster. Native, not a plain container: Flink creates
    TaskManager pods with `restartPolicy: Never` and deletes one as soon as any of its `containerStatuses` is
    terminated (flink-kubernetes KubernetesPod.isTerminated), so a crashed or OOM-killed plain sidecar would take the
    TaskManager and the job down with it; a native sidecar is restarted by the kubelet, starts before Flink and is
    reported under `initContainerStatuses`. It tails the
    Flink process's log files (`FLINK_LOG_DIR/*.log`, a shared emptyDir the main container writes and the sidecar
    mounts read-only) and ships each record with `kubernetes.{pod_name, namespace_name, container_name,
    flink_cluster}` to `output`.

    Attributes:
        image: pinned Fluent Bit image (e.g. `cr.fluentbit.io/fluent/fluent-bit:4.0.7`).
        output: where records go; a CloudWatch output's `log_stream_name` may use `${POD_NAME}` (a stream per pod),
            `${NAMESPACE}` and `${FLINK_CLUSTER}`; its role must be the IRSA role of the cluster's job
            ServiceAccount (a pod has one ServiceAccount).
        resources: the sidecar's resources.
        mem_buf_limit: the tail input's `mem_buf_limit`.
    """

    image: str
    output: CloudWatchOutput | StdoutOutput
    resources: Resources
    mem_buf_limit: str

    def configuration(self) -> dict[str, Any]:
        """`fluent-bit.yaml` as data: the tail input (the `flink` multiline parser joins stack traces to their log
        line; read from the head, since Flink writes before the sidecar starts), the metadata (`record_modifier`
        from the env, nested under `kubernetes` by `nest`) and the output; no HTTP server (nothing probes it)."""
        tail = tail_input(tag=SIDECAR_TAG, paths=[f"{FLINK_LOG_DIR}/*.log"], db=f"{SIDECAR_STATE_DIR}/tail.db",
                          mem_buf_limit=self.mem_buf_limit, multiline_parser=FLINK_MULTILINE,
                          read_from_head=True)
        metadata = {"pod_name": "${POD_NAME}", "namespace_name": "${NAMESPACE}",
                    "container_name": "flink-main-container", "flink_cluster": f"${{{CLUSTER_ENV}}}"}
        filters: list[dict[str, Any]] = [
            {"name": "record_modifier", "match": SIDECAR_TAG,
             "record": [f"{METADATA_PREFIX}{key} {value}" for key, value in metadata.items()]},
            {"name": "nest", "match": SIDECAR_TAG, "operation": "nest", "wildcard": f"{METADATA_PREFIX}*",
             "nest_under": "kubernetes", "remove_prefix": METADATA_PREFIX},
        ]
        return configuration(inputs=[tail], filters=filters, output=self.output, match=SIDECAR_TAG, http_server=False,
                             multiline_parsers=[FLINK_MULTILINE_PARSER])

    def pod_options(self, cluster: str) -> PodOptions:
        """The volumes and the sidecar of cluster `cluster`'s pods: `flink-logs` (emptyDir at `FLINK_LOG_DIR` in the
        main container, read-only in the sidecar), `fluent-bit-state` (emptyDir, the offsets database) and
        `fluent-bit-config` (the ConfigMap), the latter two mounted in the sidecar only."""
        sidecar = Container(
            name=SIDECAR, image=self.image, command=("/fluent-bit/bin/fluent-bit",),
            args=("--workdir=/fluent-bit/etc", f"--config={SIDECAR_CONFIG_DIR}/{CONFIG_FILE}"),
            env=(*SIDECAR_ENV, Env(CLUSTER_ENV, value=cluster)),
            mounts=(VolumeMount(LOG_VOLUME, FLINK_LOG_DIR, read_only=True),
                    VolumeMount(STATE_VOLUME, SIDECAR_STATE_DIR),
                    VolumeMount(CONFIG_VOLUME, SIDECAR_CONFIG_DIR, read_only=True)),
            resources=self.resources, restart_policy="Always")
        return PodOptions(
            volumes=(PodVolume(LOG_VOLUME, FLINK_LOG_DIR, empty_dir=True),
                     PodVolume(STATE_VOLUME, SIDECAR_STATE_DIR, empty_dir=True, main_container=False),
                     PodVolume(CONFIG_VOLUME, SIDECAR_CONFIG_DIR, read_only=True, config_map=SIDECAR_CONFIG_MAP,
                               main_container=False)),
            init_containers=(sidecar,))


class FluentBitSidecarConfig(constructs.Construct):
    """ConfigMap `flink-fluent-bit-config` (key `fluent-bit.yaml`) in `namespace`, read by the sidecars of its Flink
    clusters. Props: `namespace`, `component` (labels), `wave`, `props`."""

    def __init__(self, scope: constructs.Construct, id: str, *, namespace: str, component: Component,
                 wave: SyncWave, props: FluentBitSidecarProps):
        super().__init__(scope, id)
        self.config_map: RenderedConfigMap = config_map(
            self, "ConfigMap", name=SIDECAR_CONFIG_MAP, namespace=namespace, component=component, wave=wave,
            data={CONFIG_FILE: yaml.safe_dump(props.configuration(), sort_keys=False)})


def _drop_none(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}
