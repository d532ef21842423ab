"""The state gate of `diff`: each rule on a base/head pair of rendered prod objects (the fixture test-prod), with its
kind and exact line; safe changes find nothing; the report (certain losses, then reviews) and `--fail-on-unsafe`."""

from __future__ import annotations

import copy
from typing import Any

import pytest

import manifests.diff
from cli.commands import main as cli_main
from manifests.diff import Key, compare, render
from manifests.state_finding import LOSS, REVIEW
from manifests.state_safety import check
from tests.conftest import Manifest
from tests.state_findings import labelled

Objects = dict[Key, dict[str, Any]]

APP = ("prod", "FlinkDeployment", "flink", "bronze-ingest-sale-order")
"""Application cluster, last-state, pipeline.max-parallelism 128, parallelism 2, Prune=false."""
SESSION = ("prod", "FlinkDeployment", "flink", "flink-session")
EVENT = ("prod", "FlinkSessionJob", "flink", "bronze-ingest-event")
"""Session job on flink-session, savepoint, parallelism 1, no max parallelism."""
TIERING = ("prod", "FlinkSessionJob", "flink", "fluss-tiering-job")
ZOOKEEPER = ("prod", "StatefulSet", "fluss", "zookeeper")
"""PVC-backed (zk-data, zk-datalog), Prune=false."""
COORDINATOR = ("prod", "StatefulSet", "fluss", "coordinator-server")


@pytest.fixture
def base(rendered: dict[str, list[Manifest]]) -> Objects:
    """The fixture test-prod's rendered objects (a copy of prod), keyed as `diff` keys them under the environment
    label `prod` (a copy: tests change them)."""
    return {("prod", o["kind"], o["metadata"].get("namespace", ""), o["metadata"]["name"]): copy.deepcopy(o)
            for o in rendered["test-prod"]}


@pytest.fixture
def head(base: Objects) -> Objects:
    """A copy of `base` to change."""
    return copy.deepcopy(base)


def lines(base: Objects, head: Objects) -> list[str]:
    """The findings from `base` to `head`, each `kind: line` (`certain loss: prod FlinkDeployment/...`)."""
    return labelled(check(base, head))


def job(objects: Objects, key: Key) -> dict[str, Any]:
    return objects[key]["spec"]["job"]  # type: ignore[no-any-return]


def conf(objects: Objects, key: Key) -> dict[str, Any]:
    return objects[key]["spec"]["flinkConfiguration"]  # type: ignore[no-any-return]


def test_the_fixture_is_what_the_rules_are_tested_on(base: Objects) -> None:
    assert (job(base, APP)["upgradeMode"], job(base, APP)["parallelism"]) == ("last-state", 2)
    assert conf(base, APP)["pipeline.max-parallelism"] == "128"
    assert "Prune=false" in base[APP]["metadata"]["annotations"]["argocd.argoproj.io/sync-options"]
    assert (job(base, EVENT)["upgradeMode"], base[EVENT]["spec"]["deploymentName"]) == ("savepoint", "flink-session")
    assert "state" not in job(base, APP) and "state" not in job(base, EVENT)


def test_no_change_and_safe_changes_find_nothing(base: Objects, head: Objects) -> None:
    assert lines(base, head) == []
    job(head, APP)["args"] = [*job(head, APP)["args"], "--extra"]
    conf(head, APP)["execution.checkpointing.interval"] = "30 s"
    conf(head, APP)["kubernetes.operator.periodic.savepoint.interval"] = "1 h"
    job(head, EVENT)["state"] = "suspended"  # the savepoint upgrade mode suspends with a savepoint
    head[ZOOKEEPER]["spec"]["replicas"] = 3
    head[APP]["metadata"]["labels"]["team"] = "ingest"
    del head[SESSION]  # the operator does not delete a session cluster while session jobs run on it
    del head[COORDINATOR]  # no volumeClaimTemplates
    assert lines(base, head) == []


def test_a_rescale_within_the_max_parallelism_is_to_review(base: Objects, head: Objects) -> None:
    job(head, APP)["parallelism"] = 4
    job(head, EVENT)["parallelism"] = 8
    assert lines(base, head) == [
        "review: prod FlinkDeployment/flink/bronze-ingest-sale-order: spec.job.parallelism: 2 -> 4: the last-state "
        "upgrade restarts the job and redistributes the key groups of its state (128) over 4 subtasks: the restore "
        "works",
        "review: prod FlinkSessionJob/flink/bronze-ingest-event: spec.job.parallelism: 1 -> 8: the savepoint upgrade "
        "restarts the job and redistributes the key groups of its state (at least 128) over 8 subtasks: the restore "
        "works"]


def test_a_stateful_job_made_stateless_drops_its_state_at_the_next_upgrade(base: Objects, head: Objects) -> None:
    job(head, APP)["upgradeMode"] = "stateless"
    assert lines(base, head) == [
        "certain loss: prod FlinkDeployment/flink/bronze-ingest-sale-order: spec.job.upgradeMode: last-state -> "
        "stateless: the next "
        "upgrade (any spec change; upgradeMode alone does not restart the job) cancels it without a savepoint and "
        "starts it from empty state"]
    job(head, APP)["jarURI"] = "s3://prod-flink/job-artifacts/generate-fake-data-0.2.0.jar"
    assert lines(base, head) == [
        "certain loss: prod FlinkDeployment/flink/bronze-ingest-sale-order: spec.job.upgradeMode: last-state -> "
        "stateless: this "
        "change upgrades the job (spec.job.jarURI), and the operator, using the new mode, cancels it without a "
        "savepoint and starts it from empty state"]


