"""The `flink` section as `FlinkProps`: the session cluster, the SQL Gateway, further deployments (application and
session clusters), the Fluss tiering job and the session jobs, with job artifacts resolved against the Flink bucket
and `${...}` placeholders in job arguments replaced."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from charts.blocks.endpoints import PlatformEndpoints
from charts.blocks.iceberg_catalog import IcebergRestCatalog
from charts.blocks.metadata import ObjectMetadata
from charts.blocks.s3 import S3Access
from charts.flink.chart import FlinkProps, tiering_args
from charts.flink.cluster import FlinkClusterProps, JobManagerProps, TaskManagerProps
from charts.flink.session_job import SessionJobProps
from charts.flink.sql_gateway import SqlGatewayProps
from charts.karpenter.node_pools import NodePool
from charts.platform.logs import fluent_bit_sidecar_props
from charts.platform.metrics import flink_metrics_props
from charts.platform.node_pools import on_pool
from charts.platform.pod_options import pod_options
from config import EnvironmentConfig
from config.flink_deployments import FlinkDeploymentConfig
from config.flink_settings import JobSpec, Snapshot
from upstream.flink_options import as_text


def flink_props(config: EnvironmentConfig, s3: S3Access, catalog: IcebergRestCatalog,
                endpoints: PlatformEndpoints, node_pools: Mapping[str, NodePool] | None = None) -> FlinkProps:
    """`FlinkProps` of environment `config` (whose job arguments' placeholders the configuration checks verified);
    a cluster's `nodePool` is one of `node_pools` (by name; None: no pool), whose scheduling its pods take."""
    node_pools = node_pools or {}
    flink, cluster, gateway, tiering = (config.flink, config.flink.session_cluster, config.flink.sql_gateway,
                                        config.flink.tiering_job)
    jobs: list[SessionJobProps] = []
    if tiering.enabled:
        jobs.append(SessionJobProps(
            name=tiering.name, jar_path=s3.artifact_uri(tiering.jar_path), parallelism=tiering.parallelism,
            upgrade_mode="savepoint", args=tiering_args(endpoints.fluss_bootstrap_servers, catalog)))
    jobs += _session_jobs(config, s3, endpoints, None)
    return FlinkProps(
        session_cluster=FlinkClusterProps(
            image=flink.image, name=cluster.name, flink_version=flink.flink_version,
            job_manager=JobManagerProps(memory=cluster.job_manager_memory, cpu=cluster.job_manager_cpu,
                                        replicas=cluster.job_manager_replicas),
            task_manager=TaskManagerProps(memory=cluster.task_manager_memory, cpu=cluster.task_manager_cpu,
                                          task_slots=cluster.task_slots),
            high_availability=cluster.high_availability,
            pod_options=on_pool(pod_options(cluster.pod_options), cluster.node_pool, node_pools),
            metrics=flink_metrics_props(config, None)),
        sql_gateway=SqlGatewayProps(image=flink.image, name=gateway.name, port=gateway.port,
                                    replicas=gateway.replicas, resources=gateway.resources) if gateway.enabled else None,
        deployments=_deployments(config, s3, endpoints, None, node_pools),
        jobs=tuple(jobs),
        snapshots=_snapshots(config, None),
        service_account=flink.service_account,
        job_rbac=flink.job_rbac,
        log_shipper=fluent_bit_sidecar_props(config, config.namespaces.flink),
    )


def team_flink_props(config: EnvironmentConfig, s3: S3Access, endpoints: PlatformEndpoints,
                     namespace: str, node_pools: Mapping[str, NodePool]) -> FlinkProps:
    """`FlinkProps` of the team namespace `namespace` (a `flink.teamNamespaces` entry): its clusters, their session
    jobs and the snapshots of its jobs; no platform session cluster, no SQL Gateway."""
    return FlinkProps(session_cluster=None, sql_gateway=None,
                      deployments=_deployments(config, s3, endpoints, namespace, node_pools),
                      jobs=tuple(_session_jobs(config, s3, endpoints, namespace)),
                      snapshots=_snapshots(config, namespace), service_account=config.flink.service_account,
                      job_rbac=config.flink.job_rbac, log_shipper=fluent_bit_sidecar_props(config, namespace))


def _deployments(config: EnvironmentConfig, s3: S3Access, endpoints: PlatformEndpoints,
                 namespace: str | None, node_pools: Mapping[str, NodePool]) -> tuple[FlinkClusterProps, ...]:
    """The `flink.deployments` entries of team namespace `namespace` (None: the Flink namespace)."""
    return tuple(_deployment(d, config, s3, endpoints, node_pools)
                 for d in config.flink.deployments if d.namespace == namespace)


def _session_jobs(config: EnvironmentConfig, s3: S3Access, endpoints: PlatformEndpoints,
                  namespace: str | None) -> list[SessionJobProps]:
    """The `flink.jobs` entries whose session cluster is in team namespace `namespace` (None: the Flink namespace)."""
    return [SessionJobProps(name=job.name, session_cluster=job.session_cluster,
                            metadata=ObjectMetadata(job.labels, job.annotations),
                            autoscaler=job.autoscaler, **_job(job, s3, endpoints))
            for job in config.flink.jobs if config.flink.session_job_namespace(job) == namespace]


def _snapshots(config: EnvironmentConfig, namespace: str | None) -> tuple[Snapshot, ...]:
    """The `flink.snapshots` of jobs in team namespace `namespace` (None: the Flink namespace), as configured."""
    return tuple(s for s in config.flink.snapshots if config.flink.job_namespace(s.job) == namespace)


def _job(job: JobSpec, s3: S3Access, endpoints: PlatformEndpoints) -> dict[str, Any]:
    """The `JobSpec` fields of a job spec (of a session job too, whose further fields are left out) as a construct
    takes them: the JAR path resolved to its URI, the arguments' placeholders replaced, the rest as configured."""
    return {**{name: getattr(job, name) for name in JOB_SPEC_FIELDS}, "jar_path": s3.artifact_uri(job.jar_path),
            "args": tuple(endpoints.substitute(arg) for arg in job.args)}


JOB_SPEC_FIELDS = tuple(field.name for field in dataclasses.fields(JobSpec))
"""The fields of the job spec (worked out once, not per job)."""


def _deployment(deployment: FlinkDeploymentConfig, config: EnvironmentConfig, s3: S3Access,
                endpoints: PlatformEndpoints, node_pools: Mapping[str, NodePool]) -> FlinkClusterProps:
    """A `flink.deployments` entry; its image and Flink version default to the `flink` section's."""
    jm, tm = deployment.job_manager, deployment.task_manager
    return FlinkClusterProps(
        image=deployment.image or config.flink.image, name=deployment.name,
        flink_version=deployment.flink_version or config.flink.flink_version,
        service_account=deployment.service_account,
        job_manager=JobManagerProps(memory=jm.memory, cpu=jm.cpu, replicas=jm.replicas,
                                    pod_options=pod_options(jm.pod_options)),
        task_manager=TaskManagerProps(memory=tm.memory, cpu=tm.cpu, task_slots=tm.task_slots, replicas=tm.replicas,
                                      pod_options=pod_options(tm.pod_options)),
        pod_options=on_pool(pod_options(deployment.pod_options), deployment.node_pool, node_pools),
        pod_templates={role: template for role, template in (
            ("common", deployment.pod_template), ("jobManager", jm.pod_template), ("taskManager", tm.pod_template))
            if template},
        high_availability=deployment.high_availability,
        job=JobSpec(**_job(deployment.job, s3, endpoints)) if deployment.job else None,
        checkpointing=deployment.checkpointing,
        periodic_snapshots=deployment.periodic_snapshots,
        autoscaler=deployment.autoscaler,
        restart_strategy=deployment.restart_strategy,
        flink_configuration={key: as_text(value) for key, value in deployment.flink_configuration.items()},
        log_configuration=dict(deployment.log_configuration),
        ingress=deployment.ingress,
        metrics=flink_metrics_props(config, deployment.metrics),
        backend=deployment.backend,
        standalone=deployment.standalone,
        metadata=ObjectMetadata(deployment.labels, deployment.annotations),
    )
