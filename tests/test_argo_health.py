"""Argo CD health checks (manifests/argo_health): every script run with Lua 5.1 (lupa) on status samples of the
operators' sources, twice: with the standard libraries, and in Argo CD's default sandbox for argocd-cm scripts (base
and table only, no string library nor string methods: argo-cd util/lua/lua.go). Exact status and message per state;
unknown, missing and garbage shapes give Progressing, never a Lua error; the keys name kinds of the pinned CRDs."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml

from manifests.argo_health import health_customizations
from manifests.argo_health.lua import HealthScriptError, LuaHealth
from manifests.crds import read_pinned
from upstream.crd_pins import PINS

Obj = dict[str, Any]

OPEN = LuaHealth(sandboxed=False)
SANDBOX = LuaHealth()
SCRIPTS = health_customizations()
PREFIX = "resource.customizations.health."


def run(kind: str, obj: Obj, sandboxed: bool = False) -> tuple[str, str]:
    """(status, message) of the health check of `kind` (`<group>_<Kind>`) on `obj`."""
    status, message = (SANDBOX if sandboxed else OPEN).assess(SCRIPTS[PREFIX + kind], obj)
    assert status in {"Healthy", "Progressing", "Degraded", "Suspended", "Missing"}
    assert message
    return status, message


def health(kind: str, obj: Obj) -> tuple[str, str]:
    """`run` with the standard libraries, after checking that Argo CD's sandbox gives the same answer."""
    answer = run(kind, obj)
    assert run(kind, obj, sandboxed=True) == answer
    return answer


def crd_status_enums(file: str) -> dict[str, list[str]]:
    """Dotted status path -> enum values in the pinned CRD `file` (its first version)."""
    crd = yaml.safe_load(read_pinned(file))
    found: dict[str, list[str]] = {}

    def walk(schema: dict[str, Any], path: str) -> None:
        if "enum" in schema:
            found[path] = schema["enum"]
        for key, child in schema.get("properties", {}).items():
            walk(child, f"{path}.{key}")

    walk(crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["status"], "status")
    return found


FLINK_DEPLOYMENT_CRD = "flink-kubernetes-operator-1.14.0_flinkdeployments.flink.apache.org-v1.yaml"
FLINK_SESSION_JOB_CRD = "flink-kubernetes-operator-1.14.0_flinksessionjobs.flink.apache.org-v1.yaml"
FLINK_SNAPSHOT_CRD = "flink-kubernetes-operator-1.14.0_flinkstatesnapshots.flink.apache.org-v1.yaml"


def operator_error(exception: str, message: str) -> str:
    """`status.error` as the Flink operator writes it: a FlinkResourceException as JSON (FlinkResourceException.java
    fields type, message, stackTrace, additionalMetadata, throwableList; FlinkResourceExceptionUtils; stack traces
    off by default)."""
    return json.dumps({"type": f"org.apache.flink.kubernetes.operator.exception.{exception}", "message": message,
                       "additionalMetadata": {}, "throwableList": []}, separators=(",", ":"))


# ---- keys ------------------------------------------------------------------------------------------------------

def test_the_keys_are_the_argocd_cm_keys_of_the_six_kinds() -> None:
    assert list(SCRIPTS) == [
        "resource.customizations.health.flink.apache.org_FlinkDeployment",
        "resource.customizations.health.flink.apache.org_FlinkSessionJob",
        "resource.customizations.health.flink.apache.org_FlinkStateSnapshot",
        "resource.customizations.health.sparkoperator.k8s.io_SparkApplication",
        "resource.customizations.health.sparkoperator.k8s.io_ScheduledSparkApplication",
        "resource.customizations.health.argoproj.io_Application",
    ]


def test_every_key_names_a_group_and_kind_of_the_pinned_crds() -> None:
    pinned = set()
    for file in PINS:
        for crd in yaml.safe_load_all(read_pinned(file)):
            if crd and crd.get("kind") == "CustomResourceDefinition":
                pinned.add(f"{crd['spec']['group']}_{crd['spec']['names']['kind']}")
    for key in SCRIPTS:
        assert key.startswith(PREFIX)
        assert key.removeprefix(PREFIX) in pinned, key


# ---- FlinkDeployment ---------------------------------------------------------------------------------------------

FD = "flink.apache.org_FlinkDeployment"


def deployment(status: Any = None, *, job: str | None = "running", generation: int = 1) -> Obj:
    """A FlinkDeployment: application cluster (`spec.job`, desired state `job`) or session cluster (job None)."""
    spec: Obj = {"image": "flink:2.2", "flinkVersion": "v2_2"}
    if job is not None:
        spec["job"] = {"jarURI": "local:///opt/flink/usrlib/job.jar", "parallelism": 2, "upgradeMode": "savepoint",
                       "state": job}
    obj: Obj = {"apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment",
                "metadata": {"name": "bronze-ingest", "namespace": "flink", "generation": generation}, "spec": spec}
    if status is not None:
        obj["status"] = status
    return obj


def flink_status(lifecycle: str | None = "STABLE", jm: str | None = "READY", job: str | None = "RUNNING",
                 reconciliation: str | None = "DEPLOYED", observed: int | None = 1, error: str | None = None) -> Obj:
    """A FlinkDeploymentStatus (FlinkDeploymentStatus.java, CommonStatus.java; overview.md's sample: READY)."""
    status: Obj = {"clusterInfo": {}, "jobStatus": {"checkpointInfo": {}, "savepointInfo": {}}}
    if job is not None:
        status["jobStatus"].update(jobName="bronze-ingest", jobId="6a5b1c0f2c1a4b52a3b8d4e0f1a2b3c4", state=job)
    for key, value in (("lifecycleState", lifecycle), ("jobManagerDeploymentStatus", jm),
                       ("observedGeneration", observed), ("error", error)):
        if value is not None:
            status[key] = value
    if reconciliation is not None:
        status["reconciliationStatus"] = {"state": reconciliation, "reconciliationTimestamp": 1767225600000}
    return status


