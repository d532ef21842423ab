"""Every code block of the documentation that a user would run is run here (the convention: tests/doc_pages.py).

- `sh` blocks run line by line, in page order (README first, then docs/ sorted), in one scratch copy of the project
  made once per session (`tests/scratch_project.py`: every project file copied, modification times kept so make
  sees nothing to rebuild; the installed folders and build's contents linked), with the fixture environments
  (`tests/environments/test-<env>.yaml`) in place of the shipped ones under the shipped names, and its `dist/`
  rendered from them, so the commands see what the tests know rather than the users' files. The copy is a git
  repository with one commit, so `diff` has a base. The venv's `bin/` is first on PATH (`python` is the project's).
- `yaml` blocks headed `# environments/<env>.yaml` are merged into that fixture environment (mappings key by key,
  lists of named items item by name, other lists replaced) and must load and render; other yaml blocks must parse.
- `python` blocks are executed in a namespace of their own.

Each page starts from the copy's commit (tracked files restored, untracked ones removed), so a page that edits an
environment (`import --into`) changes nothing for the next. Renders are shared: a command line already run with its
expected exit code on the same inputs (the copy's uncommitted changes outside dist/ and build/) is not run again. The copy reads the CRD directory and the reference deployment where the project does
(`$CRD_DIR` or `../shared/crds`, `$SHARED_DIR` or `../shared`), since `..` of the copy is elsewhere.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import FIXTURE_DIR
from tests.doc_pages import ROOT, Block, blocks, pages
from tests.scratch_project import LINKED, commit_all, scratch_project

FRAGMENT = re.compile(r"^# environments/(?P<env>[a-z0-9-]+)\.yaml(?:, under (?P<path>[^:]+):)?\s*$")
EXPECTED_EXIT = re.compile(r"#\s*exits\s+(\d+)\s*$")
LINE_TIMEOUT = 300
"""Seconds one command may take (a cold `make` of the judges is the longest)."""
_DONE: set[tuple[str, int, str]] = set()
"""(command, exit code, inputs) of the commands already run with the exit code their page expects, this session."""
_PAGE: list[str] = []
"""The page whose blocks ran last in the scratch copy."""


def _all_blocks() -> list[Block]:
    return [block for page in pages() for block in blocks(page)]


def _of(lang: str) -> list[Any]:
    return [pytest.param(block, id=block.where) for block in _all_blocks() if block.lang == lang]


def commands(text: str) -> list[tuple[str, int]]:
    """(command, expected exit code) of each command of an `sh` block: blank and comment lines skipped, lines
    ending in `\\` joined to the next, `# exits N` read from the end of the command (default 0)."""
    result: list[tuple[str, int]] = []
    pending = ""
    for raw in text.splitlines():
        line = pending + raw.strip() if pending else raw
        if line.rstrip().endswith("\\"):
            pending = line.rstrip()[:-1].rstrip() + " "
            continue
        pending = ""
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        expected = EXPECTED_EXIT.search(line)
        result.append((line.strip(), int(expected[1]) if expected else 0))
    return result


def merge(base: Any, fragment: Any) -> Any:
    """`fragment` merged into `base` (neither changed): mappings key by key; a list of mappings with `name` item by
    name (an item of a known name merged into it, others appended); any other value replaced."""
    if isinstance(base, dict) and isinstance(fragment, dict):
        merged = dict(base)
        for key, value in fragment.items():
            merged[key] = merge(base[key], value) if key in base else value
        return merged
    if isinstance(base, list) and isinstance(fragment, list) and all(
            isinstance(item, dict) and "name" in item for item in [*base, *fragment]):
        merged_list = list(base)
        for item in fragment:
            index = next((i for i, old in enumerate(merged_list) if old["name"] == item["name"]), None)
            if index is None:
                merged_list.append(item)
            else:
                merged_list[index] = merge(merged_list[index], item)
        return merged_list
    return fragment


def nest(path: str, fragment: Any, document: dict[str, Any]) -> Any:
    """`fragment` wrapped so that it sits at `path` of `document` (`flink.deployments[orders].podOptions`: keys by
    dots, `[name]` the list item of that name, which `document` must hold).

    Raises:
        KeyError: `[name]` names no item of the list at that point of `document`.
    """
    steps = re.findall(r"([^.\[\]]+)|\[([^\]]+)\]", path)
    node: Any = document
    wrappers: list[tuple[str, str]] = []
    for key, name in steps:
        if key:
            wrappers.append(("key", key))
            node = node.get(key, {}) if isinstance(node, dict) else {}
        else:
            items = [item for item in node if isinstance(item, dict) and item.get("name") == name]
            if not items:
                raise KeyError(f"{path}: no item named {name!r}")
            wrappers.append(("name", name))
            node = items[0]
    for kind, value in reversed(wrappers):
        fragment = {value: fragment} if kind == "key" else [{"name": value, **fragment}]
    return fragment


def fixture_document(env: str) -> dict[str, Any]:
    """The fixture environment `env` (`tests/environments/test-<env>.yaml`) as a document named `env`, as the
    scratch copy holds it.

    Raises:
        FileNotFoundError: no fixture of that name.
    """
    document = yaml.safe_load((FIXTURE_DIR / f"test-{env}.yaml").read_text())
    assert isinstance(document, dict)
    document["environment"] = env
    return document


DOC_ENVIRONMENTS = ("local", "dev", "prod", "examples")
"""The environment names the pages use (the shipped names); the scratch copy holds the fixture `test-<name>.yaml`
under each, never the users' file."""


