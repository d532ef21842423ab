"""Reading an environment file: YAML (duplicate keys refused), the JSON Schema (every violation at once), the
schema's defaults, and the typed sections built from their dataclass fields.

A section is a frozen dataclass whose fields map to keys of its schema object: the key is the field name in
camelCase unless the field says otherwise (`field(metadata={"key": "credentials.secretName"})`, a dotted path
into nested objects; `{"key": None}` for a field not read from the file). A section may define
`problems() -> Iterable[Problem]`, checks on its own values, reported with the section's path in front.
Errors are one `ConfigError` per file whose lines read `<file>: <path>: <what was expected>`, with one path
syntax throughout: `flink.jobs[0].name`.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import types
import typing
from collections.abc import Iterable, Iterator
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parent.parent
ENVIRONMENTS_DIR = ROOT / "environments"
SCHEMA_PATH = ENVIRONMENTS_DIR / "config.schema.json"

T = TypeVar("T")


class ConfigError(Exception):
    """Invalid environment configuration; the message (one line per problem) is ready to print to a user."""


class Problem(NamedTuple):
    """One configuration problem: `path` in the file (`flink.jobs[0].name`, "" for the document) and `message`."""

    path: str
    message: str


def field_path(parts: Iterable[str | int]) -> str:
    """`flink.jobs[0].name` from `["flink", "jobs", 0, "name"]`."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def join(path: str, child: str) -> str:
    """`path` + `child`, where `child` is a key (`name`), an index (`[0]`) or a dotted path."""
    if not path:
        return child
    return f"{path}{child}" if child.startswith("[") else f"{path}.{child}" if child else path


def duplicates(names: list[str]) -> list[str]:
    """Each name that occurs again, once per repetition, in order."""
    return [name for index, name in enumerate(names) if name in names[:index]]


def undeclared(path: str, names: tuple[str, ...], known: set[str], problem: str) -> Iterator[Problem]:
    """`<path>[<index>]: <problem>` (a template with `{name}`) for each of `names` not in `known`."""
    for index, name in enumerate(names):
        if name not in known:
            yield Problem(f"{path}[{index}]", problem.format(name=name))


def report(source: str, problems: Iterable[Problem]) -> None:
    """Raise one ConfigError listing every problem as `<source>: <path>: <message>`, if there is any.

    Raises:
        ConfigError: `problems` is not empty.
    """
    lines = [f"{source}: {p.path}: {p.message}" if p.path else f"{source}: {p.message}" for p in problems]
    lines = list(dict.fromkeys(lines))  # one line per problem, even where two checks find the same
    if lines:
        raise ConfigError("\n".join(lines))


# ---------------------------------------------------------------------------------------------------------------
# YAML and the JSON Schema
# ---------------------------------------------------------------------------------------------------------------


_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser where PyYAML was built with it (several times faster on large environment files)."""


class _StrictLoader(_SafeLoader):  # type: ignore[valid-type,misc]  # a class chosen at import time
    """A safe YAML loader that refuses a key given twice in one mapping (PyYAML keeps the last one silently,
    so a second `flink:` block would replace the first)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key '{key}' (first given on line {seen[key]})", key_node.start_mark)
            seen[key] = line
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping


def read_yaml(path: Path, display: str) -> Any:
    """The YAML document of `path`.

    Raises:
        ConfigError: not valid YAML, or a key given twice in one mapping (`<file>:<line>: duplicate key ...`).
    """
    try:
        return yaml.load(path.read_text(), Loader=_StrictLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f"{display}:{mark.line + 1}" if mark else display
        raise ConfigError(f"{where}: {error.problem}" if "duplicate key" in str(error.problem)
                          else f"{display}: not valid YAML: {error}") from error
    except yaml.YAMLError as error:
        raise ConfigError(f"{display}: not valid YAML: {error}") from error


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """The environment JSON Schema (draft 2020-12)."""
    with SCHEMA_PATH.open() as handle:
        result: dict[str, Any] = json.load(handle)
    return result


def resolve_ref(node: dict[str, Any]) -> dict[str, Any]:
    """A schema node with its local `$ref` (`#/$defs/<name>`) replaced by the target, the node's own keys
    (e.g. `default`, `description`) kept on top; a nullable `anyOf: [X, {type: null}]` as X whose `type` also
    allows null; other nodes unchanged."""
    branches = node.get("anyOf", [])
    if len(branches) == 2 and sum(b.get("type") == "null" for b in branches) == 1:
        branch = resolve_ref(next(b for b in branches if b.get("type") != "null"))
        kind = branch.get("type", [])
        kinds = kind if isinstance(kind, list) else [kind]
        return {**branch, **{k: v for k, v in node.items() if k != "anyOf"}, "type": [*kinds, "null"]}
    ref = node.get("$ref")
    if not ref:
        return node
    target: Any = schema()
    for part in ref.removeprefix("#/").split("/"):
        target = target[part]
    return {**target, **{k: v for k, v in node.items() if k != "$ref"}}


def apply_defaults(node_schema: dict[str, Any], instance: Any) -> None:
    """Fill `instance` in place with the schema's `default`s, recursively (objects and arrays of objects)."""
    node_schema = resolve_ref(node_schema)
    if isinstance(instance, dict):
        for key, prop in node_schema.get("properties", {}).items():
            prop_resolved = resolve_ref(prop)
            if key not in instance:
                if "default" not in prop and "default" not in prop_resolved:
                    continue
                instance[key] = copy.deepcopy(prop.get("default", prop_resolved.get("default")))
            if instance[key] is not None:
                apply_defaults(prop, instance[key])
    elif isinstance(instance, list) and "items" in node_schema:
        for item in instance:
            apply_defaults(node_schema["items"], item)


def schema_problems(document: dict[str, Any]) -> list[Problem]:
    """Every JSON Schema violation of `document`, sorted by path; an unknown key is one problem per key."""
    validator = jsonschema.Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path])
    return [problem for error in errors for problem in _describe(error)]


