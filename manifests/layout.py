"""The layout of a rendered environment folder, `dist/<env>/`: one `<NN>-<chart>.k8s.yaml` file per chart (the
`NN-` prefix sorts them in apply order) and `kustomization.yaml`, Kustomize's build file listing them, so that
`kubectl kustomize dist/<env>` (and `kubectl apply -k`) build the objects of the files. Whatever reads the objects
of a folder reads `manifest_files`, never `*.yaml`."""

from __future__ import annotations

from pathlib import Path

import yaml

MANIFEST_SUFFIX = ".k8s.yaml"
"""The suffix of the rendered files (cdk8s' `output_file_extension`)."""

KUSTOMIZATION = "kustomization.yaml"
"""Kustomize's build file of the folder: it lists manifests, it is not one."""


def manifest_files(directory: Path) -> list[Path]:
    """The rendered files of `directory` (`*.k8s.yaml`), in apply order (by name); [] for a missing folder."""
    return sorted(directory.glob(f"*{MANIFEST_SUFFIX}"))


def kustomization(files: list[str]) -> str:
    """The text of a `kustomization.yaml` whose `resources` are `files` (names in the same folder) in the given
    order, so that `kubectl kustomize` of the folder builds exactly their objects."""
    document = {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization", "resources": files}
    return ("# Written by the synth (charts/synth.py): the rendered files of this folder in apply order, for\n"
            "# `kubectl kustomize <folder>` and `kubectl apply -k <folder>`.\n"
            + yaml.safe_dump(document, sort_keys=False))
