"""Objects an environment uses but does not render: declared external, for the reference check.

Cloud environments reference Secrets that exist before apply (their names and keys come from the
environment config); the Spark operator's installation creates the driver ServiceAccount in the job
namespace. Only configuration is read here (no cdk8s), so validation stays fast.
"""

from __future__ import annotations

from charts.config import EnvironmentConfig

ObjectKey = tuple[str, str | None, str]
"""(kind, namespace, name)."""


def declared_external(config: EnvironmentConfig) -> dict[ObjectKey, str]:
    """(kind, namespace, name) -> why it exists without being rendered."""
    ns = config.namespaces
    result: dict[ObjectKey, str] = {}
    if not config.spark_operator.enabled:
        result[("ServiceAccount", ns.spark, config.spark.service_account)] = (
            "created by the Spark operator installed outside the platform")
    if config.crds.manage or config.cert_manager.mode == "include":
        result[("Namespace", None, config.crds.argocd_namespace)] = "Argo CD's namespace (crds.argocdNamespace)"
    consumer_namespaces = (ns.fluss, ns.flink, ns.spark)
    if config.polaris.setup.enabled:
        for namespace in consumer_namespaces:
            result[("Secret", namespace, config.polaris.client_credential_secret)] = (
                "written by the Polaris catalog-setup Job (the consumer principal's credentials)")
    if config.generate_dev_secrets:
        return result
    existing = "existing Secret, referenced by the environment config"
    keys = config.object_store.credentials
    if keys is not None:
        s3_namespaces = [ns.polaris, ns.fluss, ns.flink, ns.spark]
        if config.flink_operator.enabled:
            s3_namespaces.append(ns.flink_operator)
        if config.object_store.type == "in-cluster":
            s3_namespaces.append(ns.object_store)
        for namespace in s3_namespaces:
            result[("Secret", namespace, keys.secret_name)] = f"{existing} (objectStore.credentials)"
    if config.flink_operator.enabled and config.flink_operator.webhook:
        result[("Secret", ns.flink_operator, config.flink_operator.keystore_secret)] = (
            f"{existing} (flinkOperator.keystorePassword)")
    result[("Secret", ns.polaris, config.postgres.secret_name)] = f"{existing} (postgres.credentials)"
    result[("Secret", ns.polaris, config.polaris.token_broker_secret)] = f"{existing} (polaris.tokenBroker)"
    result[("Secret", ns.polaris, config.polaris.root_secret)] = f"{existing} (polaris.rootCredential)"
    if not config.polaris.setup.enabled:
        for namespace in consumer_namespaces:
            result[("Secret", namespace, config.polaris.client_credential_secret)] = (
                f"{existing} (polaris.clientCredential)")
    return result
