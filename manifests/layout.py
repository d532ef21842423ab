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


ARGO_CD_FILES = frozenset({"01-argocd.k8s.yaml", "01-argocd-apps.k8s.yaml", "05-crds.k8s.yaml"})
"""The files of Argo CD environments that hold Argo CD's own objects (the root Application, the bootstrap file; the
app of apps; the CRD and cert-manager Applications): for Argo CD only, so the Kustomize build and the Helm chart leave them out (without Argo CD their
kinds do not exist; with it, they would deploy the platform a second time beside the release)."""


def manifest_files(directory: Path) -> list[Path]:
    """The rendered files of `directory` (`*.k8s.yaml`), in apply order (by name); [] for a missing folder."""
    return sorted(directory.glob(f"*{MANIFEST_SUFFIX}"))


def platform_files(directory: Path) -> list[Path]:
    """`manifest_files` without `ARGO_CD_FILES`: what the Kustomize build and the Helm chart hold."""
    return [p for p in manifest_files(directory) if p.name not in ARGO_CD_FILES]


def kustomization(files: list[str]) -> str:
    """The text of a `kustomization.yaml` whose `resources` are `files` (names in the same folder) in the given
    order, so that `kubectl kustomize` of the folder builds exactly their objects (`platform_files`: not Argo CD's
    own)."""
    document = {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization", "resources": files}
    return ("# Written by the synth (charts/synth.py): the rendered files of this folder in apply order, for\n"
            "# `kubectl kustomize <folder>` and `kubectl apply -k <folder>`.\n"
            + yaml.safe_dump(document, sort_keys=False))
