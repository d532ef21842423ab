"""Argo CD sync waves: nothing a sync waits on may stay Suspended (or Progressing) because of its own spec.

Argo CD 3.5.1 (its build uses the gitops-engine in its own tree: go.mod replaces `github.com/argoproj/argo-cd/
gitops-engine` with `./gitops-engine`) applies a sync wave, then waits for each applied resource to be Healthy (its
task succeeds) or Degraded (it fails), and for nothing else (gitops-engine/pkg/sync/sync_context.go:555-597). It waits
so in every sync of more than one step, a step being a (phase, wave) pair (`syncTasks.multiStep`, sync_tasks.go:
274-276), and for a hook in any sync; a resource without any health check succeeds at once. Suspended, Progressing and
Unknown (a script error) keep the task running, and with it every later wave and the operation: no later sync starts,
and the application controller's `--sync-timeout` is 0 (no timeout). The parent of an app of apps waits in turn for
its child Application (the `argoproj.io_Application` check, manifests/argo_health).

So for an object synced by an Application among the checked files, whose sync is multi-step (or which is a hook),
and whose own spec suspends it, this rule works out the health Argo CD gives it once its controller has settled:

- with a health check for its kind in an `argocd-cm` ConfigMap among the checked files (`resource.customizations
  .health.<group>_<kind>`, which replaces the built-in check), that script, run as Argo CD runs it
  (manifests/argo_health/lua.py) on the status the controller reports (`SuspendedBySpec.settled`);
- else, for the kinds the platform ships a check for (manifests/argo_health: FlinkDeployment, FlinkSessionJob,
  SparkApplication, ScheduledSparkApplication), the platform's check (README "Argo CD health checks": install them
  where Argo CD's configuration is managed elsewhere);
- else Argo CD 3.5.1's built-in answer (`SuspendedBySpec.built_in`).

Anything but Healthy or Degraded is an error naming the field, the health, the Application whose sync it holds and the
way out.

Applications are such objects too, for a parent whose sync is multi-step: the Application check (`argocd-cm`'s, else
the platform's) must answer Healthy or Degraded for (`ApplicationState`) an Application that syncs its own object, as
its own sync sees it (its operation Running: `OWN_SYNC`); a child whose `retry.limit` is negative, while its sync keeps
failing (phase Running with a `retryCount`, never Failed: `RETRYING`); and any child that is Healthy but OutOfSync
after its sync of the revision it is at succeeded (an object left to prune: `DRIFTED`). Each stays so for good. The `argocd.argoproj.io/ignore-healthcheck` annotation does not help: it leaves a resource out of its app's
health (argo-cd controller/health.go:40-43), not out of the sync's wait.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from manifests.argo_health import CHECKED_KINDS, HEALTH_KEY_PREFIX, health_script
from manifests.argo_health.lua import HealthScriptError, LuaHealth
from manifests.validation.app_of_apps import synced_files
from manifests.validation.report import Finding, Layer, Manifest, finding
from upstream.api_formats import api_group
from upstream.argo_cd import ARGO_CD_GROUP, SYNC_WAVE_ANNOTATION

HOOK_ANNOTATION = "argocd.argoproj.io/hook"
IGNORE_HEALTH_CHECK = "argocd.argoproj.io/ignore-healthcheck"
"""Leaves a resource out of its Application's health (argo-cd v3.5.1 common/common.go:224-226), not out of a sync's
wait."""
WAVE_ENDS = frozenset({"Healthy", "Degraded"})
"""The health statuses that end a resource's task in a sync wave (sync_context.go:563-568)."""
ARGOCD_CM = "argocd-cm"


@dataclass(frozen=True)
class SuspendedBySpec:
    """A kind whose own spec can suspend it: (`group`, `kind`), the `field` and `value` that do, the `settled`
    statuses its controller reports once suspended (the samples a health script is run on), Argo CD 3.5.1's
    `built_in` health of it then (None: no built-in check, so the sync does not wait for it; a health script of the
    kind decides) with its `source`, and the `way_out` a finding suggests."""

    group: str
    kind: str
    field: str
    value: object
    settled: tuple[Mapping[str, Any] | None, ...]
    built_in: str | None
    source: str
    way_out: str

    def applies(self, obj: Mapping[str, Any]) -> bool:
        """Whether `obj`'s spec suspends it: its `field` (dotted) is `value`."""
        return bool(_get(obj, self.field) == self.value)


def _get(obj: Mapping[str, Any], dotted: str) -> Any:
    """The value at the `dotted` path of `obj`; None when a step is missing or not a mapping."""
    node: Any = obj
    for key in dotted.split("."):
        node = node.get(key) if isinstance(node, Mapping) else None
    return node


