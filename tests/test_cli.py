"""main.py: exit codes, messages and the guarantee that a failed run writes nothing."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from cli.commands import COMMANDS
from cli.commands import main as cli_main
from tests.conftest import FIXTURE_DIR, fixture_environments

FIXTURES = ["--config-dir", str(FIXTURE_DIR)]
"""The tests' own environments (tests/conftest.py), never the shipped ones: `--config-dir` as a user would give it."""


def snapshot(directory: Path) -> dict[str, bytes]:
    """relative path -> bytes of every file under `directory` (hidden files included)."""
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def test_unknown_environment_exits_2_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "test-local").mkdir()
    (tmp_path / "test-local" / "keep.k8s.yaml").write_text("kind: Keep\n")
    before = snapshot(tmp_path)
    assert cli_main(["--env", "test-local", "--env", "no-such-env", "--outdir", str(tmp_path), *FIXTURES]) == 2
    err = capsys.readouterr().err
    known = ", ".join(fixture_environments())
    assert "error: unknown environment 'no-such-env'" in err and f"(known: {known})" in err
    assert snapshot(tmp_path) == before


def test_bad_config_exits_2_and_leaves_dist_untouched(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    envs = tmp_path / "environments"
    envs.mkdir()
    text = (FIXTURE_DIR / "test-local.yaml").read_text()
    (envs / "test-local.yaml").write_text(text.replace("highAvailability: false", "highAvailability: nope"))
    out = tmp_path / "dist"
    assert cli_main(["--env", "test-local", "--outdir", str(out), "--config-dir", str(envs)]) == 2
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "highAvailability: false" in t)
    column = text.splitlines()[line - 1].index("highAvailability") + 1
    assert (f"test-local.yaml:{line}:{column}: flink.sessionCluster.highAvailability: expected boolean, got string "
            "'nope'" in capsys.readouterr().err)
    assert not (out / "test-local").exists()
    assert [p.name for p in out.iterdir()] == []


def test_unknown_job_placeholder_is_a_config_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    envs = tmp_path / "environments"
    envs.mkdir()
    text = (FIXTURE_DIR / "test-dev.yaml").read_text()
    (envs / "test-dev.yaml").write_text(text.replace("${fluss.bootstrapServers}", "${fluss.bootstrap}", 1))
    assert cli_main(["--env", "test-dev", "--outdir", str(tmp_path / "dist"), "--config-dir", str(envs)]) == 2
    assert ("flink.jobs[bronze-ingest-event].args[5]: unknown placeholder '${fluss.bootstrap}' (expected one of: "
            "${fluss.bootstrapServers}, ${polaris.catalogUri}, ${polaris.tokenEndpoint})") in capsys.readouterr().err


def test_successful_run_writes_one_file_per_chart_in_apply_order(tmp_path: Path) -> None:
    assert cli_main(["--env", "test-local", "--outdir", str(tmp_path), *FIXTURES]) == 0
    assert sorted(p.name for p in (tmp_path / "test-local").iterdir()) == [
        "00-namespaces.k8s.yaml", "10-flink-operator.k8s.yaml", "15-spark-operator.k8s.yaml",
        "20-object-store.k8s.yaml", "30-polaris.k8s.yaml",
        "40-fluss.k8s.yaml", "50-flink.k8s.yaml", "60-spark.k8s.yaml", "kustomization.yaml",
    ]
    assert [p.name for p in tmp_path.iterdir()] == ["test-local"]


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    from cli.commands import COMMANDS

    with pytest.raises(SystemExit) as exit_info:
        cli_main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert all(f"    {name} " in out for name in COMMANDS), out


def test_make_help_lists_every_target() -> None:
    import re
    import subprocess

    makefile = Path("Makefile").read_text()
    targets = {t for t in re.findall(r"^([a-z][a-z-]*):", makefile, flags=re.M)}
    listed = subprocess.run(["make", "--no-print-directory", "help"], capture_output=True, text=True, check=True).stdout
    documented = set(re.findall(r"^make ([a-z-]+)", listed, flags=re.M))
    assert documented == targets - {"setup", "typecheck", "imports", "clean"}, listed


