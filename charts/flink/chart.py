"""Namespace `flink`: job ServiceAccount and RBAC, catalog store, session cluster, SQL Gateway, session jobs."""

from __future__ import annotations

import constructs

from charts.blocks.component_chart import ComponentChart
from charts.blocks.endpoints import PlatformEndpoints
from charts.blocks.iceberg_catalog import IcebergRestCatalog
from charts.blocks.metadata import Component, image_tag
from charts.blocks.s3 import S3Access
from charts.flink.catalog_store import CatalogStore
from charts.flink.rbac import FlinkJobServiceAccount
from charts.flink.session_cluster import FlinkSessionCluster
from charts.flink.session_job import FlinkSessionJobConstruct, SessionJobProps
from charts.flink.sql_gateway import FlinkSqlGateway
from config import FlinkConfig


class FlinkChart(ComponentChart):
    """Everything Flink in one namespace, wired by object.

    Props: `namespace`; `config` (the `flink` section); `s3`; `catalog`, the Iceberg REST catalog;
    `endpoints`, the platform's addresses (Fluss bootstrap servers for catalogs and jobs); `source`,
    the environment file (named in errors).

    Raises:
        ConfigError: a job argument uses an unknown `${...}` placeholder.
    """

    def __init__(self, scope: constructs.Construct, id: str, *, namespace: str, config: FlinkConfig,
                 s3: S3Access, catalog: IcebergRestCatalog, endpoints: PlatformEndpoints, source: str):
        super().__init__(scope, id, namespace=namespace)
        component = Component("flink", "flink", image_tag(config.image), "session-cluster")
        self.service_account = FlinkJobServiceAccount(
            self, "JobServiceAccount", namespace=namespace, component=component, name=config.service_account,
            annotations=s3.service_account_annotations())
        self.catalog_store = CatalogStore(self, "CatalogStore", namespace=namespace, component=component,
                                          catalog=catalog, fluss_bootstrap_servers=endpoints.fluss_bootstrap_servers)
        self.session_cluster = FlinkSessionCluster(
            self, "SessionCluster", namespace=namespace, config=config,
            service_account=self.service_account.name, s3=s3, catalog_store=self.catalog_store)
        if config.sql_gateway.enabled:
            FlinkSqlGateway(self, "SqlGateway", namespace=namespace, config=config,
                            session_cluster=self.session_cluster, catalog_store=self.catalog_store, s3=s3)
        jobs: list[SessionJobProps] = []
        tiering = config.tiering_job
        if tiering.enabled:
            jobs.append(SessionJobProps(
                name=tiering.name,
                jar_uri=s3.artifact_uri(tiering.jar_path),
                parallelism=tiering.parallelism,
                upgrade_mode="savepoint",
                args=tiering_args(endpoints.fluss_bootstrap_servers, catalog),
            ))
        for index, job in enumerate(config.jobs):
            where = f"{source}: flink.jobs[{index}].args"
            jobs.append(SessionJobProps(
                name=job.name,
                jar_uri=s3.artifact_uri(job.jar_path),
                parallelism=job.parallelism,
                upgrade_mode=job.upgrade_mode,
                args=tuple(endpoints.substitute(arg, where=where) for arg in job.args),
                entry_class=job.entry_class,
            ))
        for props in jobs:
            FlinkSessionJobConstruct(self, props.name, session_cluster=self.session_cluster, props=props,
                                     version=image_tag(config.image))


def tiering_args(bootstrap_servers: str, catalog: IcebergRestCatalog) -> tuple[str, ...]:
    """Program arguments of the Fluss tiering service (`fluss-flink-tiering` JAR): `--fluss.*` client
    settings and `--datalake.iceberg.*` catalog settings (https://fluss.apache.org/docs/streaming-lakehouse/).

    Fluss 0.9 reads lake settings only from its arguments (`FlussLakeTiering`), which anyone who can read the
    FlinkSessionJob sees. The credential argument is therefore Iceberg's environment reference
    `env:ICEBERG_CATALOG_CREDENTIAL`, resolved in the session cluster's pods, which set that variable from the
    catalog Secret (`manifests.iceberg_env_reference`, checked by `manifests.validation.iceberg_env_references`).
    """
    args = ["--fluss.bootstrap.servers", bootstrap_servers, "--datalake.format", "iceberg",
            "--datalake.iceberg.type", "rest"]
    for key, value in catalog.properties().items():
        args += [f"--datalake.iceberg.{key}", value]
    return tuple(args)
