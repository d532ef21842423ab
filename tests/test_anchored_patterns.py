"""Name and number rules read a whole text, as the programs they stand for do: Python's `re` lets `$` match before a
final line break, so a rule that used `match` with `^...$` let `name\\n` through where Kubernetes' validation, Helm's
chart-name check and the image reference parsers refuse it."""

from __future__ import annotations

import pytest

from manifests.helm import CHART_NAME
from upstream.api_formats import PINNED_IMAGE, object_name_problem


@pytest.mark.parametrize("kind", ["Service", "Namespace", "Job", "ConfigMap"])
def test_an_object_name_with_a_final_line_break_is_refused(kind: str) -> None:
    assert object_name_problem(kind, "ingest") is None
    assert object_name_problem(kind, "ingest\n") is not None


def test_a_chart_name_and_an_image_are_read_whole() -> None:
    assert CHART_NAME.fullmatch("lakehouse") and not CHART_NAME.fullmatch("lakehouse\n")
    assert PINNED_IMAGE.fullmatch("flink:1.20.3") and not PINNED_IMAGE.fullmatch("flink:1.20.3\n")