def test_an_absent_upgrade_mode_is_stateless_and_a_suspend_or_resume_drops_the_state(base: Objects,
                                                                                     head: Objects) -> None:
    del job(head, EVENT)["upgradeMode"]
    job(head, EVENT)["state"] = "suspended"
    assert lines(base, head) == [
        "certain loss: prod FlinkSessionJob/flink/bronze-ingest-event: spec.job.upgradeMode: savepoint -> stateless: "
        "the suspend "
        "this change makes cancels the job without a savepoint"]
    job(base, EVENT)["state"] = "suspended"
    job(head, EVENT)["state"] = "running"
    assert lines(base, head) == [
        "certain loss: prod FlinkSessionJob/flink/bronze-ingest-event: spec.job.upgradeMode: savepoint -> stateless: "
        "the job "
        "resumes from empty state, not from the state it was suspended with"]


def test_a_savepoint_redeploy_restores_state_even_when_stateless(base: Objects, head: Objects) -> None:
    job(head, EVENT).update(upgradeMode="stateless", savepointRedeployNonce=1,
                            initialSavepointPath="s3://prod-flink/savepoints/flink-session/savepoint-1")
    assert lines(base, head) == []


def test_a_stateless_job_that_is_upgraded_starts_from_empty_state(base: Objects, head: Objects) -> None:
    job(base, EVENT)["upgradeMode"] = job(head, EVENT)["upgradeMode"] = "stateless"
    job(head, EVENT)["savepointTriggerNonce"] = 1  # a savepoint, not an upgrade
    assert lines(base, head) == []
    job(head, EVENT)["args"] = [*job(head, EVENT)["args"], "--extra"]
    head[EVENT]["spec"]["restartNonce"] = 2
    assert lines(base, head) == [
        "review: prod FlinkSessionJob/flink/bronze-ingest-event: spec.job.args, spec.restartNonce: stateless job: "
        "this change upgrades it, so the operator cancels it and starts it from empty state (operator state such as "
        "source offsets and windows is lost); upgradeMode savepoint or last-state would carry the state over"]


FAILS_THE_RESTORE = ("state of an operator it no longer has (or whose uid changed) fails the restore (the state "
                     "stays, the job does not start), as allowNonRestoredState is not set")


def test_a_new_jar_or_main_class_of_a_stateful_job_is_to_review(base: Objects, head: Objects) -> None:
    job(head, APP)["jarURI"] = "s3://prod-flink/job-artifacts/generate-fake-data-0.2.0.jar"
    job(head, EVENT)["entryClass"] = "dev.lakehouse.Ingest"
    assert lines(base, head) == [
        "review: prod FlinkDeployment/flink/bronze-ingest-sale-order: spec.job.jarURI: the last-state job restores "
        f"its latest checkpoint into the job graph of the new JAR: {FAILS_THE_RESTORE}; check that the new JAR keeps "
        "the operator uids",
        "review: prod FlinkSessionJob/flink/bronze-ingest-event: spec.job.entryClass: the savepoint job restores "
        f"its savepoint into the job graph of the new main class: {FAILS_THE_RESTORE}; check that the new main class "
        "keeps the operator uids"]


def test_a_new_jar_with_allow_non_restored_state_already_on_says_what_it_drops(base: Objects, head: Objects) -> None:
    """Turning the flag on is a certain loss (tests/test_silent_overrides.py); a JAR bump while it is on stays a
    review, and the finding says that unmatched state goes without an error."""
    job(base, APP)["allowNonRestoredState"] = job(head, APP)["allowNonRestoredState"] = True
    job(head, APP)["jarURI"] = "s3://prod-flink/job-artifacts/generate-fake-data-0.2.0.jar"
    (line,) = lines(base, head)
    assert line.startswith("review: prod FlinkDeployment/flink/bronze-ingest-sale-order: spec.job.jarURI: the "
                           "last-state job restores its latest checkpoint into the job graph of the new JAR: Flink "
                           "drops, without an error, the state of every operator the job no longer has")
    assert line.endswith("as allowNonRestoredState is on; check that the new JAR keeps the operator uids")


def test_a_changed_max_parallelism_fails_the_restore(base: Objects, head: Objects) -> None:
    conf(head, APP)["pipeline.max-parallelism"] = "256"
    assert lines(base, head) == [
        "certain loss: prod FlinkDeployment/flink/bronze-ingest-sale-order: "
        "spec.flinkConfiguration.pipeline.max-parallelism: "
        "128 -> 256: the restore of the last-state job fails: keyed state has 128 key groups, and Flink refuses a "
        "changed max parallelism; keep 128, or rewrite the state for the new value and redeploy from it "
        "(savepointRedeployNonce)"]
    job(head, APP).update(savepointRedeployNonce=1, initialSavepointPath="s3://prod-flink/savepoints/rewritten-256")
    assert lines(base, head) == [
        "review: prod FlinkDeployment/flink/bronze-ingest-sale-order: "
        "spec.flinkConfiguration.pipeline.max-parallelism: "
        "128 -> 256: the savepoint redeploy restores s3://prod-flink/savepoints/rewritten-256, which must "
        "have been written with max parallelism 256 (e.g. rewritten with the State Processor API)"]


