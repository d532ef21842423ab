"""FlussCluster: server.yaml semantics, listeners, S3 keys appended from Secrets at start, the catalog
credential as an Iceberg environment reference."""

from __future__ import annotations

from tests.conftest import LOCAL_STORE, environment, find, render


def server_yaml(objects: list[dict[str, object]]) -> dict[str, str]:
    text = find(objects, "ConfigMap", "fluss-conf-file")["data"]["server.yaml"]
    return dict(line.split(": ", 1) for line in text.splitlines())


def test_server_yaml_points_at_polaris_and_s3() -> None:
    conf = server_yaml(render(environment()))
    assert conf["remote.data.dir"] == "s3://fluss-bucket/fluss-remote-data"
    assert conf["datalake.format"] == "iceberg"
    assert conf["datalake.iceberg.uri"] == "http://polaris.polaris.svc.cluster.local:8181/api/catalog"
    assert conf["datalake.iceberg.oauth2-server-uri"].endswith("/api/catalog/v1/oauth/tokens")
    assert conf["datalake.iceberg.warehouse"] == "dev_iceberg_datalake_catalog"
    assert conf["datalake.iceberg.header.X-Iceberg-Access-Delegation"] == "vended-credentials"
    assert conf["datalake.iceberg.credential"] == "env:ICEBERG_CATALOG_CREDENTIAL"
    assert "s3.access-key" not in conf


def test_in_cluster_store_uses_path_style_and_no_vended_credentials() -> None:
    conf = server_yaml(render(environment(objectStore=LOCAL_STORE, secrets={"generateDevSecrets": True},
                                          polaris={"tokenBroker": {"type": "symmetric-key"}})))
    assert conf["s3.endpoint"] == "http://minio.object-store.svc.cluster.local:9000"
    assert conf["s3.path.style.access"] == "true"
    assert conf["datalake.iceberg.s3.path-style-access"] == "true"
    assert "datalake.iceberg.header.X-Iceberg-Access-Delegation" not in conf


def test_s3_keys_are_appended_and_the_catalog_credential_is_in_the_environment() -> None:
    objects = render(environment())
    container = find(objects, "StatefulSet", "tablet-server")["spec"]["template"]["spec"]["containers"][0]
    script = container["command"][2]
    assert "datalake.iceberg.credential" not in script
    assert "printf 's3.secret-key: %s\\n' \"$AWS_SECRET_ACCESS_KEY\"" in script
    assert 'echo "tablet-server.id: ${POD_NAME##*-}"' in script
    assert script.rstrip().endswith("exec bin/tablet-server.sh start-foreground")
    secret_env = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in container["env"] if "valueFrom" in e
                  and "secretKeyRef" in e["valueFrom"]}
    assert secret_env["ICEBERG_CATALOG_CREDENTIAL"] == {"name": "iceberg-catalog-credentials", "key": "catalog-credential"}
    assert secret_env["AWS_SECRET_ACCESS_KEY"] == {"name": "aws-secret", "key": "secret_access_key"}


def test_iam_role_replaces_static_keys() -> None:
    store = {**environment()["objectStore"], "credentials": None, "iamRoleArn": "arn:aws:iam::123456789012:role/x"}
    objects = render(environment(objectStore=store))
    account = find(objects, "ServiceAccount", "fluss")
    assert account["metadata"]["annotations"]["eks.amazonaws.com/role-arn"] == "arn:aws:iam::123456789012:role/x"
    script = find(objects, "StatefulSet", "coordinator-server")["spec"]["template"]["spec"]["containers"][0]["command"][2]
    assert "s3.access-key" not in script
    for kind, name in (("ServiceAccount", "polaris"), ("ServiceAccount", "flink"), ("ServiceAccount", "flink-sql-gateway")):
        assert "eks.amazonaws.com/role-arn" in find(objects, kind, name)["metadata"]["annotations"]


def test_advertised_listener_uses_the_headless_service_and_client_port() -> None:
    objects = render(environment(fluss={"clientPort": 9200}))
    script = find(objects, "StatefulSet", "coordinator-server")["spec"]["template"]["spec"]["containers"][0]["command"][2]
    assert "CLIENT://${POD_NAME}.coordinator-server-hs.${POD_NAMESPACE}.svc.cluster.local:9200" in script
    jobs = [o for o in objects if o["kind"] == "FlinkSessionJob"]
    assert jobs and all("coordinator-server-hs.fluss.svc.cluster.local:9200" in o["spec"]["job"]["args"] for o in jobs)
