"""The platform's namespaces: applicative (polaris, fluss, flink, spark) and technical (operators)."""

from __future__ import annotations

from dataclasses import dataclass

import cdk8s
import constructs
from cdk8s_plus_27 import k8s

from charts.blocks.metadata import MANAGED_BY, PART_OF, SyncWave, argo_annotations


@dataclass(frozen=True)
class NamespaceSpec:
    """One namespace: `name`, a human `description` (annotation, as in the reference) and its `tier`
    (`applicative` or `technical`, label `lakehouse.dev/tier`) and the Pod Security Standard level
    admission enforces (`restricted`, or `baseline` where an image needs root: documented exceptions)."""

    name: str
    description: str
    tier: str
    pod_security: str = "restricted"


class NamespacesChart(cdk8s.Chart):
    """Cluster-scoped Namespace objects, first sync wave. Props: `namespaces`, in apply order."""

    def __init__(self, scope: constructs.Construct, id: str, *, namespaces: list[NamespaceSpec]):
        super().__init__(scope, id, disable_resource_name_hashes=True)
        for spec in namespaces:
            k8s.KubeNamespace(
                self,
                spec.name,
                metadata=k8s.ObjectMeta(
                    name=spec.name,
                    labels={
                        "app.kubernetes.io/part-of": PART_OF,
                        "app.kubernetes.io/managed-by": MANAGED_BY,
                        "lakehouse.dev/tier": spec.tier,
                        "pod-security.kubernetes.io/enforce": spec.pod_security,
                        "pod-security.kubernetes.io/warn": "restricted",
                    },
                    annotations=argo_annotations(SyncWave.NAMESPACES, extra={"description": spec.description}),
                ),
            )
