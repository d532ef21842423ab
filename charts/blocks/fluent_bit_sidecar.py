"""The Fluent Bit sidecar beside each Flink process (`FluentBitSidecarProps`) and its ConfigMap
(`FluentBitSidecarConfig`); the configuration comes from `charts.blocks.fluent_bit_config`.

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
from charts.blocks.fluent_bit_config import CONFIG_FILE, CloudWatchOutput, StdoutOutput, configuration, tail_input
from charts.blocks.metadata import Component, SyncWave
from charts.blocks.pod_options import ExtraContainer, PodOptions, PodVolume
from charts.blocks.workloads import RenderedConfigMap, config_map
from config.common import Resources
from config.pod_values import VolumeMount

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
        sidecar = ExtraContainer(
            name=SIDECAR, image=self.image, command=("/fluent-bit/bin/fluent-bit",),
            args=("--workdir=/fluent-bit/etc", f"--config={SIDECAR_CONFIG_DIR}/{CONFIG_FILE}"),
            env=(*SIDECAR_ENV, Env(CLUSTER_ENV, value=cluster)),
            mounts=(VolumeMount(name=LOG_VOLUME, mount_path=FLINK_LOG_DIR, read_only=True),
                    VolumeMount(name=STATE_VOLUME, mount_path=SIDECAR_STATE_DIR),
                    VolumeMount(name=CONFIG_VOLUME, mount_path=SIDECAR_CONFIG_DIR, read_only=True)),
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

