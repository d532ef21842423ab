"""Argo CD app of apps: every rendered file is synced by exactly one Application, and each object is one its
Application's AppProject permits.

An Application with an explicit directory source (a `directory` block: Argo CD then skips its type detection)
whose `source.path` is the folder of checked files syncs the files its `directory.include` glob
matches (a brace list `{a,b}` or one glob, Argo CD's directory source:
https://argo-cd.readthedocs.io/en/stable/user-guide/directory/#including-file-paths). In a folder that
Applications sync,

- a file no Application syncs is never applied, and a file two Applications sync has objects both claim (each
  sync overwrites the other, and Argo CD reports them as shared resources);
- Argo CD refuses the whole sync of an Application when one of its objects is not permitted by its AppProject
  (https://argo-cd.readthedocs.io/en/stable/user-guide/projects/): a kind missing from
  `clusterResourceWhitelist` (cluster-scoped) or `namespaceResourceWhitelist` (namespaced), a namespace, or the
  Application's destination namespace, matched by no `destinations` entry, or a source repository missing from
  `sourceRepos`. Projects not among the checked files (e.g. `default`) are not checked;
- an Application that syncs its own file (the root of an app of apps, which manages itself) was created by hand
  with `kubectl apply` of that file, the bootstrap: everything in the file is created at that moment, all at once,
  outside the root's sync waves (child Applications would all start their automated syncs together, racing the
  CRDs and webhooks the earlier waves install), so the file holds the root and nothing but AppProjects (a project
  permits and starts nothing);
- a partial object (sync options `ServerSideApply=true` and `Delete=false`: an object shared with another owner,
  Argo CD's `argocd-cm`) keeps the fields others set only while Argo CD's client-side apply migration leaves them
  alone: the Application that syncs it must carry `argocd.argoproj.io/client-side-apply-migration-manager` naming a
  manager that never exists. The sync option `ClientSideApplyMigration=false` is not enough: a sync request with
  options of its own replaces the Application's (argo-cd v3.5.1 server/application/application.go:2122-2131), and
  the migration then hands the fields set with kubectl apply to Argo CD's manager, whose server-side apply of the
  partial object removes them (upstream.argo_cd.MIGRATION_MANAGER_ANNOTATION).
"""

from __future__ import annotations

from collections import defaultdict
from fnmatch import fnmatchcase
from pathlib import PurePosixPath
from typing import Any

from manifests.validation.report import Finding, Layer, Manifest, finding
from upstream.api_formats import api_group
from upstream.argo_cd import (
    MIGRATION_MANAGER_ANNOTATION,
    NO_DELETE,
    SERVER_SIDE_APPLY,
    WRITING_MANAGERS,
    sync_options,
)


def include_globs(include: str) -> list[str]:
    """`{a.yaml,b.yaml}` -> both globs (spaces kept, as Argo CD's glob library keeps them); any other pattern ->
    itself."""
    if include.startswith("{") and include.endswith("}"):
        return include[1:-1].split(",")
    return [include]


def synced_files(app: Manifest, files: set[str]) -> list[str] | None:
    """The checked files `app` syncs; None when its source is not an explicit directory source over a folder of them
    (another repository's path, a Helm chart, or no `directory` block, where Argo CD detects the source type and
    a kustomization.yaml in the folder makes it Kustomize)."""
    source = app.obj.get("spec", {}).get("source") or {}
    path = source.get("path")
    if not isinstance(path, str) or not isinstance(source.get("directory"), dict):
        return None
    parts = PurePosixPath(path.strip("/")).parts
    folder = [f for f in files if parts and PurePosixPath(f).parent.parts[-len(parts):] == parts]
    if not folder:
        return None
    globs = include_globs(str((source.get("directory") or {}).get("include") or "*"))
    return sorted(f for f in folder if any(fnmatchcase(PurePosixPath(f).name, g) for g in globs))


def _listed(entries: Any, group: str, kind: str) -> bool:
    return any(fnmatchcase(group, str(e.get("group", ""))) and fnmatchcase(kind, str(e.get("kind", "")))
               for e in entries or [] if isinstance(e, dict))


def _destined(project: dict[str, Any], namespace: str) -> bool:
    return any(fnmatchcase(namespace, str(d.get("namespace", ""))) for d in project.get("destinations") or []
               if isinstance(d, dict))


