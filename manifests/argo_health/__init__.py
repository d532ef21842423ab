"""Argo CD health checks (Lua) for the operators' custom resources: what Argo CD shows as a resource's health.

Argo CD reads a custom health check from its `argocd-cm` ConfigMap, key
`resource.customizations.health.<group>_<kind>`, value a Lua 5.1 script (gopher-lua) that gets the live object as
`obj` and returns a table `{status = ..., message = ...}`, status one of Healthy, Progressing, Degraded, Suspended,
Missing (https://argo-cd.readthedocs.io/en/stable/operator-manual/health/#custom-health-checks). A key there replaces
Argo CD's built-in check of that kind. Argo CD runs these scripts with the base, table and (safe) os libraries only,
unless `resource.customizations.useOpenLibs.<group>_<kind>` is set (argo-cd util/lua/lua.go: `SkipOpenLibs:
!UseOpenLibs`), and a script that raises makes the health Unknown. So each script here uses no library but `string`
when present (then `status.error`'s JSON becomes "<ExceptionClass>: <message>", else it is shown as is), reads every
field nil- and type-safely, and answers Progressing, with a message, for a status it does not know.

What a health means to a sync (Argo CD 3.5.1, whose build uses the gitops-engine in its own tree: go.mod replaces
`github.com/argoproj/argo-cd/gitops-engine` with `./gitops-engine`): after applying a wave, the sync waits for each
applied resource to be Healthy (the task succeeds) or Degraded (it fails), and for nothing else; Progressing and
Suspended keep the task running, and with it the wave, every later wave and the whole operation
(gitops-engine/pkg/sync/sync_context.go:555-597, in any sync of more than one wave or phase), and the application
controller's `--sync-timeout` is 0, no timeout (cmd/argocd-application-controller). So a resource that stays Suspended
or Progressing for good never lets its Application's sync finish, nor the parent's wave wait for that Application.
Argo CD's own CronJob check answers Healthy for `spec.suspend: true` for that reason
(resource_customizations/batch/CronJob/health.lua, argoproj/argo-cd#24428). The scripts here do the same for what
a person suspends on purpose, in the spec: once the operator reports it suspended it is Healthy, with a message
"Suspended by its spec (...)"; while the operator suspends or resumes it, Progressing. `manifests.validation
.suspended` refuses what would still hold a sync (Argo CD's built-in Suspended of a paused Deployment or a suspended
Job, or an `argocd-cm` check that does not answer Healthy for a job suspended by its spec); `manifests.argo_health.lua`
runs a script as Argo CD does.

One file per kind, `<group>_<Kind>.lua` beside this module, after the shared `_helpers.lua` (and, for FlinkDeployment and FlinkSessionJob, `_flink_job.lua`) the text that
goes into `argocd-cm`; `health_customizations()` maps the keys to it, and the app of apps renders them as a
partial `argocd-cm` (charts/argo_cd). Tests: tests/test_argo_health.py runs every script with Lua 5.1 (lupa), both with
the standard libraries and in Argo CD's default sandbox.

FlinkDeployment, Flink Kubernetes Operator 1.14.0 (replaces Argo CD's built-in check, which ends at Progressing
"Waiting for Flink operator" for suspended, failed and rolled-back deployments: argoproj/argo-cd#12862, #26818).
States from flink-kubernetes-operator-api .../api/lifecycle/ResourceLifecycleState.java (lifecycleState, computed
by CommonStatus.getLifecycleState), .../api/status/JobManagerDeploymentStatus.java, ReconciliationState.java,
FlinkDeploymentStatus.java, CommonStatus.java; job states are Flink's org.apache.flink.api.common.JobStatus (the
CRD's enum of `status.jobStatus.state`). First match wins:
- no status: Progressing (the controller writes the first one on its first reconcile: FlinkDeploymentController
  .reconcile, patchAndCacheStatus).
- lifecycleState DELETING, DELETED: Progressing.
- lifecycleState CREATED with `spec.job.state: suspended` and no error: Healthy, suspended by its spec
  (AbstractFlinkResourceReconciler.reconcile deploys nothing for a job created suspended, and never will until the
  spec changes).
- metadata.generation > status.observedGeneration: the operator has not taken the spec yet, Progressing; with
  `status.error` set, Degraded (a spec the validator refused keeps the old observedGeneration and sets the error:
  ReconciliationUtils.applyValidationErrorAndResetSpec).
- lifecycleState FAILED (job FAILED, an error before the first deployment, or JobManager ERROR/MISSING needing a
  manual restore): Degraded.
- lifecycleState or reconciliationStatus.state ROLLING_BACK, ROLLED_BACK: Degraded (the new spec did not become
  stable within `kubernetes.operator.deployment.readiness.timeout`: docs/content/docs/custom-resource/job-management.md).
- lifecycleState SUSPENDED (the last reconciled spec's job state: CommonStatus.getLifecycleState) with
  `spec.job.state: suspended`: Healthy, suspended by its spec (JobManager MISSING and job FINISHED after the suspend
  are expected: AbstractFlinkService.updateStatusAfterClusterDeletion); with any other spec state: Progressing
  (resuming).
- `spec.job.state: suspended` and any other lifecycle: Progressing (suspending: the savepoint, the cancel).
- lifecycleState or reconciliationStatus.state UPGRADING, lifecycleState CREATED: Progressing.
- jobManagerDeploymentStatus ERROR (DeploymentFailedException: crash loop, image pull, FailedCreate): Degraded;
  MISSING with `status.error` ("Missing JobManager deployment": AbstractFlinkDeploymentObserver.onMissingDeployment):
  Degraded, without: Progressing; DEPLOYING, DEPLOYED_NOT_READY, absent or unknown: Progressing; READY: go on.
- application cluster (`spec.job` set), job state: FAILED, FAILING, CANCELED: Degraded; RESTARTING, CANCELLING,
  CREATED, INITIALIZING, RECONCILING, SUSPENDED (Flink's, e.g. leadership lost): Progressing; absent or unknown:
  Progressing; RUNNING, FINISHED (a bounded job, which the operator marks stable: ReconciliationUtils
  .checkAndUpdateStableSpec): go on. Session cluster: JobManager READY is enough.
- lifecycleState STABLE: Healthy; DEPLOYED (not yet marked stable): Progressing; absent or unknown: Progressing.
Messages carry `status.error` where it is set.

FlinkSessionJob: the same, without the JobManager step (a session job has no JobManager deployment of its own;
FlinkSessionJobStatus.java). Built-in: none.

FlinkStateSnapshot, `status.state` (FlinkStateSnapshotStatus.State; docs/content/docs/custom-resource/snapshots.md,
"Snapshot CR lifecycle"): COMPLETED Healthy (with `status.path`); IN_PROGRESS, TRIGGER_PENDING Progressing (with the
error and failure count while the operator retries with backoff); FAILED (backoff limit reached) Degraded; ABANDONED
(the job was not found or stopped after the trigger: FlinkStateSnapshotUtils.snapshotAbandoned, not retried)
Degraded; no status or an unknown state Progressing. Built-in: none.

SparkApplication, Kubeflow Spark operator 2.5.2, `status.applicationState.state` (api/v1beta2/
sparkapplication_types.go ApplicationStateType; transitions in internal/controller/sparkapplication/controller.go):
COMPLETED, RUNNING Healthy (RUNNING with the executor count from `status.executorState`); FAILED, SUBMISSION_FAILED,
FAILING (driver failed; the operator then reruns or fails it per restartPolicy) Degraded with
`applicationState.errorMessage`; "" (new), SUBMITTED, PENDING_RERUN, INVALIDATING (a spec change: the operator
deletes the run and reruns it, event_filter.go, so Progressing rather than Degraded), SUCCEEDING, SUSPENDING, RESUMING,
UNKNOWN (driver pod state unknown) Progressing; SUSPENDED with `spec.suspend: true` Healthy, suspended by its spec
(without it, the controller resumes it: Progressing); no status or an unknown state Progressing. Argo CD's built-in check stays Progressing while a RUNNING application has fewer RUNNING
executors than `spec.executor.instances` (dynamic allocation, finished executors) and knows no SUSPENDED.

ScheduledSparkApplication (api/v1beta2/scheduledsparkapplication_types.go ScheduleState; internal/controller/
scheduledsparkapplication/controller.go): `spec.suspend: true` Healthy, suspended by its spec (the controller skips a
suspended schedule and writes no status for it);
scheduleState Scheduled Healthy (with the next and last run); FailedValidation Degraded with `status.reason` (a bad
cron schedule or time zone); "" (new), Validating, no status or unknown Progressing. A failed run shows on its own
SparkApplication, not here. Built-in: none.

Application (Argo CD 3.5.1; health codes of gitops-engine pkg/health HealthStatusCode, operation phases of
pkg/sync/common OperationPhase, fields of pkg/apis/application/v1alpha1/types.go): the app of apps (charts/argo_cd)
syncs its child Applications in waves, and a wave waits for the health of the one before only with this check, which
Argo CD dropped in 1.8 (https://argo-cd.readthedocs.io/en/stable/operator-manual/health/#argocd-app). First match
wins:
- annotation `lakehouse.dev/app-of-apps: root` (upstream.argo_cd.APP_OF_APPS_ANNOTATION): Healthy, with its
  health and sync status in the message. The root syncs its own object, a sync waits for each synced object's health
  while the sync runs (gitops-engine/pkg/sync/sync_context.go:555-597), and Argo CD leaves an app's own object out
  only when it aggregates the app's health (controller/health.go:51-54): while the root's sync runs its operation
  phase is Running, which the rules below read as Progressing, so its sync would wait for itself for good, and no
  automated sync starts while an operation runs (controller/appcontroller.go:2336-2339). The root's health is its
  children's, which its earlier waves waited for; its own object, in the last wave, gates nothing.
- no status: Progressing.
- `status.operationState.phase` Failed or Error (the last sync failed, retries spent): Degraded with the operation's
  message.
- phase Running with `status.operationState.retryCount` > 0: Degraded with the operation's message (the last
  failure's, with the next attempt's time, between attempts; "Retrying operation ... Attempt #n" during one). With
  a negative `retry.limit` (the platform's, charts/argo_cd RETRY) a failed attempt goes back to Running with one more
  retry, never to Failed (appcontroller.go:1619-1632, and 1548-1579 for the next attempt), so without this rule a
  failing child would be Progressing for good and hold its parent's wave.
- health Healthy or Suspended while the operation runs: Progressing (Argo CD leaves objects not created yet out of an
  app's health, so a child mid-sync reads Healthy).
- health Healthy or Suspended, sync status OutOfSync, the last operation Succeeded and its
  `operationState.syncResult.revision` the `sync.revision` the app is compared to (several sources: `revisions`, the
  same in order): Healthy, the message naming the drift. Every object of that revision was applied; what differs is
  an object left to prune (Prune=false) or changed in the cluster, which no automated sync of that revision removes
  (appcontroller.go alreadyAttemptedSync), so waiting for it would hold the parent's wave for good.
- health Healthy or Suspended and any other sync status, or OutOfSync before a sync of its revision has finished:
  Progressing (objects not created yet).
- Suspended: Healthy, with a message that says so (an app's health is its worst resource's, Suspended ranks just
  below Healthy: gitops-engine pkg/health healthOrder, argo-cd controller/health.go; so a synced child is Suspended
  when a resource is paused or suspended, which lasts until a person changes it, and the parent's wave would wait for
  it for good).
- Healthy, Progressing, Degraded, Missing as they are (message: the deprecated `health.message`, else the sync
  status); Unknown, absent or anything else: Progressing.

Jobs: none here. The platform's bootstrap Jobs (minio-setup, polaris-bootstrap, polaris-catalog-setup) are Argo CD
Sync hooks with a backoffLimit; Argo CD's built-in Job health (gitops-engine pkg/health/health_job.go: condition
Complete Healthy, Failed Degraded with the condition's message, otherwise Progressing) already says what they need,
and a failed hook fails the sync. A `batch_Job` key would also replace that check for every Job in the cluster.
"""

