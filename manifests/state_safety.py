"""The state gate of `diff`: changes between two renderings that put state at stake, each a `Finding` of one of two
kinds (`manifests.state_finding.Kind`): a **certain loss** (the change loses state, or certainly fails a restore, an
update or an upgrade, whatever the JAR and the storage hold; `diff --fail-on-unsafe` exits 3) or a change to
**review** (the outcome depends on what the rendering does not show; printed, never failing).

Every check compares one object's base and head rendering (or notes its removal). The Flink rules follow the Flink
Kubernetes Operator 1.14 (job management, upgrade modes: `JOB_MANAGEMENT`; `JobSpec` and `AbstractFlinkSpec`, which
decide what a spec change does; `AbstractJobReconciler`, which suspends and restores a job with the upgrade mode of
the *new* spec) and Flink 1.20 (`StateAssignmentOperation`, which restores state into a job graph). The rules, with
the kind of each finding:

- `upgrade_mode`: a stateful job (an application FlinkDeployment's or a FlinkSessionJob's `spec.job`) that becomes
  `stateless` (certain loss); a `stateless` job that is upgraded starts from empty state (review);
- `restore`: a stateful job (`savepoint`, `last-state`) whose changed max parallelism, or parallelism above the max
  parallelism of its state, fails the restore (certain loss); a new JAR or main class, a max parallelism set where
  Flink derived it, a rescale (review);
- `non_restored_state`: a stateful job whose `allowNonRestoredState` is turned on: its next restore drops the state of
  operators the job no longer has, without an error (certain loss: the flag does nothing else);
- `state_directories`: a stateful job whose checkpoint, savepoint or HA directory moves (review) or whose checkpoint
  or savepoint directory the operator needs is unset (certain loss: the operator refuses the spec);
- `state_backend`: a stateful job whose state backend changes (certain loss for a last-state job restoring an
  incremental RocksDB checkpoint, else review);
- `session_cluster`: a session cluster without Kubernetes HA whose spec change makes the operator redeploy it, which
  kills its running session jobs (certain loss when one is stateful, else review);
- `removal`: a removed stateful job (certain loss, review when the operator takes a savepoint on deletion or the job
  is suspended), FlinkStateSnapshot (certain loss when its files are disposed of) or PVC-backed StatefulSet (certain
  loss when its PVCs are deleted); a rename is a removal;
- `volume_claim_templates`: a StatefulSet whose `volumeClaimTemplates` change (Kubernetes refuses the update: certain);
- `refused_changes` (`manifests.operator_refusals`): spec changes the operator refuses on an existing resource
  (certain);
- `standalone_job` (`manifests.standalone_state`): a standalone application cluster (a JobManager Deployment running
  `standalone-job`, no operator) whose JobManager rolls out without Kubernetes HA, or that is removed (certain loss),
  and the HA cases of that module;
- `spark_rerun` (`manifests.spark_rerun`): a SparkApplication whose spec changes: the Spark operator reruns it, even
  if it completed (review);
- `node_drift` (`manifests.node_drift`): a Karpenter NodePool whose hashed template changes (every node drifts and is
  replaced, its pods restart elsewhere) or that is removed (review).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from manifests.diff import Key
from manifests.node_drift import node_drift
from manifests.operator_refusals import refused_changes
from manifests.spark_rerun import spark_rerun
from manifests.standalone_state import standalone_job
from manifests.state_finding import LOSS, NON_RESTORED_STATE, REVIEW, Finding, Objects, few, kept_by_argo_cd
from manifests.tree import changed_paths
from manifests.validation.flink_config import FlinkConf, OperatorDefaults, operator_defaults
from manifests.validation.report import Manifest
from upstream.flink_options import CHECKPOINT_DIR, HA_STORAGE_DIR, INCREMENTAL_CHECKPOINTS, SAVEPOINT_DIR, STATE_BACKEND

JOB_MANAGEMENT = ("https://nightlies.apache.org/flink/flink-kubernetes-operator-docs-release-1.14/docs/"
                  "custom-resource/job-management/")
"""The operator's job management documentation (upgrade modes, deletion, manual recovery) the rules follow."""

STATEFUL_MODES = ("savepoint", "last-state")
"""Upgrade modes that carry state over an upgrade; an absent `upgradeMode` is `stateless` (the `JobSpec` default)."""

IGNORED_JOB_FIELDS = frozenset({"savepointTriggerNonce", "checkpointTriggerNonce", "initialSavepointPath",
                                "upgradeMode", "allowNonRestoredState", "autoscalerResetNonce"})
