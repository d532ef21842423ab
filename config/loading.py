"""Reading an environment file: YAML (duplicate keys refused), the JSON Schema (every violation at once), the
schema's defaults, and the typed sections built from their dataclass fields.

A section is a frozen dataclass whose fields map to keys of its schema object: the key is the field name in
camelCase unless the field says otherwise (`setting(key="credentials.secretName")`, a dotted path into nested
objects; `key=None` for a field not read from the file; see `config.declaration`, from which the schema itself is
generated). A section may define
`problems() -> Iterable[Problem]`, checks on its own values, reported with the section's path in front.
Errors are one `ConfigError` per file whose lines read `<file>:<line>:<column>: <path>: <what was expected>`, e.g.
`environments/dev.yaml:42:7: flink.jobs[ingest].parallelism: ...`, with one path syntax throughout: keys joined by
`.`, a list item named by its `name` where it has one (`flink.jobs[ingest]`), else by its index (`args[0]`). Line and
column (1-based) are where the offending key is in the file (a list item: where the item starts); a problem about a
key the file does not set (a default, a missing key) points at the nearest enclosing key the file does set. A
document built in memory (no YAML text) has no lines: its errors read `<source>: <path>: ...`.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import re
import types
import typing
from collections.abc import Iterable, Iterator
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import jsonschema
import regress
import yaml

from config.names import repetitions

ROOT = Path(__file__).resolve().parent.parent
ENVIRONMENTS_DIR = ROOT / "environments"
SCHEMA_PATH = ENVIRONMENTS_DIR / "config.schema.json"

T = TypeVar("T")


class ConfigError(Exception):
    """Invalid environment configuration; the message (one line per problem) is ready to print to a user."""


class Problem(NamedTuple):
    """One configuration problem: `path` in the file (`flink.jobs[0].name`, "" for the document) and `message`;
    `at`, where it is not `path`, the paths of the nodes the error may point at, best first (the unknown key itself;
    the second of two items with one name, else the first): the first the file sets wins."""

    path: str
    message: str
    at: tuple[str, ...] = ()

    def under(self, prefix: str) -> Problem:
        """This problem of a section, with the section's path `prefix` in front of `path` and `at`."""
        return Problem(join(prefix, self.path), self.message, tuple(join(prefix, at) for at in self.at))


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


def repeats(path: str, named: Iterable[tuple[str, str]], problem: str) -> Iterator[Problem]:
    """`<path>: <problem>` (a template with `{name}`) for each (where, name) of `named` whose name was seen before,
    pointing at `where` (a path like `path`'s, e.g. `jobs[3]`) of the repetition, else (one the file does not set, such
    as a default) of the latest earlier item of that name. One pass (`config.names.repetitions`)."""
    for where, name, before in repetitions(named):
        yield Problem(path, problem.format(name=name), (where, before))


def undeclared(path: str, names: tuple[str, ...], known: set[str], problem: str) -> Iterator[Problem]:
    """`<path>[<index>]: <problem>` (a template with `{name}`) for each of `names` not in `known`."""
    for index, name in enumerate(names):
        if name not in known:
            yield Problem(f"{path}[{index}]", problem.format(name=name))


