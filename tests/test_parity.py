"""Parity with the reference deployment and the upstream charts' rendered output.

Every object of `../shared/reference/seed-lakehouse/k8s/` and of the upstream-rendered Polaris and Fluss
charts has a counterpart in the render of the fixture environment `test-reference` (tests/environments/, the
reference deployment as an environment: same kind, namespace, name) or is listed in `DROPPED`; the
compared settings (`tests/parity.py`) differ exactly where `DIFFERENCES` says: at each declared path the
reference's value and ours are the declared ones (written out, or checked by a stated predicate), each with its
reason (README, "Differences from the reference").
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import Manifest, reference_cases, reference_objects
from tests.parity import Differs, Where, assert_counterpart

DROPPED = {
    ("PersistentVolumeClaim", "polaris", "postgres-pvc"): "unused: the StatefulSet's volumeClaimTemplate owns the data",
    ("PersistentVolumeClaim", "fluss", "zk-data"): "unused: the StatefulSet's volumeClaimTemplates own the data",
    ("PersistentVolumeClaim", "fluss", "zk-datalog"): "unused: the StatefulSet's volumeClaimTemplates own the data",
    ("PersistentVolumeClaim", "polaris", "polaris-logs"): "logs go to stdout (file logging off); a RWO PVC blocks replicas > 1",
    ("ConfigMap", "flink", "flink-sql-gateway-properties"): "gateway settings are -D arguments (FLINK_PROPERTIES was not read)",
    ("Secret", "spark", "iceberg-catalog-credentials"): "Secrets exist before apply in cloud environments (dev-only in local)",
}

HARDENING = "restricted pod security, resources and probes added"
FLUSS_START = "the chart's start sequence with `set -eu` and `exec`, S3 keys appended from Secret env vars"
ENV_CREDENTIAL = "Iceberg environment reference env:ICEBERG_CATALOG_CREDENTIAL (Secret-backed env var), not the literal"
OAUTH2 = "Iceberg's canonical value `oauth2`"
CLIENT_LISTENER = "Fluss clients use the CLIENT listener (9124)"
FLUSS_0_9_1 = ("Fluss 0.9.1-incubating: clients get S3 credentials from an S3-compatible store or an IAM role "
               "(upstream/capabilities.py)")
FLINK_1_20 = ("Flink 1.20: no Iceberg release has a Flink 2.2 runtime; Fluss 0.9.1 and Iceberg 1.10.1 meet at 1.19 "
              "and 1.20 (upstream/capabilities.py)")
PLACEHOLDER_CREDENTIAL = "<polaris-client-id>:<polaris-client-secret>"
FLUSS_INTERNAL = "coordinator-server-hs.fluss.svc.cluster.local:9123"
FLUSS_CLIENT = "coordinator-server-hs.fluss.svc.cluster.local:9124"
FLINK_IMAGES = ("flink-fluss-iceberg-s3:2.2.0", "flink-fluss-iceberg-s3:1.20.3")


def restricted_container(uid: int | None) -> dict[str, Any]:
    """A restricted container security context (`uid` None: an image that must run as root)."""
    user = {} if uid is None else {"runAsGroup": uid, "runAsNonRoot": True, "runAsUser": uid}
    return {"allowPrivilegeEscalation": False, "capabilities.drop": ["ALL"], **user,
            "seccompProfile.type": "RuntimeDefault"}


def restricted_pod(uid: int) -> dict[str, Any]:
    return {"fsGroup": uid, "runAsGroup": uid, "runAsNonRoot": True, "runAsUser": uid,
            "seccompProfile.type": "RuntimeDefault"}


def resources(cpu: str, memory: str, memory_limit: str) -> dict[str, str]:
    return {"limits.memory": memory_limit, "requests.cpu": cpu, "requests.memory": memory}


def grants(resources: list[tuple[str, str]], verbs: tuple[str, ...]) -> list[tuple[str, str, str, str]]:
    return sorted((group, resource, verb, "*") for group, resource in resources for verb in verbs)


def fluss_start(server: str, *, tablet: bool) -> list[str]:
    """Our start command of a Fluss server: listeners (and a tablet server's id) and the S3 keys appended to the
    copied server.yaml, then `exec`."""
    server_id = '  echo "tablet-server.id: ${POD_NAME##*-}"\n' if tablet else ""
    return ["/bin/sh", "-c", (
        'set -eu\nconf="$FLUSS_HOME/conf/server.yaml"\ncp /opt/conf/server.yaml "$conf"\n{\n  echo ""\n' + server_id +
        '  echo "bind.listeners: INTERNAL://${POD_IP}:9123, CLIENT://${POD_IP}:9124"\n'
        f'  echo "advertised.listeners: CLIENT://${{POD_NAME}}.{server}-hs.${{POD_NAMESPACE}}.svc.cluster.local:9124"\n'
        "  printf 's3.access-key: %s\\n' \"$AWS_ACCESS_KEY_ID\"\n"
        "  printf 's3.secret-key: %s\\n' \"$AWS_SECRET_ACCESS_KEY\"\n"
        f'}} >> "$conf"\nexec bin/{server}.sh start-foreground\n')]


def chart_start(server: str) -> Where:
    """The upstream chart's start command: a `&&` chain that echoes the listeners into server.yaml and runs the
    server without `exec`."""
    return Where(f"the chart's `&&` chain ending in bin/{server}.sh without exec",
                 lambda v: v[:2] == ["/bin/sh", "-c"] and f".{server}-hs.${{POD_NAMESPACE}}" in v[2]
                 and v[2].endswith(f"\n\nbin/{server}.sh start-foreground\n"))


DIFFERENCES: dict[tuple[str, str | None, str], dict[str, Differs]] = {
    ("Service", "polaris", "postgres"): {
        "ports": Differs([(5432, "")], [(5432, "postgres")], "port named for probes and references")},
    ("StatefulSet", "polaris", "postgres"): {
        "containers.postgres.env": Differs(
            ["POSTGRES_DB", "POSTGRES_INITDB_ARGS", "POSTGRES_PASSWORD", "POSTGRES_USER"],
            ["PGDATA", "POSTGRES_DB", "POSTGRES_INITDB_ARGS", "POSTGRES_PASSWORD", "POSTGRES_USER"],
            "PGDATA in a subdirectory of the volume (a fresh volume may hold lost+found)"),
        "containers.postgres.liveness": Differs(None, {"exec": "exec", "failureThreshold": 3, "initialDelaySeconds": 30,
                                                       "periodSeconds": 20, "timeoutSeconds": 5}, HARDENING),
        "containers.postgres.readiness": Differs(None, {"exec": "exec", "failureThreshold": 6, "initialDelaySeconds": 10,
                                                        "periodSeconds": 10, "timeoutSeconds": 5}, HARDENING),
        "containers.postgres.mounts": Differs(
            [("/var/lib/postgresql/data", "")], [("/var/lib/postgresql/data", ""), ("/var/run/postgresql", "")],
            "/var/run/postgresql as emptyDir for the non-root server"),
        "containers.postgres.portNames": Differs([], ["postgres"], "port named"),
        "containers.postgres.resources": Differs(None, resources("250m", "512Mi", "1Gi"), HARDENING),
        "containers.postgres.securityContext": Differs(None, restricted_container(999), HARDENING),
        "podSecurityContext": Differs(None, restricted_pod(999), HARDENING),
    },
    ("Role", "flink", "flink-role"): {"rules": Differs(
        grants([("", "configmaps"), ("", "pods"), ("", "services"), ("apps", "deployments")],
               ("create", "delete", "edit", "get", "list", "patch", "watch")),
        grants([("", "configmaps"), ("", "pods"), ("apps", "deployments"), ("apps", "deployments/finalizers")],
               ("create", "delete", "get", "list", "patch", "update", "watch")),
        "the Flink operator's job Role; `edit` is not a Kubernetes verb")},
    ("RoleBinding", "flink", "flink-role-binding"): {"subjects": Differs(
        [("ServiceAccount", "default"), ("ServiceAccount", "flink")], [("ServiceAccount", "flink")],
        "the SQL Gateway has its own ServiceAccount without API access, not `default`")},
    ("ConfigMap", "flink", "fluss-iceberg"): {
        "fluss_iceberg.yaml.bootstrap.servers": Differs(FLUSS_INTERNAL, FLUSS_CLIENT, CLIENT_LISTENER),
        "fluss_iceberg.yaml.iceberg.credential": Differs(PLACEHOLDER_CREDENTIAL, "env:ICEBERG_CATALOG_CREDENTIAL",
                                                         ENV_CREDENTIAL),
        "fluss_iceberg.yaml.iceberg.rest.auth.type": Differs("OAUTH2", "oauth2", OAUTH2),
        "fluss_iceberg.yaml.iceberg.s3.region": Differs("eu-north-1", None, "Iceberg's region property is client.region"),
        "fluss_iceberg.yaml.iceberg.client.region": Differs(None, "eu-north-1",
                                                            "Iceberg's region property is client.region"),
        "fluss_iceberg.yaml.iceberg.header.X-Iceberg-Access-Delegation": Differs(
            None, "vended-credentials", "same catalog settings as every client"),
    },
    ("ConfigMap", "flink", "rest-iceberg-catalog"): {
        "rest_iceberg.yaml.credential": Differs(PLACEHOLDER_CREDENTIAL, "env:ICEBERG_CATALOG_CREDENTIAL", ENV_CREDENTIAL),
        "rest_iceberg.yaml.rest.auth.type": Differs("OAUTH2", "oauth2", OAUTH2),
        "rest_iceberg.yaml.s3.region": Differs("eu-north-1", None, "Iceberg's region property is client.region"),
    },
    ("FlinkDeployment", "flink", "flink-session"): {
        "flinkConfiguration.execution.checkpointing.dir": Differs(
            None, "s3://dev-flink/checkpoints/flink-session", "Flink 2.x key, per cluster"),
        "flinkConfiguration.execution.checkpointing.dir:s3": Differs(
            "s3://<flink-bucket>/checkpoints", None, "a typo in the reference (`dir:s3`)"),
        "flinkConfiguration.execution.checkpointing.savepoint-dir": Differs(
            None, "s3://dev-flink/savepoints/flink-session", "Flink 2.x key, per cluster"),
        "flinkConfiguration.execution.checkpointing.savepoint-dir:s3": Differs(
            "s3://<flink-bucket>/savepoints", None, "a typo in the reference (`savepoint-dir:s3`)"),
        "flinkConfiguration.state.checkpoints.dir": Differs("s3://<flink-bucket>/checkpoints", None,
                                                            "deprecated 1.x key"),
        "flinkConfiguration.high-availability": Differs(
            None, {"storageDir": "s3://dev-flink/ha/flink-session", "type": "kubernetes"},
            "Kubernetes HA on S3 (highAvailability, default on)"),
        "jobManager.mounts": Differs(
            ["/var/flink/catalog-store/fluss_iceberg.yaml", "/var/flink/catalog-store/rest_iceberg.yaml"],
            ["/var/flink/catalog-store"], "catalog store: the catalog ConfigMaps projected into one read-only directory"),
        "jobManager.resource.memory": Differs("2048mb", "2048m", "Flink memory format `2048m`"),
        "taskManager.resource.memory": Differs("2048mb", "2048m", "Flink memory format"),
        "flinkVersion": Differs("v2_2", "v1_20", FLINK_1_20),
        "image": Differs(*FLINK_IMAGES, FLINK_1_20),
    },
    ("Deployment", "flink", "flink-sql-gateway"): {
        "containers.flink-sql-gateway.env": Differs(
            ["FLINK_PROPERTIES"], ["AWS_ACCESS_KEY_ID", "AWS_REGION", "AWS_SECRET_ACCESS_KEY", "ICEBERG_CATALOG_CREDENTIAL"],
            "S3 and catalog credential from Secrets; settings as -D arguments"),
        "containers.flink-sql-gateway.args": Differs(
            ["/opt/flink/bin/sql-gateway.sh start-foreground \\\n-Dsql-gateway.endpoint.rest.address=0.0.0.0 \\\n"
             "-Dsql-gateway.endpoint.rest.port=8083 \\\n-Drest.address=http://flink-session-rest.flink.svc.local \\\n"
             "-Drest.port=8081 \\\n-Dexecution.target=kubernetes-session \\\n-Dkubernetes.cluster-id=flink-session \\\n"
             "-Dkubernetes.namespace=flink \\\n-Dtable.catalog-store.kind=file \\\n"
             "-Dtable.catalog-store.file.path=file:///var/flink/catalog-store/ \\\n-Dworkflow-scheduler.type=embedded\n"],
            None, "no shell: sql-gateway.sh start-foreground is the command"),
        "containers.flink-sql-gateway.command": Differs(
            ["/bin/sh", "-c"],
            ["/opt/flink/bin/sql-gateway.sh", "start-foreground", "-Dexecution.target=remote",
             "-Drest.address=flink-session-rest.flink.svc.cluster.local", "-Drest.port=8081",
             "-Dsql-gateway.endpoint.rest.address=0.0.0.0", "-Dsql-gateway.endpoint.rest.port=8083",
             "-Dtable.catalog-store.file.path=file:///var/flink/catalog-store/", "-Dtable.catalog-store.kind=file",
             "-Dworkflow-scheduler.type=embedded"],
            "sql-gateway.sh with -D arguments (remote target at the session cluster's REST Service, catalog store)"),
        "containers.flink-sql-gateway.mounts": Differs(
            [("/var/flink/catalog-store/fluss_iceberg.yaml", "fluss_iceberg.yaml"),
             ("/var/flink/catalog-store/rest_iceberg.yaml", "rest_iceberg.yaml")],
            [("/var/flink/catalog-store", "")], "catalog store: the catalog ConfigMaps projected into one directory"),
        "containers.flink-sql-gateway.liveness": Differs(
            None, {"failureThreshold": 3, "initialDelaySeconds": 30, "periodSeconds": 20, "timeoutSeconds": 1,
                   "tcpSocket.port": 8083, "tcpSocket.path": None}, HARDENING),
        "containers.flink-sql-gateway.readiness": Differs(
            None, {"failureThreshold": 6, "initialDelaySeconds": 10, "periodSeconds": 10, "timeoutSeconds": 5,
                   "httpGet.port": 8083, "httpGet.path": "/v1/info"}, HARDENING),
        "containers.flink-sql-gateway.resources": Differs(None, resources("250m", "1Gi", "2Gi"), HARDENING),
        "containers.flink-sql-gateway.securityContext": Differs(None, restricted_container(9999), HARDENING),
        "podSecurityContext": Differs(None, restricted_pod(9999), HARDENING),
        "containers.flink-sql-gateway.image": Differs(*FLINK_IMAGES, FLINK_1_20),
    },
    ("ConfigMap", "fluss", "zookeeper-config"): {
        "ZOO_MY_ID": Differs("1", None, "computed from the StatefulSet ordinal (ensembles of 3 or 5)"),
        "ZOO_SERVERS": Differs("server.1=zookeeper.fluss.svc.cluster.local:2888:3888;2181",
                               "server.1=zookeeper-0.zookeeper-hs.fluss.svc.cluster.local:2888:3888;2181",
                               "peers addressed through the headless Service"),
    },
    ("StatefulSet", "fluss", "zookeeper"): {
        "containers.zookeeper.liveness.timeoutSeconds": Differs(None, 1, "explicit default"),
        "containers.zookeeper.readiness.timeoutSeconds": Differs(None, 1, "explicit default"),
        "containers.zookeeper.portNames": Differs([], ["client", "follower", "leader-election"], "ports named"),
        "containers.zookeeper.securityContext": Differs(None, restricted_container(1000), HARDENING),
        "podSecurityContext": Differs(None, restricted_pod(1000), HARDENING),
        "containers.zookeeper.command": Differs(
            None, ["/bin/bash", "-c", "export ZOO_MY_ID=$(( ${HOSTNAME##*-} + 1 )) && exec /docker-entrypoint.sh "
                   "zkServer.sh start-foreground"], "ZOO_MY_ID from the pod ordinal, then the image's entrypoint"),
    },
    ("Service", "fluss", "zookeeper"): {"ports": Differs(
        [(2181, "client"), (2888, "follower"), (3888, "leader-election")], [(2181, "client")],
        "client port only; peer ports on the headless zookeeper-hs")},
    ("FlinkSessionJob", "flink", "fluss-tiering-job"): {
        "args.--datalake.iceberg.credential": Differs(PLACEHOLDER_CREDENTIAL, "env:ICEBERG_CATALOG_CREDENTIAL",
                                                      ENV_CREDENTIAL),
        "args.--datalake.iceberg.rest.auth.type": Differs("OAUTH2", "oauth2", OAUTH2),
        "args.--fluss.bootstrap.servers": Differs(FLUSS_INTERNAL, FLUSS_CLIENT, CLIENT_LISTENER),
        "jar": Differs("fluss-flink-tiering-0.9.0-incubating.jar", "fluss-flink-tiering-0.9.1-incubating.jar",
                       FLUSS_0_9_1),
    },
    ("SparkApplication", "spark", "ingest-campaign"): {
        "sparkConf.spark.sql.catalog.rest.auth.type": Differs(
            "oauth2", None, "Iceberg's key is rest.auth.type (the reference's was ignored)"),
        "sparkConf.spark.sql.catalog.rest.rest.auth.type": Differs(None, "oauth2", "Iceberg's key is rest.auth.type"),
        "sparkConf.spark.sql.catalog.rest.client.region": Differs(None, "eu-north-1",
                                                                  "same catalog settings as every client"),
        "sparkConf.spark.sql.catalog.rest.io-impl": Differs(None, "org.apache.iceberg.aws.s3.S3FileIO",
                                                            "same catalog settings as every client"),
        "sparkConf.spark.sql.catalog.rest.credential": Differs(None, "env:ICEBERG_CATALOG_CREDENTIAL", ENV_CREDENTIAL),
        "executor.serviceAccount": Differs(
            None, "spark-operator-spark", "executors use the driver's ServiceAccount explicitly (its IAM role reaches S3)"),
    },
    **{("FlinkSessionJob", "flink", name): {
        "args.--fluss.bootstrap.servers": Differs(FLUSS_INTERNAL, FLUSS_CLIENT, CLIENT_LISTENER)}
       for name in ("bronze-ingest-event", "bronze-ingest-customer", "bronze-ingest-sale-order")},
    ("ConfigMap", "polaris", "polaris"): {
        "application.properties.quarkus.log.file": Differs(
            {"enable": "true", "json.enabled": "true", "level": "ALL", "path": "/deployments/logs/polaris.log",
             "rotation.max-backup-index": "5", "rotation.max-file-size": "104857600"},
            {"enable": "false"}, "console logging only (collected by the node's log shipper)"),
    },
    ("Deployment", "polaris", "polaris"): {
        "containers.polaris.mounts": Differs(
            [("/deployments/config", ""), ("/deployments/logs", ""), ("/tmp", "")],
            [("/deployments/config", ""), ("/tmp", "")], "no log file volume"),
        "containers.polaris.resources": Differs(None, resources("500m", "1Gi", "2Gi"), HARDENING),
        "podSecurityContext.runAsNonRoot": Differs(None, True, HARDENING),
        "podSecurityContext.runAsUser": Differs(None, 10000, HARDENING),
    },
    ("ConfigMap", "fluss", "fluss-conf-file"): {
        "server.yaml.datalake.iceberg.rest.auth.type": Differs("OAUTH2", "oauth2", OAUTH2),
        "server.yaml.remote.data.dir": Differs("s3://FLUSS_BUCKET/fluss-remote-data", "s3://dev-fluss/fluss-remote-data",
                                               "bucket from config"),
        "server.yaml.datalake.iceberg.credential": Differs(None, "env:ICEBERG_CATALOG_CREDENTIAL", ENV_CREDENTIAL),
    },
    ("StatefulSet", "fluss", "coordinator-server"): {
        "containers.fluss-coordinator.env": Differs(
            ["NODE_IP", "POD_IP", "POD_NAME", "POD_NAMESPACE"],
            ["AWS_ACCESS_KEY_ID", "AWS_REGION", "AWS_SECRET_ACCESS_KEY", "ICEBERG_CATALOG_CREDENTIAL", "NODE_IP", "POD_IP",
             "POD_NAME", "POD_NAMESPACE"], "S3 keys and catalog credential from Secrets"),
        "containers.fluss-coordinator.command": Differs(
            chart_start("coordinator-server"), fluss_start("coordinator-server", tablet=False), FLUSS_START),
        "containers.fluss-coordinator.image": Differs("fluss-iceberg-s3:0.9.0", "fluss-iceberg-s3:0.9.1", FLUSS_0_9_1),
        "containers.fluss-coordinator.resources": Differs(None, resources("250m", "1Gi", "2Gi"), HARDENING),
        "containers.fluss-coordinator.securityContext": Differs(None, restricted_container(None), HARDENING),
        "podSecurityContext": Differs(None, {"seccompProfile.type": "RuntimeDefault"}, HARDENING),
    },
    ("StatefulSet", "fluss", "tablet-server"): {
        "containers.fluss-tablet.env": Differs(
            ["POD_IP", "POD_NAME", "POD_NAMESPACE"],
            ["AWS_ACCESS_KEY_ID", "AWS_REGION", "AWS_SECRET_ACCESS_KEY", "ICEBERG_CATALOG_CREDENTIAL", "POD_IP",
             "POD_NAME", "POD_NAMESPACE"], "S3 keys and catalog credential from Secrets"),
        "containers.fluss-tablet.command": Differs(
            chart_start("tablet-server"), fluss_start("tablet-server", tablet=True), FLUSS_START),
        "containers.fluss-tablet.image": Differs("fluss-iceberg-s3:0.9.0", "fluss-iceberg-s3:0.9.1", FLUSS_0_9_1),
        "containers.fluss-tablet.resources": Differs(None, resources("500m", "2Gi", "4Gi"), HARDENING),
        "containers.fluss-tablet.securityContext": Differs(None, restricted_container(None), HARDENING),
        "podSecurityContext": Differs(None, {"seccompProfile.type": "RuntimeDefault"}, HARDENING),
        "volumeClaimTemplates": Differs(
            [], [("data", "10Gi")], "tablet data on a PersistentVolumeClaim: unreplicated, untiered data survives restarts"),
    },
}

REFERENCE_SOURCES: dict[str, set[tuple[str, str | None, str]]] = {
    "seed-lakehouse/k8s": {
        *{("Namespace", None, name) for name in ("polaris", "fluss", "flink", "spark", "technical-flink-operator",
                                                  "technical-spark-operator")},
        ("PersistentVolumeClaim", "polaris", "postgres-pvc"), ("Service", "polaris", "postgres"),
        ("StatefulSet", "polaris", "postgres"),
        ("ServiceAccount", "flink", "flink"), ("Role", "flink", "flink-role"),
        ("RoleBinding", "flink", "flink-role-binding"), ("ConfigMap", "flink", "fluss-iceberg"),
        ("ConfigMap", "flink", "rest-iceberg-catalog"), ("ConfigMap", "flink", "flink-sql-gateway-properties"),
        ("FlinkDeployment", "flink", "flink-session"), ("Deployment", "flink", "flink-sql-gateway"),
        ("Service", "flink", "flink-sql-gateway"),
        ("ConfigMap", "fluss", "zookeeper-config"), ("PersistentVolumeClaim", "fluss", "zk-data"),
        ("PersistentVolumeClaim", "fluss", "zk-datalog"), ("StatefulSet", "fluss", "zookeeper"),
        ("Service", "fluss", "zookeeper"),
        ("FlinkSessionJob", "flink", "fluss-tiering-job"), ("Secret", "spark", "iceberg-catalog-credentials"),
        ("SparkApplication", "spark", "ingest-campaign"), ("FlinkSessionJob", "flink", "bronze-ingest-event"),
        ("FlinkSessionJob", "flink", "bronze-ingest-customer"), ("FlinkSessionJob", "flink", "bronze-ingest-sale-order"),
    },
    "upstream-rendered/polaris-1.3.0.yaml": {
        ("ServiceAccount", "polaris", "polaris"), ("ConfigMap", "polaris", "polaris"),
        ("PersistentVolumeClaim", "polaris", "polaris-logs"), ("Service", "polaris", "polaris-mgmt"),
        ("Service", "polaris", "polaris"), ("Deployment", "polaris", "polaris"),
    },
    "upstream-rendered/fluss-0.9.0.yaml": {
        ("ConfigMap", "fluss", "fluss-conf-file"), ("Service", "fluss", "coordinator-server-hs"),
        ("Service", "fluss", "tablet-server-hs"), ("StatefulSet", "fluss", "coordinator-server"),
        ("StatefulSet", "fluss", "tablet-server"),
    },
}
"""The objects each reference source holds (kind, namespace, name): all of them are compared below."""
REFERENCE_FILES = tuple(REFERENCE_SOURCES)


def _key(obj: Manifest) -> tuple[str, str | None, str]:
    namespace = obj["metadata"].get("namespace")
    if namespace is None and obj["kind"] != "Namespace":
        namespace = "fluss"  # the upstream Fluss chart renders without a namespace; it is installed in `fluss`
    return obj["kind"], namespace, obj["metadata"]["name"]


def _id(obj: Manifest) -> str:
    return "/".join(p or "-" for p in _key(obj))


REFERENCE = reference_cases(*REFERENCE_FILES, id_of=_id)


def test_every_reference_object_is_read_and_every_declaration_names_one() -> None:
    """A missing or partly read reference would compare nothing; a DROPPED or DIFFERENCES entry for an object no
    reference holds would never be checked."""
    for source, expected in REFERENCE_SOURCES.items():
        keys = [_key(o) for o in reference_objects(source)]
        assert set(keys) == expected, source
        assert len(set(keys)) == len(keys), f"{source}: an object twice"
    assert (set(DROPPED) | set(DIFFERENCES)) - set().union(*REFERENCE_SOURCES.values()) == set()


@pytest.mark.parametrize("reference", REFERENCE)
def test_counterpart_and_documented_differences(rendered: dict[str, list[Manifest]], reference: Manifest) -> None:
    key = _key(reference)
    ours = [o for o in rendered["test-reference"] if _key(o) == key]
    assert_counterpart(reference, ours, dropped=key in DROPPED, documented=DIFFERENCES.get(key, {}))


@pytest.mark.parametrize(("key", "mutate", "message"), [
    (("StatefulSet", "polaris", "postgres"),
     lambda o: o["spec"]["template"]["spec"]["securityContext"].update(runAsUser=0),
     "declared differences whose values are not the declared ones"),
    (("StatefulSet", "fluss", "tablet-server"),
     lambda o: o["spec"]["template"]["spec"]["containers"][0]["command"].__setitem__(
         2, o["spec"]["template"]["spec"]["containers"][0]["command"][2].replace("exec bin/", "bin/")),
     "declared differences whose values are not the declared ones"),
    (("Deployment", "polaris", "polaris"),
     lambda o: o["spec"]["template"]["spec"]["securityContext"].update(fsGroup=0),
     "differences no declaration covers"),
], ids=["change under a declared path", "change of a value checked by a predicate", "undeclared change"])
def test_a_change_the_declarations_do_not_describe_fails_parity(
        rendered: dict[str, list[Manifest]], key: tuple[str, str | None, str], mutate: Callable[[Manifest], None],
        message: str) -> None:
    """The declarations pin values, not prefixes: any other value under a declared path fails."""
    reference = next(o for o in reference_objects(*REFERENCE_FILES) if _key(o) == key)
    ours = next(o for o in rendered["test-reference"] if _key(o) == key)
    assert_counterpart(reference, [ours], dropped=False, documented=DIFFERENCES[key])
    ours = copy.deepcopy(ours)
    mutate(ours)
    with pytest.raises(AssertionError, match=message):
        assert_counterpart(reference, [ours], dropped=False, documented=DIFFERENCES[key])