"""`spec.job` fields whose change alone does not upgrade (restart) the job (`@SpecDiff(DiffType.IGNORE)`)."""

IGNORED_CONFIG_PREFIXES = ("kubernetes.operator.", "job.autoscaler.", "parallelism.default")
"""`flinkConfiguration` keys whose change alone does not upgrade the job (`AbstractFlinkSpec`, IGNORE entries)."""

NULL_IGNORED = frozenset({"spec.restartNonce", "spec.job.savepointRedeployNonce"})
"""Nonces whose change to null does nothing (`onNullIgnore`)."""

STANDALONE_SCALE = frozenset({"spec.job.parallelism", "spec.taskManager.replicas"})
"""Fields a standalone-mode deployment rescales without an upgrade (`DiffType.SCALE`, mode STANDALONE)."""

MAX_PARALLELISM = "pipeline.max-parallelism"
DEFAULT_MAX_PARALLELISM_FLOOR = 128
"""Flink derives a job's max parallelism from its first parallelism p as roundUpToPowerOfTwo(p + p/2), at least
128 (`KeyGroupRangeAssignment.computeDefaultMaxParallelism`) and keeps it in the state."""

SAVEPOINT_ON_DELETION = "kubernetes.operator.job.savepoint-on-deletion"
"""Operator 1.14 `KubernetesOperatorConfigOptions.SAVEPOINT_ON_DELETION` (default false): `cleanupInternal` of
`ApplicationReconciler` (line 392) and `SessionJobReconciler` (line 159) suspends a deleted resource's running job
with a savepoint instead of cancelling it."""

STATE_KEYS = {CHECKPOINT_DIR: ("state.checkpoints.dir",), SAVEPOINT_DIR: ("state.savepoints.dir",),
              HA_STORAGE_DIR: (), STATE_BACKEND: ("state.backend",),
              INCREMENTAL_CHECKPOINTS: ("state.backend.incremental",), SAVEPOINT_ON_DELETION: ()}
"""Keys of a job's state (its directories, backend and snapshot kind), with the deprecated keys Flink 1.20 still
reads in their place (`CheckpointingOptions`, `StateBackendOptions`: `withDeprecatedKeys`)."""


@dataclass(frozen=True)
class Job:
    """A Flink job as the operator sees it: its `spec.job`, the effective configuration (the operator's defaults,
    then a session job's session cluster's `flinkConfiguration`, then its own) and whether the operator keeps its
    state over an upgrade."""

    job: dict[str, Any]
    conf: dict[str, str]
    """The operator's default configuration for the job's namespace and Flink version, then the session cluster's
    `flinkConfiguration` (a session job's), then its own."""
    session_cluster: str = ""
    """A session job's session cluster ("" for an application cluster)."""
    own_keys: frozenset[str] = frozenset()
    """The `flinkConfiguration` keys a session job sets itself."""
    conf_known: bool = True
    """False for a session job whose session cluster is not rendered (`validate` reports that): its effective
    configuration is unknown, so the rules that read it skip the job."""

    @property
    def mode(self) -> str:
        return str(self.job.get("upgradeMode") or "stateless")

    @property
    def stateful(self) -> bool:
        return self.mode in STATEFUL_MODES

    @property
    def running(self) -> bool:
        return str(self.job.get("state") or "running") == "running"

    @property
    def restores(self) -> str:
        return "savepoint" if self.mode == "savepoint" else "latest checkpoint"

    def directory(self, key: str) -> tuple[str, str]:
        """(value, key it is set by) of a `STATE_KEYS` key, also under its deprecated key; ("", "") if unset."""
        return next(((self.conf[k], k) for k in (key, *STATE_KEYS[key]) if self.conf.get(k)), ("", ""))

    def setting(self, key: str, default: str) -> str:
        """A `STATE_KEYS` key's value (lower case, stripped), `default` when unset."""
        return (self.directory(key)[0] or default).strip().lower()


