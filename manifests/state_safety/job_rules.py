"""The state gate's rules on one Flink job, comparing how the operator sees it before and after a change
(`manifests.state_safety.flink_jobs.Job`): its upgrade mode, its restore (JAR, max parallelism, parallelism),
`allowNonRestoredState`, its state directories and its state backend. See `manifests.state_safety` for the gate."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from manifests.diff import Key
from manifests.state_finding import LOSS, NON_RESTORED_STATE, REVIEW, Finding, few
from manifests.state_safety.flink_jobs import Job, savepoint_redeploy, upgrade_fields
from upstream.flink_options import CHECKPOINT_DIR, HA_STORAGE_DIR, INCREMENTAL_CHECKPOINTS, SAVEPOINT_DIR, STATE_BACKEND

MAX_PARALLELISM = "pipeline.max-parallelism"
DEFAULT_MAX_PARALLELISM_FLOOR = 128
"""Flink derives a job's max parallelism from its first parallelism p as roundUpToPowerOfTwo(p + p/2), at least
128 (`KeyGroupRangeAssignment.computeDefaultMaxParallelism`) and keeps it in the state."""


def _int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def upgrade_mode(key: Key, old_obj: dict[str, Any], new_obj: dict[str, Any], old: Job, new: Job) -> Iterator[Finding]:
    """Protects the state of a job from a `stateless` upgrade. The operator suspends and restores a job with the
    upgrade mode of the new spec (`AbstractJobReconciler`: "We inherit the upgrade mode unless stateless upgrade
    requested"): a `stateless` job is cancelled without a savepoint and started from empty state
    (`JOB_MANAGEMENT`#stateful-and-stateless-application-upgrades). A change of `upgradeMode` alone does not
    restart the job, so a job that becomes stateless loses its state at its next upgrade, suspend or resume (a
    certain loss: the state is lost whatever the JAR); a job that was stateless already loses the state it built up
    (source offsets, windows) whenever it is upgraded (review: stateless was chosen)."""
    if new.stateful or savepoint_redeploy(old, new):
        return
    fields = upgrade_fields(old_obj, new_obj)
    if old.stateful:
        if old.running and not new.running:
            when = "the suspend this change makes cancels the job without a savepoint"
        elif not old.running and new.running:
            when = "the job resumes from empty state, not from the state it was suspended with"
        elif old.running and fields:
            when = (f"this change upgrades the job ({few(fields)}), and the operator, using the new mode, cancels "
                    f"it without a savepoint and starts it from empty state")
        elif old.running:
            when = ("the next upgrade (any spec change; upgradeMode alone does not restart the job) cancels it "
                    "without a savepoint and starts it from empty state")
        else:
            when = "resuming the job later starts it from empty state"
        yield Finding(key, "spec.job.upgradeMode", f"{old.mode} -> {new.mode}: {when}", LOSS)
    elif old.running and new.running and fields:
        yield Finding(key, few(fields), "stateless job: this change upgrades it, so the operator cancels it and "
                      "starts it from empty state (operator state such as source offsets and windows is lost); "
                      "upgradeMode savepoint or last-state would carry the state over", REVIEW)


def restore(key: Key, old: Job, new: Job) -> Iterator[Finding]:
    """Protects the restore of a stateful job (`savepoint`, `last-state`): an upgrade restores the savepoint or
    latest checkpoint into the new job graph (Flink's `StateAssignmentOperation`), so

    - a changed `jarURI` or `entryClass` (review: the JAR's operators are not in the rendering): without
      `allowNonRestoredState`, state of an operator the new job no longer has, or whose uid changed, fails the
      restore (the state stays, the job does not start); with it on (already: turning it on is `non_restored_state`),
      that state is dropped without an error;
    - a changed `pipeline.max-parallelism` fails it (certain loss): the number of key groups of keyed state cannot
      change ("The maximum parallelism (m) with which the latest checkpoint ... has been taken and the current
      maximum parallelism (n) changed"); where none was set before the state holds what Flink derived (review), and a
      savepoint redeploy restores a savepoint that may have been rewritten for the new value (review);
    - a `parallelism` above the max parallelism of the state fails it (certain loss: "The maximum parallelism (m) of
      the restored state is lower than the configured parallelism (p)"); above 128 where Flink derived the max
      parallelism (review); within it, the upgrade restarts the job and redistributes its key groups (review).

    Suspended jobs are checked too: they restore when resumed."""
    if not new.stateful:
        return
    dropping = new.job.get("allowNonRestoredState") is True
    for field in ("jarURI", "entryClass"):
        if old.job.get(field) != new.job.get(field) and (old.job.get("allowNonRestoredState") is True or not dropping):
            what = "JAR" if field == "jarURI" else "main class"
            outcome = (f"{NON_RESTORED_STATE}, as allowNonRestoredState is on" if dropping else "state of an "
                       "operator it no longer has (or whose uid changed) fails the restore (the state stays, the job "
                       "does not start), as allowNonRestoredState is not set")
            yield Finding(key, f"spec.job.{field}", f"the {new.mode} job restores its {new.restores} into the job "
                          f"graph of the new {what}: {outcome}; check that the new {what} keeps the operator uids",
                          REVIEW)
    if not (old.conf_known and new.conf_known):
        return
    old_max, new_max = _int(old.conf.get(MAX_PARALLELISM)), _int(new.conf.get(MAX_PARALLELISM))
    redeploy = savepoint_redeploy(old, new)
    field = f"spec.flinkConfiguration.{MAX_PARALLELISM}"
    if new_max is not None and new_max != old_max:
        if old_max is None:
            yield Finding(key, field, f"set to {new_max}: the {new.restores} holds the max parallelism Flink derived "
                          f"from the job's first parallelism (at least {DEFAULT_MAX_PARALLELISM_FLOOR}); the restore "
                          f"fails unless that was {new_max}", REVIEW)
        elif redeploy:
            yield Finding(key, field, f"{old_max} -> {new_max}: the savepoint redeploy restores "
                          f"{new.job['initialSavepointPath']}, which must have been written with max parallelism "
                          f"{new_max} (e.g. rewritten with the State Processor API)", REVIEW)
        else:
            yield Finding(key, field, f"{old_max} -> {new_max}: the restore of the {new.mode} job fails: keyed state "
                          f"has {old_max} key groups, and Flink refuses a changed max parallelism; keep {old_max}, or "
                          "rewrite the state for the new value and redeploy from it (savepointRedeployNonce)", LOSS)
    old_p, new_p = _int(old.job.get("parallelism")), _int(new.job.get("parallelism"))
    state_max = old_max if new_max is None or new_max == old_max else None
    if new_p is not None and new_p != old_p and not redeploy:
        if state_max is not None and new_p > state_max:
            yield Finding(key, "spec.job.parallelism", f"{old_p} -> {new_p}: the restore fails: the max parallelism "
                          f"of the state ({state_max}) is lower than the new parallelism", LOSS)
        elif old_max is None and new_max is None and new_p > DEFAULT_MAX_PARALLELISM_FLOOR:
            yield Finding(key, "spec.job.parallelism", f"{old_p} -> {new_p}: no max parallelism is set, so the state "
                          "holds the one Flink derived from the job's first parallelism "
                          f"({DEFAULT_MAX_PARALLELISM_FLOOR} if that was at most 85); the restore fails if it is "
                          "lower than the new parallelism", REVIEW)
        elif new_max is None or new_max == old_max:
            ceiling = state_max or DEFAULT_MAX_PARALLELISM_FLOOR
            yield Finding(key, "spec.job.parallelism", f"{old_p} -> {new_p}: the {new.mode} upgrade restarts the job "
                          f"and redistributes the key groups of its state ({'at least ' if state_max is None else ''}"
                          f"{ceiling}) over {new_p} subtasks: the restore works", REVIEW)


def non_restored_state(key: Key, old: Job, new: Job) -> Iterator[Finding]:
    """Protects state from being dropped silently: `allowNonRestoredState` turned on for a stateful job. Its change
    alone restarts nothing (`@SpecDiff(DiffType.IGNORE)`); the next restore from a savepoint or checkpoint path
    (Flink's `CheckpointCoordinator.restoreSavepoint` reads it from the savepoint restore settings) then skips the
    state of operators the job graph no longer has instead of failing. A certain loss: without the flag such a
    restore fails and keeps the state; the flag does nothing but make that loss silent, so turning it on is taken as
    dropping state (which operators lose theirs depends on the JAR, which the rendering does not show)."""
    if new.stateful and new.job.get("allowNonRestoredState") is True and old.job.get("allowNonRestoredState") is not True:
        yield Finding(key, "spec.job.allowNonRestoredState", f"turned on: when the {new.mode} job next restores from a "
                      "savepoint or a checkpoint path (a savepoint upgrade, a resume, a redeploy from "
                      f"initialSavepointPath), {NON_RESTORED_STATE}; set it back to false once that restore ran",
                      LOSS)


REQUIRED_DIRECTORIES = {
    (CHECKPOINT_DIR, "last-state"): f"Checkpoint directory[{CHECKPOINT_DIR}] must be defined for last-state and "
                                    "savepoint upgrade modes",
    (CHECKPOINT_DIR, "savepoint"): f"Checkpoint directory[{CHECKPOINT_DIR}] must be defined for last-state and "
                                   "savepoint upgrade modes",
    (SAVEPOINT_DIR, "savepoint"): f"Job could not be upgraded with savepoint while config key[{SAVEPOINT_DIR}] is not "
                                  "set",
}
"""(directory, upgrade mode) -> the operator 1.14's refusal of a spec without that directory
(`DefaultValidator.validateJobSpec`)."""

SAVEPOINT_FORMAT = "kubernetes.operator.savepoint.format.type"
"""The format of the savepoints the operator takes (`DEFAULT`, the canonical format, unless set to `NATIVE`)."""

DIRECTORY_REASONS = {
    CHECKPOINT_DIR: "its checkpoints so far stay in the old directory: a last-state upgrade (or a savepoint "
                    "upgrade's fallback) restores from there by the absolute path the HA metadata recorded, and "
                    "incremental checkpoints keep referring to files there",
    SAVEPOINT_DIR: "its savepoints so far, and the one an upgrade takes (with the deployed configuration), stay "
                   "in the old directory: the restore reads them there by the absolute path the operator recorded",
    HA_STORAGE_DIR: "its HA metadata (ConfigMaps) points to job graphs and checkpoint metadata in the old "
                    "directory: a last-state upgrade or an HA recovery reads them there",
}


def state_directories(key: Key, old: Job, new: Job) -> Iterator[Finding]:
    """Protects where a stateful job's state is found. Checkpoints, savepoints and HA metadata are recorded by
    absolute path, so the state written so far stays where it was: the job must keep read access to the old
    directory (bucket, IAM role, lifecycle rules), and a manual recovery (`JOB_MANAGEMENT`#manual-recovery: "Locate
    the latest checkpoint/savepoint metafile in your configured checkpoint/savepoint directory") must look there.
    A review, as the restore works while the old location stays readable. A session job's directories are its
    session cluster's unless it sets its own.

    A directory the operator needs that becomes unset is a certain loss: the operator 1.14 refuses the spec
    (`DefaultValidator.validateJobSpec`, release-1.14.0 lines 240-260: a checkpoint directory for `last-state` and
    `savepoint`, a savepoint directory for `savepoint`), so the job is not upgraded and the sync shows the error."""
    if not (old.stateful and new.stateful and old.conf_known and new.conf_known):
        return
    for directory, reason in DIRECTORY_REASONS.items():
        (before, _), (after, set_by) = old.directory(directory), new.directory(directory)
        if not before or before == after:
            continue
        refusal = REQUIRED_DIRECTORIES.get((directory, new.mode)) if not after else None
        if refusal:
            yield Finding(key, f"spec.flinkConfiguration.{directory}", f"{before} -> (unset): the operator refuses "
                          f"the spec of the {new.mode} job (\"{refusal}\"), so it is not upgraded; keep the directory",
                          LOSS)
            continue
        where = (f" (set on its session cluster {new.session_cluster})"
                 if new.session_cluster and set_by and set_by not in new.own_keys else "")
        yield Finding(key, f"spec.flinkConfiguration.{set_by or directory}",
                      f"{before} -> {after or '(unset)'}{where}: {reason}, so the job must still be able to "
                      "read it, and a manual recovery must look there", REVIEW)


def state_backend(key: Key, old: Job, new: Job) -> Iterator[Finding]:
    """Protects the restore of a stateful job from a changed state backend (`state.backend.type`, default `hashmap`).
    Flink 1.20 restores a snapshot into another state backend only from a savepoint in the canonical format (Flink
    docs, ops/state/checkpoints_vs_savepoints, "State backend change": canonical savepoint only); a `savepoint`
    upgrade takes one (operator 1.14 `kubernetes.operator.savepoint.format.type`, default `DEFAULT`, the canonical
    format), a `last-state` upgrade restores the latest checkpoint. So:

    - a `last-state` job whose state is in an incremental RocksDB checkpoint (RocksDB's own SST files) and whose
      backend becomes another: the restore fails (certain loss);
    - any other backend change of a stateful job (review): a `last-state` job restores a checkpoint Flink does not
      support restoring into another backend; a `savepoint` job works when its savepoint is canonical, and not when the
      operator falls back to the last checkpoint (a job that is not running) or takes `NATIVE` savepoints."""
    if not (old.stateful and new.stateful and old.conf_known and new.conf_known):
        return
    before, after = old.setting(STATE_BACKEND, "hashmap"), new.setting(STATE_BACKEND, "hashmap")
    if before == after:
        return
    field = f"spec.flinkConfiguration.{new.directory(STATE_BACKEND)[1] or STATE_BACKEND}"
    native = "native" in (new.conf.get(SAVEPOINT_FORMAT) or "").lower()
    if new.mode == "last-state" and before == "rocksdb" and old.setting(INCREMENTAL_CHECKPOINTS, "false") == "true":
        yield Finding(key, field, f"{before} -> {after}: the last-state job restores its latest checkpoint, an "
                      "incremental RocksDB one (RocksDB's own files), which only RocksDB reads: the restore fails; "
                      "upgrade with a canonical savepoint instead (upgradeMode: savepoint first, then this change)",
                      LOSS)
    elif new.mode == "last-state" or native:
        what = "its latest checkpoint" if new.mode == "last-state" else "a NATIVE savepoint"
        yield Finding(key, field, f"{before} -> {after}: the {new.mode} job restores {what}, which Flink does not "
                      "support restoring into another state backend; upgrade with a canonical savepoint instead",
                      REVIEW)
    else:
        yield Finding(key, field, f"{before} -> {after}: the savepoint upgrade takes a canonical savepoint, which the "
                      "new backend restores; if the job is not running, the operator restores its last checkpoint "
                      "instead, which Flink does not support restoring into another state backend", REVIEW)