@pytest.mark.parametrize(("obj", "expected"), [
    # ResourceLifecycleMetricsTest.lifecycleStateTest: markReconciledSpecAsStable -> STABLE; job RUNNING, JM READY
    (deployment(flink_status()), ("Healthy", "Job bronze-ingest RUNNING (lifecycle STABLE)")),
    # a bounded job that finished on its own is marked stable (ReconciliationUtils.checkAndUpdateStableSpec)
    (deployment(flink_status(job="FINISHED")), ("Healthy", "Job bronze-ingest FINISHED (lifecycle STABLE)")),
    # session cluster: no spec.job, empty jobStatus; SessionObserver marks the spec stable once the JM is READY
    (deployment(flink_status(job=None), job=None), ("Healthy", "Session cluster ready (lifecycle STABLE)")),
    # suspend: JM deleted -> MISSING, job FINISHED (AbstractFlinkService.updateStatusAfterClusterDeletion); lifecycle
    # SUSPENDED from the suspended last reconciled spec (CommonStatus.getLifecycleState). Healthy: a sync wave ends
    # only on Healthy or Degraded, so Suspended would hold every later wave (gitops-engine sync_context.go)
    (deployment(flink_status("SUSPENDED", "MISSING", "FINISHED"), job="suspended"),
     ("Healthy", "Suspended by its spec (spec.job.state: suspended; job FINISHED)")),
    # created suspended: the reconciler deploys nothing (AbstractFlinkResourceReconciler.reconcile); until the
    # controller writes the initial status (FlinkDeploymentController.reconcile: patchAndCacheStatus) it waits...
    (deployment(job="suspended"), ("Progressing", "Waiting for the Flink operator to report a status")),
    # ... then the initial status (ReconciliationStatus defaults: state UPGRADING; JM MISSING; lifecycle CREATED)
    (deployment(flink_status("CREATED", "MISSING", None, "UPGRADING", observed=None), job="suspended"),
     ("Healthy", "Suspended by its spec (spec.job.state: suspended): created suspended, nothing deployed")),
    # suspending: the operator has taken the suspended spec but the job still runs (savepoint, cancel)
    (deployment(flink_status("UPGRADING", "READY", "RUNNING", "UPGRADING"), job="suspended"),
     ("Progressing", "Suspending (spec.job.state: suspended): lifecycle UPGRADING, job RUNNING")),
    (deployment(flink_status("STABLE", "READY", "RUNNING"), job="suspended"),
     ("Progressing", "Suspending (spec.job.state: suspended): lifecycle STABLE, job RUNNING")),
    (deployment(flink_status(observed=1), job="suspended", generation=2),
     ("Progressing", "Waiting for the operator to reconcile spec generation 2 (observed 1)")),
    # resuming: the last reconciled spec is still the suspended one
    (deployment(flink_status("SUSPENDED", "MISSING", "FINISHED")),
     ("Progressing", "Resuming (spec.job.state is no longer suspended; job FINISHED)")),
    (deployment(), ("Progressing", "Waiting for the Flink operator to report a status")),
    (deployment(flink_status("CREATED", "MISSING", None, "UPGRADING", observed=None)),
     ("Progressing", "Waiting for the operator to reconcile spec generation 1 (none observed yet)")),
    (deployment(flink_status(observed=2), generation=3),
     ("Progressing", "Waiting for the operator to reconcile spec generation 3 (observed 2)")),
    # ResourceLifecycleMetricsTest: UPGRADING after updateStatusBeforeDeploymentAttempt; JM MISSING mid-upgrade
    (deployment(flink_status("UPGRADING", "MISSING", "FINISHED", "UPGRADING")),
     ("Progressing", "Upgrading to the new spec")),
    # ResourceLifecycleMetricsTest: DEPLOYED after updateStatusForDeployedSpec, before the job is seen RUNNING
    (deployment(flink_status("DEPLOYED", "DEPLOYING", "RECONCILING")), ("Progressing", "JobManager is starting")),
    (deployment(flink_status("DEPLOYED", "DEPLOYED_NOT_READY", "RECONCILING")),
     ("Progressing", "JobManager is running, waiting for its REST API")),
    (deployment(flink_status("DEPLOYED", "READY", "RUNNING")),
     ("Progressing", "Job bronze-ingest RUNNING, waiting for the spec to be marked stable (lifecycle DEPLOYED)")),
    (deployment(flink_status("DEPLOYED", "READY", "INITIALIZING")),
     ("Progressing", "Job bronze-ingest INITIALIZING")),
    # ResourceLifecycleMetricsTest: job FAILED -> lifecycle FAILED
    (deployment(flink_status("FAILED", "READY", "FAILED")),
     ("Degraded", "Failed (job FAILED, JobManager READY)")),
    # ResourceLifecycleMetricsTest: ROLLING_BACK, then ROLLED_BACK with the job RECONCILING
    (deployment(flink_status("ROLLING_BACK", "DEPLOYING", "RECONCILING", "ROLLING_BACK")),
     ("Degraded", "Rolling back to the last stable spec: the new spec did not become stable")),
    (deployment(flink_status("ROLLED_BACK", "READY", "RECONCILING", "ROLLED_BACK")),
     ("Degraded", "Rolled back to the last stable spec: the current spec did not become stable")),
    (deployment(flink_status("STABLE", "READY", "RESTARTING")), ("Progressing", "Job bronze-ingest RESTARTING")),
    (deployment(flink_status("STABLE", "READY", "FAILING")), ("Degraded", "Job bronze-ingest FAILING")),
    (deployment(flink_status("STABLE", "READY", "CANCELED")), ("Degraded", "Job bronze-ingest CANCELED")),
    # FlinkDeploymentControllerTest (cleanup): DELETING, DELETED
    (deployment(flink_status("DELETING")), ("Progressing", "Being deleted (lifecycle DELETING)")),
], ids=lambda value: value[0] if isinstance(value, tuple) else None)
def test_flink_deployment(obj: Obj, expected: tuple[str, str]) -> None:
    assert health(FD, obj) == expected


VALIDATION = operator_error("ValidationException", "Job parallelism must be larger than 0")
"""DefaultValidator: the text FlinkDeploymentControllerTest.testValidationError expects ("Job parallelism ...")."""
CRASH_LOOP = operator_error("DeploymentFailedException",
                            "back-off 40s restarting failed container=flink-main-container pod=bronze-ingest-7d9f")
"""FlinkDeploymentController: DeploymentFailedException.forContainerStatus (CrashLoopBackOff) -> JM ERROR."""
MISSING_JM = operator_error("MissingJobManagerException", "Missing JobManager deployment")
"""AbstractFlinkDeploymentObserver.onMissingDeployment."""


