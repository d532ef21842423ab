"""Secret sources: ExternalSecrets from a store (prod, dev), existing Secrets, dev-only Secrets (local), on the
fixtures test-prod, test-dev and test-local (tests/environments/, copies of the shipped environments).

The expected Secrets are written out (README, "Secrets, by source", and the fixture files): a list
computed by the code under test would agree with the rendering whatever both say.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from config import ConfigError, parse_environment
from config.external import declared_external
from tests.conftest import (
    LOCAL_STORE,
    Manifest,
    environment,
    fixture_environment,
    render,
    secret_reads,
    secret_sources,
    unprovided_secret_reads,
)

S3_KEYS = ("access_key_id", "secret_access_key")

PROD_EXTERNAL_SECRETS = {
    ("polaris", "polaris-persistence"): ("username", "password"),
    ("polaris", "polaris-token-broker"): ("public.pem", "private.pem"),
    ("polaris", "polaris-root-credentials"): ("client-id", "client-secret"),
    ("fluss", "fluss-s3-credentials"): S3_KEYS,
    ("technical-flink-operator", "flink-operator-webhook-secret"): ("password",),
}
"""test-prod: the Polaris database, token broker (rsa-key-pair) and root credentials, Fluss' static S3 keys
(fluss.s3Credentials; the others use the IAM role, so no `aws-secret`), the Flink operator webhook's keystore
password. Not the consumers' `iceberg-catalog-credentials`: the catalog-setup Job writes them."""

