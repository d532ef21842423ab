"""Iceberg environment references (`env:NAME`, `manifests.iceberg_env_reference`) must resolve where they are read.

Iceberg drops a reference whose variable is unset, and the catalog then connects without a credential:
Polaris answers 401 at run time, long after `kubectl apply` succeeded. This check finds that before.
Where a reference is read, and which container must set the variable:
- FlinkSessionJob `spec.job.args`: its session cluster's JobManager and TaskManager (the main container
  `flink-main-container`, common pod template merged with the JobManager's or TaskManager's own:
  `manifests.restricted.pod_specs`). FlinkDeployment `spec.job.args`: the same containers of that deployment.
- SparkApplication `spec.sparkConf`: the driver (`spec.driver.env`), where Iceberg's SparkCatalog is built; the
  same in a ScheduledSparkApplication's `spec.template`.
- ConfigMap data (config lines `key: env:NAME`): every container that mounts the ConfigMap, through a
  `configMap` or a `projected` volume, in core workloads and in FlinkDeployment pod templates.
A container with `envFrom` may receive any variable; it is given the benefit of the doubt.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from manifests.iceberg_env_reference import referenced_variable
from manifests.restricted import pod_specs
from manifests.tree import config_entries, pod_template, volume_config_maps
from manifests.validation.manifests import spark_application_spec
from manifests.validation.report import Finding, Layer, Manifest, finding
from upstream.flink_options import FLINK_MAIN_CONTAINER


def _env_names(container: dict[str, Any]) -> set[str] | None:
    """Names the container sets; None when `envFrom` may set any."""
    if container.get("envFrom"):
        return None
    return {str(e.get("name")) for e in container.get("env") or []}


def _main_container_env(pod: dict[str, Any]) -> set[str] | None:
    for container in pod.get("containers") or []:
        if container.get("name") == FLINK_MAIN_CONTAINER:
            return _env_names(container)
    return set()


def _config_map_references(config_map: dict[str, Any]) -> list[tuple[str, str]]:
    """(data key, variable) of every `key: env:NAME` line in a ConfigMap's data."""
    return [(key, variable) for key, text in sorted((config_map.get("data") or {}).items())
            for _, value in config_entries(str(text), key) if (variable := referenced_variable(value))]


def _mounted_config_map_findings(m: Manifest, reads: dict[tuple[str | None, str], list[tuple[str, str]]]
                                 ) -> Iterator[Finding]:
    """`reads`: (namespace, ConfigMap) -> its (data key, variable) references."""
    workload = pod_template(m.obj)
    for role, pod in pod_specs(m.obj).items():
        path = f"{workload[0]}.spec" if workload else f"spec.{role} (merged with spec.podTemplate)"
        volumes = {v.get("name"): volume_config_maps(v) for v in pod.get("volumes") or []}
        for key in ("initContainers", "containers"):
            for container in pod.get(key) or []:
                names = _env_names(container)
                if names is None:
                    continue
                mounted = [name for mount in container.get("volumeMounts") or []
                           for name in volumes.get(mount.get("name"), [])]
                for name in mounted:
                    for data_key, variable in reads.get((m.namespace, name), []):
                        if variable not in names:
                            yield finding(
                                m, f"{path}.{key}[name={container.get('name')}]",
                                f"mounts ConfigMap {name!r}, whose {data_key} reads env:{variable}, "
                                f"but the container does not set {variable}", Layer.REFERENCE)


def _flink_arg_findings(m: Manifest, args: list[Any], cluster: str, role_env: dict[str, set[str] | None]
                        ) -> Iterator[Finding]:
    """`role_env`: the cluster's main-container env names per role (None: `envFrom`)."""
    for index, arg in enumerate(args):
        variable = referenced_variable(str(arg))
        if variable is None:
            continue
        missing = [role for role, names in role_env.items() if names is not None and variable not in names]
        if missing:
            yield finding(m, f"spec.job.args[{index}]",
                          f"Iceberg resolves env:{variable} in FlinkDeployment {cluster!r}, whose "
                          f"{FLINK_MAIN_CONTAINER} does not set {variable} ({', '.join(missing)})", Layer.REFERENCE)


def _spark_conf_findings(m: Manifest, path: str, spec: dict[str, Any]) -> Iterator[Finding]:
    """`spec`: the SparkApplication spec at `path` (a ScheduledSparkApplication's `spec.template`)."""
    names = _env_names(spec.get("driver") or {})
    if names is None:
        return
    for key, value in sorted((spec.get("sparkConf") or {}).items()):
        variable = referenced_variable(str(value))
        if variable and variable not in names:
            yield finding(m, f"{path}.sparkConf.{key}",
                          f"Iceberg resolves env:{variable} in the driver, but {path}.driver.env does not set "
                          f"{variable}", Layer.REFERENCE)


def check(manifests: list[Manifest]) -> list[Finding]:
    """Findings for `env:NAME` references whose reading container does not set NAME. Targets that are not
    among `manifests` (a session cluster, a ConfigMap) are left to the references layer."""
    reads = {(m.namespace, m.name): refs for m in manifests
             if m.kind == "ConfigMap" and (refs := _config_map_references(m.obj))}
    cluster_env = {(m.namespace, m.name): {role: _main_container_env(pod) for role, pod in pod_specs(m.obj).items()}
                   for m in manifests if m.kind == "FlinkDeployment"}
    findings: list[Finding] = []
    for m in manifests:
        findings += _mounted_config_map_findings(m, reads)
        spec = m.obj.get("spec") or {}
        args = (spec.get("job") or {}).get("args") or []
        cluster = m.name if m.kind == "FlinkDeployment" else str(spec.get("deploymentName"))
        if m.kind in ("FlinkSessionJob", "FlinkDeployment") and (role_env := cluster_env.get((m.namespace, cluster))):
            findings += _flink_arg_findings(m, args, cluster, role_env)
        elif spark := spark_application_spec(m):
            findings += _spark_conf_findings(m, *spark)
    return findings
