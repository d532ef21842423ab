"""`zookeeper`: the ZooKeeper ensemble Fluss coordinates through, a value type the configuration and the
`charts.fluss.zookeeper.ZooKeeperEnsemble` construct share (a value module components may import), declared once
with `setting(default=...)`: the Python default is also the file default."""

from __future__ import annotations

from config.common import Image, Quantity, Resources
from config.declaration import setting, value_type


@value_type
class ZooKeeper:
    """ZooKeeper ensemble: 1 (standalone), 3 or 5 servers."""

    name: str = setting(
        default="zookeeper", pattern="^[a-z]([-a-z0-9]*[a-z0-9])?$", max_length=52,
        error="is not usable: it names a Service (lower-case letters, digits and '-', starting with a letter) and may have at most 52 characters (a StatefulSet's pods carry `<name>-<revision hash>` in a 63-character label)")
    """StatefulSet, Service (and headless `<name>-hs`) name; Fluss' zookeeper.address host."""

    image: Image = setting(default="zookeeper:3.8")
    """Image (official zookeeper image, runs as uid 1000)."""

    replicas: int = setting(default=1, enum=[1, 3, 5])
    """1 (standalone) or an odd ensemble of 3 or 5."""

    data_storage: Quantity = setting(default="1Gi")
    """Snapshot PVC size (/data)."""

    datalog_storage: Quantity = setting(default="1Gi")
    """Transaction log PVC size (/datalog)."""

    storage_class_name: str | None = setting(default=None)
    """StorageClass; null uses the cluster default."""

    resources: Resources = setting(
        {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"cpu": "500m", "memory": "512Mi"}},
        default_factory=lambda: Resources("100m", "256Mi", "500m", "512Mi"))
    """Container resources."""
