"""`flink.deployments`: further FlinkDeployments (application and session clusters) with their JobManager,
TaskManager, typed state settings (checkpointing, periodic snapshots, restart strategy), ingress and the checks the
operator would make (Flink Kubernetes Operator 1.14 `FlinkDeployment`:
https://nightlies.apache.org/flink/flink-kubernetes-operator-docs-release-1.14/docs/custom-resource/reference/)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar, Literal

from config.common import FlinkMemory, Image, KubernetesName, object_metadata_problems
from config.declaration import section, setting
from config.flink_rules import (
    autoscaler_without_job_problem,
    log_config_problems,
    operator_forbidden_key_problems,
    overridden_parallelism_problem,
    standalone_cluster,
    standby_job_managers_problem,
)
from config.flink_rules import standalone_problems as rules_standalone_problems
from config.flink_settings import Autoscaler, Checkpointing, Ingress, JobSpec, PeriodicSnapshots, RestartStrategy
from config.flink_standalone import Standalone
from config.loading import Problem
from config.metrics import MetricsOverrideConfig
from config.platform_keys import platform_setting
from config.pod_options import PodOptionsConfig
from upstream import capabilities
from upstream.api_formats import flink_memory_problem
from upstream.flink_keys import flink_keys
from upstream.flink_options import (
    PLATFORM_KEYS,
    as_text,
)
from upstream.java_values import JavaError, flink_list
from upstream.quartz import EXCLUDED_PERIODS_KEY, excluded_period_problem


def memory_problems(*settings: tuple[str, str]) -> Iterator[Problem]:
    """A problem per (key, memory) the Flink operator cannot read as a JobManager/TaskManager memory."""
    for key, value in settings:
        problem = flink_memory_problem(value)
        if problem:
            yield Problem(key, f"{value!r}: the Flink operator cannot read it: {problem}")


def excluded_periods_problem(key: str, text: str) -> str | None:
    """The operator's message for the first autoscaler excluded period of `text` it refuses, when `key` is the
    excluded periods option (under either name; a `;`-separated list), or None (`upstream.quartz`)."""
    if key not in (EXCLUDED_PERIODS_KEY, f"kubernetes.operator.{EXCLUDED_PERIODS_KEY}"):
        return None
    try:
        periods = flink_list(text)
    except JavaError:
        return None  # Flink's own list syntax error: `flink_keys().value_problem`
    return next((problem for period in periods if (problem := excluded_period_problem(period))), None)


def version_problems(version: str) -> Iterator[Problem]:
    """A problem when `version` (a `flinkVersion`) cannot run the platform (`capabilities.flink_version_problem`)."""
    problem = capabilities.flink_version_problem(version)
    if problem:
        yield Problem("flinkVersion", f"'{version}': {problem}")


@section
class JobManagerConfig:
    """The JobManager of a `flink.deployments` cluster."""

    memory: FlinkMemory = setting("2048m")
    """Process memory."""

    cpu: float = setting(0.5, exclusive_minimum=0)
    """CPU (cores)."""

    replicas: int = setting(1, minimum=1)
    """JobManagers; more than 1 (standbys) requires highAvailability."""

    pod_options: PodOptionsConfig = setting({})
    """Pod options of the JobManager pods only (over podOptions: maps merged, lists appended)."""

    pod_template: dict[str, Any] | None = setting(None)
    """A full Kubernetes pod template (metadata, spec) for the JobManager pods, as an alternative to podOptions: merged
    under the platform's (what the platform sets wins: its security context, env and mounts stay; named list items
    merge by name). Null: none.
    """

    def problems(self) -> Iterator[Problem]:
        """A memory size the operator can read."""
        yield from memory_problems(("memory", self.memory))
        if self.pod_options.run_as is not None:
            yield Problem("podOptions.runAs", "set the user on the cluster's podOptions: both roles run as one user")


@section
class TaskManagerConfig:
    """Each TaskManager of a `flink.deployments` cluster."""

    memory: FlinkMemory = setting("2048m")
    """Process memory."""

    cpu: float = setting(0.5, exclusive_minimum=0)
    """CPU (cores)."""

    task_slots: int = setting(10, minimum=1)
    """taskmanager.numberOfTaskSlots."""

    replicas: int | None = setting(None, minimum=1)
    """TaskManagers; null lets the operator derive them from the job's parallelism and the slots."""

    pod_options: PodOptionsConfig = setting({})
    """Pod options of the TaskManager pods only (over podOptions: maps merged, lists appended)."""

    pod_template: dict[str, Any] | None = setting(None)
    """A full Kubernetes pod template (metadata, spec) for the TaskManager pods, as an alternative to podOptions:
    merged under the platform's (what the platform sets wins: its security context, env and mounts stay; named list
    items merge by name). Null: none.
    """

    def problems(self) -> Iterator[Problem]:
        """A memory size the operator can read."""
        yield from memory_problems(("memory", self.memory))
        if self.pod_options.run_as is not None:
            yield Problem("podOptions.runAs", "set the user on the cluster's podOptions: both roles run as one user")


