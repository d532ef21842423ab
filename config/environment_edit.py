"""Editing an environment file in place (`python main.py import FILE... --into environments/<env>.yaml`) and printing
a config fragment in the environment files' own style.

The merge splices text: PyYAML's composed node tree (`config.loading.parse_yaml`; its marks are 0-based line and
column, https://pyyaml.org/wiki/PyYAMLDocumentation "Nodes") only says where the new lines go, and the new lines are
the fragment's values dumped alone, indented like the file. Every line of the file stays as it was, byte for byte:

- items appended to a list the file holds (`flink.deployments`) go right after the last line of the list's last item
  (a comment on that line stays with it); comment and blank lines that follow stay after the new items, since they
  usually introduce the next key;
- a key the file lacks goes after the last line of its parent mapping, a top-level section at the end of the file;
- a key whose value is empty (`jobs:`, `jobs: null`, `jobs: []`) is the one line that changes: the empty value
  goes and the block follows the key.

The merged text is then checked twice before it is written (atomically): it holds exactly the file's data with the
fragment merged in, and it loads as config.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from config.loading import ConfigError, field_path, parse_yaml

MAPPING_INDENT = 2
"""The environment files' indentation: nested keys by 2, list items `  - ` under their key (as a fragment prints, so
that it pastes into a file without re-indenting)."""

LINE_WIDTH = 120
"""Where a long scalar of a written value wraps (the project's line limit), counted from the file's first column."""

_NULL = "tag:yaml.org,2002:null"


class _IndentedDumper(yaml.SafeDumper):
    """PyYAML's safe dumper writing a list under a key indented (`key:\\n  - a`); PyYAML's default writes it at the
    key's column (`key:\\n- a`, `_IndentlessDumper`)."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


class _IndentlessDumper(yaml.SafeDumper):
    """PyYAML's safe dumper as it is: a list under a key at the key's column (`key:\\n- a`)."""


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    """A string with line breaks as a literal block (`|`, one line a line, as a person writes a log4j file), others
    as PyYAML writes them; PyYAML's emitter falls back to a quoted style where a block cannot hold the string
    (trailing spaces, special characters)."""
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|" if "\n" in text else None)


for _dumper in (_IndentedDumper, _IndentlessDumper):
    _dumper.add_representer(str, _represent_text)


@dataclass(frozen=True)
class _Style:
    """How a file indents: `mapping`, columns from a key to its nested keys; `indentless`, whether list items under a
    key start at the key's column (`key:\\n- a`) rather than one mapping indent further (`key:\\n  - a`)."""

    mapping: int = MAPPING_INDENT
    indentless: bool = False

    def dump(self, value: Any, column: int = 0) -> str:
        """`value` as block YAML in this style, each line moved right by `column` spaces (blank lines stay empty),
        wrapped at `LINE_WIDTH` counted from the file's first column; keys in their order, None as `null`."""
        text = yaml.dump(value, Dumper=_IndentlessDumper if self.indentless else _IndentedDumper, indent=self.mapping,
                         width=max(LINE_WIDTH - column, 40), sort_keys=False, allow_unicode=True,
                         default_flow_style=False)
        return "".join(" " * column + line if line.strip() else line for line in text.splitlines(keepends=True))


def _style(node: yaml.Node) -> _Style:
    """The style of the file whose node tree is `node`: its first nested block mapping and first block list under a
    key, in document order (the defaults where it has none)."""
    mapping: int | None = None
    indentless: bool | None = None
    queue: deque[yaml.Node] = deque([node])
    while queue and (mapping is None or indentless is None):
        current = queue.popleft()
        if isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                below = _block(value) and value.start_mark.line > key.start_mark.line
                if mapping is None and below and isinstance(value, yaml.MappingNode):
                    mapping = value.start_mark.column - key.start_mark.column
                if indentless is None and below and isinstance(value, yaml.SequenceNode):
                    indentless = value.start_mark.column == key.start_mark.column
                queue.append(value)
        elif isinstance(current, yaml.SequenceNode):
            queue.extend(current.value)
    return _Style(mapping or MAPPING_INDENT, bool(indentless))


def fragment_text(fragment: Mapping[str, Any]) -> str:
    """`fragment` as YAML text in the environment files' style (`MAPPING_INDENT`, lists indented under their key),
    keys in their order."""
    return _Style().dump(_plain(fragment))


def _plain(value: Any) -> Any:
    """Mappings and lists as plain dicts and lists (what PyYAML's safe dumper writes)."""
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


@dataclass(frozen=True)
class _Edit:
    """Replace the text from `start` to `end` (character offsets; equal for an insertion) with `text`."""

    start: int
    end: int
    text: str


class _Splice:
    """The edits to one file's text, located by its nodes' marks."""

    def __init__(self, text: str, source: str, style: _Style) -> None:
        self.newline = "\r\n" if "\r\n" in text else "\n"  # the new lines end as the file's lines end
        self.text = text if text.endswith("\n") or not text else text + self.newline
        self.source = source
        self.style = style
        self.edits: list[_Edit] = []
        # lines as YAML counts them (`str.splitlines` would also split at form feeds and other separators)
        self._line_starts = [0] + [match.end() for match in re.finditer("\n", self.text)]

    def offset(self, mark: yaml.Mark) -> int:
        """The character offset of a node mark (0-based line and column)."""
        return self._line_starts[mark.line] + mark.column

    def where(self, node: yaml.Node, path: tuple[str | int, ...]) -> str:
        """`<file>:<line>:<column>: <path>` of `node` (1-based), as config's errors name a place."""
        return f"{self.source}:{node.start_mark.line + 1}:{node.start_mark.column + 1}: {field_path(path)}"

    def after(self, node: yaml.Node) -> int:
        """The offset where the line after `node`'s last line of content starts: the end of its last scalar or flow
        collection, past the rest of that line (a comment on it stays with the node), not past the comment and blank
        lines that follow."""
        while _block(node) and node.value:
            last = node.value[-1]
            node = last[1] if isinstance(node, yaml.MappingNode) else last
        end = self.offset(node.end_mark)
        while end > 0 and self.text[end - 1] in " \t\r\n":  # a block scalar's end mark is past its line breaks
            end -= 1
        newline = self.text.find("\n", end)
        return len(self.text) if newline < 0 else newline + 1

    def insert(self, at: int, text: str) -> None:
        """Insert `text` (whole lines ending in `\\n`) at offset `at`, after the edits already made there."""
        self.edits.append(_Edit(at, at, text.replace("\n", self.newline)))

    def result(self) -> str:
        """The text with every edit made."""
        parts, at = [], 0
        for edit in sorted(self.edits, key=lambda e: e.start):  # stable: insertions at one offset in their order
            parts += [self.text[at:edit.start], edit.text]
            at = edit.end
        return "".join(parts) + self.text[at:]

    def merge(self, node: yaml.Node, data: dict[Any, Any], fragment: Mapping[str, Any],
              path: tuple[str | int, ...] = ()) -> None:
        """Plan the edits that merge `fragment` into the mapping `node` (whose data is `data`, updated in place to
        what the merged file must hold): mappings merged, lists appended; a list item equal to one the list holds is
        skipped, and so is an empty fragment value.

        Raises:
            ConfigError: a list item with the `name` of another item of that list (a second deployment `orders`), a
                value where the file holds another one or another type, or a flow collection (`{...}`, `[...]`)
                holding something that the fragment adds to; the message names the file, line, column and field.
        """
        pairs = {key.value: (key, value) for key, value in node.value if isinstance(key, yaml.ScalarNode)}
        for key, value in fragment.items():
            if isinstance(value, Mapping | list) and not value:
                continue
            if key not in pairs:
                self._refuse_flow(node, path)
                at = len(self.text) if not path else self.after(node)
                self.insert(at, self.style.dump({key: _plain(value)}, node.start_mark.column if path else 0))
                data[key] = _plain(value)
                continue
            key_node, value_node = pairs[key]
            current = data.get(key)
            if _empty(value_node) and isinstance(value, Mapping | list):
                self._replace_empty(key_node, value_node, key, value)
                data[key] = _plain(value)
            elif isinstance(value, Mapping) and isinstance(value_node, yaml.MappingNode) and isinstance(current, dict):
                self.merge(value_node, current, value, (*path, key))
            elif isinstance(value, list) and isinstance(value_node, yaml.SequenceNode) and isinstance(current, list):
                self._append(value_node, current, value, (*path, key))
            elif current != _plain(value):
                raise ConfigError(f"{self.where(value_node, (*path, key))}: the file holds {current!r}, the fragment "
                                  f"{_plain(value)!r} (nothing was written)")

    def _append(self, node: yaml.SequenceNode, data: list[Any], items: list[Any], path: tuple[str | int, ...]) -> None:
        """Plan appending `items` to the block list `node` (its data `data`, updated in place)."""
        existing = {item.get("name"): (index, item) for index, item in enumerate(data) if isinstance(item, dict)}
        new = []
        for item in items:
            name = item.get("name") if isinstance(item, Mapping) else None
            if name is not None and name in existing:
                index, held = existing[name]
                if held == _plain(item):
                    continue
                raise ConfigError(f"{self.where(node.value[index], path)}[{name}]: an entry named {name!r} exists "
                                  "already; rename the imported one or remove the existing one (nothing was written)")
            if _plain(item) not in data:
                new.append(_plain(item))
        if new:
            self._refuse_flow(node, path)
            self.insert(self.after(node), self.style.dump(new, node.start_mark.column))
            data += new

    def _replace_empty(self, key: yaml.Node, value: yaml.Node, name: str, fragment: Mapping[str, Any] | list[Any]
                       ) -> None:
        """Plan replacing the empty value `value` of `key` (`jobs:`, `jobs: null`, `jobs: []`) with `fragment` as a
        block under the key: the empty value's text goes (with the spaces before it unless a comment follows), the
        block's lines follow the key's line."""
        start, end = self.offset(value.start_mark), self.offset(value.end_mark)
        rest = self.text[end:self.text.find("\n", end)]
        if not rest.strip():
            while start > 0 and self.text[start - 1] in " \t":
                start -= 1
        self.edits.append(_Edit(start, end, ""))
        block = self.style.dump({name: _plain(fragment)}, key.start_mark.column)
        self.insert(self.after(value), block.split("\n", 1)[1])

    def _refuse_flow(self, node: yaml.Node, path: tuple[str | int, ...]) -> None:
        """Refuse to add to a flow collection that holds something (`{a: 1}`, `[a]`): its new lines would not be
        YAML of that collection.

        Raises:
            ConfigError: naming the file, line, column and field.
        """
        if isinstance(node, yaml.CollectionNode) and node.flow_style:
            kind = "one key a line" if isinstance(node, yaml.MappingNode) else "one `- ` item a line"
            raise ConfigError(f"{self.where(node, path)}: written in flow style ({{...}} or [...]); write it as a "
                              f"block ({kind}) so that import can add to it (nothing was written)")


def _empty(node: yaml.Node) -> bool:
    """Whether `node` is an empty value: null (`key:`, `null`, `~`) or an empty flow collection (`[]`, `{}`)."""
    if isinstance(node, yaml.CollectionNode):
        return not node.value
    return bool(node.tag == _NULL)


def _block(node: yaml.Node) -> bool:
    """Whether `node` is a block mapping or list (one key or `- ` item a line), not a scalar or a flow collection."""
    return isinstance(node, yaml.CollectionNode) and not node.flow_style


def merged_text(text: str, fragment: Mapping[str, Any], source: str) -> str:
    """Environment file text `text` with `fragment` merged in: every line of `text` kept as it is and the new lines
    added (see the module docstring); `source` names the file in errors. Checked: the result holds exactly the file's
    data with the fragment merged in.

    Raises:
        ConfigError: the text is not valid YAML or not a mapping, a name clash or another value (`_Splice.merge`), or
            new lines that would change other values (an anchor, alias or merge key `<<` around a list the fragment
            adds to; a block scalar ending the text without a line break, whose value the added one would change).
    """
    document = parse_yaml(text, source)
    if not isinstance(document.data, dict) or not isinstance(document.node, yaml.MappingNode):
        raise ConfigError(f"{source}: expected a mapping at the top level")
    expected = _plain(document.data)  # one copy per alias: appending to an anchored list changes it alone
    splice = _Splice(text, source, _style(document.node))
    splice.merge(document.node, expected, fragment)
    merged = splice.result()
    if parse_yaml(merged, source).data != expected:
        raise ConfigError(f"{source}: the new lines would change other values of the file (an anchor, alias or merge "
                          "key `<<` around a list the fragment adds to, or a block scalar `|` that ends the file "
                          "without a line break); merge the fragment by hand (nothing was written)")
    return merged


def merge_into(path: Path, fragment: Mapping[str, Any]) -> str:
    """Merge `fragment` into environment file `path` (`merged_text`: only lines added), check that the result loads
    as config (schema and checks, as `synth` loads it; `environment` must be the file's name), and replace the file
    atomically, keeping its permissions; the merged text is returned.

    Raises:
        ConfigError: the file is unreadable, `merged_text`'s errors, or the merged environment does not load
            (config's message, naming the file, line and field); the file is then unchanged.
    """
    from config import parse_text

    source = str(path)
    try:
        with path.open(newline="") as stream:  # line ends as they are (`\r\n` too), not translated
            text = stream.read()
    except OSError as error:
        raise ConfigError(f"{source}: cannot read: {error}") from error
    merged = merged_text(text, fragment, source)
    parse_text(merged, source=source, expected_name=path.stem)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", newline="") as stream:
            stream.write(merged)
        os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return merged
