"""Argo CD annotation keys and values the platform renders and `validate` checks (no cdk8s import).

Sync waves and options: https://argo-cd.readthedocs.io/en/stable/user-guide/sync-waves/ ,
https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/ ; hooks:
https://argo-cd.readthedocs.io/en/stable/user-guide/resource_hooks/ .
"""

from __future__ import annotations

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


SYNC_HOOK = {"argocd.argoproj.io/hook": "Sync", "argocd.argoproj.io/hook-delete-policy": "BeforeHookCreation"}
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
