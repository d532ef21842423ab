"""Parity with the reference deployment and the upstream charts' rendered output.

Every object of `../shared/reference/seed-lakehouse/k8s/` and of the upstream-rendered Polaris and Fluss
charts has a counterpart in `dist/dev/` (same kind, namespace, name) or is listed in `DROPPED`; the
compared settings (`tests/parity.py`) differ exactly where `DIFFERENCES` says, each with its reason
(README, "Differences from the reference").
"""

from __future__ import annotations

import pytest

from tests.conftest import Manifest, reference_objects
from tests.parity import assert_counterpart

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
FLINK_1_20 = ("Flink 1.20: no Iceberg release has a Flink 2.2 runtime; Fluss 0.9.0 and Iceberg 1.10.1 meet at 1.19 "
              "and 1.20 (config/capabilities.py)")
DIFFERENCES: dict[tuple[str, str | None, str], dict[str, str]] = {
    ("Service", "polaris", "postgres"): {"ports": "port named for probes and references"},
    ("StatefulSet", "polaris", "postgres"): {
        "containers.postgres.env": "PGDATA in a subdirectory of the volume (a fresh volume may hold lost+found)",
        "containers.postgres.liveness": HARDENING, "containers.postgres.readiness": HARDENING,
        "containers.postgres.mounts": "/var/run/postgresql as emptyDir for the non-root server",
        "containers.postgres.portNames": "port named", "containers.postgres.resources": HARDENING,
        "containers.postgres.securityContext": HARDENING, "podSecurityContext": HARDENING,
    },
    ("Role", "flink", "flink-role"): {"rules": "the Flink operator's job Role; `edit` is not a Kubernetes verb"},
    ("RoleBinding", "flink", "flink-role-binding"): {
        "subjects": "the SQL Gateway has its own ServiceAccount without API access, not `default`"},
    ("ConfigMap", "flink", "fluss-iceberg"): {
        "fluss_iceberg.yaml.bootstrap.servers": "Fluss clients use the CLIENT listener (9124)",
        "fluss_iceberg.yaml.iceberg.credential": ENV_CREDENTIAL,
        "fluss_iceberg.yaml.iceberg.rest.auth.type": "Iceberg's canonical value `oauth2`",
        "fluss_iceberg.yaml.iceberg.s3.region": "Iceberg's region property is client.region",
        "fluss_iceberg.yaml.iceberg.client.region": "Iceberg's region property is client.region",
        "fluss_iceberg.yaml.iceberg.header.X-Iceberg-Access-Delegation": "same catalog settings as every client",
    },
    ("ConfigMap", "flink", "rest-iceberg-catalog"): {
        "rest_iceberg.yaml.credential": ENV_CREDENTIAL,
        "rest_iceberg.yaml.rest.auth.type": "Iceberg's canonical value `oauth2`",
        "rest_iceberg.yaml.s3.region": "Iceberg's region property is client.region",
    },
    ("FlinkDeployment", "flink", "flink-session"): {
        "flinkConfiguration.execution.checkpointing.dir": "Flink 2.x key (the reference's `dir:s3` key is a typo)",
        "flinkConfiguration.execution.checkpointing.savepoint-dir": "Flink 2.x key, per cluster",
        "flinkConfiguration.state.checkpoints.dir": "deprecated 1.x key",
        "flinkConfiguration.high-availability": "Kubernetes HA on S3 (highAvailability, default on)",
        "jobManager.mounts": "catalog store: the catalog ConfigMaps projected into one read-only directory",
        "jobManager.resource.memory": "Flink memory format `2048m`", "taskManager.resource.memory": "Flink memory format",
        "flinkVersion": FLINK_1_20, "image": FLINK_1_20,
    },
    ("Deployment", "flink", "flink-sql-gateway"): {
        "containers.flink-sql-gateway.env": "S3 and catalog credential from Secrets; settings as -D arguments",
        "containers.flink-sql-gateway.args": "no shell: sql-gateway.sh start-foreground is the command",
        "containers.flink-sql-gateway.command": "sql-gateway.sh with -D arguments (remote target, catalog store)",
        "containers.flink-sql-gateway.mounts": "catalog store: the catalog ConfigMaps projected into one directory",
        "containers.flink-sql-gateway.liveness": HARDENING, "containers.flink-sql-gateway.readiness": HARDENING,
        "containers.flink-sql-gateway.resources": HARDENING, "containers.flink-sql-gateway.securityContext": HARDENING,
        "podSecurityContext": HARDENING, "containers.flink-sql-gateway.image": FLINK_1_20,
    },
    ("ConfigMap", "fluss", "zookeeper-config"): {
        "ZOO_MY_ID": "computed from the StatefulSet ordinal (ensembles of 3 or 5)",
        "ZOO_SERVERS": "peers addressed through the headless Service",
    },
    ("StatefulSet", "fluss", "zookeeper"): {
        "containers.zookeeper.liveness.timeoutSeconds": "explicit default", "containers.zookeeper.readiness.timeoutSeconds":
        "explicit default", "containers.zookeeper.portNames": "ports named",
        "containers.zookeeper.securityContext": HARDENING, "podSecurityContext": HARDENING,
        "containers.zookeeper.command": "ZOO_MY_ID from the pod ordinal, then the image's entrypoint",
    },
    ("Service", "fluss", "zookeeper"): {"ports": "client port only; peer ports on the headless zookeeper-hs"},
    ("FlinkSessionJob", "flink", "fluss-tiering-job"): {
        "args.--datalake.iceberg.credential": ENV_CREDENTIAL,
        "args.--datalake.iceberg.rest.auth.type": "Iceberg's canonical value `oauth2`",
        "args.--fluss.bootstrap.servers": "Fluss clients use the CLIENT listener (9124)",
    },
    ("SparkApplication", "spark", "ingest-campaign"): {
        "sparkConf.spark.sql.catalog.rest.auth.type": "Iceberg's key is rest.auth.type (the reference's was ignored)",
        "sparkConf.spark.sql.catalog.rest.rest.auth.type": "Iceberg's key is rest.auth.type",
        "sparkConf.spark.sql.catalog.rest.client.region": "same catalog settings as every client",
        "sparkConf.spark.sql.catalog.rest.io-impl": "same catalog settings as every client",
        "sparkConf.spark.sql.catalog.rest.credential": ENV_CREDENTIAL,
        "executor.serviceAccount": "executors use the driver's ServiceAccount explicitly (its IAM role reaches S3)",
    },
    **{("FlinkSessionJob", "flink", name): {"args.--fluss.bootstrap.servers": "Fluss clients use the CLIENT listener (9124)"}
       for name in ("bronze-ingest-event", "bronze-ingest-customer", "bronze-ingest-sale-order")},
    ("ConfigMap", "polaris", "polaris"): {
        "application.properties.quarkus.log.file": "console logging only (collected by the node's log shipper)",
    },
    ("Deployment", "polaris", "polaris"): {
        "containers.polaris.mounts": "no log file volume", "containers.polaris.resources": HARDENING,
        "podSecurityContext.runAsNonRoot": HARDENING, "podSecurityContext.runAsUser": HARDENING,
    },
    ("ConfigMap", "fluss", "fluss-conf-file"): {
        "server.yaml.datalake.iceberg.rest.auth.type": "Iceberg's canonical value `oauth2`",
        "server.yaml.remote.data.dir": "bucket from config",
        "server.yaml.datalake.iceberg.credential": ENV_CREDENTIAL,
    },
    ("StatefulSet", "fluss", "coordinator-server"): {
        "containers.fluss-coordinator.env": "S3 keys and catalog credential from Secrets",
        "containers.fluss-coordinator.command": FLUSS_START,
        "containers.fluss-coordinator.resources": HARDENING, "containers.fluss-coordinator.securityContext": HARDENING,
        "podSecurityContext": HARDENING,
    },
    ("StatefulSet", "fluss", "tablet-server"): {
        "containers.fluss-tablet.env": "S3 keys and catalog credential from Secrets",
        "containers.fluss-tablet.command": FLUSS_START,
        "containers.fluss-tablet.resources": HARDENING, "containers.fluss-tablet.securityContext": HARDENING,
        "podSecurityContext": HARDENING,
        "volumeClaimTemplates": "tablet data on a PersistentVolumeClaim: unreplicated, untiered data survives restarts",
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


REFERENCE = reference_objects(*REFERENCE_FILES)


def test_every_reference_object_is_read_and_every_declaration_names_one() -> None:
    """A missing or partly read reference would compare nothing; a DROPPED or DIFFERENCES entry for an object no
    reference holds would never be checked."""
    for source, expected in REFERENCE_SOURCES.items():
        keys = [_key(o) for o in reference_objects(source)]
        assert set(keys) == expected, source
        assert len(set(keys)) == len(keys), f"{source}: an object twice"
    assert (set(DROPPED) | set(DIFFERENCES)) - set().union(*REFERENCE_SOURCES.values()) == set()


@pytest.mark.parametrize("reference", REFERENCE, ids=lambda o: "/".join(p or "-" for p in _key(o)))
def test_counterpart_and_documented_differences(rendered: dict[str, list[Manifest]], reference: Manifest) -> None:
    key = _key(reference)
    ours = [o for o in rendered["dev"] if _key(o) == key]
    assert_counterpart(reference, ours, dropped=key in DROPPED, documented=DIFFERENCES.get(key, {}))