@pytest.fixture(scope="session")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The scratch copy of the project the `sh` blocks run in (see the module's docstring), its `dist/` rendered from
    the fixture environments before the commit, so no command sees a render of the users' environments."""
    environments = {}
    for env in DOC_ENVIRONMENTS:
        text = re.sub(r"(?m)^environment: test-", "environment: ", (FIXTURE_DIR / f"test-{env}.yaml").read_text())
        environments[env] = text.replace("../../environments/", "./")
    copy = scratch_project(tmp_path_factory.mktemp("docs") / "project", environments, whole=True)
    shutil.rmtree(copy / "dist")
    subprocess.run([str(copy / ".venv" / "bin" / "python"), "-O", "main.py", "synth"], cwd=copy,
                   env=scratch_environment(copy), check=True, capture_output=True)
    commit_all(copy)
    return copy


def test_the_scratch_copy_holds_and_renders_the_fixtures_under_the_names_the_pages_use(scratch: Path) -> None:
    assert sorted(p.stem for p in (scratch / "environments").glob("*.yaml")) == sorted(DOC_ENVIRONMENTS)
    assert sorted(p.name for p in (scratch / "dist").iterdir() if p.is_dir()) == sorted(DOC_ENVIRONMENTS)
    assert yaml.safe_load((scratch / "environments" / "dev.yaml").read_text())["environment"] == "dev"


def test_commands_splits_joins_and_reads_the_expected_exit() -> None:
    text = "# a comment\nmake synth ENV=dev\n\npython main.py validate \\\n  --env dev   # exits 1\n"
    assert commands(text) == [("make synth ENV=dev", 0), ("python main.py validate --env dev   # exits 1", 1)]


def test_merge_by_name_and_nest() -> None:
    base = {"flink": {"deployments": [{"name": "a", "job": None, "podOptions": {"labels": {"x": "1"}}}],
                      "image": "f:1"}}
    fragment = nest("flink.deployments[a].podOptions", {"labels": {"y": "2"}}, base)
    assert merge(base, fragment) == {"flink": {"deployments": [
        {"name": "a", "job": None, "podOptions": {"labels": {"x": "1", "y": "2"}}}], "image": "f:1"}}
    assert merge(base, {"flink": {"deployments": [{"name": "b"}]}})["flink"]["deployments"][1] == {"name": "b"}
    with pytest.raises(KeyError):
        nest("flink.deployments[missing]", {}, base)


def scratch_environment(scratch: Path) -> dict[str, str]:
    """The environment of the commands: the venv's `bin/` first on PATH, make's own variables dropped, and the CRD
    directory and shared folder the project itself would read (see the module's docstring)."""
    env = {**os.environ, "PATH": f"{scratch / '.venv' / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
           "VIRTUAL_ENV": str(scratch / ".venv")}
    for name in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS"):
        env.pop(name, None)
    shared = ROOT.parent / "shared"
    if "CRD_DIR" not in env and (shared / "crds").is_dir():
        env["CRD_DIR"] = str(shared / "crds")
    if "SHARED_DIR" not in env and shared.is_dir():
        env["SHARED_DIR"] = str(shared)
    return env


def start_page(scratch: Path, page: str) -> None:
    """Restore the scratch copy to its commit when `page` is not the page that ran last (see the module's
    docstring); the linked folders and build/ stay."""
    if _PAGE[-1:] != [page]:
        subprocess.run(["git", "checkout", "-q", "--", "."], cwd=scratch, check=True)
        keep = [option for folder in (*LINKED, "build") for option in ("-e", folder)]
        subprocess.run(["git", "clean", "-fdq", *keep], cwd=scratch, check=True)
        _PAGE.append(page)


def inputs(scratch: Path) -> str:
    """The scratch copy's uncommitted changes outside dist/ and build/ (`git status --porcelain`)."""
    return subprocess.run(["git", "status", "--porcelain", "--", ".", ":(exclude)dist", ":(exclude)build"],
                          cwd=scratch, capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("block", _of("sh"))
def test_shell_block_runs(block: Block, scratch: Path) -> None:
    env = scratch_environment(scratch)
    steps = commands(block.text)
    assert steps, f"{block.where}: an sh block without a command"
    start_page(scratch, block.where.split(":")[0])
    for command, expected in steps:
        key = (command, expected, inputs(scratch))
        if key in _DONE:
            continue
        done = subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=scratch, env=env, capture_output=True,
                              text=True, timeout=LINE_TIMEOUT)
        assert done.returncode == expected, (
            f"{block.where}: `{command}` exited {done.returncode}, the page says {expected}\n"
            f"stdout: {done.stdout[-3000:]}\nstderr: {done.stderr[-3000:]}")
        _DONE.add(key)


@pytest.mark.parametrize("block", _of("yaml"))
def test_yaml_block_parses_and_a_fragment_loads_and_renders(block: Block) -> None:
    fragment = yaml.safe_load(block.text)
    heading = FRAGMENT.match(block.text.splitlines()[0])
    if heading is None:
        return
    import cdk8s

    from charts.platform import Platform
    from config import parse_environment

    env = heading["env"]
    assert (FIXTURE_DIR / f"test-{env}.yaml").is_file(), f"{block.where}: no fixture environment {env!r}"
    assert isinstance(fragment, dict), f"{block.where}: a fragment is a mapping"
    base = fixture_document(env)
    document = merge(base, nest(heading["path"], fragment, base) if heading["path"] else fragment)
    config = parse_environment(document, source=f"environments/{env}.yaml", expected_name=env)
    app = cdk8s.App(yaml_output_type=cdk8s.YamlOutputType.FILE_PER_CHART)
    Platform(app, config)
    objects = [obj for chart in app.charts for obj in chart.to_json()]
    assert objects, f"{block.where}: nothing rendered"


@pytest.mark.parametrize("block", _of("python"))
def test_python_block_runs(block: Block, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.syspath_prepend(str(ROOT))
    exec(compile(block.text, block.where, "exec"), {"__name__": "__doc_example__"})  # noqa: S102
