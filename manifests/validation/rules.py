"""Layer 5: semantic rules, what the operators would reject and what the platform requires.

Flink Kubernetes Operator 1.14 (`DefaultValidator`, the admission webhook and reconciler use it):
https://github.com/apache/flink-kubernetes-operator/blob/release-1.14.0/flink-kubernetes-operator/src/main/java/org/apache/flink/kubernetes/operator/validation/DefaultValidator.java
Spark operator 2.5.2 (`internal/webhook/sparkapplication_validator.go`, `sparkconf_validator.go`,
`scheduledsparkapplication_validator.go`): a ScheduledSparkApplication's `spec.template` gets every SparkApplication
check (each run is a SparkApplication of that spec, which the webhook checks when the controller creates it), its
name must leave room for the run names, and its schedule and time zone must be what the controller accepts
(`manifests.validation.cron`).
Platform rules: images pinned, resource requests set, probes on long-running workloads, restricted pod
security (an exception is declared by the pod annotation `lakehouse.dev/pod-security-exception`),
no credential literal outside Secrets.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from config.api_formats import (
    DNS_1035_LABEL,
    FLINK_DEPLOYMENT_NAME,
    PINNED_IMAGE,
    flink_memory_valid,
    object_name_problem,
)
from manifests.credential_scan import scan as credential_findings
from manifests.restricted import POD_SECURITY_EXCEPTION, pod_specs, restricted_violations
from manifests.tree import pod_containers
from manifests.validation.cron import schedule_problem
from manifests.validation.manifests import spark_application_spec
from manifests.validation.report import Finding, Layer, Level, Manifest, finding

FLINK_SUPPORTED_VERSIONS = {"v1_15", "v1_16", "v1_17", "v1_18", "v1_19", "v1_20", "v2_0", "v2_1", "v2_2"}
FLINK_FORBIDDEN_KEYS = ("kubernetes.namespace", "kubernetes.cluster-id", "high-availability.cluster-id")
FLINK_LOG_FILES = {"log4j-console.properties", "logback-console.xml"}
CHECKPOINT_DIR_KEYS = ("execution.checkpointing.dir", "state.checkpoints.dir")
SAVEPOINT_DIR_KEYS = ("execution.checkpointing.savepoint-dir", "state.savepoints.dir")

SPARK_DENIED_CONF = {
    "spark.kubernetes.authenticate.driver.serviceAccountName": "configure the service account via the CRD spec instead",
    "spark.kubernetes.authenticate.executor.serviceAccountName": "configure the service account via the CRD spec instead",
    **{key: "authentication credentials are managed by the operator" for key in (
        "spark.kubernetes.authenticate.oauthTokenFile", "spark.kubernetes.authenticate.oauthToken",
        "spark.kubernetes.authenticate.driver.oauthTokenFile", "spark.kubernetes.authenticate.driver.oauthToken",
        "spark.kubernetes.authenticate.executor.oauthTokenFile", "spark.kubernetes.authenticate.executor.oauthToken")},
    "spark.master": "this value is managed by the operator",
    "spark.kubernetes.driver.master": "this value is managed by the operator",
    "spark.kubernetes.container.image": "use the image field on the CRD instead",
    "spark.kubernetes.driver.container.image": "use the image field on the CRD instead",
    "spark.kubernetes.executor.container.image": "use the image field on the CRD instead",
}
RUN_NAME_SUFFIX = "-" + "0" * 19
"""What the controller appends to a ScheduledSparkApplication's name to name a run: `-<timestamp>`, 19 digits at
the `nanos` precision (its default, and `--scheduled-spark-application-timestamp-precision` of
`charts.operators.spark_operator`)."""
LONG_RUNNING = {"Deployment", "StatefulSet", "DaemonSet"}


def _conf(spec: dict[str, Any]) -> dict[str, str]:
    return {str(k): str(v) for k, v in (spec.get("flinkConfiguration") or {}).items()}


def _ha(conf: dict[str, str]) -> bool:
    mode = conf.get("high-availability.type", conf.get("high-availability", "NONE"))
    return mode.upper() not in ("NONE", "")


def _job_rules(job: dict[str, Any], conf: dict[str, str], path: str, tm_replicas: Any) -> Iterator[tuple[str, str]]:
    mode = job.get("upgradeMode", "stateless")
    if mode != "stateless" and not any(conf.get(k, "").strip() for k in CHECKPOINT_DIR_KEYS):
        yield f"{path}.upgradeMode", ("Checkpoint directory[execution.checkpointing.dir] must be defined for "
                                      "last-state and savepoint upgrade modes")
    if not any(conf.get(k, "").strip() for k in SAVEPOINT_DIR_KEYS):
        if mode == "savepoint":
            yield f"{path}.upgradeMode", ("Job could not be upgraded with savepoint while config "
                                          "key[execution.checkpointing.savepoint-dir] is not set")
        elif job.get("savepointTriggerNonce") is not None:
            yield f"{path}.savepointTriggerNonce", ("Savepoint could not be manually triggered for the running job "
                                                    "while config key[execution.checkpointing.savepoint-dir] is not set")
        elif "kubernetes.operator.periodic.savepoint.interval" in conf:
            yield "spec.flinkConfiguration", ("Periodic savepoints cannot be enabled when config "
                                              "key[execution.checkpointing.savepoint-dir] is not set")
    parallelism = job.get("parallelism")
    if tm_replicas is None and isinstance(parallelism, int) and parallelism < 1:
        yield f"{path}.parallelism", "Job parallelism must be larger than 0"


def flink_deployment(m: Manifest) -> Iterator[tuple[str, str]]:
    """The operator's FlinkDeployment checks (first failing check per area, as the operator reports)."""
    spec = m.obj.get("spec", {})
    conf = _conf(spec)
    if not FLINK_DEPLOYMENT_NAME.match(m.name):
        yield "metadata.name", (f"The FlinkDeployment name: {m.name} is invalid, must consist of lower case alphanumeric "
                                "characters or '-', start with an alphabetic character, and end with an alphanumeric "
                                "character, and the length must be no more than 45 characters.")
    version = spec.get("flinkVersion")
    if version is None:
        yield "spec.flinkVersion", "Flink Version must be defined."
    elif version not in FLINK_SUPPORTED_VERSIONS:
        yield "spec.flinkVersion", f"Flink version {version} is not supported by this operator version"
    for key in FLINK_FORBIDDEN_KEYS:
        if key in conf:
            yield f"spec.flinkConfiguration.{key}", f"Forbidden Flink config key: {key}"
    if conf.get("kubernetes.operator.deployment.rollback.enabled", "false").lower() == "true" and not _ha(conf):
        yield "spec.flinkConfiguration", "HA must be enabled for rollback support."
    for key in spec.get("logConfiguration") or {}:
        if key not in FLINK_LOG_FILES:
            yield f"spec.logConfiguration.{key}", (f"Invalid log config key: {key}. Allowed keys are "
                                                   f"{sorted(FLINK_LOG_FILES)}")
    tm = spec.get("taskManager") or {}
    if spec.get("job"):
        yield from _job_rules(spec["job"], conf, "spec.job", tm.get("replicas"))
    for role, label in (("jobManager", "JobManager"), ("taskManager", "TaskManager")):
        resource = (spec.get(role) or {}).get("resource") or {}
        memory = resource.get("memory")
        sized_by_config = any(conf.get(f"{role.lower()}.memory.{k}") for k in ("process.size", "flink.size"))
        if not memory and not sized_by_config:
            yield f"spec.{role}.resource.memory", (f"{label} resource memory must be defined using "
                                                   f"`spec.{role}.resource.memory`")
        elif memory and not flink_memory_valid(str(memory)):
            yield f"spec.{role}.resource.memory", f"{label} resource memory parse error: '{memory}'"
    replicas = (spec.get("jobManager") or {}).get("replicas", 1)
    if not isinstance(replicas, int):
        pass  # the schema layer reports the type
    elif replicas < 1:
        yield "spec.jobManager.replicas", "JobManager replicas should not be configured less than one."
    elif replicas > 1 and not _ha(conf):
        yield "spec.jobManager.replicas", "High availability should be enabled when starting standby JobManagers."
    if isinstance(tm.get("replicas"), int) and tm["replicas"] < 1:
        yield "spec.taskManager.replicas", "TaskManager replicas should not be configured less than one."
    if spec.get("serviceAccount") is None:
        yield "spec.serviceAccount", "spec.serviceAccount must be defined."