_FLINK_WAY_OUT = ("keep the platform's health checks for this kind in argocd-cm (argoCd.healthChecks), which answer "
                  "Healthy once the operator reports the job suspended")
SUSPENDED_BY_SPEC: dict[tuple[str, str], SuspendedBySpec] = {(s.group, s.kind): s for s in (
    SuspendedBySpec(
        "apps", "Deployment", "spec.paused", True,
        ({"observedGeneration": 1, "replicas": 1, "updatedReplicas": 1, "readyReplicas": 1, "availableReplicas": 1,
          "conditions": [{"type": "Progressing", "status": "Unknown", "reason": "DeploymentPaused"}]},),
        "Suspended", "gitops-engine/pkg/health/health_deployment.go:29-33, 'Deployment is paused'",
        "scale it to replicas: 0 instead of pausing it"),
    SuspendedBySpec(
        "batch", "Job", "spec.suspend", True,
        ({"conditions": [{"type": "Suspended", "status": "True", "reason": "JobSuspended",
                          "message": "Job suspended"}]},),
        "Suspended", "gitops-engine/pkg/health/health_job.go:66, the job controller's condition Suspended",
        "leave the Job out of the render until it should run"),
    SuspendedBySpec(
        "batch", "CronJob", "spec.suspend", True, ({},),
        "Healthy", "resource_customizations/batch/CronJob/health.lua, 'CronJob is Suspended' (argoproj/argo-cd#24428)",
        "-"),
    SuspendedBySpec(
        "flink.apache.org", "FlinkDeployment", "spec.job.state", "suspended",
        # suspended after running (CommonStatus.getLifecycleState: the last reconciled spec's state), or created
        # suspended (AbstractFlinkResourceReconciler.reconcile deploys nothing; ReconciliationStatus defaults)
        ({"lifecycleState": "SUSPENDED", "jobManagerDeploymentStatus": "MISSING", "observedGeneration": 1,
          "jobStatus": {"state": "FINISHED"}, "reconciliationStatus": {"state": "DEPLOYED"}},
         {"lifecycleState": "CREATED", "jobManagerDeploymentStatus": "MISSING", "jobStatus": {},
          "reconciliationStatus": {"state": "UPGRADING"}}),
        "Progressing", "resource_customizations/flink.apache.org/FlinkDeployment/health.lua, 'Waiting for Flink "
        "operator' for a job created suspended", _FLINK_WAY_OUT),
    SuspendedBySpec(
        "flink.apache.org", "FlinkSessionJob", "spec.job.state", "suspended",
        ({"lifecycleState": "SUSPENDED", "observedGeneration": 1, "jobStatus": {"state": "FINISHED"},
          "reconciliationStatus": {"state": "DEPLOYED"}},
         {"lifecycleState": "CREATED", "jobStatus": {}, "reconciliationStatus": {"state": "UPGRADING"}}),
        None, "no built-in check", _FLINK_WAY_OUT),
    SuspendedBySpec(
        "sparkoperator.k8s.io", "SparkApplication", "spec.suspend", True,
        ({"applicationState": {"state": "SUSPENDED"}},),  # internal/controller/sparkapplication/controller.go
        "Progressing", "resource_customizations/sparkoperator.k8s.io/SparkApplication/health.lua knows no SUSPENDED: "
        "'Waiting for Executor pods'",
        "keep the platform's health checks for this kind in argocd-cm (argoCd.healthChecks)"),
    SuspendedBySpec(
        "sparkoperator.k8s.io", "ScheduledSparkApplication", "spec.suspend", True,
        (None,),  # the controller skips a suspended schedule and writes no status
        None, "no built-in check",
        "keep the platform's health checks for this kind in argocd-cm (argoCd.healthChecks)"),
)}
"""Every kind whose own spec can suspend it, among Kubernetes' built-in kinds with a built-in Argo CD check (the
gitops-engine checks that can answer Suspended: Deployment `paused`, Job suspended; CronJob's Lua answers Healthy)
and the operators' kinds the platform renders."""


def _steps(objects: list[Manifest]) -> set[tuple[str, str]]:
    """The (phase, wave) steps of a sync of `objects`: a hook runs in the phases its annotation names, anything else
    in Sync; the wave is the sync-wave annotation, 0 without one."""
    steps = set()
    for m in objects:
        annotations = m.obj.get("metadata", {}).get("annotations") or {}
        wave = str(annotations.get(SYNC_WAVE_ANNOTATION, "0")).strip()
        for phase in str(annotations.get(HOOK_ANNOTATION, "Sync")).split(","):
            steps.add((phase.strip(), wave))
    return steps


