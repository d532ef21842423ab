"""`zookeeper` and `fluss`: Apache Fluss (CoordinatorServer, TabletServers) and its ZooKeeper ensemble
(Fluss configuration: https://fluss.apache.org/docs/maintenance/configuration/)."""

from __future__ import annotations

from collections.abc import Iterator

from config.common import Image, KubernetesName, Quantity, Resources, S3Keys
from config.declaration import section, setting
from config.loading import Problem
from upstream.file_dialects import line_problem


@section
class FlussS3Keys(S3Keys):
    """Static S3 keys of Fluss: `S3Keys` whose Secret, left out, is fluss-s3-credentials."""

    secret_name: KubernetesName = setting("fluss-s3-credentials")
    """Secret name."""


@section
class FlussConfig:
    """Apache Fluss cluster settings."""

    image: Image = setting("fluss-iceberg-s3:0.9.1")
    """Image with the S3 filesystem and the Iceberg lake plugin."""

    coordinator_replicas: int = setting(1, minimum=1)
    """CoordinatorServer replicas."""

    tablet_replicas: int = setting(1, minimum=1)
    """TabletServer replicas."""

    default_bucket_number: int = setting(1, minimum=1)
    """default.bucket.number."""

    default_replication_factor: int = setting(1, minimum=1)
    """default.replication.factor (at most tabletReplicas)."""

    remote_data_path: str = setting("fluss-remote-data")
    """Path inside the Fluss bucket for remote.data.dir."""

    zookeeper_path_root: str = setting("/fluss", pattern="^/")
    """zookeeper.path.root."""

    internal_port: int = setting(9123, minimum=1, maximum=65535)
    """INTERNAL listener port."""

    client_port: int = setting(9124, minimum=1, maximum=65535)
    """CLIENT listener port."""

    coordinator_resources: Resources = setting(
        {"requests": {"cpu": "250m", "memory": "1Gi"}, "limits": {"memory": "2Gi"}})
    """CoordinatorServer resources."""

    tablet_resources: Resources = setting({"requests": {"cpu": "500m", "memory": "2Gi"}, "limits": {"memory": "4Gi"}})
    """TabletServer resources."""

    s3_credentials: FlussS3Keys | None = setting(None)
    """Static S3 keys for Fluss from a Secret in the Fluss namespace, instead of the environment's credentials or IAM
    role (e.g. the keys of an IAM user limited to the Fluss bucket). Null: the environment's
    objectStore.credentials, or objectStore.iamRoleArn, whose web identity the Fluss servers then use; the
    CoordinatorServer hands clients that read remote data AssumeRole credentials of that same role, so its trust
    policy must allow the role itself (upstream/capabilities.py).
    """

    tablet_data_storage: Quantity = setting("10Gi")
    """Size of each TabletServer's data volume (a PersistentVolumeClaim per server, from a volume claim template), e.g.
    10Gi: log and KV data not yet replicated or tiered survives restarts.
    """

    storage_class_name: str | None = setting(None)
    """StorageClass of the TabletServers' data volumes (null: the cluster default)."""

    def problems(self) -> Iterator[Problem]:
        """Enough TabletServers for the replication factor; two distinct listener ports; paths that server.yaml
        (`upstream.file_dialects.line_file`) can carry."""
        if self.default_replication_factor > self.tablet_replicas:
            yield Problem("defaultReplicationFactor", f"{self.default_replication_factor} is more than "
                                                      f"fluss.tabletReplicas ({self.tablet_replicas})")
        if self.internal_port == self.client_port:
            yield Problem("clientPort", f"must differ from fluss.internalPort ({self.internal_port})")
        for field, value in (("remoteDataPath", self.remote_data_path), ("zookeeperPathRoot", self.zookeeper_path_root)):
            problem = line_problem(field, value)
            if problem:
                yield Problem(field, f"cannot be written to Fluss' server.yaml (flat key: value lines): {problem}")
