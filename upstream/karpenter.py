"""Karpenter 1.14.1 (karpenter.sh/v1 NodePool, pinned CRD `karpenter-1.14.1_nodepools.yaml` from kubernetes-sigs/karpenter
`pkg/apis/crds/karpenter.sh_nodepools.yaml`): the well-known node labels the platform's typed requirements map to
(https://karpenter.sh/docs/concepts/scheduling/#well-known-labels; the `karpenter.k8s.aws/*` ones are the AWS
provider's), the label and taint that dedicate a pool's nodes, and the label rules of the CRD's CEL validations.
A value table like `upstream.capabilities`: components, config rules and `validate` read it; a Karpenter bump is one
edit here.
"""

from __future__ import annotations

from typing import Final

NODE_POOL_API_VERSION = "karpenter.sh/v1"
NODE_CLASS_REF = {"group": "karpenter.k8s.aws", "kind": "EC2NodeClass"}
"""The AWS provider's node class, which `spec.template.spec.nodeClassRef` names (with the class's `name`)."""
NODE_POOL_LABEL = "lakehouse.dev/node-pool"
"""The node label and taint key that dedicate a pool's nodes (value: the pool's name)."""
NODE_POOL_TAINT_EFFECT: Final = "NoSchedule"
"""The effect of the dedicating taint: pods without the toleration are not scheduled there."""

INSTANCE_CATEGORY = "karpenter.k8s.aws/instance-category"
INSTANCE_FAMILY = "karpenter.k8s.aws/instance-family"
INSTANCE_GENERATION = "karpenter.k8s.aws/instance-generation"
CAPACITY_TYPE = "karpenter.sh/capacity-type"
ARCH = "kubernetes.io/arch"
ZONE = "topology.kubernetes.io/zone"

_RESTRICTED_KARPENTER_KEYS = ("karpenter.sh/capacity-type", "karpenter.sh/nodepool")
NUMERIC_OPERATORS = ("Gt", "Lt", "Gte", "Lte")


def restricted_label_problem(key: str) -> str | None:
    """Why Karpenter's NodePool CRD (1.14.1, CEL rules on `template.metadata.labels` and requirement keys) refuses
    label `key`; None when it accepts it. Rules: the `karpenter.sh` domain is restricted except
    `karpenter.sh/capacity-type` (and `karpenter.sh/nodepool`, which is then refused on its own), and
    `kubernetes.io/hostname` is restricted."""
    domain = key.split("/", 1)[0]
    if key == "karpenter.sh/nodepool":
        return 'label "karpenter.sh/nodepool" is restricted (Karpenter sets it)'
    if domain.endswith("karpenter.sh") and key not in _RESTRICTED_KARPENTER_KEYS:
        return 'label domain "karpenter.sh" is restricted'
    if key == "kubernetes.io/hostname":
        return 'label "kubernetes.io/hostname" is restricted'
    return None
