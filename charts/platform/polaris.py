"""The `postgres` and `polaris` sections as `PolarisProps`: PostgreSQL, the Polaris server and, with
`polaris.setup.enabled`, the realm bootstrap and catalog setup."""

from __future__ import annotations

from charts.blocks.secrets import SecretKeyRef
from charts.polaris import PolarisProps
from charts.polaris.postgres import PostgresProps
from charts.polaris.server import ServerProps
from charts.polaris.setup import SetupProps
from config import EnvironmentConfig


def polaris_props(config: EnvironmentConfig) -> PolarisProps:
    """`PolarisProps` of environment `config` (the config rules have checked what the props check)."""
    postgres, polaris, setup = config.postgres, config.polaris, config.polaris.setup
    return PolarisProps(
        postgres=PostgresProps(
            name=postgres.name, image=postgres.image, database=postgres.database,
            username=SecretKeyRef(postgres.secret_name, postgres.username_key),
            password=SecretKeyRef(postgres.secret_name, postgres.password_key),
            storage=postgres.storage, storage_class_name=postgres.storage_class_name, resources=postgres.resources),
        server=ServerProps(
            name=polaris.name, image=polaris.image, replicas=polaris.replicas, realm=polaris.realm,
            catalog=polaris.catalog,
            client_credential=SecretKeyRef(polaris.client_credential_secret, polaris.client_credential_key),
            token_broker_type=polaris.token_broker_type, token_broker_secret=polaris.token_broker_secret,
            resources=polaris.resources, log_level=polaris.log_level),
        setup=SetupProps(
            admin_tool_image=setup.admin_tool_image, client_image=setup.client_image,
            root_client_id=SecretKeyRef(polaris.root_secret, polaris.root_client_id_key),
            root_client_secret=SecretKeyRef(polaris.root_secret, polaris.root_client_secret_key),
            consumer_principal=setup.consumer_principal, catalogs=setup.catalogs,
            principal_roles=setup.principal_roles, catalog_roles=setup.catalog_roles,
            principals=setup.principals) if setup.enabled else None,
    )
