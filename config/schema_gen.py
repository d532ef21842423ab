"""The environment JSON Schema, generated from the section declarations (`config.declaration`).

    python main.py docs --write    writes environments/config.schema.json and the configuration reference

`generate()` walks `EnvironmentConfig` down: each dataclass is an object node (unknown keys refused), each field
read from the file a property whose node comes from its type hint, its attribute docstring (the description), its
`setting(...)` default and constraints; a class with `DEFINITION` and an `Annotated[..., Definition(...)]` type
become one `$defs` entry each, referenced by every use. Only generation reads the declarations (source and
docstrings); loading an environment reads the committed file (`config.loading.schema`).
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import json
import textwrap
import types
import typing
from collections.abc import Mapping
from functools import cache
from typing import Any

from config.declaration import Constraints, Definition
from config.environment import EnvironmentConfig
from config.loading import SCHEMA_PATH, field_key

_SCALARS: Mapping[Any, str] = {str: "string", int: "integer", float: "number", bool: "boolean"}


def description(text: str) -> str:
    """A docstring as a schema description: its words joined by single spaces."""
    return " ".join(text.split())


@cache
def attribute_docs(cls: type) -> Mapping[str, str]:
    """The attribute docstring (the string literal right below it) of each field of the dataclass `cls` and of its
    dataclass bases, by field name, read from the classes' source.

    Raises:
        OSError: the source of `cls` cannot be read.
    """
    docs: dict[str, str] = {}
    for owner in reversed([base for base in cls.__mro__ if dataclasses.is_dataclass(base)]):
        body = ast.parse(textwrap.dedent(inspect.getsource(owner))).body[0]
        assert isinstance(body, ast.ClassDef)
        for node, following in zip(body.body, body.body[1:], strict=False):
            if (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
                    and isinstance(following, ast.Expr) and isinstance(following.value, ast.Constant)
                    and isinstance(following.value.value, str)):
                docs[node.target.id] = following.value.value
    return docs


_FIRST = ("$ref", "anyOf", "type", "enum", "description", "additionalProperties", "properties", "required", "items")


def ordered(node: dict[str, Any]) -> dict[str, Any]:
    """`node` with its keywords in the file's order: what the value is (`$ref`, `type`, `enum`), its description,
    its structure, then its constraints as declared, its default last."""
    first = {key: node[key] for key in _FIRST if key in node}
    return {**first, **{k: v for k, v in node.items() if k not in first and k != "default"},
            **({"default": node["default"]} if "default" in node else {})}


class _Generator:
    """One generation: the `$defs` found so far, in the order first used."""

    def __init__(self) -> None:
        self.defs: dict[str, Any] = {}

    def reference(self, name: str, build: typing.Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """`{"$ref": "#/$defs/<name>"}`, building the definition on first use."""
        if name not in self.defs:
            self.defs[name] = {}  # reserved first: a definition may refer to itself
            self.defs[name] = build()
        return {"$ref": f"#/$defs/{name}"}

    def type_node(self, hint: Any) -> dict[str, Any]:
        """The schema node a type hint gives (without description, default or constraints).

        Raises:
            TypeError: a hint the generator has no JSON form for.
        """
        origin, args = typing.get_origin(hint), typing.get_args(hint)
        if origin is typing.Annotated:
            constraints = next((a for a in hint.__metadata__ if isinstance(a, Constraints)), None)
            if constraints is not None:
                return {**self.type_node(args[0]), **constraints.keywords}
            definition = next(a for a in hint.__metadata__ if isinstance(a, Definition))
            return self.reference(definition.name, lambda: ordered({**self.type_node(args[0]),
                                                                    "description": definition.description,
                                                                    **definition.keywords}))
        if origin in (typing.Union, types.UnionType) and type(None) in args:
            (other,) = [a for a in args if a is not type(None)]
            inner = self.type_node(other)
            if "$ref" in inner:
                return {"anyOf": [inner, {"type": "null"}]}
            kind = inner["type"]
            inner["type"] = [*(kind if isinstance(kind, list) else [kind]), "null"]
            if "enum" in inner:
                inner["enum"] = [*inner["enum"], None]
            return inner
        if origin in (typing.Union, types.UnionType):
            return {"type": [self.type_node(a)["type"] for a in args]}
        if origin is typing.Literal:
            return {"type": _SCALARS[type(args[0])], "enum": list(args)}
        if origin is tuple:
            return {"type": "array", "items": self.type_node(args[0])}
        if origin in (dict, Mapping) or hint in (dict, Mapping):
            if not args or args[1] is Any:
                return {"type": "object"}
            return {"type": "object", "additionalProperties": self.type_node(args[1])}
        if dataclasses.is_dataclass(hint) and isinstance(hint, type):
            name = getattr(hint, "DEFINITION", None)
            if name:
                return self.reference(name, lambda: ordered({"type": "object",
                                                             "description": description(hint.__doc__ or ""),
                                                             **self.object_node(hint)}))
            return {"type": "object", **self.object_node(hint)}
        if hint in _SCALARS:
            return {"type": _SCALARS[hint]}
        raise TypeError(f"no JSON Schema form for the type hint {hint!r}")

    def object_node(self, cls: type) -> dict[str, Any]:
        """`additionalProperties`, `properties` and `required` of the dataclass `cls` (and its `SCHEMA` keywords),
        the dotted keys' objects (`GROUPS`) nested in."""
        hints = typing.get_type_hints(cls, include_extras=True)
        docs = attribute_docs(cls)
        groups: Mapping[str, Mapping[str, Any]] = getattr(cls, "GROUPS", {})
        node: dict[str, Any] = {"additionalProperties": False, "properties": {}}
        for field in dataclasses.fields(cls):
            key = field_key(field)
            if key is None:
                continue
            parent, path = node, ""
            *heads, last = key.split(".")
            for head in heads:  # the objects of a dotted key
                path = f"{path}.{head}" if path else head
                if head not in parent["properties"]:
                    parent["properties"][head] = {"type": "object", "additionalProperties": False, "properties": {},
                                                  **groups.get(path, {})}
                parent = parent["properties"][head]
            parent["properties"][last] = self.field_node(hints[field.name], field, docs.get(field.name))
            if "default" not in field.metadata:
                parent.setdefault("required", []).append(last)
        self.require_groups(node, groups, "")
        for key, value in getattr(cls, "SCHEMA", {}).items():
            node[key] = {**value, **node[key]} if key == "properties" else value
        return node

    @staticmethod
    def require_groups(node: dict[str, Any], groups: Mapping[str, Mapping[str, Any]], path: str) -> None:
        """Mark each object of dotted keys under `node` (at `path`) required where it has no declared default and a
        key inside it is required (`requests` of `requests.cpu`), innermost first."""
        for key, child in node["properties"].items():
            full = f"{path}.{key}" if path else key
            if full not in groups:
                continue
            _Generator.require_groups(child, groups, full)
            if "required" in child and "default" not in groups[full] and key not in node.get("required", []):
                node.setdefault("required", []).append(key)

    def field_node(self, hint: Any, field: dataclasses.Field[Any], doc: str | None) -> dict[str, Any]:
        """The schema node of one field: its type's node, description, default and constraints."""
        node = self.type_node(hint)
        if "$ref" in node or "anyOf" in node:
            node = dict(node)
        if doc is not None:
            node["description"] = description(doc)
        if "default" in field.metadata:
            node["default"] = field.metadata["default"]
        constraints = field.metadata.get("schema", {})
        if "anyOf" in constraints:  # the declared alternatives are the type
            node = {k: v for k, v in node.items() if k not in ("$ref", "type", "enum")}
        node.update(constraints)
        return ordered(node)


def generate() -> dict[str, Any]:
    """The environment JSON Schema (draft 2020-12) from `EnvironmentConfig` down.

    Raises:
        TypeError: a field whose type hint has no JSON form.
    """
    generator = _Generator()
    root = generator.object_node(EnvironmentConfig)
    head = ("$schema", "$id", "title", "description", "type", "additionalProperties", "required")
    return {**{key: root[key] for key in head if key in root}, "$defs": generator.defs,
            "properties": root["properties"]}


def schema_text() -> str:
    """`generate()` as the committed file holds it: JSON indented by 2, non-ASCII kept, a final newline."""
    return json.dumps(generate(), indent=2, ensure_ascii=False) + "\n"


def write_schema() -> bool:
    """Write `schema_text()` to `environments/config.schema.json`; whether it changed."""
    text = schema_text()
    if SCHEMA_PATH.read_text() == text:
        return False
    SCHEMA_PATH.write_text(text)
    return True