@pytest.mark.parametrize(("obj", "open_libs", "sandbox"), [
    # a refused spec change: error set, observedGeneration kept (ReconciliationUtils.applyValidationErrorAndResetSpec)
    (deployment(flink_status(observed=2, error=VALIDATION), generation=3),
     ("Degraded", "Spec generation 3 not accepted by the operator: ValidationException: Job parallelism must be "
                  "larger than 0"),
     ("Degraded", f"Spec generation 3 not accepted by the operator: {VALIDATION}")),
    # refused before the first deployment: lifecycle FAILED, no observedGeneration (testValidationError)
    (deployment(flink_status("FAILED", "MISSING", None, "UPGRADING", observed=None, error=VALIDATION)),
     ("Degraded", "Spec generation 1 not accepted by the operator: ValidationException: Job parallelism must be "
                  "larger than 0"),
     ("Degraded", f"Spec generation 1 not accepted by the operator: {VALIDATION}")),
    # crash loop: JM ERROR, job RECONCILING (FlinkDeploymentController catch DeploymentFailedException)
    (deployment(flink_status("DEPLOYED", "ERROR", "RECONCILING", error=CRASH_LOOP)),
     ("Degraded", "JobManager deployment in error: DeploymentFailedException: back-off 40s restarting failed "
                  "container=flink-main-container pod=bronze-ingest-7d9f"),
     ("Degraded", f"JobManager deployment in error: {CRASH_LOOP}")),
    (deployment(flink_status("STABLE", "MISSING", "RECONCILING", error=MISSING_JM)),
     ("Degraded", "JobManager deployment missing: MissingJobManagerException: Missing JobManager deployment"),
     ("Degraded", f"JobManager deployment missing: {MISSING_JM}")),
    (deployment(flink_status("FAILED", "READY", "FAILED", error=operator_error("ReconciliationException", 'a "b"\nc'))),
     ("Degraded", 'Failed (job FAILED, JobManager READY): ReconciliationException: a "b" c'),
     ("Degraded", "Failed (job FAILED, JobManager READY): " + operator_error("ReconciliationException", 'a "b"\nc'))),
    # not the operator's JSON (older operators wrote e.toString()): shown as is
    (deployment(flink_status("FAILED", "READY", "FAILED", error="java.lang.RuntimeException: boom")),
     ("Degraded", "Failed (job FAILED, JobManager READY): java.lang.RuntimeException: boom"),
     ("Degraded", "Failed (job FAILED, JobManager READY): java.lang.RuntimeException: boom")),
])
def test_flink_deployment_errors_are_shortened_when_the_string_library_is_open(
        obj: Obj, open_libs: tuple[str, str], sandbox: tuple[str, str]) -> None:
    assert run(FD, obj) == open_libs
    assert run(FD, obj, sandboxed=True) == sandbox


LIFECYCLE = {"CREATED": "Progressing", "SUSPENDED": "Progressing", "UPGRADING": "Progressing",
             "DEPLOYED": "Progressing", "STABLE": "Healthy", "ROLLING_BACK": "Degraded", "ROLLED_BACK": "Degraded",
             "FAILED": "Degraded", "DELETING": "Progressing", "DELETED": "Progressing"}
"""ResourceLifecycleState.java, with the JobManager READY and the job RUNNING (spec.job.state running: SUSPENDED is
the last reconciled spec's, a resume the operator has yet to make)."""
JOB_MANAGER = {"READY": "Healthy", "DEPLOYED_NOT_READY": "Progressing", "DEPLOYING": "Progressing",
               "MISSING": "Progressing", "ERROR": "Degraded"}
"""JobManagerDeploymentStatus.java, lifecycle STABLE, job RUNNING, no error."""
JOB = {"RUNNING": "Healthy", "FINISHED": "Healthy", "FAILED": "Degraded", "FAILING": "Degraded",
       "CANCELED": "Degraded", "CANCELLING": "Progressing", "CREATED": "Progressing", "INITIALIZING": "Progressing",
       "RECONCILING": "Progressing", "RESTARTING": "Progressing", "SUSPENDED": "Progressing"}
"""Flink's JobStatus (the CRD enum of status.jobStatus.state), lifecycle STABLE, JobManager READY."""
RECONCILIATION = {"DEPLOYED": "Healthy", "UPGRADING": "Progressing", "ROLLING_BACK": "Degraded",
                  "ROLLED_BACK": "Degraded"}
"""ReconciliationState.java, on a status without lifecycleState but STABLE otherwise: the state alone decides."""


def test_the_flink_tables_cover_every_state_of_the_pinned_crds() -> None:
    for crd in (FLINK_DEPLOYMENT_CRD, FLINK_SESSION_JOB_CRD):
        enums = crd_status_enums(crd)
        assert set(enums["status.lifecycleState"]) == set(LIFECYCLE)
        assert set(enums["status.jobStatus.state"]) == set(JOB)
        assert set(enums["status.reconciliationStatus.state"]) == set(RECONCILIATION)
    assert set(crd_status_enums(FLINK_DEPLOYMENT_CRD)["status.jobManagerDeploymentStatus"]) == set(JOB_MANAGER)


@pytest.mark.parametrize(("state", "expected"), LIFECYCLE.items())
def test_flink_deployment_lifecycle_states(state: str, expected: str) -> None:
    assert health(FD, deployment(flink_status(lifecycle=state)))[0] == expected


@pytest.mark.parametrize(("state", "expected"), JOB_MANAGER.items())
def test_flink_deployment_job_manager_states(state: str, expected: str) -> None:
    assert health(FD, deployment(flink_status(jm=state)))[0] == expected
    # a session cluster's health is its JobManager's
    assert health(FD, deployment(flink_status(jm=state, job=None), job=None))[0] == expected


@pytest.mark.parametrize(("state", "expected"), JOB.items())
def test_flink_deployment_job_states(state: str, expected: str) -> None:
    assert health(FD, deployment(flink_status(job=state)))[0] == expected


@pytest.mark.parametrize(("state", "expected"), RECONCILIATION.items())
def test_flink_deployment_reconciliation_states_without_lifecycle(state: str, expected: str) -> None:
    status = flink_status(reconciliation=state)
    del status["lifecycleState"]
    answer = health(FD, deployment(status))
    if state == "DEPLOYED":  # stability is only in lifecycleState: without it, not Healthy
        assert answer == ("Progressing", "Unknown lifecycle state: none")
    else:
        assert answer[0] == expected


# ---- FlinkSessionJob -------------------------------------------------------------------------------------------

