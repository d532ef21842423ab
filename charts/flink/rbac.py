"""The ServiceAccount Flink's JobManager uses to manage TaskManager pods and HA ConfigMaps, and its RBAC: a Role per
namespace, or one ClusterRole with the same rules bound by a RoleBinding in each job namespace (what the seed's team
did; the permissions stay namespaced, since a RoleBinding grants a ClusterRole's rules only in its own namespace:
https://kubernetes.io/docs/reference/access-authn-authz/rbac/#rolebinding-and-clusterrolebinding).

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


JOB_CLUSTER_ROLE = "flink-job"
"""The name of the one ClusterRole of the job ServiceAccounts (`flink.jobRbac: clusterRole`)."""


class FlinkJobClusterRole(constructs.Construct):
    """ClusterRole `name` (default `flink-job`) with the job rules (`JOB_RULES`), for `FlinkJobServiceAccount`s to bind
    in their namespaces. Props: `component` (labels), `name`."""

    def __init__(self, scope: constructs.Construct, id: str, *, component: Component, name: str = JOB_CLUSTER_ROLE):
        super().__init__(scope, id)
        self.name = name
        role(self, "ClusterRole", name=name, namespace=None, component=component, rules=JOB_RULES,
             wave=SyncWave.CLUSTERS)


class FlinkJobServiceAccount(constructs.Construct):
    """ServiceAccount `name` and RoleBinding `<name>-role-binding` in `namespace`, binding Role `<name>-role` (rendered
    here) or, when `cluster_role` is given, that ClusterRole (in this namespace only).

    Props: `namespace`, `component` (labels), `name` (default `flink`), `annotations` (e.g. the IRSA role
    annotation), `cluster_role`.
    """

    def __init__(self, scope: constructs.Construct, id: str, *, namespace: str, component: Component,
                 name: str = "flink", annotations: dict[str, str] | None = None,
                 cluster_role: FlinkJobClusterRole | None = None):
        super().__init__(scope, id)
        self.name = name
        wave = SyncWave.CLUSTERS
        k8s.KubeServiceAccount(self, "ServiceAccount",
                               metadata=object_meta(name, namespace, component, wave, extra_annotations=annotations))
        if cluster_role is None:
            role(self, "Role", name=f"{name}-role", namespace=namespace, component=component, rules=JOB_RULES,
                 wave=wave)
        binding(self, "RoleBinding", name=f"{name}-role-binding", namespace=namespace, component=component,
                role_name=cluster_role.name if cluster_role else f"{name}-role", cluster_role=cluster_role is not None,
                subjects=[(name, namespace)], wave=wave)
