"""FlussCluster: server.yaml semantics, listeners, S3 keys appended from Secrets at start, the catalog
credential as an Iceberg environment reference."""

from __future__ import annotations

from typing import Any

import pytest

from charts.fluss.cluster import FlussChart
from charts.platform.fluss import fluss_props, fluss_s3
from tests.bare import catalog, s3_access, settings, synth
from tests.conftest import LOCAL_STORE, Manifest, environment, find, render


def fluss(doc: dict[str, Any]) -> list[Manifest]:
    """The Fluss chart (ZooKeeper, Fluss) of environment document `doc`, alone."""
    config = settings(doc)
    props, s3, iceberg = fluss_props(config), fluss_s3(config, s3_access(config)), catalog(config)
    return synth(lambda app: FlussChart(app, "40-fluss", namespace="fluss", props=props, s3=s3, catalog=iceberg))


def server_yaml(objects: list[Manifest]) -> dict[str, str]:
    text = find(objects, "ConfigMap", "fluss-conf-file")["data"]["server.yaml"]
    return dict(line.split(": ", 1) for line in text.splitlines())


def test_server_yaml_points_at_polaris_and_s3() -> None:
    conf = server_yaml(fluss(environment()))
    assert conf["remote.data.dir"] == "s3://fluss-bucket/fluss-remote-data"
    assert conf["datalake.format"] == "iceberg"
    assert conf["datalake.iceberg.uri"] == "http://polaris.polaris.svc.cluster.local:8181/api/catalog"
    assert conf["datalake.iceberg.oauth2-server-uri"].endswith("/api/catalog/v1/oauth/tokens")
    assert conf["datalake.iceberg.warehouse"] == "dev_iceberg_datalake_catalog"
    assert conf["datalake.iceberg.header.X-Iceberg-Access-Delegation"] == "vended-credentials"
    assert conf["datalake.iceberg.credential"] == "env:ICEBERG_CATALOG_CREDENTIAL"
    assert "s3.access-key" not in conf


def test_in_cluster_store_uses_path_style_and_no_vended_credentials() -> None:
    """Clients that read remote data get AssumeRole credentials from MinIO's own STS, which serves no
    GetSessionToken (upstream/capabilities.py); the token carries endpoint and path style (Fluss 0.9.1)."""
    conf = server_yaml(fluss(environment(objectStore=LOCAL_STORE, secrets={"generateDevSecrets": True},
                                         polaris={"tokenBroker": {"type": "symmetric-key"}})))
    assert conf["s3.endpoint"] == "http://minio.object-store.svc.cluster.local:9000"
    assert conf["s3.path.style.access"] == "true"
    assert conf["datalake.iceberg.s3.path-style-access"] == "true"
    assert "datalake.iceberg.header.X-Iceberg-Access-Delegation" not in conf
    assert conf["s3.assumed.role.sts.endpoint"] == conf["s3.endpoint"]
    assert conf["s3.assumed.role.arn"].startswith("arn:aws:iam::")


def test_s3_keys_are_appended_and_the_catalog_credential_is_in_the_environment() -> None:
    objects = fluss(environment())
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


def test_iam_role_environment_with_fluss_keys_gives_fluss_its_own_static_keys() -> None:
    """`fluss.s3Credentials` set: the Fluss servers use those keys, the others the role."""
    store = {**environment()["objectStore"], "credentials": None, "iamRoleArn": "arn:aws:iam::123456789012:role/x"}
    objects = render(environment(objectStore=store, fluss={"s3Credentials": {"secretName": "fluss-keys"}}))
    assert "eks.amazonaws.com/role-arn" not in (find(objects, "ServiceAccount", "fluss")["metadata"].get("annotations")
                                                or {})
    for name in ("coordinator-server", "tablet-server"):
        container = find(objects, "StatefulSet", name)["spec"]["template"]["spec"]["containers"][0]
        assert "printf 's3.access-key: %s\\n' \"$AWS_ACCESS_KEY_ID\"" in container["command"][2]
        keys = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in container["env"] if e["name"].startswith("AWS_")
                and "valueFrom" in e}
        assert keys == {"AWS_ACCESS_KEY_ID": {"name": "fluss-keys", "key": "access_key_id"},
                        "AWS_SECRET_ACCESS_KEY": {"name": "fluss-keys", "key": "secret_access_key"}}
    assert "s3.aws.credentials.provider" not in server_yaml(objects)
    for kind, name in (("ServiceAccount", "polaris"), ("ServiceAccount", "flink"), ("ServiceAccount", "flink-sql-gateway")):
        assert "eks.amazonaws.com/role-arn" in find(objects, kind, name)["metadata"]["annotations"]