def _permission_findings(app: Manifest, project: Manifest, objects: list[Manifest]) -> list[Finding]:
    spec, allowed = app.obj.get("spec", {}), project.obj.get("spec", {})
    name = f"AppProject {project.name}"
    findings = []
    repo = str((spec.get("source") or {}).get("repoURL", ""))
    if not any(fnmatchcase(repo, str(r)) for r in allowed.get("sourceRepos") or []):
        findings.append(finding(app, "spec.source.repoURL", f"{repo} is not among the sourceRepos of {name}: Argo CD "
                                "refuses the Application", Layer.RULE))
    destination = str((spec.get("destination") or {}).get("namespace") or "")
    if destination and not _destined(allowed, destination):
        findings.append(finding(app, "spec.destination.namespace", f"{destination} is not a destination of {name}: "
                                "Argo CD refuses the Application", Layer.RULE))
    for m in objects:
        group = api_group(str(m.obj.get("apiVersion", "")))
        whitelist = "namespaceResourceWhitelist" if m.namespace else "clusterResourceWhitelist"
        if not _listed(allowed.get(whitelist), group, m.kind):
            findings.append(finding(m, "kind", f"{m.kind} ({group or 'core'}) is not in the {whitelist} of {name}, "
                                    f"so Argo CD refuses the sync of Application {app.name}", Layer.RULE))
        if m.namespace and not _destined(allowed, m.namespace):
            findings.append(finding(m, "metadata.namespace", f"namespace {m.namespace} is not a destination of "
                                    f"{name}, so Argo CD refuses the sync of Application {app.name}", Layer.RULE))
    return findings


def _migration_findings(app: Manifest, objects: list[Manifest]) -> list[Finding]:
    """A finding on `app` when it syncs a partial object without naming a migration manager that never exists."""
    partial = [m for m in objects if {SERVER_SIDE_APPLY, NO_DELETE} <= sync_options(
        m.obj.get("metadata", {}).get("annotations"))]
    if not partial:
        return []
    manager = str((app.obj.get("metadata", {}).get("annotations") or {}).get(MIGRATION_MANAGER_ANNOTATION) or "")
    if manager and manager not in WRITING_MANAGERS:
        return []
    options = (app.obj.get("spec", {}).get("syncPolicy") or {}).get("syncOptions") or []
    if manager:
        why = f"names {manager} in {MIGRATION_MANAGER_ANNOTATION}, a manager that writes objects"
    elif "ClientSideApplyMigration=false" in options:
        why = ("turns the client-side apply migration off only with the sync option ClientSideApplyMigration=false, "
               "which a sync request with options of its own replaces (argo-cd server/application/application.go:"
               "2122-2131)")
    else:
        why = "does not turn the client-side apply migration off"
    objects_text = " and ".join(f"{m.kind} {m.name}" for m in partial)
    return [finding(app, f"metadata.annotations.{MIGRATION_MANAGER_ANNOTATION}",
                    f"{objects_text} is a partial object ({SERVER_SIDE_APPLY}, {NO_DELETE}) and Application "
                    f"{app.name} {why}: the migration would hand the fields set with kubectl apply to Argo CD's "
                    f"field manager, and this apply would remove them. Annotate the Application with "
                    f"{MIGRATION_MANAGER_ANNOTATION} naming a manager that never exists", Layer.RULE)]


def _bootstrap_findings(app: Manifest, synced: list[str], objects: list[Manifest]) -> list[Finding]:
    """A finding per object but AppProjects beside `app` in its own file, when `app` syncs that file (`objects`:
    the file's)."""
    if app.file not in synced:
        return []
    file = PurePosixPath(app.file).name
    return [finding(m, "-", f"{file} holds the root Application {app.name}, which syncs its own file: that file is "
                    f"the bootstrap, applied by hand (kubectl apply), which creates {m.kind} {m.name} at once, "
                    "outside the root's sync waves; keep only the root and its AppProjects in it", Layer.RULE)
            for m in objects if m is not app and m.kind != "AppProject"]


def check(manifests: list[Manifest]) -> list[Finding]:
    """Findings for files synced by no Application or by two, for objects their AppProject does not permit (only in
    folders some Application syncs), for an Application that syncs a partial object without naming a migration
    manager that never exists, and for objects but AppProjects beside a root Application in its bootstrap file."""
    by_file: dict[str, list[Manifest]] = defaultdict(list)
    for m in manifests:
        by_file[m.file].append(m)
    projects = {m.name: m for m in manifests if m.kind == "AppProject"}
    syncers: dict[str, list[Manifest]] = defaultdict(list)
    folders: set[str] = set()
    findings: list[Finding] = []
    for app in (m for m in manifests if m.kind == "Application"):
        synced = synced_files(app, set(by_file))
        if synced is None:
            continue
        folders |= {PurePosixPath(f).parent.as_posix() for f in synced}
        for file in synced:
            syncers[file].append(app)
        objects = [m for f in synced for m in by_file[f]]
        project = projects.get(str(app.obj.get("spec", {}).get("project")))
        if project is not None:
            findings += _permission_findings(app, project, objects)
        findings += _migration_findings(app, objects)
        findings += _bootstrap_findings(app, synced, by_file[app.file])
    for file, objects in sorted(by_file.items()):
        if PurePosixPath(file).parent.as_posix() not in folders:
            continue
        apps = syncers.get(file, [])
        if not apps:
            findings.append(finding(objects[0], "-", f"no Application syncs {PurePosixPath(file).name}: its objects "
                                    "are never applied by Argo CD", Layer.RULE))
        elif len(apps) > 1:
            findings.append(finding(objects[0], "-", f"{PurePosixPath(file).name} is synced by "
                                    f"{' and '.join(sorted(a.name for a in apps))}: each sync overwrites the "
                                    "other's objects", Layer.RULE))
    return findings
