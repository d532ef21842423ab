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


def sync_options(annotations: dict[str, str] | None) -> set[str]:
    """The sync options an object's annotations give (`Prune=false,SkipDryRunOnMissingResource=true`)."""
    value = (annotations or {}).get(SYNC_OPTIONS_ANNOTATION, "")
    return {option.strip() for option in value.split(SYNC_OPTIONS_SEPARATOR) if option.strip()}
