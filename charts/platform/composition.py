"""The composition root: builds every chart of one environment and wires them by object.

    Platform(app, config)
      |-- NamespacesChart            00-namespaces
      |-- NodePoolsChart             02-node-pools     (nodePools set) Karpenter NodePools, handed to the Flink
      |                                                clusters that run on them
      |-- RootApplicationChart       01-argocd         (argoCd set) the bootstrap: the root Application and the
      |                                                platform's AppProject
      |-- AppOfAppsChart             01-argocd-apps    (argoCd set) health checks, one Application per other file
      |                                                (built last: it reads them), synced by the root
      |-- FluentBitChart             03-logging        (logs set) Fluent Bit DaemonSet shipping container logs
      |-- CrdSourcesChart            05-crds           Argo CD Applications: pinned CRDs, cert-manager
      |-- FlinkOperatorChart         10-flink-operator
      |-- SparkOperatorChart         15-spark-operator
      |-- ObjectStoreChart           20-object-store   (objectStore.type: in-cluster only)
      |-- PolarisChart               30-polaris        PostgreSQL + Polaris
      |-- FlussChart                 40-fluss          ZooKeeper + Fluss (catalog: Polaris)
      |-- FlinkChart                 50-flink          session cluster, SQL Gateway, jobs
      |-- FlinkChart                 51-flink-<name>   per flink.teamNamespaces entry: its clusters and jobs (and
      |                                                RoleBindings of 50-flink's job ClusterRole, jobRbac clusterRole)
      |-- SparkChart                 60-spark          SparkApplications

Chart ids are the output file names (`dist/<env>/<id>.k8s.yaml`), in apply order.
"""

from __future__ import annotations

import cdk8s

from charts.argo_cd.app_of_apps import AppOfAppsChart, RootApplicationChart
from charts.blocks.component_chart import ComponentChart
from charts.blocks.endpoints import PlatformEndpoints
from charts.blocks.iceberg_catalog import IcebergRestCatalog
from charts.blocks.s3 import S3Access
from charts.blocks.secrets import DevSecret, ExternalSecretSource
from charts.flink import FlinkChart
from charts.fluss.cluster import FlussChart
from charts.karpenter.node_pools import NodePoolsChart
from charts.logging.fluent_bit_daemon_set import FluentBitChart
from charts.namespaces import NamespacesChart, NamespaceSpec
from charts.object_store.store import ObjectStoreChart
from charts.operators.crd_sources import CrdSourcesChart
from charts.operators.flink_operator import FlinkOperatorChart
from charts.operators.spark_operator import SparkOperatorChart
from charts.platform.argo_cd import app_of_apps_props
from charts.platform.flink import flink_props, team_flink_props
from charts.platform.fluss import fluss_props, fluss_s3
from charts.platform.logs import fluent_bit_props
from charts.platform.node_pools import node_pool_props
from charts.platform.object_store import object_store_props
from charts.platform.operators import crd_sources_props, flink_operator_props, spark_operator_props
from charts.platform.polaris import polaris_props
from charts.platform.spark import driver_service_account, spark_props
from charts.polaris import PolarisChart
from charts.polaris.server import TOKEN_SCOPE
from charts.spark.applications import SparkChart
from config import EnvironmentConfig
from config.external import required_secrets
from manifests.argo_health import health_customizations