def test_validate_names_the_supported_kubernetes_versions(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["validate", "--kubernetes-version", "1.20", "--no-kubeconform"]) == 2
    err = capsys.readouterr().err
    assert "--kubernetes-version 1.20: no schemas for that version (supported: 1.25," in err and "1.33" in err


def test_validate_accepts_a_minor_version_and_says_why_kubeconform_did_not_run(
        rendered_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["validate", "--env", "test-local", "--dist", str(rendered_root), *FIXTURES,
                     "--kubernetes-version", "1.30", "--no-kubeconform"]) == 0
    assert "note: kubeconform was not run: --no-kubeconform" in capsys.readouterr().out


def test_validate_unknown_environment_names_the_known_ones(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["validate", "--env", "nope", *FIXTURES]) == 2
    known = ", ".join(fixture_environments())
    assert capsys.readouterr().err == (
        f"error: unknown environment 'nope': tests/environments/nope.yaml does not exist (known: {known})\n")


def _make_dry_run(*args: str) -> str:
    import subprocess

    result = subprocess.run(["make", "--no-print-directory", "-n", *args], capture_output=True, text=True, check=True)
    return result.stdout


@pytest.mark.parametrize(("args", "expected"), [
    (("validate",), "main.py validate \n"),
    (("validate", "ENV=prod"), "main.py validate --env prod\n"),
    (("validate", "ENV=all"), "main.py validate \n"),
    (("validate", "PATHS=dist/local/00-namespaces.k8s.yaml"), "main.py validate dist/local/00-namespaces.k8s.yaml\n"),
    (("diff", "ENV=dev", "BASE=main"), "main.py diff --base main --env dev --format text || [ $? -eq 1 ]\n"),
])
def test_make_validate_and_diff_pass_env_on(args: tuple[str, ...], expected: str) -> None:
    """`ENV` reaches validate and diff (it was ignored), and diff's exit 1 ("there are changes") is not a make error."""
    assert _make_dry_run(*args).endswith(expected)