SJ = "flink.apache.org_FlinkSessionJob"


def session_job(status: Any = None, *, job: str = "running", generation: int = 1) -> Obj:
    obj: Obj = {"apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkSessionJob",
                "metadata": {"name": "bronze-ingest-event", "namespace": "flink", "generation": generation},
                "spec": {"deploymentName": "flink-session",
                         "job": {"jarURI": "s3://jars/event.jar", "parallelism": 1, "upgradeMode": "savepoint",
                                 "state": job}}}
    if status is not None:
        obj["status"] = status
    return obj


def job_status(lifecycle: str | None = "STABLE", job: str | None = "RUNNING", reconciliation: str | None = "DEPLOYED",
               observed: int | None = 1, error: str | None = None) -> Obj:
    """A FlinkSessionJobStatus (FlinkSessionJobStatus.java: CommonStatus without clusterInfo or JobManager)."""
    status = flink_status(lifecycle, None, job, reconciliation, observed, error)
    del status["clusterInfo"]
    status["jobStatus"]["jobName"] = "bronze-ingest-event"
    return status


@pytest.mark.parametrize(("obj", "expected"), [
    (session_job(job_status()), ("Healthy", "Job bronze-ingest-event RUNNING (lifecycle STABLE)")),
    (session_job(job_status("SUSPENDED", "FINISHED"), job="suspended"),
     ("Healthy", "Suspended by its spec (spec.job.state: suspended; job FINISHED)")),
    (session_job(job_status("CREATED", None, "UPGRADING", observed=None), job="suspended"),
     ("Healthy", "Suspended by its spec (spec.job.state: suspended): created suspended, nothing submitted")),
    (session_job(job="suspended"), ("Progressing", "Waiting for the Flink operator to report a status")),
    (session_job(job_status("STABLE", "RUNNING"), job="suspended"),
     ("Progressing", "Suspending (spec.job.state: suspended): lifecycle STABLE, job RUNNING")),
    (session_job(), ("Progressing", "Waiting for the Flink operator to report a status")),
    (session_job(job_status(observed=4), generation=5),
     ("Progressing", "Waiting for the operator to reconcile spec generation 5 (observed 4)")),
    (session_job(job_status("UPGRADING", "RECONCILING", "UPGRADING")), ("Progressing", "Upgrading to the new spec")),
    (session_job(job_status("DEPLOYED", "CREATED")), ("Progressing", "Job bronze-ingest-event CREATED")),
    (session_job(job_status("FAILED", "FAILED")), ("Degraded", "Failed (job FAILED)")),
    (session_job(job_status("STABLE", "CANCELED")), ("Degraded", "Job bronze-ingest-event CANCELED")),
    # FlinkSessionJobControllerTest (cleanup): DELETING
    (session_job(job_status("DELETING")), ("Progressing", "Being deleted (lifecycle DELETING)")),
], ids=lambda value: value[0] if isinstance(value, tuple) else None)
def test_flink_session_job(obj: Obj, expected: tuple[str, str]) -> None:
    assert health(SJ, obj) == expected


def test_flink_session_job_refused_by_the_validator_is_degraded_with_the_reason() -> None:
    # DefaultValidator.validateSessionJob: a session job whose cluster is missing is refused before it is submitted
    error = operator_error("ValidationException", "Session cluster deployment is not found")
    obj = session_job(job_status("FAILED", None, "UPGRADING", observed=None, error=error))
    assert run(SJ, obj) == ("Degraded", "Spec generation 1 not accepted by the operator: ValidationException: "
                                        "Session cluster deployment is not found")
    assert run(SJ, obj, sandboxed=True) == ("Degraded", f"Spec generation 1 not accepted by the operator: {error}")


@pytest.mark.parametrize(("state", "expected"), LIFECYCLE.items())
def test_flink_session_job_lifecycle_states(state: str, expected: str) -> None:
    assert health(SJ, session_job(job_status(lifecycle=state)))[0] == expected


@pytest.mark.parametrize(("state", "expected"), JOB.items())
def test_flink_session_job_job_states(state: str, expected: str) -> None:
    assert health(SJ, session_job(job_status(job=state)))[0] == expected


# ---- FlinkStateSnapshot ----------------------------------------------------------------------------------------

SNAP = "flink.apache.org_FlinkStateSnapshot"


def snapshot(status: Any = None, kind: str = "savepoint") -> Obj:
    spec: Obj = {"backoffLimit": 1, "jobReference": {"kind": "FlinkDeployment", "name": "bronze-ingest"}}
    spec[kind] = {"disposeOnDelete": True} if kind == "savepoint" else {}
    obj: Obj = {"apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkStateSnapshot",
                "metadata": {"name": "bronze-ingest-upgrade", "namespace": "flink"}, "spec": spec}
    if status is not None:
        obj["status"] = status
    return obj


# FlinkStateSnapshotStatus.java fields; FlinkStateSnapshotUtils.snapshotSuccessful / snapshotAbandoned, snapshots.md
SNAPSHOT_STATES: dict[str, tuple[Obj, tuple[str, str]]] = {
    "COMPLETED": ({"state": "COMPLETED", "path": "s3://flink/savepoints/savepoint-6a5b1c-0123456789ab",
                   "resultTimestamp": "2026-01-01T00:00:00Z", "failures": 0},
                  ("Healthy", "Savepoint completed: s3://flink/savepoints/savepoint-6a5b1c-0123456789ab")),
    "IN_PROGRESS": ({"state": "IN_PROGRESS", "triggerId": "e1f2", "failures": 0},
                    ("Progressing", "Savepoint IN_PROGRESS (trigger e1f2)")),
    "TRIGGER_PENDING": ({"state": "TRIGGER_PENDING", "failures": 0}, ("Progressing", "Savepoint TRIGGER_PENDING")),
    "FAILED": ({"state": "FAILED", "failures": 2, "error": "Savepoint timed out"},
               ("Degraded", "Savepoint failed after 2 attempt(s): Savepoint timed out")),
    "ABANDONED": ({"state": "ABANDONED", "failures": 0, "error": "Job bronze-ingest not found"},
                  ("Degraded", "Savepoint abandoned (the job was not found or stopped after the trigger): "
                               "Job bronze-ingest not found")),
}


def test_the_snapshot_table_covers_every_state_of_the_pinned_crd() -> None:
    assert set(crd_status_enums(FLINK_SNAPSHOT_CRD)["status.state"]) == set(SNAPSHOT_STATES)