ROOT_APPLICATION_CHART = "01-argocd"
APP_OF_APPS_CHART = "01-argocd-apps"
NODE_POOLS_CHART = "02-node-pools"
DEV_S3_ACCESS_KEY = "lakehouse-dev"
DEV_S3_SECRET_KEY = "lakehouse-dev-secret"
DEV_DB_USER = "polaris"
DEV_DB_PASSWORD = "polaris-dev-password"
DEV_SYMMETRIC_KEY = "lakehouse-dev-only-token-signing-key"
DEV_CLIENT_CREDENTIAL = "lakehouse-dev-client:lakehouse-dev-client-secret"
DEV_KEYSTORE_PASSWORD = "lakehouse-dev-keystore"
DEV_ROOT_CLIENT_ID = "lakehouse-dev-root"
DEV_ROOT_CLIENT_SECRET = "lakehouse-dev-root-secret"
DEV_VALUES: dict[str, tuple[str, ...]] = {
    "objectStore.credentials": (DEV_S3_ACCESS_KEY, DEV_S3_SECRET_KEY),
    "fluss.s3Credentials": (DEV_S3_ACCESS_KEY, DEV_S3_SECRET_KEY),
    "flinkOperator.keystorePassword": (DEV_KEYSTORE_PASSWORD,),
    "postgres.credentials": (DEV_DB_USER, DEV_DB_PASSWORD),
    "polaris.tokenBroker": (DEV_SYMMETRIC_KEY,),
    "polaris.rootCredential": (DEV_ROOT_CLIENT_ID, DEV_ROOT_CLIENT_SECRET),
    "polaris.clientCredential": (DEV_CLIENT_CREDENTIAL,),
}
"""Dev-only values per `RequiredSecret.field`, in the order of its keys."""


