"""Layer 5: semantic rules, what the operators would reject and what the platform requires.

Flink Kubernetes Operator 1.14 (`DefaultValidator`, the admission webhook and reconciler use it):
`manifests.validation.flink_operator`.
Spark operator 2.5.2 (`internal/webhook/sparkapplication_validator.go`, `sparkconf_validator.go`,
`scheduledsparkapplication_validator.go`): a ScheduledSparkApplication's `spec.template` gets every SparkApplication
check (each run is a SparkApplication of that spec, which the webhook checks when the controller creates it), its
name must leave room for the run names, and its schedule and time zone must be what the controller accepts
(`upstream.cron`, which config also runs at load).
Platform rules: images pinned, resource requests set, probes on long-running workloads, restricted pod
security (an exception is declared by the pod annotation `lakehouse.dev/pod-security-exception`),
no credential literal outside Secrets.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from config.spark import denied_conf_problems
from manifests.credential_scan import scan as credential_findings
from manifests.restricted import (
    HOST_PATH_PROBLEM,
    POD_SECURITY_EXCEPTION,
    declares_host_path,
    pod_specs,
    restricted_violations,
)
from manifests.tree import flink_extra_containers, pod_containers
from manifests.validation.flink_config import operator_defaults
from manifests.validation.flink_operator import flink_deployment, flink_session_job
from manifests.validation.manifests import spark_application_spec
from manifests.validation.report import Finding, Layer, Level, Manifest, finding
from upstream.api_formats import DNS_1035_LABEL, PINNED_IMAGE, object_name_problem, toleration_problems
from upstream.cron import schedule_problem

RUN_NAME_SUFFIX = "-" + "0" * 19
"""What the controller appends to a ScheduledSparkApplication's name to name a run: `-<timestamp>`, 19 digits at
the `nanos` precision (its default, and `--scheduled-spark-application-timestamp-precision` of
`charts.operators.spark_operator`)."""
LONG_RUNNING = {"Deployment", "StatefulSet", "DaemonSet"}


def spark_application(m: Manifest) -> Iterator[tuple[str, str]]:
    """The Spark operator webhook's checks of a SparkApplication, or of a ScheduledSparkApplication and the
    SparkApplication of each of its runs (`spec.template`), with the controller's checks of the schedule."""
    found = spark_application_spec(m)
    if found is None:
        return
    path, spec = found
    if not DNS_1035_LABEL.fullmatch(m.name):
        yield "metadata.name", f"invalid {m.kind} name {m.name!r}: must be a DNS-1035 label"
    elif m.kind == "ScheduledSparkApplication" and not DNS_1035_LABEL.fullmatch(m.name + RUN_NAME_SUFFIX):
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
    spark_conf = spec.get("sparkConf") or {}
    denied = {problem.where: problem for problem in denied_conf_problems(spark_conf)}
    for key, value in spark_conf.items():
        if key in denied:
            yield f"{path}.sparkConf.{key}", denied[key].upstream or denied[key].message
        elif key == "spark.kubernetes.namespace" and value != m.namespace:
            yield f"{path}.sparkConf.{key}", f"must equal the application namespace {m.namespace!r}, got {value!r}"
    yield from _restart_policy(path, spec.get("restartPolicy") or {})


def _restart_policy(path: str, restart: dict[str, object]) -> Iterator[tuple[str, str]]:
    """What the operator's controller needs to rerun an application (pkg/util/sparkapplication.go): a retry waits
    its interval times the attempts so far (TimeUntilNextRetryDue fails without one, and nothing is rerun), and
    OnFailure reruns only while the attempts stay within the retries (ShouldRetry: none without a limit)."""
    kind = restart.get("type")
    if kind in ("OnFailure", "Always"):
        for key in ("onFailureRetryInterval", "onSubmissionFailureRetryInterval"):
            if restart.get(key) is None:
                yield (f"{path}.restartPolicy.{key}", f"restartPolicy {kind} without {key}: the operator cannot "
                       "compute when to retry (TimeUntilNextRetryDue: invalid retry interval), so it never reruns")
    if kind == "OnFailure":
        for key in ("onFailureRetries", "onSubmissionFailureRetries"):
            if restart.get(key) is None:
                yield (f"{path}.restartPolicy.{key}", f"restartPolicy OnFailure without {key}: the operator never "
                       "retries (ShouldRetry needs the limit)")


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", text)[:3])


