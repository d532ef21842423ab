"""Argo CD app of apps: the root Application, one Application per chart file, the platform's AppProject and the
health checks in `argocd-cm`, in two files.

    01-argocd.k8s.yaml                    the bootstrap, the one file applied by hand
      root Application lakehouse-<env>    project crds.project (admin), syncs 01-argocd.k8s.yaml (itself, in the last
                                          wave, annotated lakehouse.dev/app-of-apps: root so that its health check
                                          answers Healthy), 01-argocd-apps.k8s.yaml and 05-crds.k8s.yaml (CRD and
                                          cert-manager Applications)
      AppProject lakehouse-<env>          least privilege: the repository, the namespaces and the kinds of dist/<env>
    01-argocd-apps.k8s.yaml               what the root creates from Git, in sync waves
      |-- ConfigMap argocd-cm (partial)   the Lua health checks, applied server-side, the root naming a client-side
      |                                   apply migration manager that never exists: only these keys are touched
      |-- Application <env>-<file>        one per other chart file, in AppProject lakehouse-<env>, sync wave = the
                                          file's number (00, 10, 15, ... 60), so files sync in their apply order

Why the bootstrap file holds no child Application: `kubectl apply` creates everything in a file at once. With the
children there, each started its automated sync at the same moment, racing the CRDs, cert-manager and the operators'
webhooks; the root creates them in its waves instead, each after the one before is synced and healthy (the
`argoproj.io_Application` health check).

Why the split: the CRD and cert-manager Applications install cluster-wide objects from upstream repositories, and
an Application that may create Applications or AppProjects can escape any project, so those stay with the root in
the admin project; the platform's own files get exactly the kinds, namespaces and repository they render. A child
Application carries `Prune=false` and no resources finalizer: removing a chart from the render leaves its
Application for a person to delete, and deleting an Application never cascades to stateful objects.

Argo CD references: app of apps https://argo-cd.readthedocs.io/en/stable/operator-manual/cluster-bootstrapping/ ;
projects https://argo-cd.readthedocs.io/en/stable/user-guide/projects/ ; directory include
https://argo-cd.readthedocs.io/en/stable/user-guide/directory/#including-file-paths ; retries and sync options
https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/ ; diffing
https://argo-cd.readthedocs.io/en/stable/user-guide/diffing/ ; health checks (Application health, removed in 1.8,
is what lets waves of Applications wait for each other)
https://argo-cd.readthedocs.io/en/stable/operator-manual/health/#argocd-app .
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import cdk8s
import constructs

from charts.blocks.component_chart import ComponentChart
from charts.blocks.custom_objects import custom_object
from charts.blocks.metadata import Component, SyncWave
from upstream.api_formats import api_group
from upstream.argo_cd import (
    APP_OF_APPS_ANNOTATION,
    APP_OF_APPS_ROOT,
    MIGRATION_MANAGER_ANNOTATION,
    NO_MIGRATION_MANAGER,
    NO_PRUNE,
    PARTIAL_OBJECT_OPTIONS,
    SYNC_OPTIONS_ANNOTATION,
    SYNC_OPTIONS_SEPARATOR,
    SYNC_WAVE_ANNOTATION,
)

IN_CLUSTER = "https://kubernetes.default.svc"
APPLICATION = "argoproj.io/v1alpha1"
FILE_SUFFIX = ".k8s.yaml"
ROOT_WAVE = 100
"""The root Application's own wave: after every other object it syncs (file numbers end at 60). The Application
check answers Healthy for the root's own object (`APP_OF_APPS_ANNOTATION`), so its sync never waits for itself."""
RETRY = {"limit": -1, "refresh": True, "backoff": {"duration": "10s", "factor": 2, "maxDuration": "5m"}}
"""Sync retries, without a limit (`limit: -1`: argo-cd v3.5.1 controller/appcontroller.go:1620), 10 s, 20 s, 40 s,
... then every 5 minutes, each on the latest revision (`refresh`: appcontroller.go:1565-1571, since Argo CD 3.2.0).
A failed sync whose retries are spent is never synced again on the same revision (appcontroller.go:2394-2399, "will
not retry"), so a child that lost a race with a CRD, a certificate or a webhook another Application is still
starting would stay failed until the next commit, and the root's wave with it; with `refresh`, a fix pushed to Git
is what the next retry applies. A sync that keeps failing shows its error and retry count in its operation state."""

MUTATED_FIELDS: dict[tuple[str, str], dict[str, list[str]]] = {
    ("admissionregistration.k8s.io", "MutatingWebhookConfiguration"):
        {"jqPathExpressions": [".webhooks[]?.clientConfig.caBundle"]},
    ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"):
        {"jqPathExpressions": [".webhooks[]?.clientConfig.caBundle"]},
    ("flink.apache.org", "FlinkSessionJob"): {"jsonPointers": ["/metadata/labels/target.session"]},
}
"""Fields written in the cluster by someone else, per (group, kind): the webhooks' CA bundle (injected by
cert-manager's CA injector for the Flink operator, patched in by the Spark operator for its own webhook) and the
`target.session` label the Flink operator's mutating webhook sets on session jobs (`DefaultFlinkMutator`). Argo CD
ignores them in its diff, and `RespectIgnoreDifferences=true` keeps a sync from resetting them."""


