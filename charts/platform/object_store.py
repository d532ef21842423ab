"""The `objectStore` section as `ObjectStoreProps` (`objectStore.type: in-cluster` only): MinIO's root credential
is the S3 clients' static keys, its buckets the platform's, and the job artifacts go to the Flink bucket, where the
jobs read them (`S3Access.artifact_uri`)."""

from __future__ import annotations

from charts.blocks.secrets import SecretKeyRef
from charts.object_store.store import ObjectStoreProps
from config import EnvironmentConfig


def object_store_props(config: EnvironmentConfig) -> ObjectStoreProps:
    """`ObjectStoreProps` of environment `config`'s in-cluster store."""
    store, server = config.object_store, config.object_store.in_cluster
    keys = store.credentials
    assert keys is not None  # an in-cluster store has static keys (checked by the config rules)
    buckets = store.buckets
    return ObjectStoreProps(
        buckets=(buckets.iceberg, buckets.flink, buckets.fluss), artifacts_bucket=buckets.flink,
        root_user=SecretKeyRef(keys.secret_name, keys.access_key_id_key),
        root_password=SecretKeyRef(keys.secret_name, keys.secret_access_key_key),
        image=server.image, client_image=server.client_image, storage=server.storage,
        storage_class_name=server.storage_class_name, resources=server.resources,
        artifacts_image=server.artifacts_image, artifacts_path=server.artifacts_path,
    )
