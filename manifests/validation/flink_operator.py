"""The Flink Kubernetes Operator 1.14 validator on rendered FlinkDeployments and FlinkSessionJobs.

`DefaultValidator` (flink-kubernetes-operator/src/main/java/org/apache/flink/kubernetes/operator/validation/
DefaultValidator.java at release-1.14.0; its admission webhook and its reconciler both run it) returns the first
problem of a chain of checks. Here each check of the chain reports its first problem, with the operator's message,
so one run shows everything the operator would refuse in turn. The configuration checked is the effective one
(`manifests.validation.flink_config`: the operator's defaults, then `spec.flinkConfiguration`).

FlinkDeployment: the name (at most 45 characters of a DNS-1035 label); `flinkVersion` defined and supported;
the configuration (no `kubernetes.namespace`, `kubernetes.cluster-id` or `high-availability.cluster-id`; rollback
needs high availability; the cluster health check needs JobManager deployment recovery); `ingress` has a template
that makes a URL; `logConfiguration` only `log4j-console.properties` and `logback-console.xml`; the job, when
there is one (a checkpoint directory for the `last-state` and `savepoint` upgrade modes; a savepoint directory for
`savepoint` upgrades, a `savepointTriggerNonce`, periodic savepoints and the maximum checkpoint age; TaskManager
replicas, or else the job parallelism, at least 1); the JobManager (memory defined, in the resource or by the
configuration, memory and ephemeral storage that the operator can read, replicas at least 1, standby JobManagers
only with high availability); the TaskManager (memory defined and readable, ephemeral storage readable, replicas at
least 1); `serviceAccount` defined; the autoscaler options (`manifests.validation.flink_autoscaler`).
FlinkSessionJob: `deploymentName` a FlinkDeployment name; a job; and, when the session cluster is among the
validated objects, on the cluster's configuration with the job's on top: not an application cluster, the job
checks (without TaskManager replicas: a parallelism of at least 1), the autoscaler options.

Not checked (the validator needs what only the cluster has): the checks against the last deployed spec (a
`flinkVersion` change after a `last-state` suspend, switching between session and application cluster or between
native and standalone mode, a savepoint redeploy without `initialSavepointPath`, a session job's changed
`deploymentName`); whether Flink can derive JobManager and TaskManager memory from configured sizes that it can
read (sizes too small for the JVM overhead fail there too). The session job's "cluster id" check compares the
session cluster's name with `deploymentName`, which is how the operator finds that cluster, so it cannot fail.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from config.flink_rules import log_config_problems, operator_forbidden_key_problems, standby_job_managers_problem
from manifests.validation.flink_autoscaler import autoscaler_problem
from manifests.validation.flink_config import (
    FLINK_VERSIONS,
    ConfigValueError,
    FlinkConf,
    OperatorDefaults,
    Option,
    flat_config,
)
from manifests.validation.report import Manifest
from upstream.api_formats import FLINK_DEPLOYMENT_NAME
from upstream.java_values import (
    JavaError,
    java_int,
    memory_size_bytes,
    quantity_bytes,
    resource_memory_bytes,
    url_problem,
)

Problem = tuple[str, str]
"""(field path, message)."""

NAME = re.compile(FLINK_DEPLOYMENT_NAME.pattern, re.ASCII)
SUPPORTED_VERSIONS = FLINK_VERSIONS[FLINK_VERSIONS.index("v1_15"):]
ROLLBACK = Option("kubernetes.operator.deployment.rollback.enabled", (), "false")
HEALTH_CHECK = Option("kubernetes.operator.cluster.health-check.enabled", (), "false")
JM_DEPLOYMENT_RECOVERY = Option("kubernetes.operator.jm-deployment-recovery.enabled",
                                ("kubernetes.operator.reconciler.jm-deployment-recovery.enabled",), "true")
CHECKPOINT_DIR = Option("execution.checkpointing.dir", ("state.checkpoints.dir", "state.backend.fs.checkpointdir"))
SAVEPOINT_DIR = Option("execution.checkpointing.savepoint-dir", ("state.savepoints.dir", "savepoints.state.backend.fs.dir"))
PERIODIC_SAVEPOINT_INTERVAL = Option("kubernetes.operator.periodic.savepoint.interval", (), "")
CHECKPOINT_MAX_AGE = Option("kubernetes.operator.job.upgrade.last-state.max.allowed.checkpoint.age")
JM_MEMORY = ("jobmanager.memory.heap.size", "jobmanager.memory.flink.size", "jobmanager.memory.process.size",
             "jobmanager.heap.size")
"""Sizes Flink derives a JobManager's memory from (the legacy heap size read as the heap size; also
`jobmanager.heap.mb`)."""
TM_MEMORY = ("taskmanager.memory.flink.size", "taskmanager.memory.process.size")
TM_FINE_GRAINED = (Option("taskmanager.memory.task.heap.size"),
                   Option("taskmanager.memory.managed.size", ("taskmanager.memory.size",)))
"""A TaskManager's memory derives from its Flink or process size, or from both of these."""
_JAVA_WHITESPACE = re.compile(r"[\t\n\x0b\f\r\x1c-\x1f \u1680\u2000-\u2006\u2008-\u200a\u2028\u2029\u205f\u3000]*")