def test_a_max_parallelism_set_where_flink_derived_it_may_fail_the_restore(base: Objects, head: Objects) -> None:
    head[EVENT]["spec"]["flinkConfiguration"] = {"pipeline.max-parallelism": "256"}
    assert lines(base, head) == [
        "review: prod FlinkSessionJob/flink/bronze-ingest-event: spec.flinkConfiguration.pipeline.max-parallelism: "
        "set to 256: the savepoint holds the max parallelism Flink derived from the job's first parallelism (at least "
        "128); the restore fails unless that was 256"]


def test_a_parallelism_above_the_max_parallelism_of_the_state_fails_the_restore(base: Objects,
                                                                               head: Objects) -> None:
    job(head, APP)["parallelism"] = 200
    del conf(head, APP)["pipeline.max-parallelism"]  # unset: Flink takes the state's 128, which is still too low
    job(head, EVENT)["parallelism"] = 200
    assert lines(base, head) == [
        "certain loss: prod FlinkDeployment/flink/bronze-ingest-sale-order: spec.job.parallelism: 2 -> 200: the "
        "restore fails: "
        "the max parallelism of the state (128) is lower than the new parallelism",
        "review: prod FlinkSessionJob/flink/bronze-ingest-event: spec.job.parallelism: 1 -> 200: no max "
        "parallelism is set, so the state holds the one Flink derived from the job's first parallelism (128 if that "
        "was at most 85); the restore fails if it is lower than the new parallelism"]


SAVEPOINTS_STAY = ("its savepoints so far, and the one an upgrade takes (with the deployed configuration), stay in "
                   "the old directory: the restore reads them there by the absolute path the operator recorded, so "
                   "the job must still be able to read it, and a manual recovery must look there")


def test_an_unset_directory_the_operator_needs_is_a_certain_loss(base: Objects, head: Objects) -> None:
    """Operator 1.14 `DefaultValidator.validateJobSpec` refuses a stateful job without a checkpoint directory, and a
    savepoint job without a savepoint directory."""
    del conf(head, APP)["execution.checkpointing.dir"]
    assert lines(base, head) == [
        "certain loss: prod FlinkDeployment/flink/bronze-ingest-sale-order: spec.flinkConfiguration.execution."
        "checkpointing.dir: s3://prod-flink/checkpoints/bronze-ingest-sale-order -> (unset): the operator refuses the "
        "spec of the last-state job (\"Checkpoint directory[execution.checkpointing.dir] must be defined for "
        "last-state and savepoint upgrade modes\"), so it is not upgraded; keep the directory"]
    head = copy.deepcopy(base)
    del conf(head, SESSION)["execution.checkpointing.savepoint-dir"]
    assert [line for line in lines(base, head) if EVENT[3] in line] == [
        "certain loss: prod FlinkSessionJob/flink/bronze-ingest-event: spec.flinkConfiguration.execution.checkpointing."
        "savepoint-dir: s3://prod-flink/savepoints/flink-session -> (unset): the operator refuses the spec of the "
        "savepoint job (\"Job could not be upgraded with savepoint while config key[execution.checkpointing."
        "savepoint-dir] is not set\"), so it is not upgraded; keep the directory"]


def test_a_changed_state_backend(base: Objects, head: Objects) -> None:
    """Flink restores into another state backend only from a canonical savepoint; an incremental RocksDB checkpoint
    is RocksDB's own files."""
    assert (conf(base, APP)["state.backend.type"], conf(base, APP)["execution.checkpointing.incremental"]) == (
        "rocksdb", "true")
    conf(head, APP)["state.backend.type"] = "hashmap"
    assert lines(base, head) == [
        "certain loss: prod FlinkDeployment/flink/bronze-ingest-sale-order: spec.flinkConfiguration.state.backend."
        "type: rocksdb -> hashmap: the last-state job restores its latest checkpoint, an incremental RocksDB one "
        "(RocksDB's own files), which only RocksDB reads: the restore fails; upgrade with a canonical savepoint "
        "instead (upgradeMode: savepoint first, then this change)"]
    conf(base, APP)["execution.checkpointing.incremental"] = "false"
    assert lines(base, head) == [
        "review: prod FlinkDeployment/flink/bronze-ingest-sale-order: spec.flinkConfiguration.state.backend.type: "
        "rocksdb -> hashmap: the last-state job restores its latest checkpoint, which Flink does not support "
        "restoring into another state backend; upgrade with a canonical savepoint instead"]
    head = copy.deepcopy(base)
    conf(head, SESSION)["state.backend.type"] = "rocksdb"  # unset before: hashmap
    event = [line for line in lines(base, head) if EVENT[3] in line]
    assert event == [
        "review: prod FlinkSessionJob/flink/bronze-ingest-event: spec.flinkConfiguration.state.backend.type: "
        "hashmap -> rocksdb: the savepoint upgrade takes a canonical savepoint, which the new backend restores; if "
        "the job is not running, the operator restores its last checkpoint instead, which Flink does not support "
        "restoring into another state backend"]
    conf(head, SESSION)["kubernetes.operator.savepoint.format.type"] = "NATIVE"
    assert [line for line in lines(base, head) if EVENT[3] in line][0].endswith(
        "the savepoint job restores a NATIVE savepoint, which Flink does not support restoring into another state "
        "backend; upgrade with a canonical savepoint instead")


