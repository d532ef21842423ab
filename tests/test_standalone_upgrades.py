"""Upgrading a standalone application cluster with Kubernetes HA (#20 item 3). Flink 1.20 recovers the job graph it
ran before from the HA ConfigMaps after a JobManager rollout and drops the one the new arguments would build
(`ApplicationDispatcherBootstrap`, `EmbeddedExecutor`), so a job change takes effect only in a new HA scope
(`standalone.clusterId`), started from a savepoint. `diff` says which changes do not take effect and what a new scope
does with the state; the render keeps a stopped or finished job from running again. Every test builds its own
environment document."""

from __future__ import annotations

from typing import Any

import yaml

from manifests.diff import Key
from manifests.state_safety import check
from tests.conftest import Manifest, config_errors, environment, find, render
from upstream.flink_options import LOCAL_RECOVERY_KEYS

Objects = dict[Key, dict[str, Any]]
JAR = "local:///opt/flink/usrlib/scoring.jar"
JOB_MANAGER = ("test", "Deployment", "flink", "scoring-jobmanager")
WAY_OUT = ("to upgrade, stop the job with a savepoint, then set job.initialSavepointPath to it and a new "
           "standalone.clusterId in one change")


def cluster(*, ha: bool = True, parallelism: int = 4, entry_class: str = "com.example.Scoring",
            args: tuple[str, ...] = ("--mode", "fast"), savepoint: str | None = None, cluster_id: str | None = None,
            image: str = "registry.example.com/scoring:1.0.0", task_manager_memory: str = "2048m",
            checkpoint_interval: str = "30 s", local_recovery: bool | None = None) -> dict[str, Any]:
    """A standalone application cluster `scoring` (2 TaskManagers of 2 slots) with the given settings
    (`local_recovery` not None: TaskManagers as a StatefulSet, with local recovery on or off)."""
    job: dict[str, Any] = {"jarPath": JAR, "entryClass": entry_class, "parallelism": parallelism, "args": list(args)}
    if savepoint:
        job["initialSavepointPath"] = savepoint
    return {"name": "scoring", "backend": "standalone", "highAvailability": ha, "image": image,
            "jobManager": {"replicas": 2 if ha else 1},
            "taskManager": {"replicas": 2, "taskSlots": 2, "memory": task_manager_memory},
            "checkpointing": {"interval": checkpoint_interval},
            "standalone": {**({"clusterId": cluster_id} if cluster_id else {}),
                           **({"taskManagerKind": "statefulset", "localRecovery": local_recovery}
                              if local_recovery is not None else {})},
            "job": job}


def rendered(**settings: Any) -> list[Manifest]:
    return render(environment(flink={"deployments": [cluster(**settings)]}))


def keyed(objects: list[Manifest]) -> Objects:
    return {("test", o["kind"], o["metadata"].get("namespace", ""), o["metadata"]["name"]): o for o in objects}


def findings(base: dict[str, Any], head: dict[str, Any]) -> list[str]:
    """The findings on the JobManager Deployment from the cluster rendered with `base` to the one with `head`, each
    `kind: field: reason`."""
    return [f"{f.kind.value}: {f.line.removeprefix('test Deployment/flink/scoring-jobmanager: ')}"
            for f in check(keyed(rendered(**base)), keyed(rendered(**head))) if f.key == JOB_MANAGER]


def config(objects: list[Manifest]) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(find(objects, "ConfigMap", "scoring-config")["data"]["config.yaml"])
    return loaded


def test_job_changes_of_an_ha_cluster_are_flagged_as_not_taking_effect_with_the_way_out() -> None:
    recovered = ("the change does not take effect: with Kubernetes HA the restarted JobManager recovers the job graph "
                 "it ran before from the HA ConfigMap scoring-cluster-config-map and runs it on (Flink 1.20 drops the "
                 f"job graph of the new settings: \"Job ... was recovered successfully\"); {WAY_OUT}")
    assert findings({}, {"entry_class": "com.example.Scoring2", "args": ("--mode", "safe")}) == [
        f"certain loss: spec.template: job.entryClass, job.args: {recovered}"]
    assert findings({}, {"parallelism": 3}) == [f"certain loss: spec.template: job.parallelism: {recovered}"]
    assert findings({}, {"image": "registry.example.com/scoring:1.1.0"}) == [
        f"certain loss: spec.template: image (the job JAR): {recovered}"]
    assert findings({}, {"savepoint": "s3://flink-bucket/savepoints/scoring/savepoint-2"}) == [
        f"certain loss: spec.template: job.initialSavepointPath: {recovered}"]
    assert findings({}, {"checkpoint_interval": "10 s"}) == [
        "review: spec.template: config.yaml execution.checkpointing.interval: may not take effect: the job's "
        "configuration is part of the job graph the restarted JobManager recovers from the HA ConfigMap "
        "scoring-cluster-config-map and runs on (settings of the JobManager and TaskManager processes, such as "
        f"memory, ports and metrics, do take effect); {WAY_OUT}"]
    assert findings({}, {"task_manager_memory": "4096m"}) == []  # a process setting: it takes effect
    assert findings({}, {}) == []


