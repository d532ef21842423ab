"""`flink.deployments[].standalone` and what a `backend: standalone` cluster cannot do.

A standalone cluster is Flink's own Kubernetes setup without the operator (Flink 1.20 docs, "Kubernetes" under
standalone resource providers:
https://nightlies.apache.org/flink/flink-docs-release-1.20/docs/deployment/resource-providers/standalone/kubernetes/):
a ConfigMap with `config.yaml` and `log4j-console.properties`, the JobManager as a Deployment (session) or a Job
(application, `standalone-job`), TaskManagers as a Deployment or a StatefulSet, Services, and Kubernetes HA. What only
the operator does (the autoscaler, periodic and triggered snapshots, upgrade modes, suspending a job, the Ingress,
session jobs, FlinkStateSnapshots) is refused here, naming the field.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Literal

from config.common import Quantity
from config.declaration import section, setting
from config.loading import Problem
from upstream.api_formats import STATEFUL_SET_NAME_MAX
from upstream.flink_options import (
    LOG_CONFIG_FILES,
    OPERATOR_ONLY_KEY_PREFIX,
    STANDALONE_KEYS,
    STANDALONE_LOG_FILE,
    USRLIB,
)

if TYPE_CHECKING:
    from config.flink_deployments import FlinkDeploymentConfig

TASK_MANAGER_SUFFIX = "-taskmanager"
"""Suffix of the TaskManager Deployment or StatefulSet name (`<name>-taskmanager`)."""


@section
class StandaloneConfig:
    """Settings of a `backend: standalone` cluster only."""

    task_manager_kind: Literal["deployment", "statefulset"] = setting("deployment")
    """TaskManagers as a Deployment, or as a StatefulSet with a volume per pod (for local recovery)."""

    local_recovery: bool = setting(False)
    """Local recovery across pod restarts (execution.checkpointing.local-backup.enabled and
    execution.state-recovery.from-local, the working directory on the pod's volume, taskmanager.resource-id from the
    pod name); needs taskManagerKind: statefulset.
    """

    volume_size: Quantity = setting("10Gi")
    """Size of each TaskManager's volume (a Kubernetes quantity), with taskManagerKind: statefulset."""

    storage_class: str | None = setting(None)
    """StorageClass of the TaskManager volumes; null: the cluster's default."""

    rest_service: Literal["ClusterIP", "NodePort"] = setting("ClusterIP")
    """Type of the REST Service <name>-rest (port 8081)."""

    queryable_state: bool = setting(False)
    """Queryable state: the proxy on port 6125 of each TaskManager (queryable-state.enable) and the Service
    <name>-query-state; the image needs flink-queryable-state-runtime in lib/.
    """

    reactive_mode: bool = setting(False)
    """Reactive mode (scheduler-mode: reactive): the job's parallelism follows the TaskManagers there are; application
    clusters only.
    """

    cluster_id: str | None = setting(
        None, pattern="^[a-z]([-a-z0-9]{0,43}[a-z0-9])?$", max_length=45,
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
        if self.local_recovery and self.task_manager_kind != "statefulset":
            yield Problem("localRecovery", "needs taskManagerKind: statefulset (a volume that follows each "
                                           "TaskManager across restarts)")


def _parallelism_problems(deployment: FlinkDeploymentConfig) -> Iterator[Problem]:
    """A job parallelism the TaskManagers cannot hold, or that reactive mode ignores. A standalone cluster has
    exactly `taskManager.replicas` x `taskSlots` slots: a job of a higher parallelism asks for slots no one starts and
    fails with `NoResourceAvailableException` after the slot request timeout, again and again; in reactive mode
    Flink 1.20's adaptive scheduler runs every vertex at its max parallelism, bounded by the slots there are
    (`AdaptiveScheduler.computeReactiveModeVertexParallelismStore`), so a configured parallelism does nothing."""
    job, replicas, slots = deployment.job, deployment.task_manager.replicas, deployment.task_manager.task_slots
    if job is None or replicas is None:
        return
    total = f"taskManager.replicas {replicas} x taskManager.taskSlots {slots} = {replicas * slots}"
    if deployment.standalone.reactive_mode and job.parallelism != replicas * slots:
        yield Problem("job.parallelism", f"{job.parallelism}, but reactive mode runs the job on every slot, {total} "
                                         "(Flink's adaptive scheduler ignores the configured parallelism); set "
                                         f"job.parallelism: {replicas * slots}")
    elif not deployment.standalone.reactive_mode and job.parallelism > replicas * slots:
        yield Problem("job.parallelism", f"{job.parallelism}, but {total} slots: the job needs {job.parallelism} "
                                         "slots and never gets them (a standalone cluster starts no TaskManagers of "
                                         f"its own); set taskManager.replicas: {-(-job.parallelism // slots)}, or "
                                         f"job.parallelism: {replicas * slots} or less")


def standalone_problems(deployment: FlinkDeploymentConfig) -> Iterator[Problem]:
    """What a `backend: standalone` cluster cannot do: operator features (autoscaler, periodic snapshots, the
    Ingress, upgrade and suspend, snapshot nonces), a job JAR outside the image, reactive mode without a job, native
    sidecars (cdk8s-plus-27's `k8s.Container` has no `restartPolicy`), and `flinkConfiguration` keys the standalone `config.yaml` sets from a typed field or only the operator reads."""
    operator_only = "is an operator feature; a standalone cluster has no operator (backend: operator)"
    if deployment.autoscaler.enabled:
        yield Problem("autoscaler.enabled", operator_only)
    snapshots = deployment.periodic_snapshots
    for key, value in (("savepointInterval", snapshots.savepoint_interval),
                       ("checkpointInterval", snapshots.checkpoint_interval),
                       ("savepointMaxCount", snapshots.savepoint_max_count),
                       ("savepointMaxAge", snapshots.savepoint_max_age)):
        if value is not None:
            yield Problem(f"periodicSnapshots.{key}", operator_only)
    if deployment.ingress is not None:
        yield Problem("ingress", "the operator creates the Ingress; a standalone cluster has the REST Service "
                                 "<name>-rest (standalone.restService: NodePort to reach it from outside)")
    for role, template in (("podTemplate", deployment.pod_template),
                           ("jobManager.podTemplate", deployment.job_manager.pod_template),
                           ("taskManager.podTemplate", deployment.task_manager.pod_template)):
        if template is not None:
            yield Problem(role, "not supported with backend: standalone (use podOptions)")
    for key in sorted(set(deployment.log_configuration) - {STANDALONE_LOG_FILE}):
        if key in LOG_CONFIG_FILES:
            yield Problem(f"logConfiguration.{key}", f"a standalone cluster reads {STANDALONE_LOG_FILE} only")
    if deployment.standalone.cluster_id is not None and not deployment.high_availability:
        yield Problem("standalone.clusterId", "needs highAvailability: true (it names the HA scope: the HA ConfigMaps "
                                              "and the job id)")
    if deployment.task_manager.replicas is None:
        yield Problem("taskManager.replicas", "required with backend: standalone (no operator derives it from the "
                                              "parallelism)")
    job = deployment.job
    if job is None:
        if deployment.standalone.reactive_mode:
            yield Problem("standalone.reactiveMode", "needs an application cluster (job): Flink's reactive mode runs "
                                                     "one job")
    else:
        yield from _parallelism_problems(deployment)
        if not job.jar_path.startswith("local://" + USRLIB):
            yield Problem("job.jarPath", f"'{job.jar_path}': a standalone application cluster runs the JAR from its "
                                         f"image: local://{USRLIB}<file>.jar (no operator fetches it)")
        for key, value in (("savepointTriggerNonce", job.savepoint_trigger_nonce),
                           ("checkpointTriggerNonce", job.checkpoint_trigger_nonce),
                           ("savepointRedeployNonce", job.savepoint_redeploy_nonce),
                           ("autoscalerResetNonce", job.autoscaler_reset_nonce), ("state", job.state)):
            if value is not None:
                yield Problem(f"job.{key}", operator_only)
    if deployment.standalone.task_manager_kind == "statefulset":
        longest = STATEFUL_SET_NAME_MAX - len(TASK_MANAGER_SUFFIX)
        if len(deployment.name) > longest:
            yield Problem("name", f"at most {longest} characters with taskManagerKind: statefulset (the StatefulSet "
                                  f"<name>{TASK_MANAGER_SUFFIX} has at most {STATEFUL_SET_NAME_MAX})")
    for path, options in (("podOptions", deployment.pod_options),
                          ("jobManager.podOptions", deployment.job_manager.pod_options),
                          ("taskManager.podOptions", deployment.task_manager.pod_options)):
        for index, container in enumerate(options.init_containers):
            if container.restart_policy is not None:
                yield Problem(f"{path}.initContainers[{index}].restartPolicy",
                              "a native sidecar is not rendered on a standalone pod (its Deployment and StatefulSet "
                              "follow the Kubernetes 1.27 API, which has no init-container restartPolicy, so the "
                              "container would block the pod's start): declare it under sidecars, which a standalone "
                              "pod restarts itself")
    for key in sorted(deployment.flink_configuration):
        if key in STANDALONE_KEYS:
            yield Problem(f"flinkConfiguration.{key}", "set by the platform in a standalone cluster's config.yaml "
                                                        "(from the sizes, job, highAvailability and standalone)")
        elif key.startswith(OPERATOR_ONLY_KEY_PREFIX):
            yield Problem(f"flinkConfiguration.{key}", "read by the Flink operator only; a standalone cluster has none")
