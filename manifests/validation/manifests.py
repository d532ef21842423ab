"""Reading manifests from files and folders (`*.yaml`, `*.yml`, recursively, except Kustomize's build files), and the
parts of them several layers look at."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from manifests.validation.report import Finding, Layer, Manifest

KUSTOMIZE_FILES = frozenset({"kustomization.yaml", "kustomization.yml", "Kustomization"})
"""The names Kustomize reads as a folder's build file (`dist/<env>/kustomization.yaml`, `manifests.layout`): it lists
manifests, it is not one."""


def yaml_files(paths: list[Path]) -> list[Path]:
    """The YAML files named by `paths` (folders are searched recursively, skipping `KUSTOMIZE_FILES`), sorted,
    without duplicates.

    Raises:
        FileNotFoundError: a path does not exist.
    """
    files: set[Path] = set()
    for path in paths:
        if path.is_dir():
            files.update(p for p in path.rglob("*")
                         if p.suffix in (".yaml", ".yml") and p.name not in KUSTOMIZE_FILES and p.is_file())
        elif path.is_file():
            files.add(path)
        else:
            raise FileNotFoundError(f"{path}: no such file or folder")
    return sorted(files)


def config_map_data(manifests: list[Manifest]) -> dict[tuple[str | None, str], dict[str, str]]:
    """(namespace, name) -> data of every ConfigMap among `manifests` (values as text)."""
    return {(m.namespace, m.name): {str(k): str(v) for k, v in (m.obj.get("data") or {}).items()}
            for m in manifests if m.kind == "ConfigMap"}


def spark_application_spec(m: Manifest) -> tuple[str, dict[str, Any]] | None:
    """(path, spec) of the SparkApplication spec `m` holds: a SparkApplication's `spec`, a ScheduledSparkApplication's
    `spec.template` (each run is a SparkApplication with that spec, which the Spark operator's webhook checks when
    the controller creates it); None for other kinds."""
    spec = m.obj.get("spec") or {}
    if m.kind == "SparkApplication":
        return "spec", spec
    if m.kind == "ScheduledSparkApplication":
        return "spec.template", spec.get("template") or {}
    return None


def load(files: list[Path]) -> tuple[list[Manifest], list[Finding]]:
    """Every mapping document of `files` with `kind`; YAML errors become findings."""
    manifests: list[Manifest] = []
    problems: list[Finding] = []
    for path in files:
        try:
            documents = list(yaml.load_all(path.read_text(), Loader=yaml.CSafeLoader))
        except yaml.YAMLError as error:
            problems.append(Finding(str(path), "-", "-", f"not valid YAML: {error}".replace("\n", " "),
                                    layer=Layer.SCHEMA))
            continue
        for index, doc in enumerate(documents):
            if doc is None:
                continue
            if not isinstance(doc, dict) or "kind" not in doc or "apiVersion" not in doc:
                problems.append(Finding(str(path), f"document {index}", "-", "not a Kubernetes object "
                                        "(apiVersion and kind expected)", layer=Layer.SCHEMA))
                continue
            manifests.append(Manifest(str(path), doc))
    return manifests, problems
