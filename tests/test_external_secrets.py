"""Secret sources: ExternalSecrets from a store (prod), existing Secrets (dev), dev-only Secrets (local).

The expected Secrets are written out (README, "Secrets, by source", and the environment files): a list
computed by the code under test would agree with the rendering whatever both say.
"""

from __future__ import annotations

import pytest

from config import ConfigError, load_environment, parse_environment
from config.external import declared_external
from tests.conftest import LOCAL_STORE, Manifest, environment, secret_reads, secret_sources, unprovided_secret_reads

S3_KEYS = ("access_key_id", "secret_access_key")

PROD_EXTERNAL_SECRETS = {
    ("polaris", "polaris-persistence"): ("username", "password"),
    ("polaris", "polaris-token-broker"): ("public.pem", "private.pem"),
    ("polaris", "polaris-root-credentials"): ("client-id", "client-secret"),
    ("fluss", "fluss-s3-credentials"): S3_KEYS,
    ("technical-flink-operator", "flink-operator-webhook-secret"): ("password",),
}
"""prod (environments/prod.yaml): the Polaris database, token broker (rsa-key-pair) and root credentials, Fluss'
static S3 keys (fluss.s3Credentials; the others use the IAM role, so no `aws-secret`), the Flink operator
webhook's keystore password. Not the consumers' `iceberg-catalog-credentials`: the catalog-setup Job writes them."""

DEV_EXISTING_SECRETS = {
    **{(namespace, "aws-secret", key): "objectStore.credentials"
       for namespace in ("polaris", "fluss", "flink", "spark", "technical-flink-operator", "analytics")
       for key in S3_KEYS},
    ("technical-flink-operator", "flink-operator-webhook-secret", "password"): "flinkOperator.keystorePassword",
    ("polaris", "polaris-persistence", "username"): "postgres.credentials",
    ("polaris", "polaris-persistence", "password"): "postgres.credentials",
    ("polaris", "polaris-token-broker", "public.pem"): "polaris.tokenBroker",
    ("polaris", "polaris-token-broker", "private.pem"): "polaris.tokenBroker",
    ("polaris", "polaris-root-credentials", "client-id"): "polaris.rootCredential",
    ("polaris", "polaris-root-credentials", "client-secret"): "polaris.rootCredential",
}
"""dev (environments/dev.yaml): the Secret keys that must exist before apply, and the setting that names each (the
team namespace `analytics` reads the S3 keys too)."""

LOCAL_DEV_ONLY_SECRETS = {
    **{(namespace, "aws-secret"): S3_KEYS
       for namespace in ("object-store", "polaris", "fluss", "flink", "spark", "technical-flink-operator")},
    ("technical-flink-operator", "flink-operator-webhook-secret"): ("password",),
    ("polaris", "polaris-persistence"): ("username", "password"),
    ("polaris", "polaris-token-broker"): ("symmetric.key",),
    ("polaris", "polaris-root-credentials"): ("client-id", "client-secret"),
}
"""local (environments/local.yaml): every Secret it reads rendered with well-known values; the token broker is a
symmetric key (dev Secrets cannot generate a key pair), the object store's root user reads the S3 keys too."""


def _keys(obj: Manifest) -> tuple[str, ...]:
    return tuple(sorted(d["secretKey"] for d in obj["spec"]["data"]))


def test_prod_renders_an_external_secret_for_each_secret_it_needs(rendered: dict[str, list[Manifest]]) -> None:
    external = {(o["metadata"]["namespace"], o["metadata"]["name"]): o
                for o in rendered["prod"] if o["kind"] == "ExternalSecret"}
    assert {key: _keys(obj) for key, obj in external.items()} == {
        key: tuple(sorted(keys)) for key, keys in PROD_EXTERNAL_SECRETS.items()}
    for (namespace, name), obj in external.items():
        assert obj["spec"]["secretStoreRef"] == {"kind": "ClusterSecretStore", "name": "aws-secrets-manager"}
        assert obj["spec"]["target"] == {"name": name, "creationPolicy": "Owner"}
        assert obj["spec"]["refreshInterval"] == "1h"
        assert obj["spec"]["data"] == [
            {"secretKey": key, "remoteRef": {"key": f"lakehouse/prod/{namespace}/{name}", "property": key}}
            for key in PROD_EXTERNAL_SECRETS[(namespace, name)]]
        # wave 1: before the operators (2) and workloads that read them (README, conventions)
        assert obj["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"] == "1"


def test_every_secret_key_prod_reads_comes_from_an_external_secret_a_certificate_or_the_setup_job(
        rendered: dict[str, list[Manifest]]) -> None:
    objects = rendered["prod"]
    assert unprovided_secret_reads(objects) == {}
    sources = secret_sources(objects)
    assert {key: source for key, (source, _) in sources.items() if source != "ExternalSecret"} == {
        ("technical-flink-operator", "webhook-server-cert"): "Certificate",
        **{(namespace, "iceberg-catalog-credentials"): "Job/polaris-catalog-setup"
           for namespace in ("fluss", "flink", "spark")},
    }
    read = {(namespace, name) for namespace, name, _ in secret_reads(objects)}
    assert set(PROD_EXTERNAL_SECRETS) <= read, "an ExternalSecret nothing reads"


def test_prod_reaches_s3_through_the_iam_role_so_nothing_reads_aws_secret(rendered: dict[str, list[Manifest]]) -> None:
    assert [ref for ref in secret_reads(rendered["prod"]) if ref[1] == "aws-secret"] == []


def test_dev_renders_no_secret_and_declares_each_one_it_reads_as_existing(rendered: dict[str, list[Manifest]]) -> None:
    objects = rendered["dev"]
    assert [o["metadata"]["name"] for o in objects if o["kind"] in ("Secret", "ExternalSecret")] == []
    assert set(unprovided_secret_reads(objects)) == set(DEV_EXISTING_SECRETS)
    declared = declared_external(load_environment("dev"))
    for (namespace, name, _), field in DEV_EXISTING_SECRETS.items():
        assert declared[("Secret", namespace, name)] == f"existing Secret, referenced by {field}"


def test_local_renders_each_secret_it_reads_as_a_dev_only_secret(rendered: dict[str, list[Manifest]]) -> None:
    objects = rendered["local"]
    secrets = {(o["metadata"]["namespace"], o["metadata"]["name"]): tuple(sorted(o["stringData"]))
               for o in objects if o["kind"] == "Secret"}
    assert secrets == {key: tuple(sorted(keys)) for key, keys in LOCAL_DEV_ONLY_SECRETS.items()}
    assert not [o for o in objects if o["kind"] == "ExternalSecret"]
    assert not [why for why in declared_external(load_environment("local")).values()
                if why.startswith("existing Secret")]


def test_dev_secrets_and_external_secrets_are_exclusive() -> None:
    doc = environment(objectStore=LOCAL_STORE, secrets={"generateDevSecrets": True,
                                                        "externalSecrets": {"storeName": "vault"}})
    with pytest.raises(ConfigError, match="secrets.externalSecrets: set together with secrets.generateDevSecrets"):
        parse_environment(doc, source="environments/test.yaml", expected_name="test")
