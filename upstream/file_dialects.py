"""The dialects of the configuration files the platform renders into ConfigMaps: each file is written by the
rules of the program that reads it, and read back here as that program reads it (for `validate` and the tests).

Three dialects, by reader:

- **Flat lines** (`LINES`): Flink 1.20's legacy `flink-conf.yaml` reader (`GlobalConfiguration.loadLegacyYAMLResource`,
  flink release-1.20.3 `flink-core/.../configuration/GlobalConfiguration.java` lines 215-266) and Fluss 0.9's
  `server.yaml` reader (`GlobalConfiguration.loadYAMLResource`, fluss v0.9.1-incubating
  `fluss-common/.../config/GlobalConfiguration.java` lines 153-204), the same algorithm: per line, the text from the
  first `#` on is dropped, the rest trimmed and split at the first `": "`, key and value trimmed, a line whose key
  or value is then empty skipped. Nothing is quoted or escaped, so a value holding `#`, a line break or outer
  whitespace cannot be written at all (`LineFileError`). The Flink operator 1.14 reads its own `flink-conf.yaml`
  this way (`FlinkConfigManager.loadGlobalConfiguration` -> `GlobalConfiguration.loadConfiguration`: the legacy
  file wins when it exists; the upstream chart ships `helm/flink-kubernetes-operator/conf/flink-conf.yaml`).
- **YAML** (`YAML`): Flink 1.20's `config.yaml` (`GlobalConfiguration.loadYAMLResource` -> `YamlParserUtils
  .loadYamlFile`: snakeyaml-engine with the YAML 1.2 Core schema, duplicate keys refused, nested keys joined with
  `.`; each value kept as the object the schema makes and read as text with `ConfigurationUtils.convertToString`:
  a String as it is, anything else dumped again as YAML; a null value fails the load, `Configuration
  .setValueInternal`: "Value must not be null."), and Flink's file catalog store (`FileCatalogStore.getCatalog`:
  Jackson's `YAMLMapper` into a `Map<String, String>`, each scalar as its text, a null scalar as null). Written
  with PyYAML's safe dumper, block style, one key per line; a string stays a plain scalar where both readers read
  that plain text back as the same string, and is quoted otherwise (`_reads_as_itself`).
- **Java properties** (`PROPERTIES`): `java.util.Properties.load`, the reader of Quarkus' `application.properties`
  (SmallRye Config's `PropertiesConfigSource`) and of log4j2's `.properties` (`PropertiesConfigurationFactory`).
  Keys are escaped as `Properties.store` escapes them (`javaproperties.escape`); a value only where `load` needs it
  (JDK 17 `java/util/Properties.java`, `load0` and `loadConvert`): a backslash, the first character when it is
  whitespace (which `load` skips after the separator), line breaks, and every character outside printable ASCII
  as `\\uXXXX` (log4j2 reads the file as ISO-8859-1). Read with `javaproperties.loads`, which follows `load`.

What is kept by hand, and why: the flat-lines reader and writer (no library reads Flink's legacy line format; it is
a dozen lines), and the YAML 1.2 Core schema's tag resolution (`core_scalar`) on top of PyYAML's parser and emitter,
since PyYAML resolves by YAML 1.1 (`yes`, `on` and `2001-12-14` are not strings there). ruamel.yaml 0.19.1 with
`version = (1, 2)` was tried as the maintained YAML 1.2 library and reads other values than snakeyaml-engine's Core
schema does: `1_000` as 1000, `0b11` as 3, `2001-12-14` as a date, and it fails on a plain `=` (all four are strings
to Flink). The properties dialect uses `javaproperties`, and its value escaping only adds what `load` needs.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from enum import Enum
from typing import Any

import javaproperties
import yaml

from upstream.java_values import java_double_str


class Dialect(Enum):
    """How a configuration file is written and read (see the module docstring)."""

    LINES = "flat key: value lines"
    YAML = "YAML"
    PROPERTIES = "Java properties"


class LineFileError(ValueError):
    """A setting the flat-lines dialect cannot carry: `str()` names the key and what the reader would do with it."""


class FileReadError(ValueError):
    """A file its reader refuses (a YAML syntax error, a duplicate key): `str()` is the reason, with the line."""


Settings = Mapping[str, str | int]
"""Key -> value of a configuration file; an int is written as its decimal text."""


def _ordered(settings: Settings, sort_keys: bool) -> list[tuple[str, str]]:
    keys = sorted(settings) if sort_keys else list(settings)
    return [(key, str(settings[key])) for key in keys]


# --- flat lines ------------------------------------------------------------------------------------------------

def line_problem(key: str, value: str) -> str | None:
    """Why the flat-lines reader would not read `key: value` back as written, or None."""
    for name, text in (("key", key), ("value", value)):
        if not text.strip():
            return f"the {name} is empty (the reader skips the line)"
        if "#" in text:
            return f"the {name} holds '#', where the reader's comment starts (the rest of the line is dropped)"
        if "\n" in text or "\r" in text:
            return f"the {name} holds a line break (each line is read on its own)"
        if text != text.strip():
            return f"the {name} starts or ends with whitespace (the reader trims it)"
    if ": " in key:
        return "the key holds ': ', where the reader splits key from value"
    return None


def line_file(settings: Settings, *, sort_keys: bool = True) -> str:
    """`settings` as flat `key: value` lines (sorted by key, or in the mapping's order), each ending in a newline.

    Raises:
        LineFileError: a key or value the reader cannot read back as written (`line_problem`).
    """
    lines = []
    for key, value in _ordered(settings, sort_keys):
        problem = line_problem(key, value)
        if problem:
            raise LineFileError(f"setting {key!r} = {value!r} cannot be written to a flat key: value file: {problem}")
        lines.append(f"{key}: {value}\n")
    return "".join(lines)


def read_line_file(text: str) -> dict[str, str]:
    """The flat-lines reader: key -> value as Flink's legacy and Fluss' readers read `text` (later keys win)."""
    return {key: value for key, value, _ in line_entries(text) if key and value}


def line_entries(text: str) -> list[tuple[str, str, str]]:
    """(key, value, line) of each line that is neither blank nor a comment, as the reader splits it; key or value
    is '' where the reader skips the line."""
    entries = []
    for line in text.splitlines():
        conf = line.split("#", 1)[0].strip()
        if conf:
            key, separator, value = conf.partition(": ")
            entries.append((key.strip(), value.strip(), line) if separator else ("", "", line))
    return entries


# --- YAML ------------------------------------------------------------------------------------------------------

_CORE_NULL = re.compile(r"~|null|Null|NULL|")
_CORE_BOOL = re.compile(r"true|True|TRUE|false|False|FALSE")
_CORE_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_CORE_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)")
"""The YAML 1.2.2 Core schema's tag resolution of a plain scalar (https://yaml.org/spec/1.2.2/#1032-tag-resolution),
which snakeyaml-engine's `CoreSchema` implements (Flink 1.20's `YamlParserUtils`)."""


def core_scalar(text: str) -> Any:
    """A plain scalar's value under the YAML 1.2 Core schema: None, a bool, an int, a float or the text itself."""
    if _CORE_NULL.fullmatch(text):
        return None
    if _CORE_BOOL.fullmatch(text):
        return text.lower() == "true"
    if _CORE_INT.fullmatch(text):
        return int(text, 8) if text.startswith("0o") else int(text, 0) if text.startswith("0x") else int(text)
    if _CORE_FLOAT.fullmatch(text):
        lowered = text.lower()
        return math.nan if lowered.endswith("nan") else float(lowered.replace(".inf", "inf"))
    return text


