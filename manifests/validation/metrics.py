"""Metrics: what a pod announces to Prometheus or Datadog is a port something listens on.

Scrape annotations (`prometheus.io/port`) and Datadog autodiscovery checks (`ad.datadoghq.com/<container>.checks`,
or the older `check_names` / `init_configs` / `instances` triple) are read by agents outside the cluster's API
server: nothing rejects one that names the wrong port or container, and the metrics are silently missing (Datadog
matches a check to the container by name and reports a malformed value only in `agent status`). So, per pod (a core
workload's template; each role of a FlinkDeployment, the common pod template merged with the role's, as the operator
does):
- `prometheus.io/port` is a declared container port of the pod;
- a Datadog check names a container of the pod, is valid JSON of the documented shape (the triple complete, its three
  lists of one length), and each OpenMetrics endpoint with a literal port names a declared port of that container;
- FlinkDeployment: each Prometheus reporter of the effective configuration (the rendered operator's default
  `flink-conf.yaml`, then `flinkConfiguration`; Flink 1.20 `PrometheusReporterFactory`, port default `9249`, a port
  or a range of which it binds the first free one) listens on a port declared on `flink-main-container` in both roles
  (the JobManager and every TaskManager run it); two reporters whose ports overlap cannot both bind; and an announced
  port of `flink-main-container` is one a reporter binds (a declared port with nothing behind it is scraped in vain).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from manifests.tree import pod_template
from manifests.validation.flink_config import FlinkConf, OperatorDefaults, flat_config, operator_defaults
from manifests.validation.report import Finding, Layer, Manifest, finding
from upstream.flink_options import FLINK_MAIN_CONTAINER
from upstream.metrics_annotations import CHECKS, DATADOG_PREFIX, LEGACY, SCRAPE, SCRAPE_PORT

PROMETHEUS_FACTORY = "org.apache.flink.metrics.prometheus.PrometheusReporterFactory"
PROMETHEUS_CLASS = "org.apache.flink.metrics.prometheus.PrometheusReporter"
DEFAULT_REPORTER_PORT = "9249"
_REPORTER_KEY = re.compile(r"metrics\.reporter\.([^.]+)\.(factory\.class|class)")
_ENDPOINT_PORT = re.compile(r"^https?://[^/:]+:([^/]+)")


def check(manifests: list[Manifest]) -> list[Finding]:
    """A finding per announced port or container that the pod does not have, per malformed Datadog check, and per
    FlinkDeployment reporter that is undeclared or shares a port."""
    defaults = operator_defaults(manifests)
    findings: list[Finding] = []
    for m in manifests:
        for path, announced, containers in _pods(m):
            findings += [finding(m, where, message, Layer.RULE) for where, message in
                         _announced(path, announced, containers)]
        if m.kind == "FlinkDeployment":
            findings += [finding(m, where, message, Layer.RULE) for where, message in _reporters(m, defaults)]
    return findings


def _pods(m: Manifest) -> Iterator[tuple[str, dict[str, str], dict[str, set[int]]]]:
    """(annotations path, annotations, declared ports by container name) of each pod `m` makes."""
    found = pod_template(m.obj)
    if found is not None:
        path, template = found
        yield (f"{path}.metadata.annotations", (template.get("metadata") or {}).get("annotations") or {},
               {c.get("name", "?"): _ports(c) for c in (template.get("spec") or {}).get("containers") or []})
    elif m.kind == "FlinkDeployment":
        spec = m.obj.get("spec") or {}
        for role in ("jobManager", "taskManager"):
            yield (f"spec.{role}.podTemplate.metadata.annotations (merged with spec.podTemplate)",
                   _flink_annotations(spec, role), _flink_containers(spec, role))


def _ports(container: dict[str, Any]) -> set[int]:
    return {p["containerPort"] for p in container.get("ports") or [] if isinstance(p.get("containerPort"), int)}


def _templates(spec: dict[str, Any], role: str) -> list[dict[str, Any]]:
    """The common pod template, then the role's (the operator merges the role's over the common one)."""
    return [spec.get("podTemplate") or {}, (spec.get(role) or {}).get("podTemplate") or {}]


def _flink_annotations(spec: dict[str, Any], role: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for template in _templates(spec, role):
        merged.update((template.get("metadata") or {}).get("annotations") or {})
    return merged


def _flink_containers(spec: dict[str, Any], role: str) -> dict[str, set[int]]:
    """Declared ports by container of a role's pod (both templates' containers, ports united; the operator builds
    `flink-main-container` even when no template names it)."""
    containers: dict[str, set[int]] = {FLINK_MAIN_CONTAINER: set()}
    for template in _templates(spec, role):
        for container in (template.get("spec") or {}).get("containers") or []:
            containers.setdefault(container.get("name", "?"), set()).update(_ports(container))
    return containers


def _announced(path: str, annotations: dict[str, str], containers: dict[str, set[int]]) -> Iterator[tuple[str, str]]:
    declared = sorted(set().union(*containers.values()))
    port = annotations.get(SCRAPE_PORT)
    if annotations.get(SCRAPE) == "true" and port is not None and (
            not port.isdigit() or int(port) not in declared):
        yield (f"{path}.{SCRAPE_PORT}", f"{port!r} is not a declared container port of the pod (declared: "
                                        f"{_listing(declared)}): Prometheus would scrape a port the pod does not expose")
    for container in sorted({key[len(DATADOG_PREFIX):].rsplit(".", 1)[0] for key in annotations
                             if key.startswith(DATADOG_PREFIX) and key.rsplit(".", 1)[-1] in (CHECKS, *LEGACY)}):
        prefix = f"{DATADOG_PREFIX}{container}."
        if container not in containers:
            yield (f"{path}.{prefix}*", f"container {container!r} is not in the pod (containers: "
                                        f"{', '.join(sorted(containers))}): Datadog matches checks to containers by name")
            continue
        for key, instances, problem in _datadog_instances(annotations, prefix):
            if problem:
                yield f"{path}.{key}", problem
                continue
            for index, instance in enumerate(instances):
                endpoint = str(instance.get("openmetrics_endpoint") or instance.get("prometheus_url") or "")
                match = _ENDPOINT_PORT.match(endpoint)
                if match and match.group(1).isdigit() and int(match.group(1)) not in containers[container]:
                    yield (f"{path}.{key}", f"instance {index}: {endpoint} is not a declared port of container "
                                            f"{container} (declared: {_listing(sorted(containers[container]))})")


def _datadog_instances(annotations: dict[str, str], prefix: str) -> Iterator[tuple[str, list[dict[str, Any]], str | None]]:
    """(annotation key, instances, problem) of each check announced for a container: the v2 `checks` object, the
    triple."""
    if prefix + CHECKS in annotations:
        key = prefix + CHECKS
        value = _load(annotations[key])
        if not isinstance(value, dict) or not all(
                isinstance(c, dict) and isinstance(c.get("instances"), list) for c in value.values()):
            yield key, [], "is not a JSON object of checks, each with an `instances` list (Datadog ignores it)"
            return
        for check in value.values():
            yield key, [i for i in check["instances"] if isinstance(i, dict)], None
    present = [suffix for suffix in LEGACY if prefix + suffix in annotations]
    if not present:
        return
    key = prefix + LEGACY[-1]
    if len(present) < len(LEGACY):
        missing = ", ".join(prefix + s for s in LEGACY if s not in present)
        yield prefix + present[0], [], f"the older Datadog form needs all three annotations; missing {missing}"
        return
    lists = [_load(annotations[prefix + suffix]) for suffix in LEGACY]
    if not all(isinstance(v, list) for v in lists) or len({len(v) for v in lists}) != 1:
        yield key, [], ("check_names, init_configs and instances must be JSON lists of one length (one entry per "
                        "check; Datadog ignores them otherwise)")
        return
    yield key, [i for i in lists[-1] if isinstance(i, dict)], None


def _load(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def _listing(ports: list[int]) -> str:
    return ", ".join(map(str, ports)) or "none"


def port_range(text: str) -> list[int] | None:
    """The ports of a Flink port setting (`9249`, `9250-9260`, `50100,50200-50300`: `PortRange`); None when
    unreadable."""
    ports: list[int] = []
    for part in text.split(","):
        bounds = [b.strip() for b in part.split("-")]
        if not all(b.isdigit() for b in bounds) or len(bounds) > 2:
            return None
        low, high = int(bounds[0]), int(bounds[-1])
        ports += range(low, high + 1)
    return ports


def _reporters(m: Manifest, defaults: OperatorDefaults) -> Iterator[tuple[str, str]]:
    spec = m.obj.get("spec") or {}
    conf = FlinkConf().add(defaults.config(m.namespace, spec.get("flinkVersion")),
                           lambda key: f"spec.flinkConfiguration (operator default {key})").add(
        flat_config(spec.get("flinkConfiguration")), lambda key: f"spec.flinkConfiguration.{key}")
    bound: dict[int, str] = {}
    claimed: dict[int, str] = {}
    for key, value in sorted(conf.values.items()):
        match = _REPORTER_KEY.fullmatch(key)
        if not match or value.strip() not in (PROMETHEUS_FACTORY, PROMETHEUS_CLASS):
            continue
        name = match.group(1)
        port_key = f"metrics.reporter.{name}.port"
        text = conf.values.get(port_key, DEFAULT_REPORTER_PORT)
        where = conf.path(port_key, conf.path(key))
        ports = port_range(text)
        if not ports:
            yield where, f"Prometheus reporter {name}: port {text!r} is not a port or a range of ports"
            continue
        shared = sorted(p for p in ports if p in claimed)
        if shared:
            yield where, (f"Prometheus reporters {claimed[shared[0]]} and {name} share port {shared[0]}: the second "
                          "cannot bind it and reports nothing")
            continue
        claimed.update({p: name for p in ports})
        bound[ports[0]] = name
        for role in ("jobManager", "taskManager"):
            if ports[0] not in _flink_containers(spec, role)[FLINK_MAIN_CONTAINER]:
                yield (f"spec.{role}.podTemplate.spec.containers[{FLINK_MAIN_CONTAINER}].ports",
                       f"Prometheus reporter {name} listens on {ports[0]}, which {FLINK_MAIN_CONTAINER} does not "
                       "declare: scrape annotations and pod monitors cannot name it")
    for role in ("jobManager", "taskManager"):
        annotations = _flink_annotations(spec, role)
        announced = {annotations.get(SCRAPE_PORT, "")} if annotations.get(SCRAPE) == "true" else set()
        for _, instances, problem in _datadog_instances(annotations, f"{DATADOG_PREFIX}{FLINK_MAIN_CONTAINER}."):
            for instance in instances if not problem else []:
                match = _ENDPOINT_PORT.match(str(instance.get("openmetrics_endpoint") or instance.get("prometheus_url") or ""))
                if match:
                    announced.add(match.group(1))
        for port in sorted(p for p in announced if p.isdigit() and int(p) not in bound
                           and int(p) in _flink_containers(spec, role)[FLINK_MAIN_CONTAINER]):
            yield (f"spec.{role}.podTemplate.metadata.annotations",
                   f"announce port {port} of {FLINK_MAIN_CONTAINER}, where no Prometheus reporter listens "
                   f"(reporters: {_listing(sorted(bound)) if bound else 'none'})")
