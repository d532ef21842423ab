"""Flink: session cluster configuration, catalog store, SQL Gateway and session jobs wired by object."""

from __future__ import annotations

from typing import Any

import pytest

from charts.config import ConfigError
from tests.conftest import environment, find, render


def test_session_cluster_state_on_s3_and_ha() -> None:
    spec = find(render(environment()), "FlinkDeployment", "flink-session")["spec"]
    conf = spec["flinkConfiguration"]
    assert conf["execution.checkpointing.dir"] == "s3://flink-bucket/checkpoints/flink-session"
    assert conf["execution.checkpointing.savepoint-dir"] == "s3://flink-bucket/savepoints/flink-session"
    assert conf["high-availability.type"] == "kubernetes"
    assert conf["high-availability.storageDir"] == "s3://flink-bucket/ha/flink-session"
    assert spec["flinkVersion"] == "v2_2" and spec["serviceAccount"] == "flink"


def test_ha_off_leaves_no_ha_keys() -> None:
    conf = find(render(environment(flink={"sessionCluster": {"highAvailability": False}})),
                "FlinkDeployment", "flink-session")["spec"]["flinkConfiguration"]
    assert not [k for k in conf if k.startswith("high-availability")]


def test_session_jobs_point_at_the_rendered_cluster() -> None:
    objects = render(environment(flink={"sessionCluster": {"name": "analytics"},
                                        "jobs": [{"name": "j", "jarPath": "jobs/j.jar", "args": ["${polaris.catalogUri}"]}]}))
    jobs = {o["metadata"]["name"]: o["spec"] for o in objects if o["kind"] == "FlinkSessionJob"}
    assert set(jobs) == {"fluss-tiering-job", "j"}
    assert {spec["deploymentName"] for spec in jobs.values()} == {"analytics"}
    assert jobs["j"]["job"]["jarURI"] == "s3://flink-bucket/jobs/j.jar"
    assert jobs["j"]["job"]["args"] == ["http://polaris.polaris.svc.cluster.local:8181/api/catalog"]
    gateway = find(objects, "Deployment", "flink-sql-gateway")["spec"]["template"]["spec"]["containers"][0]
    assert "-Drest.address=analytics-rest.flink.svc.cluster.local" in gateway["command"]


def test_tiering_job_carries_catalog_settings_but_no_credential() -> None:
    args = find(render(environment()), "FlinkSessionJob", "fluss-tiering-job")["spec"]["job"]["args"]
    pairs = dict(zip(args[::2], args[1::2], strict=True))
    assert pairs["--datalake.iceberg.warehouse"] == "dev_iceberg_datalake_catalog"
    assert pairs["--datalake.iceberg.uri"] == "http://polaris.polaris.svc.cluster.local:8181/api/catalog"
    assert not [a for a in args if a.endswith("credential")]


def test_catalog_store_files_get_the_credential_from_the_secret() -> None:
    objects = render(environment())
    rest = find(objects, "ConfigMap", "rest-iceberg-catalog")["data"]["rest_iceberg.yaml"]
    assert "\ncredential:" not in rest and "uri: http://polaris.polaris.svc.cluster.local:8181/api/catalog\n" in rest
    jm = find(objects, "FlinkDeployment", "flink-session")["spec"]["jobManager"]["podTemplate"]["spec"]
    init = jm["initContainers"][0]
    assert "printf 'credential: %s\\n' \"$ICEBERG_CATALOG_CREDENTIAL\" >> /var/flink/catalog-store/rest_iceberg.yaml" in (
        init["command"][2])
    assert init["env"][0]["valueFrom"]["secretKeyRef"]["name"] == "iceberg-catalog-credentials"
    assert {v["name"]: v.get("configMap", {}).get("name") for v in jm["volumes"]} == {
        "catalog-store": None, "catalog-fluss-iceberg": "fluss-iceberg", "catalog-rest-iceberg": "rest-iceberg-catalog"}


def test_gateway_off() -> None:
    objects = render(environment(flink={"sqlGateway": {"enabled": False}}))
    assert not [o for o in objects if o["metadata"]["name"] == "flink-sql-gateway"]


def test_gateway_has_no_api_access() -> None:
    objects: list[dict[str, Any]] = render(environment())
    pod = find(objects, "Deployment", "flink-sql-gateway")["spec"]["template"]["spec"]
    assert pod["automountServiceAccountToken"] is False and pod["serviceAccountName"] == "flink-sql-gateway"
    binding = find(objects, "RoleBinding", "flink-role-binding")
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "flink", "namespace": "flink"}]


def test_unknown_placeholder_names_the_field() -> None:
    with pytest.raises(ConfigError, match=r"environments/test.yaml: flink.jobs\[0\].args: unknown placeholder '\$\{x\}'"):
        render(environment(flink={"jobs": [{"name": "j", "jarPath": "a/j.jar", "args": ["${x}"]}]}))
