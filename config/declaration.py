"""How a configuration setting is declared: once, on its dataclass field.

A section is a frozen dataclass (`@section`); each field read from the environment file is declared by its type hint
and by `setting(...)`, with its description as the attribute docstring right below it (kopf's settings style):

    parallelism: int = setting(1, minimum=1)
    \"\"\"Job parallelism.\"\"\"

- The type hint gives the JSON type: `str`, `int`, `float`, `bool`, `Literal[...]` (an enum), `X | None` (null
  allowed), `tuple[X, ...]` (an array), `dict[str, X]` (a map), a nested section dataclass (an object), and
  `Annotated[str, Definition(...)]` for a shared value type (`Quantity`, `Image`, ...: one `$defs` entry),
  `Annotated[str, Constraints(...)]` for one whose keywords are written into each use (`KubernetesName`).
- `setting(file_default, **constraints)`: the default is the value the file gets when it omits the key (a JSON
  value: `{}` or a mapping for an object); no default means the key is required. A `setting` with `any_of` declares
  its alternatives in place of the type's JSON type. The constraints are JSON Schema keywords
  in snake case (`minimum`, `maximum`, `pattern`, `max_length`, `exclusive_minimum`, `min_items`, `enum`,
  `property_names`, `items`, `additional_properties`, ...), written into the field's schema node as given (so a
  keyword the type also gives, such as `items`, replaces it); `error` is the text shown after the value when a
  `pattern` or `maxLength` fails (`'Foo' is not a Kubernetes name`); `key` the (dotted) key where it is not the
  field name in camelCase; `key=None` a field not read from the file. A value type the constructs share
  (`@value_type`, e.g. `config.flink_settings`) declares its fields with `setting(default=...)` (or
  `default_factory=`): the Python default, which is the file default too; the constructs check such a value with
  `checked` (its declared bounds and enums, `constraint_problems`, and its `problems()`).
- What a schema needs beyond fields is declared on the class: `DEFINITION` (the class is a shared structure,
  `#/$defs/<name>`, described by its class docstring), `GROUPS` (the objects that hold dotted keys such as
  `credentials.secretName`: their description and default) and `SCHEMA` (further keywords of the class's object
  node, e.g. the document's `$id`).

`config.schema_gen` generates `environments/config.schema.json` and the configuration reference from these
declarations (`python main.py docs --write`); the loader reads the committed schema file, so a load never walks
the declarations, and a test fails when the committed files drift from them.
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final, TypeVar, dataclass_transform

from config.loading import Problem, camel

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

T = TypeVar("T")


class _Required:
    """The type of `REQUIRED`."""

    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Final = _Required()
"""`setting`'s default when the key has none: the file must set it."""


def schema_keyword(name: str) -> str:
    """The JSON Schema keyword of a snake-case argument name: `max_length` -> `maxLength`, `error` -> `x-error`."""
    if name == "error":
        return "x-error"
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def setting(file_default: Any = REQUIRED, *, default: Any = REQUIRED, default_factory: Callable[[], Any] | None = None,
            key: str | None = "", **constraints: Any) -> Any:
    """A field of a config section: a `dataclasses.field` whose metadata carries the setting's `file_default` (the
    JSON value a file that omits the key gets; absent: the key is required), its (dotted) `key` ("" = the field name
    in camelCase; None = not read from the file) and its JSON Schema `constraints` (see the module docstring).

    A section's field keeps no Python default: `config.loading` builds every field from the defaulted document, so
    a class's constructor takes every field (and mypy, told by `section` that `setting` declares fields, says so: the
    first argument is not named `default`). A value type that constructs also build without a file (a settings
    group, the props of a construct) gives its fields a Python `default` (or a `default_factory`, called for each
    instance), which type checkers see (PEP 681); the file default is then the same value in JSON form
    (`json_value`: a tuple as a list, a mapping or a settings group as an object) unless `file_default` says
    otherwise. Returns `Any` (as `dataclasses.field` does) so that `name: int = setting(1)` type-checks.

    Raises:
        TypeError: both `default` and `default_factory`.
    """
    if default is not REQUIRED and default_factory is not None:
        raise TypeError("setting: give default or default_factory, not both")
    if file_default is REQUIRED and default is not REQUIRED:
        file_default = json_value(default)
    elif file_default is REQUIRED and default_factory is not None:
        file_default = json_value(default_factory())
    metadata: dict[str, Any] = {"schema": {schema_keyword(name): value for name, value in constraints.items()}}
    if file_default is not REQUIRED:
        metadata["default"] = file_default
    if key != "":
        metadata["key"] = key
    if default_factory is not None:
        return dataclasses.field(default_factory=default_factory, metadata=metadata)
    if default is not REQUIRED:
        return dataclasses.field(default=default, metadata=metadata)
    return dataclasses.field(metadata=metadata)


