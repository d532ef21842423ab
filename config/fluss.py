"""`zookeeper` and `fluss`: Apache Fluss (CoordinatorServer, TabletServers) and its ZooKeeper ensemble
(Fluss configuration: https://fluss.apache.org/docs/maintenance/configuration/)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from config.common import Resources, S3Keys
from config.loading import Problem
from upstream import capabilities
from upstream.file_dialects import line_problem

if TYPE_CHECKING:
    from config.environment import EnvironmentConfig


@dataclass(frozen=True)
class ZooKeeperConfig:
    """ZooKeeper ensemble: 1 (standalone), 3 or 5 servers."""

    name: str
    """StatefulSet, Service (and headless `<name>-hs`) name; Fluss' zookeeper.address host. Default: `"zookeeper"`."""

    image: str
    """Image (official zookeeper image, runs as uid 1000). Default: `"zookeeper:3.8"`."""

    replicas: int
    """1 (standalone) or an odd ensemble of 3 or 5. Default: `1`."""

    data_storage: str
    """Snapshot PVC size (/data). Default: `"1Gi"`."""

    datalog_storage: str
    """Transaction log PVC size (/datalog). Default: `"1Gi"`."""

    storage_class_name: str | None
    """StorageClass; null uses the cluster default. Default: `null`."""

    resources: Resources
    """Container resources. Default: `{"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"cpu": "500m",
    "memory": "512Mi"}}`.
    """


@dataclass(frozen=True)
class FlussConfig:
    """Apache Fluss cluster settings."""

    image: str
    """Image with the S3 filesystem and the Iceberg lake plugin. Default: `"fluss-iceberg-s3:0.9.1"`."""

    coordinator_replicas: int
    """CoordinatorServer replicas. Default: `1`."""

    tablet_replicas: int
    """TabletServer replicas. Default: `1`."""

    default_bucket_number: int
    """default.bucket.number. Default: `1`."""

    default_replication_factor: int
    """default.replication.factor (at most tabletReplicas). Default: `1`."""

    remote_data_path: str
    """Path inside the Fluss bucket for remote.data.dir. Default: `"fluss-remote-data"`."""

    zookeeper_path_root: str
    """zookeeper.path.root. Default: `"/fluss"`."""

    internal_port: int
    """INTERNAL listener port. Default: `9123`."""

    client_port: int
    """CLIENT listener port. Default: `9124`."""

    coordinator_resources: Resources
    """CoordinatorServer resources. Default: `{"requests": {"cpu": "250m", "memory": "1Gi"}, "limits": {"memory":
    "2Gi"}}`.
    """

    tablet_resources: Resources
    """TabletServer resources. Default: `{"requests": {"cpu": "500m", "memory": "2Gi"}, "limits": {"memory": "4Gi"}}`."""

    s3_credentials: S3Keys | None
    """Static S3 keys for Fluss from a Secret in the Fluss namespace, instead of the environment's credentials or IAM
    role (e.g. the keys of an IAM user limited to the Fluss bucket). Null: the environment's
    objectStore.credentials, or objectStore.iamRoleArn, whose web identity the Fluss servers then use; the
    CoordinatorServer hands clients that read remote data AssumeRole credentials of that same role, so its trust
    policy must allow the role itself (config/capabilities.py). Default: `null`.
    """

    tablet_data_storage: str
    """Size of each TabletServer's data volume (a PersistentVolumeClaim per server, from a volume claim template), e.g.
    10Gi: log and KV data not yet replicated or tiered survives restarts. Default: `"10Gi"`.
    """

    storage_class_name: str | None
    """StorageClass of the TabletServers' data volumes (null: the cluster default). Default: `null`."""

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



def problems(config: EnvironmentConfig) -> Iterator[Problem]:
    """Fluss' S3 keys where its pinned version cannot use the IAM role (`capabilities.FLUSS`; 0.9.1 can), and a
    Secret shared with other keys."""
    store, fluss_keys = config.object_store, config.fluss.s3_credentials
    if store.iam_role_arn and store.credentials is None and fluss_keys is None:
        problem = capabilities.s3_credentials_problem(capabilities.FLUSS, capabilities.WEB_IDENTITY)
        if problem:
            yield Problem("fluss.s3Credentials", f"required with objectStore.iamRoleArn: {problem}; set it to a "
                                                 "Secret with the keys of an IAM user limited to the Fluss bucket")
    if (fluss_keys is not None and store.credentials is not None and fluss_keys != store.credentials
            and fluss_keys.secret_name == store.credentials.secret_name):
        yield Problem("fluss.s3Credentials.secretName",
                      f"'{fluss_keys.secret_name}' is the Secret of objectStore.credentials with other keys; "
                      "name another Secret or use the same keys")
