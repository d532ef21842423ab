"""Object metadata shared by every chart: recommended labels, Argo CD sync waves and options.

Labels follow the Kubernetes recommended labels
(https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/); sync waves and
sync options follow Argo CD (https://argo-cd.readthedocs.io/en/stable/user-guide/sync-waves/).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import IntEnum

import cdk8s
from cdk8s_plus_27 import k8s

from upstream.argo_cd import (
    NO_PRUNE,
    SKIP_DRY_RUN,
    SYNC_OPTIONS_ANNOTATION,
    SYNC_OPTIONS_SEPARATOR,
    SYNC_WAVE_ANNOTATION,
)

PART_OF = "lakehouse"
MANAGED_BY = "cdk8s"


class SyncWave(IntEnum):
    """Apply order for GitOps. Lower waves are applied (and healthy) before higher ones."""

    ARGO_CD = -1
    """Argo CD's own configuration (the platform's AppProject, the health checks), before the Applications that use
    it; the Applications of the app of apps sync in the waves of their files' numbers (`charts.argo_cd`)."""
    NAMESPACES = 0
    """Namespaces, before anything namespaced."""
    PREREQUISITES = 1
    """CustomResourceDefinitions, cert-manager, the Secrets that workloads read (ExternalSecrets, dev-only
    Secrets) and Karpenter NodePools: before the operators, whose webhook certificate and S3 access need them, and
    before the workloads that run on the pools' nodes."""
    OPERATORS = 2
    """Flink and Spark operators."""
    STORAGE = 3
    """Object store, databases, ZooKeeper."""
    CATALOG = 4
    """Polaris (Iceberg REST catalog)."""
    CATALOG_BOOTSTRAP = 5
    """Realm bootstrap and catalog setup Jobs."""
    CLUSTERS = 6
    """Fluss, the Flink session cluster, the SQL Gateway."""
    JOBS = 7
    """FlinkSessionJobs and SparkApplications."""


@dataclass(frozen=True)
class Component:
    """Identity of one workload, from which labels and selectors are derived.

    Attributes:
        name: `app.kubernetes.io/name`, the application (e.g. `polaris`, `fluss`).
        instance: `app.kubernetes.io/instance`, unique per installation (e.g. `polaris`, `flink-session`).
        version: `app.kubernetes.io/version`, the application version (image tag by default).
        component: `app.kubernetes.io/component`, the role inside the application (e.g. `coordinator`); optional.
    """

    name: str
    instance: str
    version: str
    component: str | None = None

    def selector_labels(self) -> dict[str, str]:
        """The stable subset used in selectors (never the version: selectors are immutable)."""
        labels = {"app.kubernetes.io/name": self.name, "app.kubernetes.io/instance": self.instance}
        if self.component:
            labels["app.kubernetes.io/component"] = self.component
        return labels

    def labels(self) -> dict[str, str]:
        """All recommended labels for objects of this component."""
        return {
            **self.selector_labels(),
            "app.kubernetes.io/version": self.version,
            "app.kubernetes.io/part-of": PART_OF,
            "app.kubernetes.io/managed-by": MANAGED_BY,
        }

    def with_component(self, component: str) -> Component:
        """The same application and instance in another role."""
        return Component(self.name, self.instance, self.version, component)


@dataclass(frozen=True)
class ObjectMetadata:
    """An object's own `labels` and `annotations` (a team's, on a FlinkDeployment, FlinkSessionJob or
    SparkApplication), rendered under the platform's: a key the platform sets keeps the platform's value (config
    refuses those keys: `config.common.object_metadata_problems`)."""

    labels: Mapping[str, str] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)


def argo_annotations(wave: int, *, keep_on_prune: bool = False, skip_dry_run: bool = False,
                     extra: dict[str, str] | None = None) -> dict[str, str]:
    """Argo CD annotations for an object in `wave` (a `SyncWave`, or an Application's file number); `keep_on_prune` adds `Prune=false`, `skip_dry_run`
    `SkipDryRunOnMissingResource=true` (comma-separated in one `sync-options` annotation)."""
    result = {SYNC_WAVE_ANNOTATION: str(int(wave))}
    options = [option for option, wanted in ((NO_PRUNE, keep_on_prune), (SKIP_DRY_RUN, skip_dry_run)) if wanted]
    if options:
        result[SYNC_OPTIONS_ANNOTATION] = SYNC_OPTIONS_SEPARATOR.join(options)
    if extra:
        result.update(extra)
    return result


def image_tag(image: str) -> str:
    """The tag of an image reference (`repo/name:tag@sha256:...` -> `tag`); `latest` if none."""
    ref = image.split("@", 1)[0]
    last = ref.rsplit("/", 1)[-1]
    return last.split(":", 1)[1] if ":" in last else "latest"


def object_meta(
    name: str,
    namespace: str | None,
    component: Component,
    wave: SyncWave,
    *,
    keep_on_prune: bool = False,
    extra_annotations: dict[str, str] | None = None,
) -> k8s.ObjectMeta:
    """Metadata of a core object: explicit name, namespace (None for cluster-scoped objects),
    recommended labels of `component` and the Argo CD annotations of `wave`."""
    return k8s.ObjectMeta(
        name=name,
        namespace=namespace,
        labels=component.labels(),
        annotations=argo_annotations(wave, keep_on_prune=keep_on_prune, extra=extra_annotations),
    )


def api_object_meta(
    name: str,
    namespace: str | None,
    component: Component,
    wave: int,
    *,
    keep_on_prune: bool = False,
    crd_from_elsewhere: bool = True,
    extra_annotations: dict[str, str] | None = None,
    own: ObjectMetadata | None = None,
) -> cdk8s.ApiObjectMetadata:
    """`object_meta` for custom resources (the generated bindings and `custom_object`). `crd_from_elsewhere`
    (default: every CRD the platform uses comes from another Application or an operator installed outside it)
    adds `SkipDryRunOnMissingResource=true`; only Argo CD's own kinds, whose CRDs exist wherever Argo CD syncs,
    go without. `own`: the object's own labels and annotations (a team's), under the platform's (which win)."""
    own = own or ObjectMetadata()
    return cdk8s.ApiObjectMetadata(
        name=name,
        namespace=namespace,
        labels={**own.labels, **component.labels()},
        annotations={**own.annotations, **argo_annotations(wave, keep_on_prune=keep_on_prune,
                                                           skip_dry_run=crd_from_elsewhere, extra=extra_annotations)},
    )
