"""`postgres` and `polaris`: Apache Polaris (the Iceberg REST catalog) with its PostgreSQL, and the declarative
bootstrap of catalogs, principal roles, catalog roles, grants and principals (Polaris management API:
https://polaris.apache.org/in-dev/unreleased/polaris-management-service/)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from config.common import Resources
from config.loading import Problem

if TYPE_CHECKING:
    from config.environment import EnvironmentConfig

UNKNOWN_PRINCIPAL_ROLE = "unknown principal role '{name}' (declare it in polaris.setup.principalRoles)"


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
class CatalogSpec:
    """An INTERNAL Polaris catalog on S3: `base_path` inside the Iceberg bucket; `role_arn` for AWS S3."""

    name: str
    """Catalog name."""

    base_path: str
    """Path inside the Iceberg bucket for default-base-location (empty: the bucket root). Default: `""`."""

    role_arn: str | None
    """IAM role Polaris assumes for the catalog's storage (AWS S3); null for the in-cluster store. Default: `null`."""


@dataclass(frozen=True)
class CatalogRoleSpec:
    """A catalog role of `catalog` with catalog-level `privileges`, granted to `principal_roles`."""

    catalog: str
    """Catalog."""

    name: str
    """Catalog role name."""

    privileges: tuple[str, ...]
    """Catalog privileges (Polaris CatalogPrivilege). Default: `[]`."""

    principal_roles: tuple[str, ...]
    """Principal roles granted this catalog role. Default: `[]`."""


@dataclass(frozen=True)
class PrincipalSpec:
    """A principal and the principal roles assigned to it."""

    name: str
    """Principal name."""

    principal_roles: tuple[str, ...]
    """Principal roles assigned. Default: `[]`."""


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



def undeclared(path: str, names: tuple[str, ...], known: set[str], problem: str) -> Iterator[Problem]:
    """`<path>[<index>]: <problem>` (a template with `{name}`) for each of `names` not in `known`."""
    for index, name in enumerate(names):
        if name not in known:
            yield Problem(f"{path}[{index}]", problem.format(name=name))


def problems(config: EnvironmentConfig) -> Iterator[Problem]:
    """The catalog model is closed (every name it refers to is declared in it), AWS catalogs have a role to
    assume, and dev Secrets can hold the token broker's key."""
    polaris, setup = config.polaris, config.polaris.setup
    catalogs = {c.name for c in setup.catalogs}
    roles = set(setup.principal_roles)
    if polaris.catalog not in catalogs and setup.enabled:
        yield Problem("polaris.catalog", f"'{polaris.catalog}' is not one of polaris.setup.catalogs "
                                         f"({', '.join(sorted(catalogs)) or 'none'})")
    for i, role in enumerate(setup.catalog_roles):
        if role.catalog not in catalogs:
            yield Problem(f"polaris.setup.catalogRoles[{i}].catalog", f"unknown catalog '{role.catalog}'")
        yield from undeclared(f"polaris.setup.catalogRoles[{i}].principalRoles", role.principal_roles, roles,
                              UNKNOWN_PRINCIPAL_ROLE)
    for i, principal in enumerate(setup.principals):
        yield from undeclared(f"polaris.setup.principals[{i}].principalRoles", principal.principal_roles, roles,
                              UNKNOWN_PRINCIPAL_ROLE)
    if setup.enabled and setup.consumer_principal not in {p.name for p in setup.principals}:
        yield Problem("polaris.setup.consumerPrincipal",
                      f"'{setup.consumer_principal}' is not one of polaris.setup.principals")
    for i, catalog in enumerate(setup.catalogs):
        if config.object_store.type == "aws-s3" and not catalog.role_arn and setup.enabled:
            yield Problem(f"polaris.setup.catalogs[{i}].roleArn",
                          "required with AWS S3 (Polaris assumes it to vend credentials)")
    if config.generate_dev_secrets and polaris.token_broker_type == "rsa-key-pair":
        yield Problem("polaris.tokenBroker.type", "rsa-key-pair needs a key pair Secret that dev Secrets cannot "
                                                  "generate; use symmetric-key with secrets.generateDevSecrets")
