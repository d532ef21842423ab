"""Fluent Bit as a DaemonSet: tails the nodes' container logs and ships them to CloudWatch Logs or stdout.

Rendered (namespace `logs.namespace`, file `03-logging`): ServiceAccount `fluent-bit` (IRSA role for CloudWatch),
ClusterRole and ClusterRoleBinding `fluent-bit` (get/list/watch pods and namespaces: what the `kubernetes` filter
reads), ConfigMap `fluent-bit-config` (`fluent-bit.yaml`, Fluent Bit's YAML configuration format) and the
DaemonSet `fluent-bit`.

Upstream (Fluent Bit 4.0, https://docs.fluentbit.io/manual/): `tail` input (`path`, `exclude_path`,
`multiline.parser cri`: the built-in parser of the CRI log format containerd and CRI-O write, `db`), `kubernetes`
filter (`kube_tag_prefix`, `merge_log`, `k8s-logging.exclude`), `cloudwatch_logs` output (`region`,
`log_group_name`, `log_group_template` with record accessor syntax, `log_stream_prefix`, `auto_create_group`,
`log_retention_days`), `stdout` output (`format`), the HTTP server (`http_server`, `http_port` 2020,
`health_check`: `/api/v1/health` answers 200 while the output's errors stay below the thresholds). The pod layout
follows the fluent/helm-charts `fluent-bit` chart (command, `--workdir`, `--config`, probes, `/var/log` hostPath),
with a read-only `/var/log` and no `/var/lib/docker/containers` (CRI runtimes only).

Pod security (README "Pod security"): the pods need hostPath volumes (`/var/log` read-only; the offsets database's
directory read-write) and run as the image's root user to read the root-owned log files, so they are not
"restricted" (declared with `lakehouse.dev/pod-security-exception`) and the namespace enforces `privileged`
(baseline forbids hostPath). Everything else stays restricted: all capabilities dropped, no privilege escalation,
seccomp RuntimeDefault, read-only root filesystem.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import constructs
import yaml
from cdk8s_plus_27 import k8s

from charts.blocks import pod_security
from charts.blocks.component_chart import ComponentChart
from charts.blocks.fluent_bit_config import (
    CONFIG_FILE,
    HTTP_PORT,
    CloudWatchOutput,
    StdoutOutput,
    configuration,
    tail_input,
)
from charts.blocks.metadata import Component, SyncWave, image_tag, object_meta
from charts.blocks.pod_spec import api_toleration
from charts.blocks.rbac import Rule, binding, role
from charts.blocks.s3 import IRSA_ANNOTATION
from charts.blocks.workloads import Port, config_map, config_map_volume, http_probe, resources, rollout_annotations
from config.pod_values import Toleration

NAME = "fluent-bit"
CONFIG_MAP = "fluent-bit-config"
CONFIG_DIR = "/fluent-bit/etc/conf"
"""Where the ConfigMap is mounted (the fluent/helm-charts chart's directory)."""
HTTP = Port("http", HTTP_PORT)
"""Fluent Bit's HTTP server (health, metrics): `http_port`, default 2020."""
LOG_DIR = "/var/log"
"""The node's log directory: `/var/log/containers/*.log` are symlinks into `/var/log/pods`, both under it."""
TAG_PREFIX = "kube.var.log.containers."
"""The tail input's tag `kube.*` expands `*` to the file path with `/` as `.`: the kubernetes filter strips this."""
WAVE = SyncWave.OPERATORS
"""With the operators: the shipper runs before the workloads whose logs it collects."""
RULES = [Rule(("",), ("pods", "namespaces"), ("get", "list", "watch"))]
"""What the kubernetes filter reads (pod labels and metadata, namespace labels); nothing else."""
EXCLUDE_ANNOTATION = "fluentbit.io/exclude"
"""Pod annotation the kubernetes filter (`k8s-logging.exclude on`) honours: Fluent Bit's own logs are dropped."""


@dataclass(frozen=True)
class FluentBitProps:
    """The Fluent Bit DaemonSet.

    Attributes:
        image: pinned image (e.g. `cr.fluentbit.io/fluent/fluent-bit:4.0.7`).
        namespaces: namespaces whose containers' logs are tailed (`*`: all), as `/var/log/containers/*_<ns>_*.log`.
        exclude_paths: globs of log files not tailed (`exclude_path`).
        output: where records go.
        resources: container resources (`{"requests": {...}, "limits": {...}}`).
        mem_buf_limit: the tail input's `mem_buf_limit` (a Fluent Bit unit size, e.g. `5MB`).
        priority_class_name: the pods' PriorityClass; None: none.
        tolerations: taints tolerated (a DaemonSet runs on every node it tolerates).
        state_host_path: node directory of the offsets database (hostPath, read-write).
    """

    image: str
    namespaces: tuple[str, ...]
    exclude_paths: tuple[str, ...]
    output: CloudWatchOutput | StdoutOutput
    resources: dict[str, dict[str, str]]
    mem_buf_limit: str
    priority_class_name: str | None
    tolerations: tuple[Toleration, ...]
    state_host_path: str

    def __post_init__(self) -> None:
        if not self.namespaces:
            raise ValueError("Fluent Bit needs at least one namespace to tail")

    @property
    def run_as(self) -> pod_security.RunAs:
        """The image's root user (declared exception), read-only root filesystem."""
        return pod_security.RunAs(uid=None, read_only_root_filesystem=True, exception=(
            f"Fluent Bit reads the node's container logs: hostPath {LOG_DIR} (read-only) and {self.state_host_path} "
            "(tail offsets), as the image's root user (the log files are root's)"))

    def pipeline(self) -> dict[str, Any]:
        """`fluent-bit.yaml` as data (`charts.blocks.fluent_bit_config.configuration`): the HTTP server with its health
        check, the tail input of the tailed namespaces' container logs (CRI format), the kubernetes filter and the
        output."""
        tail = tail_input(tag="kube.*", paths=[f"{LOG_DIR}/containers/*_{ns}_*.log" for ns in self.namespaces],
                          exclude_paths=self.exclude_paths, multiline_parser="cri",
                          db=f"{self.state_host_path}/tail.db", mem_buf_limit=self.mem_buf_limit)
        kubernetes = {"name": "kubernetes", "match": "kube.*", "kube_tag_prefix": TAG_PREFIX, "merge_log": True,
                      "keep_log": False, "k8s-logging.parser": False, "k8s-logging.exclude": True, "labels": True,
                      "annotations": False}
        return configuration(inputs=[tail], filters=[kubernetes], output=self.output, match="kube.*",
                             http_server=True)


class FluentBitChart(ComponentChart):
    """ServiceAccount, ClusterRole/Binding, ConfigMap and DaemonSet `fluent-bit` in `namespace`."""

    def __init__(self, scope: constructs.Construct, id: str, *, namespace: str, props: FluentBitProps):
        super().__init__(scope, id, namespace=namespace)
        component = Component(NAME, NAME, image_tag(props.image), "log-shipper")
        irsa = {IRSA_ANNOTATION: props.output.iam_role_arn} if isinstance(props.output, CloudWatchOutput) else {}
        k8s.KubeServiceAccount(self, "ServiceAccount",
                               metadata=object_meta(NAME, namespace, component, WAVE, extra_annotations=irsa or None))
        role(self, "ClusterRole", name=NAME, namespace=None, component=component, rules=RULES, wave=WAVE)
        binding(self, "ClusterRoleBinding", name=NAME, namespace=None, component=component, role_name=NAME,
                cluster_role=True, subjects=[(NAME, namespace)], wave=WAVE)
        conf = config_map(self, "ConfigMap", name=CONFIG_MAP, namespace=namespace, component=component, wave=WAVE,
                          data={CONFIG_FILE: yaml.safe_dump(props.pipeline(), sort_keys=False)})
        run_as = props.run_as
        container = k8s.Container(
            name=NAME, image=props.image,
            command=["/fluent-bit/bin/fluent-bit"],
            args=["--workdir=/fluent-bit/etc", f"--config={CONFIG_DIR}/{CONFIG_FILE}"],
            ports=[HTTP.container_port()],
            resources=resources(props.resources),
            liveness_probe=http_probe("/", HTTP, initial_delay=10, period=10, failure_threshold=3),
            readiness_probe=http_probe("/api/v1/health", HTTP, initial_delay=5, period=10, failure_threshold=3),
            security_context=pod_security.container_security_context(run_as),
            volume_mounts=[
                k8s.VolumeMount(name="config", mount_path=CONFIG_DIR, read_only=True),
                k8s.VolumeMount(name="varlog", mount_path=LOG_DIR, read_only=True),
                k8s.VolumeMount(name="state", mount_path=props.state_host_path),
            ],
        )
        template = k8s.PodTemplateSpec(
            metadata=k8s.ObjectMeta(labels=component.labels(), annotations={
                **pod_security.pod_annotations(run_as), **rollout_annotations(conf), EXCLUDE_ANNOTATION: "true"}),
            spec=k8s.PodSpec(
                service_account_name=NAME,
                priority_class_name=props.priority_class_name,
                security_context=pod_security.pod_security_context(run_as),
                tolerations=[api_toleration(t) for t in props.tolerations] or None,
                containers=[container],
                volumes=[
                    config_map_volume("config", CONFIG_MAP),
                    k8s.Volume(name="varlog", host_path=k8s.HostPathVolumeSource(path=LOG_DIR, type="Directory")),
                    k8s.Volume(name="state", host_path=k8s.HostPathVolumeSource(path=props.state_host_path,
                                                                                type="DirectoryOrCreate")),
                ],
            ),
        )
        self.daemon_set = k8s.KubeDaemonSet(
            self, "DaemonSet", metadata=object_meta(NAME, namespace, component, WAVE),
            spec=k8s.DaemonSetSpec(selector=k8s.LabelSelector(match_labels=component.selector_labels()),
                                   template=template,
                                   update_strategy=k8s.DaemonSetUpdateStrategy(type="RollingUpdate")))