@pytest.mark.parametrize(("status", "expected"), SNAPSHOT_STATES.values(), ids=list(SNAPSHOT_STATES))
def test_flink_state_snapshot_states(status: Obj, expected: tuple[str, str]) -> None:
    assert health(SNAP, snapshot(status)) == expected


def test_flink_state_snapshot_retrying_and_checkpoints() -> None:
    # "Snapshot errors": error set and failures counted while the operator retries with backoff (snapshots.md)
    retrying = {"state": "IN_PROGRESS", "triggerId": "e1f2", "failures": 1, "error": "Savepoint timed out"}
    assert health(SNAP, snapshot(retrying)) == (
        "Progressing", "Savepoint IN_PROGRESS (trigger e1f2); retrying after 1 failure(s): Savepoint timed out")
    # a checkpoint whose path could not be fetched is COMPLETED without a path (snapshots.md)
    assert health(SNAP, snapshot({"state": "COMPLETED", "failures": 0}, "checkpoint")) == (
        "Healthy", "Checkpoint completed")


# ---- SparkApplication ------------------------------------------------------------------------------------------

SPARK = "sparkoperator.k8s.io_SparkApplication"


def spark_app(state: Any = "RUNNING", error: str | None = None, executors: dict[str, str] | None = None,
              suspend: bool | None = None, **extra: Any) -> Obj:
    """A SparkApplication with status.applicationState (api/v1beta2/sparkapplication_types.go, v2.5.2) and, when
    given, `spec.suspend`."""
    app_state: Obj = {"state": state}
    if error is not None:
        app_state["errorMessage"] = error
    status: Obj = {"applicationState": app_state, "driverInfo": {"podName": "nightly-compaction-driver"},
                   "sparkApplicationId": "spark-0123", "submissionID": "4f7c", **extra}
    if executors is not None:
        status["executorState"] = executors
    spec: Obj = {"type": "Scala", "mode": "cluster", "executor": {"instances": 2}}
    if suspend is not None:
        spec["suspend"] = suspend
    return {"apiVersion": "sparkoperator.k8s.io/v1beta2", "kind": "SparkApplication",
            "metadata": {"name": "nightly-compaction", "namespace": "spark"}, "spec": spec, "status": status}


SPARK_STATES: dict[str, tuple[Obj, tuple[str, str]]] = {
    # ApplicationStateType constants of api/v1beta2/sparkapplication_types.go at v2.5.2, all fourteen
    "": (spark_app(""), ("Progressing", "New: waiting for submission")),
    "SUBMITTED": (spark_app("SUBMITTED"), ("Progressing", "Submitted: waiting for the driver")),
    "RUNNING": (spark_app("RUNNING", executors={"exec-1": "RUNNING", "exec-2": "PENDING"}),
                ("Healthy", "Running (1/2 executors running)")),
    "COMPLETED": (spark_app("COMPLETED", executors={"exec-1": "COMPLETED"}), ("Healthy", "Completed")),
    "FAILED": (spark_app("FAILED", "driver container failed with ExitCode: 1, Reason: Error"),
               ("Degraded", "Failed: driver container failed with ExitCode: 1, Reason: Error")),
    "SUBMISSION_FAILED": (spark_app("SUBMISSION_FAILED", "failed to create driver pod: admission webhook denied"),
                          ("Degraded", "Submission failed: failed to create driver pod: admission webhook denied")),
    "PENDING_RERUN": (spark_app("PENDING_RERUN", executionAttempts=2),
                      ("Progressing", "Pending rerun (2 execution attempt(s) so far)")),
    "INVALIDATING": (spark_app("INVALIDATING"),
                     ("Progressing", "Spec changed: deleting the current run before a rerun")),
    "SUCCEEDING": (spark_app("SUCCEEDING"),
                   ("Progressing", "Driver completed: the operator decides between a rerun and COMPLETED")),
    "FAILING": (spark_app("FAILING", "driver pod failed"),
                ("Degraded", "Driver failed; the operator retries or fails the application per its restartPolicy: "
                             "driver pod failed")),
    "SUSPENDING": (spark_app("SUSPENDING"),
                   ("Progressing", "Suspending (spec.suspend: true): deleting the application's pods")),
    "SUSPENDED": (spark_app("SUSPENDED", suspend=True), ("Healthy", "Suspended by its spec (spec.suspend: true)")),
    "RESUMING": (spark_app("RESUMING"), ("Progressing", "Resuming (spec.suspend: false): resubmitting")),
    "UNKNOWN": (spark_app("UNKNOWN"), ("Progressing", "Driver pod state unknown")),
}


@pytest.mark.parametrize(("obj", "expected"), SPARK_STATES.values(), ids=[s or "NEW" for s in SPARK_STATES])
def test_spark_application_states(obj: Obj, expected: tuple[str, str]) -> None:
    assert health(SPARK, obj) == expected


def test_a_suspended_spark_application_whose_spec_no_longer_suspends_it_is_resuming() -> None:
    # controller.go reconcileSuspendedSparkApplication: SUSPENDED -> RESUMING once spec.suspend is false
    assert health(SPARK, spark_app("SUSPENDED")) == (
        "Progressing", "Suspended, resuming: spec.suspend is no longer true")
    assert health(SPARK, spark_app("SUSPENDED", suspend=False))[0] == "Progressing"


def test_spark_application_running_without_executors_yet_is_healthy_with_the_count() -> None:
    assert health(SPARK, spark_app("RUNNING")) == ("Healthy", "Running (0/0 executors running)")


# ---- ScheduledSparkApplication ---------------------------------------------------------------------------------

SCHEDULED = "sparkoperator.k8s.io_ScheduledSparkApplication"


def scheduled(status: Any = None, suspend: bool | None = None) -> Obj:
    """api/v1beta2/scheduledsparkapplication_types.go (v2.5.2): spec.suspend, status.scheduleState and reason."""
    spec: Obj = {"schedule": "@every 1h", "concurrencyPolicy": "Forbid", "template": {"type": "Scala"}}
    if suspend is not None:
        spec["suspend"] = suspend
    obj: Obj = {"apiVersion": "sparkoperator.k8s.io/v1beta2", "kind": "ScheduledSparkApplication",
                "metadata": {"name": "hourly-compaction", "namespace": "spark"}, "spec": spec}
    if status is not None:
        obj["status"] = status
    return obj