def test_app_renders_where_the_cdk8s_cli_says(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CDK8S_OUTDIR", str(tmp_path))
    assert cli_main(["--env", "test-local", *FIXTURES]) == 0
    assert (tmp_path / "test-local" / "00-namespaces.k8s.yaml").is_file()


def test_cdk8s_is_on_the_venv_path_pinned_and_offline() -> None:
    """README: with the venv active `cdk8s synth` works (it was `command not found`; the CLI lives in node_modules)."""
    import json
    import subprocess

    result = subprocess.run([".venv/bin/cdk8s", "--version"], capture_output=True, text=True, check=True, timeout=60)
    pinned = json.loads(Path("package.json").read_text())["devDependencies"]["cdk8s-cli"]
    assert result.stdout.strip() == pinned.lstrip("^~=") and result.stderr == ""


def test_a_chart_without_objects_writes_no_file(tmp_path: Path) -> None:
    """An environment without SparkApplications (and no Secret in the Spark namespace) got an empty 60-spark file."""
    import yaml

    envs = tmp_path / "environments"
    envs.mkdir()
    doc = yaml.safe_load((FIXTURE_DIR / "test-dev.yaml").read_text())
    doc["spark"] = {**doc.get("spark", {}), "applications": []}
    doc["environment"] = "nospark"
    (envs / "nospark.yaml").write_text(yaml.safe_dump(doc))
    assert cli_main(["--env", "nospark", "--outdir", str(tmp_path / "dist"), "--config-dir", str(envs)]) == 0
    files = sorted(p.name for p in (tmp_path / "dist" / "nospark").iterdir())
    assert "60-spark.k8s.yaml" not in files and all((tmp_path / "dist" / "nospark" / f).stat().st_size for f in files)


def test_a_fourth_environment_renders_and_validates(rendered_root: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """Adding an environment is adding a file (a copy of dev as staging broke `make test` before: hard-coded lists)."""
    import shutil

    envs = tmp_path / "environments"
    shutil.copytree(FIXTURE_DIR, envs)
    text = (envs / "test-dev.yaml").read_text().replace("environment: test-dev", "environment: staging")
    (envs / "staging.yaml").write_text(text)
    out = tmp_path / "dist"
    assert cli_main(["synth", "--env", "staging", "--outdir", str(out), "--config-dir", str(envs)]) == 0
    assert cli_main(["validate", "--dist", str(out), "--config-dir", str(envs), "--env", "staging",
                     "--no-kubeconform"]) == 0
    staging = capsys.readouterr().out.splitlines()[-1]
    assert cli_main(["validate", "--env", "test-dev", "--dist", str(rendered_root), *FIXTURES, "--no-kubeconform"]) == 0
    assert staging == capsys.readouterr().out.splitlines()[-1]  # the same objects and findings as the dev it copies


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_explains_itself_in_its_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`main.py COMMAND --help` has a description between the usage and the arguments (`docs` and `schemas` showed
    the usage line and the options only)."""
    with pytest.raises(SystemExit) as exit_info:
        cli_main([command, "--help"])
    assert exit_info.value.code == 0
    blocks = capsys.readouterr().out.split("\n\n")
    assert blocks[0].startswith(f"usage: main.py {command} ")
    description = " ".join(blocks[1].split())
    assert not description.startswith(("positional arguments:", "options:")) and len(description.split()) >= 8, blocks


SYSTEM_PYTHON = Path("/usr/bin/python3")


def test_main_with_a_python_without_the_dependencies_says_how_to_run_it(tmp_path: Path) -> None:
    """The system python3 (no cdk8s, no jsonschema) ran `main.py synth` into a raw ModuleNotFoundError traceback."""
    import subprocess

    if not SYSTEM_PYTHON.is_file():
        pytest.skip(f"{SYSTEM_PYTHON} does not exist on this machine")
    probe = subprocess.run([str(SYSTEM_PYTHON), "-c", "import cdk8s"], capture_output=True, check=False)
    if probe.returncode == 0:
        pytest.skip(f"{SYSTEM_PYTHON} has cdk8s installed: it is not a Python without the dependencies")
    environ = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    result = subprocess.run([str(SYSTEM_PYTHON), "main.py", "synth", "--env", "test-local", *FIXTURES,
                             "--outdir", str(tmp_path)], capture_output=True, text=True, env=environ, check=False)
    assert result.returncode == 2, result.stderr
    first, second = result.stderr.splitlines()
    assert re.fullmatch(rf"error: Python module '\w+' is not installed for {SYSTEM_PYTHON} \(Python 3[.\d]+\)\.", first)
    assert second == ("main.py needs the project's virtual environment: run `make setup` once, then use "
                      "`.venv/bin/python main.py ...` (or `make synth`, or activate it with `. .venv/bin/activate`).")
    assert result.stdout == "" and list(tmp_path.iterdir()) == []


def test_a_missing_module_of_the_project_itself_keeps_its_traceback() -> None:
    """Only what `make setup` installs is explained away; a broken import inside the project is a fault to see."""
    from cli.requirements import missing_dependency

    own = ModuleNotFoundError("No module named 'charts.nope'", name="charts.nope")
    assert missing_dependency(own, "/usr/bin/python3", "3.11.2") is None
    generated = ModuleNotFoundError("No module named 'imports'", name="imports")
    assert (missing_dependency(generated, ".venv/bin/python", "3.11.2") or "").startswith(
        "error: the generated cdk8s bindings (imports/, written by `make setup`) are missing.\n")


def test_config_errors_come_in_the_order_of_the_file_each_line_an_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Problems are listed by line (not by path), each line of stderr marked `error:` so that a log filter or an
    editor's problem matcher reads every one."""
    envs = tmp_path / "environments"
    envs.mkdir()
    text = (FIXTURE_DIR / "test-local.yaml").read_text()
    broken = (text.replace("highAvailability: false", "highAvailability: nope")
              .replace("polaris:\n", "polaris:\n  replicas: '2'\n"))
    (envs / "test-local.yaml").write_text(broken)
    assert cli_main(["--env", "test-local", "--outdir", str(tmp_path / "dist"), "--config-dir", str(envs)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) >= 2 and all(line.startswith("error: ") for line in err)
    lines = [int(line.split(":")[2]) for line in err]
    assert lines == sorted(lines)
    assert "polaris.replicas" in err[0] and "highAvailability" in err[-1]  # by path, flink.* would come first
