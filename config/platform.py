"""Platform-wide sections: namespaces, how CRDs and cert-manager reach the cluster, and the Secret source."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Namespaces:
    """Namespace names (defaults: the reference deployment's)."""

    polaris: str
    """Polaris and its PostgreSQL. Default: `"polaris"`."""

    fluss: str
    """Fluss and ZooKeeper. Default: `"fluss"`."""

    flink: str
    """Flink session cluster, SQL Gateway, jobs. Default: `"flink"`."""

    spark: str
    """Spark applications. Default: `"spark"`."""

    flink_operator: str
    """Flink Kubernetes Operator (technical). Default: `"technical-flink-operator"`."""

    spark_operator: str
    """Spark operator (technical). Default: `"technical-spark-operator"`."""

    object_store: str
    """In-cluster object store (only with objectStore.type in-cluster). Default: `"object-store"`."""


@dataclass(frozen=True)
class ArgoCdConfig:
    """Argo CD delivery (app of apps): where the rendered environment is in Git, Argo CD's namespace, the platform's
    AppProject and whether the health checks are rendered."""

    repo_url: str
    """Git repository that holds this project's dist/ (the Applications' source repoURL, and the only source
    repository of the AppProject)."""

    target_revision: str
    """Branch, tag or commit the Applications track. Default: `"main"`."""

    path: str | None
    """Path of the rendered environment in the repository. null: dist/<environment>. Default: `null`."""

    namespace: str
    """Namespace of Argo CD (where Applications, the AppProject and argocd-cm live). Default: `"argocd"`."""

    project: str | None
    """Name of the platform's AppProject (rendered: source repository, destinations and resource kinds limited to
    what dist/<environment>/ holds). null: lakehouse-<environment>. Default: `null`."""

    health_checks: bool
    """Render the Lua health checks (FlinkDeployment, FlinkSessionJob, FlinkStateSnapshot, SparkApplication,
    ScheduledSparkApplication, Application) as a partial argocd-cm ConfigMap that the root Application applies
    server-side; false when Argo CD's own configuration is managed elsewhere (copy the keys from README). Default:
    `true`."""


@dataclass(frozen=True)
class CrdsConfig:
    """How CRDs reach the cluster: Argo CD Applications (`manage`) in `project`."""

    manage: bool
    """Render Argo CD Applications (first sync wave) that install the pinned CRDs with server-side apply; false when
    CRDs are managed elsewhere. Default: `true`.
    """

    project: str
    """Argo CD project of the prerequisite Applications (CRDs, cert-manager) and of the root Application: they install
    cluster-wide objects from upstream sources, so they stay out of the platform's least-privilege project
    (argoCd.project). Default: `"default"`.
    """


@dataclass(frozen=True)
class CertManagerConfig:
    """cert-manager: `include` (pinned release via Argo CD), `assume-present` or `none`."""

    mode: Literal["include", "assume-present", "none"]
    """include: an Argo CD Application installs the pinned cert-manager release in its own namespace before the
    operators; assume-present: the cluster has it; none: no cert-manager (the Flink operator webhook must then be
    disabled). Default: `"include"`.
    """

    version: str
    """Pinned cert-manager release. Default: `"v1.18.2"`."""

    namespace: str
    """Namespace for an included cert-manager. Default: `"cert-manager"`."""


@dataclass(frozen=True)
class ExternalSecretsConfig:
    """External Secrets Operator source: store reference, remote key prefix, refresh interval."""

    store_kind: str
    """Kind of the store reference. Default: `"ClusterSecretStore"`."""

    store_name: str
    """Name of the (Cluster)SecretStore."""

    key_prefix: str
    """Remote key of Secret <namespace>/<name> is <keyPrefix>/<namespace>/<name>; each Secret key is a property of it.
    Default: `"lakehouse"`.
    """

    refresh_interval: str
    """How often the operator refreshes the Secret. Default: `"1h"`."""
