"""No credential literal anywhere in the rendered output; dev-only Secrets only in local, labelled."""

from __future__ import annotations

import copy

import pytest

from config.external import declared_external
from manifests.credential_scan import scan
from tests.conftest import (
    Manifest,
    find,
    fixture_environment,
    fixture_environments,
    secret_sources,
    unprovided_secret_reads,
)


@pytest.mark.parametrize("env", fixture_environments())
def test_no_credential_literal_outside_secrets(rendered: dict[str, list[Manifest]], env: str) -> None:
    assert [finding for obj in rendered[env] for finding in scan(obj)] == []


@pytest.mark.parametrize("env", [env for env in fixture_environments()
                                 if not fixture_environment(env).generate_dev_secrets])
def test_environments_without_dev_secrets_render_no_secret(rendered: dict[str, list[Manifest]], env: str) -> None:
    assert [o["metadata"]["name"] for o in rendered[env] if o["kind"] == "Secret"] == []


def test_local_secrets_are_all_labelled_dev_only(rendered: dict[str, list[Manifest]]) -> None:
    secrets = [o for o in rendered["test-local"] if o["kind"] == "Secret"]
    assert secrets
    assert all(s["metadata"]["labels"]["lakehouse.dev/dev-only"] == "true" for s in secrets)  # README's label


def test_every_secret_a_workload_reads_exists_in_local(rendered: dict[str, list[Manifest]]) -> None:
    """Rendered (dev-only) with the key, made by cert-manager, or written at run time by the catalog-setup Job:
    env references, keystore passwords and secret volumes alike."""
    written_by_jobs = {(ns, name) for (kind, ns, name) in declared_external(fixture_environment("test-local"))
                       if kind == "Secret"}
    assert written_by_jobs == {(ns, "iceberg-catalog-credentials") for ns in ("fluss", "flink", "spark")}
    rendered_job_writes = {key for key, (source, _) in secret_sources(rendered["test-local"]).items()
                           if source == "Job/polaris-catalog-setup"}
    assert rendered_job_writes == written_by_jobs
    assert unprovided_secret_reads(rendered["test-local"]) == {}


def test_scanner_accepts_iceberg_environment_references_but_not_a_literal_credential(rendered: dict[str, list[Manifest]]) -> None:
    config_map = find(rendered["test-dev"], "ConfigMap", "rest-iceberg-catalog", "flink")
    job = find(rendered["test-dev"], "FlinkSessionJob", "fluss-tiering-job")
    assert "credential: env:ICEBERG_CATALOG_CREDENTIAL" in config_map["data"]["rest_iceberg.yaml"]
    assert "env:ICEBERG_CATALOG_CREDENTIAL" in job["spec"]["job"]["args"]
    assert scan(config_map) == [] and scan(job) == []
    app = copy.deepcopy(find(rendered["test-dev"], "SparkApplication", "ingest-campaign"))
    app["spec"]["sparkConf"]["spark.sql.catalog.rest.credential"] = "root:s3cr3t"
    assert scan(app) == ["SparkApplication/spark/ingest-campaign: spec.sparkConf.spark.sql.catalog.rest.credential: "
                         "literal value"]


def test_scanner_catches_literal_env_config_and_args(rendered: dict[str, list[Manifest]]) -> None:
    deployment = copy.deepcopy(find(rendered["test-dev"], "Deployment", "polaris"))
    deployment["spec"]["template"]["spec"]["containers"][0]["env"].append({"name": "DB_PASSWORD", "value": "hunter2"})
    config_map = copy.deepcopy(find(rendered["test-dev"], "ConfigMap", "rest-iceberg-catalog", "flink"))
    config_map["data"]["rest_iceberg.yaml"] = config_map["data"]["rest_iceberg.yaml"].replace(
        "credential: env:ICEBERG_CATALOG_CREDENTIAL", "credential: id:secret")
    job = copy.deepcopy(find(rendered["test-dev"], "FlinkSessionJob", "fluss-tiering-job"))
    job["spec"]["job"]["args"] += ["--datalake.iceberg.credential", "id:secret"]
    assert scan(deployment) == [
        "Deployment/polaris/polaris: spec.template.spec.containers[0].env[6]: env DB_PASSWORD has a literal value"]
    assert scan(config_map) == [
        "ConfigMap/flink/rest-iceberg-catalog: data.rest_iceberg.yaml: 'credential' set to a literal"]
    literal = len(job["spec"]["job"]["args"]) - 1
    assert scan(job) == [f"FlinkSessionJob/flink/fluss-tiering-job: spec.job.args[{literal}]: argument after "
                         "--datalake.iceberg.credential is a literal"]
