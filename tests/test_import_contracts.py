"""The import-linter contracts of `pyproject.toml` cover a new component by default.

The contracts name no component: every package or module under `charts/` other than `synth`, `platform` and `blocks`
is one. So a component added tomorrow is held to them without an edit of `pyproject.toml`. These tests prove it the
way a new component would meet them: throw-away components are added to a scratch copy of the tree, each making one
kind of import a component must not make, and the real `lint-imports` runs there. Each bad import must break its
contract and be named in the report; the well-behaved one (building blocks and value modules only) must not appear.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.scratch_project import ROOT, scratch_project

GENERATED = {"imports": "the bindings `make setup` generates from the pinned CRDs: an external package to the contracts"}
"""Top-level packages of the checkout that are not the project's own code, with why."""
INDEPENDENCE = "Components do not import each other, charts.platform or charts.synth"
VALUE_MODULES_ONLY = "Components and blocks take props: of config they import only its value modules"
NO_VALIDATION = "What is rendered does not reach into validate"

PROBES = {
    "probe_other_component": ("from charts.polaris.server import Polaris", INDEPENDENCE, "charts.polaris.server"),
    "probe_config_section": ("from config.flink import FlinkConfig", VALUE_MODULES_ONLY, "config.flink"),
    "probe_config_package": ("from config import load_environment", VALUE_MODULES_ONLY, "config"),
    "probe_platform": ("from charts.platform import Platform", INDEPENDENCE, "charts.platform"),
    "probe_synth": ("from charts.synth import synthesize", INDEPENDENCE, "charts.synth"),
    "probe_validation": ("from manifests.validation.first_sync import BUILT_IN_GROUPS", NO_VALIDATION,
                         "manifests.validation.first_sync"),
}
"""Throw-away component -> (its one import, the contract that must break, the module it imports)."""

WELL_BEHAVED = "\n".join((
    "from charts.blocks.metadata import SyncWave",
    "from upstream import capabilities",
    "from config.common import Resources",
))
"""A throw-away component that imports what a component may: the building blocks, the upstream facts and the value
modules of config."""


def _lint_report(tree: Path) -> tuple[int, str]:
    """Run this checkout's `lint-imports` (no cache) in `tree`; returns its exit code and output, unwrapped."""
    env = {**os.environ, "COLUMNS": "1000"}
    lint_imports = Path(sys.executable).parent / "lint-imports"
    run = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=tree, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    return run.returncode, run.stdout + run.stderr


def _broken_sections(report: str) -> dict[str, str]:
    """Contract name -> its violations, from the "Broken contracts" listing of `report` (a contract's name is a line
    underlined by dashes)."""
    lines = report.partition("Broken contracts")[2].splitlines()
    headings = [i for i in range(len(lines) - 1) if lines[i] and lines[i + 1] == "-" * len(lines[i])]
    ends = [*headings[1:], len(lines)]
    return {lines[start]: "\n".join(lines[start + 2 : end]) for start, end in zip(headings, ends, strict=True)}


@pytest.fixture(scope="module")
def probed_report(tmp_path_factory: pytest.TempPathFactory) -> str:
    """`lint-imports`' report on a scratch copy of the tree with every probe and the well-behaved component added
    (one package each, the import in a module of its own, as a component's chart module would make it)."""
    tree = scratch_project(tmp_path_factory.mktemp("contracts") / "tree", {})
    shutil.copytree(ROOT / "tests", tree / "tests", ignore=shutil.ignore_patterns("__pycache__"))
    components = {name: statement for name, (statement, _, _) in PROBES.items()} | {"well_behaved": WELL_BEHAVED}
    for name, text in components.items():
        package = tree / "charts" / name
        package.mkdir()
        (package / "__init__.py").write_text(f'"""Throw-away component {name}."""\n')
        (package / "chart.py").write_text(text + "\n")
    code, report = _lint_report(tree)
    assert code == 1, f"lint-imports exited {code}, expected 1 (contracts broken):\n{report}"
    return report


def test_the_tree_as_committed_keeps_every_contract() -> None:
    """The control: the same run on this checkout keeps every contract (so the probes' breaks are their own)."""
    code, report = _lint_report(ROOT)
    assert code == 0, report
    assert "0 broken" in report, report


@pytest.mark.parametrize("probe", sorted(PROBES))
def test_a_new_component_is_held_to_the_contracts(probed_report: str, probe: str) -> None:
    """A component no contract names breaks its contract with the one import it must not make, named in the report
    with the line it is on."""
    statement, contract, imported = PROBES[probe]
    section = next((text for name, text in _broken_sections(probed_report).items() if name.startswith(contract)), "")
    assert section, f"{contract!r} is not among the broken contracts:\n{probed_report}"
    assert f"charts.{probe}.chart -> {imported} (l.1)" in section, (
        f"charts.{probe} ({statement}) is not reported under {contract!r}:\n{probed_report}"
    )


def test_a_component_importing_blocks_and_value_modules_breaks_nothing(probed_report: str) -> None:
    """What a component may import (charts.blocks, config.common, upstream.capabilities) is reported nowhere."""
    assert "charts.well_behaved" not in probed_report, probed_report


def test_every_package_of_the_project_is_in_the_contracts() -> None:
    """Every top-level package of the checkout (a directory with `__init__.py`) is one of import-linter's root packages,
    and every one but `tests` is a layer of the top-level layers contract: a new package is never outside them."""
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    packages = {path.parent.name for path in ROOT.glob("*/__init__.py")} - set(GENERATED)
    missing_roots = sorted(packages - set(settings["root_packages"]))
    assert not missing_roots, f"pyproject.toml: [tool.importlinter] root_packages lacks {missing_roots}"
    top = next(c for c in settings["contracts"] if c["type"] == "layers" and "cli" in c["layers"])
    missing_layers = sorted(packages - {"tests"} - set(top["layers"]))
    assert not missing_layers, f"pyproject.toml: the contract {top['name']!r} places no layer for {missing_layers}"
