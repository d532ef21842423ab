"""Apache Polaris, the Iceberg REST catalog, with PostgreSQL persistence (namespace `polaris`).

Re-expresses what the upstream chart (polaris 1.3.0-incubating, `helm/polaris`) renders with the
reference values: ServiceAccount, ConfigMap with `application.properties`, API and management Services,
Deployment with the chart's probes, ports and security contexts. Settings:
https://polaris.apache.org/releases/1.3.0/configuration/ ; persistence:
https://polaris.apache.org/releases/1.3.0/metastores/ (relational-jdbc, datasource from env).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import constructs
from cdk8s_plus_27 import k8s

from charts.blocks import container_env as env
from charts.blocks import pod_security
from charts.blocks.metadata import Component, SyncWave, image_tag, object_meta
from charts.blocks.s3 import S3Access
from charts.blocks.secrets import SecretKeyRef
from charts.blocks.workloads import (
    Port,
    config_map,
    deployment,
    empty_dir,
    http_probe,
    pod_template,
    resources,
    rollout_annotations,
    service,
    service_host,
)
from charts.polaris.postgres import PostgreSQL
from config.common import Resources
from upstream.file_dialects import properties_file

HTTP_PORT = Port("polaris-http", 8181)
MANAGEMENT_PORT = Port("polaris-mgmt", 8182)
CONFIG_DIR = "/deployments/config"
LOG_FORMAT = (
    "%d{yyyy-MM-dd HH:mm:ss,SSS} %-5p [%c{3.}] [%X{requestId},%X{realmId}] "
    "[%X{traceId},%X{parentId},%X{spanId},%X{sampled}] (%t) %s%e%n"
)
TOKEN_SCOPE = "PRINCIPAL_ROLE:ALL"
"""OAuth2 scope clients request: all principal roles of the principal."""
DEFAULT_CATALOG = "dev_iceberg_datalake_catalog"


@dataclass(frozen=True)
class ServerProps:
    """The Polaris server (settings: https://polaris.apache.org/releases/1.3.0/configuration/).

    Attributes:
        name: Deployment, Service (and headless `<name>-mgmt`), ServiceAccount and ConfigMap name; the host of
            the clients' catalog URI.
        image: the server image (the chart re-expresses polaris 1.3.0-incubating).
        replicas: Deployment replicas (Polaris is stateless with JDBC persistence).
        realm: the one realm (`polaris.realm-context.realms`).
        catalog: the Polaris catalog (Iceberg `warehouse`) the platform's clients use.
        client_credential: the Secret key (in each client's namespace) holding the clients' `clientId:clientSecret`.
        token_broker_type: `rsa-key-pair` (Secret keys `public.pem`, `private.pem`) or `symmetric-key` (Secret key
            `symmetric.key`), `polaris.authentication.token-broker.type`.
        token_broker_secret: the Secret with the token broker's key material, mounted in the config directory.
        resources: container resources (cpu in cores or millicores, memory as a quantity).
        log_level: `quarkus.log.level` and Polaris' and Iceberg REST's categories: TRACE, DEBUG, INFO, WARN or ERROR.
    """

    name: str = "polaris"
    image: str = "apache/polaris:1.3.0-incubating"
    replicas: int = 1
    realm: str = "POLARIS"
    catalog: str = DEFAULT_CATALOG
    client_credential: SecretKeyRef = SecretKeyRef("iceberg-catalog-credentials", "catalog-credential")
    token_broker_type: Literal["rsa-key-pair", "symmetric-key"] = "rsa-key-pair"
    token_broker_secret: str = "polaris-token-broker"
    resources: Resources = field(default_factory=lambda: Resources("500m", "1Gi", None, "2Gi"))
    log_level: str = "INFO"


class Polaris(constructs.Construct):
    """The Polaris server: ServiceAccount, ConfigMap, Services (`polaris`, headless `polaris-mgmt`), Deployment.

    Props: `namespace`; `props`; `database`, the `PostgreSQL` it persists to (JDBC URL and credentials are read
    from it); `s3`, how Polaris reaches object storage. Exposes `catalog_uri` and `token_endpoint` for Iceberg
    clients, `base_uri` for the catalog setup, `realm` and `database` for the realm bootstrap, and `catalog` and
    `client_credential`, the Polaris catalog (Iceberg `warehouse`) clients use and the credential they use it with.
    """

    def __init__(self, scope: constructs.Construct, id: str, *, namespace: str, props: ServerProps,
                 database: PostgreSQL, s3: S3Access):
        super().__init__(scope, id)
        self.name = name = props.name
        self.namespace = namespace
        self.realm = props.realm
        self.catalog = props.catalog
        self.client_credential = props.client_credential
        self.database = database
        component = Component("polaris", name, image_tag(props.image), "catalog")
        wave = SyncWave.CATALOG

        account = k8s.KubeServiceAccount(
            self, "ServiceAccount",
            metadata=object_meta(name, namespace, component, wave,
                                 extra_annotations=s3.service_account_annotations()),
        )
        properties = config_map(self, "ConfigMap", name=name, namespace=namespace, component=component, wave=wave,
                                data={"application.properties": self._application_properties(props)})
        service(self, "Service", name=name, namespace=namespace, component=component, ports=[HTTP_PORT], wave=wave)
        service(self, "ManagementService", name=f"{name}-mgmt", namespace=namespace, component=component,
                ports=[MANAGEMENT_PORT], wave=wave, headless=True)

        key_files = (
            {"public.pem": "public.pem", "private.pem": "private.pem"}
            if props.token_broker_type == "rsa-key-pair" else {"symmetric.key": "symmetric.key"}
        )
        run_as = pod_security.POLARIS
        envs = [
            env.Env("quarkus.datasource.username", secret=database.username),
            env.Env("quarkus.datasource.password", secret=database.password),
            env.Env("quarkus.datasource.jdbc.url", value=database.jdbc_url),
            *s3.env(),
        ]
        server = k8s.Container(
            name="polaris",
            image=props.image,
            image_pull_policy="IfNotPresent",
            env=env.core(envs),
            ports=[HTTP_PORT.container_port(), MANAGEMENT_PORT.container_port()],
            liveness_probe=http_probe("/q/health/live", MANAGEMENT_PORT, initial_delay=5, period=10,
                                      failure_threshold=3, timeout=10, success_threshold=1, termination_grace=30),
            readiness_probe=http_probe("/q/health/ready", MANAGEMENT_PORT, initial_delay=5, period=10,
                                       failure_threshold=3, timeout=10, success_threshold=1),
            resources=resources(props.resources.to_k8s()),
            security_context=pod_security.container_security_context(run_as),
            volume_mounts=[k8s.VolumeMount(name="config-volume", mount_path=CONFIG_DIR, read_only=True),
                           k8s.VolumeMount(name="temp-dir", mount_path="/tmp")],
        )
        config_volume = k8s.Volume(name="config-volume", projected=k8s.ProjectedVolumeSource(sources=[
            k8s.VolumeProjection(config_map=k8s.ConfigMapProjection(
                name=properties.name, items=[k8s.KeyToPath(key="application.properties", path="application.properties")])),
            k8s.VolumeProjection(secret=k8s.SecretProjection(
                name=props.token_broker_secret, items=[k8s.KeyToPath(key=k, path=v) for k, v in key_files.items()])),
        ]))
        deployment(
            self, "Deployment", name=name, namespace=namespace, component=component, wave=wave,
            replicas=props.replicas,
            template=pod_template(
                component, run_as, [server], service_account=account, volumes=[config_volume, empty_dir("temp-dir")],
                annotations=rollout_annotations(properties)),
        )

    def _application_properties(self, props: ServerProps) -> str:
        broker = props.token_broker_type
        settings = {
            "polaris.authentication.authenticator.type": "default",
            "polaris.authentication.token-broker.max-token-generation": "PT1H",
            "polaris.authentication.token-broker.type": broker,
            "polaris.authentication.token-service.type": "default",
            "polaris.authentication.type": "internal",
            "polaris.file-io.type": "default",
            "polaris.log.request-id-header-name": "X-Request-ID",
            "polaris.persistence.type": "relational-jdbc",
            "polaris.rate-limiter.filter.type": "no-op",
            "polaris.realm-context.realms": props.realm,
            "polaris.realm-context.type": "default",
            "quarkus.http.port": str(HTTP_PORT.number),
            'quarkus.log.category."org.apache.iceberg.rest".level': props.log_level,
            'quarkus.log.category."org.apache.polaris".level': props.log_level,
            "quarkus.log.console.enable": "true",
            "quarkus.log.console.format": LOG_FORMAT,
            "quarkus.log.console.level": "ALL",
            "quarkus.log.file.enable": "false",
            "quarkus.log.level": props.log_level,
            "quarkus.management.port": str(MANAGEMENT_PORT.number),
            "quarkus.otel.sdk.disabled": "true",
        }
        if broker == "rsa-key-pair":
            settings["polaris.authentication.token-broker.rsa-key-pair.private-key-file"] = f"{CONFIG_DIR}/private.pem"
            settings["polaris.authentication.token-broker.rsa-key-pair.public-key-file"] = f"{CONFIG_DIR}/public.pem"
        else:
            settings["polaris.authentication.token-broker.symmetric-key.file"] = f"{CONFIG_DIR}/symmetric.key"
        # An S3-compatible store has no STS: the catalog's storage config says `stsUnavailable` (`polaris_setup`), so
        # Polaris uses its own keys and still hands the catalog's endpoint and path-style setting to its FileIO.
        # SKIP_CREDENTIAL_SUBSCOPING_INDIRECTION must stay false: it would drop them (`capabilities.POLARIS`).
        return properties_file(settings)

    @property
    def host(self) -> str:
        """The API Service's cluster DNS name."""
        return service_host(self.name, self.namespace)

    @property
    def base_uri(self) -> str:
        """`http://<host>:8181`, the server's API root."""
        return f"http://{self.host}:{HTTP_PORT.number}"

    @property
    def catalog_uri(self) -> str:
        """The Iceberg REST catalog base URI (`.../api/catalog`)."""
        return f"{self.base_uri}/api/catalog"

    @property
    def token_endpoint(self) -> str:
        """The OAuth2 token endpoint (Iceberg REST `POST /v1/oauth/tokens`)."""
        return f"{self.catalog_uri}/v1/oauth/tokens"

