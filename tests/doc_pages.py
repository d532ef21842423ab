"""The documentation pages (README.md and every `docs/**/*.md`) read as a reader's tools read them: fenced code
blocks with their language, `##` headings with GitHub's anchors, relative links.

The convention every page follows (checked by tests/test_docs.py and run by tests/test_doc_examples.py):
- ```` ```sh ````: shell commands, run from the project root, one command a line (a trailing `\\` continues it);
  each must exit 0, or the code its trailing `# exits N` names.
- ```` ```yaml ```` whose first line is `# environments/<env>.yaml` (optionally `, under <path>:`, e.g.
  `, under flink:` or `, under flink.deployments[orders-enrichment]:`): a fragment merged into the fixture
  environment `<env>`; it must load and render. Any other yaml block must parse.
- ```` ```python ````: executed with the project on `sys.path`.
- ```` ```text ````, ```` ```console ````: output or illustration, not run.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("sh", "yaml", "python", "text", "console")
"""Every fenced block names one of these: an unknown one (```bash) would silently not run."""
FENCE = re.compile(r"^(?P<indent> *)```(?P<lang>[^`\s]*)\s*$")


@dataclasses.dataclass(frozen=True)
class Block:
    """One fenced code block: the page, the 1-based line of its opening fence, its language and its text (the lines
    between the fences, with the fence's indentation removed)."""

    page: Path
    line: int
    lang: str
    text: str

    @property
    def where(self) -> str:
        """`<page relative to the project>:<line>`, as a test id and in messages."""
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def pages() -> list[Path]:
    """README.md, then every markdown page under docs/, sorted."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def blocks(page: Path) -> list[Block]:
    """The fenced code blocks of `page`, in order.

    Raises:
        ValueError: a fence is never closed (names the page and line).
    """
    found: list[Block] = []
    lines = page.read_text().splitlines()
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if not opening:
            index += 1
            continue
        indent = len(opening["indent"])
        body: list[str] = []
        end = index + 1
        while end < len(lines) and not re.match(r"^ *```\s*$", lines[end]):
            body.append(lines[end][indent:] if lines[end][:indent].strip() == "" else lines[end])
            end += 1
        if end == len(lines):
            raise ValueError(f"{page.relative_to(ROOT)}:{index + 1}: code block never closed")
        found.append(Block(page, index + 1, opening["lang"], "\n".join(body) + "\n"))
        index = end + 1
    return found


def prose(page: Path) -> list[tuple[int, str]]:
    """(1-based line number, text) of every line of `page` outside fenced code blocks."""
    result: list[tuple[int, str]] = []
    inside = False
    for number, line in enumerate(page.read_text().splitlines(), 1):
        if FENCE.match(line) or (inside and re.match(r"^ *```\s*$", line)):
            inside = not inside
            continue
        if not inside:
            result.append((number, line))
    return result


def slug(heading: str) -> str:
    """GitHub's anchor of a heading's text: lower case, inline markup and punctuation dropped (but `-` and `_`),
    spaces as `-`."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)
    text = re.sub(r"[^\w\- ]", "", text.lower())
    return text.replace(" ", "-")


def headings(page: Path) -> list[tuple[int, str]]:
    """(level, text) of every markdown heading of `page` outside code blocks."""
    return [(len(m[1]), m[2].strip()) for _, line in prose(page) if (m := re.match(r"^(#{1,6}) +(.+)$", line))]


def anchors(page: Path) -> set[str]:
    """Every anchor a link may name in `page`: its headings' (GitHub's numbering of repeated ones included) and each
    `<a id="...">` / `<a name="...">`."""
    found: set[str] = set()
    for _, text in headings(page):
        base = slug(text)
        name, count = base, 0
        while name in found:
            count += 1
            name = f"{base}-{count}"
        found.add(name)
    found |= set(re.findall(r"<a (?:id|name)=\"([^\"]+)\"", page.read_text()))
    return found