from __future__ import annotations

from importlib import resources

HEALTH_KEY_PREFIX = "resource.customizations.health."
"""Prefix of an `argocd-cm` key holding a health check; the rest is `<group>_<kind>`."""

CHECKED_KINDS: tuple[tuple[str, str], ...] = (
    ("flink.apache.org", "FlinkDeployment"),
    ("flink.apache.org", "FlinkSessionJob"),
    ("flink.apache.org", "FlinkStateSnapshot"),
    ("sparkoperator.k8s.io", "SparkApplication"),
    ("sparkoperator.k8s.io", "ScheduledSparkApplication"),
    ("argoproj.io", "Application"),
)
"""(API group, kind) of every custom resource with a health check here, one `<group>_<Kind>.lua` file each."""


HELPERS = "_helpers.lua"
"""Lua helpers every script uses (nil- and type-safe field access, the Flink operator's error text), prepended to each
kind's file: Argo CD runs each `argocd-cm` key by itself, so the text there must stand alone."""


FLINK_JOB_CHECKS = "_flink_job.lua"
"""The checks FlinkDeployment and FlinkSessionJob share (lifecycle, spec generation, job state, stability),
prepended to those two kinds' files after `HELPERS`."""
PRELUDES: dict[tuple[str, str], tuple[str, ...]] = {
    ("flink.apache.org", "FlinkDeployment"): (HELPERS, FLINK_JOB_CHECKS),
    ("flink.apache.org", "FlinkSessionJob"): (HELPERS, FLINK_JOB_CHECKS),
}
"""The shared files before a kind's own (`HELPERS` alone for the kinds not listed)."""


