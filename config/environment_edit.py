"""Editing an environment file in place (`python main.py import FILE... --into environments/<env>.yaml`): a config
fragment merged into the file's YAML with its comments, key order, quoting and indentation kept (ruamel.yaml's
round-trip mode, https://yaml.dev/doc/ruamel.yaml/detail/), checked by loading the result as config, then written
atomically; and the fragment printed in the environment files' own style."""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.util import load_yaml_guess_indent

from config.loading import ConfigError, field_path, read_yaml

FILE_STYLE = {"mapping": 2, "sequence": 4, "offset": 2}
"""The environment files' indentation (`ruamel.yaml` `YAML.indent`): mappings by 2, list items `  - ` under their
key, as a fragment prints so that it pastes into a file without re-indenting."""


LINE_WIDTH = 120
"""Where ruamel.yaml wraps a flow list or a long scalar it writes again (the project's line limit)."""


def _represent_none(representer: Any, _: None) -> Any:
    return representer.represent_scalar("tag:yaml.org,2002:null", "null")


def _round_trip(indent: Mapping[str, int]) -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = LINE_WIDTH
    yaml.indent(**indent)
    yaml.representer.add_representer(type(None), _represent_none)  # `job: null` stays written out
    return yaml


def _mapping_indent(text: str) -> int:
    """The indentation of the first nested mapping key in `text` (2 when there is none)."""
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    for parent, child in zip(lines, lines[1:], strict=False):
        if parent.rstrip().endswith(":") and not parent.startswith(" ") and child.startswith(" "):
            stripped = child.lstrip()
            if not stripped.startswith("- "):
                return len(child) - len(stripped)
    return FILE_STYLE["mapping"]


def fragment_text(fragment: Mapping[str, Any]) -> str:
    """`fragment` as YAML text in the environment files' style (`FILE_STYLE`), keys in their order."""
    out = io.StringIO()
    _round_trip(FILE_STYLE).dump(_commented(fragment), out)
    return out.getvalue()


def _commented(value: Any) -> Any:
    """Plain mappings and lists as ruamel's round-trip types (block style)."""
    if isinstance(value, Mapping):
        return CommentedMap((key, _commented(item)) for key, item in value.items())
    if isinstance(value, list):
        return CommentedSeq(_commented(item) for item in value)
    return value


def merge(document: Any, fragment: Mapping[str, Any], source: str, path: tuple[str | int, ...] = ()) -> None:
    """Merge `fragment` into `document` (a round-trip mapping) in place: mappings merged, lists appended; a list
    item equal to one the list holds is skipped.

    Raises:
        ConfigError: a list item with the `name` of another item of that list (a second deployment `orders`), or a
            value where the file holds another one or another type; the message names `source` and the field.
    """
    for key, value in fragment.items():
        where = field_path((*path, key))
        if key not in document or document[key] is None:
            document[key] = _commented(value)
        elif isinstance(value, Mapping) and isinstance(document[key], Mapping):
            merge(document[key], value, source, (*path, key))
        elif isinstance(value, list) and isinstance(document[key], list):
            existing = {item.get("name"): item for item in document[key] if isinstance(item, Mapping)}
            for item in value:
                name = item.get("name") if isinstance(item, Mapping) else None
                if name is not None and name in existing:
                    if _plain(existing[name]) == _plain(item):
                        continue
                    raise ConfigError(f"{source}: {where}: an entry named {name!r} exists already; rename the "
                                      "imported one or remove the existing one (nothing was written)")
                document[key].append(_commented(item))
        elif _plain(document[key]) != _plain(value):
            raise ConfigError(f"{source}: {where}: the file holds {_plain(document[key])!r}, the fragment "
                              f"{_plain(value)!r} (nothing was written)")


def _plain(value: Any) -> Any:
    """A round-trip value as plain dicts, lists and scalars (for comparing)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def merge_into(path: Path, fragment: Mapping[str, Any]) -> str:
    """Merge `fragment` into environment file `path`, keep its comments, key order and indentation, check that the
    result loads as config (schema and checks, as `synth` loads it; `environment` must be the file's name), and
    replace the file atomically; the merged text is returned.

    Raises:
        ConfigError: the file is unreadable or not a mapping, an entry name exists already (`merge`), or the merged
            environment does not load (config's message, naming the file and field); the file is then unchanged.
    """
    from config import parse_environment

    source = str(path)
    try:
        text = path.read_text()
    except OSError as error:
        raise ConfigError(f"{source}: cannot read: {error}") from error
    read_yaml(path, source)  # the file's own problems (duplicate keys, bad YAML) in config's words
    try:
        # loaded by the round-trip YAML that keeps quotes: ruamel's default drops them from every line it writes again
        document, indent, offset = load_yaml_guess_indent(text, yaml=_round_trip(FILE_STYLE))
    except YAMLError as error:
        raise ConfigError(f"{source}: not valid YAML: {error}") from error
    if not isinstance(document, CommentedMap):
        raise ConfigError(f"{source}: expected a mapping at the top level")
    merge(document, fragment, source)
    out = io.StringIO()
    _round_trip({"mapping": _mapping_indent(text), "sequence": indent or FILE_STYLE["sequence"],
                 "offset": offset or 0}).dump(document, out)
    merged = out.getvalue()
    parse_environment(_plain(_round_trip(FILE_STYLE).load(merged)), source=source, expected_name=path.stem)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w") as stream:
            stream.write(merged)
        os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return merged