SCHEDULED_RUN = {"scheduleState": "Scheduled", "lastRun": "2026-01-01T10:00:00Z", "nextRun": "2026-01-01T11:00:00Z",
                 "lastRunName": "hourly-compaction-1767261600000000000",
                 "pastSuccessfulRunNames": ["hourly-compaction-1767261600000000000"]}


@pytest.mark.parametrize(("obj", "expected"), [
    (scheduled(SCHEDULED_RUN), ("Healthy", "Scheduled, next run 2026-01-01T11:00:00Z, "
                                           "last run hourly-compaction-1767261600000000000")),
    # ScheduleStateNew -> Scheduled sets nextRun only (controller.go)
    (scheduled({"scheduleState": "Scheduled", "nextRun": "2026-01-01T11:00:00Z"}),
     ("Healthy", "Scheduled, next run 2026-01-01T11:00:00Z")),
    # controller.go: cron.ParseStandard error -> FailedValidation with the parse error as reason
    (scheduled({"scheduleState": "FailedValidation", "reason": "expected exactly 5 fields, found 1: [@hourly-ish]"}),
     ("Degraded", "Schedule failed validation: expected exactly 5 fields, found 1: [@hourly-ish]")),
    (scheduled({"scheduleState": "Validating"}), ("Progressing", "Waiting for the operator to validate the schedule")),
    (scheduled({"scheduleState": ""}), ("Progressing", "Waiting for the operator to validate the schedule")),
    (scheduled(), ("Progressing", "Waiting for the Spark operator to report a status")),
    # the controller returns before the status when suspended, whatever the status says
    (scheduled(SCHEDULED_RUN, suspend=True), ("Healthy", "Suspended by its spec (spec.suspend: true): no run "
                                                          "is scheduled")),
    (scheduled(suspend=True), ("Healthy", "Suspended by its spec (spec.suspend: true): no run is scheduled")),
    (scheduled(SCHEDULED_RUN, suspend=False), ("Healthy", "Scheduled, next run 2026-01-01T11:00:00Z, "
                                                          "last run hourly-compaction-1767261600000000000")),
], ids=["scheduled", "first", "failed-validation", "validating", "new", "no-status", "suspended",
        "suspended-no-status", "not-suspended"])
def test_scheduled_spark_application(obj: Obj, expected: tuple[str, str]) -> None:
    assert health(SCHEDULED, obj) == expected


# ---- unknown, missing and garbage shapes: Progressing, never a Lua error --------------------------------------

GARBAGE: dict[str, Obj] = {
    "no-status": {"metadata": {"name": "x"}, "spec": {}},
    "empty-object": {},
    "status-string": {"metadata": {"name": "x", "generation": 1}, "spec": {}, "status": "broken"},
    "status-number": {"status": 5},
    "status-list": {"metadata": {"generation": 1}, "status": ["READY"]},
    "status-empty": {"metadata": {"generation": 1}, "status": {}},
    "everything-wrong-type": {"metadata": "x", "spec": 3, "status": {
        "lifecycleState": 7, "jobManagerDeploymentStatus": ["READY"], "jobStatus": "RUNNING",
        "reconciliationStatus": "DEPLOYED", "observedGeneration": "one", "error": {"message": "x"},
        "state": {"COMPLETED": True}, "failures": "many", "applicationState": "RUNNING", "executorState": "x",
        "scheduleState": 3, "reason": []}},
    "unexpected-enum": {"metadata": {"generation": 1}, "spec": {"job": {"state": "paused"}, "suspend": "yes"}, "status": {
        "lifecycleState": "HIBERNATING", "jobManagerDeploymentStatus": "READY", "observedGeneration": 1,
        "jobStatus": {"state": "RUNNING"}, "reconciliationStatus": {"state": "DEPLOYED"},
        "state": "EXPIRED", "applicationState": {"state": "QUEUED"}, "scheduleState": "Paused"}},
}


@pytest.mark.parametrize("kind", [key.removeprefix(PREFIX) for key in SCRIPTS])
@pytest.mark.parametrize("shape", GARBAGE)
def test_unknown_or_garbage_status_is_progressing_with_a_message(kind: str, shape: str) -> None:
    status, message = health(kind, GARBAGE[shape])
    assert status == "Progressing", message


@pytest.mark.parametrize(("kind", "expected"), [
    (FD, "Unknown lifecycle state: HIBERNATING"),
    (SJ, "Unknown lifecycle state: HIBERNATING"),
    (SNAP, "Unknown snapshot state: EXPIRED"),
    (SPARK, "Unknown application state: QUEUED"),
    (SCHEDULED, "Unknown schedule state: Paused"),
])
def test_an_unexpected_state_is_named_in_the_message(kind: str, expected: str) -> None:
    assert health(kind, GARBAGE["unexpected-enum"]) == ("Progressing", expected)


@pytest.mark.parametrize(("kind", "expected"), [
    (FD, "Unknown JobManager deployment status: a table"),
    (SJ, "Unknown job state: none"),
    (SNAP, "Unknown snapshot state: a table"),
    (SPARK, "Unknown application state: none"),
    (SCHEDULED, "Unknown schedule state: a number"),
])
def test_a_field_of_the_wrong_type_counts_as_absent(kind: str, expected: str) -> None:
    assert health(kind, GARBAGE["everything-wrong-type"]) == ("Progressing", expected)


# ---- Application (the app of apps' children) ------------------------------------------------------------------

APP = "argoproj.io_Application"