def test_moved_state_directories_of_a_stateful_job(base: Objects, head: Objects) -> None:
    conf(head, APP)["high-availability.storageDir"] = "s3://prod-flink-2/ha/bronze-ingest-sale-order"
    conf(head, SESSION)["execution.checkpointing.savepoint-dir"] = "s3://prod-flink-2/savepoints/flink-session"
    head[TIERING]["spec"]["flinkConfiguration"] = {"execution.checkpointing.savepoint-dir": "s3://tiering/sp"}
    moved = "s3://prod-flink/savepoints/flink-session -> s3://prod-flink-2/savepoints/flink-session"
    assert lines(base, head) == [
        "review: prod FlinkDeployment/flink/bronze-ingest-sale-order: "
        "spec.flinkConfiguration.high-availability.storageDir: "
        "s3://prod-flink/ha/bronze-ingest-sale-order -> s3://prod-flink-2/ha/bronze-ingest-sale-order: its "
        "HA metadata (ConfigMaps) points to job graphs and checkpoint metadata in the old directory: a last-state "
        "upgrade or an HA recovery reads them there, so the job must still be able to read it, and a manual "
        "recovery must look there",
        *(f"review: prod FlinkSessionJob/flink/{name}: spec.flinkConfiguration.execution.checkpointing.savepoint-dir: "
          f"{moved} (set on its session cluster flink-session): {SAVEPOINTS_STAY}"
          for name in ("bronze-ingest-customer", "bronze-ingest-event")),
        "review: prod FlinkSessionJob/flink/fluss-tiering-job: spec.flinkConfiguration.execution.checkpointing."
        f"savepoint-dir: s3://prod-flink/savepoints/flink-session -> s3://tiering/sp: {SAVEPOINTS_STAY}"]


def test_a_removed_or_renamed_stateful_job(base: Objects, head: Objects) -> None:
    renamed = copy.deepcopy(head.pop(APP))
    renamed["metadata"]["name"] = "bronze-ingest-sale-order-v2"
    head[(*APP[:3], "bronze-ingest-sale-order-v2")] = renamed
    del head[EVENT]
    assert lines(base, head) == [
        "certain loss: prod FlinkDeployment/flink/bronze-ingest-sale-order: removed: Argo CD does not prune it "
        "(Prune=false), so it keeps running unmanaged until someone deletes it; then the operator cancels the "
        "last-state job without a savepoint (kubernetes.operator.job.savepoint-on-deletion is not set) and forgets "
        "its checkpoints and savepoint history; a new or renamed resource starts from empty state unless its "
        "job.initialSavepointPath names a savepoint",
        "certain loss: prod FlinkSessionJob/flink/bronze-ingest-event: removed: the operator cancels the savepoint "
        "job without a savepoint (kubernetes.operator.job.savepoint-on-deletion is not set) and forgets its "
        "checkpoints and savepoint history; a new or renamed resource starts from empty state unless its "
        "job.initialSavepointPath names a savepoint"]


def test_a_removed_job_with_a_savepoint_on_deletion_or_suspended_is_to_review(base: Objects, head: Objects) -> None:
    """`kubernetes.operator.job.savepoint-on-deletion` on the job, or in the rendered operator's default
    configuration, makes the operator stop the job with a savepoint (`cleanupInternal`); a suspended job keeps the
    savepoint or checkpoint it was suspended with."""
    conf(base, APP)["kubernetes.operator.job.savepoint-on-deletion"] = "true"
    job(base, EVENT)["state"] = "suspended"
    del head[APP], head[EVENT]
    assert lines(base, head) == [
        "review: prod FlinkDeployment/flink/bronze-ingest-sale-order: removed: Argo CD does not prune it "
        "(Prune=false), so it keeps running unmanaged until someone deletes it; then the operator stops the "
        "last-state job with a savepoint (kubernetes.operator.job.savepoint-on-deletion) and forgets its savepoint "
        "history: a new or renamed resource starts from empty state unless its job.initialSavepointPath names it "
        "(its path is in the savepoint directory s3://prod-flink/savepoints/bronze-ingest-sale-order)",
        "review: prod FlinkSessionJob/flink/bronze-ingest-event: removed: the savepoint job is suspended: the "
        "operator deletes what is left of it and forgets its savepoint history, and the savepoint or checkpoint it "
        "was suspended with stays in storage: a new or renamed resource starts from empty state unless its "
        "job.initialSavepointPath names it"]
    del conf(base, APP)["kubernetes.operator.job.savepoint-on-deletion"]
    operator_config = next(obj for key, obj in base.items() if key[1] == "ConfigMap"
                           and "flink-conf.yaml" in (obj.get("data") or {}) and key[2].startswith("technical-"))
    operator_config["data"]["flink-conf.yaml"] += "\nkubernetes.operator.job.savepoint-on-deletion: true\n"
    assert lines(base, head)[0].startswith("review: prod FlinkDeployment/flink/bronze-ingest-sale-order: removed: ")


