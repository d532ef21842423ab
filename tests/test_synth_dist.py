"""`make synth` and `cdk8s synth` (the pinned CLI with cdk8s.yaml) end with the same `dist/`: every environment,
the bytes a fresh render gives; `make synth ENV=x` renders only x; a failed run (bad config) leaves `dist/` exactly as
it was. Each runs in a scratch copy of the project (tests/scratch_project.py) holding two fixture environments."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import FIXTURE_DIR
from tests.scratch_project import scratch_project
from tests.test_cli import snapshot

ENVS = ("test-dev", "test-local")
MAKE_SYNTH = ("make", "--no-print-directory", "synth")
CDK8S_SYNTH = (".venv/bin/cdk8s", "synth")
"""The pinned cdk8s-cli (`make setup` writes this wrapper; `npx cdk8s synth` runs the same program)."""


def expected(rendered_root: Path, envs: tuple[str, ...]) -> dict[str, bytes]:
    """What dist/ holds after rendering `envs`: the session's fresh render of those fixture environments."""
    return {f"{env}/{name}": data for env in envs for name, data in snapshot(rendered_root / env).items()}


def run(project: Path, command: tuple[str, ...]) -> subprocess.CompletedProcess[str]:
    """Run `command` in `project` as a user would, without an ENV or CDK8S_OUTDIR of the test's own environment."""
    environ = {k: v for k, v in os.environ.items() if k not in ("ENV", "CDK8S_OUTDIR", "VIRTUAL_ENV")}
    return subprocess.run(command, cwd=project, env=environ, capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    """A scratch project with the fixture environments test-dev and test-local, nothing rendered yet."""
    yield scratch_project(tmp_path / "project", {env: (FIXTURE_DIR / f"{env}.yaml").read_text() for env in ENVS})


def test_make_synth_renders_every_environment(project: Path, rendered_root: Path) -> None:
    """It rendered `local` only, so an edit to another environment left its dist/ stale until a test failed."""
    result = run(project, MAKE_SYNTH)
    assert result.returncode == 0, result.stderr
    assert snapshot(project / "dist") == expected(rendered_root, ENVS)
    assert result.stdout.splitlines()[-2:] == ["synthesized dist/test-dev", "synthesized dist/test-local"]


def test_make_synth_env_renders_that_environment_only(project: Path, rendered_root: Path) -> None:
    result = run(project, (*MAKE_SYNTH, "ENV=test-dev"))
    assert result.returncode == 0, result.stderr
    assert snapshot(project / "dist") == expected(rendered_root, ("test-dev",))


def test_cdk8s_synth_ends_with_the_dist_of_make_synth(project: Path, rendered_root: Path) -> None:
    """cdk8s.yaml's app wrote into the CLI's scratch folder only, so `cdk8s synth` left dist/ as it was."""
    result = run(project, CDK8S_SYNTH)
    assert result.returncode == 0, result.stderr
    assert snapshot(project / "dist") == expected(rendered_root, ENVS)
    assert snapshot(project / "build" / "cdk8s.out") == expected(rendered_root, ENVS)  # what the CLI lists
    assert "  - build/cdk8s.out/test-dev/50-flink.k8s.yaml" in result.stdout.splitlines()


@pytest.mark.parametrize("command", [MAKE_SYNTH, CDK8S_SYNTH], ids=["make synth", "cdk8s synth"])
def test_a_failed_run_leaves_dist_as_it_was(project: Path, rendered_root: Path, command: tuple[str, ...]) -> None:
    """The CLI deletes its output folder before it runs the app: pointed at dist/, a failing run lost the committed
    render. Here test-dev is broken after a good render; the run fails naming the file and the field, and dist/
    keeps every byte (test-local's too, and no staging folder is left behind)."""
    for env in ENVS:
        shutil.copytree(rendered_root / env, project / "dist" / env)
    (project / "dist" / "test-local" / "hand-added.yaml").write_text("kind: Kept\n")
    before = snapshot(project / "dist")
    dev = project / "environments" / "test-dev.yaml"
    assert "taskManager: {taskSlots: 4}" in dev.read_text()
    dev.write_text(dev.read_text().replace("taskManager: {taskSlots: 4}", "taskManager: {taskSlots: four}", 1))
    result = run(project, command)
    assert result.returncode != 0
    error = next(line for line in result.stderr.splitlines() if line.startswith("error: "))
    assert "environments/test-dev.yaml" in error and "taskSlots" in error and "'four'" in error, result.stderr
    assert snapshot(project / "dist") == before
    assert sorted(p.name for p in (project / "dist").iterdir()) == list(ENVS)


@pytest.mark.parametrize("target", ["synth", "validate", "diff", "helm"])
def test_a_shell_s_exported_env_is_not_an_environment_name(target: str) -> None:
    """POSIX shells read `ENV` as the path of their startup file: make takes ENV from its command line only."""
    root = Path(__file__).resolve().parent.parent
    environ = {**os.environ, "ENV": "/home/someone/.shrc"}
    exported = subprocess.run(["make", "-n", "--no-print-directory", target], cwd=root, env=environ,
                              capture_output=True, text=True, check=True).stdout
    given = subprocess.run(["make", "-n", "--no-print-directory", target, "ENV=dev"], cwd=root, env=environ,
                           capture_output=True, text=True, check=True).stdout
    assert ".shrc" not in exported
    assert "--env dev" in given