class Document:
    """A parsed environment document: its display name (`environments/dev.yaml`), its data and, when it was read
    from YAML text, the node tree that says where each key and item is (PyYAML's composed nodes, whose marks are
    0-based line and column)."""

    def __init__(self, source: str, data: Any, node: yaml.Node | None = None) -> None:
        self.source = source
        self.data = data
        self.node = node

    def locate(self, path: str) -> tuple[str, tuple[int, int] | None, bool]:
        """(`path` as shown, with each list item that has a string `name` named by it; (line, column), 1-based, of
        the deepest key or item of `path` the document holds, or None without a node tree; whether it holds all of
        `path`).

        A dotted path is read against the document: at each mapping the longest run of `.`-joined parts that is one
        key wins, so keys with dots (`flinkConfiguration.metrics.reporter.prom.port`) resolve too; parts past what
        the document holds (a defaulted or missing key) are shown as given and located at their parent."""
        parts: list[str | int] = [int(index) if index else key for index, key in _PART.findall(path)]
        data, node = self.data, self.node
        mark = node.start_mark if node is not None else None
        shown, at = "", 0
        while at < len(parts):
            part = parts[at]
            if isinstance(part, int):
                if not (isinstance(data, list) and part < len(data)):
                    break
                data = data[part]
                node = node.value[part] if isinstance(node, yaml.SequenceNode) else None
                name = data.get("name") if isinstance(data, dict) else None
                named = isinstance(name, str) and name and "]" not in name and name.isprintable()
                shown += f"[{name}]" if named else f"[{part}]"  # a line break in a name would split the line
                mark = node.start_mark if node is not None else None
                at += 1
                continue
            run = next((i for i in range(at, len(parts)) if isinstance(parts[i], int)), len(parts))
            key = next((k for end in range(run, at, -1)
                        if isinstance(data, dict) and (k := ".".join(map(str, parts[at:end]))) in data), None)
            if key is None:
                break
            data = data[key]
            key_node, node = _entry(node, key)
            shown = join(shown, key)
            mark = key_node.start_mark if key_node is not None else None
            at += key.count(".") + 1
        shown = join(shown, field_path(parts[at:]))
        return shown, (mark.line + 1, mark.column + 1) if mark is not None else None, at == len(parts)

    def placed(self, problem: Problem) -> tuple[tuple[int, int] | None, str]:
        """((line, column) or None, `<source>:<line>:<column>: <path>: <message>`) of `problem`: without a path for
        the document itself, without line and column for a document that has no node tree; the line and column of
        the first of `problem.at` the document holds, else of its path."""
        shown, where, _ = self.locate(problem.path)
        held = [located for located in map(self.locate, problem.at) if located[2]]
        if held:
            where = held[0][1]
        prefix = f"{self.source}:{where[0]}:{where[1]}" if where else self.source
        return where, f"{prefix}: {shown}: {problem.message}" if shown else f"{prefix}: {problem.message}"

    def line(self, problem: Problem) -> str:
        """`problem` as one line of a ConfigError (see `placed`)."""
        return self.placed(problem)[1]

    def report(self, problems: Iterable[Problem]) -> None:
        """Raise one ConfigError listing every problem (`line`) in the order of the file (problems without a
        location first, in the order found), if there is any.

        Raises:
            ConfigError: `problems` is not empty.
        """
        placed = list(dict.fromkeys(map(self.placed, problems)))  # one line per problem, even where two checks find
        if placed:                                                # the same
            placed.sort(key=lambda item: item[0] or (0, 0))
            raise ConfigError("\n".join(text for _, text in placed))


_PART = re.compile(r"\[(\d+)\]|([^.\[]+)")
"""One part of a problem path: `[<index>]` or a key (keys are separated by `.`)."""


def _entry(node: yaml.Node | None, key: str) -> tuple[yaml.Node | None, yaml.Node | None]:
    """(key node, value node) of `key` in the mapping `node`; (None, None) without one."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return key_node, value_node
    return None, None


# ---------------------------------------------------------------------------------------------------------------
# YAML and the JSON Schema
# ---------------------------------------------------------------------------------------------------------------


_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser where PyYAML was built with it (several times faster on large environment files)."""


