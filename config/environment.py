"""One environment (`environments/<env>.yaml`): every section, and the rules that span sections."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from typing import Any, ClassVar

from config.common import KubernetesName
from config.declaration import section, setting
from config.flink import FlinkConfig
from config.fluss import FlussConfig
from config.logs import LogsConfig
from config.metrics import MetricsConfig
from config.node_pools import NodePoolConfig
from config.object_store import ObjectStoreConfig
from config.operators import FlinkOperatorConfig, SparkOperatorConfig
from config.platform import ArgoCdConfig, CertManagerConfig, CrdsConfig, ExternalSecretsConfig, Namespaces
from config.polaris import PolarisConfig, PostgresConfig
from config.spark import SparkConfig
from config.zookeeper import ZooKeeper


@section
class EnvironmentConfig:
    """One environment, fully defaulted and validated. `source` is the file it was read from."""

    GROUPS: ClassVar[Mapping[str, Mapping[str, Any]]] = {
        "secrets": {"description": "Where Secrets come from.", "default": {}},
    }
    SCHEMA: ClassVar[Mapping[str, Any]] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "https://lakehouse.example/config.schema.json",
        "title": "Lakehouse platform environment",
        "description": "One environment of the streaming lakehouse platform (environments/<name>.yaml).",
        "type": "object",
        "properties": {"$schema": {"type": "string", "description": "Path or URL of this schema, for editors."}},
    }

    name: KubernetesName = setting(key="environment")
    """Environment name; must equal the file name without .yaml. Output goes to dist/<environment>/."""

    description: str = setting("")
    """Free text shown in README and the namespaces' annotations."""

    source: str = field(metadata={"key": None})
    """The environment file this configuration was read from, as shown in error messages."""

    namespaces: Namespaces = setting({})
    """Namespace names (defaults: the reference deployment's)."""

    generate_dev_secrets: bool = setting(False, key="secrets.generateDevSecrets")
    """Render dev-only Secrets with well-known values (local only, labelled lakehouse.dev/dev-only). When false every
    Secret must already exist and is only referenced.
    """

    external_secrets: ExternalSecretsConfig | None = setting(None, key="secrets.externalSecrets")
    """Render External Secrets Operator ExternalSecrets (external-secrets.io/v1) for every Secret the environment
    needs, from this store, instead of expecting them to exist. null: the Secrets exist before apply.
    """

    argo_cd: ArgoCdConfig | None = setting(None, key="argoCd")
    """Argo CD delivery (app of apps): a root Application (bootstrapped once with kubectl), one Application per chart
    file of dist/<environment>/ in a least-privilege AppProject, and the health checks that make its sync waves wait
    for Flink and Spark resources. null: no Argo CD object (kubectl or another tool applies dist/); crds.manage and
    certManager.mode include then need it.
    """

    crds: CrdsConfig = setting({})
    """CustomResourceDefinitions: delivered from their pinned upstream sources, never copied into dist/."""

    cert_manager: CertManagerConfig = setting({})
    """cert-manager 1.18, which issues the Flink operator's webhook certificate."""

    flink_operator: FlinkOperatorConfig = setting({})
    """Apache Flink Kubernetes Operator 1.14.0 (options mirror the upstream chart's values)."""

    spark_operator: SparkOperatorConfig = setting({})
    """Kubeflow Spark operator 2.5.2 (options mirror the upstream chart's values)."""

    object_store: ObjectStoreConfig = setting()
    """S3 object storage for Iceberg data, Flink checkpoints/savepoints/JARs and Fluss remote data."""

    postgres: PostgresConfig = setting({})
    """PostgreSQL for Polaris' relational-JDBC persistence."""

    polaris: PolarisConfig = setting({})
    """Apache Polaris, the Iceberg REST catalog (https://polaris.apache.org/releases/1.3.0/configuration/)."""

    zookeeper: ZooKeeper = setting({})
    """ZooKeeper for Fluss' coordination (https://zookeeper.apache.org/doc/r3.8.4/zookeeperAdmin.html)."""

    fluss: FlussConfig = setting({})
    """Apache Fluss (https://fluss.apache.org/docs/maintenance/configuration/)."""

    flink: FlinkConfig = setting({})
    """Flink (namespace flink): session cluster, SQL Gateway, session jobs."""

    spark: SparkConfig = setting({})
    """Spark applications (namespace spark), run by the Spark operator."""

    metrics: MetricsConfig = setting({})
    """Metrics of the platform's pods: Flink's Prometheus reporter, scrape annotations, Datadog autodiscovery."""

    node_pools: tuple[NodePoolConfig, ...] = setting([])
    """Karpenter NodePools (karpenter.sh/v1; Karpenter is installed outside the platform) whose nodes are labelled and
    tainted lakehouse.dev/node-pool=<name>, so that only the Flink clusters naming the pool (nodePool) run there:
    one cluster's own pool, or one shared by several.
    """

    logs: LogsConfig | None = setting(None)
    """Log shipping with Fluent Bit: a DaemonSet that tails the container logs of the platform's namespaces on every
    node, or a sidecar in each FlinkDeployment pod that tails the Flink process's log files, shipping them to
    CloudWatch Logs (cloud environments) or to its own stdout (local). null: no log shipper (the cluster's own, if
    any, collects stdout).
    """
