"""Namespace `flink`: job ServiceAccount and RBAC, catalog store, session cluster, SQL Gateway, session jobs."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

import constructs

from charts.blocks.component_chart import ComponentChart
from charts.blocks.fluent_bit_sidecar import FluentBitSidecarConfig, FluentBitSidecarProps
from charts.blocks.iceberg_catalog import IcebergRestCatalog
from charts.blocks.metadata import Component, SyncWave, image_tag
from charts.blocks.s3 import S3Access
from charts.flink.catalog_store import CatalogStore
from charts.flink.cluster import FlinkCluster, FlinkClusterProps
from charts.flink.rbac import FlinkJobClusterRole, FlinkJobServiceAccount
from charts.flink.session_job import SessionJob, SessionJobProps
from charts.flink.snapshot import StateSnapshot
from charts.flink.sql_gateway import FlinkSqlGateway, SqlGatewayProps
from charts.flink.standalone import StandaloneFlinkCluster
from config.flink_settings import Snapshot
from config.names import used_twice


@dataclass(frozen=True)
class FlinkProps:
    """Flink in one namespace: the job ServiceAccount's name (`service_account`, every cluster's pods run as it) and its
    RBAC (`job_rbac`: `role`, a Role here; `clusterRole`, a RoleBinding here of the one job ClusterRole), the
    platform's session cluster (None: none, as in a team namespace), the SQL Gateway in front of it (None: none),
    further clusters (`deployments`, in application or session mode, run by the operator or standalone), the
    session jobs (arguments already resolved), each on the session cluster it names (`SessionJobProps.session_cluster`; None: the platform's),
    FlinkStateSnapshots of those jobs, and `log_shipper`: a Fluent Bit sidecar in the pods of every cluster the
    operator runs (not the standalone ones), with its ConfigMap in this namespace (None: none).

    Raises:
        ValueError: two clusters or two session jobs of one name, a session job on a cluster that is not a
            session cluster of this chart the operator runs, a snapshot of something that is not a job of this
            chart the operator runs, a SQL Gateway without a session cluster, or a standalone cluster's
            ServiceAccount name used by another cluster.
    """

    session_cluster: FlinkClusterProps | None = field(default_factory=FlinkClusterProps)
    sql_gateway: SqlGatewayProps | None = None
    deployments: tuple[FlinkClusterProps, ...] = ()
    jobs: tuple[SessionJobProps, ...] = ()
    snapshots: tuple[Snapshot, ...] = ()
    service_account: str = "flink"
    job_rbac: Literal["role", "clusterRole"] = "role"
    log_shipper: FluentBitSidecarProps | None = None

    def __post_init__(self) -> None:
        if self.sql_gateway is not None and self.session_cluster is None:
            raise ValueError(f"SQL Gateway {self.sql_gateway.name}: no session cluster to front")
        for kind, names in (("FlinkDeployment", [c.name for c in self.clusters]),
                            ("FlinkSessionJob", [job.name for job in self.jobs]),
                            ("FlinkStateSnapshot", [s.name for s in self.snapshots])):
            repeated = used_twice(names)
            if repeated:
                raise ValueError(f"{kind} names used twice: {', '.join(repeated)}")
        operated = [c for c in self.clusters if c.backend == "operator"]
        jobs = {c.name for c in operated if not c.session_mode} | {job.name for job in self.jobs}
        for snapshot in self.snapshots:
            if snapshot.job not in jobs:
                raise ValueError(f"FlinkStateSnapshot {snapshot.name}: {snapshot.job!r} is neither an application "
                                 f"cluster the operator runs nor a session job of this chart")
        operator_accounts = {self.service_account, *(c.service_account for c in operated if c.service_account)}
        standalone_accounts = [c.service_account or c.name for c in self.clusters if c.backend == "standalone"]
        shared = sorted({*(a for a in standalone_accounts if a in operator_accounts), *used_twice(standalone_accounts)})
        if shared:
            raise ValueError(f"standalone clusters render their own ServiceAccount; used twice: {', '.join(shared)}")
        sessions = {c.name for c in operated if c.session_mode}
        for job in self.jobs:
            if self.cluster_of(job).name not in sessions:
                raise ValueError(f"FlinkSessionJob {job.name}: {job.session_cluster!r} is not a session cluster of "
                                 f"this chart (session clusters: {', '.join(sorted(sessions))})")

    @property
    def clusters(self) -> tuple[FlinkClusterProps, ...]:
        """The session cluster (if any), then the further deployments."""
        return (*((self.session_cluster,) if self.session_cluster else ()), *self.deployments)

    @cached_property
    def _clusters_by_name(self) -> dict[str, FlinkClusterProps]:
        """`clusters` by name, built on first use (the props are frozen, so it never goes stale); the first of a name
        wins, as names are checked to be used once."""
        by_name: dict[str, FlinkClusterProps] = {}
        for cluster in self.clusters:
            by_name.setdefault(cluster.name, cluster)
        return by_name

    def cluster_of(self, job: SessionJobProps) -> FlinkClusterProps:
        """The cluster `job` runs on (the platform's session cluster when it names none), looked up by name in an
        index built once per props; a FlinkClusterProps named after the job's `session_cluster` when there is no
        such cluster (refused by `__post_init__`)."""
        name = job.session_cluster or (self.session_cluster.name if self.session_cluster else "")
        cluster = self._clusters_by_name.get(name)
        return cluster if cluster is not None else FlinkClusterProps(name=name, job=None)


class FlinkChart(ComponentChart):
    """Everything Flink in one namespace, wired by object: job ServiceAccount, catalog store, the clusters, the SQL
    Gateway, session jobs (each given its cluster object).

    Props: `namespace`; `props`; `s3`; `catalog`, the Iceberg REST catalog of the catalog store;
    `fluss_bootstrap_servers`, for the Fluss catalog; `job_cluster_role`, with `props.job_rbac` `clusterRole`, the job
    ClusterRole another chart renders (None: this chart renders it, as `self.job_cluster_role`, for the others).
    """

    def __init__(self, scope: constructs.Construct, id: str, *, namespace: str, props: FlinkProps, s3: S3Access,
                 catalog: IcebergRestCatalog, fluss_bootstrap_servers: str,
                 job_cluster_role: FlinkJobClusterRole | None = None):
        super().__init__(scope, id, namespace=namespace)
        cluster = props.session_cluster
        version = image_tag(props.clusters[0].image if props.clusters else FlinkClusterProps().image)
        component = Component("flink", "flink", version, "session-cluster" if cluster else "jobs")
        self.job_cluster_role: FlinkJobClusterRole | None = None
        if props.job_rbac == "clusterRole":
            self.job_cluster_role = job_cluster_role or FlinkJobClusterRole(
                self, "JobClusterRole", component=component.with_component("job-rbac"))
        self.service_account = FlinkJobServiceAccount(
            self, "JobServiceAccount", namespace=namespace, component=component, name=props.service_account,
            annotations=s3.service_account_annotations(), cluster_role=self.job_cluster_role)
        self.catalog_store = CatalogStore(self, "CatalogStore", namespace=namespace, component=component,
                                          catalog=catalog, fluss_bootstrap_servers=fluss_bootstrap_servers)
        shipper = props.log_shipper if any(c.backend == "operator" for c in props.clusters) else None
        if shipper is not None:
            FluentBitSidecarConfig(self, "FluentBitSidecarConfig", namespace=namespace,
                                   component=component.with_component("log-shipper"), wave=SyncWave.CLUSTERS,
                                   props=shipper)
        self.session_cluster = FlinkCluster(
            self, "SessionCluster", namespace=namespace, props=cluster, service_account=self.service_account, s3=s3,
            catalog_store=self.catalog_store, log_shipper=shipper) if cluster else None
        self.sql_gateway = (
            FlinkSqlGateway(self, "SqlGateway", namespace=namespace, props=props.sql_gateway,
                            session_cluster=self.session_cluster, catalog_store=self.catalog_store, s3=s3)
            if props.sql_gateway and self.session_cluster else None
        )
        self.clusters = {cluster.name: self.session_cluster} if cluster and self.session_cluster else {}
        accounts = {props.service_account: self.service_account}
        self.standalone_clusters: dict[str, StandaloneFlinkCluster] = {}
        for deployment in props.deployments:
            if deployment.backend == "standalone":
                self.standalone_clusters[deployment.name] = StandaloneFlinkCluster(
                    self, f"Standalone-{deployment.name}", namespace=namespace, props=deployment, s3=s3,
                    catalog_store=self.catalog_store)
                continue
            account_name = deployment.service_account or props.service_account
            if account_name not in accounts:  # a cluster's own job ServiceAccount, with the same RBAC
                accounts[account_name] = FlinkJobServiceAccount(
                    self, f"JobServiceAccount-{account_name}", namespace=namespace, component=component,
                    name=account_name, annotations=s3.service_account_annotations(),
                    cluster_role=self.job_cluster_role)
            self.clusters[deployment.name] = FlinkCluster(
                self, f"Cluster-{deployment.name}", namespace=namespace, props=deployment,
                service_account=accounts[account_name], s3=s3, catalog_store=self.catalog_store, log_shipper=shipper)
        session_jobs = {
            job.name: SessionJob(self, job.name, session_cluster=self.clusters[props.cluster_of(job).name],
                                               props=job, version=image_tag(props.cluster_of(job).image))
            for job in props.jobs}
        for snapshot in props.snapshots:
            StateSnapshot(self, f"Snapshot-{snapshot.name}", props=snapshot,
                                        job=self.clusters.get(snapshot.job) or session_jobs[snapshot.job],
                                        version=version)


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
