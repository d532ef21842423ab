"""Objects an environment uses but does not render as such: the reference check's "declared external".

- Secrets that must exist before apply (`required_secrets`): their names and keys come from the environment
  config. With `secrets.externalSecrets` they are rendered as ExternalSecrets instead (the operator writes
  them); with `secrets.generateDevSecrets` they are rendered as dev-only Secrets.
- Secrets written at run time by the Polaris catalog-setup Job (the consumer principal's credentials).
- Team namespaces that exist (`flink.teamNamespaces` with `create: false`).
- The Spark driver ServiceAccount when the Spark operator is installed outside the platform, and Argo CD's
  namespace when Applications are rendered.
Only configuration is read here (no cdk8s), so validation stays fast.
"""

from __future__ import annotations

from dataclasses import dataclass

from config import EnvironmentConfig

ObjectKey = tuple[str, str | None, str]
"""(kind, namespace, name)."""
EXISTING_SECRET = "existing Secret"
"""How `declared_external` begins the reason of a Secret that must exist before apply (`required_secrets` without a
Secret source), as `validate` reads it (`manifests.validation.presync_secrets`)."""


@dataclass(frozen=True)
class RequiredSecret:
    """A Secret the platform reads: `namespace`, `name`, the `keys` it reads and the config field it comes from."""

    namespace: str
    name: str
    keys: tuple[str, ...]
    field: str


def required_secrets(config: EnvironmentConfig) -> list[RequiredSecret]:
    """Every Secret the rendered workloads read that the platform itself does not create."""
    ns = config.namespaces
    teams = [team.name for team in config.flink.team_namespaces]
    result: list[RequiredSecret] = []
    keys = config.object_store.credentials
    if keys is not None:
        s3_namespaces = [ns.polaris, ns.fluss, ns.flink]
        if config.spark.applications:  # the drivers and executors are the Spark namespace's only S3 clients
            s3_namespaces.append(ns.spark)
        if config.flink_operator.enabled:
            s3_namespaces.append(ns.flink_operator)
        if config.object_store.type == "in-cluster":
            s3_namespaces.append(ns.object_store)
        s3_namespaces += teams
        result += [RequiredSecret(n, keys.secret_name, (keys.access_key_id_key, keys.secret_access_key_key),
                                  "objectStore.credentials") for n in s3_namespaces]
    fluss_keys = config.fluss.s3_credentials
    if fluss_keys is not None and fluss_keys != keys:
        result.append(RequiredSecret(ns.fluss, fluss_keys.secret_name,
                                     (fluss_keys.access_key_id_key, fluss_keys.secret_access_key_key),
                                     "fluss.s3Credentials"))
    if config.flink_operator.enabled and config.flink_operator.webhook:
        fo = config.flink_operator
        result.append(RequiredSecret(ns.flink_operator, fo.keystore_secret, (fo.keystore_key,),
                                     "flinkOperator.keystorePassword"))
    pg, pol = config.postgres, config.polaris
    result.append(RequiredSecret(ns.polaris, pg.secret_name, (pg.username_key, pg.password_key), "postgres.credentials"))
    broker_keys = ("public.pem", "private.pem") if pol.token_broker_type == "rsa-key-pair" else ("symmetric.key",)
    result.append(RequiredSecret(ns.polaris, pol.token_broker_secret, broker_keys, "polaris.tokenBroker"))
    result.append(RequiredSecret(ns.polaris, pol.root_secret, (pol.root_client_id_key, pol.root_client_secret_key),
                                 "polaris.rootCredential"))
    if not pol.setup.enabled:
        result += [RequiredSecret(n, pol.client_credential_secret, (pol.client_credential_key,),
                                  "polaris.clientCredential") for n in (ns.fluss, ns.flink, ns.spark, *teams)]
    return result


def declared_external(config: EnvironmentConfig) -> dict[ObjectKey, str]:
    """(kind, namespace, name) -> why it exists without being rendered."""
    ns = config.namespaces
    result: dict[ObjectKey, str] = {}
    if not config.spark_operator.enabled:
        result[("ServiceAccount", ns.spark, config.spark.service_account)] = (
            "created by the Spark operator installed outside the platform")
    if config.argo_cd is not None:
        result[("Namespace", None, config.argo_cd.namespace)] = "Argo CD's namespace (argoCd.namespace)"
    for team in config.flink.team_namespaces:
        if not team.create:
            result[("Namespace", None, team.name)] = "existing team namespace (flink.teamNamespaces, create: false)"
    if config.polaris.setup.enabled:
        for namespace in (ns.fluss, ns.flink, ns.spark, *(team.name for team in config.flink.team_namespaces)):
            result[("Secret", namespace, config.polaris.client_credential_secret)] = (
                "written by the Polaris catalog-setup Job (the consumer principal's credentials)")
    if not config.generate_dev_secrets and config.external_secrets is None:
        for secret in required_secrets(config):
            result[("Secret", secret.namespace, secret.name)] = f"{EXISTING_SECRET}, referenced by {secret.field}"
    return result