def _blank(value: Any) -> bool:
    """`StringUtils.isNullOrWhitespaceOnly`."""
    return value is None or bool(_JAVA_WHITESPACE.fullmatch(str(value)))


def _name(name: Any, path: str) -> Problem | None:
    if name is not None and NAME.fullmatch(str(name)):
        return None
    return path, (f"The FlinkDeployment name: {name} is invalid, must consist of lower case alphanumeric characters "
                  "or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. "
                  "'my-name',  or 'abc-123'), and the length must be no more than 45 characters.")


def _flink_version(spec: dict[str, Any]) -> Problem | None:
    version = spec.get("flinkVersion")
    if version is None:
        return "spec.flinkVersion", "Flink Version must be defined."
    if version not in SUPPORTED_VERSIONS:
        return "spec.flinkVersion", f"Flink version {version} is not supported by this operator version"
    return None


def _deployment_config(conf: FlinkConf) -> Problem | None:
    """`validateFlinkDeploymentConfig`."""
    forbidden = operator_forbidden_key_problems(conf.values)
    if forbidden:
        return conf.path(forbidden[0].where), forbidden[0].upstream or forbidden[0].message
    if conf.boolean(ROLLBACK) and not conf.high_availability():
        return conf.path(ROLLBACK.key), "HA must be enabled for rollback support."
    if conf.boolean(HEALTH_CHECK) and not conf.boolean(JM_DEPLOYMENT_RECOVERY):
        return conf.path(HEALTH_CHECK.key), (f"Deployment recovery ({JM_DEPLOYMENT_RECOVERY.key}) must be enabled for "
                                             f"job health check ({HEALTH_CHECK.key}) support.")
    return None


def _ingress(spec: dict[str, Any], name: str, namespace: str | None) -> Problem | None:
    """`validateIngress`: a template that, with `{{name}}` and `{{namespace}}` filled in (and `http://` unless it
    starts with `http://` or `https://`), is a URL (`IngressUtils.getIngressUrl`)."""
    ingress = spec.get("ingress")
    if ingress is None:
        return None
    template = ingress.get("template") if isinstance(ingress, dict) else None
    if template is None:
        return "spec.ingress", "Ingress template must be defined"
    url = str(template) if re.match(r"(?i)https?://", str(template)) else f"http://{template}"
    url = re.sub(r"(?i)\{\{name\}\}", lambda _: name, url)
    url = re.sub(r"(?i)\{\{namespace\}\}", lambda _: str(namespace), url)
    problem = url_problem(url)
    return ("spec.ingress.template", f"Unable to process the Ingress template({template}). Error: {problem}"
            ) if problem else None


def _log_config(spec: dict[str, Any]) -> Problem | None:
    """`validateLogConfig` (`config.flink_rules.log_config_problems`): the first key the operator refuses."""
    logs = spec.get("logConfiguration")
    invalid = log_config_problems(str(key) for key in logs) if isinstance(logs, dict) else []
    return (f"spec.logConfiguration.{invalid[0].where}", invalid[0].upstream or invalid[0].message) if invalid else None