@pytest.mark.parametrize(("status", "expected"), [
    # gitops-engine pkg/health HealthStatusCode; pkg/sync/common OperationPhase
    ({"health": {"status": "Healthy"}, "sync": {"status": "Synced"}}, ("Healthy", "Healthy, sync status Synced")),
    ({"health": {"status": "Progressing"}, "sync": {"status": "Synced"},
      "operationState": {"phase": "Running", "message": "waiting for healthy state of apps/Deployment/x"}},
     ("Progressing", "Progressing, sync status Synced")),
    ({"health": {"status": "Degraded", "message": "Deployment x exceeded its progress deadline"}},
     ("Degraded", "Deployment x exceeded its progress deadline")),
    # a child whose sync is over with a resource Suspended (paused, suspended) lets the next wave go on, as
    # Healthy: Suspended would hold the parent's wave for good (gitops-engine sync_context.go)
    ({"health": {"status": "Suspended", "message": "Deployment is paused"}, "sync": {"status": "Synced"},
      "operationState": {"phase": "Succeeded"}},
     ("Healthy", "Suspended, counted as Healthy: Deployment is paused")),
    ({"health": {"status": "Suspended"}, "sync": {"status": "Synced"}},
     ("Healthy", "Suspended, counted as Healthy, sync status Synced")),
    # ... but not while its own sync runs or before it is synced
    ({"health": {"status": "Suspended"}, "sync": {"status": "OutOfSync"}},
     ("Progressing", "Suspended so far, sync pending, sync status OutOfSync")),
    ({"health": {"status": "Suspended"}, "sync": {"status": "Synced"}, "operationState": {"phase": "Running"}},
     ("Progressing", "Suspended so far, sync Running, sync status Synced")),
    ({"health": {"status": "Missing"}, "sync": {"status": "OutOfSync"}}, ("Missing", "Missing, sync status OutOfSync")),
    ({"health": {"status": "Unknown"}, "sync": {"status": "Unknown"}}, ("Progressing", "Health unknown, sync status Unknown")),
    # objects not created yet are left out of an app's health: Healthy mid-sync or before its sync must not end a wave
    ({"health": {"status": "Healthy"}, "sync": {"status": "Synced"}, "operationState": {"phase": "Running"}},
     ("Progressing", "Healthy so far, sync Running, sync status Synced")),
    ({"health": {"status": "Healthy"}, "sync": {"status": "OutOfSync"}},
     ("Progressing", "Healthy so far, sync pending, sync status OutOfSync")),
    ({"health": {"status": "Healthy"}, "sync": {"status": "Synced"}, "operationState": {"phase": "Succeeded"}},
     ("Healthy", "Healthy, sync status Synced")),
    ({"health": {"status": "Healthy"}, "sync": {"status": "Synced"},
      "operationState": {"phase": "Failed", "message": "one or more objects failed to apply"}},
     ("Degraded", "Sync Failed: one or more objects failed to apply")),
    ({"operationState": {"phase": "Error"}}, ("Degraded", "Sync Error: no message")),
    ({"sync": {"status": "OutOfSync"}}, ("Progressing", "Waiting for Argo CD to assess the Application's health")),
    ({"health": {"status": "Hibernating"}}, ("Progressing", "Unknown health status: Hibernating")),
    ({"health": "Healthy"}, ("Progressing", "Waiting for Argo CD to assess the Application's health")),
])
def test_application(status: Obj, expected: tuple[str, str]) -> None:
    assert health(APP, {"metadata": {"name": "prod-flink"}, "status": status}) == expected


REV, OLD_REV = "5f1c2e9d0b7a4c3e8f6a1b2c3d4e5f6a7b8c9d0e", "0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d"
ROOT = {"lakehouse.dev/app-of-apps": "root"}
RETRY_WAIT = "one or more objects failed to apply, reason: x. Retrying attempt #2 at 10:04AM."
DRIFT = "OutOfSync after its sync of this revision succeeded (an object left to prune, or changed in the cluster)"


@pytest.mark.parametrize(("annotations", "status", "expected"), [
    # the root syncs its own object, and the sync waits for that object's health while the root's own operation is
    # Running (gitops-engine sync_context.go:555-597; controller/health.go leaves an app's own object out of its
    # health only): the root's own object is Healthy whatever its children are, with their health in the message
    (ROOT, {"health": {"status": "Healthy"}, "sync": {"status": "Synced"},
            "operationState": {"phase": "Running", "message": "waiting for healthy state of argoproj.io/Application/x"}},
     ("Healthy", "Root of the app of apps: its health is its children's (health Healthy, sync status Synced); in its "
                 "last sync wave, it gates nothing")),
    (ROOT, {"health": {"status": "Degraded"}, "sync": {"status": "OutOfSync"},
            "operationState": {"phase": "Running", "retryCount": 3}},
     ("Healthy", "Root of the app of apps: its health is its children's (health Degraded, sync status OutOfSync); in "
                 "its last sync wave, it gates nothing")),
    (ROOT, None, ("Healthy", "Root of the app of apps: its health is its children's (health none, sync status none); "
                             "in its last sync wave, it gates nothing")),
    # any other value, or the annotation elsewhere, is a child like any other
    ({"lakehouse.dev/app-of-apps": "child"}, {"health": {"status": "Healthy"}, "sync": {"status": "Synced"},
                                              "operationState": {"phase": "Running"}},
     ("Progressing", "Healthy so far, sync Running, sync status Synced")),
    ({"app-of-apps": "root"}, None, ("Progressing", "Waiting for Argo CD to assess the Application")),
])
def test_the_root_of_the_app_of_apps_never_waits_for_itself(annotations: dict[str, str], status: Obj | None,
                                                           expected: tuple[str, str]) -> None:
    obj: Obj = {"metadata": {"name": "lakehouse-prod", "annotations": annotations}}
    if status is not None:
        obj["status"] = status
    assert health(APP, obj) == expected


@pytest.mark.parametrize(("operation", "expected"), [
    # retry.limit -1: a failed attempt goes back to Running with retryCount + 1, never to Failed
    # (controller/appcontroller.go:1619-1632), between attempts (finishedAt set) ...
    ({"phase": "Running", "retryCount": 2, "message": RETRY_WAIT, "finishedAt": "2026-01-01T10:03:00Z"},
     ("Degraded", f"Sync failed, retry 2: {RETRY_WAIT}")),
    # ... and during one (finishedAt and syncResult cleared, the message replaced: appcontroller.go:1573-1577)
    ({"phase": "Running", "retryCount": 1, "message": "Retrying operation with latest revisions. Attempt #1"},
     ("Degraded", "Sync failed, retry 1: Retrying operation with latest revisions. Attempt #1")),
    ({"phase": "Running", "retryCount": "3"}, ("Degraded", "Sync failed, retry 3: no message")),
    # a first attempt is mid-sync; a retry that succeeded is over (retryCount stays, the phase is Succeeded)
    ({"phase": "Running", "retryCount": 0}, ("Progressing", "Healthy so far, sync Running, sync status OutOfSync")),
    ({"phase": "Running"}, ("Progressing", "Healthy so far, sync Running, sync status OutOfSync")),
    ({"phase": "Succeeded", "retryCount": 4, "syncResult": {"revision": OLD_REV}},
     ("Progressing", "Healthy so far, sync Succeeded, sync status OutOfSync")),
    # retries spent (a limit of 0 or more)
    ({"phase": "Failed", "retryCount": 5, "message": "x (retried 5 times)."}, ("Degraded", "Sync Failed: x (retried 5 times).")),
])
def test_a_child_whose_sync_keeps_failing_is_degraded(operation: Obj, expected: tuple[str, str]) -> None:
    status = {"health": {"status": "Healthy"}, "sync": {"status": "OutOfSync", "revision": REV},
              "operationState": operation}
    assert health(APP, {"metadata": {"name": "prod-flink"}, "status": status}) == expected


