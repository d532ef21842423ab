"""Layer 1: environment config. Errors name file, field and expectation; defaults are what the docs say."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from config import (
    ENVIRONMENTS_DIR,
    ConfigError,
    apply_defaults,
    available_environments,
    load_environment,
    parse_environment,
    schema,
)
from tests.conftest import environment

SRC = "environments/test.yaml"


def minimal(**overrides: Any) -> dict[str, Any]:
    return environment(**overrides)


def error_of(doc: Any) -> str:
    with pytest.raises(ConfigError) as info:
        parse_environment(doc, source=SRC, expected_name="test")
    return str(info.value)


def test_every_environment_file_loads() -> None:
    names = available_environments()
    assert names == sorted(names) and {"local", "dev", "prod"} <= set(names)
    for env in available_environments():
        assert load_environment(env).name == env


def test_unknown_key_names_file_path_and_allowed_keys() -> None:
    doc = minimal(flink={"sessionCluster": {"taskManagerMemry": "2g"}})
    assert error_of(doc) == (
        f"{SRC}: flink.sessionCluster: unknown key 'taskManagerMemry' (expected one of: highAvailability, "
        "jobManagerCpu, jobManagerMemory, jobManagerReplicas, name, taskManagerCpu, taskManagerMemory, taskSlots)"
    )


def test_wrong_type() -> None:
    assert error_of(minimal(fluss={"tabletReplicas": "3"})) == (
        f"{SRC}: fluss.tabletReplicas: expected integer, got string '3'"
    )


def test_invalid_flink_memory_size() -> None:
    doc = minimal(flink={"sessionCluster": {"taskManagerMemory": "2 gigs"}})
    assert error_of(doc) == (
        f"{SRC}: flink.sessionCluster.taskManagerMemory: '2 gigs' is not a Flink memory size (e.g. 2048m, 2g, 4GB)"
    )
    # Flink's MemorySize is case-insensitive: 4GB is 4 GiB.
    assert parse_environment(minimal(flink={"sessionCluster": {"taskManagerMemory": "4GB"}}), source=SRC,
                             expected_name="test").flink.session_cluster.task_manager_memory == "4GB"


def test_invalid_kubernetes_quantity() -> None:
    doc = minimal(zookeeper={"dataStorage": "1 gig"})
    assert error_of(doc) == f"{SRC}: zookeeper.dataStorage: '1 gig' is not a Kubernetes quantity (e.g. 500m, 1Gi)"


def test_missing_required_key() -> None:
    doc = minimal()
    del doc["objectStore"]["region"]
    assert error_of(doc) == f"{SRC}: objectStore: missing required key 'region'"


def test_missing_secret_reference_without_iam_role() -> None:
    doc = minimal()
    doc["objectStore"]["credentials"] = None
    assert error_of(doc) == (
        f"{SRC}: objectStore.credentials: null without objectStore.iamRoleArn; S3 needs one of them"
    )


def test_iam_role_and_static_keys_are_exclusive() -> None:
    doc = minimal()
    doc["objectStore"]["iamRoleArn"] = "arn:aws:iam::123456789012:role/x"
    assert "objectStore.iamRoleArn: set together with objectStore.credentials" in error_of(doc)


def test_unpinned_image_is_rejected() -> None:
    assert error_of(minimal(polaris={"image": "apache/polaris"})) == (
        f"{SRC}: polaris.image: 'apache/polaris' is not an image pinned by tag or digest "
        "(e.g. apache/polaris:1.3.0-incubating)"
    )


def test_all_errors_are_reported_at_once() -> None:
    message = error_of(minimal(fluss={"tabletReplicas": 0}, polaris={"replicas": "2"}))
    assert message.count(SRC) == 2


def test_replication_factor_above_tablet_servers() -> None:
    assert error_of(minimal(fluss={"defaultReplicationFactor": 3})) == (
        f"{SRC}: fluss.defaultReplicationFactor: 3 is more than fluss.tabletReplicas (1)"
    )


def test_environment_name_must_match_file() -> None:
    assert error_of(minimal(environment="prod")) == f"{SRC}: environment: 'prod' must equal the file name 'test'"


def test_dev_secrets_are_refused_for_aws() -> None:
    assert "secrets.generateDevSecrets: dev-only Secrets are for the in-cluster store only" in error_of(
        minimal(secrets={"generateDevSecrets": True}))


def test_duplicate_job_names() -> None:
    doc = minimal(flink={"jobs": [{"name": "fluss-tiering-job", "jarPath": "x/a.jar"}]})
    assert error_of(doc) == f"{SRC}: flink.jobs: duplicate FlinkSessionJob name 'fluss-tiering-job'"


def test_unknown_environment(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("environment: a\n")
    with pytest.raises(ConfigError, match=r"unknown environment 'staging': .*staging.yaml does not exist \(known: a\)"):
        load_environment("staging", tmp_path)


def test_invalid_yaml(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("environment: [unclosed\n")
    with pytest.raises(ConfigError, match="bad.yaml: not valid YAML"):
        load_environment("bad", tmp_path)


def test_schema_documents_every_key_with_description_and_default() -> None:
    missing: list[str] = []

    def walk(node: dict[str, Any], path: str, required: set[str]) -> None:
        if "$ref" in node:
            node = {**schema()["$defs"][node["$ref"].split("/")[-1]], **node}
        if "description" not in node:
            missing.append(f"{path}: description")
        for key, child in node.get("properties", {}).items():
            if key != "$schema" and key not in set(node.get("required", [])) and "default" not in child:
                ref = child.get("$ref")
                if not (ref and "default" in schema()["$defs"][ref.split("/")[-1]]):
                    missing.append(f"{path}.{key}: default")
            walk(child, f"{path}.{key}", set(node.get("required", [])))
        if "items" in node:
            walk(node["items"], f"{path}[]", set())

    walk(schema(), "", set())
    assert missing == []


def test_promised_defaults() -> None:
    """The defaults README promises (the reference deployment's names and sizes)."""
    config = parse_environment(minimal(), source=SRC, expected_name="test")
    assert (config.namespaces.polaris, config.namespaces.fluss, config.namespaces.flink, config.namespaces.spark) == (
        "polaris", "fluss", "flink", "spark")
    assert config.namespaces.flink_operator == "technical-flink-operator"
    assert config.polaris.catalog == "dev_iceberg_datalake_catalog"
    assert config.polaris.realm == "POLARIS"
    assert config.polaris.image == "apache/polaris:1.3.0-incubating"
    assert config.postgres.image == "postgres:17.2" and config.postgres.database == "POLARIS"
    assert config.zookeeper.image == "zookeeper:3.8" and config.zookeeper.replicas == 1
    assert config.fluss.image == "fluss-iceberg-s3:0.9.0"
    assert (config.fluss.internal_port, config.fluss.client_port) == (9123, 9124)
    assert config.flink.image == "flink-fluss-iceberg-s3:1.20.3" and config.flink.flink_version == "v1_20"
    assert config.fluss.s3_credentials is None and config.fluss.tablet_data_storage == "10Gi"
    assert config.object_store.in_cluster.artifacts_path == "/artifacts"
    assert config.flink.session_cluster.name == "flink-session"
    assert config.flink.session_cluster.task_slots == 10
    assert config.flink.session_cluster.job_manager_memory == "2048m"
    assert config.spark.image == "spark-iceberg-s3:0.1.0" and config.spark.spark_version == "4.0.2"
    assert config.object_store.credentials is not None
    assert config.object_store.credentials.secret_name == "aws-secret"
    assert config.generate_dev_secrets is False


def test_defaults_do_not_leak_between_loads() -> None:
    first = minimal()
    apply_defaults(schema(), first)
    second = minimal()
    apply_defaults(schema(), second)
    first["flink"]["jobs"].append({"name": "x"})
    assert second["flink"]["jobs"] == []


def test_environment_files_validate_against_their_schema_comment() -> None:
    for path in ENVIRONMENTS_DIR.glob("*.yaml"):
        assert path.read_text().startswith("# yaml-language-server: $schema=./config.schema.json")
        assert copy.deepcopy(yaml.safe_load(path.read_text()))["environment"] == path.stem


def test_standby_job_managers_need_ha() -> None:
    doc = minimal(flink={"sessionCluster": {"jobManagerReplicas": 2, "highAvailability": False}})
    assert error_of(doc) == (
        f"{SRC}: flink.sessionCluster.jobManagerReplicas: 2 JobManagers need flink.sessionCluster.highAvailability: "
        "true (the Flink operator rejects standby JobManagers without HA)"
    )


def test_invalid_kubernetes_name() -> None:
    assert error_of(minimal(polaris={"name": "Polaris_1"})) == (
        f"{SRC}: polaris.name: 'Polaris_1' is not a Kubernetes name (lower-case letters, digits and '-', "
        "at most 63 characters)"
    )


def test_dev_secrets_cannot_generate_an_rsa_key_pair() -> None:
    from tests.conftest import LOCAL_STORE, render

    doc = minimal(objectStore=LOCAL_STORE, secrets={"generateDevSecrets": True})
    with pytest.raises(ConfigError, match=r"^environments/test.yaml: polaris.tokenBroker.type: rsa-key-pair needs a "
                                          r"key pair Secret that dev Secrets cannot generate; use symmetric-key"):
        render(doc)


def test_catalog_model_refers_only_to_declared_principal_roles() -> None:
    setup = {"catalogs": [{"name": "dev_iceberg_datalake_catalog", "roleArn": "arn:aws:iam::123456789012:role/x"}],
             "principals": [{"name": "fluss_user", "principalRoles": ["rf_dev_etl", "nope"]}]}
    assert error_of(minimal(polaris={"setup": setup})) == (
        f"{SRC}: polaris.setup.principals[0].principalRoles[1]: unknown principal role 'nope' "
        "(declare it in polaris.setup.principalRoles)"
    )


def test_iam_role_needs_static_keys_for_fluss() -> None:
    doc = minimal()
    doc["objectStore"].update(credentials=None, iamRoleArn="arn:aws:iam::123456789012:role/x")
    assert error_of(doc) == (
        f"{SRC}: fluss.s3Credentials: required with objectStore.iamRoleArn: Fluss 0.9.0-incubating cannot reach S3 "
        "with web-identity credentials (it supports: static-keys); set it to a Secret with the keys of an IAM user "
        "limited to the Fluss bucket"
    )
    doc["fluss"] = {"s3Credentials": {"secretName": "fluss-keys"}}
    assert parse_environment(doc, source=SRC).fluss.s3_credentials is not None


def test_flink_version_without_an_iceberg_runtime_is_refused() -> None:
    assert error_of(minimal(flink={"flinkVersion": "v2_2"})) == (
        f"{SRC}: flink.flinkVersion: 'v2_2': Iceberg 1.10.1 has no Flink artifact for v2_2 (it has: v1_19, v1_20, "
        "v2_0); use one of: v1_19, v1_20"
    )
    assert error_of(minimal(flink={"flinkVersion": "v2_0"})) == (
        f"{SRC}: flink.flinkVersion: 'v2_0': Fluss 0.9.0-incubating has no Flink artifact for v2_0 (it has: v1_18, "
        "v1_19, v1_20, v2_2); use one of: v1_19, v1_20"
    )


def test_fluss_keys_cannot_reuse_the_environment_secret_with_other_keys() -> None:
    doc = minimal(fluss={"s3Credentials": {"secretName": "aws-secret", "accessKeyIdKey": "fluss_id"}})
    assert error_of(doc) == (
        f"{SRC}: fluss.s3Credentials.secretName: 'aws-secret' is the Secret of objectStore.credentials with other "
        "keys; name another Secret or use the same keys"
    )