def _job(job: Any, task_manager: Any, conf: FlinkConf) -> Problem | None:
    """`validateJobSpec`: the state directories the upgrade mode and savepoint settings need, then the
    parallelism (a session job has no TaskManager spec)."""
    if not isinstance(job, dict):
        return None
    mode = job.get("upgradeMode", "stateless")
    key = "execution.checkpointing.savepoint-dir"
    if mode != "stateless" and _blank(conf.text(CHECKPOINT_DIR)):
        return "spec.job.upgradeMode", ("Checkpoint directory[execution.checkpointing.dir] must be defined for "
                                        "last-state and savepoint upgrade modes")
    if _blank(conf.text(SAVEPOINT_DIR)):
        if mode == "savepoint":
            return "spec.job.upgradeMode", f"Job could not be upgraded with savepoint while config key[{key}] is not set"
        if job.get("savepointTriggerNonce") is not None:
            return "spec.job.savepointTriggerNonce", ("Savepoint could not be manually triggered for the running job "
                                                      f"while config key[{key}] is not set")
        if conf.contains(PERIODIC_SAVEPOINT_INTERVAL):
            return (conf.path(PERIODIC_SAVEPOINT_INTERVAL.key),
                    f"Periodic savepoints cannot be enabled when config key[{key}] is not set")
        if conf.contains(CHECKPOINT_MAX_AGE):
            return conf.path(CHECKPOINT_MAX_AGE.key), (f"In order to use max-checkpoint age functionality config "
                                                       f"key[{key}] must be set to allow triggering savepoint upgrades.")
    replicas = task_manager.get("replicas") if isinstance(task_manager, dict) else None
    parallelism = job.get("parallelism") or 0
    if isinstance(replicas, int) and replicas < 1:
        return "spec.taskManager.replicas", "TaskManager replicas must be larger than 0"
    if replicas is None and isinstance(parallelism, int) and parallelism < 1:
        return "spec.job.parallelism", "Job parallelism must be larger than 0"
    return None


def _sizes_readable(conf: FlinkConf, keys: tuple[str, ...]) -> bool:
    """Whether each of `keys` that is set is a Flink memory size."""
    try:
        for key in keys:
            if key in conf.values:
                memory_size_bytes(conf.values[key])
    except JavaError:
        return False
    return True


def _job_manager_memory_configured(conf: FlinkConf) -> bool:
    """Whether `JobManagerProcessUtils.processSpecFromConfigWithNewOptionToInterpretLegacyHeap` finds a size: the
    heap, Flink or process size (the legacy `jobmanager.heap.size` or `jobmanager.heap.mb` read as the heap),
    each readable."""
    heap_mb = conf.values.get("jobmanager.heap.mb")
    try:
        if heap_mb is not None and java_int(heap_mb) < 0:
            return False
    except JavaError:
        return False
    return (heap_mb is not None or any(k in conf.values for k in JM_MEMORY)) and _sizes_readable(conf, JM_MEMORY)


def _task_manager_memory_configured(conf: FlinkConf) -> bool:
    """Whether `TaskExecutorProcessUtils.processSpecFromConfig` finds sizes: the task heap and managed memory, or
    the Flink or process size, each readable."""
    fine_grained = [conf.find(option) for option in TM_FINE_GRAINED]
    configured = all(fine_grained) or any(k in conf.values for k in TM_MEMORY)
    return configured and _sizes_readable(conf, (*TM_MEMORY, *(found[0] for found in fine_grained if found)))


def _resources(component: str, path: str, resource: Any) -> Problem | None:
    """`validateResources`: memory (`FlinkConfigBuilder.parseResourceMemoryString`) and ephemeral storage (a
    fabric8 quantity) the operator can read; both messages joined when both fail."""
    if not isinstance(resource, dict):
        return None
    message, field = "", ""
    if resource.get("memory") is not None:
        try:
            resource_memory_bytes(str(resource["memory"]))
        except JavaError as error:
            message, field = f"{component} resource memory parse error: {error}", f"{path}.memory"
    if resource.get("ephemeralStorage") is not None:
        try:
            quantity_bytes(str(resource["ephemeralStorage"]))
        except JavaError as error:
            message += f"{component} resource ephemeral storage parse error: {error}"
            field = field or f"{path}.ephemeralStorage"
    return (field, message) if message else None


