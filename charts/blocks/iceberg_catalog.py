"""How clients reach the Iceberg REST catalog (Polaris): one set of Iceberg client properties.

Fluss (`datalake.iceberg.*`), the tiering job (`--datalake.iceberg.*`), Flink's catalog store files and
Spark (`spark.sql.catalog.<name>.*`) all derive their catalog settings from `IcebergRestCatalog`, so an
endpoint, a warehouse or an S3 setting is written once. Property names: Iceberg's RESTCatalog and
S3FileIO (https://iceberg.apache.org/docs/latest/configuration/#catalog-properties,
https://iceberg.apache.org/docs/latest/aws/#s3-fileio).
The client credential (`clientId:clientSecret`) is never written into these properties. They carry
Iceberg's environment reference `credential: env:ICEBERG_CATALOG_CREDENTIAL` instead (see
`manifests.iceberg_env_reference`). Every process that builds the catalog therefore needs that env var, set
from the Secret `credential` (`credential_env`). So the secret never appears in a ConfigMap, a custom
resource, a program argument, Flink's or Spark's UI, or Fluss' table properties.
"""

from __future__ import annotations

from dataclasses import dataclass

from charts.blocks.container_env import Env
from charts.blocks.s3 import S3Access
from charts.blocks.secrets import SecretKeyRef
from manifests import iceberg_env_reference as env_reference

S3_FILE_IO = "org.apache.iceberg.aws.s3.S3FileIO"
ACCESS_DELEGATION_HEADER = "header.X-Iceberg-Access-Delegation"
CREDENTIAL_ENV = "ICEBERG_CATALOG_CREDENTIAL"
"""Env var holding `clientId:clientSecret` in every catalog client container."""
CREDENTIAL_REFERENCE = env_reference.reference(CREDENTIAL_ENV)
"""The value of the Iceberg `credential` property: a reference, never the secret."""


@dataclass(frozen=True)
class IcebergRestCatalog:
    """Connection to one Polaris catalog.

    Attributes:
        uri: REST catalog base URI (`http://polaris.polaris.svc.cluster.local:8181/api/catalog`).
        token_endpoint: OAuth2 token endpoint.
        warehouse: the Polaris catalog name (Iceberg `warehouse`).
        scope: OAuth2 scope (`PRINCIPAL_ROLE:ALL`).
        credential: Secret key with `clientId:clientSecret`, in each consumer namespace.
        s3: object storage settings (region, endpoint, vended credentials or not).
    """

    uri: str
    token_endpoint: str
    warehouse: str
    scope: str
    credential: SecretKeyRef
    s3: S3Access

    def properties(self) -> dict[str, str]:
        """Iceberg REST client properties without the type key, sorted. `credential` is the environment
        reference `env:ICEBERG_CATALOG_CREDENTIAL`; the consumer's container needs `credential_env()`."""
        props = {
            "credential": CREDENTIAL_REFERENCE,
            "uri": self.uri,
            "oauth2-server-uri": self.token_endpoint,
            "rest.auth.type": "oauth2",
            "scope": self.scope,
            "warehouse": self.warehouse,
            "io-impl": S3_FILE_IO,
            "client.region": self.s3.region,
        }
        if self.s3.vended_credentials:
            props[ACCESS_DELEGATION_HEADER] = "vended-credentials"
        props.update(self.s3.endpoint_settings("s3.endpoint", "s3.path-style-access"))
        return dict(sorted(props.items()))

    def credential_env(self) -> Env:
        """`ICEBERG_CATALOG_CREDENTIAL` from the Secret key `credential`, for every container that builds the
        catalog from `properties()`."""
        return Env(CREDENTIAL_ENV, secret=self.credential)
