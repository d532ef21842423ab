"""CRDs and cert-manager from their pinned upstream sources, as Argo CD Applications in the first sync wave.

CRDs are never copied into this repository or `dist/`: one Application per upstream CRD folder (from the
pins in `upstream/crd_pins.py`) syncs them with server-side apply (they exceed the client-side annotation limit),
server-side diff, no pruning and no cascade deletion (deleting a CRD deletes every resource of its kind).
cert-manager (mode `include`) is installed from its pinned Helm chart release into its own namespace, the
one prerequisite Argo CD renders at sync time. kubectl users run `make install-crds` and
`make install-cert-manager` instead. Argo CD Application spec:
https://argo-cd.readthedocs.io/en/stable/operator-manual/declarative-setup/#applications
"""

from __future__ import annotations

from dataclasses import dataclass, field

import constructs

from charts.blocks.component_chart import ComponentChart
from charts.blocks.custom_objects import custom_object
from charts.blocks.metadata import Component, SyncWave
from upstream.crd_pins import PINS

IN_CLUSTER = "https://kubernetes.default.svc"
CERT_MANAGER_CHARTS = "https://charts.jetstack.io"


def crd_sources() -> list[tuple[str, str, str, str]]:
    """(application name, repo URL, revision, path) per upstream CRD folder of the installed pins."""
    seen: dict[tuple[str, str, str], str] = {}
    for pin in PINS.values():
        if pin.installed:
            seen.setdefault((pin.repo, pin.tag, pin.directory), pin.repo.split("/")[1] + "-crds")
    return [(name, f"https://github.com/{repo}.git", tag, path) for (repo, tag, path), name in seen.items()]


@dataclass(frozen=True)
class CertManagerProps:
    """cert-manager installed by Argo CD: `version`, the pinned release of its Helm chart
    (https://cert-manager.io/docs/installation/helm/), and `namespace`, its own (created on sync)."""

    version: str = "v1.18.2"
    namespace: str = "cert-manager"


@dataclass(frozen=True)
class CrdSourcesProps:
    """Argo CD Applications of the platform's prerequisites.

    Attributes:
        manage_crds: one Application per upstream CRD folder of the installed pins (`upstream/crd_pins.py`); False
            when CRDs are managed elsewhere.
        cert_manager: cert-manager's Application; None when the cluster has cert-manager or does without it.
        argocd_namespace: Argo CD's namespace, where Applications live.
        project: the Argo CD project of the Applications.
    """

    manage_crds: bool = True
    cert_manager: CertManagerProps | None = field(default_factory=CertManagerProps)
    argocd_namespace: str = "argocd"
    project: str = "default"


class CrdSourcesChart(ComponentChart):
    """Argo CD Applications in `props.argocd_namespace`: one per CRD source (when `props.manage_crds`) and
    cert-manager (when `props.cert_manager` is set)."""

    def __init__(self, scope: constructs.Construct, id: str, *, props: CrdSourcesProps):
        super().__init__(scope, id, namespace=props.argocd_namespace)
        component = Component("argocd-application", "crds", "1", "prerequisites")
        annotations = {"argocd.argoproj.io/compare-options": "ServerSideDiff=true"}
        if props.manage_crds:
            for name, repo, revision, path in crd_sources():
                custom_object(self, name, api_version="argoproj.io/v1alpha1", kind="Application", name=name,
                              namespace=props.argocd_namespace, component=component, wave=SyncWave.PREREQUISITES,
                              annotations=annotations, spec={
                                  "project": props.project,
                                  "source": {"repoURL": repo, "targetRevision": revision, "path": path},
                                  "destination": {"server": IN_CLUSTER},
                                  "syncPolicy": {"automated": {"prune": False, "selfHeal": True},
                                                 "syncOptions": ["ServerSideApply=true", "Prune=false"]},
                              })
        cert_manager = props.cert_manager
        if cert_manager is not None:
            custom_object(self, "cert-manager", api_version="argoproj.io/v1alpha1", kind="Application",
                          name="cert-manager", namespace=props.argocd_namespace,
                          component=component.with_component("cert-manager"), wave=SyncWave.PREREQUISITES,
                          annotations=annotations, spec={
                              "project": props.project,
                              "source": {"repoURL": CERT_MANAGER_CHARTS, "chart": "cert-manager",
                                         "targetRevision": cert_manager.version,
                                         "helm": {"releaseName": "cert-manager",
                                                  "valuesObject": {"crds": {"enabled": True}}}},
                              "destination": {"server": IN_CLUSTER, "namespace": cert_manager.namespace},
                              "syncPolicy": {"automated": {"prune": True, "selfHeal": True},
                                             "syncOptions": ["CreateNamespace=true", "ServerSideApply=true"]},
                          })