def _process(role: str, spec: dict[str, Any], conf: FlinkConf) -> Problem | None:
    """`validateJmSpec` / `validateTmSpec`: memory defined (in the resource, or else by the configuration), the
    resource readable, the replicas."""
    label = "JobManager" if role == "jobManager" else "TaskManager"
    process = spec.get(role)
    resource = process.get("resource") if isinstance(process, dict) else None
    memory = resource.get("memory") if isinstance(resource, dict) else None
    configured = _job_manager_memory_configured if role == "jobManager" else _task_manager_memory_configured
    if _blank(memory) and not configured(conf):
        return f"spec.{role}.resource.memory", f"{label} resource memory must be defined using `spec.{role}.resource.memory`"
    if not isinstance(process, dict):
        return None
    problem = _resources(label, f"spec.{role}.resource", resource)
    if problem:
        return problem
    replicas = process.get("replicas", 1 if role == "jobManager" else None)
    if role == "jobManager":
        replicas = 0 if replicas is None else replicas  # an int field: null reads as 0
        if isinstance(replicas, int) and replicas < 1:
            return "spec.jobManager.replicas", "JobManager replicas should not be configured less than one."
        standby = standby_job_managers_problem(replicas, conf.high_availability()) if isinstance(replicas, int) else None
        if standby:
            return "spec.jobManager.replicas", standby.upstream or standby.message
    elif isinstance(replicas, int) and replicas < 1:
        return "spec.taskManager.replicas", "TaskManager replicas should not be configured less than one."
    return None


def _service_account(spec: dict[str, Any]) -> Problem | None:
    if spec.get("serviceAccount") is None:
        return "spec.serviceAccount", ("spec.serviceAccount must be defined. If you use helm, its value should be the "
                                       "same with the name of jobServiceAccount.")
    return None


def _first_problems(checks: list[Callable[[], Problem | None]]) -> Iterator[Problem]:
    """Each check's problem; a configuration value Flink cannot read is the check's problem (the operator throws)."""
    for check in checks:
        try:
            problem = check()
        except ConfigValueError as error:
            problem = error.path, str(error)
        if problem:
            yield problem


def _operator_default(key: str) -> str:
    return f"spec.flinkConfiguration (operator default {key})"


def flink_deployment(m: Manifest, defaults: OperatorDefaults) -> Iterator[Problem]:
    """The operator's checks of a FlinkDeployment (`DefaultValidator.validateDeployment`), each check's first
    problem."""
    spec = m.obj.get("spec") or {}
    conf = FlinkConf().add(defaults.config(m.namespace, spec.get("flinkVersion")), _operator_default).add(
        flat_config(spec.get("flinkConfiguration")), lambda key: f"spec.flinkConfiguration.{key}")
    yield from _first_problems([
        lambda: _name(m.name, "metadata.name"),
        lambda: _flink_version(spec),
        lambda: _deployment_config(conf),
        lambda: _ingress(spec, m.name, m.namespace),
        lambda: _log_config(spec),
        lambda: _job(spec.get("job"), spec.get("taskManager"), conf),
        lambda: _process("jobManager", spec, conf),
        lambda: _process("taskManager", spec, conf),
        lambda: _service_account(spec),
        lambda: autoscaler_problem(conf),
    ])


def flink_session_job(m: Manifest, clusters: dict[tuple[str | None, str], Manifest],
                      defaults: OperatorDefaults) -> Iterator[Problem]:
    """The operator's checks of a FlinkSessionJob (`DefaultValidator.validateSessionJob`); those that need the
    session cluster when it is among `clusters` (the FlinkDeployments validated with it; a missing one is the
    reference layer's finding)."""
    spec = m.obj.get("spec") or {}
    target = spec.get("deploymentName")
    yield from _first_problems([
        lambda: _name(target, "spec.deploymentName"),
        lambda: ("spec.job", "The job spec should not be empty") if spec.get("job") is None else None,
    ])
    cluster = clusters.get((m.namespace, str(target)))
    if cluster is None:
        return
    cluster_spec = cluster.obj.get("spec") or {}
    conf = FlinkConf().add(defaults.config(m.namespace, cluster_spec.get("flinkVersion")), _operator_default).add(
        flat_config(cluster_spec.get("flinkConfiguration")),
        lambda key: f"spec.deploymentName (FlinkDeployment {cluster.name}: spec.flinkConfiguration.{key})").add(
        flat_config(spec.get("flinkConfiguration")), lambda key: f"spec.flinkConfiguration.{key}")
    yield from _first_problems([
        lambda: ("spec.deploymentName", "Can not submit session job to application cluster")
        if cluster_spec.get("job") is not None else None,
        lambda: _job(spec.get("job"), None, conf),
        lambda: autoscaler_problem(conf),
    ])
