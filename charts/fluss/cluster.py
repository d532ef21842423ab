"""Apache Fluss: CoordinatorServer and TabletServer StatefulSets with ZooKeeper (namespace `fluss`).

Re-expresses the upstream chart (fluss 0.9.1-incubating, `helm/fluss`) with the reference's
`configurationOverrides`: `server.yaml` in the `fluss-conf-file` ConfigMap, listeners INTERNAL/CLIENT,
`remote.data.dir` on S3, lakehouse tiering to Iceberg through Polaris' REST catalog with OAuth2.
Options: https://fluss.apache.org/docs/maintenance/configuration/ ;
lakehouse: https://fluss.apache.org/docs/streaming-lakehouse/integrate-data-lakes/iceberg/ .

S3 keys (when used) are appended to `server.yaml` at container start from Secret-backed env vars; with an IAM role
the servers use its web identity (`s3.aws.credentials.provider`). Clients that read remote data get credentials from
the CoordinatorServer (`s3_delegation`). The
Polaris client credential is `datalake.iceberg.credential: env:ICEBERG_CATALOG_CREDENTIAL`, an Iceberg
environment reference resolved by the CoordinatorServer's Iceberg catalog (`manifests.iceberg_env_reference`): the
coordinator copies every `datalake.iceberg.*` setting into the properties of lake-enabled tables that any
Fluss client can read (`MetadataManager.getTable`, Fluss 0.9, which hides only keys containing `password`
or `secret`), so the literal must never be a server setting. Both server kinds read the same `server.yaml`
and receive the env var, although Fluss 0.9 opens the lake catalog only in the CoordinatorServer
(`LakeCatalogDynamicLoader`): every reader of a file with a reference must be able to resolve it
(`manifests.validation.iceberg_env_references`).
Pod security exception: Fluss images run as root (see `pod_security.FLUSS`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import constructs
from cdk8s_plus_27 import k8s

from charts.blocks import container_env as env
from charts.blocks import pod_security
from charts.blocks.component_chart import ComponentChart
from charts.blocks.iceberg_catalog import IcebergRestCatalog
from charts.blocks.metadata import Component, SyncWave, image_tag, object_meta
from charts.blocks.s3 import S3Access
from charts.blocks.workloads import (
    Port,
    config_map,
    config_map_volume,
    empty_dir,
    pod_template,
    pvc_template,
    resources,
    rollout_annotations,
    service,
    service_host,
    stateful_set,
    tcp_probe,
)
from charts.fluss.zookeeper import ZooKeeperEnsemble
from config.common import Resources
from config.zookeeper import ZooKeeper
from upstream import capabilities
from upstream.file_dialects import line_file

CONF_MOUNT = "/opt/conf"
DATA_DIR = "/tmp/fluss/data"


@dataclass(frozen=True)
class CoordinatorServerProps:
    """The CoordinatorServers: `replicas`, `resources` (cpu in cores or millicores, memory as a quantity). They keep
    their metadata in ZooKeeper: their data directory is an emptyDir."""

    replicas: int = 1
    resources: Resources = field(default_factory=lambda: Resources("250m", "1Gi", None, "2Gi"))


@dataclass(frozen=True)
class TabletServerProps:
    """The TabletServers: `replicas`, `resources` (as `CoordinatorServerProps.resources`), `data_storage` the size
    of each server's data volume (a PersistentVolumeClaim from a volume claim template, a quantity such as `10Gi`:
    log and KV data not yet replicated or tiered survives restarts), `storage_class_name` (None: the cluster
    default)."""

    replicas: int = 1
    resources: Resources = field(default_factory=lambda: Resources("500m", "2Gi", None, "4Gi"))
    data_storage: str = "10Gi"
    storage_class_name: str | None = None


@dataclass(frozen=True)
class FlussClusterProps:
    """A Fluss cluster (options: https://fluss.apache.org/docs/maintenance/configuration/).

    Attributes:
        image: Fluss image with the S3 filesystem and the Iceberg lake plugin.
        coordinator, tablet: the two server kinds.
        default_bucket_number: `default.bucket.number`, the buckets of a table created without a number.
        default_replication_factor: `default.replication.factor`, the replicas of each bucket (at most the
            TabletServers).
        remote_data_path: the path inside the Fluss bucket of `remote.data.dir`.
        zookeeper_path_root: `zookeeper.path.root`, the cluster's ZooKeeper node.
        internal_port: the INTERNAL listener's port (between servers).
        client_port: the CLIENT listener's port (what `bootstrap.servers` names).

    Raises:
        ValueError: a replication factor above the TabletServers (Fluss refuses to create a table it cannot
            replicate), or one port for both listeners.
    """

    image: str = "fluss-iceberg-s3:0.9.1"
    coordinator: CoordinatorServerProps = field(default_factory=CoordinatorServerProps)
    tablet: TabletServerProps = field(default_factory=TabletServerProps)
    default_bucket_number: int = 1
    default_replication_factor: int = 1
    remote_data_path: str = "fluss-remote-data"
    zookeeper_path_root: str = "/fluss"
    internal_port: int = 9123
    client_port: int = 9124

    def __post_init__(self) -> None:
        if self.default_replication_factor > self.tablet.replicas:
            raise ValueError(f"Fluss: default_replication_factor {self.default_replication_factor} is more than the "
                             f"{self.tablet.replicas} TabletServers (Fluss cannot create a table it cannot replicate)")
        if self.internal_port == self.client_port:
            raise ValueError(f"Fluss: the INTERNAL and CLIENT listeners both use port {self.client_port}")


@dataclass(frozen=True)
class FlussProps:
    """Fluss in one namespace: the `cluster` and the ZooKeeper ensemble (`zookeeper`) that holds its metadata."""

    cluster: FlussClusterProps
    zookeeper: ZooKeeper = field(default_factory=ZooKeeper)


S3_COMPATIBLE_ROLE_ARN = "arn:aws:iam::000000000000:role/fluss-clients"
"""The `s3.assumed.role.arn` of an S3-compatible store: MinIO's AssumeRole ignores RoleArn (minio
RELEASE.2025-04-22T22-12-26Z, cmd/sts-handlers.go `AssumeRole`, which never reads it) and the temporary credentials
inherit the calling user's policy; the AWS SDK only needs a well-formed ARN."""


