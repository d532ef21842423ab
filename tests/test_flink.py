"""Flink: session cluster configuration, catalog store, SQL Gateway and session jobs wired by object."""

from __future__ import annotations

from typing import Any

import pytest

from charts.flink import FlinkChart
from charts.platform.flink import flink_props
from config import ConfigError
from manifests.restricted import pod_specs
from tests.bare import BOOTSTRAP_SERVERS, catalog, endpoints, s3_access, settings, synth
from tests.conftest import Manifest, environment, find, render


def flink(doc: dict[str, Any]) -> list[Manifest]:
    """The Flink chart (session cluster, catalog store, SQL Gateway, session jobs) of environment document `doc`,
    alone."""
    config = settings(doc)
    s3, iceberg = s3_access(config), catalog(config)
    props = flink_props(config, s3, iceberg, endpoints())
    return synth(lambda app: FlinkChart(app, "50-flink", namespace="flink", props=props, s3=s3, catalog=iceberg,
                                        fluss_bootstrap_servers=BOOTSTRAP_SERVERS))


def test_session_cluster_keeps_state_on_s3_with_ha_on_flink_1_20() -> None:
    spec = find(flink(environment()), "FlinkDeployment", "flink-session")["spec"]
    conf = spec["flinkConfiguration"]
    assert conf["execution.checkpointing.dir"] == "s3://flink-bucket/checkpoints/flink-session"
    assert conf["execution.checkpointing.savepoint-dir"] == "s3://flink-bucket/savepoints/flink-session"
    assert conf["high-availability.type"] == "kubernetes"
    assert conf["high-availability.storageDir"] == "s3://flink-bucket/ha/flink-session"
    assert spec["flinkVersion"] == "v1_20" and spec["serviceAccount"] == "flink"


def test_ha_off_leaves_no_ha_keys() -> None:
    conf = find(flink(environment(flink={"sessionCluster": {"highAvailability": False}})),
                "FlinkDeployment", "flink-session")["spec"]["flinkConfiguration"]
    assert not [k for k in conf if k.startswith("high-availability")]


def test_session_jobs_point_at_the_rendered_cluster() -> None:
    objects = flink(environment(flink={"sessionCluster": {"name": "analytics"},
                                       "jobs": [{"name": "j", "jarPath": "jobs/j.jar", "args": ["${polaris.catalogUri}"]}]}))
    jobs = {o["metadata"]["name"]: o["spec"] for o in objects if o["kind"] == "FlinkSessionJob"}
    assert set(jobs) == {"fluss-tiering-job", "j"}
    assert {spec["deploymentName"] for spec in jobs.values()} == {"analytics"}
    assert jobs["j"]["job"]["jarURI"] == "s3://flink-bucket/jobs/j.jar"
    assert jobs["j"]["job"]["args"] == ["http://polaris.polaris.svc.cluster.local:8181/api/catalog"]
    gateway = find(objects, "Deployment", "flink-sql-gateway")["spec"]["template"]["spec"]["containers"][0]
    assert "-Drest.address=analytics-rest.flink.svc.cluster.local" in gateway["command"]


CREDENTIAL_SECRET = {"name": "iceberg-catalog-credentials", "key": "catalog-credential"}


def secret_env(container: dict[str, Any]) -> dict[str, dict[str, str]]:
    """{env name: secretKeyRef} of a container."""
    return {e["name"]: e["valueFrom"]["secretKeyRef"] for e in container.get("env") or []
            if "secretKeyRef" in e.get("valueFrom", {})}


