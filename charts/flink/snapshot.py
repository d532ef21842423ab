"""FlinkStateSnapshots: a savepoint or checkpoint of a job, as a custom resource the operator acts on (operator 1.14,
https://nightlies.apache.org/flink/flink-kubernetes-operator-docs-release-1.14/docs/custom-resource/snapshots/).

Creating one triggers the snapshot (or, with `already_exists`, registers an existing savepoint at `path`); the
operator records its location in the resource's status, and with `dispose_on_delete` deletes the savepoint files
when the resource is deleted. The job is referenced by object: an application `FlinkCluster` or a
`SessionJob` of the same namespace.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import constructs

from charts.blocks.crd_enums import member
from charts.blocks.metadata import Component, SyncWave, api_object_meta
from charts.flink.cluster import FlinkCluster
from charts.flink.session_job import SessionJob
from imports.flink.org.apache.flink import (
    FlinkStateSnapshot,
    FlinkStateSnapshotSpec,
    FlinkStateSnapshotSpecJobReference,
    FlinkStateSnapshotSpecJobReferenceKind,
    FlinkStateSnapshotSpecSavepoint,
    FlinkStateSnapshotSpecSavepointFormatType,
)


@dataclass(frozen=True)
class SnapshotProps:
    """A snapshot of job `job` (in `FlinkProps`: the name of an application cluster or a session job).

    Attributes:
        kind: `savepoint` or `checkpoint`.
        path: savepoint target directory (None: the cluster's `execution.checkpointing.savepoint-dir`); with
            `already_exists`, the existing savepoint to register.
        format_type: savepoint format, `CANONICAL` (portable) or `NATIVE` (faster, state-backend specific); None:
            the operator's default.
        dispose_on_delete: delete the savepoint files when the resource is deleted (the operator's default is
            true; the platform's is false, so removing the object from Git never deletes state).
        backoff_limit: retries of a failed snapshot; None: the operator's default.

    Raises:
        ValueError: savepoint settings on a checkpoint, or `already_exists` without `path`.
    """

    name: str
    job: str
    kind: Literal["savepoint", "checkpoint"] = "savepoint"
    path: str | None = None
    already_exists: bool = False
    format_type: Literal["CANONICAL", "NATIVE"] | None = None
    dispose_on_delete: bool = False
    backoff_limit: int | None = None

    def __post_init__(self) -> None:
        savepoint_only = [name for name, value in (("path", self.path), ("already_exists", self.already_exists or None),
                                                   ("format_type", self.format_type),
                                                   ("dispose_on_delete", self.dispose_on_delete or None))
                          if value is not None]
        if self.kind == "checkpoint" and savepoint_only:
            raise ValueError(f"FlinkStateSnapshot {self.name}: {', '.join(savepoint_only)} apply to savepoints only")
        if self.already_exists and not self.path:
            raise ValueError(f"FlinkStateSnapshot {self.name}: already_exists needs the savepoint's path")


class StateSnapshot(constructs.Construct):
    """One FlinkStateSnapshot of `job`, after the jobs in sync order, protected from pruning (with
    `dispose_on_delete` a deletion would delete the savepoint).

    Raises:
        ValueError: `job` is a session cluster (it has no job of its own).
    """

    def __init__(self, scope: constructs.Construct, id: str, *, props: SnapshotProps,
                 job: FlinkCluster | SessionJob, version: str):
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