class _Health:
    """The health Argo CD gives an object suspended by its spec, and a parent to a child Application: the checked
    `argocd-cm` scripts first, then the platform's, then the built-in answer."""

    def __init__(self, manifests: list[Manifest]) -> None:
        self.scripts: dict[str, str] = {}
        for m in manifests:
            if m.kind == "ConfigMap" and m.name == ARGOCD_CM:
                self.scripts.update({k: str(v) for k, v in (m.obj.get("data") or {}).items()
                                     if k.startswith(HEALTH_KEY_PREFIX)})
        self.lua: LuaHealth | None = None

    def _script(self, group: str, kind: str) -> tuple[str, str] | None:
        key = f"{HEALTH_KEY_PREFIX}{group}_{kind}"
        if key in self.scripts:
            return self.scripts[key], f"argocd-cm {key}"
        if (group, kind) in CHECKED_KINDS:
            return health_script(group, kind), f"the platform's check {key}"
        return None

    def _run(self, script: str, obj: Mapping[str, Any]) -> tuple[str, str]:
        self.lua = self.lua or LuaHealth()
        try:
            return self.lua.assess(script, obj)
        except HealthScriptError as error:
            return "Unknown", str(error)

    def settled(self, rule: SuspendedBySpec, obj: Mapping[str, Any]) -> list[tuple[str, str]]:
        """(status, why) per settled status of `rule`; [] when no check applies (nothing waits for it)."""
        found = self._script(rule.group, rule.kind)
        if found is None:
            return [] if rule.built_in is None else [(rule.built_in, f"Argo CD's built-in check: {rule.source}")]
        script, origin = found
        spec_only = {k: v for k, v in obj.items() if k != "status"}
        answers = [self._run(script, spec_only if status is None else {**spec_only, "status": dict(status)})
                   for status in rule.settled]
        return [(status, f"{origin}: {message or 'no message'}") for status, message in answers]

    def of_application(self, app: Manifest, status: Mapping[str, Any]) -> tuple[str, str] | None:
        """(status, why) the Application check answers for `app` with the Application status `status`; None without
        a check (Argo CD has no built-in Application health since 1.8: nothing waits for an Application)."""
        found = self._script(ARGO_CD_GROUP, "Application")
        if found is None:
            return None
        answer, message = self._run(found[0], {**app.obj, "status": dict(status)})
        return answer, f"{found[1]}: {message or 'no message'}"

    def of_child(self, child: Manifest, status: str, message: str) -> tuple[str, str] | None:
        """What the Application check answers for `child` once synced with health `status` (see `of_application`)."""
        synced = {"health": {"status": status, "message": message}, "sync": {"status": "Synced"},
                  "operationState": {"phase": "Succeeded"}}
        return self.of_application(child, synced)


_REVISION = "5f1c2e9d0b7a4c3e8f6a1b2c3d4e5f6a7b8c9d0e"


@dataclass(frozen=True)
class ApplicationState:
    """A state an Application can stay in for good, in which a sync that waits for it must still end: `status` (the
    Application's `status`, argo-cd v3.5.1 pkg/apis/application/v1alpha1/types.go), `field` of the Application a
    finding names, `what` the state is (after "Application <name>"), and the `way_out`."""

    status: Mapping[str, Any]
    field: str
    what: str
    way_out: str


OWN_SYNC = ApplicationState(
    {"health": {"status": "Healthy"}, "sync": {"status": "Synced"},
     "operationState": {"phase": "Running", "message": "waiting for healthy state of argoproj.io/Application/itself"}},
    "metadata.annotations",
    "syncs its own object, and while that sync runs its own operation phase is Running (Argo CD leaves an app's own "
    "object out of its health only: controller/health.go:51-54)",
    "annotate it lakehouse.dev/app-of-apps: root (the platform's check answers Healthy for the root, whose health is "
    "its children's), or have the check answer Healthy or Degraded for it")
"""The root of an app of apps, as its own sync sees its own object."""
RETRYING = ApplicationState(
    {"health": {"status": "Healthy"}, "sync": {"status": "OutOfSync", "revision": _REVISION},
     "operationState": {"phase": "Running", "retryCount": 1, "finishedAt": "2026-01-01T10:00:00Z",
                        "message": "one or more objects failed to apply. Retrying attempt #1 at 10:00AM."}},
    "spec.syncPolicy.retry.limit",
    "retries a failed sync for good (a negative retry.limit), its operation going back to phase Running with a "
    "retryCount, never to Failed (controller/appcontroller.go:1619-1632)",
    "answer Degraded while status.operationState.retryCount > 0 (the platform's check does)")
