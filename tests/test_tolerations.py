"""Tolerations the API server refuses (k8s.io/kubernetes v1.33.13 `ValidateTolerations`) are refused by config at the
field and reported by `validate` on the object, through one rule (`upstream.api_formats.toleration_problems`)."""

from __future__ import annotations

import pytest

from config import parse_environment
from manifests.validation.report import Manifest
from manifests.validation.rules import platform
from tests.conftest import config_errors, environment

REFUSED = [
    ({"operator": "Equal", "value": "x"}, "operator", "must be Exists when key is empty"),
    ({"key": "a", "operator": "Exists", "value": "x"}, "value", "must be empty when operator is Exists"),
    ({"key": "a", "value": "x", "effect": "NoSchedule", "tolerationSeconds": 5}, "effect",
     "must be NoExecute when tolerationSeconds is set"),
    ({"key": "a", "value": "-x-"}, "value", "'-x-' is not a label value"),
]
ACCEPTED: list[dict[str, object]] = [
    {"operator": "Exists"},
    {"key": "a", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 30},
    {"key": "a", "value": "x_1.y", "effect": "NoSchedule"},
]


@pytest.mark.parametrize(("toleration", "field", "message"), REFUSED)
def test_config_refuses_a_toleration_the_api_server_refuses(toleration: dict[str, object], field: str,
                                                             message: str) -> None:
    doc = environment(flink={"sessionCluster": {"podOptions": {"tolerations": [toleration]}}})
    (error,) = config_errors(doc)
    assert error.startswith(f"flink.sessionCluster.podOptions.tolerations[0].{field}: {message}")


def _deployment(tolerations: list[dict[str, object]]) -> Manifest:
    pod = {"tolerations": tolerations, "containers": []}
    return Manifest("d.yaml", {"apiVersion": "apps/v1", "kind": "Deployment",
                               "metadata": {"name": "d", "namespace": "x"}, "spec": {"template": {"spec": pod}}})


@pytest.mark.parametrize(("toleration", "field", "message"), REFUSED)
def test_validate_reports_a_toleration_the_api_server_refuses(toleration: dict[str, object], field: str,
                                                               message: str) -> None:
    found = [(path, text) for path, text, _ in platform(_deployment([toleration])) if "tolerations" in path]
    assert len(found) == 1
    assert found[0][0] == f"spec.template.spec.tolerations[0].{field}" and found[0][1].startswith(message)


def test_what_the_api_server_accepts_passes_both() -> None:
    assert [p for p, _, _ in platform(_deployment(ACCEPTED)) if "tolerations" in p] == []
    doc = environment(flink={"sessionCluster": {"podOptions": {"tolerations": ACCEPTED}}})
    tolerations = parse_environment(doc, source="environments/test.yaml").flink.session_cluster.pod_options.tolerations
    assert len(tolerations) == len(ACCEPTED)
