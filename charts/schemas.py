"""Strict JSON schemas for everything the platform renders (validation layers 3 and 4).

- Core objects: the Kubernetes JSON schemas shipped by `kubernetes-validate` (`-local-strict`, unknown
  fields rejected), for `KUBERNETES_VERSION`.
- Custom resources: the pinned CRDs' `openAPIV3Schema`, made strict: `additionalProperties: false` where
  `properties` is given and `x-kubernetes-preserve-unknown-fields` is absent; `x-kubernetes-int-or-string`
  as string or integer; `nullable` as an allowed null.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from functools import cache
from typing import Any

import jsonschema
import kubernetes_validate
import yaml

from charts.crds import PINS, read_pinned

KUBERNETES_VERSION = "1.33.0"


@dataclass(frozen=True)
class SchemaError:
    """One finding: the object (`kind/namespace/name`), the field path and the message."""

    object: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.object}: {self.path or '<root>'}: {self.message}"


def strict_crd_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A strict copy of a CRD version's `openAPIV3Schema`."""
    result = copy.deepcopy(schema)
    # Some CRDs (the Flink operator's) declare only spec/status at the root.
    root = result.setdefault("properties", {})
    root.setdefault("apiVersion", {"type": "string"})
    root.setdefault("kind", {"type": "string"})
    root.setdefault("metadata", {"type": "object"})
    _tighten(result)
    return result


def _tighten(node: Any) -> None:
    if isinstance(node, list):
        for item in node:
            _tighten(item)
        return
    if not isinstance(node, dict):
        return
    if node.pop("x-kubernetes-int-or-string", False):
        node.pop("type", None)
        node["anyOf"] = [{"type": "string"}, {"type": "integer"}]
    if node.pop("nullable", False) and "type" in node:
        node["type"] = [node["type"], "null"]
    preserve = node.get("x-kubernetes-preserve-unknown-fields", False)
    if "properties" in node and not preserve and "additionalProperties" not in node:
        node["additionalProperties"] = False
    for key, value in node.items():
        if key in ("properties", "patternProperties"):
            for child in value.values():
                _tighten(child)
        elif key in ("items", "additionalProperties", "not"):
            _tighten(value)
        elif key in ("allOf", "anyOf", "oneOf"):
            _tighten(value)


@cache
def custom_resource_schemas() -> dict[tuple[str, str], dict[str, Any]]:
    """(apiVersion, kind) -> strict schema, for every pinned CRD version that is served."""
    result: dict[tuple[str, str], dict[str, Any]] = {}
    for file in PINS:
        for crd in yaml.load_all(read_pinned(file), Loader=yaml.CSafeLoader):
            if not crd or crd.get("kind") != "CustomResourceDefinition":
                continue
            group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
            for version in crd["spec"]["versions"]:
                if version.get("served", True):
                    schema = strict_crd_schema(version["schema"]["openAPIV3Schema"])
                    result[(f"{group}/{version['name']}", kind)] = schema
    return result


def object_name(obj: dict[str, Any]) -> str:
    """`Kind/namespace/name` (or `Kind/name` for cluster-scoped objects)."""
    meta = obj.get("metadata", {})
    parts = [obj.get("kind", "?"), meta.get("namespace"), meta.get("name", "?")]
    return "/".join(p for p in parts if p)


def validate_object(obj: dict[str, Any]) -> list[SchemaError]:
    """Schema findings for one rendered object (empty when valid)."""
    name = object_name(obj)
    key = (obj.get("apiVersion", ""), obj.get("kind", ""))
    crd_schema = custom_resource_schemas().get(key)
    if crd_schema is not None:
        validator = jsonschema.Draft7Validator(crd_schema)
        return [
            SchemaError(name, ".".join(str(p) for p in error.absolute_path), error.message)
            for error in sorted(validator.iter_errors(obj), key=lambda e: list(map(str, e.absolute_path)))
        ]
    try:
        kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as error:
        return [SchemaError(name, ".".join(str(p) for p in error.path), error.message)]
    except kubernetes_validate.SchemaNotFoundError:
        return [SchemaError(name, "", f"no schema for {key[0]} {key[1]} (Kubernetes {KUBERNETES_VERSION} or pinned CRDs)")]
    return []