def flink_text(value: Any) -> str:
    """`ConfigurationUtils.convertToString(value, standardYaml=true)` of a scalar: a string as it is, a bool,
    int or float as snakeyaml-engine dumps it (`true`, `8081`, `Double.toString`, `.inf`, `.nan`)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        return (".inf" if value > 0 else "-.inf") if math.isinf(value) else java_double_str(value)
    return str(value)


def _reads_as_itself(text: str) -> bool:
    """Both YAML readers read `text`, written as a plain scalar, back as the string `text`: Flink's `config.yaml`
    (Core schema, then `flink_text`) and Jackson (the text; null for a null scalar; a plain infinity or NaN fails)."""
    value = core_scalar(text)
    if isinstance(value, float) and not math.isfinite(value):
        return False  # Jackson's YAML parser fails on a plain `.inf` / `.nan` (NumberFormatException)
    return value is not None and flink_text(value) == text


class _Dumper(yaml.SafeDumper):
    """PyYAML's safe dumper whose implicit-tag check is the readers' (`_reads_as_itself`): a string is written
    plain when the emitter allows a plain scalar and the readers read it back unchanged, quoted otherwise."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is yaml.ScalarNode and implicit[0]:
            return "tag:yaml.org,2002:str" if _reads_as_itself(value) else "tag:yaml.org,2002:null"
        return super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]


class _Key(str):
    """A mapping key: quoted unless the Core schema reads it as a string (Flink's `config.yaml` reader casts every
    key to String: a plain `0` or `true` key fails the load with a ClassCastException)."""


_BREAKS = re.compile("[\r\n\x85\u2028\u2029]")
"""Characters PyYAML folds as line breaks in a plain or single-quoted scalar, which YAML 1.2 readers do not all read
back (NEL and the Unicode separators are breaks in YAML 1.1 only): such a string is double-quoted, with escapes."""


def _represent_str(dumper: _Dumper, text: str) -> yaml.ScalarNode:
    plain_key = not isinstance(text, _Key) or isinstance(core_scalar(text), str)
    style = '"' if _BREAKS.search(text) else None if plain_key else "'"
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(text), style=style)


_Dumper.add_representer(_Key, _represent_str)
_Dumper.add_representer(str, _represent_str)


def yaml_file(settings: Settings, *, sort_keys: bool = True) -> str:
    """`settings` as a YAML mapping, one `key: value` line each (sorted by key, or in the mapping's order), every
    value a string; quoted only where a reader would otherwise read something else (see the module docstring)."""
    document = {_Key(key): value for key, value in _ordered(settings, sort_keys)}
    if not document:
        return ""
    return str(yaml.dump(document, Dumper=_Dumper, default_flow_style=False, sort_keys=False, width=2**31,
                         allow_unicode=True))


