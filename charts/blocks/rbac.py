"""RBAC building blocks: rules as plain data, Roles/ClusterRoles and their bindings.

A rule is `Rule(api_groups, resources, verbs, resource_names)`; verbs are Kubernetes verbs
(https://kubernetes.io/docs/reference/access-authn-authz/authorization/#determine-the-request-verb).
"""

from __future__ import annotations

from dataclasses import dataclass

import constructs
from cdk8s_plus_27 import k8s

from charts.blocks.metadata import Component, SyncWave, object_meta

KUBERNETES_VERBS = frozenset({"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection",
                              "impersonate", "bind", "escalate", "use", "approve", "sign", "*"})
READ_WRITE = ("get", "list", "watch", "create", "update", "patch", "delete")


@dataclass(frozen=True)
class Rule:
    """One policy rule: `api_groups` (`""` is the core group), `resources`, `verbs` and, optionally, the
    `resource_names` it is limited to.

    Raises:
        ValueError: a verb that is not a Kubernetes verb (e.g. `edit`).
    """

    api_groups: tuple[str, ...]
    resources: tuple[str, ...]
    verbs: tuple[str, ...]
    resource_names: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        unknown = set(self.verbs) - KUBERNETES_VERBS
        if unknown:
            raise ValueError(f"unknown Kubernetes verbs {sorted(unknown)} in rule for {self.resources}")

    def to_k8s(self) -> k8s.PolicyRule:
        """The core PolicyRule."""
        return k8s.PolicyRule(api_groups=list(self.api_groups), resources=list(self.resources), verbs=list(self.verbs),
                              resource_names=list(self.resource_names) or None)


def role(scope: constructs.Construct, id: str, *, name: str, namespace: str | None, component: Component,
         rules: list[Rule], wave: SyncWave = SyncWave.OPERATORS) -> None:
    """A Role in `namespace`, or a ClusterRole when `namespace` is None."""
    meta = object_meta(name, namespace, component, wave)
    policy = [r.to_k8s() for r in rules]
    if namespace is None:
        k8s.KubeClusterRole(scope, id, metadata=meta, rules=policy)
    else:
        k8s.KubeRole(scope, id, metadata=meta, rules=policy)


def binding(scope: constructs.Construct, id: str, *, name: str, namespace: str | None, component: Component,
            role_name: str, cluster_role: bool, subjects: list[tuple[str, str]],
            wave: SyncWave = SyncWave.OPERATORS) -> None:
    """A RoleBinding in `namespace` (or a ClusterRoleBinding when None) of ServiceAccounts `(name, namespace)`."""
    meta = object_meta(name, namespace, component, wave)
    ref = k8s.RoleRef(api_group="rbac.authorization.k8s.io", kind="ClusterRole" if cluster_role else "Role",
                      name=role_name)
    accounts = [k8s.Subject(kind="ServiceAccount", name=account, namespace=ns) for account, ns in subjects]
    if namespace is None:
        k8s.KubeClusterRoleBinding(scope, id, metadata=meta, role_ref=ref, subjects=accounts)
    else:
        k8s.KubeRoleBinding(scope, id, metadata=meta, role_ref=ref, subjects=accounts)
