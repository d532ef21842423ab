"""Polaris and its PostgreSQL: persistence wiring, token broker, S3 settings, endpoints."""

from __future__ import annotations

import json
from typing import Any

import pytest

from charts.platform.polaris import polaris_props
from charts.polaris import PolarisChart
from tests.bare import s3_access, settings, synth
from tests.conftest import LOCAL_STORE, TEST_ROLE_ARN, Manifest, environment, find, render


def polaris(doc: dict[str, Any]) -> list[Manifest]:
    """The Polaris chart (PostgreSQL, Polaris, bootstrap and catalog setup) of environment document `doc`, alone."""
    config = settings(doc)
    return synth(lambda app: PolarisChart(app, "30-polaris", namespace="polaris", props=polaris_props(config),
                                          s3=s3_access(config), consumer_namespaces=["fluss", "flink", "spark"]))


def properties(objects: list[dict[str, Any]]) -> dict[str, str]:
    text = find(objects, "ConfigMap", "polaris")["data"]["application.properties"]
    return dict(line.split("=", 1) for line in text.splitlines())


def container(objects: list[dict[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = find(objects, "Deployment", "polaris")["spec"]["template"]["spec"]["containers"][0]
    return result


def test_jdbc_url_is_derived_from_the_postgres_service_and_credentials_from_the_secret() -> None:
    env = {e["name"]: e for e in container(polaris(environment(postgres={"database": "CATALOG"})))["env"]}
    assert env["quarkus.datasource.jdbc.url"]["value"] == (
        "jdbc:postgresql://postgres.polaris.svc.cluster.local:5432/CATALOG")
    assert env["quarkus.datasource.username"]["valueFrom"]["secretKeyRef"] == {"name": "polaris-persistence", "key": "username"}
    assert env["quarkus.datasource.password"]["valueFrom"]["secretKeyRef"] == {"name": "polaris-persistence", "key": "password"}


def test_postgres_creates_the_database_from_the_same_secret_on_a_volume_argo_cd_keeps() -> None:
    objects = polaris(environment())
    pg = find(objects, "StatefulSet", "postgres")["spec"]
    env = {e["name"]: e for e in pg["template"]["spec"]["containers"][0]["env"]}
    assert env["POSTGRES_USER"]["valueFrom"]["secretKeyRef"] == {"name": "polaris-persistence", "key": "username"}
    assert env["POSTGRES_DB"]["value"] == "POLARIS"
    assert pg["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"] == "10Gi"
    annotations = find(objects, "StatefulSet", "postgres")["metadata"]["annotations"]
    assert annotations["argocd.argoproj.io/sync-options"] == "Prune=false"


def test_rsa_token_broker_by_default_mounts_the_key_pair() -> None:
    objects = polaris(environment())
    props = properties(objects)
    assert props["polaris.authentication.token-broker.type"] == "rsa-key-pair"
    assert props["polaris.authentication.token-broker.rsa-key-pair.private-key-file"] == "/deployments/config/private.pem"
    volume = find(objects, "Deployment", "polaris")["spec"]["template"]["spec"]["volumes"][0]
    secret = volume["projected"]["sources"][1]["secret"]
    assert secret["name"] == "polaris-token-broker"
    assert [i["key"] for i in secret["items"]] == ["public.pem", "private.pem"]


def test_symmetric_key_broker_reads_the_key_file() -> None:
    props = properties(polaris(environment(polaris={"tokenBroker": {"type": "symmetric-key"}})))
    assert props["polaris.authentication.token-broker.symmetric-key.file"] == "/deployments/config/symmetric.key"


def test_realm_and_probes_follow_the_upstream_chart() -> None:
    objects = polaris(environment(polaris={"realm": "ACME"}))
    assert properties(objects)["polaris.realm-context.realms"] == "ACME"
    probe = container(objects)["livenessProbe"]
    assert probe["httpGet"] == {"path": "/q/health/live", "port": "polaris-mgmt", "scheme": "HTTP"}
    assert probe["terminationGracePeriodSeconds"] == 30


def test_config_checksum_rolls_the_deployment_when_properties_change() -> None:
    def checksum(doc: dict[str, Any]) -> str:
        deployment = find(polaris(doc), "Deployment", "polaris")
        value: str = deployment["spec"]["template"]["metadata"]["annotations"]["checksum/config"]
        return value

    assert checksum(environment()) != checksum(environment(polaris={"logLevel": "DEBUG"}))


def test_in_cluster_store_keeps_the_catalog_endpoint_for_polaris_own_file_io() -> None:
    """SKIP_CREDENTIAL_SUBSCOPING_INDIRECTION=true would drop the catalog's endpoint and path style from Polaris'
    FileIO (Polaris 1.3 StorageAccessConfigProvider); stsUnavailable skips STS and keeps them."""
    objects = polaris(environment(objectStore=LOCAL_STORE, secrets={"generateDevSecrets": True},
                                 polaris={"tokenBroker": {"type": "symmetric-key"}}))
    assert not [key for key in properties(objects) if "SKIP_CREDENTIAL_SUBSCOPING_INDIRECTION" in key]
    catalog = json.loads(find(objects, "ConfigMap", "polaris-catalog-setup")["data"]["1-catalog.dev_iceberg_datalake_catalog.json"])
    assert catalog["catalog"]["storageConfigInfo"] == {
        "storageType": "S3", "allowedLocations": ["s3://ice-bucket/"], "region": "eu-north-1",
        "endpoint": "http://minio.object-store.svc.cluster.local:9000", "pathStyleAccess": True, "stsUnavailable": True,
        "roleArn": TEST_ROLE_ARN}


def test_renamed_services_rename_every_reference() -> None:
    objects = render(environment(polaris={"name": "catalog"}, postgres={"name": "catalog-db"},
                                 zookeeper={"name": "zk"}))
    env = {e["name"]: e for e in find(objects, "Deployment", "catalog")["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert env["quarkus.datasource.jdbc.url"]["value"].startswith("jdbc:postgresql://catalog-db.polaris.svc")
    server_yaml = find(objects, "ConfigMap", "fluss-conf-file")["data"]["server.yaml"]
    assert "datalake.iceberg.uri: http://catalog.polaris.svc.cluster.local:8181/api/catalog" in server_yaml
    assert "zookeeper.address: zk.fluss.svc.cluster.local:2181" in server_yaml
    rest = find(objects, "ConfigMap", "rest-iceberg-catalog")["data"]["rest_iceberg.yaml"]
    assert "uri: http://catalog.polaris.svc.cluster.local:8181/api/catalog" in rest
    assert not [o for o in objects if o["metadata"]["name"] in ("polaris", "postgres", "zookeeper")
                and o["kind"] != "Namespace"]


def test_props_defaults_are_the_schema_defaults() -> None:
    """Constructs composed in Python get the same PostgreSQL, server and setup as an environment that sets nothing
    (on the in-cluster store, where a catalog needs no role to assume)."""
    from charts.polaris import PolarisProps

    assert polaris_props(settings(environment(objectStore=LOCAL_STORE, polaris={"setup": {}}))) == PolarisProps()


def test_props_refuse_an_open_catalog_model() -> None:
    from charts.polaris import PolarisProps
    from charts.polaris.server import ServerProps
    from charts.polaris.setup import SetupProps
    from config import CatalogRoleSpec, PrincipalSpec

    with pytest.raises(ValueError, match=r"Polaris catalog 'sales' is not one of the setup's catalogs "
                                         r"\(dev_iceberg_datalake_catalog\)"):
        PolarisProps(server=ServerProps(catalog="sales"))
    assert PolarisProps(server=ServerProps(catalog="sales"), setup=None).setup is None
    with pytest.raises(ValueError) as info:
        SetupProps(catalog_roles=(CatalogRoleSpec("sales", "reader", (), ("rf_ops",)),),
                   principals=(PrincipalSpec("fluss_user", ("rf_ops",)),), consumer_principal="spark_user")
    assert str(info.value) == (
        "Polaris setup: catalogRoles[0].catalog: unknown catalog 'sales'; catalogRoles[0].principalRoles[0]: unknown "
        "principal role 'rf_ops' (declare it in principalRoles); principals[0].principalRoles[0]: unknown principal "
        "role 'rf_ops' (declare it in principalRoles); consumerPrincipal: 'spark_user' is not one of principals")


def test_without_setup_no_job_is_rendered() -> None:
    objects = polaris(environment(polaris={"setup": {"enabled": False}}))
    assert not [o for o in objects if o["kind"] in ("Job", "Role", "RoleBinding")]
    assert find(objects, "Deployment", "polaris")
