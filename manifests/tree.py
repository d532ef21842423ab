"""Walking nested manifest data (dicts and lists) with field paths like `spec.containers[0].env[1]`, and the
settings of the config-file text some values hold, read by the file's own dialect (`upstream.file_dialects`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import javaproperties

from upstream.file_dialects import FileReadError, line_entries, load_yaml, read_flink_yaml
from upstream.flink_options import FLINK_MAIN_CONTAINER


def field_path(parts: Iterable[Any]) -> str:
    """`["spec", "containers", 0, "image"]` -> `spec.containers[0].image`."""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def changed_paths(old: Any, new: Any, path: str, *, whole: tuple[str, ...] = ()) -> Iterator[str]:
    """The field paths below `path` where `old` and `new` differ, descending through mappings (keys sorted); a
    list, a scalar, or a mapping whose path ends with one of `whole` is compared as one value. A key only one side
    has is a change of its path (`None` on the other side)."""
    if isinstance(old, dict) and isinstance(new, dict) and not path.endswith(whole):
        for key in sorted(old.keys() | new.keys(), key=str):
            yield from changed_paths(old.get(key), new.get(key), field_path([path, key]), whole=whole)
    elif old != new:
        yield path


def walk(node: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every node below (and including) `node`, depth first, with its field path."""
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from walk(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, f"{path}[{index}]")


def object_name(obj: dict[str, Any]) -> str:
    """`Kind/namespace/name` of a manifest (or `Kind/name` for cluster-scoped objects)."""
    meta = obj.get("metadata", {})
    parts = [obj.get("kind", "?"), meta.get("namespace"), meta.get("name", "?")]
    return "/".join(p for p in parts if p)


WORKLOAD_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"})
"""Core kinds whose spec holds a pod template."""


def pod_template(obj: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """(path, pod template) of a core workload: `spec.template` (CronJob: `spec.jobTemplate.spec.template`);
    None for other kinds."""
    kind, spec = obj.get("kind"), obj.get("spec") or {}
    if kind == "CronJob":
        return "spec.jobTemplate.spec.template", spec.get("jobTemplate", {}).get("spec", {}).get("template", {})
    if kind in WORKLOAD_KINDS:
        template: dict[str, Any] = spec.get("template", {})
        return "spec.template", template
    return None


def pod_containers(obj: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], bool]]:
    """(path, container, is_init) of a core workload's init containers, then its containers."""
    found = pod_template(obj)
    if found is None:
        return
    path, template = found
    pod = template.get("spec", {})
    for key in ("initContainers", "containers"):
        for index, container in enumerate(pod.get(key) or []):
            yield f"{path}.spec.{key}[{index}]", container, key == "initContainers"


FLINK_POD_TEMPLATES = ("spec.podTemplate", "spec.jobManager.podTemplate", "spec.taskManager.podTemplate")
"""Where a FlinkDeployment holds pod templates (the operator merges the common one into each role's)."""


def flink_extra_containers(obj: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], bool]]:
    """(path, container, is_init) of a FlinkDeployment's sidecars and init containers, in every pod template; the
    main container `flink-main-container`, which the operator builds from the spec, is left out."""
    if obj.get("kind") != "FlinkDeployment":
        return
    for path in FLINK_POD_TEMPLATES:
        node: Any = obj
        for part in path.split("."):
            node = (node or {}).get(part) if isinstance(node, dict) else None
        pod = (node or {}).get("spec") or {}
        for key in ("initContainers", "containers"):
            for index, container in enumerate(pod.get(key) or []):
                if container.get("name") != FLINK_MAIN_CONTAINER:
                    yield f"{path}.spec.{key}[{index}]", container, key == "initContainers"


def volume_config_maps(volume: dict[str, Any]) -> list[str]:
    """Names of the ConfigMaps a pod volume shows: `configMap.name` or the `projected` sources' ConfigMaps."""
    if volume.get("configMap"):
        return [str(volume["configMap"].get("name"))]
    sources = (volume.get("projected") or {}).get("sources") or []
    return [str(s["configMap"].get("name")) for s in sources if s.get("configMap")]


LINE_FILES = ("flink-conf.yaml", "server.yaml")
"""File names read as flat `key: value` lines (Flink's legacy file, Fluss' server file)."""
FLINK_YAML_FILE = "config.yaml"
"""The file name Flink 1.20 reads as standard YAML (`GlobalConfiguration.FLINK_CONF_FILENAME`)."""


def config_entries(text: str, name: str | None = None) -> Iterator[tuple[str, str]]:
    """(key, value) of each setting of config-file text held in a manifest value, read as the program that reads a
    file called `name` reads it (the dialects of `upstream.file_dialects`, chosen by name as the programs choose):

    - `flink-conf.yaml`, `server.yaml`: flat lines (`#` starts a comment anywhere, the split is at the first `": "`);
      every line the reader keeps, in file order (a repeated key once per line).
    - `config.yaml`: Flink's standard YAML (nested keys joined with `.`, each value as Flink's text of it).
    - other `*.yaml` / `*.yml`: YAML with every scalar as its text, nested keys joined with `.` and list items as
      `[index]`.
    - `*.properties`, and text of any other name or of none (a script, a JSON file, a field value):
      `java.util.Properties.load`, the broadest of the dialects (`key=value`, `key: value` or `key value` lines).

    A null value is left out; text its reader refuses (a YAML syntax error or repeated key, a bad `\\u` escape)
    gives no entries: `validate`'s config-file rule reports the file."""
    if name in LINE_FILES:
        yield from ((key, value) for key, value, _ in line_entries(text) if key and value)
        return
    try:
        if name == FLINK_YAML_FILE:
            entries = list(read_flink_yaml(text).items())
        elif name is not None and name.endswith((".yaml", ".yml")):
            entries = [(path, None if node is None else str(node)) for path, node in walk(load_yaml(text))
                       if not isinstance(node, dict | list)]
        else:
            entries = javaproperties.loads(text, object_pairs_hook=list)
    except (FileReadError, ValueError):
        return
    yield from ((str(key), value) for key, value in entries if value is not None)