def flink_session_job(m: Manifest, clusters: dict[tuple[str | None, str], Manifest]) -> Iterator[tuple[str, str]]:
    """The operator's FlinkSessionJob checks; `clusters` are the FlinkDeployments seen in this run."""
    spec = m.obj.get("spec", {})
    target = spec.get("deploymentName", "")
    if not FLINK_DEPLOYMENT_NAME.match(str(target)):
        yield "spec.deploymentName", f"The FlinkDeployment name: {target} is invalid"
    if not spec.get("job"):
        yield "spec.job", "The job spec should not be empty"
        return
    cluster = clusters.get((m.namespace, str(target)))
    if cluster is None:
        return  # the reference layer reports a missing session cluster
    cluster_spec = cluster.obj.get("spec", {})
    if cluster_spec.get("job"):
        yield "spec.deploymentName", f"Can not submit session job to application cluster {target}"
    conf = {**_conf(cluster_spec), **_conf(spec)}
    yield from _job_rules(spec["job"], conf, "spec.job", None)


def spark_application(m: Manifest) -> Iterator[tuple[str, str]]:
    """The Spark operator webhook's checks of a SparkApplication, or of a ScheduledSparkApplication and the
    SparkApplication of each of its runs (`spec.template`), with the controller's checks of the schedule."""
    found = spark_application_spec(m)
    if found is None:
        return
    path, spec = found
    if not DNS_1035_LABEL.match(m.name):
        yield "metadata.name", f"invalid {m.kind} name {m.name!r}: must be a DNS-1035 label"
    elif m.kind == "ScheduledSparkApplication" and not DNS_1035_LABEL.match(m.name + RUN_NAME_SUFFIX):
        yield "metadata.name", (f"runs are named {m.name}-<19-digit timestamp>, {len(m.name + RUN_NAME_SUFFIX)} "
                                "characters: more than a DNS-1035 label's 63, so the webhook would reject every run "
                                f"(at most {63 - len(RUN_NAME_SUFFIX)} characters here)")
    if m.kind == "ScheduledSparkApplication":
        schedule = m.obj.get("spec") or {}
        problem = schedule_problem(str(schedule.get("schedule", "")), str(schedule.get("timeZone") or ""))
        if problem:
            yield problem
    driver, executor = spec.get("driver") or {}, spec.get("executor") or {}
    if (driver.get("template") or executor.get("template")) and _version(spec.get("sparkVersion", "0")) < (3, 0, 0):
        yield f"{path}.sparkVersion", "pod template feature requires Spark version 3.0.0 or higher"
    if spec.get("nodeSelector") and (driver.get("nodeSelector") or executor.get("nodeSelector")):
        yield f"{path}.nodeSelector", "node selector cannot be defined at both SparkApplication and Driver/Executor"
    for key, value in (spec.get("sparkConf") or {}).items():
        if key in SPARK_DENIED_CONF:
            yield f"{path}.sparkConf.{key}", f"sparkConf key {key!r} is not allowed: {SPARK_DENIED_CONF[key]}"
        elif key == "spark.kubernetes.namespace" and value != m.namespace:
            yield f"{path}.sparkConf.{key}", f"must equal the application namespace {m.namespace!r}, got {value!r}"


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", text)[:3])


