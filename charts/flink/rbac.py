"""The ServiceAccount Flink's JobManager uses to manage TaskManager pods and HA ConfigMaps.

Rules mirror the Flink Kubernetes Operator chart's job Role (`rbac.jobRole`, operator 1.14.0):
https://nightlies.apache.org/flink/flink-kubernetes-operator-docs-release-1.14/docs/operations/rbac/
"""

from __future__ import annotations

import constructs
from cdk8s_plus_27 import k8s

from charts.blocks.metadata import Component, SyncWave, object_meta

VERBS = ["get", "list", "watch", "create", "update", "patch", "delete"]


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
        k8s.KubeRole(
            self, "Role",
            metadata=object_meta(f"{name}-role", namespace, component, wave),
            rules=[
                k8s.PolicyRule(api_groups=[""], resources=["pods", "configmaps"], verbs=VERBS),
                k8s.PolicyRule(api_groups=["apps"], resources=["deployments", "deployments/finalizers"], verbs=VERBS),
            ],
        )
        k8s.KubeRoleBinding(
            self, "RoleBinding",
            metadata=object_meta(f"{name}-role-binding", namespace, component, wave),
            role_ref=k8s.RoleRef(api_group="rbac.authorization.k8s.io", kind="Role", name=f"{name}-role"),
            subjects=[k8s.Subject(kind="ServiceAccount", name=name, namespace=namespace)],
        )
