"""Argo CD annotation keys and values the platform renders and `validate` checks (no cdk8s import).

Sync waves and options: https://argo-cd.readthedocs.io/en/stable/user-guide/sync-waves/ ,
https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/ ; hooks:
https://argo-cd.readthedocs.io/en/stable/user-guide/resource_hooks/ .
"""

from __future__ import annotations

from typing import Any

ARGO_CD_GROUP = "argoproj.io"
"""Argo CD's API group: its kinds' CRDs exist wherever Argo CD syncs."""
SYNC_WAVE_ANNOTATION = "argocd.argoproj.io/sync-wave"
SYNC_OPTIONS_ANNOTATION = "argocd.argoproj.io/sync-options"
NO_PRUNE = "Prune=false"
"""Argo CD sync option that keeps stateful objects (session clusters, PVC-backed workloads) when they
disappear from `dist/`: deleting them by accident loses state, so removal must be done by hand."""
SKIP_DRY_RUN = "SkipDryRunOnMissingResource=true"
"""Argo CD sync option of custom resources whose CRD another Application (or an operator installed outside the
platform) provides: without it, the dry run of the first sync fails on the unknown kind and nothing is applied
(https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/#skip-dry-run-for-new-custom-resources-types)."""


HOOK_ANNOTATION = "argocd.argoproj.io/hook"
"""An Argo CD hook's phases, comma-separated (PreSync, Sync, PostSync, SyncFail, Skip, PreDelete, PostDelete)."""
HOOK_DELETE_POLICY_ANNOTATION = "argocd.argoproj.io/hook-delete-policy"
"""When Argo CD deletes a hook, comma-separated (BeforeHookCreation, the default; HookSucceeded; HookFailed)."""
SYNC_HOOK = {HOOK_ANNOTATION: "Sync", HOOK_DELETE_POLICY_ANNOTATION: "BeforeHookCreation"}
"""Annotations of Jobs that run on every Argo CD sync (idempotent Jobs: bucket creation, Polaris setup); the
previous run is deleted before the next is created, so a Job's immutable template never blocks a sync."""

SYNC_OPTIONS_SEPARATOR = ","

SERVER_SIDE_APPLY = "ServerSideApply=true"
NO_DELETE = "Delete=false"
PARTIAL_OBJECT_OPTIONS = (SERVER_SIDE_APPLY, NO_PRUNE, NO_DELETE)
"""Sync options of an object the platform shares with another owner and sets only some fields of (Argo CD's
`argocd-cm`): applied server-side, so the apply touches only the fields it names, and never pruned or deleted, since
the object is not the platform's. `ServerSideApply=true` with `Delete=false` is what marks a partial object for
`validate` (manifests/validation/app_of_apps.py)."""

