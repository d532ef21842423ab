"""`diff`: the rendered change between two git refs, or a ref and the working tree, object by object.

    python main.py diff [--base REF] [--head REF] [--env NAME ...] [--unified] [--format text|markdown]

A ref's rendering is its committed `dist/` (a test keeps `dist/` identical to what the source renders);
the working tree (no `--head`) is rendered fresh, so uncommitted source changes show up. Objects are keyed
by environment, kind, namespace and name; a changed object lists its changed fields
(`spec.replicas: 1 -> 2`), computed with DeepDiff; `--unified` adds a unified YAML diff per object. After the
objects come the findings of the state gate (`manifests.state_safety`), one line each, in two labelled groups:
`LOSS_HEADING` (certain loss) first, then `REVIEW_HEADING`. `render_markdown` writes the same report for a
pull-request comment (GitHub-flavoured Markdown).
Exit codes: 0 no change, 1 changes, 2 could not run (unknown ref, configuration error), 3 a certain loss with
`--fail-on-unsafe` (changes to review never fail).
"""

from __future__ import annotations

import difflib
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from deepdiff import DeepDiff

from config import ROOT
from manifests.layout import MANIFEST_SUFFIX, manifest_files
from manifests.tree import field_path

Key = tuple[str, str, str, str]
"""(environment, kind, namespace or "", name)."""


class DiffError(Exception):
    """The diff could not be computed (e.g. unknown git ref)."""


@dataclass(frozen=True)
class Change:
    """One object's change: `kind` is `added`, `removed` or `changed`; `fields` lists changed field paths."""

    key: Key
    kind: str
    fields: tuple[str, ...] = ()
    unified: str = ""

    @property
    def ref(self) -> str:
        env, kind, namespace, name = self.key
        return "/".join(p for p in (kind, namespace, name) if p)


def _objects(files: dict[str, str], env: str) -> dict[Key, dict[str, Any]]:
    result: dict[Key, dict[str, Any]] = {}
    for text in files.values():
        for doc in yaml.load_all(text, Loader=yaml.CSafeLoader):
            if isinstance(doc, dict) and "kind" in doc:
                meta = doc.get("metadata", {})
                result[(env, doc["kind"], meta.get("namespace", ""), meta.get("name", ""))] = doc
    return result


def _git(*args: str) -> str:
    result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise DiffError(f"git {' '.join(args)}: {result.stderr.strip()}")
    return result.stdout


def rendered_at_ref(ref: str, envs: list[str] | None) -> dict[Key, dict[str, Any]]:
    """Every object of `dist/` as committed at `ref`.

    Raises:
        DiffError: unknown ref.
    """
    _git("rev-parse", "--verify", f"{ref}^{{commit}}")
    paths = [p for p in _git("ls-tree", "-r", "--name-only", ref, "--", "dist/").splitlines()
             if p.endswith(MANIFEST_SUFFIX)]
    objects: dict[Key, dict[str, Any]] = {}
    for path in paths:
        env = path.split("/")[1]
        if envs is None or env in envs:
            objects.update(_objects({path: _git("show", f"{ref}:{path}")}, env))
    return objects


def objects_in_directory(root: Path, envs: list[str]) -> dict[Key, dict[str, Any]]:
    """Every object of `<root>/<env>/*.k8s.yaml` for each of `envs` (e.g. a fresh render of the working tree)."""
    objects: dict[Key, dict[str, Any]] = {}
    for env in envs:
        files = {str(p): p.read_text() for p in manifest_files(root / env)}
        objects.update(_objects(files, env))
    return objects


SHORT = 80
"""Characters of a value shown in a field change; longer values show the part around their first difference."""


def _text(value: Any) -> str:
    return repr(value) if not isinstance(value, (dict, list)) else yaml.safe_dump(value, default_flow_style=True).strip()


def _short(text: str, start: int = 0) -> str:
    """`text` cut to `SHORT` characters from `start`, with `…` where something was left out."""
    head = "…" if start > 0 else ""
    window = text[start:]
    return head + (window if len(window) <= SHORT else window[: SHORT - 1] + "…")


