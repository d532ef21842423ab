"""`postgres` and `polaris`: Apache Polaris (the Iceberg REST catalog) with its PostgreSQL, and the declarative
bootstrap of catalogs, principal roles, catalog roles, grants and principals (Polaris management API:
https://polaris.apache.org/in-dev/unreleased/polaris-management-service/)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from config.catalog_model import CatalogRoleSpec, CatalogSpec, PrincipalSpec, catalog_model_problems
from config.common import Resources
from config.loading import Problem

if TYPE_CHECKING:
    from config.environment import EnvironmentConfig



@dataclass(frozen=True)
class PostgresConfig:
    """PostgreSQL for Polaris."""

    name: str
    """StatefulSet and Service name (the JDBC URL's host). Default: `"postgres"`."""

    image: str
    """Image. Default: `"postgres:17.2"`."""

    database: str
    """Database name. Default: `"POLARIS"`."""

    secret_name: str = field(metadata={"key": "credentials.secretName"})
    """Secret name. Default: `"polaris-persistence"`."""

    username_key: str = field(metadata={"key": "credentials.usernameKey"})
    """Username key. Default: `"username"`."""

    password_key: str = field(metadata={"key": "credentials.passwordKey"})
    """Password key. Default: `"password"`."""

    storage: str
    """Data PVC size. Default: `"10Gi"`."""

    storage_class_name: str | None
    """StorageClass; null uses the cluster default. Default: `null`."""

    resources: Resources
    """Container resources. Default: `{"requests": {"cpu": "250m", "memory": "512Mi"}, "limits": {"memory": "1Gi"}}`."""


@dataclass(frozen=True)
class PolarisSetupConfig:
    """Declarative realm bootstrap and catalog setup."""

    enabled: bool
    """Render the bootstrap and catalog-setup Jobs. Default: `true`."""

    admin_tool_image: str
    """Polaris admin tool image (realm bootstrap). Default: `"apache/polaris-admin-tool:1.3.0-incubating"`."""

    client_image: str
    """Image with /bin/sh and curl for the catalog-setup script. Default: `"curlimages/curl:8.11.1"`."""

    consumer_principal: str
    """Principal whose generated credentials the setup Job writes into polaris.clientCredential in the fluss, flink and
    spark namespaces. Default: `"fluss_user"`.
    """

    catalogs: tuple[CatalogSpec, ...]
    """Catalogs (INTERNAL, S3 storage in the Iceberg bucket). Default: `[{"name": "dev_iceberg_datalake_catalog"}]`."""

    principal_roles: tuple[str, ...]
    """Principal roles. Default: `["rf_dev_etl"]`."""

    catalog_roles: tuple[CatalogRoleSpec, ...]
    """Catalog roles with their catalog-level privileges and the principal roles they are granted to. Default:
    `[{"catalog": "dev_iceberg_datalake_catalog", "name": "rt_dev_catalog_full", "privileges":
    ["CATALOG_MANAGE_CONTENT"], "principalRoles": ["rf_dev_etl"]}]`.
    """

    principals: tuple[PrincipalSpec, ...]
    """Principals and their principal roles. Default: `[{"name": "fluss_user", "principalRoles": ["rf_dev_etl"]}]`."""


@dataclass(frozen=True)
class PolarisConfig:
    """Apache Polaris server settings."""

    name: str
    """Deployment, Service (and `<name>-mgmt`), ServiceAccount and ConfigMap name; clients' catalog URI host. Default:
    `"polaris"`.
    """

    image: str
    """Server image. Default: `"apache/polaris:1.3.0-incubating"`."""

    replicas: int
    """Deployment replicas (Polaris is stateless with JDBC persistence). Default: `1`."""

    realm: str
    """Realm (polaris.realm-context.realms). Default: `"POLARIS"`."""

    catalog: str
    """Iceberg catalog (warehouse) name used by Fluss, Flink and Spark. Default: `"dev_iceberg_datalake_catalog"`."""

    client_credential_secret: str = field(metadata={"key": "clientCredential.secretName"})
    """Secret name. Default: `"iceberg-catalog-credentials"`."""

    client_credential_key: str = field(metadata={"key": "clientCredential.key"})
    """Key. Default: `"catalog-credential"`."""

    token_broker_type: Literal["rsa-key-pair", "symmetric-key"] = field(metadata={"key": "tokenBroker.type"})
    """rsa-key-pair (Secret keys public.pem, private.pem) or symmetric-key (Secret key symmetric.key). Default:
    `"rsa-key-pair"`.
    """

    token_broker_secret: str = field(metadata={"key": "tokenBroker.secretName"})
    """Secret with the key material. Default: `"polaris-token-broker"`."""

    resources: Resources
    """Container resources. Default: `{"requests": {"cpu": "500m", "memory": "1Gi"}, "limits": {"memory": "2Gi"}}`."""

    log_level: str
    """quarkus.log.level. Default: `"INFO"`."""

    root_secret: str = field(metadata={"key": "rootCredential.secretName"})
    """Secret name (namespace polaris). Default: `"polaris-root-credentials"`."""

    root_client_id_key: str = field(metadata={"key": "rootCredential.clientIdKey"})
    """Key of the client id. Default: `"client-id"`."""

    root_client_secret_key: str = field(metadata={"key": "rootCredential.clientSecretKey"})
    """Key of the client secret. Default: `"client-secret"`."""

    setup: PolarisSetupConfig
    """Declarative realm bootstrap and catalog setup (Jobs run on every sync; idempotent)."""



def problems(config: EnvironmentConfig) -> Iterator[Problem]:
    """The catalog model is closed (every name it refers to is declared in it), AWS catalogs have a role to
    assume, and dev Secrets can hold the token broker's key."""
    polaris, setup = config.polaris, config.polaris.setup
    catalogs = {c.name for c in setup.catalogs}
    if polaris.catalog not in catalogs and setup.enabled:
        yield Problem("polaris.catalog", f"'{polaris.catalog}' is not one of polaris.setup.catalogs "
                                         f"({', '.join(sorted(catalogs)) or 'none'})")
    if setup.enabled:
        yield from catalog_model_problems(setup.catalogs, setup.principal_roles, setup.catalog_roles,
                                          setup.principals, setup.consumer_principal, prefix="polaris.setup.")
    for i, catalog in enumerate(setup.catalogs):
        if config.object_store.type == "aws-s3" and not catalog.role_arn and setup.enabled:
            yield Problem(f"polaris.setup.catalogs[{i}].roleArn",
                          "required with AWS S3 (Polaris assumes it to vend credentials)")
    if config.generate_dev_secrets and polaris.token_broker_type == "rsa-key-pair":
        yield Problem("polaris.tokenBroker.type", "rsa-key-pair needs a key pair Secret that dev Secrets cannot "
                                                  "generate; use symmetric-key with secrets.generateDevSecrets")
