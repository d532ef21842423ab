"""Strict checks of request bodies and paths against the Polaris 1.3 OpenAPI specs in ../shared (the tests that use
them skip where the reference is not there, and fail under CI=true: `require_specs`).

OpenAPI 3.0 schemas are not closed and use `discriminator` for polymorphism, so a plain JSON Schema
validator would accept a misspelled field. `check_body` resolves `$ref`, `allOf` and discriminator
mappings and rejects unknown properties, missing required ones, wrong types and enum values.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import yaml

from tests.conftest import REFERENCE, require_reference

SPECS = ("polaris-api/polaris-management-service-1.3.0.yml", "polaris-api/iceberg-rest-catalog-open-api-1.3.0.yaml")
MANAGEMENT, ICEBERG_REST = (REFERENCE / spec_file for spec_file in SPECS)
_TYPES: dict[str, type | tuple[type, ...]] = {"object": dict, "array": list, "string": str, "boolean": bool, "integer": int,
                                          "number": (int, float)}


def require_specs() -> None:
    """Skip the calling test or fixture (fail it under CI=true) when the OpenAPI specs are not there. Call it in the
    test's thread: the fake server's threads cannot skip a test."""
    require_reference(*SPECS)


@cache
def spec(path: str = str(MANAGEMENT)) -> dict[str, Any]:
    """The OpenAPI document at `path` (default: the management API), parsed; skips the test without it."""
    require_specs()
    with open(path) as handle:
        result: dict[str, Any] = yaml.load(handle, Loader=yaml.CSafeLoader)
    return result


def _resolve(node: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = doc
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _flatten(node: dict[str, Any], doc: dict[str, Any]) -> dict[str, Any]:
    """properties/required/additionalProperties merged over allOf parts."""
    node = _resolve(node, doc)
    merged: dict[str, Any] = {"properties": dict(node.get("properties", {})), "required": list(node.get("required", [])),
                              "additionalProperties": node.get("additionalProperties")}
    for part in node.get("allOf", []):
        sub = _flatten(part, doc)
        merged["properties"].update(sub["properties"])
        merged["required"] += sub["required"]
    for key in ("type", "enum", "items", "discriminator"):
        if key in node:
            merged[key] = node[key]
    return merged


def check_body(body: Any, schema: dict[str, Any], doc: dict[str, Any], path: str = "$") -> list[str]:
    """Problems of `body` against `schema` (strict: unknown properties are problems)."""
    node = _resolve(schema, doc)
    alternatives = node.get("oneOf") or node.get("anyOf")
    if alternatives:
        results = [check_body(body, alternative, doc, path) for alternative in alternatives]
        return [] if any(not r for r in results) else min(results, key=len)
    discriminator = node.get("discriminator")
    if discriminator and isinstance(body, dict):
        value = body.get(discriminator["propertyName"])
        target = discriminator.get("mapping", {}).get(value)
        if target and _resolve({"$ref": target}, doc) is not node:
            return check_body(body, {"$ref": target}, doc, path)
    flat = _flatten(node, doc)
    problems: list[str] = []
    kind = flat.get("type") or ("object" if flat["properties"] else None)
    if kind and not isinstance(body, _TYPES[kind]) or (kind in ("integer", "number") and isinstance(body, bool)):
        return [f"{path}: expected {kind}, got {type(body).__name__}"]
    if "enum" in flat and body not in flat["enum"]:
        problems.append(f"{path}: {body!r} is not one of {flat['enum']}")
    if isinstance(body, dict):
        for name in flat["required"]:
            if name not in body:
                problems.append(f"{path}: missing required property {name!r}")
        for name, value in body.items():
            if name in flat["properties"]:
                problems += check_body(value, flat["properties"][name], doc, f"{path}.{name}")
            elif isinstance(flat["additionalProperties"], dict):
                problems += check_body(value, flat["additionalProperties"], doc, f"{path}.{name}")
            elif flat["additionalProperties"] is not True:
                problems.append(f"{path}: unknown property {name!r}")
    if isinstance(body, list) and "items" in flat:
        for index, item in enumerate(body):
            problems += check_body(item, flat["items"], doc, f"{path}[{index}]")
    return problems


def operation(method: str, path: str, doc: dict[str, Any] | None = None) -> tuple[str, dict[str, Any]] | None:
    """(path template, operation) of the spec that serves `method path` (path relative to the server URL)."""
    doc = doc or spec()
    for template, item in doc["paths"].items():
        pattern = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path) and method.lower() in item:
            return template, item[method.lower()]
    return None


def check_request(method: str, path: str, body: Any, doc: dict[str, Any] | None = None) -> list[str]:
    """Problems of a request: unknown path or method, or a body that breaks the operation's schema."""
    doc = doc or spec()
    found = operation(method, path, doc)
    if found is None:
        return [f"{method} {path}: no such operation in the spec"]
    template, op = found
    content = op.get("requestBody", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema") or content.get(
        "application/x-www-form-urlencoded", {}).get("schema")
    if schema is None:
        return [] if body in (None, "", {}) else [f"{method} {template}: the operation takes no body"]
    return [f"{method} {template}: {p}" for p in check_body(body, schema, doc)]
