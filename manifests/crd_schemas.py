"""Strict JSON schemas for custom resources (validation layer 4): the pinned CRDs' `openAPIV3Schema`,
made strict: `additionalProperties: false` where `properties` is given and `x-kubernetes-preserve-unknown-fields`
is absent; `x-kubernetes-int-or-string` as string or integer; `nullable` as an allowed null. Core objects use
the Kubernetes schemas of `KUBERNETES_VERSION`; both are exported and compiled by `manifests.validation.strict_schemas`.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import yaml

from manifests.crds import read_pinned
from upstream.capabilities import KUBERNETES
from upstream.crd_pins import PINS

KUBERNETES_VERSION = ".".join(KUBERNETES.version.split(".")[:2]) + ".0"
"""The schema version of `validate` and kubeconform: the minor of the pinned Kubernetes release (`1.33.0`)."""


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


def pinned_crd_schemas() -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(apiVersion, kind, strict schema) for every version of every pinned CRD."""
    for file in PINS:
        for crd in yaml.load_all(read_pinned(file), Loader=yaml.CSafeLoader):
            if not crd or crd.get("kind") != "CustomResourceDefinition":
                continue
            group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
            for version in crd["spec"]["versions"]:
                yield f"{group}/{version['name']}", kind, strict_crd_schema(version["schema"]["openAPIV3Schema"])
