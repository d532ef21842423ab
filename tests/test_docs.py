"""The documentation's shape: the generated configuration reference is current, README opens with the two setup
commands and stays short, and every page (README.md, docs/**/*.md) has a table of contents of its `##` headings,
no line over 120 characters, no process notes, relative links that reach an existing file and heading, and code
blocks in a language the examples harness knows (tests/test_doc_examples.py runs them)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from config.docs import END, PAGE, START, page_with_reference
from tests.doc_pages import LANGUAGES, ROOT, anchors, blocks, headings, pages, prose, slug

WIDTH = 120
README_MAX_LINES = 250
PROCESS_NOTES = re.compile(r"issues?\s*#\s*\d*|\bthis session\b(?! (?:job|cluster))|\bearlier sessions?\b", re.IGNORECASE)
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")


def _page_id(page: Path) -> str:
    return str(page.relative_to(ROOT))


PAGES = [pytest.param(page, id=_page_id(page)) for page in pages()]


def test_configuration_reference_is_current() -> None:
    text = PAGE.read_text()
    assert START in text and END in text
    assert page_with_reference(text) == text, "run `make docs`"


def test_readme_starts_with_the_two_commands() -> None:
    head = (ROOT / "README.md").read_text().splitlines()[:5]
    assert any("make synth" in line for line in head) and any("make test" in line for line in head)


def test_readme_is_short() -> None:
    assert len((ROOT / "README.md").read_text().splitlines()) <= README_MAX_LINES


def test_docs_hold_pages() -> None:
    """The tree exists: an index, guides, operations, references (the parametrized tests below cover each page)."""
    names = {_page_id(page) for page in pages()}
    assert {"docs/index.md", "docs/architecture.md", "docs/reference/configuration.md",
            "docs/reference/cli.md"} <= names
    assert any(n.startswith("docs/guides/") for n in names) and any(n.startswith("docs/operations/") for n in names)


@pytest.mark.parametrize("page", PAGES)
def test_no_line_is_longer_than_120(page: Path) -> None:
    long = [f"{number}: {len(line)}" for number, line in enumerate(page.read_text().splitlines(), 1)
            if len(line) > WIDTH]
    assert long == []


@pytest.mark.parametrize("page", PAGES)
def test_table_of_contents_lists_every_section(page: Path) -> None:
    """Before the first `##` heading, a bullet list of links to each `##` heading, in order, and nothing else."""
    text = prose(page)
    sections = [title for level, title in headings(page) if level == 2]
    first = next((number for number, line in text if line.startswith("## ")), len(text) + 1)
    toc = [line for number, line in text
           if number < first and re.match(r"^- \[[^\]]*\]\(#[^)]*\)\s*$", line)]
    expected = [f"- [{title.replace('`', '')}](#{slug(title)})" for title in sections]
    assert [re.sub(r"`", "", line.rstrip()) for line in toc] == expected


@pytest.mark.parametrize("page", PAGES)
def test_no_process_notes(page: Path) -> None:
    found = [f"{number}: {line.strip()}" for number, line in enumerate(page.read_text().splitlines(), 1)
             if PROCESS_NOTES.search(line)]
    assert found == []


@pytest.mark.parametrize("page", PAGES)
def test_relative_links_reach_a_file_and_heading(page: Path) -> None:
    broken: list[str] = []
    for number, line in prose(page):
        for target in LINK.findall(re.sub(r"`[^`]*`", "", line)):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target):
                continue
            path, _, anchor = target.partition("#")
            file = (page.parent / path).resolve() if path else page
            relative = file.relative_to(ROOT) if file.is_relative_to(ROOT) else file
            if not file.exists():
                broken.append(f"{number}: {target}: no file {relative}")
                continue
            if anchor and file.suffix == ".md" and anchor not in anchors(file):
                broken.append(f"{number}: {target}: no heading #{anchor} in {relative}")
    assert broken == []


@pytest.mark.parametrize("page", PAGES)
def test_code_blocks_name_a_known_language(page: Path) -> None:
    assert [f"{b.line}: {b.lang or '(none)'}" for b in blocks(page) if b.lang not in LANGUAGES] == []


def test_slug_is_githubs() -> None:
    assert slug("Flink configuration keys") == "flink-configuration-keys"
    assert slug("`flink.jobs`: session jobs (and more)") == "flinkjobs-session-jobs-and-more"
    assert slug("Argo CD (app of apps)") == "argo-cd-app-of-apps"
