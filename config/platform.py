"""Platform-wide sections: namespaces, how CRDs and cert-manager reach the cluster, and the Secret source."""

from __future__ import annotations

from typing import Literal

from config.common import KubernetesName
from config.declaration import section, setting


@section
class Namespaces:
    """Namespace names (defaults: the reference deployment's)."""

    polaris: KubernetesName = setting("polaris")
    """Polaris and its PostgreSQL."""

    fluss: KubernetesName = setting("fluss")
    """Fluss and ZooKeeper."""

    flink: KubernetesName = setting("flink")
    """Flink session cluster, SQL Gateway, jobs."""

    spark: KubernetesName = setting("spark")
    """Spark applications."""

    flink_operator: KubernetesName = setting("technical-flink-operator")
    """Flink Kubernetes Operator (technical)."""

    spark_operator: KubernetesName = setting("technical-spark-operator")
    """Spark operator (technical)."""

    object_store: KubernetesName = setting("object-store")
    """In-cluster object store (only with objectStore.type in-cluster)."""


@section
class ArgoCdConfig:
    """Argo CD delivery (app of apps): where the rendered environment is in Git, Argo CD's namespace, the platform's
    AppProject and whether the health checks are rendered."""

    repo_url: str = setting(
        pattern="^(https://|ssh://|git@)\\S+$", error="is not a Git repository URL (https://, ssh:// or git@)")
    """Git repository that holds this project's dist/ (the Applications' source repoURL, and the only source repository
    of the AppProject).
    """

    target_revision: str = setting("main", min_length=1)
    """Branch, tag or commit the Applications track."""

    path: str | None = setting(None, pattern="^[^/].*[^/]$", error="is not a relative path without a trailing slash")
    """Path of the rendered environment in the repository. null: dist/<environment>."""

    namespace: KubernetesName = setting("argocd")
    """Namespace of Argo CD (where Applications, the AppProject and argocd-cm live)."""

    project: KubernetesName | None = setting(None)
    """Name of the platform's AppProject (rendered: source repository, destinations and resource kinds limited to what
    dist/<environment>/ holds). null: lakehouse-<environment>.
    """

    health_checks: bool = setting(True)
    """Render the Lua health checks (FlinkDeployment, FlinkSessionJob, FlinkStateSnapshot, SparkApplication,
    ScheduledSparkApplication, Application) as a partial argocd-cm ConfigMap that the root Application applies
    server-side; false when Argo CD's own configuration is managed elsewhere (copy the keys from README).
    """


@section
class CrdsConfig:
    """How CRDs reach the cluster: Argo CD Applications (`manage`) in `project`."""

    manage: bool = setting(True)
    """Render Argo CD Applications (first sync wave) that install the pinned CRDs with server-side apply; false when
    CRDs are managed elsewhere.
    """

    project: KubernetesName = setting("default")
    """Argo CD project of the prerequisite Applications (CRDs, cert-manager) and of the root Application: they install
    cluster-wide objects from upstream sources, so they stay out of the platform's least-privilege project
    (argoCd.project).
    """


@section
class CertManagerConfig:
    """cert-manager: `include` (pinned release via Argo CD), `assume-present` or `none`."""

    mode: Literal["include", "assume-present", "none"] = setting("include")
    """include: an Argo CD Application installs the pinned cert-manager release in its own namespace before the
    operators; assume-present: the cluster has it; none: no cert-manager (the Flink operator webhook must then be
    disabled).
    """

    version: str = setting(
        "v1.18.2", pattern="^v1\\.18\\.[0-9]+$", error="is not a cert-manager 1.18 version (e.g. v1.18.2)")
    """Pinned cert-manager release."""

    namespace: KubernetesName = setting("cert-manager")
    """Namespace for an included cert-manager."""


@section
class ExternalSecretsConfig:
    """External Secrets Operator source: store reference, remote key prefix, refresh interval."""

    store_kind: str = setting("ClusterSecretStore", enum=["ClusterSecretStore", "SecretStore"])
    """Kind of the store reference."""

    store_name: str = setting(pattern="^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", error="is not a Kubernetes name")
    """Name of the (Cluster)SecretStore."""

    key_prefix: str = setting("lakehouse")
    """Remote key of Secret <namespace>/<name> is <keyPrefix>/<namespace>/<name>; each Secret key is a property of it.
    """

    refresh_interval: str = setting("1h", pattern="^[0-9]+(s|m|h)$", error="is not a duration (e.g. 1h, 15m)")
    """How often the operator refreshes the Secret."""