def test_tiering_job_reads_the_credential_from_the_session_cluster_environment() -> None:
    objects = flink(environment())
    args = find(objects, "FlinkSessionJob", "fluss-tiering-job")["spec"]["job"]["args"]
    pairs = dict(zip(args[::2], args[1::2], strict=True))
    assert pairs["--datalake.iceberg.warehouse"] == "dev_iceberg_datalake_catalog"
    assert pairs["--datalake.iceberg.uri"] == "http://polaris.polaris.svc.cluster.local:8181/api/catalog"
    assert pairs["--datalake.iceberg.credential"] == "env:ICEBERG_CATALOG_CREDENTIAL"
    session = find(objects, "FlinkDeployment", "flink-session")
    for role, pod in pod_specs(session).items():
        main = next(c for c in pod["containers"] if c["name"] == "flink-main-container")
        assert secret_env(main)["ICEBERG_CATALOG_CREDENTIAL"] == CREDENTIAL_SECRET, role


def test_catalog_store_is_the_projected_config_maps_with_an_env_reference() -> None:
    objects = flink(environment())
    rest = find(objects, "ConfigMap", "rest-iceberg-catalog")["data"]["rest_iceberg.yaml"]
    assert "\ncredential: env:ICEBERG_CATALOG_CREDENTIAL\n" in rest
    assert "uri: http://polaris.polaris.svc.cluster.local:8181/api/catalog\n" in rest
    fluss = find(objects, "ConfigMap", "fluss-iceberg")["data"]["fluss_iceberg.yaml"]
    assert "\niceberg.credential: env:ICEBERG_CATALOG_CREDENTIAL\n" in fluss
    store = {"name": "catalog-store", "projected": {"sources": [
        {"configMap": {"name": "fluss-iceberg"}}, {"configMap": {"name": "rest-iceberg-catalog"}}]}}
    mount = {"mountPath": "/var/flink/catalog-store", "name": "catalog-store", "readOnly": True}
    job_manager = pod_specs(find(objects, "FlinkDeployment", "flink-session"))["jobManager"]
    gateway = find(objects, "Deployment", "flink-sql-gateway")["spec"]["template"]["spec"]
    for pod in (job_manager, gateway):
        assert pod["volumes"] == [store] and not pod.get("initContainers")
        main = pod["containers"][0]
        assert main["volumeMounts"] == [mount]
        assert secret_env(main)["ICEBERG_CATALOG_CREDENTIAL"] == CREDENTIAL_SECRET


def test_disabled_gateway_renders_no_gateway_object() -> None:
    objects = flink(environment(flink={"sqlGateway": {"enabled": False}}))
    assert not [o for o in objects if o["metadata"]["name"] == "flink-sql-gateway"]


def test_gateway_has_no_api_access() -> None:
    objects = flink(environment())
    pod = find(objects, "Deployment", "flink-sql-gateway")["spec"]["template"]["spec"]
    assert pod["automountServiceAccountToken"] is False and pod["serviceAccountName"] == "flink-sql-gateway"
    binding = find(objects, "RoleBinding", "flink-role-binding")
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "flink", "namespace": "flink"}]


def test_unknown_placeholders_are_config_errors_with_their_index_all_at_once() -> None:
    """Placeholders are checked with the configuration (every one, with the other problems), not while building."""
    doc = environment(flink={"jobs": [{"name": "j", "jarPath": "a/j.jar", "args": ["--a", "${x}", "${y}/${polaris.catalogUri}"]}],
                             "sessionCluster": {"jobManagerReplicas": 2, "highAvailability": False}})
    with pytest.raises(ConfigError) as info:
        settings(doc)
    expected = "(expected one of: ${fluss.bootstrapServers}, ${polaris.catalogUri}, ${polaris.tokenEndpoint})"
    assert str(info.value).splitlines() == [
        "environments/test.yaml: flink.sessionCluster.jobManagerReplicas: 2 JobManagers need "
        "flink.sessionCluster.highAvailability: true (the Flink operator rejects standby JobManagers without HA)",
        f"environments/test.yaml: flink.jobs[j].args[1]: unknown placeholder '${{x}}' {expected}",
        f"environments/test.yaml: flink.jobs[j].args[2]: unknown placeholder '${{y}}' {expected}",
    ]