def health_script(group: str, kind: str) -> str:
    """The Lua health check of `group`/`kind`, as `argocd-cm` takes it: its preludes (`PRELUDES`: `_helpers.lua`,
    and for the Flink jobs `_flink_job.lua`), then `<group>_<Kind>.lua`, all beside this module.

    Raises:
        FileNotFoundError: no health check for that kind (see CHECKED_KINDS).
    """
    folder = resources.files(__name__)
    names = (*PRELUDES.get((group, kind), (HELPERS,)), f"{group}_{kind}.lua")
    return "\n".join(folder.joinpath(name).read_text(encoding="utf-8") for name in names)


def health_customizations() -> dict[str, str]:
    """`argocd-cm` data of every health check: `resource.customizations.health.<group>_<kind>` -> Lua script.

    E.g. `{"resource.customizations.health.flink.apache.org_FlinkDeployment": "local function field(..."}`, in the
    order of CHECKED_KINDS. Merge it into the `data` of Argo CD's `argocd-cm` ConfigMap (its namespace, usually
    `argocd`); each key replaces Argo CD's built-in check of that kind. The states each script maps, and their
    upstream sources, are in this module's docstring.
    """
    return {f"{HEALTH_KEY_PREFIX}{group}_{kind}": health_script(group, kind) for group, kind in CHECKED_KINDS}
