"""FlinkSessionJobs: JAR jobs submitted to the session cluster by the operator.

FlinkSessionJob reference (operator 1.14): https://nightlies.apache.org/flink/flink-kubernetes-operator-docs-release-1.14/docs/custom-resource/reference/#flinksessionjobspec
The `deploymentName` is taken from the `FlinkCluster` object, so a job cannot point at a cluster
that the platform does not render.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import constructs

from charts.blocks.metadata import Component, ObjectMetadata, SyncWave, api_object_meta
from charts.flink.cluster import FlinkCluster
from charts.flink.job import job_spec
from config.declaration import checked
from config.flink_settings import Autoscaler, JobSpec
from imports.flink.org.apache.flink import FlinkSessionJob, FlinkSessionJobSpec, FlinkSessionJobSpecJob


@dataclass(frozen=True, kw_only=True)
class SessionJobProps(JobSpec):
    """A FlinkSessionJob: `name`, the job (a `JobSpec`: `jar_path` a URI, arguments already resolved), in `FlinkProps` the name of the
    session cluster it runs on (`session_cluster`; None: the platform's), and its `autoscaler` (written into its
    `flinkConfiguration`, which the operator reads over its cluster's), and its own labels and annotations
    (`metadata`, under the platform's).

    Raises:
        ValueError: a job spec or autoscaler settings the configuration would refuse (`config.declaration.checked`:
            a parallelism below 1, a savepoint redeploy without `initial_savepoint_path`, the autoscaler's ranges).
    """

    name: str
    session_cluster: str | None = None
    autoscaler: Autoscaler = field(default_factory=Autoscaler)
    metadata: ObjectMetadata = field(default_factory=ObjectMetadata)

    def __post_init__(self) -> None:
        checked(f"FlinkSessionJob {self.name}", self)
        checked(f"FlinkSessionJob {self.name}: autoscaler", self.autoscaler)


class SessionJob(FlinkSessionJob):  # type: ignore[misc]  # bindings are not type-checked (pyproject)
    """One FlinkSessionJob on `session_cluster`, in the jobs sync wave: the generated API object itself (one
    construct per job, so a thousand jobs cost a thousand round trips to the jsii runtime, not two thousand).
    `name` and `job_namespace` are what a FlinkStateSnapshot refers to.

    Raises:
        ValueError: `session_cluster` runs in application mode (the operator submits session jobs to session
            clusters only).
    """

    def __init__(self, scope: constructs.Construct, id: str, *, session_cluster: FlinkCluster,
                 props: SessionJobProps, version: str):
        if not session_cluster.session_mode:
            raise ValueError(f"FlinkSessionJob {props.name}: {session_cluster.name} is an application cluster")
        component = Component("flink-job", props.name, version, "session-job")
        super().__init__(
            scope, id,
            metadata=api_object_meta(props.name, session_cluster.namespace, component, SyncWave.JOBS,
                                     own=props.metadata),
            spec=FlinkSessionJobSpec(deployment_name=session_cluster.name,
                                     job=job_spec(props, FlinkSessionJobSpecJob),
                                     flink_configuration=props.autoscaler.flink_conf() or None),
        )
        self.job_namespace = session_cluster.namespace