"""A child Application whose sync keeps failing, with retries without a limit."""
DRIFTED = ApplicationState(
    {"health": {"status": "Healthy"}, "sync": {"status": "OutOfSync", "revision": _REVISION},
     "operationState": {"phase": "Succeeded", "syncResult": {"revision": _REVISION}}},
    "",
    "is Healthy and OutOfSync after its sync of the revision it is at succeeded (an object left to prune, e.g. "
    "Prune=false, or changed in the cluster: no automated sync of that revision changes it)",
    "answer Healthy once status.operationState.syncResult.revision is status.sync.revision and that sync "
    "Succeeded (the platform's check does)")
"""A child Application with drift that its syncs do not remove."""


def _application_findings(syncs: Mapping[str, tuple[Manifest, list[Manifest]]], multi_step: Mapping[str, bool],
                          health: _Health) -> list[Finding]:
    """A finding per Application that a multi-step sync waits for in an `ApplicationState` the Application check
    does not answer Healthy or Degraded for: the root in its own sync (`OWN_SYNC`), a child with retries without a
    limit (`RETRYING`), any child (`DRIFTED`)."""
    findings = []
    for name, (parent, objects) in sorted(syncs.items()):
        if not multi_step[name]:
            continue
        for m in (m for m in objects if m.kind == "Application"):
            itself = m.ref == parent.ref
            limit = _get(m.obj, "spec.syncPolicy.retry.limit")
            unlimited = isinstance(limit, int) and limit < 0
            states = [OWN_SYNC] if itself else [*([RETRYING] if unlimited else []), DRIFTED]
            for state in states:
                answer = health.of_application(m, state.status)
                if answer is None or answer[0] in WAVE_ENDS:
                    continue
                whose = "its own sync" if itself else f"the sync of its parent {name}"
                findings.append(finding(m, state.field, (
                    f"Application {m.name} {state.what}, which the Application check answers {answer[0]} ({answer[1]}); "
                    f"a sync wave ends only on Healthy or Degraded, so {whose} never passes that wave: "
                    f"{state.way_out}"), Layer.RULE))
    return findings


def _hook(m: Manifest) -> bool:
    return HOOK_ANNOTATION in (m.obj.get("metadata", {}).get("annotations") or {})


def _in_app_health(m: Manifest) -> bool:
    """Whether `m` counts in its Application's health (argo-cd controller/health.go:40-43)."""
    annotations = m.obj.get("metadata", {}).get("annotations") or {}
    return annotations.get(IGNORE_HEALTH_CHECK) != "true" and not _hook(m)


def check(manifests: list[Manifest]) -> list[Finding]:
    """A finding per object, synced by an Application among `manifests`, that its own spec suspends and whose
    settled health (see the module docstring) holds a sync for good: its own Application's, when that sync is
    multi-step or the object a hook; else its parent's, when an Application whose sync is multi-step syncs its
    Application and the Application check does not answer Healthy or Degraded for it."""
    by_file: dict[str, list[Manifest]] = defaultdict(list)
    for m in manifests:
        by_file[m.file].append(m)
    syncs = {}
    for app in (m for m in manifests if m.kind == "Application"):
        synced = synced_files(app, set(by_file))
        if synced is not None:
            syncs[app.name] = (app, [m for f in synced for m in by_file[f]])
    multi_step = {name: len(_steps(objects)) > 1 for name, (_, objects) in syncs.items()}
    parents = {m.name: name for name, (_, objects) in syncs.items() if multi_step[name]
               for m in objects if m.kind == "Application"}
    health = _Health(manifests)
    findings = []
    for name, (app, objects) in sorted(syncs.items()):
        for m in objects:
            rule = SUSPENDED_BY_SPEC.get((api_group(str(m.obj.get("apiVersion", ""))), m.kind))
            if rule is None or not rule.applies(m.obj):
                continue
            stuck = [(status, why) for status, why in health.settled(rule, m.obj) if status not in WAVE_ENDS]
            if not stuck:
                continue
            status, why = stuck[0]
            held = None
            if multi_step[name] or _hook(m):
                held = f"the sync of Application {name} never finishes, and nothing after it is applied"
            elif name in parents and _in_app_health(m):
                child = health.of_child(app, status, why)
                if child is not None and child[0] not in WAVE_ENDS:
                    held = (f"Application {name} is {status}, which the Application check of its parent "
                            f"{parents[name]} reads as {child[0]}, so {parents[name]}'s sync never passes that wave")
            if held is not None:
                findings.append(finding(
                    m, rule.field, f"{rule.field}: {rule.value!r} suspends it, and Argo CD's health of it stays "
                    f"{status} ({why}); a sync wave ends only on Healthy or Degraded, so {held}: {rule.way_out}",
                    Layer.RULE))
    return findings + _application_findings(syncs, multi_step, health)
