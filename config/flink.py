"""`flink`: the Flink namespace's session cluster (a FlinkDeployment), SQL Gateway, the Fluss tiering job and team
namespaces; further clusters are `config.flink_deployments`, session jobs and snapshots `config.flink_jobs` (Flink
Kubernetes Operator 1.14 custom resources:
https://nightlies.apache.org/flink/flink-kubernetes-operator-docs-release-1.14/docs/custom-resource/reference/)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from config.common import Resources
from config.flink_deployments import FlinkDeploymentConfig, memory_problems, version_problems
from config.flink_jobs import SessionJobConfig, StateSnapshotConfig
from config.loading import Problem, repeats
from config.pod_options import PodOptionsConfig


@dataclass(frozen=True)
class SessionClusterConfig:
    """The session FlinkDeployment. Memory in Flink format (`2048m`), cpu in cores."""

    name: str
    """FlinkDeployment name (also kubernetes.cluster-id). Default: `"flink-session"`."""

    job_manager_memory: str
    """JobManager process memory. Default: `"2048m"`."""

    job_manager_cpu: float
    """JobManager CPU (cores). Default: `0.5`."""

    job_manager_replicas: int
    """JobManager replicas; more than 1 (standby JobManagers) requires highAvailability. Default: `1`."""

    task_manager_memory: str
    """TaskManager process memory. Default: `"2048m"`."""

    task_manager_cpu: float
    """TaskManager CPU (cores). Default: `0.5`."""

    task_slots: int
    """taskmanager.numberOfTaskSlots. Default: `10`."""

    high_availability: bool
    """Kubernetes HA (high-availability.type: kubernetes, storage under s3://<flink bucket>/ha). Default: `true`."""

    pod_options: PodOptionsConfig
    """Pod options of the session cluster's JobManager and TaskManager pods."""

    node_pool: str | None
    """A nodePools entry whose nodes the cluster's pods run on (its nodeSelector and toleration are added to them);
    null: any node. Default: `null`.
    """

    def problems(self) -> Iterator[Problem]:
        """Standby JobManagers need HA, and memory sizes the operator can read (it rejects both otherwise)."""
        yield from memory_problems(("jobManagerMemory", self.job_manager_memory),
                                   ("taskManagerMemory", self.task_manager_memory))
        if self.job_manager_replicas > 1 and not self.high_availability:
            yield Problem("jobManagerReplicas", f"{self.job_manager_replicas} JobManagers need "
                                                "flink.sessionCluster.highAvailability: true (the Flink operator "
                                                "rejects standby JobManagers without HA)")


@dataclass(frozen=True)
class SqlGatewayConfig:
    """Flink SQL Gateway."""

    enabled: bool
    """Render the gateway. Default: `true`."""

    name: str
    """Deployment, Service and ServiceAccount name. Default: `"flink-sql-gateway"`."""

    port: int
    """REST endpoint port. Default: `8083`."""

    replicas: int
    """Gateway replicas (sessions are per replica: keep 1 unless clients stick to one). Default: `1`."""

    resources: Resources
    """Container resources. Default: `{"requests": {"cpu": "250m", "memory": "1Gi"}, "limits": {"memory": "2Gi"}}`."""


@dataclass(frozen=True)
class TeamNamespaceConfig:
    """A further namespace for Flink workloads."""

    name: str
    """Namespace name."""

    create: bool
    """Render the Namespace (restricted Pod Security); false: it exists. Default: `true`."""


@dataclass(frozen=True)
class TieringJobConfig:
    """The Fluss-to-Iceberg tiering FlinkSessionJob."""

    enabled: bool
    """Render it. Default: `true`."""

    name: str
    """FlinkSessionJob name. Default: `"fluss-tiering-job"`."""

    jar_path: str
    """The fluss-flink-tiering JAR: a path inside the Flink bucket, or a URI used as is (as flink.jobs[].jarPath).
    Default: `"job-artifacts/fluss-flink-tiering-0.9.1-incubating.jar"`.
    """

    parallelism: int
    """Parallelism. Default: `1`."""


@dataclass(frozen=True)
class FlinkConfig:
    """Flink namespace: image, session cluster, SQL Gateway and jobs."""

    image: str
    """Flink 1.20 image with the S3 filesystem plugin, the Fluss connector (fluss-flink-1.20) and the Iceberg Flink
    runtime (iceberg-flink-runtime-1.20, Iceberg 1.10.1). Default: `"flink-fluss-iceberg-s3:1.20.3"`.
    """

    flink_version: str
    """FlinkDeployment flinkVersion. Only versions with a Fluss connector and an Iceberg Flink runtime work with the
    platform's catalogs (config/capabilities.py: v1_19, v1_20 with Fluss 0.9.1 and Iceberg 1.10.1); others are
    refused with the reason. Default: `"v1_20"`.
    """

    service_account: str
    """ServiceAccount of JobManager/TaskManager pods. Default: `"flink"`."""

    job_rbac: Literal["role", "clusterRole"]
    """RBAC of the job ServiceAccounts: role, a Role and a RoleBinding in each Flink namespace; clusterRole, one
    ClusterRole flink-job with the same rules, bound by a RoleBinding in each Flink namespace (still only there).
    Default: `"role"`.
    """

    session_cluster: SessionClusterConfig
    """The session FlinkDeployment."""

    sql_gateway: SqlGatewayConfig
    """Flink SQL Gateway in front of the session cluster."""

    tiering_job: TieringJobConfig
    """The Fluss-to-Iceberg tiering FlinkSessionJob."""

    deployments: tuple[FlinkDeploymentConfig, ...]
    """Further FlinkDeployments, in the Flink namespace or a team namespace (namespace): application clusters and
    session clusters. Default: `[]`.
    """

    team_namespaces: tuple[TeamNamespaceConfig, ...]
    """Further namespaces for Flink workloads (flink.deployments[].namespace): each gets the job ServiceAccount and
    RBAC, the catalog store and the catalog credential; create: false for a namespace that exists (the platform only
    renders into it). Default: `[]`.
    """

    jobs: tuple[SessionJobConfig, ...]
    """Further FlinkSessionJobs. Default: `[]`."""

    snapshots: tuple[StateSnapshotConfig, ...]
    """FlinkStateSnapshots of the jobs (a savepoint before a risky change, a registered existing savepoint). Default:
    `[]`.
    """

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
