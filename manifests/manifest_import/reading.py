"""Reading an input manifest's values as config reads them: `flinkConfiguration` flattened, text as typed values,
the object's own metadata, and whether config's schema and checks would take a value."""

from __future__ import annotations

import copy
import typing
from collections.abc import Mapping
from functools import cache
from typing import Any

import jsonschema

from config.common import platform_metadata_prefixes
from config.loading import Problem, SchemaValidator, apply_defaults, build, resolve_ref, schema
from manifests.manifest_import.notes import Notes
from upstream.flink_options import as_text


def flatten(conf: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """`flinkConfiguration` as the operator reads it: nested maps joined with `.`, values as text."""
    flat: dict[str, str] = {}
    for key, value in conf.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = as_text(value)
    return flat

@cache
def _schema_node(*path: str) -> dict[str, Any]:
    """The environment schema's node at `path` (property names from the top, or from `$defs`, `<name>`; `[]` steps
    into array items), `$ref`s resolved."""
    node: dict[str, Any] = schema()
    if path[0] == "$defs":
        node, path = node["$defs"][path[1]], path[2:]
    for part in path:
        node = resolve_ref(node)
        node = node["items"] if part == "[]" else node["properties"][part]
    return resolve_ref(node)

def schema_problem(value: Any, *path: str) -> str | None:
    """Why config would refuse `value` at the schema node `path` (`_schema_node`), or None: the same schema that
    loads the environment file decides."""
    node = _schema_node(*path)
    error = jsonschema.exceptions.best_match(SchemaValidator(
        {**node, "$defs": schema()["$defs"]}).iter_errors(value))
    if error is None:
        return None
    return f"{value!r} {node['x-error']}" if "x-error" in node else error.message

def object_metadata(document: Mapping[str, Any], notes: Notes, where: str) -> dict[str, Any]:
    """The object's own `labels` and `annotations`, without those the platform sets itself (each noted)."""
    metadata = document.get("metadata") or {}
    imported: dict[str, Any] = {}
    for part in ("labels", "annotations"):
        values = {str(k): as_text(v) for k, v in (metadata.get(part) or {}).items()}
        for key in sorted(values):
            if key.startswith(platform_metadata_prefixes(part)):
                notes.add(where, f"metadata.{part}.{key}", f"{values.pop(key)!r} not imported: the platform sets "
                                                           f"{part} under {', '.join(platform_metadata_prefixes(part))}")
        if values:
            imported[part] = values
    for key in sorted(set(metadata) - {"name", "namespace", "labels", "annotations"}):
        notes.add(where, f"metadata.{key}", "not imported (set by the API server or the platform)")
    return imported

def snake(name: str) -> str:
    """`utilizationMin` -> `utilization_min`: a setting's key as its field name."""
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)

def section_problems(section: str, values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(setting, problem) for each setting of the typed section `section` of a `flink.deployments` entry that
    config's own checks of the section refuse (`problems()` of its dataclass, e.g. a utilization minimum above the
    target), with the section's defaults filled in as config fills them."""
    from config.flink_deployments import FlinkDeploymentConfig

    cls = typing.get_type_hints(FlinkDeploymentConfig)[snake(section)]
    document = copy.deepcopy(dict(values))
    apply_defaults(_schema_node("flink", "deployments", "[]", section), document)
    problems: list[Problem] = []
    build(cls, document, "", problems)
    return [(p.path.split(".")[0], p.message) for p in problems if p.path.split(".")[0] in values]

def typed_value(text: str) -> Any:
    """A `flinkConfiguration` text as the typed setting's value: a boolean, a number, or the text."""
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text
