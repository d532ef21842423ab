"""`flink`: the Flink namespace's session cluster (a FlinkDeployment), SQL Gateway, the Fluss tiering job and team
namespaces; further clusters are `config.flink_deployments`, session jobs and snapshots `config.flink_jobs` (Flink
Kubernetes Operator 1.14 custom resources:
https://nightlies.apache.org/flink/flink-kubernetes-operator-docs-release-1.14/docs/custom-resource/reference/)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar, Literal

from config.common import FlinkMemory, Image, KubernetesName, Resources
from config.declaration import section, setting
from config.flink_deployments import FlinkDeploymentConfig, memory_problems, version_problems
from config.flink_jobs import SessionJobConfig
from config.flink_rules import standby_job_managers_problem
from config.flink_settings import Snapshot
from config.loading import Problem, repeats
from config.pod_options import PodOptionsConfig


@section
class SessionClusterConfig:
    """The session FlinkDeployment. Memory in Flink format (`2048m`), cpu in cores."""

    name: str = setting(
        "flink-session", pattern="^[a-z]([-a-z0-9]{0,43}[a-z0-9])?$", max_length=45,
        error="is not a FlinkDeployment name (lower-case letters, digits and '-', starting with a letter, at most 45 characters: the Flink operator's rule)")
    """FlinkDeployment name (also kubernetes.cluster-id)."""

    job_manager_memory: FlinkMemory = setting("2048m")
    """JobManager process memory."""

    job_manager_cpu: float = setting(0.5, exclusive_minimum=0)
    """JobManager CPU (cores)."""

    job_manager_replicas: int = setting(1, minimum=1)
    """JobManager replicas; more than 1 (standby JobManagers) requires highAvailability."""

    task_manager_memory: FlinkMemory = setting("2048m")
    """TaskManager process memory."""

    task_manager_cpu: float = setting(0.5, exclusive_minimum=0)
    """TaskManager CPU (cores)."""

    task_slots: int = setting(10, minimum=1)
    """taskmanager.numberOfTaskSlots."""

    high_availability: bool = setting(True)
    """Kubernetes HA (high-availability.type: kubernetes, storage under s3://<flink bucket>/ha)."""

    pod_options: PodOptionsConfig = setting({})
    """Pod options of the session cluster's JobManager and TaskManager pods."""

    node_pool: str | None = setting(
        None, pattern="^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", max_length=63,
        error="is not a node pool name (a DNS-1123 subdomain, at most 63 characters: it is also a label value)")
    """A nodePools entry whose nodes the cluster's pods run on (its nodeSelector and toleration are added to them);
    null: any node.
    """

    def problems(self) -> Iterator[Problem]:
        """Standby JobManagers need HA, and memory sizes the operator can read (it rejects both otherwise)."""
        yield from memory_problems(("jobManagerMemory", self.job_manager_memory),
                                   ("taskManagerMemory", self.task_manager_memory))
        if standby := standby_job_managers_problem(self.job_manager_replicas, self.high_availability,
                                                   ha_setting="flink.sessionCluster.highAvailability: true"):
            yield Problem("jobManagerReplicas", standby.message)


@section
class SqlGatewayConfig:
    """Flink SQL Gateway."""

    enabled: bool = setting(True)
    """Render the gateway."""

    name: str = setting(
        "flink-sql-gateway", pattern="^[a-z]([-a-z0-9]*[a-z0-9])?$", max_length=63,
        error="is not usable: it names a Service (lower-case letters, digits and '-', starting with a letter) and may have at most 63 characters")
    """Deployment, Service and ServiceAccount name."""

    port: int = setting(8083, minimum=1, maximum=65535)
    """REST endpoint port."""

    replicas: int = setting(1, minimum=1)
    """Gateway replicas (sessions are per replica: keep 1 unless clients stick to one)."""

    resources: Resources = setting({"requests": {"cpu": "250m", "memory": "1Gi"}, "limits": {"memory": "2Gi"}})
    """Container resources."""


@section
class TeamNamespaceConfig:
    """A further namespace for Flink workloads."""

    SCHEMA: ClassVar[Mapping[str, Any]] = {"description": "A team namespace."}

    name: KubernetesName = setting()
    """Namespace name."""

    create: bool = setting(True)
    """Render the Namespace (restricted Pod Security); false: it exists."""


@section
class TieringJobConfig:
    """The Fluss-to-Iceberg tiering FlinkSessionJob."""

    enabled: bool = setting(True)
    """Render it."""

    name: KubernetesName = setting("fluss-tiering-job")
    """FlinkSessionJob name."""

    jar_path: str = setting(
        "job-artifacts/fluss-flink-tiering-0.9.1-incubating.jar",
        pattern="^([a-z][a-z0-9+.-]*://[^/\\s]*/\\S+|[^/\\s:][^\\s:]*)\\.jar$",
        error="is not a relative path to a .jar inside the Flink bucket, nor a URI (scheme://host/path.jar)")
    """The fluss-flink-tiering JAR: a path inside the Flink bucket, or a URI used as is (as flink.jobs[].jarPath)."""

    parallelism: int = setting(1, minimum=1)
    """Parallelism."""


@section
class FlinkConfig:
    """Flink namespace: image, session cluster, SQL Gateway and jobs."""

    image: Image = setting("flink-fluss-iceberg-s3:1.20.3")
    """Flink 1.20 image with the S3 filesystem plugin, the Fluss connector (fluss-flink-1.20) and the Iceberg Flink
    runtime (iceberg-flink-runtime-1.20, Iceberg 1.10.1).
    """

    flink_version: str = setting("v1_20", enum=["v1_19", "v1_20", "v2_0", "v2_1", "v2_2"])
    """FlinkDeployment flinkVersion. Only versions with a Fluss connector and an Iceberg Flink runtime work with the
    platform's catalogs (upstream/capabilities.py: v1_19, v1_20 with Fluss 0.9.1 and Iceberg 1.10.1); others are
    refused with the reason.
    """

    service_account: KubernetesName = setting("flink")
    """ServiceAccount of JobManager/TaskManager pods."""

    job_rbac: Literal["role", "clusterRole"] = setting("role")
    """RBAC of the job ServiceAccounts: role, a Role and a RoleBinding in each Flink namespace; clusterRole, one
    ClusterRole flink-job with the same rules, bound by a RoleBinding in each Flink namespace (still only there).
    """

    session_cluster: SessionClusterConfig = setting({})
    """The session FlinkDeployment."""

    sql_gateway: SqlGatewayConfig = setting({})
    """Flink SQL Gateway in front of the session cluster."""

    tiering_job: TieringJobConfig = setting({})
    """The Fluss-to-Iceberg tiering FlinkSessionJob."""

    deployments: tuple[FlinkDeploymentConfig, ...] = setting([])
    """Further FlinkDeployments, in the Flink namespace or a team namespace (namespace): application clusters and
    session clusters.
    """

    team_namespaces: tuple[TeamNamespaceConfig, ...] = setting([])
    """Further namespaces for Flink workloads (flink.deployments[].namespace): each gets the job ServiceAccount and
    RBAC, the catalog store and the catalog credential; create: false for a namespace that exists (the platform only
    renders into it).
    """

    jobs: tuple[SessionJobConfig, ...] = setting([])
    """Further FlinkSessionJobs."""

    snapshots: tuple[Snapshot, ...] = setting([])
    """FlinkStateSnapshots of the jobs (a savepoint before a risky change, a registered existing savepoint)."""

    def problems(self) -> Iterator[Problem]:
        """A Flink version the platform's connectors support, FlinkDeployment and FlinkSessionJob names used once,
        session jobs on the operator's session clusters and snapshots of the operator's jobs (not standalone ones)."""
        yield from version_problems(self.flink_version)
        clusters = [("sessionCluster.name", self.session_cluster.name),
                    *((f"deployments[{i}]", d.name) for i, d in enumerate(self.deployments))]
        yield from repeats("deployments", clusters, "duplicate FlinkDeployment name '{name}'")
        named_jobs = [("tieringJob", self.tiering_job.name)] if self.tiering_job.enabled else []
        named_jobs += [(f"jobs[{i}]", job.name) for i, job in enumerate(self.jobs)]
        yield from repeats("jobs", named_jobs, "duplicate FlinkSessionJob name '{name}'")
        jobs = [name for _, name in named_jobs]
        operated = [d for d in self.deployments if d.backend == "operator"]
        standalone = {d.name for d in self.deployments if d.backend == "standalone"}
        sessions = list(dict.fromkeys([self.session_cluster.name, *(d.name for d in operated if d.job is None)]))
        for index, job in enumerate(self.jobs):
            if job.session_cluster in standalone:
                yield Problem(f"jobs[{index}].sessionCluster", f"'{job.session_cluster}' is a standalone cluster: "
                                                               "FlinkSessionJobs are run by the operator (submit to "
                                                               "its REST Service instead)")
            elif job.session_cluster is not None and job.session_cluster not in sessions:
                yield Problem(f"jobs[{index}].sessionCluster", f"'{job.session_cluster}' is not a session cluster "
                                                               f"(expected one of: {', '.join(sessions)})")
        owners = [*(d.name for d in operated if d.job is not None), *jobs]
        for index, snapshot in enumerate(self.snapshots):
            if snapshot.job in standalone:
                yield Problem(f"snapshots[{index}].job", f"'{snapshot.job}' is a standalone cluster: the operator "
                                                         "takes FlinkStateSnapshots of its own jobs only")
            elif snapshot.job not in owners:
                yield Problem(f"snapshots[{index}].job", f"'{snapshot.job}' is not a job (expected an application "
                                                         f"cluster or a session job: {', '.join(owners) or 'none'})")
        yield from repeats("snapshots", ((f"snapshots[{i}]", s.name) for i, s in enumerate(self.snapshots)),
                           "duplicate FlinkStateSnapshot name '{name}'")
        operator_accounts = {self.service_account, *(d.service_account for d in operated if d.service_account)}
        standalone_accounts: list[str] = []
        for index, deployment in enumerate(self.deployments):
            if deployment.backend != "standalone":
                continue
            account = deployment.service_account or deployment.name
            if account in operator_accounts or account in standalone_accounts:
                yield Problem(f"deployments[{index}].serviceAccount",
                              f"'{account}' is used by another cluster: a standalone cluster renders its own "
                              "ServiceAccount (null: the cluster's name)")
            standalone_accounts.append(account)
        teams = [team.name for team in self.team_namespaces]
        yield from repeats("teamNamespaces", ((f"teamNamespaces[{i}]", t) for i, t in enumerate(teams)),
                           "duplicate team namespace '{name}'")
        for index, deployment in enumerate(self.deployments):
            if deployment.namespace is not None and deployment.namespace not in teams:
                yield Problem(f"deployments[{index}].namespace",
                              f"'{deployment.namespace}' is not a team namespace (expected one of: "
                              f"{', '.join(teams) or 'none'}; null: the Flink namespace)")

    def namespace_of(self, cluster: str) -> str | None:
        """The team namespace of the cluster named `cluster` (a `deployments` entry); None: the Flink namespace."""
        return next((d.namespace for d in self.deployments if d.name == cluster), None)

    def session_job_namespace(self, job: SessionJobConfig) -> str | None:
        """The team namespace of session job `job`: its session cluster's; None: the Flink namespace."""
        return self.namespace_of(job.session_cluster) if job.session_cluster else None

    def job_namespace(self, job: str) -> str | None:
        """The team namespace of the job named `job` as a snapshot names it (an application cluster first, as the
        Flink chart resolves it, else a session job); None: the Flink namespace."""
        if any(d.name == job and d.job is not None for d in self.deployments):
            return self.namespace_of(job)
        session_job = next((j for j in self.jobs if j.name == job), None)
        return self.session_job_namespace(session_job) if session_job else None

    def used_team_namespaces(self) -> list[str]:
        """Team namespaces holding at least one deployment, in `teamNamespaces` order."""
        used = {d.namespace for d in self.deployments}
        return [team.name for team in self.team_namespaces if team.name in used]
