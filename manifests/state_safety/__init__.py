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

Where each part lives: this module runs the rules over two renderings (`check`); `flink_jobs` reads a Flink job as
the operator sees it (`Job`, and which spec changes upgrade it); `job_rules` compares one job before and after
(`upgrade_mode`, `restore`, `non_restored_state`, `state_directories`, `state_backend`); `object_rules` looks at
objects (`removal`, `session_cluster`, `volume_claim_templates`). The rule modules beside this package
(`operator_refusals`, `standalone_state`, `spark_rerun`, `node_drift`) are rules of the same gate, and every rule
reports a `manifests.state_finding.Finding`.
"""

from __future__ import annotations

from manifests.node_drift import node_drift
from manifests.operator_refusals import refused_changes
from manifests.spark_rerun import spark_rerun
from manifests.standalone_state import standalone_job
from manifests.state_finding import Finding, Objects
from manifests.state_safety.flink_jobs import flink_job, operator_configs
from manifests.state_safety.job_rules import non_restored_state, restore, state_backend, state_directories, upgrade_mode
from manifests.state_safety.object_rules import removal, session_cluster, volume_claim_templates


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
