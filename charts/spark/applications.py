"""Spark applications in namespace `spark`, run by the Kubeflow Spark operator (2.5.2, Spark 4.0).

SparkApplication API: https://www.kubeflow.org/docs/components/spark-operator/user-guide/
S3A: https://hadoop.apache.org/docs/stable/hadoop-aws/tools/hadoop-aws/index.html ;
Iceberg on Spark: https://iceberg.apache.org/docs/latest/spark-configuration/ .
The catalog `rest` points at Polaris. Its credential option is the environment reference
`spark.sql.catalog.rest.credential: env:ICEBERG_CATALOG_CREDENTIAL`, which Iceberg resolves in the driver
from the Secret-backed env var of that name (`manifests.iceberg_env_reference`); applications need no credential code.
"""

from __future__ import annotations

import constructs

from charts.blocks import container_env as env
from charts.blocks import pod_security
from charts.blocks.component_chart import ComponentChart
from charts.blocks.iceberg_catalog import IcebergRestCatalog
from charts.blocks.metadata import Component, SyncWave, api_object_meta, image_tag
from charts.blocks.s3 import S3Access
from config import SparkApplicationConfig, SparkConfig
from imports.io.k8s.sparkoperator import (
    SparkApplication,
    SparkApplicationSpec,
    SparkApplicationSpecDeps,
    SparkApplicationSpecDriver,
    SparkApplicationSpecDriverEnv,
    SparkApplicationSpecExecutor,
    SparkApplicationSpecExecutorEnv,
    SparkApplicationSpecMode,
    SparkApplicationSpecPythonVersion,
    SparkApplicationSpecType,
)

CATALOG = "rest"
STATIC_KEYS_PROVIDER = "com.amazonaws.auth.EnvironmentVariableCredentialsProvider"
DEFAULT_CHAIN_PROVIDER = "software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider"


def spark_conf(s3: S3Access, catalog: IcebergRestCatalog) -> dict[str, str]:
    """`sparkConf` for S3A (`spark.hadoop.fs.s3a.*`: the credentials provider, the endpoint and path-style access
    of `S3Access.s3a`, path-style off on AWS S3) and the Iceberg REST catalog `rest` (sorted)."""
    s3a = {
        "impl": "org.apache.hadoop.fs.s3a.S3AFileSystem",
        "aws.credentials.provider": STATIC_KEYS_PROVIDER if s3.keys else DEFAULT_CHAIN_PROVIDER,
        "path.style.access": "false",
        **s3.s3a(web_identity_provider=None),
    }
    if s3.endpoint:
        s3a["endpoint.region"] = s3.region
    conf = {
        **{f"spark.hadoop.fs.s3a.{key}": value for key, value in s3a.items()},
        "spark.driver.userClassPathFirst": "false",
        "spark.executor.userClassPathFirst": "false",
        "spark.sql.extensions": "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions",
        "spark.sql.defaultCatalog": CATALOG,
        f"spark.sql.catalog.{CATALOG}": "org.apache.iceberg.spark.SparkCatalog",
        f"spark.sql.catalog.{CATALOG}.type": "rest",
        f"spark.sql.catalog.{CATALOG}.token-refresh-enabled": "true",
    }
    conf.update({f"spark.sql.catalog.{CATALOG}.{k}": v for k, v in catalog.properties().items()})
    return dict(sorted(conf.items()))


class SparkApplicationConstruct(constructs.Construct):
    """One SparkApplication (cluster mode) with restricted driver and executor pods.

    Props: `namespace`; `app` (files, sizes: cores, memory in Spark format such as `512m`); `config`
    (image, Spark version, driver ServiceAccount); `s3`; `catalog`.
    """

    def __init__(self, scope: constructs.Construct, id: str, *, namespace: str, app: SparkApplicationConfig,
                 config: SparkConfig, s3: S3Access, catalog: IcebergRestCatalog):
        super().__init__(scope, id)
        component = Component("spark-application", app.name, image_tag(config.image), "batch-job")
        envs = [catalog.credential_env(), *s3.env()]
        run_as = pod_security.SPARK
        security = {
            "pod_security_context": pod_security.pod_security_context_props(run_as),
            "security_context": pod_security.container_security_context_props(run_as),
        }
        SparkApplication(
            self, "Resource",
            metadata=api_object_meta(app.name, namespace, component, SyncWave.JOBS),
            spec=SparkApplicationSpec(
                type=SparkApplicationSpecType[app.type.upper()],
                python_version=SparkApplicationSpecPythonVersion.VALUE_3 if app.type == "Python" else None,
                mode=SparkApplicationSpecMode.CLUSTER,
                image=config.image,
                image_pull_policy="IfNotPresent",
                main_application_file=s3.artifact_uri(app.main_application_file, scheme="s3a"),
                main_class=app.main_class,
                arguments=list(app.arguments) or None,
                spark_version=config.spark_version,
                deps=SparkApplicationSpecDeps(jars=list(app.jars)) if app.jars else None,
                spark_conf=spark_conf(s3, catalog),
                driver=SparkApplicationSpecDriver(
                    cores=app.driver_cores,
                    memory=app.driver_memory,
                    service_account=config.service_account,
                    env=env.render(envs, SparkApplicationSpecDriverEnv),
                    **security,
                ),
                executor=SparkApplicationSpecExecutor(
                    instances=app.executor_instances,
                    service_account=config.service_account,
                    cores=app.executor_cores,
                    memory=app.executor_memory,
                    env=env.render(envs, SparkApplicationSpecExecutorEnv),
                    **security,
                ),
            ),
        )


class SparkChart(ComponentChart):
    """Namespace `spark`: one `SparkApplicationConstruct` per configured application."""

    def __init__(self, scope: constructs.Construct, id: str, *, namespace: str, config: SparkConfig,
                 s3: S3Access, catalog: IcebergRestCatalog):
        super().__init__(scope, id, namespace=namespace)
        for app in config.applications:
            SparkApplicationConstruct(self, app.name, namespace=namespace, app=app, config=config, s3=s3,
                                      catalog=catalog)