def _int(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def _conf(obj: dict[str, Any] | None) -> dict[str, str]:
    return {str(k): str(v) for k, v in ((obj or {}).get("spec", {}).get("flinkConfiguration") or {}).items()}


def operator_configs(objects: Objects) -> dict[str, OperatorDefaults]:
    """The default configuration of the Flink operators rendered in `objects`, per environment
    (`manifests.validation.flink_config.operator_defaults`)."""
    envs = sorted({key[0] for key in objects})
    return {env: operator_defaults([Manifest("", obj) for key, obj in objects.items() if key[0] == env])
            for env in envs}


def flink_job(key: Key, objects: Objects, defaults: OperatorDefaults | None = None) -> Job | None:
    """The job of an application FlinkDeployment or of a FlinkSessionJob in `objects` (None for other objects and
    session clusters). Its configuration is what the operator deploys it with: the operator's default configuration
    for its namespace and Flink version (`defaults`, none when None), then a session job's session cluster's (same
    environment and namespace), then its own."""
    obj = objects[key]
    spec = obj.get("spec") or {}
    if key[1] not in ("FlinkDeployment", "FlinkSessionJob") or not isinstance(spec.get("job"), dict):
        return None
    operator = defaults or OperatorDefaults()
    if key[1] == "FlinkDeployment":
        return Job(spec["job"], {**operator.config(key[2], spec.get("flinkVersion")), **_conf(obj)})
    cluster = str(spec.get("deploymentName", ""))
    session = objects.get((key[0], "FlinkDeployment", key[2], cluster))
    own = _conf(obj)
    version = ((session or {}).get("spec") or {}).get("flinkVersion")
    return Job(spec["job"], {**operator.config(key[2], version), **_conf(session), **own}, cluster, frozenset(own),
               session is not None)


def upgrade_fields(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The spec fields whose change makes the operator upgrade (stop and redeploy) the job: every changed field
    of `spec` except those the operator ignores (`IGNORED_JOB_FIELDS`, `IGNORED_CONFIG_PREFIXES`, a nonce set to
    null, a rescale of a standalone deployment); `flinkConfiguration` is compared key by key. `spec.job.state` is
    left out: a suspend or resume is not an upgrade."""
    old_spec, new_spec = old.get("spec") or {}, new.get("spec") or {}
    standalone = str(new_spec.get("mode", "native")).lower() == "standalone"
    fields = []
    for path in changed_paths(old_spec, new_spec, "spec", whole=("flinkConfiguration",)):
        if path == "spec.flinkConfiguration":
            old_conf, new_conf = _conf(old), _conf(new)
            fields += [f"{path}.{k}" for k in sorted(old_conf.keys() | new_conf.keys())
                       if old_conf.get(k) != new_conf.get(k) and not k.startswith(IGNORED_CONFIG_PREFIXES)]
        elif path == "spec.job.state" or (path.startswith("spec.job.")
                                          and path.removeprefix("spec.job.") in IGNORED_JOB_FIELDS):
            continue
        elif (path in NULL_IGNORED and _at(new_spec, path) is None) or (standalone and path in STANDALONE_SCALE):
            continue
        else:
            fields.append(path)
    return fields


def _at(spec: dict[str, Any], path: str) -> Any:
    node: Any = spec
    for part in path.split(".")[1:]:
        node = node.get(part) if isinstance(node, dict) else None
    return node


def savepoint_redeploy(old: Job, new: Job) -> bool:
    """The change redeploys the job from `initialSavepointPath`: a new non-null `savepointRedeployNonce`
    (`DiffType.SAVEPOINT_REDEPLOY`, manual recovery in `JOB_MANAGEMENT`)."""
    nonce = new.job.get("savepointRedeployNonce")
    return nonce is not None and nonce != old.job.get("savepointRedeployNonce") and bool(
        new.job.get("initialSavepointPath"))


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


def removal(key: Key, obj: dict[str, Any], job: Job | None) -> Iterator[Finding]:
    """Protects state that goes with its object (a rename removes the old object too):

    - a stateful job's FlinkDeployment or FlinkSessionJob: deleting it makes the operator cancel a running job
      without a savepoint (`cleanupInternal`, `SAVEPOINT_ON_DELETION`) and forget its checkpoints and savepoint
      history ("Deleting a deployment will remove all checkpoint and status information", `JOB_MANAGEMENT`); a new
      or renamed resource starts from empty state unless `job.initialSavepointPath` names a savepoint (certain loss;
      review when the job's configuration, the operator's default included, sets `SAVEPOINT_ON_DELETION` or the job
      is suspended, so a savepoint or checkpoint stays to start from); a session cluster is not flagged: the operator
      does not delete one while session jobs run on it;
    - a FlinkStateSnapshot of a savepoint of a job: the operator disposes of the savepoint's files
      (`disposeOnDelete`, default true; `StateSnapshotReconciler`: certain loss); of a checkpoint, with
      `disposeOnDelete: false` or without a job reference, only the record goes (review);
    - a StatefulSet with `volumeClaimTemplates`: its PVCs are deleted with it under
      `persistentVolumeClaimRetentionPolicy.whenDeleted: Delete` (certain loss), else retained for a StatefulSet of
      the same name (review: a renamed one starts with empty volumes).

    An object Argo CD does not prune (`Prune=false`) keeps running until deleted by hand; the finding says so (its
    kind stays: the loss comes with that deletion)."""
    kept = kept_by_argo_cd(obj)
    spec = obj.get("spec") or {}
    start = "a new or renamed resource starts from empty state unless its job.initialSavepointPath names a savepoint"
    if job is not None and job.stateful and not job.running:
        yield Finding(key, "removed", f"{kept}the {job.mode} job is suspended: the operator deletes what is left of it "
                      "and forgets its savepoint history, and the savepoint or checkpoint it was suspended with stays "
                      f"in storage: {start.replace('a savepoint', 'it')}", REVIEW)
    elif job is not None and job.stateful and job.setting(SAVEPOINT_ON_DELETION, "false") == "true":
        yield Finding(key, "removed", f"{kept}the operator stops the {job.mode} job with a savepoint "
                      f"({SAVEPOINT_ON_DELETION}) and forgets its savepoint history: "
                      f"{start.replace('a savepoint', 'it')} "
                      f"(its path is in the savepoint directory {job.directory(SAVEPOINT_DIR)[0] or '(unset)'})",
                      REVIEW)
    elif job is not None and job.stateful:
        yield Finding(key, "removed", f"{kept}the operator cancels the {job.mode} job without a savepoint "
                      f"({SAVEPOINT_ON_DELETION} is not set) and forgets its checkpoints and savepoint history; "
                      f"{start}", LOSS)
    elif key[1] == "FlinkStateSnapshot":
        savepoint = spec.get("savepoint")
        if (isinstance(savepoint, dict) and savepoint.get("disposeOnDelete", True) is not False
                and (spec.get("jobReference") or {}).get("name")):
            yield Finding(key, "removed", f"{kept}the operator disposes of the savepoint's files "
                          "(savepoint.disposeOnDelete defaults to true); set it to false first to keep them", LOSS)
        else:
            yield Finding(key, "removed", f"{kept}the snapshot's record (its path) goes; the files stay", REVIEW)
    elif key[1] == "StatefulSet" and spec.get("volumeClaimTemplates"):
        claims = ", ".join(str(t.get("metadata", {}).get("name")) for t in spec["volumeClaimTemplates"])
        if (spec.get("persistentVolumeClaimRetentionPolicy") or {}).get("whenDeleted") == "Delete":
            yield Finding(key, "removed", f"{kept}the StatefulSet controller deletes its PVCs ({claims}; "
                          "persistentVolumeClaimRetentionPolicy.whenDeleted: Delete): their data is lost", LOSS)
        else:
            yield Finding(key, "removed", f"{kept}its PVCs ({claims}) are retained: a StatefulSet of the same name "
                          "reattaches them, a renamed one starts with empty volumes", REVIEW)


def _high_availability(obj: dict[str, Any]) -> bool:
    return FlinkConf(_conf(obj)).high_availability()


def _plural(names: list[str], one: str, many: str) -> str:
    return one if len(names) == 1 else many


def session_cluster(key: Key, base: Objects, head: Objects) -> Iterator[Finding]:
    """Protects the session jobs of a session cluster without Kubernetes HA (in the base or the head rendering). On
    a spec change the operator deletes the session cluster and deploys it anew (`SessionReconciler.
    reconcileSpecChange`, operator release-1.14.0), killing the jobs on it without a savepoint; only with HA does
    the new JobManager recover them from the HA metadata and their latest checkpoints. The operator then finds a
    session job missing (`JobStatusObserver.onTargetJobNotFound`): a `stateless` one is marked suspended and
    restarted from empty state, a stateful one is left "Job Not Found" and not resubmitted. Changes the operator
    ignores (`upgrade_fields`) do not redeploy the cluster; suspended session jobs are not affected. A certain loss
    when a stateful session job runs on it (it stops without a savepoint and is not resubmitted), else a review (its
    stateless jobs restart from empty state, as every upgrade of theirs does)."""
    old_obj, new_obj = base[key], head[key]
    if key[1] != "FlinkDeployment" or any((o.get("spec") or {}).get("job") for o in (old_obj, new_obj)) \
            or (_high_availability(old_obj) and _high_availability(new_obj)):
        return
    fields = upgrade_fields(old_obj, new_obj)
    jobs = [(k[3], job) for k in sorted(base) if k[:3] == (key[0], "FlinkSessionJob", key[2])
            and (base[k].get("spec") or {}).get("deploymentName") == key[3]
            and (job := flink_job(k, base)) is not None and job.running]
    if not fields or not jobs:
        return
    stateless = [name for name, job in jobs if not job.stateful]
    stateful = [name for name, job in jobs if job.stateful]
    outcomes = []
    if stateless:
        outcomes.append(f"{', '.join(stateless)} (stateless) {_plural(stateless, 'restarts', 'restart')} from empty "
                        "state")
    if stateful:
        modes = ", ".join(sorted({job.mode for _, job in jobs if job.stateful}))
        outcomes.append(f"{', '.join(stateful)} ({modes}) {_plural(stateful, 'stops and stays', 'stop and stay')} "
                        f"missing (\"Job Not Found\": the operator does not resubmit "
                        f"{_plural(stateful, 'it', 'them')}), {_plural(stateful, 'its state in its', 'their state in their')} "
                        "last checkpoint")
    yield Finding(key, few(fields), "without Kubernetes HA the operator deletes the session cluster and deploys it "
                  "anew (SessionReconciler), which kills its session jobs without a savepoint: "
                  f"{'; '.join(outcomes)}; suspend the session jobs first (job.state: suspended) and resume them after "
                  "this change, or run the cluster with highAvailability", LOSS if stateful else REVIEW)


def volume_claim_templates(key: Key, old: dict[str, Any], new: dict[str, Any]) -> Iterator[Finding]:
    """Protects the sync: Kubernetes refuses any update of a StatefulSet's `volumeClaimTemplates` ("updates to
    statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy',
    'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"), so Argo CD's sync of it fails;
    recreating it (pods and PVCs orphaned, then adopted) does not change existing PVCs either."""
    if key[1] != "StatefulSet":
        return
    before = (old.get("spec") or {}).get("volumeClaimTemplates") or []
    after = (new.get("spec") or {}).get("volumeClaimTemplates") or []
    if before == after:
        return

    def by_name(templates: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        return {str(t.get("metadata", {}).get("name")): t for t in templates}

    old_names, new_names = by_name(before), by_name(after)
    what = [f"'{n}' {'added' if n not in old_names else 'removed' if n not in new_names else 'changed'}"
            for n in [*old_names, *(n for n in new_names if n not in old_names)]
            if old_names.get(n) != new_names.get(n)] or ["reordered"]
    resize = " and resize existing PVCs by hand" if any(w.endswith(" changed") for w in what) else ""
    yield Finding(key, "spec.volumeClaimTemplates", f"{', '.join(what)}: Kubernetes forbids updating a StatefulSet's "
                  "volumeClaimTemplates, so Argo CD's sync fails; recreate it (kubectl delete --cascade=orphan, then "
                  f"sync){resize}", LOSS)


def check(base: Objects, head: Objects) -> list[Finding]:
    """Every change from `base` to `head` (objects keyed as by `manifests.diff`) that puts state at stake, sorted by
    object; `Finding.kind` tells a certain loss from a change to review. A Flink job's configuration includes the
    rendered operator's default configuration, so a change of that default is checked on every job it reaches."""
    findings: list[Finding] = []
    base_operators, head_operators = operator_configs(base), operator_configs(head)
    changed_operators = {env for env in base_operators if base_operators[env] != head_operators.get(env)}
    for key in sorted(base.keys() | head.keys()):
        if key not in base:
            continue
        if key not in head:
            findings += removal(key, base[key], flink_job(key, base, base_operators[key[0]]))
            findings += standalone_job(key, base, head)
            findings += node_drift(key, base, head)
            continue
        if base[key] == head[key] and key[1] != "FlinkSessionJob" and key[0] not in changed_operators:
            continue  # a session job also changes with its session cluster's configuration
        findings += volume_claim_templates(key, base[key], head[key])
        findings += refused_changes(key, base[key], head[key])
        findings += session_cluster(key, base, head)
        findings += standalone_job(key, base, head)
        findings += spark_rerun(key, base[key], head[key])
        findings += node_drift(key, base, head)
        old = flink_job(key, base, base_operators[key[0]])
        new = flink_job(key, head, head_operators[key[0]])
        if old is not None and new is not None:
            findings += upgrade_mode(key, base[key], head[key], old, new)
            findings += restore(key, old, new)
            findings += non_restored_state(key, old, new)
            findings += state_directories(key, old, new)
            findings += state_backend(key, old, new)
    return findings
