"""Layers 3 and 4: every rendered object passes strict schema validation (core and custom resources)."""

from __future__ import annotations

import copy

import pytest

from manifests.crd_schemas import strict_crd_schema
from manifests.validation.strict_schemas import SchemaStore, default_dir
from tests.conftest import Manifest, find, fixture_environments


@pytest.fixture(scope="module")
def store() -> SchemaStore:
    return SchemaStore(default_dir())


def errors(store: SchemaStore, obj: Manifest) -> list[tuple[str, str]]:
    found = store.errors(obj)
    assert found is not None, f"no schema for {obj['apiVersion']} {obj['kind']}"
    return found


@pytest.mark.parametrize("env", fixture_environments())
def test_every_rendered_object_is_schema_valid(rendered: dict[str, list[Manifest]], env: str,
                                               store: SchemaStore) -> None:
    findings = [(obj["kind"], obj["metadata"]["name"], e) for obj in rendered[env] for e in errors(store, obj)]
    assert findings == []


def test_unknown_field_in_custom_resource_is_rejected(rendered: dict[str, list[Manifest]], store: SchemaStore) -> None:
    session = copy.deepcopy(find(rendered["test-local"], "FlinkDeployment", "flink-session"))
    session["spec"]["jobManager"]["resources"] = {"memory": "1g"}  # a typo of `resource`
    findings = errors(store, session)
    assert [path for path, _ in findings] == ["spec.jobManager"]
    assert "resources" in findings[0][1]


def test_unknown_field_in_core_object_is_rejected(rendered: dict[str, list[Manifest]], store: SchemaStore) -> None:
    deployment = copy.deepcopy(find(rendered["test-local"], "Deployment", "polaris"))
    deployment["spec"]["template"]["spec"]["containers"][0]["imagePullPolicyy"] = "Always"
    assert [path for path, _ in errors(store, deployment)] == ["spec.template.spec.containers[0]"]


def test_wrong_type_in_custom_resource_is_rejected(rendered: dict[str, list[Manifest]], store: SchemaStore) -> None:
    job = copy.deepcopy(find(rendered["test-local"], "FlinkSessionJob", "fluss-tiering-job"))
    job["spec"]["job"]["parallelism"] = "one"
    assert [path for path, _ in errors(store, job)] == ["spec.job.parallelism"]


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
