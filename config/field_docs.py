"""Each section field's docstring is generated from its schema key: the key's description, then its default.

The JSON Schema (`environments/config.schema.json`) is where a setting is described, for editors and README;
`python main.py docs --write` copies each description into the docstring under the field that reads the key, so
the model documents every field where it is declared (kopf's settings style) without a second text to maintain.
A test fails when a docstring is stale.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import json
import textwrap
import typing
from pathlib import Path
from typing import Any

from config.environment import EnvironmentConfig
from config.loading import field_key, resolve_ref, schema

SHARED = ("Resources", "S3Keys")
"""Value types used by several sections with other defaults each: documented by hand."""


@dataclasses.dataclass(frozen=True)
class FieldDoc:
    """Where a field's docstring is (`file`, 1-based `first`..`last` line), what it says and what it should say."""

    file: Path
    first: int
    last: int
    current: str
    expected: str
    name: str


def expected_doc(node: dict[str, Any]) -> str:
    """A schema key's docstring text: its description, then `Default: ` and the default as JSON (none for `{}`)."""
    resolved = resolve_ref(node)
    text = " ".join(str(node.get("description") or resolved.get("description")).split())
    if ("default" in node or "default" in resolved) and node.get("default", resolved.get("default")) != {}:
        text += f" Default: `{json.dumps(node.get('default', resolved.get('default')), ensure_ascii=False)}`."
    return text


def field_docs() -> list[FieldDoc]:
    """Every documented field of the sections, from `EnvironmentConfig` down (shared value types excepted)."""
    found: list[FieldDoc] = []

    def walk(cls: type, node: dict[str, Any]) -> None:
        hints = typing.get_type_hints(cls)
        lines, start = inspect.getsourcelines(cls)
        body = ast.parse(textwrap.dedent("".join(lines))).body[0].body  # type: ignore[attr-defined]
        docs = {n.target.id: nxt for n, nxt in zip(body, body[1:], strict=False)
                if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name) and isinstance(nxt, ast.Expr)}
        for field in dataclasses.fields(cls):
            key = field_key(field)
            if key is None:
                continue
            prop = node
            for part in key.split("."):
                prop = resolve_ref(prop)["properties"][part]
            doc = docs.get(field.name)
            if cls.__name__ not in SHARED and doc is not None:
                found.append(FieldDoc(Path(inspect.getsourcefile(cls) or ""), start + doc.lineno - 1,
                                      start + (doc.end_lineno or doc.lineno) - 1,
                                      " ".join(str(ast.literal_eval(doc.value)).split()), expected_doc(prop),
                                      f"{cls.__name__}.{field.name}"))
            target = hints[field.name]
            if type(None) in typing.get_args(target):
                (target,) = [a for a in typing.get_args(target) if a is not type(None)]
            child = resolve_ref(prop)
            if typing.get_origin(target) is tuple:
                target, child = typing.get_args(target)[0], resolve_ref(child.get("items", {}))
            if dataclasses.is_dataclass(target) and isinstance(target, type):
                walk(target, child)

    walk(EnvironmentConfig, schema())
    unique: dict[tuple[Path, int], FieldDoc] = {}
    for doc in found:  # a value type used by several sections is reached once per use
        unique.setdefault((doc.file, doc.first), doc)
    return list(unique.values())


def write_field_docs() -> list[str]:
    """Rewrite every stale field docstring (wrapped at 120 columns); the fields rewritten."""
    stale = [d for d in field_docs() if d.current != d.expected]
    for file in {d.file for d in stale}:
        lines = file.read_text().splitlines()
        for doc in sorted((d for d in stale if d.file == file), key=lambda d: d.first, reverse=True):
            text = doc.expected.replace("\\", "\\\\").replace('"""', "'''")
            wrapped = textwrap.wrap(text, 112, break_on_hyphens=False, break_long_words=False)
            lines[doc.first - 1:doc.last] = ([f'    """{wrapped[0]}"""'] if len(wrapped) == 1 else
                                             [f'    """{wrapped[0]}', *(f"    {w}" for w in wrapped[1:]), '    """'])
        file.write_text("\n".join(lines) + "\n")
    return [d.name for d in stale]