def test_a_removed_stateless_job_finds_nothing(base: Objects, head: Objects) -> None:
    job(base, EVENT)["upgradeMode"] = "stateless"
    del head[EVENT]
    assert lines(base, head) == []


def test_a_removed_flink_state_snapshot(base: Objects, head: Objects) -> None:
    snapshot: dict[str, Any] = {"apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkStateSnapshot",
                                "metadata": {"name": "sale-order-before-v2", "namespace": "flink"},
                                "spec": {"jobReference": {"kind": "FlinkDeployment", "name": APP[3]},
                                         "savepoint": {"path": "s3://prod-flink/savepoints/bronze-ingest-sale-order"}}}
    key = ("prod", "FlinkStateSnapshot", "flink", "sale-order-before-v2")
    base[key] = snapshot
    assert lines(base, head) == [
        "certain loss: prod FlinkStateSnapshot/flink/sale-order-before-v2: removed: the operator disposes of the "
        "savepoint's files "
        "(savepoint.disposeOnDelete defaults to true); set it to false first to keep them"]
    snapshot["spec"]["savepoint"]["disposeOnDelete"] = False
    assert lines(base, head) == [
        "review: prod FlinkStateSnapshot/flink/sale-order-before-v2: removed: the snapshot's record (its path) goes; "
        "the files stay"]


def test_changed_volume_claim_templates_fail_the_sync(base: Objects, head: Objects) -> None:
    templates = head[ZOOKEEPER]["spec"]["volumeClaimTemplates"]
    templates.append({"metadata": {"name": "zk-logs"}, "spec": templates[0]["spec"]})
    assert lines(base, head) == [
        "certain loss: prod StatefulSet/fluss/zookeeper: spec.volumeClaimTemplates: 'zk-logs' added: Kubernetes "
        "forbids updating a "
        "StatefulSet's volumeClaimTemplates, so Argo CD's sync fails; recreate it (kubectl delete --cascade=orphan, "
        "then sync)"]
    templates[1]["spec"]["resources"]["requests"]["storage"] = "5Gi"
    assert lines(base, head) == [
        "certain loss: prod StatefulSet/fluss/zookeeper: spec.volumeClaimTemplates: 'zk-datalog' changed, 'zk-logs' "
        "added: "
        "Kubernetes forbids updating a StatefulSet's volumeClaimTemplates, so Argo CD's sync fails; recreate it "
        "(kubectl delete --cascade=orphan, then sync) and resize existing PVCs by hand"]


def test_a_removed_pvc_backed_stateful_set(base: Objects, head: Objects) -> None:
    del head[ZOOKEEPER]
    assert lines(base, head) == [
        "review: prod StatefulSet/fluss/zookeeper: removed: Argo CD does not prune it (Prune=false), so it keeps "
        "running unmanaged until someone deletes it; then its PVCs (zk-data, zk-datalog) are retained: a StatefulSet "
        "of the same name reattaches them, a renamed one starts with empty volumes"]
    base[ZOOKEEPER]["spec"]["persistentVolumeClaimRetentionPolicy"] = {"whenDeleted": "Delete"}
    del base[ZOOKEEPER]["metadata"]["annotations"]["argocd.argoproj.io/sync-options"]
    assert lines(base, head) == [
        "certain loss: prod StatefulSet/fluss/zookeeper: removed: the StatefulSet controller deletes its PVCs "
        "(zk-data, zk-datalog; "
        "persistentVolumeClaimRetentionPolicy.whenDeleted: Delete): their data is lost"]


def _report(base: Objects, head: Objects, *, unified: bool = False) -> str:
    """The text report of `diff` from `base` to `head`, its state findings split by kind as the CLI splits them."""
    findings = check(base, head)
    return render(compare(base, head, unified=unified), [f.line for f in findings if f.certain],
                  [f.line for f in findings if not f.certain])


RETAINED = ("prod StatefulSet/fluss/zookeeper: removed: Argo CD does not prune it (Prune=false), so it keeps running "
            "unmanaged until someone deletes it; then its PVCs (zk-data, zk-datalog) are retained: a StatefulSet of "
            "the "
            "same name reattaches them, a renamed one starts with empty volumes")


def test_the_report_lists_certain_losses_then_reviews_after_the_objects_also_unified(base: Objects,
                                                                                    head: Objects) -> None:
    del head[ZOOKEEPER]
    conf(head, APP)["pipeline.max-parallelism"] = "256"
    for unified in (False, True):
        assert _report(base, head, unified=unified).splitlines()[-5:] == [
            "certain loss of state (fails --fail-on-unsafe):",
            "  prod FlinkDeployment/flink/bronze-ingest-sale-order: spec.flinkConfiguration.pipeline.max-parallelism: "
            "128 -> 256: the restore of the last-state job fails: keyed state has 128 key groups, and Flink refuses a "
            "changed max parallelism; keep 128, or rewrite the state for the new value and redeploy from it "
            "(savepointRedeployNonce)",
            "review (state may be at stake; does not fail the check):",
            f"  {RETAINED}",
            "2 objects differ: 0 added, 1 removed, 1 changed"]
    only_review = copy.deepcopy(base)
    del only_review[ZOOKEEPER]
    report = _report(base, only_review)
    assert "certain loss" not in report
    assert report.splitlines()[-3:-1] == ["review (state may be at stake; does not fail the check):", f"  {RETAINED}"]
    head = copy.deepcopy(base)
    head[ZOOKEEPER]["spec"]["replicas"] = 3
    report = _report(base, head, unified=True)
    assert "certain loss" not in report and "review" not in report


