"""Flink's file catalog store: one YAML file per catalog, read from `table.catalog-store.file.path`.

https://nightlies.apache.org/flink/flink-docs-release-1.20/docs/dev/table/catalogs/#catalog-store
The catalog files are rendered into ConfigMaps and projected into one read-only directory. Their
credential option is Iceberg's environment reference `env:ICEBERG_CATALOG_CREDENTIAL` (`manifests.iceberg_env_reference`),
resolved by Iceberg in the process that opens the catalog, so the container that mounts the store needs
that env var (`IcebergRestCatalog.credential_env`). `DESCRIBE CATALOG` shows the reference, never the secret.
Catalogs: `fluss_iceberg` (Fluss catalog with Iceberg lake settings) and `rest_iceberg` (Iceberg
REST catalog on Polaris).
"""

from __future__ import annotations

from dataclasses import dataclass

import constructs

from charts.blocks.container_env import Env
from charts.blocks.iceberg_catalog import IcebergRestCatalog
from charts.blocks.metadata import Component, SyncWave
from charts.blocks.pod_spec import Mount, VolumeSpec
from charts.blocks.workloads import config_map
from upstream.file_dialects import yaml_file

STORE_DIR = "/var/flink/catalog-store"
STORE_PATH = f"file://{STORE_DIR}/"
STORE_VOLUME = "catalog-store"


@dataclass(frozen=True)
class CatalogFile:
    """One catalog: file `name`.yaml in ConfigMap `config_map`."""

    name: str
    config_map: str
    body: dict[str, str]

    @property
    def file_name(self) -> str:
        """`<name>.yaml`, the file (and catalog) name in the store."""
        return f"{self.name}.yaml"


class CatalogStore(constructs.Construct):
    """The catalog ConfigMaps and what a pod needs to use them (`volume`, `mount`, `env`).

    Props: `namespace`; `component`, whose labels the ConfigMaps carry; `catalog`, the Iceberg REST catalog;
    `fluss_bootstrap_servers`, for the Fluss catalog.
    """

    def __init__(self, scope: constructs.Construct, id: str, *, namespace: str, component: Component,
                 catalog: IcebergRestCatalog, fluss_bootstrap_servers: str):
        super().__init__(scope, id)
        iceberg = catalog.properties()
        self.catalog = catalog
        self.files = [
            CatalogFile(
                "fluss_iceberg", "fluss-iceberg",
                {"type": "fluss", "bootstrap.servers": fluss_bootstrap_servers, "iceberg.type": "rest",
                 "iceberg.catalog.name": catalog.warehouse, **{f"iceberg.{k}": v for k, v in iceberg.items()}},
            ),
            CatalogFile(
                "rest_iceberg", "rest-iceberg-catalog",
                {"type": "iceberg", "catalog-type": "rest", "catalog.name": catalog.warehouse, **iceberg},
            ),
        ]
        self.config_maps = [
            config_map(self, f.name, name=f.config_map, namespace=namespace, component=component,
                       wave=SyncWave.CLUSTERS, data={f.file_name: yaml_file(f.body)})
            for f in self.files
        ]
        """The catalog ConfigMaps, for the `checksum/config` of the pods that mount the store
        (`rollout_annotations`)."""

    def env(self) -> list[Env]:
        """What the container that opens the catalogs needs in its environment: the catalog credential."""
        return [self.catalog.credential_env()]

    def volume(self) -> VolumeSpec:
        """The store directory: every catalog ConfigMap projected into one volume."""
        return VolumeSpec(STORE_VOLUME, config_maps=tuple(f.config_map for f in self.files))

    @staticmethod
    def mount() -> Mount:
        """The read-only store mount of the container that uses the catalogs."""
        return Mount(STORE_VOLUME, STORE_DIR, read_only=True)