class _StrictLoader(_SafeLoader):  # type: ignore[valid-type,misc]  # a class chosen at import time
    """A safe YAML loader that refuses a key given twice in one mapping (PyYAML keeps the last one silently,
    so a second `flink:` block would replace the first). Merge keys (`<<: *defaults`) work as in PyYAML: the
    mapping's own keys override the merged ones."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":  # `<<: *anchor`: its keys may be given again, and win
                continue
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key '{key}' (first given on line {seen[key]})", key_node.start_mark)
            seen[key] = line
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping


def read_yaml(path: Path, display: str) -> Document:
    """The YAML document of `path`, with its node tree (`Document`), shown as `display` in errors.

    Raises:
        ConfigError: not valid YAML, or a key given twice in one mapping (`<file>:<line>:<column>: duplicate key ...`).
    """
    return parse_yaml(path.read_text(), display)


def parse_yaml(text: str, display: str) -> Document:
    """The YAML document `text` (one document), with its node tree, shown as `display` in errors: PyYAML composes
    the nodes (libyaml where PyYAML has it) and builds the data from them, so keeping the nodes costs nothing more.

    Raises:
        ConfigError: as `read_yaml`.
    """
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        return Document(display, loader.construct_document(node) if node is not None else None, node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"{display}:{mark.line + 1}:{mark.column + 1}" if mark else display
        if "duplicate key" in str(error.problem):
            raise ConfigError(f"{where}: {error.problem}") from error
        context = f" ({error.context})" if error.context else ""
        raise ConfigError(f"{where}: not valid YAML: {error.problem}{context}") from error
    except yaml.YAMLError as error:
        raise ConfigError(f"{display}: not valid YAML: {error}") from error
    finally:
        loader.dispose()


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
    """Fill `instance` in place with the schema's `default`s, recursively (objects and arrays of objects): a key
    the instance lacks gets the property's own `default`, else its `$ref` target's (a fresh copy of a mutable one).

    Each schema node is resolved once per call (`_DefaultsPlan`), not once per list item: a thousand jobs share
    the plan of their item schema."""
    _fill_defaults(node_schema, instance, {})


class _DefaultsPlan(NamedTuple):
    """What `apply_defaults` does at one schema node: for each property (key, its schema node, whether it has a
    default, the default, whether the default is mutable and so copied), and the node of the items of an array
    (None: not an array)."""

    properties: tuple[tuple[str, dict[str, Any], bool, Any, bool], ...]
    items: dict[str, Any] | None


_IMMUTABLE = (str, int, float, bool, type(None))


def _fill_defaults(node: dict[str, Any], instance: Any,
                   plans: dict[int, tuple[dict[str, Any], _DefaultsPlan]]) -> None:
    """`apply_defaults` with `plans`, the plan of each schema node seen in this call by `id` (the node is kept with
    its plan, so no id is reused while the call runs)."""
    entry = plans.get(id(node))
    if entry is None:
        resolved = resolve_ref(node)
        properties = []
        for key, prop in resolved.get("properties", {}).items():
            prop_resolved = resolve_ref(prop)
            default = prop.get("default", prop_resolved.get("default"))
            properties.append((key, prop, "default" in prop or "default" in prop_resolved, default,
                               not isinstance(default, _IMMUTABLE)))
        entry = plans[id(node)] = (node, _DefaultsPlan(tuple(properties), resolved.get("items")))
    plan = entry[1]
    if isinstance(instance, dict):
        for key, prop, has_default, default, mutable in plan.properties:
            if key not in instance:
                if not has_default:
                    continue
                instance[key] = copy.deepcopy(default) if mutable else default
            if instance[key] is not None:
                _fill_defaults(prop, instance[key], plans)
    elif isinstance(instance, list) and plan.items is not None:
        for item in instance:
            _fill_defaults(plan.items, item, plans)


@cache
def ecma_regex(pattern: str) -> regress.Regex:
    """`pattern` compiled as an ECMA-262 regular expression (JSON Schema's dialect; `find(text)` is None when it
    does not match anywhere in `text`).

    Raises:
        regress.RegressError: not an ECMA-262 regular expression.
    """
    return regress.Regex(pattern)


def _ecma_pattern(validator: Any, pattern: str, instance: Any, _: Any) -> Iterator[jsonschema.ValidationError]:
    """The `pattern` keyword read as JSON Schema 2020-12 says (section 6.3.3 of the validation vocabulary: an ECMA-262
    regular expression, as editors read it), not as Python's `re`, whose `$` also matches before a final line break
    (so `"1Gi\\n"` would pass a quantity's `^...$` that the API server's parser refuses)."""
    if validator.is_type(instance, "string") and ecma_regex(pattern).find(instance) is None:
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


SchemaValidator = jsonschema.validators.extend(  # type: ignore[no-untyped-call]  # untyped in types-jsonschema
    jsonschema.Draft202012Validator, {"pattern": _ecma_pattern})
"""JSON Schema 2020-12 validation with ECMA-262 patterns: what checks an environment document (and `import`'s
values) against the committed schema."""


def schema_problems(document: dict[str, Any]) -> list[Problem]:
    """Every JSON Schema violation of `document`, sorted by path; an unknown key is one problem per key; a value
    outside an enum is one problem (the allowed values), not also a type error; a nullable object (`anyOf` of it and
    null) of another type is `expected object or null`."""
    validator = SchemaValidator(schema())
    errors = sorted(validator.iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path])
    enums = {tuple(e.absolute_path) for e in errors if e.validator == "enum"}
    errors = [e for e in errors if not (e.validator == "type" and tuple(e.absolute_path) in enums)]  # the enum's
    return [problem for error in errors for problem in _describe(error)]                               # values say it


def _describe(error: jsonschema.ValidationError) -> list[Problem]:
    path = field_path(error.absolute_path)
    value = error.instance
    node: dict[str, Any] = error.schema if isinstance(error.schema, dict) else {}
    expected: Any = error.validator_value
    if error.validator == "additionalProperties":
        allowed = sorted(node.get("properties", {}))
        unknown = sorted(set(value if isinstance(value, dict) else {}) - set(allowed))
        return [Problem(path, f"unknown key '{key}' (expected one of: {', '.join(allowed)})", (join(path, key),))
                for key in unknown]
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
            if len(inner) == 1 and inner[0].validator == "type" and not inner[0].relative_path:
                kind: Any = inner[0].validator_value
                kinds = [kind] if isinstance(kind, str) else list(kind)
                return [Problem(path, f"expected {' or '.join([*kinds, 'null'])}, got {type_name(value)} {value!r}")]
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
    values: dict[str, Any] = dict(extra)
    for read in _fields_read(cls):  # type: ignore[arg-type]  # classes are hashable; typeshed says type[T] may not be
        if read.name in values:
            continue
        node: Any = raw
        for part in read.parts:
            node = node.get(part) if isinstance(node, dict) else None
            if node is None:
                break
        if node is None and not read.optional:
            raise KeyError(f"{join(path, read.key)}: missing from the document and not optional in {cls.__name__}")
        values[read.name] = _convert(read.hint, node, join(path, read.key), problems)
    instance = cls(**values)
    own_problems = getattr(instance, "problems", None)
    if callable(own_problems):
        problems += [p.under(path) for p in own_problems()]
    return instance


class _FieldRead(NamedTuple):
    """How `build` reads one field of a section: its `name`, its (dotted) `key` and that key's `parts`, its type
    `hint` and whether None is allowed (`optional`)."""

    name: str
    key: str
    parts: tuple[str, ...]
    hint: Any
    optional: bool


@cache
def _fields_read(cls: type) -> tuple[_FieldRead, ...]:
    """The fields of the section class `cls` read from the file, in declaration order, worked out once per class
    (evaluating the annotations and the keys per instance was most of the cost of building a thousand jobs)."""
    hints = typing.get_type_hints(cls)
    return tuple(_FieldRead(field.name, key, tuple(key.split(".")), hints[field.name], _optional(hints[field.name]))
                 for field in dataclasses.fields(cls) if (key := field_key(field)) is not None)


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