def s3_delegation(s3: S3Access) -> dict[str, str]:
    """The `server.yaml` settings with which the CoordinatorServer gets the S3 credentials it hands clients that read
    remote data (tiered log segments, KV snapshots: Flink sources, the tiering job), Fluss 0.9.1
    `S3DelegationTokenProvider` (`upstream.capabilities.FLUSS`):

    - an S3-compatible store: AssumeRole at the store's own endpoint (`s3.assumed.role.sts.endpoint`), since it
      serves no GetSessionToken; the role ARN is a placeholder (`S3_COMPATIBLE_ROLE_ARN`);
    - AWS S3 with an IAM role: AssumeRole of that role (its trust policy must allow the role itself, since the
      servers call it with the role's own web identity); without it the servers would not start;
    - AWS S3 with static keys: nothing (GetSessionToken of the keys' IAM user).
    """
    if s3.endpoint is not None:
        return {capabilities.FLUSS_ROLE_ARN_KEY: S3_COMPATIBLE_ROLE_ARN, capabilities.FLUSS_STS_ENDPOINT_KEY: s3.endpoint}
    if s3.iam_role_arn and not s3.keys:
        return {capabilities.FLUSS_ROLE_ARN_KEY: s3.iam_role_arn}
    return {}


class FlussCluster(constructs.Construct):
    """Fluss CoordinatorServers and TabletServers, their headless Services and `server.yaml`.

    Props: `namespace`; `props`; `zookeeper`, the ensemble whose `connect_string` becomes `zookeeper.address`;
    `s3`, remote storage access (static keys or an IAM role, `upstream.capabilities.FLUSS`);
    `catalog`, the Iceberg REST catalog for tiering. `bootstrap_servers` is what Fluss clients use.
    """

    def __init__(self, scope: constructs.Construct, id: str, *, namespace: str, props: FlussClusterProps,
                 zookeeper: ZooKeeperEnsemble, s3: S3Access, catalog: IcebergRestCatalog):
        super().__init__(scope, id)
        self.namespace = namespace
        self.internal_port = Port("internal", props.internal_port)
        self.client_port = Port("client", props.client_port)
        app = Component("fluss", "fluss", image_tag(props.image), "server")  # what both server kinds share
        self.server_config = config_map(
            self, "ConfigMap", name="fluss-conf-file", namespace=namespace, component=app, wave=SyncWave.CLUSTERS,
            data={"server.yaml": self._server_yaml(props, zookeeper, s3, catalog)})
        self.service_account = k8s.KubeServiceAccount(
            self, "ServiceAccount",
            metadata=object_meta("fluss", namespace, app, SyncWave.CLUSTERS,
                                 extra_annotations=s3.service_account_annotations()),
            automount_service_account_token=False,
        )
        secret_env = [*s3.env(), catalog.credential_env()]
        self.coordinator_service = "coordinator-server-hs"
        self._server(props, app.with_component("coordinator"), name="coordinator-server",
                     container="fluss-coordinator", service_name=self.coordinator_service,
                     replicas=props.coordinator.replicas, start="bin/coordinator-server.sh",
                     res=props.coordinator.resources, secret_env=secret_env, s3=s3, tablet=False)
        self._server(props, app.with_component("tablet"), name="tablet-server",
                     container="fluss-tablet", service_name="tablet-server-hs",
                     replicas=props.tablet.replicas, start="bin/tablet-server.sh",
                     res=props.tablet.resources, secret_env=secret_env, s3=s3, tablet=True)

    @property
    def bootstrap_servers(self) -> str:
        """`coordinator-server-hs.<namespace>.svc.cluster.local:<client port>`, for Fluss clients."""
        return f"{service_host(self.coordinator_service, self.namespace)}:{self.client_port.number}"

    def _server_yaml(self, props: FlussClusterProps, zookeeper: ZooKeeperEnsemble, s3: S3Access,
                     catalog: IcebergRestCatalog) -> str:
        settings: dict[str, str | int] = {
            "data.dir": DATA_DIR,
            "datalake.format": "iceberg",
            "datalake.iceberg.type": "rest",
            "datalake.iceberg.catalog.name": catalog.warehouse,
            "datalake.iceberg.name": catalog.warehouse,
            "default.bucket.number": props.default_bucket_number,
            "default.replication.factor": props.default_replication_factor,
            "internal.listener.name": "INTERNAL",
            "remote.data.dir": s3.uri(s3.buckets.fluss, props.remote_data_path),
            "s3.region": s3.region,
            "zookeeper.address": zookeeper.connect_string,
            "zookeeper.path.root": props.zookeeper_path_root,
        }
        settings.update({f"datalake.iceberg.{k}": v for k, v in catalog.properties().items()})
        # Fluss' S3 plugin mirrors `s3.*` to `fs.s3a.*` (S3FileSystemPlugin).
        settings.update({f"s3.{key}": value for key, value in
                         s3.s3a(capabilities.FLUSS.web_identity_provider).items()})
        settings.update(s3_delegation(s3))
        return line_file(settings)

    def _server(self, props: FlussClusterProps, component: Component, *, name: str, container: str,
                service_name: str, replicas: int, start: str, res: Resources, secret_env: list[env.Env],
                s3: S3Access, tablet: bool) -> None:
        ports = [self.internal_port, self.client_port]
        service(self, f"{name}-hs", name=service_name, namespace=self.namespace, component=component,
                ports=ports, wave=SyncWave.CLUSTERS, headless=True)
        appended = []
        if tablet:
            appended.append('echo "tablet-server.id: ${POD_NAME##*-}"')
        appended += [
            f'echo "bind.listeners: INTERNAL://${{POD_IP}}:{self.internal_port.number}, '
            f'CLIENT://${{POD_IP}}:{self.client_port.number}"',
            f'echo "advertised.listeners: CLIENT://${{POD_NAME}}.{service_name}.${{POD_NAMESPACE}}'
            f'.svc.cluster.local:{self.client_port.number}"',
        ]
        if s3.keys:
            appended += ["printf 's3.access-key: %s\\n' \"$AWS_ACCESS_KEY_ID\"",
                         "printf 's3.secret-key: %s\\n' \"$AWS_SECRET_ACCESS_KEY\""]
        script = (
            "set -eu\n"
            'conf="$FLUSS_HOME/conf/server.yaml"\n'
            f'cp {CONF_MOUNT}/server.yaml "$conf"\n'
            "{\n  echo \"\"\n" + "".join(f"  {line}\n" for line in appended) + '} >> "$conf"\n'
            f"exec {start} start-foreground\n"
        )
        downward = [env.Env("POD_NAME", field_path="metadata.name"), env.Env("POD_IP", field_path="status.podIP"),
                    env.Env("POD_NAMESPACE", field_path="metadata.namespace")]
        if not tablet:
            downward.append(env.Env("NODE_IP", field_path="status.hostIP"))
        probe = tcp_probe(self.client_port, initial_delay=10, period=3, failure_threshold=100, timeout=1)
        run_as = pod_security.FLUSS
        server = k8s.Container(
            name=container,
            image=props.image,
            image_pull_policy="IfNotPresent",
            command=["/bin/sh", "-c", script],
            env=env.core([*downward, *secret_env]),
            ports=[p.container_port() for p in ports],
            liveness_probe=probe,
            readiness_probe=probe,
            resources=resources(res.to_k8s()),
            security_context=pod_security.container_security_context(run_as),
            volume_mounts=[k8s.VolumeMount(name="fluss-conf", mount_path=CONF_MOUNT),
                           k8s.VolumeMount(name="data", mount_path=DATA_DIR)],
        )
        volumes = [config_map_volume("fluss-conf", self.server_config.name)]
        # TabletServers hold log and KV data that is not yet replicated or tiered: it must survive a restart of
        # every replica at once. The CoordinatorServer keeps its metadata in ZooKeeper.
        claims = None
        if tablet:
            claims = [pvc_template("data", props.tablet.data_storage, props.tablet.storage_class_name)]
        else:
            volumes.append(empty_dir("data"))
        stateful_set(
            self, name, name=name, namespace=self.namespace, component=component, wave=SyncWave.CLUSTERS,
            service_name=service_name, replicas=replicas,
            template=pod_template(component, run_as, [server], service_account=self.service_account,
                                  volumes=volumes, annotations=rollout_annotations(self.server_config)),
            claims=claims,
        )


class FlussChart(ComponentChart):
    """Namespace `fluss`: the `ZooKeeperEnsemble` and the `FlussCluster` wired to it.

    Props: `namespace`; `props`; `s3` and `catalog`, as `FlussCluster`'s.
    """

    def __init__(self, scope: constructs.Construct, id: str, *, namespace: str, props: FlussProps, s3: S3Access,
                 catalog: IcebergRestCatalog):
        super().__init__(scope, id, namespace=namespace)
        self.zookeeper = ZooKeeperEnsemble(self, "ZooKeeper", namespace=namespace, props=props.zookeeper)
        self.fluss = FlussCluster(self, "Fluss", namespace=namespace, props=props.cluster, zookeeper=self.zookeeper,
                                  s3=s3, catalog=catalog)
