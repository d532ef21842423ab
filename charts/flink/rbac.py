"""The ServiceAccount Flink's JobManager uses to manage TaskManager pods and HA ConfigMaps.

Rules mirror the Flink Kubernetes Operator chart's job Role (`rbac.jobRole`, operator 1.14.0):
https://nightlies.apache.org/flink/flink-kubernetes-operator-docs-release-1.14/docs/operations/rbac/
"""

from __future__ import annotations

import constructs
from cdk8s_plus_27 import k8s

from charts.blocks.metadata import Component, SyncWave, object_meta
from charts.blocks.rbac import READ_WRITE, Rule, binding, role

JOB_RULES = [
    Rule(("",), ("pods", "configmaps"), READ_WRITE),
    Rule(("apps",), ("deployments", "deployments/finalizers"), READ_WRITE),
]
"""What the JobManager manages: TaskManager pods, HA ConfigMaps and its own Deployment (the pods' owner)."""


class FlinkJobServiceAccount(constructs.Construct):
    """ServiceAccount `name`, Role `<name>-role` and RoleBinding `<name>-role-binding` in `namespace`.

    Props: `namespace`, `component` (labels), `name` (default `flink`), `annotations` (e.g. the IRSA role
    annotation).
    """

    def __init__(self, scope: constructs.Construct, id: str, *, namespace: str, component: Component,
                 name: str = "flink", annotations: dict[str, str] | None = None):
        super().__init__(scope, id)
        self.name = name
        wave = SyncWave.CLUSTERS
        k8s.KubeServiceAccount(self, "ServiceAccount",
                               metadata=object_meta(name, namespace, component, wave, extra_annotations=annotations))
        role(self, "Role", name=f"{name}-role", namespace=namespace, component=component, rules=JOB_RULES, wave=wave)
        binding(self, "RoleBinding", name=f"{name}-role-binding", namespace=namespace, component=component,
                role_name=f"{name}-role", cluster_role=False, subjects=[(name, namespace)], wave=wave)