@section
class FlinkDeploymentConfig:
    """A FlinkDeployment: an application cluster (with job) or a further session cluster (job: null), in the Flink
    namespace
    (https://nightlies.apache.org/flink/flink-kubernetes-operator-docs-release-1.14/docs/custom-resource/reference/#flinkdeploymentspec).
    """

    DEFINITION: ClassVar[str] = "flinkDeployment"

    name: str = setting(
        pattern="^[a-z]([-a-z0-9]{0,43}[a-z0-9])?$", max_length=45,
        error="is not a FlinkDeployment name (lower-case letters, digits and '-', starting with a letter, at most 45 characters: the Flink operator's rule)")
    """FlinkDeployment name (also kubernetes.cluster-id)."""

    labels: dict[str, str] = setting({})
    """Labels of the FlinkDeployment itself (not of its pods: podOptions.labels); the platform's own
    (app.kubernetes.io/*, lakehouse.dev/*) are refused.
    """

    annotations: dict[str, str] = setting({})
    """Annotations of the FlinkDeployment itself (not of its pods: podOptions.annotations); the platform's own
    (argocd.argoproj.io/*, lakehouse.dev/*) are refused.
    """

    backend: Literal["operator", "standalone"] = setting("operator")
    """Who runs the cluster: operator (a FlinkDeployment the Flink operator reconciles) or standalone (Flink's own
    Kubernetes setup, no operator: a ConfigMap, the JobManager as a Deployment, TaskManagers as a Deployment or a
    StatefulSet, Services and the HA Role;
    https://nightlies.apache.org/flink/flink-docs-release-1.20/docs/deployment/resource-providers/standalone/kubernetes/).
    """

    standalone: Standalone = setting({})
    """Settings of a backend: standalone cluster (TaskManager kind, local recovery, Services, reactive mode, HA scope).
    """

    namespace: KubernetesName | None = setting(None)
    """Namespace of the cluster (and of its session jobs and snapshots): one of flink.teamNamespaces; null: the Flink
    namespace.
    """

    image: Image | None = setting(None)
    """Flink image; null: flink.image."""

    flink_version: str | None = setting(None)
    """FlinkDeployment flinkVersion; null: flink.flinkVersion."""

    service_account: str | None = setting(
        None, pattern="^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$",
        error="is not a ServiceAccount name (a DNS-1123 subdomain)")
    """ServiceAccount of this cluster's pods, rendered with the job Role (and the environment's IAM role annotation);
    null: flink.serviceAccount. With backend: standalone, a ServiceAccount of the cluster's own (with the HA Role);
    null: the cluster's name.
    """

    job_manager: JobManagerConfig = setting({})
    """The JobManager."""

    task_manager: TaskManagerConfig = setting({})
    """Each TaskManager."""

    pod_options: PodOptionsConfig = setting({})
    """Pod options of the JobManager and TaskManager pods."""

    node_pool: str | None = setting(
        None, pattern="^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", max_length=63,
        error="is not a node pool name (a DNS-1123 subdomain, at most 63 characters: it is also a label value)")
    """A nodePools entry whose nodes the cluster's pods run on (its nodeSelector and toleration are added to them);
    several clusters may share one. Null: any node.
    """

    high_availability: bool = setting(True)
    """Kubernetes HA (storage under s3://<flink bucket>/ha/<name>): needed by standby JobManagers; with it a last-state
    upgrade resumes from the HA metadata, without it the operator cancels the job and restores its latest
    checkpoint.
    """

    checkpointing: Checkpointing = setting({})
    """Checkpoints (Flink CheckpointingOptions); null leaves Flink's default. Directories are always s3://<flink
    bucket>/{checkpoints,savepoints}/<name>.
    """

    periodic_snapshots: PeriodicSnapshots = setting({})
    """Snapshots the operator triggers and the history it keeps (operator 1.14 kubernetes.operator.*): beyond the
    history it deletes the FlinkStateSnapshot objects, and the savepoint files only with
    kubernetes.operator.savepoint.dispose-on-delete (default false); null leaves the operator's default.
    """

    restart_strategy: RestartStrategy = setting({})
    """How Flink restarts the job after a failure."""

    autoscaler: Autoscaler = setting({})
    """The job autoscaler of an application cluster."""

    flink_configuration: dict[str, str | int | float | bool] = setting(
        {}, additional_properties={"type": ["string", "number", "boolean"]})
    """Further Flink and operator settings (flinkConfiguration; numbers and booleans are written as text). Each key
    must be a Flink 1.20.3 option under its current name (the error names the closest key) or sit under an open
    prefix (kubernetes.operator., job.autoscaler., s3.: README, "Flink configuration keys"); keys the platform sets
    from the typed fields, and their older names, are refused.
    """

    log_configuration: dict[str, str] = setting({})
    """Log configuration files replacing the image's: log4j-console.properties and/or logback-console.xml (the only
    keys the operator allows), as text.
    """

    ingress: Ingress | None = setting(None)
    """An Ingress to the cluster's Flink UI and REST API; null: none."""

    job: JobSpec | None = setting(None)
    """The application's job; null: a session cluster for session jobs."""

    metrics: MetricsOverrideConfig = setting({})
    """Metrics of this cluster, over the metrics section; null fields keep the platform's."""

    pod_template: dict[str, Any] | None = setting(None)
    """A full Kubernetes pod template (metadata, spec) for both roles' pods, as an alternative to podOptions: merged
    under the platform's (what the platform sets wins: its security context, env and mounts stay; named list items
    merge by name). Null: none.
    """

    def problems(self) -> Iterator[Problem]:
        """What the Flink operator would reject: standby JobManagers without HA, `flinkConfiguration` keys it sets
        itself; keys the platform sets from a typed field (or their older names); keys that are no Flink 1.20.3 option
        and values Flink cannot read for theirs (`upstream.flink_keys`); with backend: standalone, what a cluster
        without the operator cannot do (`standalone_problems`)."""
        yield from object_metadata_problems(self.labels, self.annotations)
        if self.backend == "standalone" and (self.labels or self.annotations):
            yield Problem("labels" if self.labels else "annotations",
                          "belongs to the FlinkDeployment, which backend: standalone does not render (set "
                          "podOptions.labels or podOptions.annotations for its pods)")
        if standby := standby_job_managers_problem(self.job_manager.replicas, self.high_availability):
            yield Problem(standby.where, standby.message)
        if jobless := autoscaler_without_job_problem(self.autoscaler.enabled, self.job is not None):
            yield Problem(jobless.where, jobless.message)
        for log in log_config_problems(sorted(self.log_configuration)):
            yield Problem(f"logConfiguration.{log.where}", log.message)
        forbidden = {p.where: p for p in operator_forbidden_key_problems(self.flink_configuration)}
        for key in sorted(self.flink_configuration):
            if key in forbidden:
                if self.backend == "operator":  # a standalone cluster's own message: `standalone_problems`
                    yield Problem(f"flinkConfiguration.{key}", forbidden[key].message)
            elif key in PLATFORM_KEYS:
                yield Problem(f"flinkConfiguration.{key}", f"set by the platform: {platform_setting(key)}")
            elif problem := (flink_keys().problem(key)
                             or flink_keys().value_problem(key, as_text(self.flink_configuration[key]))
                             or excluded_periods_problem(key, as_text(self.flink_configuration[key]))):
                yield Problem(f"flinkConfiguration.{key}", problem)
        if self.flink_version is not None:
            yield from version_problems(self.flink_version)
        if self.backend == "standalone":
            yield from standalone_problems(self)
        else:
            yield from self._overridden_parallelism()

    def _overridden_parallelism(self) -> Iterator[Problem]:
        """The Flink operator 1.14 runs an application cluster with TaskManager replicas at replicas x slots and
        ignores `job.parallelism`, with only a log line: a parallelism that is not that product is refused
        (`config.flink_rules.overridden_parallelism_problem`)."""
        if self.job is not None and (problem := overridden_parallelism_problem(
                self.job.parallelism, self.task_manager.replicas, self.task_manager.task_slots)):
            yield Problem(problem.where, problem.message)


def standalone_problems(deployment: FlinkDeploymentConfig) -> Iterator[Problem]:
    """What a `backend: standalone` cluster cannot do (`config.flink_rules.standalone_problems`), at the field."""
    cluster = standalone_cluster(deployment, job_jar=deployment.job.jar_path if deployment.job else None,
                                 pod_templates=tuple(where for where, template in (
                                     ("podTemplate", deployment.pod_template),
                                     ("jobManager.podTemplate", deployment.job_manager.pod_template),
                                     ("taskManager.podTemplate", deployment.task_manager.pod_template))
                                     if template is not None))
    for problem in rules_standalone_problems(cluster):
        yield Problem(problem.where, problem.message)
