"""The state gate's rules on objects: a removed object and the state that goes with it, a session cluster whose
redeploy kills its session jobs, a StatefulSet whose `volumeClaimTemplates` change. See `manifests.state_safety`
for the gate."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from manifests.diff import Key
from manifests.state_finding import LOSS, REVIEW, Finding, Objects, few, kept_by_argo_cd
from manifests.state_safety.flink_jobs import SAVEPOINT_ON_DELETION, Job, flink_configuration, flink_job, upgrade_fields
from manifests.validation.flink_config import FlinkConf
from upstream.flink_options import SAVEPOINT_DIR


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
    return FlinkConf(flink_configuration(obj)).high_availability()


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
