"""Flink SQL Gateway in front of the session cluster (Deployment + Service `flink-sql-gateway`).

https://nightlies.apache.org/flink/flink-docs-release-1.20/docs/dev/table/sql-gateway/overview/
The gateway submits to the session cluster's REST endpoint (`execution.target: remote`), so it needs
no Kubernetes API access: its ServiceAccount has no Role and no token mounted. Settings are passed as
`-D` dynamic properties; the file catalog store is the same projected, read-only ConfigMap directory as the
JobManager's, so `CREATE CATALOG` fails in a gateway session (`FileCatalogStore.storeCatalog` writes a file):
catalogs are the platform's, the same in every replica and after a restart (README, "How the catalog
credential reaches Iceberg"). The pods roll when a catalog file changes (`checksum/config`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import constructs
from cdk8s_plus_27 import k8s

from charts.blocks import container_env as env
from charts.blocks import pod_security
from charts.blocks.metadata import Component, SyncWave, image_tag, object_meta
from charts.blocks.s3 import S3Access
from charts.blocks.workloads import (
    Port,
    deployment,
    http_probe,
    pod_template,
    resources,
    rollout_annotations,
    service,
    tcp_probe,
)
from charts.flink.catalog_store import STORE_PATH, CatalogStore
from charts.flink.cluster import REST_PORT, FlinkCluster
from config.common import Resources


@dataclass(frozen=True)
class SqlGatewayProps:
    """The SQL Gateway: `image` (the session cluster's Flink image), `name` (Deployment, Service and
    ServiceAccount), `port` (its REST endpoint), `replicas`, `resources` (cpu in cores or millicores, memory as a
    quantity)."""

    image: str = "flink-fluss-iceberg-s3:1.20.3"
    name: str = "flink-sql-gateway"
    port: int = 8083
    replicas: int = 1
    resources: Resources = field(default_factory=lambda: Resources("250m", "1Gi", None, "2Gi"))


class FlinkSqlGateway(constructs.Construct):
    """SQL Gateway Deployment, Service and ServiceAccount.

    Props: `namespace`; `props`; `session_cluster`, whose REST endpoint it targets; `catalog_store`; `s3`.
    SQL clients reach the gateway at `http://<name>.<namespace>.svc.cluster.local:<port>`.
    """

    def __init__(self, scope: constructs.Construct, id: str, *, namespace: str, props: SqlGatewayProps,
                 session_cluster: FlinkCluster, catalog_store: CatalogStore, s3: S3Access):
        super().__init__(scope, id)
        name = props.name
        port = Port("sql-gateway", props.port)
        component = Component("flink-sql-gateway", name, image_tag(props.image), "sql-gateway")
        wave = SyncWave.CLUSTERS
        account = k8s.KubeServiceAccount(
            self, "ServiceAccount",
            metadata=object_meta(name, namespace, component, wave, extra_annotations=s3.service_account_annotations()),
            automount_service_account_token=False,
        )
        service(self, "Service", name=name, namespace=namespace, component=component, ports=[port], wave=wave)
        dynamic = {
            "sql-gateway.endpoint.rest.address": "0.0.0.0",
            "sql-gateway.endpoint.rest.port": str(port.number),
            "execution.target": "remote",
            "rest.address": session_cluster.rest_host,
            "rest.port": str(REST_PORT),
            "table.catalog-store.kind": "file",
            "table.catalog-store.file.path": STORE_PATH,
            "workflow-scheduler.type": "embedded",
        }
        dynamic.update(s3.flink_conf())
        run_as = pod_security.FLINK
        gateway = k8s.Container(
            name=name,
            image=props.image,
            image_pull_policy="IfNotPresent",
            command=["/opt/flink/bin/sql-gateway.sh", "start-foreground",
                     *[f"-D{k}={v}" for k, v in sorted(dynamic.items())]],
            env=env.core([*s3.env(), *catalog_store.env()]),
            ports=[port.container_port()],
            readiness_probe=http_probe("/v1/info", port, initial_delay=10, period=10, failure_threshold=6,
                                       timeout=5),
            liveness_probe=tcp_probe(port, initial_delay=30, period=20, failure_threshold=3),
            resources=resources(props.resources.to_k8s()),
            security_context=pod_security.container_security_context(run_as),
            volume_mounts=[catalog_store.mount().api()],
        )
        deployment(
            self, "Deployment", name=name, namespace=namespace, component=component, wave=wave,
            replicas=props.replicas,
            template=pod_template(component, run_as, [gateway], volumes=[catalog_store.volume().api()],
                                  service_account=account, automount_token=False,
                                  annotations=rollout_annotations(*catalog_store.config_maps)),
        )
