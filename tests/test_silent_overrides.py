"""Silent overrides a user cannot see (#20 item 10): a job parallelism the TaskManager count overrides (refused by
the config, found by `validate`), `allowNonRestoredState` turned on and a session cluster restarted without HA
(flagged by `diff`'s state-safety rules). Every test builds its own environment document."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from manifests.diff import Key
from manifests.state_safety import check
from tests.conftest import Manifest, config_errors, environment, find, render, validate_errors
from tests.state_findings import labelled

Objects = dict[Key, dict[str, Any]]
JAR = "local:///opt/flink/usrlib/scoring.jar"


def keyed(objects: list[Manifest]) -> Objects:
    """`objects` keyed as `diff` keys them, in environment `test`."""
    return {("test", o["kind"], o["metadata"].get("namespace", ""), o["metadata"]["name"]): o for o in objects}


def lines(base: Objects, head: Objects) -> list[str]:
    """The findings from `base` to `head`, each `kind: line` (`certain loss: prod FlinkDeployment/...`)."""
    return labelled(check(base, head))


# taskManager.replicas x taskSlots against job.parallelism


def test_config_refuses_task_manager_replicas_that_override_the_job_parallelism() -> None:
    job = {"jarPath": "jobs/orders.jar", "parallelism": 8}
    errors = config_errors(environment(flink={"deployments": [
        {"name": "orders", "taskManager": {"taskSlots": 2, "replicas": 2}, "job": job},
        {"name": "exact", "taskManager": {"taskSlots": 2, "replicas": 4}, "job": job},
        {"name": "derived", "taskManager": {"taskSlots": 2}, "job": job},
        {"name": "session", "taskManager": {"taskSlots": 2, "replicas": 2}, "job": None},
    ]}))
    assert errors == [
        "flink.deployments[orders].job.parallelism: 8, but taskManager.replicas 2 x taskManager.taskSlots 2 = 4: the "
        "Flink operator runs the job with parallelism 4 and ignores job.parallelism (\"Job parallelism setting is "
        "ignored as TaskManager replicas are set\"); set job.parallelism: 4, or leave taskManager.replicas unset "
        "(null) so that Flink starts the TaskManagers the parallelism needs"]


def test_config_refuses_a_standalone_job_parallelism_its_task_managers_cannot_hold() -> None:
    def cluster(name: str, parallelism: int, *, reactive: bool = False) -> dict[str, Any]:
        return {"name": name, "backend": "standalone", "highAvailability": False,
                "taskManager": {"taskSlots": 2, "replicas": 2}, "standalone": {"reactiveMode": reactive},
                "job": {"jarPath": JAR, "parallelism": parallelism}}

    errors = config_errors(environment(flink={"deployments": [
        cluster("too-wide", 8), cluster("fits", 3), cluster("reactive", 2, reactive=True),
        cluster("reactive-exact", 4, reactive=True)]}))
    assert errors == [
        "flink.deployments[too-wide].job.parallelism: 8, but taskManager.replicas 2 x taskManager.taskSlots 2 = 4 slots: "
        "the job needs 8 slots and never gets them (a standalone cluster starts no TaskManagers of its own); set "
        "taskManager.replicas: 4, or job.parallelism: 4 or less",
        "flink.deployments[reactive].job.parallelism: 2, but reactive mode runs the job on every slot, taskManager.replicas 2 "
        "x taskManager.taskSlots 2 = 4 (Flink's adaptive scheduler ignores the configured parallelism); set "
        "job.parallelism: 4"]


def test_validate_finds_a_job_parallelism_the_task_manager_count_overrides(tmp_path: Path) -> None:
    objects = render(environment(flink={"deployments": [
        {"name": "orders", "taskManager": {"taskSlots": 2, "replicas": 2},
         "job": {"jarPath": "jobs/orders.jar", "parallelism": 4}},
        {"name": "scoring", "backend": "standalone", "highAvailability": False,
         "taskManager": {"taskSlots": 2, "replicas": 2}, "job": {"jarPath": JAR, "parallelism": 4}}]}))
    assert [e for e in validate_errors(objects, tmp_path) if "parallelism" in e] == []
    find(objects, "FlinkDeployment", "orders")["spec"]["job"]["parallelism"] = 8
    find(objects, "Deployment", "scoring-taskmanager")["spec"]["replicas"] = 1
    errors = [e.split("objects.yaml  ", 1)[1] for e in validate_errors(objects, tmp_path) if "parallelism" in e]
    assert sorted(errors) == [
        "Deployment/flink/scoring-jobmanager  spec.template.spec  parallelism.default 4, but the replicas of the "
        "TaskManagers that mount ConfigMap scoring-config 1 x taskmanager.numberOfTaskSlots 2 = 2 slots: the job needs "
        "4 slots and never gets them (a standalone cluster starts no TaskManagers of its own); set the replicas of the "
        "TaskManagers that mount ConfigMap scoring-config: 2, or parallelism.default: 2 or less",
        "FlinkDeployment/flink/orders  spec.job.parallelism  8, but spec.taskManager.replicas 2 x "
        "taskmanager.numberOfTaskSlots 2 = 4: the Flink operator runs the job with parallelism 4 and ignores "
        "spec.job.parallelism (\"Job parallelism setting is ignored as TaskManager replicas are set\"); set "
        "spec.job.parallelism: 4, or leave spec.taskManager.replicas unset (null) so that Flink starts the "
        "TaskManagers the parallelism needs"]


# allowNonRestoredState turned on


APPLICATION: dict[str, Any] = {
    "name": "orders", "taskManager": {"taskSlots": 2},
    "job": {"jarPath": "jobs/orders.jar", "parallelism": 2, "upgradeMode": "last-state"}}


def test_turning_on_allow_non_restored_state_is_a_certain_loss_with_what_it_discards() -> None:
    """The flag only turns a failed restore, which keeps the state, into a silent loss: turning it on is a certain
    loss for the gate (a stateless job has no state to lose)."""
    base = keyed(render(environment(flink={"deployments": [APPLICATION], "jobs": [
        {"name": "enrich", "jarPath": "jobs/enrich.jar", "upgradeMode": "savepoint"},
        {"name": "rollup", "jarPath": "jobs/rollup.jar", "upgradeMode": "stateless"}]})))
    head = copy.deepcopy(base)
    for name in ("orders", "enrich", "rollup"):
        kind = "FlinkDeployment" if name == "orders" else "FlinkSessionJob"
        head[("test", kind, "flink", name)]["spec"]["job"]["allowNonRestoredState"] = True
    discards = ("job next restores from a savepoint or a checkpoint path (a savepoint upgrade, a resume, a redeploy "
                "from initialSavepointPath), Flink drops, without an error, the state of every operator the job no "
                "longer has, or whose uid changed: its keyed state, windows and timers, a removed source's offsets "
                "(StateAssignmentOperation: \"Skipped checkpoint state for operator\"); set it back to false once that "
                "restore ran")
    assert lines(base, head) == [
        "certain loss: test FlinkDeployment/flink/orders: spec.job.allowNonRestoredState: turned on: when the "
        f"last-state {discards}",
        "certain loss: test FlinkSessionJob/flink/enrich: spec.job.allowNonRestoredState: turned on: when the "
        f"savepoint {discards}"]
    assert lines(head, head) == []


# a session cluster restarted without HA


def test_a_session_cluster_change_without_ha_restarts_its_session_jobs_from_empty_state() -> None:
    def session_cluster(ha: bool) -> Objects:
        return keyed(render(environment(
            flink={"sessionCluster": {"highAvailability": ha}, "tieringJob": {"enabled": False}, "jobs": [
                {"name": "rollup", "jarPath": "jobs/rollup.jar", "upgradeMode": "stateless"},
                {"name": "enrich", "jarPath": "jobs/enrich.jar", "upgradeMode": "savepoint"},
                {"name": "paused", "jarPath": "jobs/paused.jar", "upgradeMode": "stateless", "state": "suspended"},
                {"name": "elsewhere", "jarPath": "jobs/e.jar", "sessionCluster": "other"}],
                "deployments": [{"name": "other", "job": None}]})))

    cluster = ("test", "FlinkDeployment", "flink", "flink-session")
    base = session_cluster(ha=False)
    head = copy.deepcopy(base)
    head[cluster]["spec"]["taskManager"]["resource"]["memory"] = "4096m"
    assert lines(base, head) == [
        "certain loss: test FlinkDeployment/flink/flink-session: spec.taskManager.resource.memory: without Kubernetes "
        "HA the "
        "operator deletes the session cluster and deploys it anew (SessionReconciler), which kills its session jobs "
        "without a savepoint: rollup (stateless) restarts from empty state; enrich (savepoint) stops and stays "
        "missing (\"Job Not Found\": the operator does not resubmit it), its state in its last checkpoint; suspend "
        "the session jobs first (job.state: suspended) and resume them after this change, or run the cluster with "
        "highAvailability"]
    ignored = copy.deepcopy(base)
    ignored[cluster]["spec"]["flinkConfiguration"]["kubernetes.operator.periodic.savepoint.interval"] = "1 h"
    assert lines(base, ignored) == []  # a change the operator ignores does not redeploy the cluster
    with_ha = session_cluster(ha=True)
    changed = copy.deepcopy(with_ha)
    changed[cluster]["spec"]["taskManager"]["resource"]["memory"] = "4096m"
    assert lines(with_ha, changed) == []  # the new JobManager recovers the jobs from the HA metadata
    stateless = {k: v for k, v in base.items() if k[3] != "enrich"}
    redeployed = copy.deepcopy(stateless)
    redeployed[cluster]["spec"]["taskManager"]["resource"]["memory"] = "4096m"
    (only,) = lines(stateless, redeployed)  # stateless session jobs only: they restart from empty state anyway
    assert only.startswith("review: test FlinkDeployment/flink/flink-session: spec.taskManager.resource.memory: ")
    assert "rollup (stateless) restarts from empty state; suspend the session jobs first" in only
