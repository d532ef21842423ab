"""Fluent Bit's YAML configuration, one builder for both shippers: the DaemonSet
(`charts.logging.fluent_bit_daemon_set`, node logs) and the sidecar beside each Flink process
(`charts.blocks.fluent_bit_sidecar`, its log files).

Upstream (Fluent Bit 4.0, https://docs.fluentbit.io/manual/): the YAML configuration format (`service`, `pipeline`
with `inputs`, `filters`, `outputs`; `${VAR}` in a value is the environment variable's value,
https://docs.fluentbit.io/manual/administration/configuring-fluent-bit/yaml/environment-variables-section); the
`tail` input (`path`, `exclude_path`, `multiline.parser`, `db`, `db.locking`, `mem_buf_limit`, `skip_long_lines`,
`refresh_interval`, `read_from_head`), the `record_modifier` filter (`record`: `<key> <value>` pairs) and the `nest`
filter (`operation nest`, `wildcard`, `nest_under`, `remove_prefix`), the `cloudwatch_logs` output (`region`,
`log_group_name`, `log_group_template`, `log_stream_name` / `log_stream_prefix`, `auto_create_group`,
`log_retention_days`) and the `stdout` output (`format`); the HTTP server (`http_server`, `http_port` 2020,
`health_check`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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


def _drop_none(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}
