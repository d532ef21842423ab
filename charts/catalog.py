"""How clients reach the Iceberg REST catalog (Polaris): one set of Iceberg client properties.

Fluss (`datalake.iceberg.*`), the tiering job (`--datalake.iceberg.*`), Flink's catalog store files and
Spark (`spark.sql.catalog.<name>.*`) all derive their catalog settings from `IcebergRestCatalog`, so an
endpoint, a warehouse or an S3 setting is written once. Property names: Iceberg's RESTCatalog and
S3FileIO (https://iceberg.apache.org/docs/latest/configuration/#catalog-properties,
https://iceberg.apache.org/docs/latest/aws/#s3-fileio).
The client credential (`clientId:clientSecret`) is never part of these properties: it is read from a
Secret (`credential`) by each consumer at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass

from charts.s3 import S3Access
from charts.secrets import SecretKeyRef

S3_FILE_IO = "org.apache.iceberg.aws.s3.S3FileIO"
ACCESS_DELEGATION_HEADER = "header.X-Iceberg-Access-Delegation"
CREDENTIAL_ENV = "ICEBERG_CATALOG_CREDENTIAL"
"""Env var holding `clientId:clientSecret` in every catalog client container."""


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
        """Iceberg REST client properties, without type key and without the credential, sorted."""
        props = {
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
        if self.s3.endpoint:
            props["s3.endpoint"] = self.s3.endpoint
            props["s3.path-style-access"] = "true"
        return dict(sorted(props.items()))
