"""Karpenter NodePools that dedicate nodes to workloads (Karpenter itself is installed outside the platform)."""

from charts.karpenter.node_pools import NodePool, NodePoolProps, NodePoolsChart

__all__ = ["NodePool", "NodePoolProps", "NodePoolsChart"]
