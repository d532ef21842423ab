"""Render environments to `dist/<env>/` atomically: all environments build in memory first, then each
output directory is replaced in one rename, so a failure leaves `dist/` untouched. A chart with no object (e.g.
Spark without applications) writes no file rather than an empty one. Each directory also gets a
`kustomization.yaml` listing its files in apply order, so `kubectl kustomize dist/<env>` (and `kubectl apply -k`)
build the same objects (but Argo CD's own: `manifests.layout.ARGO_CD_FILES`).

`synthesize_helm_templates` renders one environment as the `templates/` of a Helm chart instead (what
`python main.py helm` has `cdk8s synth --format helm` run)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import cdk8s
import yaml

from charts.platform import Platform
from config import ENVIRONMENTS_DIR, load_environment
from manifests.helm import NOTES, notes, template_text, with_helm_annotations
from manifests.layout import KUSTOMIZATION, MANIFEST_SUFFIX, kustomization, manifest_files, platform_files


def build_app(env: str, outdir: str, config_dir: Path = ENVIRONMENTS_DIR) -> cdk8s.App:
    """A cdk8s App with the platform of environment `env` (`<config_dir>/<env>.yaml`), writing to
    `outdir` when synthesized.

    Raises:
        ConfigError: as `load_environment` and `Platform`.
    """
    app = cdk8s.App(outdir=outdir, output_file_extension=MANIFEST_SUFFIX,
                    yaml_output_type=cdk8s.YamlOutputType.FILE_PER_CHART)
    Platform(app, load_environment(env, config_dir))
    return app


def _render(apps: list[tuple[str, cdk8s.App]], staging: Path) -> None:
    for env, app in apps:
        app.synth()
        for empty in (p for p in manifest_files(staging / env) if p.stat().st_size == 0):
            empty.unlink()  # a chart with nothing to render (e.g. no SparkApplication) writes no file


def synthesize(envs: list[str], outdir: str, config_dir: Path = ENVIRONMENTS_DIR) -> list[Path]:
    """Render `envs` (read from `config_dir`) into `<outdir>/<env>/` (the chart files and `kustomization.yaml`);
    returns the directories written.

    Raises:
        ConfigError: before anything is written.
    """
    root = Path(outdir)
    root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".synth-", dir=root) as staging:
        apps = [(env, build_app(env, str(Path(staging) / env), config_dir)) for env in envs]
        _render(apps, Path(staging))
        written = []
        for env, _ in apps:
            files = [p.name for p in platform_files(Path(staging) / env)]
            (Path(staging) / env / KUSTOMIZATION).write_text(kustomization(files))
            target = root / env
            if target.exists():
                shutil.rmtree(target)
            (Path(staging) / env).rename(target)
            written.append(target)
    return written


def synthesize_helm_templates(env: str, templates_dir: str, config_dir: Path = ENVIRONMENTS_DIR) -> list[Path]:
    """Render `env` into `templates_dir` as a Helm chart's templates: the same files and objects as `dist/<env>/`
    (no `kustomization.yaml`), directly in the folder, with Helm's hook and resource-policy annotations added
    (`manifests.helm.with_helm_annotations`), Go template delimiters escaped so that `helm template` gives back the
    objects (`manifests.helm.template_text`), and a `NOTES.txt` (`manifests.helm.notes`). Returns the files written.

    Raises:
        ConfigError: before anything is written.
        HelmChartError: an object the chart cannot express, before anything is written.
    """
    root = Path(templates_dir)
    with tempfile.TemporaryDirectory(prefix=".synth-") as staging:
        apps = [(env, build_app(env, str(Path(staging) / env), config_dir))]
        _render(apps, Path(staging))
        files = [(path.name, [o for o in yaml.safe_load_all(path.read_text()) if o])
                 for path in platform_files(Path(staging) / env)]
    annotated = with_helm_annotations([o for _, objects in files for o in objects])
    texts, start = {}, 0
    for name, objects in files:
        texts[name] = template_text(annotated[start:start + len(objects)])
        start += len(objects)
    texts[NOTES] = notes(env, annotated)
    root.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in texts.items():
        (root / name).write_text(text)
        written.append(root / name)
    return written