DEV_SECRETS = {
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
"""test-dev: the Secret keys it reads, each from an ExternalSecret (lakehouse/dev/...), and the setting that names
each (the team namespace `analytics` reads the S3 keys too)."""

LOCAL_DEV_ONLY_SECRETS = {
    **{(namespace, "aws-secret"): S3_KEYS
       for namespace in ("object-store", "polaris", "fluss", "flink", "spark", "technical-flink-operator")},
    ("technical-flink-operator", "flink-operator-webhook-secret"): ("password",),
    ("polaris", "polaris-persistence"): ("username", "password"),
    ("polaris", "polaris-token-broker"): ("symmetric.key",),
    ("polaris", "polaris-root-credentials"): ("client-id", "client-secret"),
}
"""test-local: every Secret it reads rendered with well-known values; the token broker is a symmetric key (dev
Secrets cannot generate a key pair), the object store's root user reads the S3 keys too."""


def _keys(obj: Manifest) -> tuple[str, ...]:
    return tuple(sorted(d["secretKey"] for d in obj["spec"]["data"]))


def test_prod_renders_an_external_secret_for_each_secret_it_needs(rendered: dict[str, list[Manifest]]) -> None:
    external = {(o["metadata"]["namespace"], o["metadata"]["name"]): o
                for o in rendered["test-prod"] if o["kind"] == "ExternalSecret"}
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
    objects = rendered["test-prod"]
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
    assert [ref for ref in secret_reads(rendered["test-prod"]) if ref[1] == "aws-secret"] == []


def test_without_a_secret_source_nothing_is_rendered_and_each_secret_read_is_declared_existing() -> None:
    """An environment shaped like dev (static S3 keys, the team namespace analytics) with neither
    secrets.externalSecrets nor secrets.generateDevSecrets: every Secret key it reads must exist before apply."""
    doc = environment(flink={"teamNamespaces": [{"name": "analytics"}], "deployments": [
        {"name": "analytics-session", "namespace": "analytics", "job": None}]},
        flinkOperator={"watchNamespaces": ["flink", "analytics"]},
        spark={"applications": [{"name": "ingest", "mainApplicationFile": "jobs/ingest.py"}]})
    objects = render(doc)
    assert [o["metadata"]["name"] for o in objects if o["kind"] in ("Secret", "ExternalSecret")] == []
    assert set(unprovided_secret_reads(objects)) == set(DEV_SECRETS)
    declared = declared_external(parse_environment(doc, source="environments/test.yaml", expected_name="test"))
    for (namespace, name, _), field in DEV_SECRETS.items():
        assert declared[("Secret", namespace, name)] == f"existing Secret, referenced by {field}"


def test_local_renders_each_secret_it_reads_as_a_dev_only_secret(rendered: dict[str, list[Manifest]]) -> None:
    objects = rendered["test-local"]
    secrets = {(o["metadata"]["namespace"], o["metadata"]["name"]): tuple(sorted(o["stringData"]))
               for o in objects if o["kind"] == "Secret"}
    assert secrets == {key: tuple(sorted(keys)) for key, keys in LOCAL_DEV_ONLY_SECRETS.items()}
    assert not [o for o in objects if o["kind"] == "ExternalSecret"]
    assert not [why for why in declared_external(fixture_environment("test-local")).values()
                if why.startswith("existing Secret")]


def test_dev_secrets_and_external_secrets_are_exclusive() -> None:
    doc = environment(objectStore=LOCAL_STORE, secrets={"generateDevSecrets": True,
                                                        "externalSecrets": {"storeName": "vault"}})
    with pytest.raises(ConfigError, match="secrets.externalSecrets: set together with secrets.generateDevSecrets"):
        parse_environment(doc, source="environments/test.yaml", expected_name="test")


# ---- Secrets a namespace must hold before the first sync that creates it (#20 item 7) ----------------------------

def presync_warnings(doc: dict[str, Any]) -> dict[str, str]:
    """Namespace object -> the message of validate's warning about the Secrets it must hold before a first sync, for
    the whole render of environment document `doc` with its declared externals."""
    from manifests.validation import presync_secrets
    from manifests.validation.report import Level
    from manifests.validation.report import Manifest as Checked

    config = parse_environment(doc, source="environments/test.yaml", expected_name="test")
    findings = presync_secrets.check([Checked("x.yaml", o) for o in render(doc)], declared_external(config))
    assert all(f.level is Level.WARNING and f.field == "-" for f in findings)
    return {f.object: f.message for f in findings}


def test_validate_lists_the_secrets_each_namespace_the_sync_creates_must_hold_before_it() -> None:
    """Referenced Secrets (neither rendered nor ExternalSecrets) in namespaces the same sync creates cannot exist
    before it on a fresh cluster: one warning per namespace lists them with their keys; namespaces that exist before
    (a team namespace with create: false) and Secrets the catalog-setup Job writes are not listed."""
    doc = environment(
        flink={"teamNamespaces": [{"name": "team-a"}, {"name": "team-b", "create": False}], "deployments": [
            {"name": f"{team}-session", "namespace": team, "job": None} for team in ("team-a", "team-b")]},
        flinkOperator={"watchNamespaces": ["flink", "team-a", "team-b"]},
        spark={"applications": [{"name": "ingest", "mainApplicationFile": "jobs/ingest.py"}]})
    warnings = presync_warnings(doc)
    assert sorted(warnings) == [f"Namespace/{n}" for n in sorted(
        ("polaris", "fluss", "flink", "spark", "technical-flink-operator", "team-a"))]
    assert warnings["Namespace/technical-flink-operator"] == (
        "this sync creates namespace technical-flink-operator, whose workloads read Secrets that nothing renders: "
        "aws-secret (access_key_id, secret_access_key), flink-operator-webhook-secret (password); on a fresh cluster "
        "create the namespace and these Secrets before the first sync (kubectl create namespace "
        "technical-flink-operator; kubectl -n technical-flink-operator create secret generic <name> "
        "--from-literal=<key>=<value>), or let the platform render them (secrets.externalSecrets)")
    assert warnings["Namespace/polaris"].startswith(
        "this sync creates namespace polaris, whose workloads read Secrets that nothing renders: aws-secret "
        "(access_key_id, secret_access_key), polaris-persistence (password, username), polaris-root-credentials "
        "(client-id, client-secret), polaris-token-broker (private.pem, public.pem); ")
    assert "iceberg-catalog-credentials" not in "".join(warnings.values())  # written by the catalog-setup Job
    assert presync_warnings({**doc, "secrets": {"externalSecrets": {"storeName": "aws-secrets-manager"}}}) == {}


def test_dev_s_secrets_come_from_external_secrets_so_a_first_sync_needs_no_manual_step(
        rendered: dict[str, list[Manifest]]) -> None:
    """dev (the fixture test-dev) renders an ExternalSecret for every Secret it reads, as prod does: nothing has to
    exist in the namespaces its first sync creates."""
    objects = rendered["test-dev"]
    assert unprovided_secret_reads(objects) == {}
    external = {(o["metadata"]["namespace"], o["metadata"]["name"]): _keys(o)
                for o in objects if o["kind"] == "ExternalSecret"}
    expected: dict[tuple[str, str], list[str]] = {}
    for namespace, name, key in DEV_SECRETS:
        expected.setdefault((namespace, name), []).append(key)
    assert external == {secret: tuple(sorted(keys)) for secret, keys in expected.items()}
    assert {o["spec"]["data"][0]["remoteRef"]["key"] for o in objects if o["kind"] == "ExternalSecret"} == {
        f"lakehouse/dev/{namespace}/{name}" for namespace, name in expected}
    assert not [why for why in declared_external(fixture_environment("test-dev")).values()
                if why.startswith("existing Secret")]


def test_validate_reads_the_keys_a_secret_volume_lists(tmp_path: Path) -> None:
    """A Secret volume (or projected source) with `items` reads those keys: the kubelet fails on a missing one."""
    from tests.conftest import validate_errors

    secret = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "keys", "namespace": "polaris"},
              "type": "Opaque", "stringData": {"public.pem": "x"}}
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "polaris"}, "spec": {
        "containers": [{"name": "c", "image": "busybox:1.36", "volumeMounts": [{"name": "k", "mountPath": "/k"}]}],
        "volumes": [{"name": "k", "projected": {"sources": [{"secret": {"name": "keys", "items": [
            {"key": "public.pem", "path": "public.pem"}, {"key": "private.pem", "path": "private.pem"}]}}]}}]}}
    errors = [e for e in validate_errors([secret, pod], tmp_path) if "has no key" in e]
    assert [e.split("  ")[-1] for e in errors] == ["Secret 'keys' has no key 'private.pem'"]