def _refs(monkeypatch: pytest.MonkeyPatch, base: Objects, head: Objects) -> None:
    """`diff --base base --head head` reads these objects instead of a git ref's dist/."""
    monkeypatch.setattr(manifests.diff, "rendered_at_ref", lambda ref, envs: {"base": base, "head": head}[ref])


DIFF = ["diff", "--base", "base", "--head", "head", "--env", "prod"]


def test_fail_on_unsafe_exits_3_on_a_certain_loss_only(monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str], base: Objects,
                                                       head: Objects) -> None:
    _refs(monkeypatch, base, head)
    assert cli_main([*DIFF, "--fail-on-unsafe"]) == 0
    head[APP]["metadata"]["labels"]["team"] = "ingest"
    assert cli_main([*DIFF, "--fail-on-unsafe"]) == 1  # a change, nothing for the gate
    assert "certain loss" not in capsys.readouterr().out
    job(head, APP)["parallelism"] = 4
    assert cli_main([*DIFF, "--fail-on-unsafe"]) == 1  # a review finding does not fail
    assert "review (state may be at stake; does not fail the check):\n  prod FlinkDeployment" in capsys.readouterr().out
    job(head, APP)["upgradeMode"] = "stateless"
    assert cli_main(DIFF) == 1
    assert cli_main([*DIFF, "--fail-on-unsafe"]) == 3
    out = capsys.readouterr().out
    assert ("certain loss of state (fails --fail-on-unsafe):\n  prod FlinkDeployment/flink/bronze-ingest-sale-order: "
            "spec.job.upgradeMode: last-state -> stateless: this change upgrades the job (spec.job.parallelism)") in out


def test_a_jar_bump_of_a_savepoint_job_is_a_review_that_passes_the_gate(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], base: Objects, head: Objects) -> None:
    """The reported case: every routine JAR bump of a savepoint job failed the pull request's check."""
    _refs(monkeypatch, base, head)
    job(head, EVENT)["jarURI"] = job(head, EVENT)["jarURI"].replace(".jar", "-0.2.0.jar")
    assert [f.kind for f in check(base, head)] == [REVIEW]
    assert cli_main([*DIFF, "--fail-on-unsafe", "--format", "markdown"]) == 1  # changes; the gate passes (not 3)
    out = capsys.readouterr().out
    assert "> **Review: 1 change**" in out and "Certain loss" not in out


def test_turning_on_allow_non_restored_state_is_a_certain_loss_that_fails_the_gate(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], base: Objects, head: Objects) -> None:
    """The reported case: turning on the flag that silently discards state made the check green."""
    _refs(monkeypatch, base, head)
    job(head, EVENT)["jarURI"] = job(head, EVENT)["jarURI"].replace(".jar", "-0.2.0.jar")
    job(head, EVENT)["allowNonRestoredState"] = True
    assert [(f.field, f.kind) for f in check(base, head)] == [("spec.job.allowNonRestoredState", LOSS)]
    assert cli_main([*DIFF, "--fail-on-unsafe", "--format", "markdown"]) == 3
    out = capsys.readouterr().out
    assert "> [!CAUTION]\n> **Certain loss: 1 change**" in out
    assert "spec.job.allowNonRestoredState: turned on" in out


def test_changes_the_operator_refuses_are_flagged(base: Objects, head: Objects) -> None:
    head[EVENT]["spec"]["deploymentName"] = "team-session"
    del head[APP]["spec"]["job"]
    found = lines(base, head)
    assert ("certain loss: "
            "prod FlinkSessionJob/flink/bronze-ingest-event: spec.deploymentName: flink-session -> team-session: the "
            "operator refuses it (\"The deploymentName can't be changed\")") in found
    assert ("certain loss: "
            "prod FlinkDeployment/flink/bronze-ingest-sale-order: spec.job: removed: the operator refuses it (\"Cannot "
            "switch from job to session cluster\")") in found


def test_a_mode_switch_the_operator_refuses_is_flagged(base: Objects, head: Objects) -> None:
    head[SESSION]["spec"]["mode"] = "standalone"
    assert lines(base, head) == [
        "certain loss: prod FlinkDeployment/flink/flink-session: spec.mode: native -> standalone: the operator refuses "
        "it (\"Cannot "
        "switch from native kubernetes to standalone kubernetes cluster\")"]
    head[SESSION]["spec"]["mode"] = "native"  # unset is native
    assert lines(base, head) == []