class _CoreLoader(yaml.SafeLoader):
    """PyYAML's parser with the YAML 1.2 Core schema and duplicate keys refused (snakeyaml-engine's defaults)."""


_CoreLoader.yaml_implicit_resolvers = {}
for _tag, _pattern in (("null", _CORE_NULL), ("bool", _CORE_BOOL), ("int", _CORE_INT), ("float", _CORE_FLOAT)):
    _CoreLoader.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(f"^(?:{_pattern.pattern})$"),
                                      list("~nNtTfF+-0123456789.") + [""])


def _construct_core_scalar(loader: _CoreLoader, node: yaml.ScalarNode) -> Any:
    return core_scalar(loader.construct_scalar(node))


for _tag in ("null", "bool", "int", "float"):
    _CoreLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _construct_core_scalar)


def _construct_mapping(loader: _CoreLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                "while constructing a mapping", node.start_mark, f"found duplicate key {key}", key_node.start_mark)
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


_CoreLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def _load(text: str, loader: type[yaml.SafeLoader]) -> dict[Any, Any]:
    try:
        document = yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader with its own scalar resolution
    except yaml.YAMLError as error:
        raise FileReadError(str(error).replace("\n", " ")) from error
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise FileReadError(f"the file is a YAML {type(document).__name__}, not a mapping")
    return document


def read_flink_yaml(text: str) -> dict[str, str | None]:
    """Flink 1.20's reading of a `config.yaml`: nested keys joined with `.`, each value as `flink_text` (a list
    or mapping under a key as flow YAML), None for a null value (which fails Flink's load).

    Raises:
        FileReadError: the YAML does not parse, repeats a key or is not a mapping.
    """
    result: dict[str, str | None] = {}

    def walk(value: Any, key: str) -> None:
        if isinstance(value, dict) and value:
            for name, child in value.items():
                walk(child, f"{key}.{flink_text(name)}" if key else flink_text(name))
        elif value is None:
            result[key] = None
        else:
            result[key] = (yaml.safe_dump(value, default_flow_style=True, width=2**31).strip()
                           if isinstance(value, dict | list) else flink_text(value))

    walk(_load(text, _CoreLoader), "")
    return result


class _TextLoader(yaml.SafeLoader):
    """PyYAML's parser reading every scalar as its text, a plain null scalar as None (Jackson's `Map<String,
    String>` reading), duplicate keys refused (Jackson's `STRICT_DUPLICATE_DETECTION` is off, but a repeated key
    silently loses a value)."""


_TextLoader.yaml_implicit_resolvers = {}
_TextLoader.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(f"^(?:{_CORE_NULL.pattern})$"),
                                  list("~nN") + [""])
_TextLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def load_yaml(text: str) -> dict[Any, Any]:
    """A YAML mapping with every scalar as its text (None: a null scalar), nested values as they are.

    Raises:
        FileReadError: the YAML does not parse, repeats a key or is not a mapping.
    """
    return _load(text, _TextLoader)


def read_text_yaml(text: str) -> dict[str, str | None]:
    """Flink's file catalog store's reading of a catalog file: key -> the value's text (None: null).

    Raises:
        FileReadError: the YAML does not parse, repeats a key, is not a mapping or holds a list or mapping.
    """
    result: dict[str, str | None] = {}
    for key, value in load_yaml(text).items():
        if isinstance(value, dict | list):
            raise FileReadError(f"{key}: a YAML {type(value).__name__}, where the reader expects text")
        result[str(key)] = value
    return result


# --- Java properties -------------------------------------------------------------------------------------------

_VALUE_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\f": "\\f"}


def properties_value(value: str) -> str:
    """`value` escaped as `Properties.load` needs it to read it back (see the module docstring)."""
    chars = [_VALUE_ESCAPES.get(c) or (c if " " <= c <= "~" else _unicode_escape(c)) for c in value]
    if value[:1] == " ":
        chars[0] = "\\ "
    return "".join(chars)


def _unicode_escape(char: str) -> str:
    """`\\uXXXX` of a character, one per UTF-16 code unit (a surrogate pair beyond the BMP), as `load` reads it."""
    units = char.encode("utf-16-be")
    return "".join(f"\\u{int.from_bytes(units[i:i + 2], 'big'):04X}" for i in range(0, len(units), 2))


def properties_file(settings: Settings, *, separator: str = "=", sort_keys: bool = True) -> str:
    """`settings` as Java properties, `<key><separator><value>` per line (sorted by key, or in the mapping's
    order), each ending in a newline; `separator` is `=` (Quarkus) or ` = ` (the log4j2 files of the upstream
    charts)."""
    return "".join(f"{javaproperties.escape(key)}{separator}{properties_value(value)}\n"
                   for key, value in _ordered(settings, sort_keys))


def read_properties(text: str) -> dict[str, str]:
    """`Properties.load` of `text` (`javaproperties.loads`): key -> value, a later key winning."""
    return dict(javaproperties.loads(text))
