"""`flink`: the Flink namespace's session cluster (a FlinkDeployment), SQL Gateway, the Fluss tiering job and
further FlinkSessionJobs (Flink Kubernetes Operator 1.14 custom resources:
https://nightlies.apache.org/flink/flink-kubernetes-operator-docs-release-1.14/docs/custom-resource/reference/)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from config import capabilities
from config.common import JOB_ARGUMENT_PLACEHOLDERS, Resources, unknown_placeholders
from config.loading import Problem, duplicates


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

    def problems(self) -> Iterator[Problem]:
        """Standby JobManagers need HA: the Flink operator rejects them otherwise."""
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
class SessionJobConfig:
    """A FlinkSessionJob; `jar_path` is relative to the Flink bucket."""

    name: str
    """FlinkSessionJob name."""

    jar_path: str
    """The job JAR: a path inside the Flink artifacts bucket (e.g. job-artifacts/my-job.jar; the jarURI becomes
    s3://<flink bucket>/<jarPath>), or a URI with a scheme the operator can fetch (s3://other-bucket/a.jar,
    https://...), used as is.
    """

    entry_class: str | None
    """Main class, when the JAR manifest does not name one. Default: `null`."""

    parallelism: int
    """Job parallelism. Default: `1`."""

    upgrade_mode: Literal["stateless", "savepoint", "last-state"]
    """How the operator upgrades the job: stateless, savepoint or last-state. Default: `"savepoint"`."""

    args: tuple[str, ...]
    """Program arguments. `${fluss.bootstrapServers}`, `${polaris.catalogUri}` and `${polaris.tokenEndpoint}` are
    replaced by the addresses of the platform's own services. Default: `[]`.
    """

    def problems(self) -> Iterator[Problem]:
        """Every `${...}` in the arguments names one of the platform's addresses."""
        expected = ", ".join(f"${{{name}}}" for name in sorted(JOB_ARGUMENT_PLACEHOLDERS))
        for index, arg in enumerate(self.args):
            for name in unknown_placeholders(arg):
                yield Problem(f"args[{index}]", f"unknown placeholder '${{{name}}}' (expected one of: {expected})")


@dataclass(frozen=True)
class TieringJobConfig:
    """The Fluss-to-Iceberg tiering FlinkSessionJob."""

    enabled: bool
    """Render it. Default: `true`."""

    name: str
    """FlinkSessionJob name. Default: `"fluss-tiering-job"`."""

    jar_path: str
    """The fluss-flink-tiering JAR: a path inside the Flink bucket, or a URI used as is (as flink.jobs[].jarPath).
    Default: `"job-artifacts/fluss-flink-tiering-0.9.0-incubating.jar"`.
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
    platform's catalogs (config/capabilities.py: v1_19, v1_20 with Fluss 0.9.0 and Iceberg 1.10.1); others are
    refused with the reason. Default: `"v1_20"`.
    """

    service_account: str
    """ServiceAccount of JobManager/TaskManager pods. Default: `"flink"`."""

    session_cluster: SessionClusterConfig
    """The session FlinkDeployment."""

    sql_gateway: SqlGatewayConfig
    """Flink SQL Gateway in front of the session cluster."""

    tiering_job: TieringJobConfig
    """The Fluss-to-Iceberg tiering FlinkSessionJob."""

    jobs: tuple[SessionJobConfig, ...]
    """Further FlinkSessionJobs. Default: `[]`."""

    def problems(self) -> Iterator[Problem]:
        """A Flink version the platform's connectors support, and FlinkSessionJob names used once."""
        version_problem = capabilities.flink_version_problem(self.flink_version)
        if version_problem:
            yield Problem("flinkVersion", f"'{self.flink_version}': {version_problem}")
        jobs = [self.tiering_job.name] if self.tiering_job.enabled else []
        jobs += [job.name for job in self.jobs]
        yield from (Problem("jobs", f"duplicate FlinkSessionJob name '{n}'") for n in duplicates(jobs))
