"""The `zookeeper` and `fluss` sections as `FlussProps`, and the S3 access of the Fluss servers."""

from __future__ import annotations

from charts.blocks.s3 import S3Access
from charts.fluss.cluster import CoordinatorServerProps, FlussClusterProps, FlussProps, TabletServerProps
from config import EnvironmentConfig


def fluss_props(config: EnvironmentConfig) -> FlussProps:
    """`FlussProps` of environment `config`."""
    fluss, zookeeper = config.fluss, config.zookeeper
    return FlussProps(
        cluster=FlussClusterProps(
            image=fluss.image,
            coordinator=CoordinatorServerProps(replicas=fluss.coordinator_replicas,
                                               resources=fluss.coordinator_resources),
            tablet=TabletServerProps(replicas=fluss.tablet_replicas, resources=fluss.tablet_resources,
                                     data_storage=fluss.tablet_data_storage,
                                     storage_class_name=fluss.storage_class_name),
            default_bucket_number=fluss.default_bucket_number,
            default_replication_factor=fluss.default_replication_factor,
            remote_data_path=fluss.remote_data_path,
            zookeeper_path_root=fluss.zookeeper_path_root,
            internal_port=fluss.internal_port,
            client_port=fluss.client_port),
        zookeeper=zookeeper,
    )


def fluss_s3(config: EnvironmentConfig, s3: S3Access) -> S3Access:
    """How the Fluss servers reach S3: the environment's `s3` (static keys or the IAM role,
    `upstream.capabilities.FLUSS`), with `fluss.s3Credentials` instead when set."""
    return s3.with_static_keys(config.fluss.s3_credentials)
