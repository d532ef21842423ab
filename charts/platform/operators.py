"""The `crds`, `certManager`, `flinkOperator` and `sparkOperator` sections as the operators' props.

The Spark operator creates the drivers' ServiceAccount, so it is named by `spark.serviceAccount` (the upstream
chart's `spark.serviceAccount.name`).
"""

from __future__ import annotations

from charts.blocks.secrets import SecretKeyRef
from charts.operators.crd_sources import CertManagerProps, CrdSourcesProps
from charts.operators.flink_operator import FlinkOperatorProps
from charts.operators.spark_operator import SparkOperatorProps
from charts.platform.metrics import operator_metrics
from config import EnvironmentConfig


def crd_sources_props(config: EnvironmentConfig) -> CrdSourcesProps | None:
    """`CrdSourcesProps` of environment `config`; None when it renders no Application (CRDs managed elsewhere,
    cert-manager assumed present or not used)."""
    crds, cert_manager, argo_cd = config.crds, config.cert_manager, config.argo_cd
    if argo_cd is None or (not crds.manage and cert_manager.mode != "include"):
        return None  # without argoCd, config refuses crds.manage and certManager.mode include
    return CrdSourcesProps(
        manage_crds=crds.manage,
        cert_manager=(CertManagerProps(version=cert_manager.version, namespace=cert_manager.namespace)
                      if cert_manager.mode == "include" else None),
        argocd_namespace=argo_cd.namespace, project=crds.project)


def flink_operator_props(config: EnvironmentConfig) -> FlinkOperatorProps | None:
    """`FlinkOperatorProps` of environment `config`; None when the platform does not install it
    (`flinkOperator.enabled`)."""
    operator = config.flink_operator
    if not operator.enabled:
        return None
    return FlinkOperatorProps(
        image=operator.image, replicas=operator.replicas, leader_election=operator.leader_election,
        watch_namespaces=operator.watch_namespaces, webhook=operator.webhook, metrics_port=operator.metrics_port,
        reconcile_interval=operator.reconcile_interval, progress_check_interval=operator.progress_check_interval,
        keystore=SecretKeyRef(operator.keystore_secret, operator.keystore_key), resources=operator.resources,
        webhook_resources=operator.webhook_resources,
        metrics_annotations=operator_metrics(config, config.metrics.datadog.flink_operator))


def spark_operator_props(config: EnvironmentConfig) -> SparkOperatorProps | None:
    """`SparkOperatorProps` of environment `config`; None when the platform does not install it
    (`sparkOperator.enabled`)."""
    operator = config.spark_operator
    if not operator.enabled:
        return None
    return SparkOperatorProps(
        image=operator.image, job_namespaces=operator.job_namespaces,
        controller_replicas=operator.controller_replicas, controller_threads=operator.controller_threads,
        webhook=operator.webhook, webhook_replicas=operator.webhook_replicas, metrics_port=operator.metrics_port,
        resources=operator.resources, driver_service_account=config.spark.service_account,
        metrics_annotations=operator_metrics(config, config.metrics.datadog.spark_operator))