def _change(old: Any, new: Any) -> str:
    """`old -> new`, each cut to `SHORT` characters around the first character where they differ, so two long
    values that share a prefix never read the same."""
    a, b = _text(old), _text(new)
    if len(a) <= SHORT and len(b) <= SHORT:
        return f"{a} -> {b}"
    common = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    start = max(0, common - SHORT // 4)
    return f"{_short(a, start)} -> {_short(b, start)}"


def compare(base: dict[Key, dict[str, Any]], head: dict[Key, dict[str, Any]], *, unified: bool = False) -> list[Change]:
    """Added, removed and changed objects from `base` to `head`, sorted by key."""
    changes: list[Change] = []
    for key in sorted(base.keys() | head.keys()):
        if key not in base:
            changes.append(Change(key, "added"))
        elif key not in head:
            changes.append(Change(key, "removed"))
        elif base[key] != head[key]:
            fields = []
            for kind, items in DeepDiff(base[key], head[key], view="tree").items():
                for item in items:
                    path = field_path(item.path(output_format="list"))
                    if "added" in kind:
                        fields.append(f"{path}: added {_short(_text(item.t2))}")
                    elif "removed" in kind:
                        fields.append(f"{path}: removed (was {_short(_text(item.t1))})")
                    else:
                        fields.append(f"{path}: {_change(item.t1, item.t2)}")
            text = ""
            if unified:
                old = yaml.safe_dump(base[key], sort_keys=False).splitlines(keepends=True)
                new = yaml.safe_dump(head[key], sort_keys=False).splitlines(keepends=True)
                text = "".join(difflib.unified_diff(old, new, "base", "head"))
            changes.append(Change(key, "changed", tuple(sorted(fields)), text))
    return changes


LOSS_HEADING = "certain loss of state (fails --fail-on-unsafe):"
"""The text report's heading of the state gate's certain losses (`manifests.state_finding.Kind.LOSS`)."""
REVIEW_HEADING = "review (state may be at stake; does not fail the check):"
"""The text report's heading of the state gate's changes to review (`manifests.state_finding.Kind.REVIEW`)."""


def render(changes: list[Change], loss: Sequence[str] = (), review: Sequence[str] = ()) -> str:
    """The report: per environment a summary line, then `+`/`-`/`~` object lines with their field changes; then,
    if any, the state gate's lines (`manifests.state_finding.Finding.line`): the certain losses (`loss`) under
    `LOSS_HEADING`, then the changes to review (`review`) under `REVIEW_HEADING`."""
    lines: list[str] = []
    envs = sorted({c.key[0] for c in changes})
    for env in envs:
        mine = [c for c in changes if c.key[0] == env]
        counts = {k: sum(1 for c in mine if c.kind == k) for k in ("added", "removed", "changed")}
        lines.append(f"{env}: {counts['added']} added, {counts['removed']} removed, {counts['changed']} changed")
        for change in mine:
            lines.append(f"  {'+' if change.kind == 'added' else '-' if change.kind == 'removed' else '~'} {change.ref}")
            lines += [f"      {f}" for f in change.fields]
            if change.unified:
                lines += [f"      {line}" for line in change.unified.rstrip("\n").splitlines()]
    for heading, found in ((LOSS_HEADING, loss), (REVIEW_HEADING, review)):
        if found:
            lines.append(heading)
            lines += [f"  {line}" for line in found]
    if changes:
        counts = {k: sum(1 for c in changes if c.kind == k) for k in ("added", "removed", "changed")}
        lines.append(f"{len(changes)} objects differ: {counts['added']} added, {counts['removed']} removed, "
                     f"{counts['changed']} changed")
    else:
        lines.append("no rendered change")
    return "\n".join(lines) + "\n"


MARKDOWN_LIMIT = 60_000
"""Characters of a Markdown report at most: a GitHub comment holds 65,536; the rest is cut with a note."""


def _backtick_runs(text: str) -> list[int]:
    """Lengths of the runs of backticks in `text`."""
    runs, current = [], 0
    for char in text + " ":
        if char == "`":
            current += 1
        elif current:
            runs.append(current)
            current = 0
    return runs


def _code(text: str) -> str:
    """`text` as a Markdown code span, fenced by more backticks than any run inside it (CommonMark code spans)."""
    fence = "`" * (max(_backtick_runs(text), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _markdown_item(change: Change) -> list[str]:
    """One object as a list item: sign and reference, its field changes, its unified diff in a `diff` block."""
    sign = {"added": "+", "removed": "-"}.get(change.kind, "~")
    item = [f"- **{sign}** {_code(change.ref)}", *(f"  - {_code(f)}" for f in change.fields)]
    if change.unified:
        fence = "`" * max(3, max(_backtick_runs(change.unified), default=0) + 1)
        item += ["", f"  {fence}diff", *(f"  {line}" for line in change.unified.rstrip("\n").splitlines()),
                 f"  {fence}"]
    return item


def _counts(changes: list[Change]) -> str:
    counts = {k: sum(1 for c in changes if c.kind == k) for k in ("added", "removed", "changed")}
    return f"{counts['added']} added, {counts['removed']} removed, {counts['changed']} changed"


def _alert(alert: str, label: str, what: str, lines: Sequence[str]) -> list[str]:
    """A GitHub alert block (`> [!CAUTION]`) headed `**label: N change(s)** what`, one code span per line."""
    count = f"{len(lines)} change{'s' if len(lines) > 1 else ''}"
    return [f"> [!{alert}]", f"> **{label}: {count}** {what}", *(f"> - {_code(line)}" for line in lines), ""]


def render_markdown(changes: list[Change], loss: Sequence[str] = (), review: Sequence[str] = (), *,
                    limit: int = MARKDOWN_LIMIT) -> str:
    """The report as GitHub-flavoured Markdown for a pull-request comment: a headline with the counts, the state
    gate's findings first, each kind in its own labelled alert (`loss`, "Certain loss", a caution alert, then
    `review`, "Review", a warning alert), then per environment a collapsible list of objects (`+` added, `-`
    removed, `~` changed with its field changes, and its unified diff in a `diff` block with `--unified`).
    Longer than `limit` characters: cut before the object that would exceed it, with a note to run `make diff`."""
    lines = [f"### Rendered change: {len(changes)} objects differ ({_counts(changes)})" if changes
             else "### Rendered change: none", ""]
    if loss:
        lines += _alert("CAUTION", "Certain loss", "of state, or a restore or sync that certainly fails "
                        "(`--fail-on-unsafe` fails the check):", loss)
    if review:
        lines += _alert("WARNING", "Review", "(the effect on state depends on what the rendering does not show; "
                        "does not fail the check):", review)
    size = sum(len(line) + 1 for line in lines)
    left = len(changes)
    for env in sorted({c.key[0] for c in changes}):
        mine = [c for c in changes if c.key[0] == env]
        lines += ["<details open>", f"<summary><b>{env}</b>: {_counts(mine)}</summary>", ""]
        for change in mine:
            item = _markdown_item(change)
            size += sum(len(line) + 1 for line in item)
            if size > limit - 200:  # room for the closing lines and the note
                lines += ["", "</details>", "", f"*Cut at {limit:,} characters: {left} more objects; run "
                          "`make diff` for the whole report.*"]
                return "\n".join(lines) + "\n"
            lines += item
            left -= 1
        lines += ["", "</details>", ""]
    return "\n".join(lines).rstrip("\n") + "\n"
