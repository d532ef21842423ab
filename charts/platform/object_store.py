"""The `objectStore` section as `ObjectStoreProps` (`objectStore.type: in-cluster` only): MinIO's root credential
is the S3 clients' static keys, its buckets the platform's (the Spark bucket included), and the job artifacts go where
the jobs read them (`S3Access.artifact_uri`): the whole artifacts tree to the Flink bucket, each Spark main file given
as a path to the Spark bucket."""

from __future__ import annotations

from charts.blocks.secrets import SecretKeyRef
from charts.object_store.store import ArtifactCopy, ObjectStoreProps
from config import EnvironmentConfig
from config.common import is_uri


def object_store_props(config: EnvironmentConfig) -> ObjectStoreProps:
    """`ObjectStoreProps` of environment `config`'s in-cluster store."""
    store, server = config.object_store, config.object_store.in_cluster
    keys = store.credentials
    assert keys is not None  # an in-cluster store has static keys (checked by the config rules)
    buckets, spark = store.buckets, store.spark_bucket
    spark_files = sorted({app.main_application_file for app in config.spark.applications
                          if not is_uri(app.main_application_file)})
    return ObjectStoreProps(
        buckets=(buckets.iceberg, buckets.flink, buckets.fluss, spark), artifacts_bucket=buckets.flink,
        artifact_copies=tuple(ArtifactCopy(spark, path) for path in spark_files) if spark != buckets.flink else (),
        root_user=SecretKeyRef(keys.secret_name, keys.access_key_id_key),
        root_password=SecretKeyRef(keys.secret_name, keys.secret_access_key_key),
        image=server.image, client_image=server.client_image, storage=server.storage,
        storage_class_name=server.storage_class_name, resources=server.resources,
        artifacts_image=server.artifacts_image, artifacts_path=server.artifacts_path,
    )
