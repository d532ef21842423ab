"""FlinkStateSnapshots: a savepoint or checkpoint of a job, as a custom resource the operator acts on (operator 1.14,
https://nightlies.apache.org/flink/flink-kubernetes-operator-docs-release-1.14/docs/custom-resource/snapshots/).

Creating one triggers the snapshot (or, with `already_exists`, registers an existing savepoint at `path`); the
operator records its location in the resource's status, and with `dispose_on_delete` deletes the savepoint files
when the resource is deleted. The job is referenced by object: an application `FlinkCluster` or a
`SessionJob` of the same namespace.
"""

from __future__ import annotations

import constructs

from charts.blocks.crd_enums import member
from charts.blocks.metadata import Component, SyncWave, api_object_meta
from charts.flink.cluster import FlinkCluster
from charts.flink.session_job import SessionJob
from config.declaration import checked
from config.flink_settings import Snapshot
from imports.flink.org.apache.flink import (
    FlinkStateSnapshot,
    FlinkStateSnapshotSpec,
    FlinkStateSnapshotSpecJobReference,
    FlinkStateSnapshotSpecJobReferenceKind,
    FlinkStateSnapshotSpecSavepoint,
    FlinkStateSnapshotSpecSavepointFormatType,
)


class StateSnapshot(constructs.Construct):
    """One FlinkStateSnapshot of `job`, after the jobs in sync order, protected from pruning (with
    `dispose_on_delete` a deletion would delete the savepoint).

    Raises:
        ValueError: `job` is a session cluster (it has no job of its own); `props` the configuration would refuse
            (`config.declaration.checked`: savepoint settings on a checkpoint, `already_exists` without `path`).
    """

    def __init__(self, scope: constructs.Construct, id: str, *, props: Snapshot,
                 job: FlinkCluster | SessionJob, version: str):
        checked(f"FlinkStateSnapshot {props.name}", props)
        super().__init__(scope, id)
        if isinstance(job, FlinkCluster) and job.session_mode:
            raise ValueError(f"FlinkStateSnapshot {props.name}: {job.name} is a session cluster, not a job")
        kind = "FlinkDeployment" if isinstance(job, FlinkCluster) else "FlinkSessionJob"
        savepoint = FlinkStateSnapshotSpecSavepoint(
            path=props.path, already_exists=props.already_exists or None, dispose_on_delete=props.dispose_on_delete,
            format_type=member(FlinkStateSnapshotSpecSavepointFormatType, props.format_type) if props.format_type
            else None) if props.kind == "savepoint" else None
        FlinkStateSnapshot(
            self, "Resource",
            metadata=api_object_meta(props.name, job.namespace if isinstance(job, FlinkCluster) else job.job_namespace,
                                     Component("flink-snapshot", props.name, version,
                                                                          props.kind), SyncWave.JOBS,
                                     keep_on_prune=True),
            spec=FlinkStateSnapshotSpec(
                job_reference=FlinkStateSnapshotSpecJobReference(
                    kind=member(FlinkStateSnapshotSpecJobReferenceKind, kind), name=job.name),
                savepoint=savepoint, checkpoint={} if props.kind == "checkpoint" else None,
                backoff_limit=props.backoff_limit),
        )