def test_a_savepoint_redeploy_needs_its_savepoint_path(base: Objects, head: Objects) -> None:
    job(head, APP)["savepointRedeployNonce"] = 1
    refused = ("certain loss: "
               "prod FlinkDeployment/flink/bronze-ingest-sale-order: spec.job.savepointRedeployNonce: None -> 1: the "
               "operator refuses it (\"InitialSavepointPath must not be empty for savepoint redeployment\"): set "
               "spec.job.initialSavepointPath to the savepoint to redeploy from")
    assert refused in lines(base, head)
    job(head, APP)["initialSavepointPath"] = "s3://flink/savepoints/savepoint-1"
    assert not [line for line in lines(base, head) if "refuses" in line]
    job(base, APP)["savepointRedeployNonce"] = 1  # the nonce unchanged: no redeploy, nothing to refuse
    del job(head, APP)["initialSavepointPath"]
    assert refused.replace("None -> 1", "1 -> 1") not in lines(base, head)


def test_a_new_flink_version_after_a_last_state_suspend_is_flagged(base: Objects, head: Objects) -> None:
    job(base, APP)["state"] = job(head, APP)["state"] = "suspended"
    head[APP]["spec"]["flinkVersion"] = "v2_0"
    refused = ("certain loss: "
               "prod FlinkDeployment/flink/bronze-ingest-sale-order: spec.flinkVersion: v1_20 -> v2_0: the operator "
               "refuses it (\"Changing flinkVersion after last-state suspend is not allowed\"): resume the job with "
               "the current version first, then upgrade")
    assert refused in lines(base, head)
    job(base, APP)["state"] = "running"  # suspended by this change: the operator upgrades the version first
    assert refused not in lines(base, head)
    job(base, APP)["state"] = "suspended"
    job(head, APP)["upgradeMode"] = "stateless"  # the rule skips stateless specs (state is dropped anyway)
    assert refused not in lines(base, head)


def _standalone(parallelism: int, *, ha: bool, savepoint: str | None = None) -> Objects:
    from tests.conftest import environment, render

    job: dict[str, Any] = {"jarPath": "local:///opt/flink/usrlib/scoring.jar", "entryClass": "com.example.Scoring",
                           "parallelism": parallelism}
    if savepoint:
        job["initialSavepointPath"] = savepoint
    objects = render(environment(flink={"deployments": [{
        "name": "scoring", "backend": "standalone", "highAvailability": ha,
        "jobManager": {"replicas": 2 if ha else 1}, "taskManager": {"replicas": 2}, "job": job}]}))
    return {("test", o["kind"], o["metadata"].get("namespace", ""), o["metadata"]["name"]): o for o in objects}


STANDALONE_JM = ("test", "Deployment", "flink", "scoring-jobmanager")


def test_a_standalone_job_without_ha_restarts_from_empty_state_when_its_jobmanager_rolls_out() -> None:
    base, head = _standalone(2, ha=False), _standalone(4, ha=False)
    assert labelled(f for f in check(base, head) if f.key == STANDALONE_JM) == [
        "certain loss: test Deployment/flink/scoring-jobmanager: spec.template: the JobManager rolls out and, without "
        "Kubernetes "
        "HA, runs the standalone job from empty state: take a savepoint first and start from it "
        "(job.initialSavepointPath)"]
    restored = _standalone(4, ha=False, savepoint="s3://b/sp-1")
    assert [f.reason for f in check(restored, _standalone(6, ha=False, savepoint="s3://b/sp-1"))
            if f.key == STANDALONE_JM][0].startswith("the JobManager rolls out and, without Kubernetes HA, runs the "
                                                     "standalone job from s3://b/sp-1 again")
    assert [f.reason.split(":")[1] for f in check(_standalone(2, ha=True), _standalone(4, ha=True))
            if f.key == STANDALONE_JM] == [" the change does not take effect"]  # tests/test_standalone_upgrades.py
    assert check(base, base) == []


def test_removing_a_standalone_application_cluster_is_flagged() -> None:
    base = _standalone(2, ha=True)
    head = {k: v for k, v in base.items() if not k[3].startswith("scoring")}
    assert labelled(f for f in check(base, head) if f.key == STANDALONE_JM) == [
        "certain loss: test Deployment/flink/scoring-jobmanager: removed: the standalone job is cancelled without a "
        "savepoint; a new "
        "or renamed cluster starts from empty state unless its job.initialSavepointPath names a savepoint"]


def _rendered(doc: dict[str, Any]) -> Objects:
    """The objects the platform renders for environment document `doc`, keyed as `diff` keys them."""
    from tests.conftest import render

    return {("test", o["kind"], o["metadata"].get("namespace", ""), o["metadata"]["name"]): o for o in render(doc)}


def _spark(**fields: Any) -> Objects:
    from tests.conftest import environment

    return _rendered(environment(spark={"applications": [
        {"name": "ingest", "mainApplicationFile": "jobs/ingest.py", "sparkConf": {"spark.sql.shuffle.partitions": "64"},
         **fields}]}))


SPARK_APP = ("test", "SparkApplication", "spark", "ingest")
RERUN = ("the Spark operator reruns the application on any spec change but suspend and timeToLiveSeconds, even if it "
         "completed: it marks it INVALIDATING, deletes its driver (a running run is killed) and submits it again "
         "(event_filter.go Update), so a batch that already ran runs and writes its output again")


