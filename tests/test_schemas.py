"""Layers 3 and 4: every rendered object passes strict schema validation (core and custom resources)."""

from __future__ import annotations

import copy

import pytest

from charts.schemas import strict_crd_schema, validate_object
from tests.conftest import Manifest, find


@pytest.mark.parametrize("env", ["local", "dev", "prod"])
def test_every_rendered_object_is_schema_valid(rendered: dict[str, list[Manifest]], env: str) -> None:
    findings = [str(f) for obj in rendered[env] for f in validate_object(obj)]
    assert findings == []


def test_unknown_field_in_custom_resource_is_rejected(rendered: dict[str, list[Manifest]]) -> None:
    session = copy.deepcopy(find(rendered["local"], "FlinkDeployment", "flink-session"))
    session["spec"]["jobManager"]["resources"] = {"memory": "1g"}  # a typo of `resource`
    findings = validate_object(session)
    assert [f.path for f in findings] == ["spec.jobManager"]
    assert "resources" in findings[0].message


def test_unknown_field_in_core_object_is_rejected(rendered: dict[str, list[Manifest]]) -> None:
    deployment = copy.deepcopy(find(rendered["local"], "Deployment", "polaris"))
    deployment["spec"]["template"]["spec"]["containers"][0]["imagePullPolicyy"] = "Always"
    assert validate_object(deployment) != []


def test_wrong_type_in_custom_resource_is_rejected(rendered: dict[str, list[Manifest]]) -> None:
    job = copy.deepcopy(find(rendered["local"], "FlinkSessionJob", "fluss-tiering-job"))
    job["spec"]["job"]["parallelism"] = "one"
    assert [f.path for f in validate_object(job)] == ["spec.job.parallelism"]


def test_strict_conversion_keeps_preserved_objects_open_and_int_or_string() -> None:
    schema = strict_crd_schema({
        "type": "object",
        "properties": {
            "open": {"type": "object", "x-kubernetes-preserve-unknown-fields": True, "properties": {"a": {"type": "string"}}},
            "closed": {"type": "object", "properties": {"a": {"type": "string"}}},
            "port": {"x-kubernetes-int-or-string": True},
        },
    })
    props = schema["properties"]
    assert "additionalProperties" not in props["open"]
    assert props["closed"]["additionalProperties"] is False
    assert props["port"]["anyOf"] == [{"type": "string"}, {"type": "integer"}]
    assert schema["additionalProperties"] is False
