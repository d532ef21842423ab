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
way out. The `argocd.argoproj.io/ignore-healthcheck` annotation does not help: it leaves a resource out of its app's
health (argo-cd controller/health.go:40-43), not out of the sync's wait.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from manifests.argo_cd import ARGO_CD_GROUP, SYNC_WAVE_ANNOTATION
from manifests.argo_health import CHECKED_KINDS, HEALTH_KEY_PREFIX, health_script
from manifests.argo_health.lua import HealthScriptError, LuaHealth
from manifests.validation.app_of_apps import synced_files
from manifests.validation.first_sync import api_group
from manifests.validation.report import Finding, Layer, Manifest, finding

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
        node: Any = obj
        for key in self.field.split("."):
            node = node.get(key) if isinstance(node, Mapping) else None
        return bool(node == self.value)


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

    def of_child(self, child: Manifest, status: str, message: str) -> tuple[str, str] | None:
        """What the Application check answers for `child` once synced with health `status`; None without a check
        (Argo CD has no built-in Application health since 1.8: the parent does not wait)."""
        found = self._script(ARGO_CD_GROUP, "Application")
        if found is None:
            return None
        synced = {"health": {"status": status, "message": message}, "sync": {"status": "Synced"},
                  "operationState": {"phase": "Succeeded"}}
        return self._run(found[0], {**child.obj, "status": synced})


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
    return findings
