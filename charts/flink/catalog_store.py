"""Flink's file catalog store: one YAML file per catalog, read from `table.catalog-store.file.path`.

https://nightlies.apache.org/flink/flink-docs-release-2.2/docs/dev/table/catalogs/#catalog-store
The catalog files are rendered into ConfigMaps without the credential; an init container copies
them into an emptyDir and appends the Polaris client credential from a Secret-backed env var.
Catalogs: `fluss_iceberg` (Fluss catalog with Iceberg lake settings) and `rest_iceberg` (Iceberg
REST catalog on Polaris).
"""

from __future__ import annotations

from dataclasses import dataclass

import constructs
from cdk8s_plus_27 import k8s

from charts import pod_security
from charts.catalog import CREDENTIAL_ENV, IcebergRestCatalog
from charts.config import Resources
from charts.env import Env
from charts.flink.pod_template import ContainerSpec, Mount, VolumeSpec
from charts.metadata import Component, SyncWave, object_meta

STORE_DIR = "/var/flink/catalog-store"
TEMPLATE_DIR = "/opt/flink/catalog-templates"
STORE_PATH = f"file://{STORE_DIR}/"
STORE_VOLUME = "catalog-store"
INIT_RESOURCES = Resources("50m", "64Mi", None, "128Mi")


@dataclass(frozen=True)
class CatalogFile:
    """One catalog: file `name`.yaml in ConfigMap `config_map`; `credential_key` receives the credential."""

    name: str
    config_map: str
    body: dict[str, str]
    credential_key: str

    @property
    def file_name(self) -> str:
        """`<name>.yaml`, the file (and catalog) name in the store."""
        return f"{self.name}.yaml"

    @property
    def volume(self) -> str:
        """The pod volume name for its ConfigMap."""
        return f"catalog-{self.name.replace('_', '-')}"


class CatalogStore(constructs.Construct):
    """The catalog ConfigMaps and what a pod needs to use them (`volumes`, `init_script`, `env`).

    Props: `namespace`; `catalog`, the Iceberg REST catalog; `fluss_bootstrap_servers`, for the Fluss catalog.
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
                "iceberg.credential",
            ),
            CatalogFile(
                "rest_iceberg", "rest-iceberg-catalog",
                {"type": "iceberg", "catalog-type": "rest", "catalog.name": catalog.warehouse, **iceberg},
                "credential",
            ),
        ]
        for catalog_file in self.files:
            body = "".join(f"{key}: {catalog_file.body[key]}\n" for key in sorted(catalog_file.body))
            k8s.KubeConfigMap(
                self, catalog_file.name,
                metadata=object_meta(catalog_file.config_map, namespace, component, SyncWave.CLUSTERS),
                data={catalog_file.file_name: body},
            )

    def init_script(self) -> str:
        """Shell script for the init container: copy each template, append the credential line."""
        lines = ["set -eu"]
        for f in self.files:
            target = f"{STORE_DIR}/{f.file_name}"
            lines.append(f"cp {TEMPLATE_DIR}/{f.name}/{f.file_name} {target}")
            lines.append(f"printf '{f.credential_key}: %s\\n' \"${CREDENTIAL_ENV}\" >> {target}")
        return "\n".join(lines) + "\n"

    def init_container(self, image: str) -> ContainerSpec:
        """The init container that writes the store into the `STORE_VOLUME` emptyDir (runs as the Flink user)."""
        return ContainerSpec(
            "catalog-store",
            image=image,
            command=["/bin/sh", "-c", self.init_script()],
            env=[Env(CREDENTIAL_ENV, secret=self.catalog.credential)],
            mounts=[Mount(STORE_VOLUME, STORE_DIR),
                    *[Mount(f.volume, f"{TEMPLATE_DIR}/{f.name}", read_only=True) for f in self.files]],
            resources=INIT_RESOURCES,
            run_as=pod_security.FLINK,
        )

    def volumes(self) -> list[VolumeSpec]:
        """The store's emptyDir and one volume per template ConfigMap."""
        return [VolumeSpec(STORE_VOLUME), *[VolumeSpec(f.volume, config_map=f.config_map) for f in self.files]]

    @staticmethod
    def mount() -> Mount:
        """The read-only store mount of the container that uses the catalogs."""
        return Mount(STORE_VOLUME, STORE_DIR, read_only=True)