def test_tablet_data_survives_restarts_on_volume_claims() -> None:
    objects = fluss(environment(fluss={"tabletDataStorage": "50Gi", "storageClassName": "gp3"}))
    tablet = find(objects, "StatefulSet", "tablet-server")
    [claim] = tablet["spec"]["volumeClaimTemplates"]
    assert (claim["metadata"]["name"], claim["spec"]["resources"]["requests"]["storage"],
            claim["spec"]["storageClassName"]) == ("data", "50Gi", "gp3")
    assert "data" not in {v["name"] for v in tablet["spec"]["template"]["spec"]["volumes"]}
    assert tablet["metadata"]["annotations"]["argocd.argoproj.io/sync-options"] == "Prune=false"
    coordinator = find(objects, "StatefulSet", "coordinator-server")["spec"]
    assert "volumeClaimTemplates" not in coordinator
    assert {"name": "data", "emptyDir": {}} in coordinator["template"]["spec"]["volumes"]


def test_a_server_yaml_change_rolls_both_server_kinds() -> None:
    def checksums(doc: dict[str, Any]) -> list[str]:
        objects = fluss(doc)
        return [find(objects, "StatefulSet", name)["spec"]["template"]["metadata"]["annotations"]["checksum/config"]
                for name in ("coordinator-server", "tablet-server")]

    before, after = checksums(environment()), checksums(environment(fluss={"defaultBucketNumber": 4}))
    assert before[0] == before[1] and after[0] == after[1] and before != after


def test_advertised_listener_uses_the_headless_service_and_client_port() -> None:
    objects = render(environment(fluss={"clientPort": 9200}))
    script = find(objects, "StatefulSet", "coordinator-server")["spec"]["template"]["spec"]["containers"][0]["command"][2]
    assert "CLIENT://${POD_NAME}.coordinator-server-hs.${POD_NAMESPACE}.svc.cluster.local:9200" in script
    jobs = [o for o in objects if o["kind"] == "FlinkSessionJob"]
    assert jobs and all("coordinator-server-hs.fluss.svc.cluster.local:9200" in o["spec"]["job"]["args"] for o in jobs)


def test_props_defaults_are_the_schema_defaults() -> None:
    """Constructs composed in Python get the same cluster and ensemble as an environment that sets nothing."""
    from charts.fluss.cluster import FlussClusterProps, FlussProps

    config = settings(environment())
    assert fluss_props(config) == FlussProps(cluster=FlussClusterProps())


def test_props_refuse_more_replicas_than_tablet_servers_and_one_port_for_both_listeners() -> None:
    from charts.fluss.cluster import FlussClusterProps, TabletServerProps

    with pytest.raises(ValueError, match="Fluss: default_replication_factor 3 is more than the 2 TabletServers"):
        FlussClusterProps(image="fluss:0.9", tablet=TabletServerProps(replicas=2), default_replication_factor=3)
    assert FlussClusterProps(image="fluss:0.9", tablet=TabletServerProps(replicas=3), default_replication_factor=3)
    with pytest.raises(ValueError, match="Fluss: the INTERNAL and CLIENT listeners both use port 9124"):
        FlussClusterProps(image="fluss:0.9", internal_port=9124)


def test_iam_role_environment_without_fluss_keys_uses_the_web_identity() -> None:
    """Fluss 0.9.1 (upstream/capabilities.py): the servers' S3A reads the IRSA token, and the CoordinatorServer hands
    clients AssumeRole credentials of the same role (S3DelegationTokenProvider); no static keys anywhere."""
    role = "arn:aws:iam::123456789012:role/x"
    store = {**environment()["objectStore"], "credentials": None, "iamRoleArn": role}
    objects = render(environment(objectStore=store))
    assert find(objects, "ServiceAccount", "fluss")["metadata"]["annotations"]["eks.amazonaws.com/role-arn"] == role
    conf = server_yaml(objects)
    assert conf["s3.aws.credentials.provider"] == "com.amazonaws.auth.WebIdentityTokenCredentialsProvider"
    assert conf["s3.assumed.role.arn"] == role
    assert "s3.assumed.role.sts.endpoint" not in conf and "s3.endpoint" not in conf
    for name in ("coordinator-server", "tablet-server"):
        container = find(objects, "StatefulSet", name)["spec"]["template"]["spec"]["containers"][0]
        assert "s3.access-key" not in container["command"][2]
        assert not [e for e in container["env"] if e["name"].startswith("AWS_") and e["name"] != "AWS_REGION"]


def test_static_keys_on_aws_s3_hand_clients_session_tokens_of_the_keys() -> None:
    """AWS S3 with keys: no delegation setting, so the CoordinatorServer calls GetSessionToken with the keys."""
    conf = server_yaml(fluss(environment()))
    assert not {k for k in conf if k.startswith("s3.assumed.role.")}