def _describe(error: jsonschema.ValidationError) -> list[Problem]:
    path = field_path(error.absolute_path)
    value = error.instance
    node: dict[str, Any] = error.schema if isinstance(error.schema, dict) else {}
    expected: Any = error.validator_value
    if error.validator == "additionalProperties":
        allowed = sorted(node.get("properties", {}))
        unknown = sorted(set(value if isinstance(value, dict) else {}) - set(allowed))
        return [Problem(path, f"unknown key '{key}' (expected one of: {', '.join(allowed)})") for key in unknown]
    if error.validator == "required":
        return [Problem(path, f"missing required key '{error.message.split(chr(39))[1]}'")]
    if error.validator == "type":
        expected_text = " or ".join(expected) if isinstance(expected, list) else expected
        return [Problem(path, f"expected {expected_text}, got {type_name(value)} {value!r}")]
    if error.validator in ("pattern", "maxLength") and "x-error" in node:
        return [Problem(path, f"{value!r} {node['x-error']}")]
    if error.validator == "anyOf" and value is not None:
        branches = [i for i, branch in enumerate(expected) if branch.get("type") != "null"]
        described = resolve_ref(expected[branches[0]]) if len(branches) == 1 else {}
        if "x-error" in described:
            return [Problem(path, f"{value!r} {described['x-error']}")]
        if len(branches) == 1:  # a nullable object: what is wrong inside it
            inner = [e for e in error.context or [] if e.schema_path and e.schema_path[0] == branches[0]]
            if inner:
                return [problem for e in inner for problem in _describe(e)]
    if error.validator == "enum":
        return [Problem(path, f"{value!r} is not one of: {', '.join(str(v) for v in expected)}")]
    return [Problem(path, error.message)]


def type_name(value: Any) -> str:
    """The YAML name of a value's type (`mapping`, `string`, `null`, ...)."""
    names = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array", dict: "mapping"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


# ---------------------------------------------------------------------------------------------------------------
# Building sections from their dataclass fields
# ---------------------------------------------------------------------------------------------------------------


def camel(name: str) -> str:
    """`task_slots` -> `taskSlots`: a field's key in the environment file."""
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def field_key(field: dataclasses.Field[Any]) -> str | None:
    """The (dotted) key of `field` in its section's mapping; None for a field not read from the file."""
    if "key" in field.metadata:
        key: str | None = field.metadata["key"]
        return key
    return camel(field.name)


def build(cls: type[T], raw: dict[str, Any], path: str, problems: list[Problem], **extra: Any) -> T:
    """An instance of the dataclass `cls` from the defaulted, schema-valid mapping `raw` at `path`, recursively;
    each section's own `problems()` are appended to `problems` with `path` in front. `extra` gives the fields
    not read from the file.

    Raises:
        KeyError: the model asks for a key the schema neither requires nor defaults (a bug, caught by tests).
    """
    hints = _type_hints(cls)  # type: ignore[arg-type]  # classes are hashable; typeshed says type[T] may not be
    values: dict[str, Any] = dict(extra)
    for field in dataclasses.fields(cls):  # type: ignore[arg-type]
        key = field_key(field)
        if key is None or field.name in values:
            continue
        node: Any = raw
        for part in key.split("."):
            node = node.get(part) if isinstance(node, dict) else None
            if node is None:
                break
        if node is None and not _optional(hints[field.name]):
            raise KeyError(f"{join(path, key)}: missing from the document and not optional in {cls.__name__}")
        values[field.name] = _convert(hints[field.name], node, join(path, key), problems)
    instance = cls(**values)
    own_problems = getattr(instance, "problems", None)
    if callable(own_problems):
        problems += [Problem(join(path, p.path), p.message) for p in own_problems()]
    return instance


@cache
def _type_hints(cls: type) -> dict[str, Any]:
    """`typing.get_type_hints(cls)`, once per section class (evaluating the annotations is most of the cost of
    building a thousand jobs)."""
    return typing.get_type_hints(cls)


def _optional(hint: Any) -> bool:
    return typing.get_origin(hint) in (typing.Union, types.UnionType) and type(None) in typing.get_args(hint)


def _convert(hint: Any, value: Any, path: str, problems: list[Problem]) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        (inner,) = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return _convert(inner, value, path, problems)
    if origin is tuple:
        item = typing.get_args(hint)[0]
        return tuple(_convert(item, v, f"{path}[{i}]", problems) for i, v in enumerate(value))
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return build(hint, value, path, problems)
    return value
