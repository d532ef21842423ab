"""Every Flink configuration key a manifest writes is a key of the pinned Flink release (`upstream.flink_keys`).

Where Flink keys are written:
- a FlinkDeployment's and a FlinkSessionJob's `spec.flinkConfiguration` (nested maps joined with `.`);
- the configuration file (`flink-conf.yaml`, else `config.yaml`) in the `FLINK_CONF_DIR` of a Flink process: the
  operator and its webhook (their default configuration; keys under
  `kubernetes.operator.default-configuration.<namespace or version>.` are Flink keys too), a standalone JobManager
  or TaskManager (the image's entrypoint `jobmanager`, `standalone-job`, `taskmanager`), the SQL Gateway;
- `-D<key>=<value>` dynamic properties of such a process (Flink's scripts pass them to its configuration:
  `DynamicPropertiesUtil`, `bin/sql-gateway.sh`).
An unknown key is an error naming the closest known key, an older name an error naming the current one, a value
Flink cannot read for its option an error with Flink's message (`upstream.flink_keys.read_value`, whose readers a
differential test holds to Flink's own); an option Flink deprecated without a new name is a warning.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from manifests.tree import pod_template
from manifests.validation.flink_config import conf_dir_files, flat_config, is_operator, read_config_file
from manifests.validation.manifests import config_map_data
from manifests.validation.report import Finding, Layer, Level, Manifest, finding
from upstream.flink_keys import flink_keys

FLINK_ENTRYPOINT_ROLES = frozenset({"jobmanager", "standalone-job", "taskmanager"})
"""The Flink image's entrypoint commands (apache/flink-docker `docker-entrypoint.sh`) that start a Flink process."""
FLINK_SCRIPTS = "/opt/flink/bin/"


def is_flink_process(container: dict[str, Any]) -> bool:
    """A container that runs Flink (or the operator) and so reads Flink's configuration: the operator's entrypoint,
    the Flink image's entrypoint with a Flink role, or one of Flink's scripts."""
    command = [str(c) for c in [*(container.get("command") or []), *(container.get("args") or [])]]
    return is_operator(container) or bool(FLINK_ENTRYPOINT_ROLES & set(command[:2])) or any(
        c.startswith(FLINK_SCRIPTS) for c in command)


def _findings(conf: dict[str, str], where: str) -> Iterator[tuple[str, str, Level]]:
    """(where, message, level) for each refused or deprecated key of `conf` and each value Flink cannot read."""
    index = flink_keys()
    for key in sorted(conf):
        problem = index.problem(key) or index.value_problem(key, conf[key])
        deprecation = None if problem else index.deprecation(key)
        if problem or deprecation:
            yield where, f"{key}: {problem or deprecation}", Level.ERROR if problem else Level.WARNING


def check(manifests: list[Manifest]) -> list[Finding]:
    """Findings for the Flink keys of `manifests` (module docstring), each once per place it is written."""
    config_maps = config_map_data(manifests)
    by_name = {(m.namespace, m.name): m for m in manifests if m.kind == "ConfigMap"}
    findings: set[Finding] = set()
    for m in manifests:
        if m.kind in ("FlinkDeployment", "FlinkSessionJob"):
            conf = flat_config((m.obj.get("spec") or {}).get("flinkConfiguration"))
            findings.update(finding(m, where, message, Layer.RULE, level) for where, message, level
                            in _findings(conf, "spec.flinkConfiguration"))
        found = pod_template(m.obj)
        pod = ((found[1] if found else {}).get("spec") or {})
        for index, container in enumerate(pod.get("containers") or []):
            if not is_flink_process(container):
                continue
            arguments = [str(c) for c in [*(container.get("command") or []), *(container.get("args") or [])]]
            dynamic = dict(a[2:].split("=", 1) for a in arguments if a.startswith("-D") and "=" in a)
            findings.update(finding(m, where, f"-D{message}", Layer.RULE, level) for where, message, level
                            in _findings(dynamic, f"{found[0] if found else ''}.spec.containers[{index}]"))
            config_file = read_config_file(conf_dir_files(pod, container, m.namespace, config_maps))
            if config_file is not None and (m.namespace, config_file[0].config_map) in by_name:
                source = by_name[(m.namespace, config_file[0].config_map)]
                findings.update(finding(source, where, message, Layer.RULE, level) for where, message, level
                                in _findings(config_file[1], f"data.{config_file[0].key}"))
    return sorted(findings)
