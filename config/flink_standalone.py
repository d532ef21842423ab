"""`flink.deployments[].standalone`: the value type of what only a `backend: standalone` cluster has, shared by the
configuration and the constructs (`charts.flink.cluster.FlinkClusterProps.standalone`; a value module components may
import), declared once with `setting(default=...)`.

A standalone cluster is Flink's own Kubernetes setup without the operator (Flink 1.20 docs, "Kubernetes" under
standalone resource providers:
https://nightlies.apache.org/flink/flink-docs-release-1.20/docs/deployment/resource-providers/standalone/kubernetes/):
a ConfigMap with `config.yaml` and `log4j-console.properties`, the JobManager as a Deployment (session) or a Job
(application, `standalone-job`), TaskManagers as a Deployment or a StatefulSet, Services, and Kubernetes HA. What only
the operator does (the autoscaler, periodic and triggered snapshots, upgrade modes, suspending a job, the Ingress,
session jobs, FlinkStateSnapshots) is refused by `config.flink_deployments.standalone_problems`, naming the field.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from config.common import Quantity
from config.declaration import setting, value_type
from config.flink_rules import local_recovery_problem
from config.loading import Problem


@value_type
class Standalone:
    """Settings of a `backend: standalone` cluster only."""

    task_manager_kind: Literal["deployment", "statefulset"] = setting(default="deployment")
    """TaskManagers as a Deployment, or as a StatefulSet with a volume per pod (for local recovery)."""

    local_recovery: bool = setting(default=False)
    """Local recovery across pod restarts (execution.checkpointing.local-backup.enabled and
    execution.state-recovery.from-local, the working directory on the pod's volume, taskmanager.resource-id from the
    pod name); needs taskManagerKind: statefulset.
    """

    volume_size: Quantity = setting(default="10Gi")
    """Size of each TaskManager's volume (a Kubernetes quantity), with taskManagerKind: statefulset."""

    storage_class: str | None = setting(default=None)
    """StorageClass of the TaskManager volumes; null: the cluster's default."""

    rest_service: Literal["ClusterIP", "NodePort"] = setting(default="ClusterIP")
    """Type of the REST Service <name>-rest (port 8081)."""

    queryable_state: bool = setting(default=False)
    """Queryable state: the proxy on port 6125 of each TaskManager (queryable-state.enable) and the Service
    <name>-query-state; the image needs flink-queryable-state-runtime in lib/.
    """

    reactive_mode: bool = setting(default=False)
    """Reactive mode (scheduler-mode: reactive): the job's parallelism follows the TaskManagers there are; application
    clusters only.
    """

    cluster_id: str | None = setting(
        default=None, pattern="^[a-z]([-a-z0-9]{0,43}[a-z0-9])?$", max_length=45,
        error="is not a cluster id (lower-case letters, digits and '-', starting with a letter, at most 45 characters)")
    """The HA scope of a cluster with highAvailability: kubernetes.cluster-id (the HA ConfigMaps
    <clusterId>-cluster-config-map and <clusterId>-<job id>-config-map) and, when it is not the name,
    high-availability.cluster-id (the job id Flink derives with HA, the HA storage and job result store paths). A
    restarted JobManager recovers the job graph it ran before from its scope, so a changed job (arguments, entry
    class, parallelism, image, job configuration) takes effect only in a new one: stop the job with a savepoint,
    then set a new clusterId and job.initialSavepointPath to that savepoint in one change; the old scope's
    ConfigMaps stay until deleted (never return to an old scope). Null: the cluster's name.
    """

    def problems(self) -> Iterator[Problem]:
        """Local recovery needs a volume per TaskManager, so a StatefulSet."""
        if problem := local_recovery_problem(self.local_recovery, self.task_manager_kind):
            yield Problem(problem.where, problem.message)