MIGRATION_MANAGER_ANNOTATION = "argocd.argoproj.io/client-side-apply-migration-manager"
"""Annotation of an Application: the field manager whose client-side-applied fields Argo CD hands to its own
server-side apply manager (`argocd-controller`) before a server-side apply (argo-cd v3.5.1 controller/sync.go:228-232,
common/common.go:221-222; gitops-engine/pkg/sync/sync_context.go:1298-1320 and 1405-1415: only a manager present in
the object's managedFields with operation Update is migrated). Default `kubectl-client-side-apply`. Read from the
Application on every sync, unlike the sync option `ClientSideApplyMigration=false`, which a sync request with options
of its own replaces (server/application/application.go:2122-2131). Both exist since Argo CD 3.1.0
(argoproj/argo-cd#23337); 3.3.2 moved the migration from a client-side apply to a managedFields patch (csaupgrade)."""
NO_MIGRATION_MANAGER = "lakehouse-no-client-side-apply-migration"
"""The `MIGRATION_MANAGER_ANNOTATION` of an Application that syncs a partial object: a field manager no client ever
uses, so the migration never finds fields to take over, whatever options a sync request carries. With the migration,
the fields set on the object with `kubectl apply` would become Argo CD's, and its server-side apply of the partial
object, which does not name them, would then remove them."""
APP_OF_APPS_ANNOTATION = "lakehouse.dev/app-of-apps"
APP_OF_APPS_ROOT = "root"
"""`APP_OF_APPS_ANNOTATION: APP_OF_APPS_ROOT` marks the root Application of an app of apps, which syncs its own
object: Argo CD waits for each synced object's health while the sync runs (argo-cd v3.5.1 gitops-engine/pkg/sync/
sync_context.go:555-597) and leaves an app's own object out of its health only when it aggregates that health
(controller/health.go:51-54), so the root's sync waits for the root's own object while the root's operation is
Running. The platform's Application health check (manifests/argo_health/argoproj.io_Application.lua) answers Healthy
for an Application so marked."""
WRITING_MANAGERS = frozenset({
    "kubectl-client-side-apply", "kubectl", "kubectl-edit", "kubectl-patch", "kubectl-create", "kubectl-replace",
    "kubectl-label", "kubectl-annotate", "kubectl-set", "kubectl-scale", "kubectl-rollout", "before-first-apply",
    "argocd-controller", "argocd-application-controller", "helm",
})
"""Field managers that do write objects (kubectl's per-command managers, `before-first-apply` that the API server
gives fields set before any server-side apply, Argo CD's own, Helm's): a `MIGRATION_MANAGER_ANNOTATION` naming one
of them migrates its fields."""


def sync_options(annotations: dict[str, str] | None) -> set[str]:
    """The sync options an object's annotations give (`Prune=false,SkipDryRunOnMissingResource=true`)."""
    value = (annotations or {}).get(SYNC_OPTIONS_ANNOTATION, "")
    return {option.strip() for option in value.split(SYNC_OPTIONS_SEPARATOR) if option.strip()}


SYNC_KIND_ORDER = (
    "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy", "PodDisruptionBudget",
    "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass", "PersistentVolume", "PersistentVolumeClaim",
    "CustomResourceDefinition", "ClusterRole", "ClusterRoleList", "ClusterRoleBinding", "ClusterRoleBindingList",
    "Role", "RoleList", "RoleBinding", "RoleBindingList", "Service", "DaemonSet", "Pod", "ReplicationController",
    "ReplicaSet", "Deployment", "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress",
    "APIService",
)
"""The kinds in the order Argo CD applies them within one sync wave; every other kind (custom resources) after them
(argoproj/argo-cd v3.5.1 gitops-engine/pkg/sync/sync_tasks.go, `kindOrder`, from Helm's kind_sorter)."""


def sync_wave(obj: dict[str, Any]) -> int:
    """An object's sync wave (`argocd.argoproj.io/sync-wave`, default 0; an unparsable value counts as 0)."""
    value = (obj.get("metadata", {}).get("annotations") or {}).get(SYNC_WAVE_ANNOTATION, "0")
    try:
        return int(value)
    except ValueError:
        return 0


def sync_order(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`objects` in the order one Argo CD sync applies them: by wave, then kind (`SYNC_KIND_ORDER`), then name
    (gitops-engine `syncTasks.Less`), and each Namespace moved before the first object in it (`syncTasks.Sort`,
    `adjustDeps`). All are taken as the Sync phase (the platform's hooks are `Sync` hooks)."""
    rank = {kind: index - len(SYNC_KIND_ORDER) for index, kind in enumerate(SYNC_KIND_ORDER)}
    ordered = sorted(objects, key=lambda o: (sync_wave(o), rank.get(o["kind"], 0), o["metadata"]["name"]))
    first_use: dict[str, int] = {}
    for index, obj in enumerate(list(ordered)):
        if obj["kind"] == "Namespace" and obj["apiVersion"] == "v1":
            name = obj["metadata"]["name"]
            if name in first_use and first_use[name] < index:
                ordered.insert(first_use[name], ordered.pop(index))
                first_use = {ns: i + 1 if i >= first_use[name] else i for ns, i in first_use.items()}
        elif obj["metadata"].get("namespace"):
            first_use.setdefault(obj["metadata"]["namespace"], index)
    return ordered
