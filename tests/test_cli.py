"""main.py: exit codes, messages and the guarantee that a failed run writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from charts import config as config_module
from charts.cli import main as cli_main


def snapshot(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def test_unknown_environment_exits_2_and_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "local").mkdir()
    (tmp_path / "local" / "keep.k8s.yaml").write_text("kind: Keep\n")
    before = snapshot(tmp_path)
    assert cli_main(["--env", "local", "--env", "staging", "--outdir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "error: unknown environment 'staging'" in err and "(known: dev, local, prod)" in err
    assert snapshot(tmp_path) == before


def test_bad_config_exits_2_and_leaves_dist_untouched(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    envs = tmp_path / "environments"
    envs.mkdir()
    text = (config_module.ENVIRONMENTS_DIR / "local.yaml").read_text()
    (envs / "local.yaml").write_text(text.replace("highAvailability: false", "highAvailability: nope"))
    out = tmp_path / "dist"
    assert cli_main(["--env", "local", "--outdir", str(out), "--config-dir", str(envs)]) == 2
    assert "local.yaml: flink.sessionCluster.highAvailability: expected boolean, got string 'nope'" in capsys.readouterr().err
    assert not (out / "local").exists()
    assert [p.name for p in out.iterdir()] == []


def test_unknown_job_placeholder_is_a_config_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    envs = tmp_path / "environments"
    envs.mkdir()
    text = (config_module.ENVIRONMENTS_DIR / "dev.yaml").read_text()
    (envs / "dev.yaml").write_text(text.replace("${fluss.bootstrapServers}", "${fluss.bootstrap}", 1))
    assert cli_main(["--env", "dev", "--outdir", str(tmp_path / "dist"), "--config-dir", str(envs)]) == 2
    assert ("flink.jobs[0].args: unknown placeholder '${fluss.bootstrap}' (expected one of: "
            "${fluss.bootstrapServers}, ${polaris.catalogUri}, ${polaris.tokenEndpoint})") in capsys.readouterr().err


def test_successful_run_writes_one_file_per_chart_in_apply_order(tmp_path: Path) -> None:
    assert cli_main(["--env", "local", "--outdir", str(tmp_path)]) == 0
    assert sorted(p.name for p in (tmp_path / "local").iterdir()) == [
        "00-namespaces.k8s.yaml", "10-flink-operator.k8s.yaml", "15-spark-operator.k8s.yaml",
        "20-object-store.k8s.yaml", "30-polaris.k8s.yaml",
        "40-fluss.k8s.yaml", "50-flink.k8s.yaml", "60-spark.k8s.yaml",
    ]
    assert [p.name for p in tmp_path.iterdir()] == ["local"]
