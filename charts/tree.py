"""Walking nested manifest data (dicts and lists) with field paths like `spec.containers[0].env[1]`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any


def field_path(parts: Iterable[Any]) -> str:
    """`["spec", "containers", 0, "image"]` -> `spec.containers[0].image`."""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


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