def test_turning_local_recovery_on_or_off_is_a_process_setting_that_takes_effect() -> None:
    """The keys the render sets for local recovery (`LOCAL_RECOVERY_KEYS`) are read by each TaskManager at start
    (Flink release-1.20.3 `TaskManagerServicesConfiguration.fromConfiguration`, lines 295-296), not kept in the job
    graph HA recovers: no "may not take effect" warning."""
    on, off = config(rendered(local_recovery=True)), config(rendered(local_recovery=False))
    assert {key: on.get(key) for key in LOCAL_RECOVERY_KEYS} == dict.fromkeys(LOCAL_RECOVERY_KEYS, True)
    assert [key for key in LOCAL_RECOVERY_KEYS if key in off] == []
    assert findings({"local_recovery": False}, {"local_recovery": True}) == []
    assert findings({"local_recovery": True}, {"local_recovery": False}) == []


def test_a_new_ha_scope_starts_the_job_from_its_savepoint_and_leaves_the_old_config_maps() -> None:
    assert findings({}, {"cluster_id": "scoring-v2"}) == [
        "certain loss: spec.template: HA scope scoring -> scoring-v2: the restarted JobManager recovers nothing there "
        "and runs the "
        "standalone job from empty state: stop the job with a savepoint first and set job.initialSavepointPath to it "
        "in the same change"]
    old = "s3://flink-bucket/savepoints/scoring/savepoint-1"
    new = "s3://flink-bucket/savepoints/scoring/savepoint-2"
    assert findings({"savepoint": old}, {"cluster_id": "scoring-v2", "savepoint": old})[0].startswith(
        "certain loss: spec.template: HA scope scoring -> scoring-v2: the restarted JobManager recovers nothing there "
        "and runs the "
        f"standalone job from {old} again")
    assert findings({"savepoint": old}, {"cluster_id": "scoring-v2", "savepoint": new, "parallelism": 3}) == [
        f"review: spec.template: HA scope scoring -> scoring-v2: the job starts from {new}, which must be the "
        "savepoint the job was just stopped with; the old scope's HA ConfigMaps (scoring-cluster-config-map, and the "
        "job's own unless it was stopped) stay: delete them once the new job runs, as going back to the scope scoring "
        "would recover that job"]


def test_switching_ha_on_or_off_restarts_the_job_from_empty_state() -> None:
    restart = ("runs the standalone job from empty state: take a savepoint first and start from it "
               "(job.initialSavepointPath)")
    assert findings({"ha": False}, {"ha": True}) == [
        "certain loss: spec.template: the JobManager rolls out and, with Kubernetes HA new (no HA metadata to "
        f"recover), {restart}"]
    assert findings({"ha": True}, {"ha": False}) == [
        f"certain loss: spec.template: the JobManager rolls out and, without Kubernetes HA, {restart}"]


def test_the_ha_scope_and_the_job_result_store_are_rendered() -> None:
    default = config(rendered())
    assert (default["kubernetes.cluster-id"], default.get("high-availability.cluster-id")) == ("scoring", None)
    assert default["execution.shutdown-on-application-finish"] is False  # a stopped job's JobManager stays up
    assert default["job-result-store.delete-on-commit"] is False  # and a restarted one does not run the job again
    scoped = config(rendered(cluster_id="scoring-v2"))
    assert (scoped["kubernetes.cluster-id"], scoped["high-availability.cluster-id"]) == ("scoring-v2", "scoring-v2")
    without_ha = config(rendered(ha=False))
    assert without_ha["execution.shutdown-on-application-finish"] is False
    assert "job-result-store.delete-on-commit" not in without_ha  # no job result store without HA


def test_config_refuses_a_cluster_id_without_ha_and_the_keys_that_decide_the_ha_scope() -> None:
    no_ha = cluster(ha=False, cluster_id="scoring-v2")
    keyed_by_hand = {**cluster(), "name": "other", "flinkConfiguration": {
        "high-availability.cluster-id": "x", "$internal.pipeline.job-id": "00000000000000000000000000000000",
        "execution.shutdown-on-application-finish": True, "job-result-store.delete-on-commit": True}}
    errors = config_errors(environment(flink={"deployments": [no_ha, keyed_by_hand]}))
    platform = ("set by the platform in a standalone cluster's config.yaml (from the sizes, job, highAvailability and "
                "standalone)")
    assert sorted(errors) == sorted([
        "flink.deployments[scoring].standalone.clusterId: needs highAvailability: true (it names the HA scope: the HA "
        "ConfigMaps and the job id)",
        f"flink.deployments[other].flinkConfiguration.$internal.pipeline.job-id: {platform}",
        f"flink.deployments[other].flinkConfiguration.execution.shutdown-on-application-finish: {platform}",
        f"flink.deployments[other].flinkConfiguration.high-availability.cluster-id: {platform}",
        f"flink.deployments[other].flinkConfiguration.job-result-store.delete-on-commit: {platform}"])
