"""The `argoCd` and `crds` sections, and the rendered charts, as the app of apps' props."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import cdk8s

from charts.argo_cd.app_of_apps import FILE_SUFFIX, AppOfAppsProps, ChildApplication, Inventory
from charts.blocks.component_chart import ComponentChart
from config import EnvironmentConfig

CRD_SOURCES_CHART = "05-crds"
"""The chart of the CRD and cert-manager Applications: synced by the root Application, in the admin project."""


def app_of_apps_props(config: EnvironmentConfig, charts: Sequence[cdk8s.Chart], apps_chart_id: str,
                      health_checks: Mapping[str, str]) -> AppOfAppsProps | None:
    """`AppOfAppsProps` of environment `config` whose other charts are `charts` (built: their objects are read
    for the AppProject's namespaces and kinds; neither Argo CD chart among them); None without `argoCd`. The root
    syncs `apps_chart_id`'s file (the `AppOfAppsChart`) and the CRD Applications'. `health_checks` are rendered when
    `argoCd.healthChecks` is on."""
    argo_cd = config.argo_cd
    if argo_cd is None:
        return None
    rendered = [(chart.node.id, chart) for chart in charts]
    children = []
    for chart_id, chart in rendered:
        if chart_id == CRD_SOURCES_CHART:
            continue
        manifests = chart.to_json()
        if not manifests:
            continue  # synth writes no file for an empty chart (e.g. Spark without applications)
        children.append(ChildApplication(chart_id, _destination(chart, manifests, config), Inventory.of(manifests)))
    return AppOfAppsProps(
        environment=config.name, repo_url=argo_cd.repo_url, target_revision=argo_cd.target_revision,
        path=argo_cd.path or f"dist/{config.name}", namespace=argo_cd.namespace,
        project=argo_cd.project or f"lakehouse-{config.name}", admin_project=config.crds.project,
        root_files=(f"{apps_chart_id}{FILE_SUFFIX}",
                    *(f"{chart_id}{FILE_SUFFIX}" for chart_id, _ in rendered if chart_id == CRD_SOURCES_CHART)),
        children=tuple(children), health_checks=health_checks if argo_cd.health_checks else {})


def _destination(chart: cdk8s.Chart, manifests: Sequence[Mapping[str, Any]], config: EnvironmentConfig) -> str:
    """The destination namespace of `chart`'s Application: a component chart's namespace; for the Namespaces,
    whose objects are cluster-scoped, the first namespace they create (a destination must still be permitted); for
    other cluster-scoped objects (the node pools), the Flink namespace, whose workloads run on them."""
    if isinstance(chart, ComponentChart):
        return chart.namespace_name
    created = [str(m["metadata"]["name"]) for m in manifests if m["kind"] == "Namespace"]
    return min(created) if created else config.namespaces.flink
