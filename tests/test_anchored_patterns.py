"""Name and number rules read a whole text, as the programs they stand for do: Python's `re` lets `$` match before a
final line break, so a rule that used `match` with `^...$` let `name\\n` through where Kubernetes' validation, Helm's
chart-name check and the image reference parsers refuse it."""

from __future__ import annotations

from pathlib import Path

import pytest

from manifests.helm import write_chart_metadata
from manifests.validation.report import Manifest
from manifests.validation.rules import platform
from upstream.api_formats import object_name_problem


@pytest.mark.parametrize("kind", ["Service", "Namespace", "Job", "ConfigMap"])
def test_an_object_name_with_a_final_line_break_is_refused(kind: str) -> None:
    assert object_name_problem(kind, "ingest") is None
    assert object_name_problem(kind, "ingest\n") is not None


def test_a_chart_name_with_a_final_line_break_is_refused(tmp_path: Path) -> None:
    (tmp_path / "Chart.yaml").write_text("apiVersion: v2\nversion: 0.1.0\n")
    write_chart_metadata(tmp_path, name="lakehouse", description="d", app_version="1")
    with pytest.raises(ValueError, match="chart name"):
        write_chart_metadata(tmp_path, name="lakehouse\n", description="d", app_version="1")


@pytest.mark.parametrize(("image", "pinned"), [("flink:1.20.3", True), ("flink:1.20.3\n", False)])
def test_validate_reads_an_image_reference_whole(image: str, pinned: bool) -> None:
    pod_spec = {"containers": [{"name": "c", "image": image}]}
    deployment = Manifest("d.yaml", {"apiVersion": "apps/v1", "kind": "Deployment",
                                     "metadata": {"name": "d", "namespace": "x"},
                                     "spec": {"template": {"spec": pod_spec}}})
    image_problems = [path for path, _, _ in platform(deployment) if path.endswith(".image")]
    assert (image_problems == []) is pinned
