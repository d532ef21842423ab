"""The `flink` section as `FlinkProps`: session cluster, SQL Gateway, the Fluss tiering job and the session jobs,
with job artifacts resolved against the Flink bucket and `${...}` placeholders in job arguments replaced."""

from __future__ import annotations

from charts.blocks.endpoints import PlatformEndpoints
from charts.blocks.iceberg_catalog import IcebergRestCatalog
from charts.blocks.s3 import S3Access
from charts.flink.chart import FlinkProps, tiering_args
from charts.flink.cluster import FlinkClusterProps, JobManagerProps, TaskManagerProps
from charts.flink.session_job import SessionJobProps
from charts.flink.sql_gateway import SqlGatewayProps
from config import EnvironmentConfig


def flink_props(config: EnvironmentConfig, s3: S3Access, catalog: IcebergRestCatalog,
                endpoints: PlatformEndpoints) -> FlinkProps:
    """`FlinkProps` of environment `config` (whose job arguments' placeholders the configuration checks verified)."""
    flink, cluster, gateway, tiering = (config.flink, config.flink.session_cluster, config.flink.sql_gateway,
                                        config.flink.tiering_job)
    jobs: list[SessionJobProps] = []
    if tiering.enabled:
        jobs.append(SessionJobProps(
            name=tiering.name, jar_uri=s3.artifact_uri(tiering.jar_path), parallelism=tiering.parallelism,
            upgrade_mode="savepoint", args=tiering_args(endpoints.fluss_bootstrap_servers, catalog)))
    for job in flink.jobs:
        jobs.append(SessionJobProps(
            name=job.name, jar_uri=s3.artifact_uri(job.jar_path), parallelism=job.parallelism,
            upgrade_mode=job.upgrade_mode, args=tuple(endpoints.substitute(arg) for arg in job.args),
            entry_class=job.entry_class))
    return FlinkProps(
        session_cluster=FlinkClusterProps(
            image=flink.image, name=cluster.name, flink_version=flink.flink_version,
            job_manager=JobManagerProps(memory=cluster.job_manager_memory, cpu=cluster.job_manager_cpu,
                                        replicas=cluster.job_manager_replicas),
            task_manager=TaskManagerProps(memory=cluster.task_manager_memory, cpu=cluster.task_manager_cpu,
                                          task_slots=cluster.task_slots),
            high_availability=cluster.high_availability),
        sql_gateway=SqlGatewayProps(image=flink.image, name=gateway.name, port=gateway.port,
                                    replicas=gateway.replicas, resources=gateway.resources) if gateway.enabled else None,
        jobs=tuple(jobs),
        service_account=flink.service_account,
    )