def test_every_flink_process_reads_the_web_identity_under_an_iam_role() -> None:
    """Hadoop 3.3.4's S3A (flink-s3-fs-hadoop) has no web-identity provider by default: the session cluster, the
    SQL Gateway and the operator (which downloads job JARs) name it, or they fall back to the node's role."""
    provider = "com.amazonaws.auth.WebIdentityTokenCredentialsProvider"
    store = {**environment()["objectStore"], "credentials": None, "iamRoleArn": "arn:aws:iam::123456789012:role/x"}
    objects = render(environment(objectStore=store, fluss={"s3Credentials": {"secretName": "fluss-keys"}}))
    assert find(objects, "FlinkDeployment", "flink-session")["spec"]["flinkConfiguration"][
        "s3.aws.credentials.provider"] == provider
    gateway = find(objects, "Deployment", "flink-sql-gateway")["spec"]["template"]["spec"]["containers"][0]
    assert f"-Ds3.aws.credentials.provider={provider}" in gateway["command"]
    operator_conf = find(objects, "ConfigMap", "flink-operator-config")["data"]["flink-conf.yaml"]
    assert f"s3.aws.credentials.provider: {provider}\n" in operator_conf
    static = flink(environment())
    assert "s3.aws.credentials.provider" not in find(static, "FlinkDeployment", "flink-session")["spec"][
        "flinkConfiguration"]


def test_props_defaults_are_the_schema_defaults() -> None:
    """Constructs composed in Python get the same cluster as an environment that sets nothing."""
    from charts.flink.cluster import FlinkClusterProps
    from charts.flink.session_job import SessionJobProps
    from charts.flink.sql_gateway import SqlGatewayProps

    config = settings(environment())
    mapped = flink_props(config, s3_access(config), catalog(config), endpoints())
    assert mapped.session_cluster == FlinkClusterProps()
    assert mapped.sql_gateway == SqlGatewayProps()
    assert mapped.service_account == "flink"
    job = flink_props(settings(environment(flink={"jobs": [{"name": "j", "jarPath": "a/j.jar"}]})), s3_access(config),
                      catalog(config), endpoints()).jobs[-1]
    assert job == SessionJobProps(name="j", jar_path="s3://flink-bucket/a/j.jar")


def test_props_refuse_standby_job_managers_without_ha_and_repeated_job_names() -> None:
    from charts.flink.chart import FlinkProps
    from charts.flink.cluster import FlinkClusterProps, JobManagerProps
    from charts.flink.session_job import SessionJobProps

    with pytest.raises(ValueError, match="FlinkDeployment flink-session: 2 JobManagers need high_availability"):
        FlinkClusterProps(image="flink:1.20", job_manager=JobManagerProps(replicas=2), high_availability=False)
    job = SessionJobProps(name="j", jar_path="s3://b/j.jar", parallelism=1, upgrade_mode="stateless", args=())
    with pytest.raises(ValueError, match="FlinkSessionJob names used twice: j"):
        FlinkProps(session_cluster=FlinkClusterProps(image="flink:1.20"), jobs=(job, job))


def test_generated_enum_members_are_found_by_their_crd_value() -> None:
    from charts.blocks.crd_enums import crd_value, member
    from imports.flink.org.apache.flink import FlinkDeploymentSpecFlinkVersion, FlinkSessionJobSpecJobUpgradeMode

    assert member(FlinkDeploymentSpecFlinkVersion, "v1_20") is FlinkDeploymentSpecFlinkVersion.V1_UNDERSCORE_20
    assert member(FlinkSessionJobSpecJobUpgradeMode, "last-state") is FlinkSessionJobSpecJobUpgradeMode.LAST_HYPHEN_STATE
    assert [crd_value(m) for m in FlinkSessionJobSpecJobUpgradeMode] == ["last-state", "savepoint", "stateless"]
    with pytest.raises(ValueError, match=r"'v9_9' is not a value of FlinkDeploymentSpecFlinkVersion \(expected one "
                                         r"of: v1_13, v1_14, .*v2_2"):
        member(FlinkDeploymentSpecFlinkVersion, "v9_9")
