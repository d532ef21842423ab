"""A FlinkDeployment's job parallelism that the Flink operator overrides without an error.

The Flink Kubernetes Operator 1.14 runs an application cluster whose `spec.taskManager.replicas` is set with
parallelism replicas x `taskmanager.numberOfTaskSlots` (the effective configuration: the operator's defaults, then
`spec.flinkConfiguration`; Flink's default 1 slot) and ignores `spec.job.parallelism`, logging only "Job parallelism
setting is ignored as TaskManager replicas are set" (`FlinkConfigBuilder.getParallelism`, release-1.14.0
flink-kubernetes-operator/src/main/java/org/apache/flink/kubernetes/operator/config/FlinkConfigBuilder.java:357-373).
The resource then says one parallelism and the job runs another: an error at `spec.job.parallelism`. (The standalone
clusters' counterpart, a parallelism their TaskManagers cannot hold, is in `manifests.validation.flink_standalone`.)
"""

from __future__ import annotations

from config.flink_rules import Names, overridden_parallelism_problem
from manifests.validation.flink_config import flat_config, operator_defaults
from manifests.validation.report import Finding, Layer, Manifest, finding

TASK_SLOTS = "taskmanager.numberOfTaskSlots"
NAMES = Names("spec.job.parallelism", "spec.taskManager.replicas", TASK_SLOTS)
"""The settings the rule (`config.flink_rules.overridden_parallelism_problem`) speaks of, as the manifest names them."""


def check(manifests: list[Manifest]) -> list[Finding]:
    """An error per application FlinkDeployment with TaskManager replicas whose positive `spec.job.parallelism` is
    not replicas x slots."""
    defaults = operator_defaults(manifests)
    findings = []
    for m in manifests:
        spec = m.obj.get("spec") or {}
        job, task_manager = spec.get("job"), spec.get("taskManager")
        if m.kind != "FlinkDeployment" or not isinstance(job, dict) or not isinstance(task_manager, dict):
            continue
        replicas, parallelism = task_manager.get("replicas"), job.get("parallelism")
        if not isinstance(replicas, int) or not isinstance(parallelism, int) or parallelism <= 0:
            continue
        conf = {**defaults.config(m.namespace, spec.get("flinkVersion")), **flat_config(spec.get("flinkConfiguration"))}
        try:
            slots = int((conf.get(TASK_SLOTS) or "1").strip())
        except ValueError:
            continue  # the operator's own validation reports an unreadable slot count
        if problem := overridden_parallelism_problem(parallelism, replicas, slots, NAMES):
            findings.append(finding(m, problem.where, problem.message, Layer.RULE))
    return findings
