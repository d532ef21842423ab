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

from dataclasses import dataclass, field

import constructs

from charts.blocks import pod_security
from charts.blocks.crd_enums import member
from charts.blocks.metadata import Component, SyncWave, api_object_meta, image_tag
from charts.blocks.s3 import S3Access
from charts.blocks.workloads import service_host
from charts.flink.catalog_store import STORE_PATH, CatalogStore
from charts.flink.pod_template import ContainerSpec, PodTemplateClasses
from charts.flink.rbac import FlinkJobServiceAccount
from imports.flink.org.apache.flink import (
    FlinkDeployment,
    FlinkDeploymentSpec,
    FlinkDeploymentSpecFlinkVersion,
    FlinkDeploymentSpecJobManager,
    FlinkDeploymentSpecJobManagerPodTemplate,
    FlinkDeploymentSpecJobManagerResource,
    FlinkDeploymentSpecPodTemplate,
    FlinkDeploymentSpecTaskManager,
    FlinkDeploymentSpecTaskManagerResource,
)
from manifests.restricted import FLINK_MAIN_CONTAINER

REST_PORT = 8081


@dataclass(frozen=True)
class JobManagerProps:
    """The JobManager: `memory` its process size (a Flink memory size such as `2048m`, or a Kubernetes quantity
    such as `2Gi`), `cpu` in cores, `replicas` (more than 1 are standbys and need HA)."""

    memory: str = "2048m"
    cpu: float = 0.5
    replicas: int = 1


@dataclass(frozen=True)
class TaskManagerProps:
    """Each TaskManager: `memory` its process size (as `JobManagerProps.memory`), `cpu` in cores, `task_slots`
    (`taskmanager.numberOfTaskSlots`)."""

    memory: str = "2048m"
    cpu: float = 0.5
    task_slots: int = 10


@dataclass(frozen=True)
class SessionClusterProps:
    """A session FlinkDeployment.

    Attributes:
        image: Flink image with the S3 filesystem, Fluss and Iceberg connectors.
        name: FlinkDeployment name (also `kubernetes.cluster-id`); the Flink operator allows 45 characters.
        flink_version: the CRD's `flinkVersion` (`v1_20`).
        job_manager, task_manager: sizes.
        high_availability: Kubernetes HA with its storage on S3 (`s3://<flink bucket>/ha/<name>`).

    Raises:
        ValueError: standby JobManagers without HA (the operator would reject the FlinkDeployment).
    """

    image: str = "flink-fluss-iceberg-s3:1.20.3"
    name: str = "flink-session"
    flink_version: str = "v1_20"
    job_manager: JobManagerProps = field(default_factory=JobManagerProps)
    task_manager: TaskManagerProps = field(default_factory=TaskManagerProps)
    high_availability: bool = True

    def __post_init__(self) -> None:
        if self.job_manager.replicas > 1 and not self.high_availability:
            raise ValueError(f"FlinkDeployment {self.name}: {self.job_manager.replicas} JobManagers need "
                             "high_availability (the Flink operator rejects standby JobManagers without HA)")


class FlinkSessionCluster(constructs.Construct):
    """FlinkDeployment `props.name` in session mode, protected from pruning.

    Props: `namespace`; `props`; `service_account`, the job ServiceAccount its pods run as; `s3`; `catalog_store`,
    mounted by the JobManager. `name` is what session jobs name as `deploymentName`; `rest_host` is the
    operator-created REST Service (`<name>-rest`, port `REST_PORT` 8081) that the SQL Gateway submits to.
    """

    def __init__(self, scope: constructs.Construct, id: str, *, namespace: str, props: SessionClusterProps,
                 service_account: FlinkJobServiceAccount, s3: S3Access, catalog_store: CatalogStore):
        super().__init__(scope, id)
        self.name = props.name
        self.namespace = namespace
        component = Component("flink", props.name, image_tag(props.image), "session-cluster")
        base = s3.uri(s3.buckets.flink)
        flink_conf: dict[str, str] = {
            "taskmanager.numberOfTaskSlots": str(props.task_manager.task_slots),
            "execution.checkpointing.dir": f"{base}checkpoints/{props.name}",
            "execution.checkpointing.savepoint-dir": f"{base}savepoints/{props.name}",
            "table.catalog-store.kind": "file",
            "table.catalog-store.file.path": STORE_PATH,
        }
        if props.high_availability:
            flink_conf["high-availability.type"] = "kubernetes"
            flink_conf["high-availability.storageDir"] = f"{base}ha/{props.name}"
        flink_conf.update(s3.flink_conf())
        main_env = [*s3.env(), *catalog_store.env()]
        common = PodTemplateClasses(FlinkDeploymentSpecPodTemplate).build(
            run_as=pod_security.FLINK,
            containers=[ContainerSpec(FLINK_MAIN_CONTAINER, env=main_env, run_as=pod_security.FLINK)],
        )
        job_manager_pod = PodTemplateClasses(FlinkDeploymentSpecJobManagerPodTemplate).build(
            containers=[ContainerSpec(FLINK_MAIN_CONTAINER, mounts=[catalog_store.mount()])],
            volumes=[catalog_store.volume()],
        )
        FlinkDeployment(
            self, "Resource",
            metadata=api_object_meta(props.name, namespace, component, SyncWave.CLUSTERS, keep_on_prune=True),
            spec=FlinkDeploymentSpec(
                image=props.image,
                image_pull_policy="IfNotPresent",
                flink_version=member(FlinkDeploymentSpecFlinkVersion, props.flink_version),
                service_account=service_account.name,
                flink_configuration=dict(sorted(flink_conf.items())),
                pod_template=common,
                job_manager=FlinkDeploymentSpecJobManager(
                    replicas=props.job_manager.replicas,
                    resource=FlinkDeploymentSpecJobManagerResource(
                        memory=props.job_manager.memory, cpu=props.job_manager.cpu),
                    pod_template=job_manager_pod,
                ),
                task_manager=FlinkDeploymentSpecTaskManager(
                    resource=FlinkDeploymentSpecTaskManagerResource(
                        memory=props.task_manager.memory, cpu=props.task_manager.cpu),
                ),
            ),
        )

    @property
    def rest_host(self) -> str:
        """The operator-created REST Service's DNS name (`<name>-rest.<namespace>.svc.cluster.local`)."""
        return service_host(f"{self.name}-rest", self.namespace)