@dataclass(frozen=True)
class Inventory:
    """What a set of rendered charts holds: `namespaces` of its namespaced objects, `cluster_kinds` and
    `namespaced_kinds` as (group, kind) pairs (group "" for the core API), all sorted."""

    namespaces: tuple[str, ...]
    cluster_kinds: tuple[tuple[str, str], ...]
    namespaced_kinds: tuple[tuple[str, str], ...]

    @staticmethod
    def of(manifests: Iterable[Mapping[str, Any]]) -> Inventory:
        """The inventory of rendered objects (dicts as `cdk8s.Chart.to_json` returns them)."""
        namespaces: set[str] = set()
        cluster: set[tuple[str, str]] = set()
        namespaced: set[tuple[str, str]] = set()
        for manifest in manifests:
            kind = (api_group(str(manifest["apiVersion"])), str(manifest["kind"]))
            namespace = (manifest.get("metadata") or {}).get("namespace")
            if namespace:
                namespaces.add(namespace)
                namespaced.add(kind)
            else:
                cluster.add(kind)
        return Inventory(tuple(sorted(namespaces)), tuple(sorted(cluster)), tuple(sorted(namespaced)))

    def kinds(self) -> set[tuple[str, str]]:
        """Every (group, kind) of the inventory."""
        return {*self.cluster_kinds, *self.namespaced_kinds}


@dataclass(frozen=True)
class ChildApplication:
    """One chart file synced by its own Application: `chart_id` (the file is `<chart_id>.k8s.yaml`, its number
    the sync wave), `namespace` (the destination namespace; objects name their own), and the chart's `inventory`.

    Raises:
        ValueError: a chart id that does not start with its two-digit number.
    """

    chart_id: str
    namespace: str
    inventory: Inventory

    def __post_init__(self) -> None:
        if not self.chart_id[:2].isdigit() or self.chart_id[2:3] != "-":
            raise ValueError(f"chart id {self.chart_id!r}: expected <two digits>-<name>, the file's apply order")

    @property
    def file(self) -> str:
        return self.chart_id + FILE_SUFFIX

    @property
    def wave(self) -> int:
        return int(self.chart_id[:2])


@dataclass(frozen=True)
class AppOfAppsProps:
    """The Argo CD objects of one environment.

    Attributes:
        environment: the environment name (Application and AppProject names derive from it).
        repo_url, target_revision, path: where the rendered environment is in Git (`path`: `dist/<env>`).
        namespace: Argo CD's namespace.
        project: the platform's AppProject (rendered here); `admin_project` the existing project of the root and
            of the prerequisite Applications (`crds.project`).
        root_files: the chart files the root Application syncs besides its own bootstrap file (the app of apps'
            file, the CRD Applications').
        children: one Application each, in `project`.
        health_checks: `argocd-cm` keys (`resource.customizations.health.<group>_<kind>`) and their Lua scripts;
            empty: no `argocd-cm` object.

    Raises:
        ValueError: two children of one file.
    """

    environment: str
    repo_url: str
    target_revision: str
    path: str
    namespace: str
    project: str
    admin_project: str
    root_files: tuple[str, ...] = ()
    children: tuple[ChildApplication, ...] = ()
    health_checks: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        files = [child.file for child in self.children]
        if len(set(files)) != len(files):
            raise ValueError(f"one Application per chart file: {sorted(files)}")

    @property
    def root_name(self) -> str:
        return f"lakehouse-{self.environment}"

    def source(self, files: Iterable[str]) -> dict[str, Any]:
        """An Application source that syncs `files` of the environment's directory (a brace glob for several)."""
        names = sorted(files)
        include = names[0] if len(names) == 1 else "{" + ",".join(names) + "}"
        return {"repoURL": self.repo_url, "targetRevision": self.target_revision, "path": self.path,
                "directory": {"include": include}}


def _component(props: AppOfAppsProps) -> Component:
    return Component("argocd-application", props.root_name, "1", "app-of-apps")


def _project(scope: constructs.Construct, props: AppOfAppsProps, component: Component) -> None:
    """The platform's AppProject: the repository, the children's namespaces and kinds, nothing else."""
    platform = Inventory(
        namespaces=tuple(sorted({n for c in props.children for n in (c.namespace, *c.inventory.namespaces)})),
        cluster_kinds=tuple(sorted({k for c in props.children for k in c.inventory.cluster_kinds})),
        namespaced_kinds=tuple(sorted({k for c in props.children for k in c.inventory.namespaced_kinds})))
    custom_object(scope, "project", api_version=APPLICATION, kind="AppProject", name=props.project,
                  namespace=props.namespace, component=component, wave=SyncWave.ARGO_CD, spec={
                      "description": f"The lakehouse platform of environment {props.environment} "
                                     f"({props.path}): only its repository, namespaces and kinds",
                      "sourceRepos": [props.repo_url],
                      "destinations": [{"server": IN_CLUSTER, "namespace": n} for n in platform.namespaces],
                      "clusterResourceWhitelist": [{"group": g, "kind": k} for g, k in platform.cluster_kinds],
                      "namespaceResourceWhitelist": [{"group": g, "kind": k} for g, k in platform.namespaced_kinds],
                  })