def platform(m: Manifest) -> Iterator[tuple[str, str, Level]]:
    """Platform rules: names the API server accepts, pinned images, resource requests, probes, restricted pod
    security, no credential literal."""
    name_problem = object_name_problem(m.kind, m.name)
    if name_problem:
        yield "metadata.name", name_problem, Level.ERROR
    images: list[tuple[str, str]] = []
    for path, container, is_init in (*pod_containers(m.obj), *flink_extra_containers(m.obj)):
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
        if not PINNED_IMAGE.fullmatch(image):
            yield path, f"image {image!r} is not pinned by tag or digest", Level.ERROR
    template = m.obj.get("spec", {}).get("template", {}).get("metadata", {})
    exception = ((template.get("annotations") or {}).get(POD_SECURITY_EXCEPTION)
                 or (m.obj.get("metadata", {}).get("annotations") or {}).get(POD_SECURITY_EXCEPTION))
    pods = pod_specs({"kind": "SparkApplication", "spec": spark[1]} if spark else m.obj)
    for role, pod in pods.items():
        for problem in restricted_violations(pod):
            host_path = HOST_PATH_PROBLEM.match(problem)
            # a declared exception covers running as root and the host paths it names, nothing else
            level = Level.WARNING if exception and (
                "runAsNonRoot" in problem or "runAsUser must not be 0" in problem
                or (host_path is not None and declares_host_path(exception, host_path["path"]))) else Level.ERROR
            suffix = f" (declared exception: {exception})" if level is Level.WARNING else ""
            yield f"pod ({role})", f"not restricted: {problem}{suffix}", level
    for line in credential_findings(m.obj):
        _, field, reason = line.split(": ", 2)
        yield field, f"credential literal: {reason}", Level.ERROR
    for path in unbounded_memory_volumes(m.obj):
        yield path, UNBOUNDED_TMPFS, Level.WARNING
    for path, message in refused_tolerations(m.obj):
        yield path, message, Level.ERROR


def refused_tolerations(node: object, path: str = "") -> Iterator[tuple[str, str]]:
    """(path, message) of each rule the API server refuses in any `tolerations` list under `node` (pod specs, pod
    templates, a Spark application's driver and executor: `upstream.api_formats.toleration_problems`)."""
    if isinstance(node, dict):
        for key, value in node.items():
            child = f"{path}.{key}" if path else str(key)
            if key == "tolerations" and isinstance(value, list):
                for index, item in enumerate(value):
                    if isinstance(item, dict):
                        seconds = item.get("tolerationSeconds")
                        for field, message in toleration_problems(
                                item.get("key"), item.get("operator"), item.get("value"), item.get("effect"),
                                seconds if isinstance(seconds, int) else None):
                            yield f"{child}[{index}].{field}", message
            else:
                yield from refused_tolerations(value, child)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from refused_tolerations(item, f"{path}[{index}]")


UNBOUNDED_TMPFS = ("emptyDir with medium: Memory and no sizeLimit: a tmpfs that grows until the pod's memory limit "
                   "(or the node's memory without one), its files counted as the container's memory; set sizeLimit")
"""Kubernetes `emptyDir.medium: Memory` mounts a tmpfs sized by `sizeLimit`, else by the pod's memory limit or the
node's allocatable memory (https://kubernetes.io/docs/concepts/storage/volumes/#emptydir, SizeMemoryBackedVolumes)."""


def unbounded_memory_volumes(node: object, path: str = "") -> Iterator[str]:
    """The path of every volume under `node` (any `volumes` list: pod specs, pod templates, a Spark application's)
    that is a memory-backed emptyDir without a `sizeLimit`."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "volumes" and isinstance(value, list):
                for volume in value:
                    empty_dir = volume.get("emptyDir") if isinstance(volume, dict) else None
                    if isinstance(empty_dir, dict) and empty_dir.get("medium") == "Memory" and \
                            not empty_dir.get("sizeLimit"):
                        yield f"{path}{key}[{volume.get('name')}].emptyDir"
            else:
                yield from unbounded_memory_volumes(value, f"{path}{key}.")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from unbounded_memory_volumes(item, f"{path[:-1]}[{index}].")


def check(manifests: list[Manifest]) -> list[Finding]:
    """Every semantic rule over `manifests`."""
    clusters = {(m.namespace, m.name): m for m in manifests if m.kind == "FlinkDeployment"}
    defaults = operator_defaults(manifests)
    operator_rules: dict[str, Callable[[Manifest], Iterator[tuple[str, str]]]] = {
        "FlinkDeployment": lambda m: flink_deployment(m, defaults),
        "FlinkSessionJob": lambda m: flink_session_job(m, clusters, defaults),
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
