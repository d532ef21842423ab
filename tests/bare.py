"""Construct tests on a bare chart: one construct, or one component chart, built from the settings of an
environment document and synthesized alone, given the inputs the platform would give it (`charts/platform/`).

A whole-platform render (`conftest.render`) costs 0.2–1 s; most constructs alone take 20–60 ms. Tests whose point
is the wiring between components keep rendering the whole platform.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import cdk8s

from charts.blocks.endpoints import PlatformEndpoints
from charts.blocks.iceberg_catalog import IcebergRestCatalog
from charts.blocks.s3 import S3Access
from charts.blocks.secrets import SecretKeyRef
from config import EnvironmentConfig, parse_environment

Manifest = dict[str, Any]

IN_CLUSTER_ENDPOINT = "http://minio.object-store.svc.cluster.local:9000"
"""The in-cluster object store's S3 endpoint (the `minio` Service in namespace `object-store`)."""
CATALOG_URI = "http://polaris.polaris.svc.cluster.local:8181/api/catalog"
TOKEN_ENDPOINT = f"{CATALOG_URI}/v1/oauth/tokens"
BOOTSTRAP_SERVERS = "coordinator-server-hs.fluss.svc.cluster.local:9124"


def settings(doc: dict[str, Any]) -> EnvironmentConfig:
    """The configuration of environment document `doc` (see `conftest.environment`)."""
    return parse_environment(doc, source="environments/test.yaml", expected_name="test")


def s3_access(config: EnvironmentConfig) -> S3Access:
    """How the platform's S3 clients reach the object store of `config`."""
    store = config.object_store
    endpoint = IN_CLUSTER_ENDPOINT if store.type == "in-cluster" else None
    return S3Access(store.region, store.buckets, endpoint, store.credentials, store.iam_role_arn)


def catalog(config: EnvironmentConfig, s3: S3Access | None = None) -> IcebergRestCatalog:
    """The Iceberg REST catalog client of Polaris at its default address."""
    polaris = config.polaris
    return IcebergRestCatalog(
        uri=CATALOG_URI, token_endpoint=TOKEN_ENDPOINT, warehouse=polaris.catalog, scope="PRINCIPAL_ROLE:ALL",
        credential=SecretKeyRef(polaris.client_credential_secret, polaris.client_credential_key),
        s3=s3 or s3_access(config))


def endpoints() -> PlatformEndpoints:
    """The platform's addresses at their defaults (what `${...}` job arguments become)."""
    return PlatformEndpoints(fluss_bootstrap_servers=BOOTSTRAP_SERVERS, polaris_catalog_uri=CATALOG_URI,
                             polaris_token_endpoint=TOKEN_ENDPOINT)


def synth(build: Callable[[cdk8s.App], object]) -> list[Manifest]:
    """Every object of the charts `build` adds to a fresh App."""
    app = cdk8s.App()
    build(app)
    return [obj for chart in app.charts for obj in chart.to_json()]


def chart(app: cdk8s.App) -> cdk8s.Chart:
    """A bare chart for a single construct (stable names, like the component charts)."""
    return cdk8s.Chart(app, "bare", disable_resource_name_hashes=True)