def test_a_spec_change_of_a_spark_application_reruns_it() -> None:
    base = _spark()
    head = _spark(arguments=["--day", "2026-12-07"], sparkConf={"spark.sql.shuffle.partitions": "128"})
    assert labelled(f for f in check(base, head)) == [
        f"review: test SparkApplication/spark/ingest: spec.arguments, spec.sparkConf.spark.sql.shuffle.partitions: "
        f"{RERUN}"]
    image = copy.deepcopy(base)
    image[SPARK_APP]["spec"]["image"] = "spark-iceberg-s3:0.2.0"  # e.g. a platform image bump reruns every app
    assert [(f.field, f.kind) for f in check(base, image)] == [("spec.image", REVIEW)]


def test_suspend_ttl_and_metadata_changes_of_a_spark_application_rerun_nothing() -> None:
    base = _spark()
    head = copy.deepcopy(base)
    head[SPARK_APP]["spec"].update(suspend=True, timeToLiveSeconds=3600)
    head[SPARK_APP]["metadata"]["labels"]["team"] = "ingest"
    assert check(base, head) == []


def test_a_scheduled_template_change_reaches_the_next_run_only() -> None:
    """The controller copies spec.template into each new run and never updates a run it created."""
    base, head = _spark(schedule={"cron": "@daily"}), _spark(schedule={"cron": "@daily"}, arguments=["--full"])
    key = ("test", "ScheduledSparkApplication", "spark", "ingest")
    assert base[key] != head[key]
    assert check(base, head) == []


def _pools(**pool: Any) -> Objects:
    """A pool `orders` (with `pool`'s fields) that a FlinkDeployment and a SparkApplication run on, and a pool
    `batch` nothing uses."""
    from tests.conftest import environment

    return _rendered(environment(
        nodePools=[{"name": "orders", "nodeClass": "flink-nodes", "requirements": {"capacityTypes": ["on-demand"]},
                    **pool}, {"name": "batch", "nodeClass": "default"}],
        flink={"deployments": [{"name": "orders-enrichment", "nodePool": "orders", "job": {"jarPath": "jobs/o.jar"}}]},
        spark={"applications": [{"name": "ingest", "mainApplicationFile": "jobs/i.py", "nodePool": "orders"}]}))


ORDERS_POOL = ("test", "NodePool", "", "orders")
ON_ORDERS = "the pods on them (FlinkDeployment/flink/orders-enrichment, SparkApplication/spark/ingest)"
FLINK_RESTARTS = "; a Flink job among them restarts from its last checkpoint"
DRIFT = ("Karpenter hashes the NodePool's template (all of spec.template but requirements: NodePool.Hash) into every "
         "node it launches, so this change marks every node of the pool Drifted: each is drained and replaced as the "
         f"pool's disruption budgets allow: {ON_ORDERS} are evicted and start again on new nodes{FLINK_RESTARTS}")


def test_a_node_pool_template_change_drifts_every_node_of_the_pool() -> None:
    """expireAfter 720h -> Never (the platform's default since #20 item 6): an upgrade drifts the pool's nodes once."""
    base = _pools(expireAfter="720h")
    assert labelled(f for f in check(base, _pools())) == [
        f"review: test NodePool/orders: spec.template.spec.expireAfter: {DRIFT}"]
    labels = labelled(f for f in check(base, _pools(expireAfter="720h", labels={"team": "orders"})))
    assert labels == [f"review: test NodePool/orders: spec.template.metadata.labels.team: {DRIFT}"]
    unused = copy.deepcopy(base)
    unused[("test", "NodePool", "", "batch")]["spec"]["template"]["spec"]["nodeClassRef"]["name"] = "new-ami"
    assert labelled(f for f in check(base, unused)) == [
        "review: test NodePool/batch: spec.template.spec.nodeClassRef.name: "
        + DRIFT.replace(ON_ORDERS, "their pods").removesuffix(FLINK_RESTARTS)]


def test_node_pool_changes_outside_the_hash_drift_nothing() -> None:
    """Requirements, limits, disruption and weight are not hashed; the CRD's default 720h is what an absent
    expireAfter is; durations count by value; taints are a set."""
    base = _pools(expireAfter="720h", terminationGracePeriod="1h")
    head = _pools(expireAfter="720h", terminationGracePeriod="60m", weight=5, limits={"cpu": "8"},
                  requirements={"capacityTypes": ["spot"]},
                  disruption={"budgets": [{"nodes": "0", "schedule": "0 8 * * *", "duration": "10h"}]})
    template = head[ORDERS_POOL]["spec"]["template"]
    del template["spec"]["expireAfter"]
    template["spec"]["taints"] = [*template["spec"]["taints"], {"key": "a", "effect": "NoSchedule"}]
    base[ORDERS_POOL]["spec"]["template"]["spec"]["taints"].insert(0, {"key": "a", "effect": "NoSchedule"})
    assert base[ORDERS_POOL] != head[ORDERS_POOL]
    assert check(base, head) == []


def test_removing_a_node_pool_deletes_its_nodes() -> None:
    base = _pools()
    head = {k: v for k, v in base.items() if k != ORDERS_POOL}
    assert labelled(f for f in check(base, head) if f.key == ORDERS_POOL) == [
        "review: test NodePool/orders: removed: its NodeClaims are owned by it, so Kubernetes deletes them with it: "
        f"Karpenter drains and terminates every node of the pool, not paced by its disruption budgets: {ON_ORDERS} are "
        f"evicted and start elsewhere, or stay Pending when no other pool takes them{FLINK_RESTARTS}"]
