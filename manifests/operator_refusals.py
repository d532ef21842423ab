"""Spec changes the Flink Kubernetes Operator 1.14 refuses on an existing resource (a rule of `diff`'s state-safety
section, `manifests.state_safety`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from config.flink_rules import savepoint_redeploy_problem
from manifests.diff import Key
from manifests.state_finding import LOSS, Finding


def refused_changes(key: Key, old: dict[str, Any], new: dict[str, Any]) -> Iterator[Finding]:
    """Spec changes the operator 1.14 refuses on an existing resource: every rule of `DefaultValidator` that
    compares a spec with the last reconciled one (`validateSpecChange` for both kinds, and the flinkVersion rule of
    `validateFlinkVersion`), with the base rendering standing for the last reconciled spec (what Argo CD synced):

    - a FlinkSessionJob's `deploymentName` ("The deploymentName can't be changed");
    - a FlinkDeployment switching between session and application mode, or between native and standalone
      Kubernetes (`spec.mode`, native when unset);
    - a new `savepointRedeployNonce` without `initialSavepointPath` ("InitialSavepointPath must not be empty for
      savepoint redeployment");
    - a new `flinkVersion` for a job suspended with `last-state`, unless the new upgrade mode is `stateless`.

    Argo CD's sync fails on each; delete and recreate the resource (with a savepoint), or change it in two steps. Each
    is a certain loss in the gate's sense (`manifests.state_finding.Kind`): the change certainly fails."""
    old_spec, new_spec = old.get("spec") or {}, new.get("spec") or {}
    if key[1] == "FlinkSessionJob" and old_spec.get("deploymentName") != new_spec.get("deploymentName"):
        yield Finding(key, "spec.deploymentName", f"{old_spec.get('deploymentName')} -> {new_spec.get('deploymentName')}: "
                                                  "the operator refuses it (\"The deploymentName can't be changed\")",
                      LOSS)
    if key[1] != "FlinkDeployment":
        return
    old_job, new_job = old_spec.get("job"), new_spec.get("job")
    if bool(old_job) != bool(new_job):
        message = "Cannot switch from job to session cluster" if old_job else "Cannot switch from session to job cluster"
        yield Finding(key, "spec.job", f"{'removed' if old_job else 'added'}: the operator refuses it (\"{message}\")",
                      LOSS)
    old_mode, new_mode = old_spec.get("mode") or "native", new_spec.get("mode") or "native"
    if old_mode != new_mode:
        yield Finding(key, "spec.mode", f"{old_mode} -> {new_mode}: the operator refuses it (\"Cannot switch from "
                                        f"{old_mode} kubernetes to {new_mode} kubernetes cluster\")", LOSS)
    if not (old_job and new_job):
        return
    if new_job.get("upgradeMode") != "stateless" and old_job.get("state") == "suspended" \
            and old_job.get("upgradeMode") == "last-state" and old_spec.get("flinkVersion") != new_spec.get("flinkVersion"):
        yield Finding(key, "spec.flinkVersion", f"{old_spec.get('flinkVersion')} -> {new_spec.get('flinkVersion')}: "
                      "the operator refuses it (\"Changing flinkVersion after last-state suspend is not allowed\"): "
                      "resume the job with the current version first, then upgrade", LOSS)
    nonce = new_job.get("savepointRedeployNonce")
    redeploy = savepoint_redeploy_problem(nonce, new_job.get("initialSavepointPath"))
    if redeploy and nonce != old_job.get("savepointRedeployNonce"):
        yield Finding(key, "spec.job.savepointRedeployNonce", f"{old_job.get('savepointRedeployNonce')} -> {nonce}: "
                      f"the operator refuses it (\"{redeploy.upstream}\"): set spec.job.initialSavepointPath to the "
                      "savepoint to redeploy from", LOSS)
