"""`postgres` and `polaris`: Apache Polaris (the Iceberg REST catalog) with its PostgreSQL, and the declarative
bootstrap of catalogs, principal roles, catalog roles, grants and principals (Polaris management API:
https://polaris.apache.org/in-dev/unreleased/polaris-management-service/)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from config.catalog_model import CatalogRoleSpec, CatalogSpec, PrincipalSpec
from config.common import Image, KubernetesName, Quantity, Resources
from config.declaration import section, setting


@section
class PostgresConfig:
    """PostgreSQL for Polaris."""

    GROUPS: ClassVar[Mapping[str, Mapping[str, Any]]] = {
        "credentials": {"description": "Secret with the database user (created by the image on first start, used by Polaris).", "default": {}},
    }
    name: str = setting(
        "postgres", pattern="^[a-z]([-a-z0-9]*[a-z0-9])?$", max_length=52,
        error="is not usable: it names a Service (lower-case letters, digits and '-', starting with a letter) and may have at most 52 characters (a StatefulSet's pods carry `<name>-<revision hash>` in a 63-character label)")
    """StatefulSet and Service name (the JDBC URL's host)."""

    image: Image = setting("postgres:17.2")
    """Image."""

    database: str = setting("POLARIS")
    """Database name."""

    secret_name: KubernetesName = setting("polaris-persistence", key="credentials.secretName")
    """Secret name."""

    username_key: str = setting("username", key="credentials.usernameKey")
    """Username key."""

    password_key: str = setting("password", key="credentials.passwordKey")
    """Password key."""

    storage: Quantity = setting("10Gi")
    """Data PVC size."""

    storage_class_name: str | None = setting(None)
    """StorageClass; null uses the cluster default."""

    resources: Resources = setting({"requests": {"cpu": "250m", "memory": "512Mi"}, "limits": {"memory": "1Gi"}})
    """Container resources."""


@section
class PolarisSetupConfig:
    """Declarative realm bootstrap and catalog setup."""

    enabled: bool = setting(True)
    """Render the bootstrap and catalog-setup Jobs."""

    admin_tool_image: Image = setting("apache/polaris-admin-tool:1.3.0-incubating")
    """Polaris admin tool image (realm bootstrap)."""

    client_image: Image = setting("curlimages/curl:8.11.1")
    """Image with /bin/sh and curl for the catalog-setup script."""

    consumer_principal: str = setting(
        "fluss_user", pattern="^[A-Za-z0-9_-]{1,256}$",
        error="is not a Polaris entity name (letters, digits, '_' and '-')")
    """Principal whose generated credentials the setup Job writes into polaris.clientCredential in the fluss, flink and
    spark namespaces.
    """

    catalogs: tuple[CatalogSpec, ...] = setting([{"name": "dev_iceberg_datalake_catalog"}])
    """Catalogs (INTERNAL, S3 storage in the Iceberg bucket)."""

    principal_roles: tuple[str, ...] = setting(
        ["rf_dev_etl"],
        items={"type": "string", "pattern": "^[A-Za-z0-9_-]{1,256}$", "x-error": "is not a Polaris entity name (letters, digits, '_' and '-')", "description": "A principal role name."})
    """Principal roles."""

    catalog_roles: tuple[CatalogRoleSpec, ...] = setting(
        [{"catalog": "dev_iceberg_datalake_catalog", "name": "rt_dev_catalog_full", "privileges": ["CATALOG_MANAGE_CONTENT"], "principalRoles": ["rf_dev_etl"]}])
    """Catalog roles with their catalog-level privileges and the principal roles they are granted to."""

    principals: tuple[PrincipalSpec, ...] = setting([{"name": "fluss_user", "principalRoles": ["rf_dev_etl"]}])
    """Principals and their principal roles."""


@section
class PolarisConfig:
    """Apache Polaris server settings."""

    GROUPS: ClassVar[Mapping[str, Mapping[str, Any]]] = {
        "clientCredential": {"description": "Secret holding a principal's `clientId:clientSecret`, present in the fluss, flink and spark namespaces.", "default": {}},
        "tokenBroker": {"description": "How Polaris signs its access tokens (polaris.authentication.token-broker.*).", "default": {}},
        "rootCredential": {"description": "Secret with the root principal's client id and secret (realm bootstrap and catalog setup).", "default": {}},
    }
    name: str = setting(
        "polaris", pattern="^[a-z]([-a-z0-9]*[a-z0-9])?$", max_length=58,
        error="is not usable: it names a Service (lower-case letters, digits and '-', starting with a letter) and may have at most 58 characters (the management Service is `<name>-mgmt`)")
    """Deployment, Service (and `<name>-mgmt`), ServiceAccount and ConfigMap name; clients' catalog URI host."""

    image: Image = setting("apache/polaris:1.3.0-incubating")
    """Server image."""

    replicas: int = setting(1, minimum=1)
    """Deployment replicas (Polaris is stateless with JDBC persistence)."""

    realm: str = setting("POLARIS", pattern="^[A-Za-z0-9_-]+$")
    """Realm (polaris.realm-context.realms)."""

    catalog: str = setting("dev_iceberg_datalake_catalog", pattern="^[A-Za-z0-9_-]+$")
    """Iceberg catalog (warehouse) name used by Fluss, Flink and Spark."""

    client_credential_secret: KubernetesName = setting("iceberg-catalog-credentials", key="clientCredential.secretName")
    """Secret name."""

    client_credential_key: str = setting("catalog-credential", key="clientCredential.key")
    """Key."""

    token_broker_type: Literal["rsa-key-pair", "symmetric-key"] = setting("rsa-key-pair", key="tokenBroker.type")
    """rsa-key-pair (Secret keys public.pem, private.pem) or symmetric-key (Secret key symmetric.key)."""

    token_broker_secret: KubernetesName = setting("polaris-token-broker", key="tokenBroker.secretName")
    """Secret with the key material."""

    resources: Resources = setting({"requests": {"cpu": "500m", "memory": "1Gi"}, "limits": {"memory": "2Gi"}})
    """Container resources."""

    log_level: str = setting("INFO", enum=["TRACE", "DEBUG", "INFO", "WARN", "ERROR"])
    """quarkus.log.level."""

    root_secret: KubernetesName = setting("polaris-root-credentials", key="rootCredential.secretName")
    """Secret name (namespace polaris)."""

    root_client_id_key: str = setting("client-id", key="rootCredential.clientIdKey")
    """Key of the client id."""

    root_client_secret_key: str = setting("client-secret", key="rootCredential.clientSecretKey")
    """Key of the client secret."""

    setup: PolarisSetupConfig = setting({})
    """Declarative realm bootstrap and catalog setup (Jobs run on every sync; idempotent)."""
