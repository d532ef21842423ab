"""The `spark` section as `SparkProps`, with main application files resolved against the Spark bucket
(`ObjectStoreConfig.spark_bucket`), and the drivers' ServiceAccount."""

from __future__ import annotations

from collections.abc import Mapping

from cdk8s_plus_27 import k8s

from charts.blocks.metadata import ObjectMetadata
from charts.blocks.s3 import S3Access
from charts.karpenter.node_pools import NodePool
from charts.operators.spark_operator import SparkOperatorChart
from charts.platform.node_pools import on_pool
from charts.platform.pod_options import pod_options
from charts.spark.applications import (
    DriverProps,
    ExecutorProps,
    SparkApplicationProps,
    SparkProps,
)
from config import EnvironmentConfig


def spark_props(config: EnvironmentConfig, s3: S3Access,
                node_pools: Mapping[str, NodePool] | None = None) -> SparkProps:
    """`SparkProps` of environment `config`: a main application file given as a path inside the Spark bucket
    becomes `s3a://<spark bucket>/<path>`; a URI is used as is."""
    spark, bucket = config.spark, config.object_store.spark_bucket
    node_pools = node_pools or {}
    return SparkProps(
        image=spark.image, spark_version=spark.spark_version,
        applications=tuple(
            SparkApplicationProps(
                name=app.name, main_application_file=s3.artifact_uri(app.main_application_file, "s3a", bucket),
                type=app.type, main_class=app.main_class, image=app.image, spark_version=app.spark_version,
                arguments=app.arguments, jars=app.jars,
                driver=DriverProps(cores=app.driver_cores, memory=app.driver_memory),
                executor=ExecutorProps(instances=app.executor_instances, cores=app.executor_cores,
                                       memory=app.executor_memory),
                files=app.files, py_files=app.py_files, spark_conf=app.spark_conf, hadoop_conf=app.hadoop_conf,
                dynamic_allocation=app.dynamic_allocation, restart_policy=app.restart_policy, schedule=app.schedule,
                pod_options=on_pool(pod_options(app.pod_options), app.node_pool, node_pools),
                prometheus=app.prometheus, scrape_annotations=config.metrics.scrape == "annotations",
                metadata=ObjectMetadata(app.labels, app.annotations))
            for app in spark.applications),
    )


def driver_service_account(config: EnvironmentConfig,
                           operator: SparkOperatorChart | None) -> k8s.KubeServiceAccount | str:
    """The ServiceAccount of SparkApplication drivers and executors: the one the platform's Spark `operator`
    creates in the Spark namespace (named `spark.serviceAccount`), or, without one (`sparkOperator.enabled:
    false`), the name `spark.serviceAccount` of an account that exists before apply."""
    if operator is None:
        return config.spark.service_account
    return operator.operator.driver_service_accounts[config.namespaces.spark]
