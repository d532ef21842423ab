"""A rendered environment applied to a real API server in the order Argo CD (or `kubectl apply -k`) applies it.

Argo CD environments (`01-argocd.k8s.yaml`, `05-crds.k8s.yaml` present): the root Application syncs Argo CD's own
objects wave by wave (`upstream.argo_cd.sync_order`); each Application it creates is synced right after its wave,
before the next (the app of apps waits for a child's health): an Application of `dist/<env>` syncs the files its
`directory.include` names, in their own wave order; the CRD Applications install the pinned CRDs of their upstream
path; the cert-manager Application installs cert-manager's CRDs. Other environments: the kustomization's files in
order, with every pinned CRD installed first (`make install-crds`, `make install-cert-manager`).

Preconditions, as a cluster has them before the platform: the namespaces the environment declares existing
(`config.external.declared_external`: Argo CD's, team namespaces with `create: false`), labelled to warn on pods
that are not restricted (the platform's pods are restricted), and the CRDs of components installed with their own
charts (Argo CD, External Secrets, Karpenter: `CrdPin.installed` False and no Application of the platform installs
them).

In each wave, Namespaces are applied first, then every other object of the wave is applied with `dryRun=All` and
then for real (Argo CD's dry run precedes its apply; a wave's Namespace must exist before its objects' dry run).
Admission webhook configurations are judged by their dry run only: stored, they would make the server call the
operators' webhooks, which no pod serves here (the harness lets no such call leave the machine), so every later
custom resource would be refused.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from config import load_environment
from config.external import declared_external
from manifests.crds import read_pinned
from manifests.layout import ARGO_CD_FILES, KUSTOMIZATION, manifest_files
from tests.judges.kube_apiserver import ApiError, KubeApiServer, Object, Response
from upstream.argo_cd import sync_order, sync_wave
from upstream.crd_pins import PINS, CrdPin

WARN_RESTRICTED = {"pod-security.kubernetes.io/warn": "restricted"}
"""Label of a namespace the platform renders into but does not create: its pods are declared restricted too."""
CERT_MANAGER_CHART = "cert-manager"
DRY_RUN_ONLY = frozenset({"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"})
"""Kinds the judge does not store (see the module's docstring)."""


@dataclass
class Outcome:
    """One request of the sync: which `phase` (`dry-run`, `apply`, `reapply`), the object and the response."""

    phase: str
    obj: Object
    response: Response

    @property
    def ref(self) -> str:
        """`Kind namespace/name` of the object."""
        meta = self.obj["metadata"]
        return f"{self.obj['kind']} {meta.get('namespace', '')}/{meta['name']}".replace(" /", " ")


@dataclass
class SyncRun:
    """Everything one environment's sync sent and got back, in order."""

    outcomes: list[Outcome] = field(default_factory=list)
    applied: list[Object] = field(default_factory=list)
    crd_steps: list[str] = field(default_factory=list)

    def errors(self) -> list[str]:
        """`phase Kind ns/name: the server's message` for each refused request."""
        return [f"{o.phase} {o.ref}: {o.response.message}" for o in self.outcomes if o.response.status >= 300]


def load_objects(path: Path) -> list[Object]:
    """The objects of one rendered file."""
    return [doc for doc in yaml.load_all(path.read_text(), Loader=yaml.CSafeLoader) if doc]


def pinned_crds(pins: list[CrdPin]) -> list[Object]:
    """The CustomResourceDefinitions of `pins` (checksum verified: `manifests.crds.read_pinned`)."""
    return [doc for pin in pins for doc in yaml.load_all(read_pinned(pin.file), Loader=yaml.CSafeLoader)
            if doc and doc.get("kind") == "CustomResourceDefinition"]


def _application_pins(application: Object) -> list[CrdPin] | None:
    """The pins whose CRDs `application` installs (an upstream CRD folder or the cert-manager chart), or None when
    it deploys something else."""
    source = application["spec"].get("source", {})
    if source.get("chart") == CERT_MANAGER_CHART:
        return [p for p in PINS.values() if p.repo == "cert-manager/cert-manager" and p.tag == source["targetRevision"]]
    pins = [p for p in PINS.values() if source.get("repoURL", "").removesuffix(".git").endswith("/" + p.repo)
            and p.tag == source.get("targetRevision") and p.directory == source.get("path")]
    return pins or None


def _included_files(application: Object, env_dir: Path) -> list[Path] | None:
    """The files of `env_dir` an Application of `dist/<env>` deploys (`directory.include`, a glob with `{a,b}`), or
    None when its source is not this folder."""
    source = application["spec"].get("source", {})
    if source.get("path") != f"dist/{env_dir.name}":
        return None
    pattern = source.get("directory", {}).get("include", "*")
    alternatives = re.fullmatch(r"\{(.*)\}", pattern)
    patterns = alternatives.group(1).split(",") if alternatives else [pattern]
    return [p for p in manifest_files(env_dir) if any(fnmatch.fnmatch(p.name, pat) for pat in patterns)]


@dataclass
class SyncUnit:
    """One step of the environment's sync: `objects` to apply in Argo CD order, or `crds` to install."""

    label: str
    objects: list[Object] = field(default_factory=list)
    crds: list[CrdPin] = field(default_factory=list)


def sync_plan(env_dir: Path) -> tuple[list[CrdPin], list[SyncUnit]]:
    """(CRDs installed before the platform, the platform's sync steps in order) for the rendered `env_dir`.

    Raises:
        ValueError: an Application whose source the judge cannot map to files of `env_dir` or to pinned CRDs.
    """
    files = manifest_files(env_dir)
    if not any(f.name in ARGO_CD_FILES for f in files):
        order = yaml.safe_load((env_dir / KUSTOMIZATION).read_text())["resources"]
        return list(PINS.values()), [SyncUnit(name, objects=load_objects(env_dir / name)) for name in order]
    root = sync_order([o for f in files if f.name in ARGO_CD_FILES for o in load_objects(f)])
    units: list[SyncUnit] = []
    by_application: list[Object] = []
    installed_by_argo: list[CrdPin] = []
    for wave, objects in _waves(root):
        units.append(SyncUnit(f"root wave {wave}", objects=objects))
        for application in (o for o in objects if o["kind"] == "Application"):
            by_application.append(application)
            name = application["metadata"]["name"]
            included = _included_files(application, env_dir)
            pins = _application_pins(application)
            if included is not None:
                children = [o for f in included if f.name not in ARGO_CD_FILES for o in load_objects(f)]
                if children:
                    units.append(SyncUnit(f"Application {name}", objects=sync_order(children)))
            elif pins is not None:
                installed_by_argo += pins
                units.append(SyncUnit(f"Application {name}", crds=pins))
            else:
                raise ValueError(f"Application {name}: the judge knows no source like {application['spec'].get('source')}")
    preinstalled = [p for p in PINS.values() if not p.installed and p not in installed_by_argo]
    return preinstalled, units


def _waves(objects: list[Object]) -> Iterator[tuple[int, list[Object]]]:
    """Consecutive runs of `objects` (in sync order) by wave."""
    run: list[Object] = []
    for obj in objects:
        if run and sync_wave(obj) != sync_wave(run[0]):
            yield sync_wave(run[0]), run
            run = []
        run.append(obj)
    if run:
        yield sync_wave(run[0]), run


def external_namespaces(env: str) -> list[Object]:
    """The Namespaces environment `env` declares existing, as the judge creates them (warn=restricted)."""
    config = load_environment(env)
    return [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": dict(WARN_RESTRICTED)}}
            for (kind, _, name) in sorted(declared_external(config), key=lambda k: k[2]) if kind == "Namespace"]


def prepare(server: KubeApiServer, env: str, preinstalled: list[CrdPin]) -> list[Object]:
    """Create the declared external namespaces and install the CRDs of components installed before the platform;
    returns the namespaces.

    Raises:
        ApiError: the server refused one of them.
    """
    namespaces = external_namespaces(env)
    for namespace in namespaces:
        response = server.apply(namespace, manager="judge-preconditions")
        if response.status >= 300:
            raise ApiError(f"precondition Namespace {namespace['metadata']['name']}", response)
    server.install_crds(pinned_crds(preinstalled))
    return namespaces


def run_sync(server: KubeApiServer, units: list[SyncUnit]) -> SyncRun:
    """Apply `units` in order (see the module's docstring); every request's outcome is recorded, none raises."""
    result = SyncRun()
    for unit in units:
        if unit.crds:
            server.install_crds(pinned_crds(unit.crds))
            result.crd_steps.append(unit.label)
            continue
        for _, wave in _waves(unit.objects):
            namespaces = [o for o in wave if o["kind"] == "Namespace"]
            others = [o for o in wave if o["kind"] != "Namespace"]
            for group in (namespaces, others):
                result.outcomes += [Outcome("dry-run", o, server.apply(o, dry_run=True)) for o in group]
                for obj in (o for o in group if o["kind"] not in DRY_RUN_ONLY):
                    result.outcomes.append(Outcome("apply", obj, server.apply(obj)))
                    result.applied.append(obj)
    return result


def reapply(server: KubeApiServer, run: SyncRun) -> list[str]:
    """Apply every object of `run` a second time; what changed (`Kind ns/name: resourceVersion a -> b,
    generation c -> d`), or the errors."""
    first = {id(o.obj): o.response.body for o in run.outcomes if o.phase == "apply"}
    changes = []
    for obj in run.applied:
        response = server.apply(obj)
        outcome = Outcome("reapply", obj, response)
        if response.status >= 300:
            changes.append(f"{outcome.ref}: {response.message}")
            continue
        before, after = first[id(obj)].get("metadata", {}), response.body.get("metadata", {})
        if (before.get("resourceVersion"), before.get("generation")) != (after.get("resourceVersion"),
                                                                          after.get("generation")):
            changes.append(f"{outcome.ref}: resourceVersion {before.get('resourceVersion')} -> "
                           f"{after.get('resourceVersion')}, generation {before.get('generation')} -> "
                           f"{after.get('generation')}")
    return changes


def remove(server: KubeApiServer, objects: list[Object]) -> None:
    """Delete `objects` from `server` and then their Namespaces, so that the next environment starts from a server
    with only CRDs: objects first (background propagation: no garbage collector runs to clear an `orphan` or
    `foregroundDeletion` finalizer), then each Namespace is deleted and finalized by hand (`/finalize` with no
    finalizers), which is what the namespace controller, absent here, would do once it is empty.

    Raises:
        ApiError: a deletion the server refused, or a namespace still holding objects.
    """
    namespaces = [o for o in objects if o["kind"] == "Namespace"]
    for obj in reversed([o for o in objects if o["kind"] != "Namespace"]):
        response = server.request("DELETE", server.path(obj), propagationPolicy="Background")
        if response.status >= 300 and response.status != 404:
            raise ApiError(f"delete {obj['kind']} {obj['metadata']['name']}", response)
    for namespace in namespaces:
        path = f"/api/v1/namespaces/{namespace['metadata']['name']}"
        response = server.request("DELETE", path)
        if response.status == 404:
            continue
        if response.status >= 300:
            raise ApiError(f"delete {path}", response)
        live = server.request("GET", path).body
        live["spec"] = {"finalizers": []}
        response = server.request("PUT", f"{path}/finalize", live)
        if response.status >= 300:
            raise ApiError(f"finalize {path}", response)