class Platform:
    """Every chart of one environment, added to `app`.

    Raises:
        ValueError: props the configuration checks should have refused (a bug: every such check is made on config).
    """

    def __init__(self, app: cdk8s.App, config: EnvironmentConfig):
        self.config = config
        ns = config.namespaces
        store = config.object_store
        team_namespaces = [team.name for team in config.flink.team_namespaces]
        in_cluster = store.type == "in-cluster"

        self.namespaces = NamespacesChart(app, "00-namespaces", namespaces=self._namespace_specs())
        node_pools = (NodePoolsChart(app, NODE_POOLS_CHART, pools=node_pool_props(config)).pools_by_name
                      if config.node_pools else {})
        fluent_bit = fluent_bit_props(config)
        if fluent_bit is not None and config.logs is not None:
            FluentBitChart(app, "03-logging", namespace=config.logs.namespace, props=fluent_bit)
        crd_sources = crd_sources_props(config)
        if crd_sources is not None:
            CrdSourcesChart(app, "05-crds", props=crd_sources)

        endpoint = None
        if in_cluster:
            object_store_chart = ObjectStoreChart(app, "20-object-store", namespace=ns.object_store,
                                                  props=object_store_props(config))
            endpoint = object_store_chart.store.endpoint
        self.s3 = S3Access(store.region, store.buckets, endpoint, store.credentials, store.iam_role_arn)
        flink_operator = flink_operator_props(config)
        if flink_operator is not None:
            FlinkOperatorChart(app, "10-flink-operator", namespace=ns.flink_operator, props=flink_operator, s3=self.s3)
        spark_operator = spark_operator_props(config)
        self.spark_operator_chart = (
            SparkOperatorChart(app, "15-spark-operator", namespace=ns.spark_operator, props=spark_operator,
                               driver_annotations=self.s3.service_account_annotations())
            if spark_operator is not None else None)

        self.polaris_chart = PolarisChart(app, "30-polaris", namespace=ns.polaris, props=polaris_props(config),
                                          s3=self.s3,
                                          consumer_namespaces=[ns.fluss, ns.flink, ns.spark, *team_namespaces])
        polaris = self.polaris_chart.polaris
        self.catalog = IcebergRestCatalog(
            uri=polaris.catalog_uri, token_endpoint=polaris.token_endpoint, warehouse=polaris.catalog,
            scope=TOKEN_SCOPE,
            credential=polaris.client_credential,
            s3=self.s3,
        )
        self.fluss_chart = FlussChart(app, "40-fluss", namespace=ns.fluss, props=fluss_props(config),
                                      s3=fluss_s3(config, self.s3), catalog=self.catalog)
        self.endpoints = PlatformEndpoints(
            fluss_bootstrap_servers=self.fluss_chart.fluss.bootstrap_servers,
            polaris_catalog_uri=polaris.catalog_uri,
            polaris_token_endpoint=polaris.token_endpoint,
        )
        self.flink_chart = FlinkChart(app, "50-flink", namespace=ns.flink,
                                      props=flink_props(config, self.s3, self.catalog, self.endpoints, node_pools),
                                      s3=self.s3,
                                      catalog=self.catalog, fluss_bootstrap_servers=self.endpoints.fluss_bootstrap_servers)
        self.team_flink_charts = [
            FlinkChart(app, f"51-flink-{name}", namespace=name,
                       props=team_flink_props(config, self.s3, self.endpoints, name, node_pools), s3=self.s3,
                       catalog=self.catalog, fluss_bootstrap_servers=self.endpoints.fluss_bootstrap_servers,
                       job_cluster_role=self.flink_chart.job_cluster_role)
            for name in team_namespaces]
        self.spark_chart = SparkChart(app, "60-spark", namespace=ns.spark, props=spark_props(config, self.s3, node_pools),
                                      service_account=driver_service_account(config, self.spark_operator_chart),
                                      s3=self.s3, catalog=self.catalog)

        self._secret_sources(app)
        app_of_apps = app_of_apps_props(config, app.charts, APP_OF_APPS_CHART,
                                        health_checks=health_customizations())
        if app_of_apps is not None:
            RootApplicationChart(app, ROOT_APPLICATION_CHART, props=app_of_apps)
            AppOfAppsChart(app, APP_OF_APPS_CHART, props=app_of_apps)

    def _namespace_specs(self) -> list[NamespaceSpec]:
        ns = self.config.namespaces
        specs = [
            NamespaceSpec(ns.polaris, "Polaris Catalog to write Iceberg tables", "applicative"),
            NamespaceSpec(ns.fluss, "Streaming layer with Fluss", "applicative", pod_security="baseline"),
            NamespaceSpec(ns.flink, "Compute Engine namespace", "applicative"),
            NamespaceSpec(ns.spark, "Compute Engine namespace", "applicative"),
            NamespaceSpec(ns.flink_operator, "Technical namespace for flink kubernetes operator", "technical"),
            NamespaceSpec(ns.spark_operator, "Technical namespace for spark kubernetes operator", "technical"),
        ]
        if self.config.object_store.type == "in-cluster":
            specs.append(NamespaceSpec(ns.object_store, "S3-compatible object store (local environment)", "technical"))
        specs += [NamespaceSpec(team.name, "Team namespace for Flink workloads", "applicative")
                  for team in self.config.flink.team_namespaces if team.create]
        logs = self.config.logs
        if logs is not None and logs.shipper == "daemonset":
            # hostPath volumes: forbidden by baseline, so privileged (README "Logs"); the pods declare the exception.
            specs.append(NamespaceSpec(logs.namespace, "Log shipping (Fluent Bit DaemonSet)", "technical",
                                       pod_security="privileged"))
        return specs

    def _secret_sources(self, app: cdk8s.App) -> None:
        """For every Secret the platform reads (`required_secrets`), in the chart of its namespace: an
        ExternalSecret (`secrets.externalSecrets`), a dev-only Secret (`secrets.generateDevSecrets`), or
        nothing (it exists before apply)."""
        config = self.config
        source = config.external_secrets
        if source is None and not config.generate_dev_secrets:
            return
        charts = {c.namespace_name: c for c in app.node.children if isinstance(c, ComponentChart)}
        for secret in required_secrets(config):
            chart = charts[secret.namespace]
            if source is not None:
                ExternalSecretSource(chart, f"ExternalSecret-{secret.name}", name=secret.name,
                                     namespace=secret.namespace, keys=secret.keys, store_kind=source.store_kind,
                                     store_name=source.store_name, key_prefix=source.key_prefix,
                                     refresh_interval=source.refresh_interval)
            else:
                DevSecret(chart, f"DevSecret-{secret.name}", name=secret.name, namespace=secret.namespace,
                          values=dict(zip(secret.keys, DEV_VALUES[secret.field], strict=True)))