@pytest.mark.parametrize(("status", "expected"), [
    # healthy, out of sync after its sync of the revision it is at succeeded: drift (a Prune=false object to prune)
    ({"health": {"status": "Healthy"}, "sync": {"status": "OutOfSync", "revision": REV},
      "operationState": {"phase": "Succeeded", "syncResult": {"revision": REV}}}, ("Healthy", f"Healthy, {DRIFT}")),
    ({"health": {"status": "Healthy", "message": "all good"}, "sync": {"status": "OutOfSync", "revision": REV},
      "operationState": {"phase": "Succeeded", "syncResult": {"revision": REV}}}, ("Healthy", f"all good; {DRIFT}")),
    ({"health": {"status": "Suspended"}, "sync": {"status": "OutOfSync", "revision": REV},
      "operationState": {"phase": "Succeeded", "syncResult": {"revision": REV}}},
     ("Healthy", f"Suspended, counted as Healthy, {DRIFT}")),
    ({"health": {"status": "Suspended", "message": "Deployment is paused"},
      "sync": {"status": "OutOfSync", "revision": REV},
      "operationState": {"phase": "Succeeded", "syncResult": {"revision": REV}}},
     ("Healthy", f"Suspended, counted as Healthy: Deployment is paused; {DRIFT}")),
    # several sources: `revisions`, in order
    ({"health": {"status": "Healthy"}, "sync": {"status": "OutOfSync", "revisions": [REV, OLD_REV]},
      "operationState": {"phase": "Succeeded", "syncResult": {"revisions": [REV, OLD_REV]}}},
     ("Healthy", f"Healthy, {DRIFT}")),
    # not yet synced to the revision it is compared to: objects not created yet are left out of its health, wait
    ({"health": {"status": "Healthy"}, "sync": {"status": "OutOfSync", "revision": REV},
      "operationState": {"phase": "Succeeded", "syncResult": {"revision": OLD_REV}}},
     ("Progressing", "Healthy so far, sync Succeeded, sync status OutOfSync")),
    ({"health": {"status": "Healthy"}, "sync": {"status": "OutOfSync", "revisions": [REV, REV]},
      "operationState": {"phase": "Succeeded", "syncResult": {"revisions": [REV, OLD_REV]}}},
     ("Progressing", "Healthy so far, sync Succeeded, sync status OutOfSync")),
    ({"health": {"status": "Healthy"}, "sync": {"status": "OutOfSync", "revisions": [REV]},
      "operationState": {"phase": "Succeeded", "syncResult": {"revisions": [REV, OLD_REV]}}},
     ("Progressing", "Healthy so far, sync Succeeded, sync status OutOfSync")),
    ({"health": {"status": "Healthy"}, "sync": {"status": "OutOfSync", "revision": REV},
      "operationState": {"phase": "Succeeded"}}, ("Progressing", "Healthy so far, sync Succeeded, sync status OutOfSync")),
    ({"health": {"status": "Healthy"}, "sync": {"status": "OutOfSync"},
      "operationState": {"phase": "Succeeded", "syncResult": {}}},
     ("Progressing", "Healthy so far, sync Succeeded, sync status OutOfSync")),
    ({"health": {"status": "Healthy"}, "sync": {"status": "OutOfSync", "revision": REV}},
     ("Progressing", "Healthy so far, sync pending, sync status OutOfSync")),
    # a sync of the revision it is at, still running
    ({"health": {"status": "Healthy"}, "sync": {"status": "OutOfSync", "revision": REV},
      "operationState": {"phase": "Running", "syncResult": {"revision": REV}}},
     ("Progressing", "Healthy so far, sync Running, sync status OutOfSync")),
    # a comparison that failed is no drift
    ({"health": {"status": "Healthy"}, "sync": {"status": "Unknown", "revision": REV},
      "operationState": {"phase": "Succeeded", "syncResult": {"revision": REV}}},
     ("Progressing", "Healthy so far, sync Succeeded, sync status Unknown")),
    ({"health": {"status": "Progressing"}, "sync": {"status": "OutOfSync", "revision": REV},
      "operationState": {"phase": "Succeeded", "syncResult": {"revision": REV}}},
     ("Progressing", "Progressing, sync status OutOfSync")),
])
def test_a_child_out_of_sync_after_syncing_its_revision_is_healthy_with_the_drift(
        status: Obj, expected: tuple[str, str]) -> None:
    assert health(APP, {"metadata": {"name": "prod-flink"}, "status": status}) == expected


# ---- the runner (manifests/argo_health/lua.py) --------------------------------------------------------------------

@pytest.mark.parametrize(("script", "expected"), [
    ("error('boom')", "the health script failed: "),
    ("return 5", "the health script returned 5, not a table"),
    ("return {status = 'Fine', message = 'x'}", "the health script returned status 'Fine', message 'x'"),
    ("return {status = 'Healthy', message = {}}", "the health script returned status 'Healthy', message "),
    # the sandbox has no string library nor string methods (argo-cd util/lua/lua.go)
    ("return {status = 'Healthy', message = string.upper('x')}", "the health script failed: "),
    ("return {status = 'Healthy', message = ('x'):upper()}", "the health script failed: "),
])
def test_a_script_argo_cd_would_show_unknown_raises(script: str, expected: str) -> None:
    with pytest.raises(HealthScriptError) as info:
        SANDBOX.assess(script, {})
    assert str(info.value).startswith(expected)


def test_the_open_runtime_has_the_string_library_and_a_missing_message_is_empty() -> None:
    assert OPEN.assess("return {status = 'Healthy', message = ('x'):upper()}", {}) == ("Healthy", "X")
    assert SANDBOX.assess("return {status = obj.kind == 'Job' and 'Degraded' or 'Healthy'}", {"kind": "Job"}) == (
        "Degraded", "")