def json_value(value: Any) -> Any:
    """`value`, a Python default of a setting, as the JSON value of the file default: a tuple as a list, a mapping
    as a dict, a settings group (a dataclass instance) as `{}` (its own fields' file defaults apply), scalars and
    None as they are."""
    if isinstance(value, tuple):
        return [json_value(item) for item in value]
    if isinstance(value, Mapping):
        return {k: json_value(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value):
        return {}
    return value


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field, setting))
def section(cls: type[T]) -> type[T]:
    """`@dataclass(frozen=True)` for a config section whose fields are declared with `setting` (which type checkers
    then read as a field specifier, PEP 681)."""
    made: Callable[[type[T]], type[T]] = dataclasses.dataclass(frozen=True)
    return made(cls)


@dataclass_transform(frozen_default=True, kw_only_default=True, field_specifiers=(dataclasses.field, setting))
def value_type(cls: type[T]) -> type[T]:
    """`section` for a value type the constructs share (its fields declared with `setting(default=...)`), and for a
    section that extends one: keyword-only (`dataclass(kw_only=True)`), so that such a section (`SessionJobConfig`,
    a `JobSpec`) may add required fields after the value type's defaulted ones, and a construct's user names each
    field."""
    made: Callable[[type[T]], type[T]] = dataclasses.dataclass(frozen=True, kw_only=True)
    return made(cls)


@dataclasses.dataclass(frozen=True, eq=False)
class Definition:
    """A shared value type of the schema (`#/$defs/<name>`), used as `Annotated[str, Definition(...)]`: its
    `description` and further JSON Schema keywords (`pattern`, `error`, ... as for `setting`)."""

    name: str
    description: str
    keywords: Mapping[str, Any]

    def __init__(self, name: str, description: str, **keywords: Any) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "description", description)
        object.__setattr__(self, "keywords", {schema_keyword(k): v for k, v in keywords.items()})


@dataclasses.dataclass(frozen=True, eq=False)
class Constraints:
    """JSON Schema keywords of a value type written into each use (no `$defs` entry), used as
    `Annotated[str, Constraints(pattern=..., error=...)]` for a constrained string many settings share."""

    keywords: Mapping[str, Any]

    def __init__(self, **keywords: Any) -> None:
        object.__setattr__(self, "keywords", {schema_keyword(k): v for k, v in keywords.items()})



_BOUNDS: Final[Mapping[str, tuple[Callable[[float, float], bool], str]]] = {
    "minimum": (operator.ge, "is less than the minimum of"),
    "maximum": (operator.le, "is greater than the maximum of"),
    "exclusiveMinimum": (operator.gt, "is less than or equal to the minimum of"),
    "exclusiveMaximum": (operator.lt, "is greater than or equal to the maximum of")}
"""Per bound keyword: whether a number is within it, and the schema validator's words when not."""


def constraint_problems(value: DataclassInstance) -> Iterator[tuple[str, str]]:
    """(field name, message) per field of the dataclass instance `value` outside what its `setting` declares: a
    number beyond `minimum`, `maximum`, `exclusive_minimum` or `exclusive_maximum`, a value not in `enum`, worded
    as the loader words the schema's verdict (`1.5 is greater than the maximum of 1`, `4 is not one of: 1, 3, 5`): the
    check a value built without a file (by a construct's user) gets instead of the schema's. None passes."""
    for field in dataclasses.fields(value):
        item = getattr(value, field.name)
        declared = field.metadata.get("schema", {})
        if item is not None and "enum" in declared and item not in declared["enum"]:
            yield field.name, f"{item!r} is not one of: {', '.join(str(v) for v in declared['enum'])}"
        if isinstance(item, bool) or not isinstance(item, int | float):
            continue
        for keyword, bound in declared.items():
            if keyword in _BOUNDS and not _BOUNDS[keyword][0](item, bound):
                yield field.name, f"{item} {_BOUNDS[keyword][1]} {bound}"


def checked(what: str, value: DataclassInstance) -> None:
    """Check `value`, a settings group a construct was given: the bounds its declaration gives
    (`config.declaration.constraint_problems`: bounds and enums, which the schema checks for a file) and its own `problems()` if it has
    any, which the loader reports for a file. A construct can be built from values no file held (a library user, a test), so its
    props call this; for values the loader built it finds nothing new.

    Raises:
        ValueError: "<what>: <key>: <message>; ..." naming each problem.
    """
    bounds = [(camel(name), message) for name, message in constraint_problems(value)]
    found = [f"{key}: {message}" for key, message in bounds]
    own: Callable[[], Iterable[Problem]] = getattr(value, "problems", tuple)
    reported = {key for key, _ in bounds}  # a key out of its declared bounds is reported once, as the loader does
    found += [f"{p.path}: {p.message}" if p.path else p.message for p in own()
              if p.path.split(".")[0].split("[")[0] not in reported]
    if found:
        raise ValueError(f"{what}: {'; '.join(found)}")
