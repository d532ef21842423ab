"""Namespace `polaris`: PostgreSQL, the Polaris server wired to it, and the realm bootstrap and catalog setup."""

from __future__ import annotations

from dataclasses import dataclass, field

import constructs

from charts.blocks.component_chart import ComponentChart
from charts.blocks.s3 import S3Access
from charts.polaris.postgres import PostgresProps, PostgreSQL
from charts.polaris.server import Polaris, ServerProps
from charts.polaris.setup import CatalogSetup, RealmBootstrap, SetupProps


@dataclass(frozen=True)
class PolarisProps:
    """Polaris in one namespace: its `postgres` database, the `server`, and the realm bootstrap and catalog
    `setup` (None: neither Job; the realm, catalogs, principals and the clients' credential Secrets are made
    otherwise).

    Raises:
        ValueError: with a setup, a server catalog that is not one of the setup's catalogs (clients would name a
            catalog that does not exist).
    """

    postgres: PostgresProps = field(default_factory=PostgresProps)
    server: ServerProps = field(default_factory=ServerProps)
    setup: SetupProps | None = field(default_factory=SetupProps)

    def __post_init__(self) -> None:
        if self.setup is not None and self.server.catalog not in {c.name for c in self.setup.catalogs}:
            raise ValueError(f"Polaris catalog '{self.server.catalog}' is not one of the setup's catalogs "
                             f"({', '.join(sorted(c.name for c in self.setup.catalogs)) or 'none'})")


class PolarisChart(ComponentChart):
    """Namespace `polaris`: the `PostgreSQL` database, the `Polaris` server wired to it and, with a setup, the realm
    bootstrap and catalog setup Jobs (`charts.polaris.setup`).

    Props: `namespace`; `props`; `s3`, how Polaris reaches object storage; `consumer_namespaces`, which receive the
    consumer principal's credential Secret.
    """

    def __init__(self, scope: constructs.Construct, id: str, *, namespace: str, props: PolarisProps, s3: S3Access,
                 consumer_namespaces: list[str]):
        super().__init__(scope, id, namespace=namespace)
        self.database = PostgreSQL(self, "PostgreSQL", namespace=namespace, props=props.postgres)
        self.polaris = Polaris(self, "Polaris", namespace=namespace, props=props.server, database=self.database,
                               s3=s3)
        if props.setup is not None:
            RealmBootstrap(self, "RealmBootstrap", namespace=namespace, props=props.setup, polaris=self.polaris)
            CatalogSetup(self, "CatalogSetup", namespace=namespace, props=props.setup, polaris=self.polaris, s3=s3,
                         consumer_namespaces=consumer_namespaces)