class RootApplicationChart(ComponentChart):
    """The bootstrap file, in `props.namespace` (file `<id>.k8s.yaml`): the root Application, which syncs that file
    (it manages itself after the bootstrap `kubectl apply`) and `props.root_files` (the app of apps' file, the CRD
    Applications'), and the platform's AppProject (a project permits and starts nothing: created at the bootstrap, it
    stays in a file every root, however old, syncs)."""

    def __init__(self, scope: constructs.Construct, id: str, *, props: AppOfAppsProps):
        super().__init__(scope, id, namespace=props.namespace)
        _project(self, props, _component(props).with_component("project"))
        # The root syncs its own object, and Argo CD waits for each synced object's health while the sync runs, the
        # root's own operation then Running (gitops-engine/pkg/sync/sync_context.go:555-597; controller/health.go
        # leaves an app's own object out of its health only). APP_OF_APPS_ANNOTATION: the Application check answers
        # Healthy for the root, whose health is its children's, which the earlier waves waited for; in the last wave
        # (ROOT_WAVE) it gates nothing.
        # NO_MIGRATION_MANAGER: the client-side apply migration would hand argocd-cm's keys set with kubectl apply to
        # Argo CD's field manager, and the server-side apply of the partial argocd-cm would then remove them; the
        # annotation holds whatever options a sync request carries (upstream.argo_cd.MIGRATION_MANAGER_ANNOTATION).
        custom_object(self, "root", api_version=APPLICATION, kind="Application", name=props.root_name,
                      namespace=props.namespace, component=_component(props), wave=ROOT_WAVE,
                      annotations={MIGRATION_MANAGER_ANNOTATION: NO_MIGRATION_MANAGER,
                                   APP_OF_APPS_ANNOTATION: APP_OF_APPS_ROOT}, spec={
                          "project": props.admin_project,
                          "source": props.source((id + FILE_SUFFIX, *props.root_files)),
                          "destination": {"server": IN_CLUSTER, "namespace": props.namespace},
                          "syncPolicy": {"automated": {"prune": True, "selfHeal": True}, "retry": RETRY},
                      })


class AppOfAppsChart(ComponentChart):
    """What the root Application creates from Git, in its sync waves: `argocd-cm`'s health checks and one
    Application per child, in `props.namespace` (its file must be among `props.root_files`)."""

    def __init__(self, scope: constructs.Construct, id: str, *, props: AppOfAppsProps):
        super().__init__(scope, id, namespace=props.namespace)
        self.props = props
        component = _component(props)
        if props.health_checks:
            self._health_checks()
        for child in props.children:
            self._child(child, component)

    def _health_checks(self) -> None:
        """A partial `argocd-cm`: only the health keys, applied server-side so Argo CD's other settings (and the
        owner of the rest of the ConfigMap) are untouched; never pruned or deleted with the root."""
        cdk8s.ApiObject(self, "argocd-cm", api_version="v1", kind="ConfigMap", metadata=cdk8s.ApiObjectMetadata(
            name="argocd-cm", namespace=self.props.namespace,
            labels={"app.kubernetes.io/name": "argocd-cm", "app.kubernetes.io/part-of": "argocd"},
            annotations={SYNC_WAVE_ANNOTATION: str(int(SyncWave.ARGO_CD)),
                         SYNC_OPTIONS_ANNOTATION: SYNC_OPTIONS_SEPARATOR.join(PARTIAL_OBJECT_OPTIONS)},
        )).add_json_patch(cdk8s.JsonPatch.add("/data", dict(sorted(self.props.health_checks.items()))))

    def _child(self, child: ChildApplication, component: Component) -> None:
        props = self.props
        name = f"{props.environment}-{child.chart_id[3:]}"
        ignored = [{"group": group, "kind": kind, **MUTATED_FIELDS[(group, kind)]}
                   for group, kind in sorted(child.inventory.kinds()) if (group, kind) in MUTATED_FIELDS]
        options = ["PruneLast=true", *(["RespectIgnoreDifferences=true"] if ignored else [])]
        custom_object(self, child.chart_id, api_version=APPLICATION, kind="Application", name=name,
                      namespace=props.namespace, component=component.with_component("platform"),
                      wave=child.wave, annotations={SYNC_OPTIONS_ANNOTATION: NO_PRUNE}, spec={
                          "project": props.project,
                          "source": props.source([child.file]),
                          "destination": {"server": IN_CLUSTER, "namespace": child.namespace},
                          "syncPolicy": {"automated": {"prune": True, "selfHeal": True}, "syncOptions": options,
                                         "retry": RETRY},
                          **({"ignoreDifferences": ignored} if ignored else {}),
                      })
