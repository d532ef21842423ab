"""The Flink session cluster: a FlinkDeployment in session mode (no `job`), reconciled by the operator.

FlinkDeployment reference (operator 1.14): https://nightlies.apache.org/flink/flink-kubernetes-operator-docs-release-1.14/docs/custom-resource/reference/
Checkpoints, savepoints and HA metadata live on S3 under `s3://<flink bucket>/{checkpoints,savepoints,ha}/<name>`
(the keys of Flink 1.20 and later: `execution.checkpointing.dir`, `execution.checkpointing.savepoint-dir`,
`high-availability.type: kubernetes`, `high-availability.storageDir`). Flink is 1.20 (`config.capabilities`:
no Iceberg Flink runtime exists for 2.2). With an IAM role, `s3.aws.credentials.provider` names the web-identity
provider (`S3Access.flink_conf`). The JobManager mounts the file catalog store (`CatalogStore`), a projected,
read-only ConfigMap directory.
"""

from __future__ import annotations

import constructs

from charts.blocks import pod_security
from charts.blocks.metadata import Component, SyncWave, api_object_meta
from charts.blocks.s3 import S3Access
from charts.blocks.workloads import service_host
from charts.flink.catalog_store import STORE_PATH, CatalogStore
from charts.flink.pod_template import ContainerSpec, PodTemplateClasses
from config import FlinkConfig
from imports.flink.org.apache.flink import (
    FlinkDeployment,
    FlinkDeploymentSpec,
    FlinkDeploymentSpecFlinkVersion,
    FlinkDeploymentSpecJobManager,
    FlinkDeploymentSpecJobManagerResource,
    FlinkDeploymentSpecTaskManager,
    FlinkDeploymentSpecTaskManagerResource,
)
from manifests.restricted import FLINK_MAIN_CONTAINER

REST_PORT = 8081


class FlinkSessionCluster(constructs.Construct):
    """FlinkDeployment `config.session_cluster.name` in session mode, protected from pruning.

    Props: `namespace`; `config` (image, version, JobManager/TaskManager memory in Flink format and cpu
    in cores, task slots, HA); `service_account`, the job ServiceAccount's name; `s3`; `catalog_store`.
    `name` is what session jobs name as `deploymentName`; `rest_host` is the operator-created REST Service
    (`<name>-rest`, port `REST_PORT` 8081) that the SQL Gateway submits to.
    """

    def __init__(self, scope: constructs.Construct, id: str, *, namespace: str, config: FlinkConfig,
                 service_account: str, s3: S3Access, catalog_store: CatalogStore):
        super().__init__(scope, id)
        cluster = config.session_cluster
        self.name = cluster.name
        self.namespace = namespace
        component = Component("flink", cluster.name, config.flink_version, "session-cluster")
        base = s3.uri(s3.buckets.flink)
        flink_conf: dict[str, str] = {
            "taskmanager.numberOfTaskSlots": str(cluster.task_slots),
            "execution.checkpointing.dir": f"{base}checkpoints/{cluster.name}",
            "execution.checkpointing.savepoint-dir": f"{base}savepoints/{cluster.name}",
            "table.catalog-store.kind": "file",
            "table.catalog-store.file.path": STORE_PATH,
        }
        if cluster.high_availability:
            flink_conf["high-availability.type"] = "kubernetes"
            flink_conf["high-availability.storageDir"] = f"{base}ha/{cluster.name}"
        flink_conf.update(s3.flink_conf())
        main_env = [*s3.env(), *catalog_store.env()]
        common = PodTemplateClasses("FlinkDeploymentSpecPodTemplate").build(
            run_as=pod_security.FLINK,
            containers=[ContainerSpec(FLINK_MAIN_CONTAINER, env=main_env, run_as=pod_security.FLINK)],
        )
        job_manager_pod = PodTemplateClasses("FlinkDeploymentSpecJobManagerPodTemplate").build(
            containers=[ContainerSpec(FLINK_MAIN_CONTAINER, mounts=[catalog_store.mount()])],
            volumes=[catalog_store.volume()],
        )
        FlinkDeployment(
            self, "Resource",
            metadata=api_object_meta(cluster.name, namespace, component, SyncWave.CLUSTERS, keep_on_prune=True),
            spec=FlinkDeploymentSpec(
                image=config.image,
                image_pull_policy="IfNotPresent",
                flink_version=FlinkDeploymentSpecFlinkVersion[config.flink_version.upper().replace("_", "_UNDERSCORE_")],
                service_account=service_account,
                flink_configuration=dict(sorted(flink_conf.items())),
                pod_template=common,
                job_manager=FlinkDeploymentSpecJobManager(
                    replicas=cluster.job_manager_replicas,
                    resource=FlinkDeploymentSpecJobManagerResource(
                        memory=cluster.job_manager_memory, cpu=cluster.job_manager_cpu),
                    pod_template=job_manager_pod,
                ),
                task_manager=FlinkDeploymentSpecTaskManager(
                    resource=FlinkDeploymentSpecTaskManagerResource(
                        memory=cluster.task_manager_memory, cpu=cluster.task_manager_cpu),
                ),
            ),
        )

    @property
    def rest_host(self) -> str:
        """The operator-created REST Service's DNS name (`<name>-rest.<namespace>.svc.cluster.local`)."""
        return service_host(f"{self.name}-rest", self.namespace)
