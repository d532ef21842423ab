"""FlinkSessionJobs: JAR jobs submitted to the session cluster by the operator.

FlinkSessionJob reference (operator 1.14): https://nightlies.apache.org/flink/flink-kubernetes-operator-docs-release-1.14/docs/custom-resource/reference/#flinksessionjobspec
The `deploymentName` is taken from the `FlinkSessionCluster` object, so a job cannot point at a cluster
that the platform does not render.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import constructs

from charts.blocks.crd_enums import member
from charts.blocks.metadata import Component, SyncWave, api_object_meta
from charts.flink.session_cluster import FlinkSessionCluster
from imports.flink.org.apache.flink import (
    FlinkSessionJob,
    FlinkSessionJobSpec,
    FlinkSessionJobSpecJob,
    FlinkSessionJobSpecJobUpgradeMode,
)


@dataclass(frozen=True)
class SessionJobProps:
    """A session job: `name`, `jar_uri` (s3://...), `parallelism`, `upgrade_mode` (stateless, savepoint or last-state),
    `args` (already resolved), `entry_class` (optional)."""

    name: str
    jar_uri: str
    parallelism: int = 1
    upgrade_mode: Literal["stateless", "savepoint", "last-state"] = "savepoint"
    args: tuple[str, ...] = ()
    entry_class: str | None = None


class FlinkSessionJobConstruct(constructs.Construct):
    """One FlinkSessionJob on `session_cluster`, in the jobs sync wave."""

    def __init__(self, scope: constructs.Construct, id: str, *, session_cluster: FlinkSessionCluster,
                 props: SessionJobProps, version: str):
        super().__init__(scope, id)
        component = Component("flink-job", props.name, version, "session-job")
        FlinkSessionJob(
            self, "Resource",
            metadata=api_object_meta(props.name, session_cluster.namespace, component, SyncWave.JOBS),
            spec=FlinkSessionJobSpec(
                deployment_name=session_cluster.name,
                job=FlinkSessionJobSpecJob(
                    jar_uri=props.jar_uri,
                    entry_class=props.entry_class,
                    parallelism=props.parallelism,
                    upgrade_mode=member(FlinkSessionJobSpecJobUpgradeMode, props.upgrade_mode),
                    args=list(props.args) or None,
                ),
            ),
        )