def platform(m: Manifest) -> Iterator[tuple[str, str, Level]]:
    """Platform rules: names the API server accepts, pinned images, resource requests, probes, restricted pod
    security, no credential literal."""
    name_problem = object_name_problem(m.kind, m.name)
    if name_problem:
        yield "metadata.name", name_problem, Level.ERROR
    images: list[tuple[str, str]] = []
    for path, container, is_init in pod_containers(m.obj):
        images.append((f"{path}.image", str(container.get("image", ""))))
        requests = (container.get("resources") or {}).get("requests") or {}
        missing = [r for r in ("cpu", "memory") if r not in requests]
        if missing:
            yield f"{path}.resources.requests", f"resource requests not set: {', '.join(missing)}", Level.ERROR
        if m.kind in LONG_RUNNING and not is_init:
            for probe in ("readinessProbe", "livenessProbe"):
                if probe not in container:
                    yield f"{path}.{probe}", f"long-running container {container.get('name')} has no {probe}", \
                        Level.ERROR
    if m.kind == "FlinkDeployment":
        images.append(("spec.image", str(m.obj.get("spec", {}).get("image", ""))))
    spark = spark_application_spec(m)
    if spark is not None:
        path, spec = spark
        images.append((f"{path}.image", str(spec.get("image", ""))))
        for role in ("driver", "executor"):
            missing = [r for r in ("cores", "memory") if r not in (spec.get(role) or {})]
            if missing:
                yield f"{path}.{role}", f"resource requests not set: {', '.join(missing)}", Level.ERROR
    for path, image in images:
        if not PINNED_IMAGE.match(image):
            yield path, f"image {image!r} is not pinned by tag or digest", Level.ERROR
    template = m.obj.get("spec", {}).get("template", {}).get("metadata", {})
    exception = ((template.get("annotations") or {}).get(POD_SECURITY_EXCEPTION)
                 or (m.obj.get("metadata", {}).get("annotations") or {}).get(POD_SECURITY_EXCEPTION))
    pods = pod_specs({"kind": "SparkApplication", "spec": spark[1]} if spark else m.obj)
    for role, pod in pods.items():
        for problem in restricted_violations(pod):
            level = Level.WARNING if exception and "runAsNonRoot" in problem else Level.ERROR
            suffix = f" (declared exception: {exception})" if level is Level.WARNING else ""
            yield f"pod ({role})", f"not restricted: {problem}{suffix}", level
    for line in credential_findings(m.obj):
        _, field, reason = line.split(": ", 2)
        yield field, f"credential literal: {reason}", Level.ERROR


def check(manifests: list[Manifest]) -> list[Finding]:
    """Every semantic rule over `manifests`."""
    clusters = {(m.namespace, m.name): m for m in manifests if m.kind == "FlinkDeployment"}
    operator_rules: dict[str, Callable[[Manifest], Iterator[tuple[str, str]]]] = {
        "FlinkDeployment": flink_deployment,
        "FlinkSessionJob": lambda m: flink_session_job(m, clusters),
        "SparkApplication": spark_application,
        "ScheduledSparkApplication": spark_application,
    }
    findings: list[Finding] = []
    for m in manifests:
        rule = operator_rules.get(m.kind)
        if rule:
            findings += [finding(m, path, message, Layer.RULE) for path, message in rule(m)]
        findings += [finding(m, path, message, Layer.RULE, level) for path, message, level in platform(m)]
    return findings
