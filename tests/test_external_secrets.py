"""Secret sources: ExternalSecrets from a store (prod), existing Secrets (dev), dev-only Secrets (local)."""

from __future__ import annotations

import pytest

from config import ConfigError, load_environment, parse_environment
from config.external import declared_external, required_secrets
from tests.conftest import LOCAL_STORE, Manifest, environment


def test_prod_renders_an_external_secret_for_every_required_secret(rendered: dict[str, list[Manifest]]) -> None:
    external = {(o["metadata"]["namespace"], o["metadata"]["name"]): o
                for o in rendered["prod"] if o["kind"] == "ExternalSecret"}
    required = {(s.namespace, s.name): s for s in required_secrets(load_environment("prod"))}
    assert set(external) == set(required)
    persistence = external[("polaris", "polaris-persistence")]["spec"]
    assert persistence["secretStoreRef"] == {"kind": "ClusterSecretStore", "name": "aws-secrets-manager"}
    assert persistence["target"] == {"name": "polaris-persistence", "creationPolicy": "Owner"}
    assert persistence["data"] == [
        {"secretKey": key, "remoteRef": {"key": "lakehouse/prod/polaris/polaris-persistence", "property": key}}
        for key in ("username", "password")]


def test_prod_uses_an_iam_role_so_no_s3_key_secret_is_required() -> None:
    assert not [s for s in required_secrets(load_environment("prod")) if s.name == "aws-secret"]


def test_dev_references_existing_secrets_and_local_generates_them() -> None:
    dev = declared_external(load_environment("dev"))
    assert dev[("Secret", "polaris", "polaris-root-credentials")] == (
        "existing Secret, referenced by polaris.rootCredential")
    assert ("Secret", "flink", "aws-secret") in dev
    local = declared_external(load_environment("local"))
    assert not [k for k, why in local.items() if why.startswith("existing Secret")]


def test_consumer_credentials_come_from_the_setup_job_not_from_a_store(rendered: dict[str, list[Manifest]]) -> None:
    names = {o["metadata"]["name"] for o in rendered["prod"] if o["kind"] == "ExternalSecret"}
    assert "iceberg-catalog-credentials" not in names


def test_dev_secrets_and_external_secrets_are_exclusive() -> None:
    doc = environment(objectStore=LOCAL_STORE, secrets={"generateDevSecrets": True,
                                                        "externalSecrets": {"storeName": "vault"}})
    with pytest.raises(ConfigError, match="secrets.externalSecrets: set together with secrets.generateDevSecrets"):
        parse_environment(doc, source="environments/test.yaml", expected_name="test")
