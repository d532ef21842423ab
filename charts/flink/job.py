"""The operator's job spec (`spec.job` of a FlinkDeployment in application mode and of a FlinkSessionJob).

JobSpec reference (operator 1.14):
https://nightlies.apache.org/flink/flink-kubernetes-operator-docs-release-1.14/docs/custom-resource/reference/#jobspec
The nonces are counters: changing one to a new value asks the operator for one more savepoint (or checkpoint, or a
redeploy from `initial_savepoint_path`); leaving it unchanged does nothing. Operator 1.14 deprecates the savepoint and
checkpoint nonces in favour of FlinkStateSnapshot resources but still honours them. Its `upgradeMode` default is
`stateless`; the platform's is `savepoint`, so a spec change never drops state unless asked to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeVar

from charts.blocks.crd_enums import member
from config.flink_rules import savepoint_redeploy_problem
from imports.flink.org.apache.flink import (
    FlinkDeploymentSpecJob,
    FlinkDeploymentSpecJobState,
    FlinkDeploymentSpecJobUpgradeMode,
    FlinkSessionJobSpecJob,
    FlinkSessionJobSpecJobState,
    FlinkSessionJobSpecJobUpgradeMode,
)

UpgradeMode = Literal["stateless", "savepoint", "last-state"]
JobState = Literal["running", "suspended"]


@dataclass(frozen=True, kw_only=True)
class JobProps:
    """A Flink job as the operator runs it.

    Attributes:
        jar_uri: the job JAR, any scheme the operator can fetch (`s3://`, `https://`, `local://` inside the image).
        entry_class: the main class, when the JAR's manifest names none.
        args: program arguments.
        parallelism: default parallelism (at least 1).
        upgrade_mode: how a spec change is applied: `stateless` (no state kept), `savepoint` (stop with a
            savepoint, start from it), `last-state` (from the latest checkpoint; needs HA).
        state: `running`, or `suspended` to stop the job (with a savepoint under `savepoint`); None: the operator's
            default (running), not written.
        savepoint_trigger_nonce, checkpoint_trigger_nonce: change to trigger one savepoint / checkpoint.
        initial_savepoint_path: the savepoint (or retained checkpoint) a new job starts from.
        allow_non_restored_state: start even if some state of the savepoint maps to no operator.
        savepoint_redeploy_nonce: change, together with `initial_savepoint_path`, to redeploy from that savepoint.
        autoscaler_reset_nonce: change to reset the autoscaler's metrics, parallelism overrides and history (operator
            1.14 `JobSpec.autoscalerResetNonce`).

    Raises:
        ValueError: a parallelism below 1, or a savepoint redeploy without `initial_savepoint_path` (the operator's
            `DefaultValidator` refuses both).
    """

    jar_uri: str
    entry_class: str | None = None
    args: tuple[str, ...] = ()
    parallelism: int = 1
    upgrade_mode: UpgradeMode = "savepoint"
    state: JobState | None = None
    savepoint_trigger_nonce: int | None = None
    checkpoint_trigger_nonce: int | None = None
    initial_savepoint_path: str | None = None
    allow_non_restored_state: bool | None = None
    savepoint_redeploy_nonce: int | None = None
    autoscaler_reset_nonce: int | None = None

    def __post_init__(self) -> None:
        if self.parallelism < 1:
            raise ValueError(f"job {self.jar_uri}: parallelism {self.parallelism} is below 1")
        if redeploy := savepoint_redeploy_problem(self.savepoint_redeploy_nonce, self.initial_savepoint_path,
                                                  path_setting="initial_savepoint_path"):
            raise ValueError(f"job {self.jar_uri}: savepoint_redeploy_nonce {redeploy.message}")


J = TypeVar("J", FlinkDeploymentSpecJob, FlinkSessionJobSpecJob)


def job_spec(job: JobProps, spec_type: type[J]) -> J:
    """`spec.job` of a FlinkDeployment (`FlinkDeploymentSpecJob`) or a FlinkSessionJob (`FlinkSessionJobSpecJob`);
    unset fields are not written."""
    deployment = spec_type is FlinkDeploymentSpecJob
    modes = FlinkDeploymentSpecJobUpgradeMode if deployment else FlinkSessionJobSpecJobUpgradeMode
    states = FlinkDeploymentSpecJobState if deployment else FlinkSessionJobSpecJobState
    return spec_type(
        jar_uri=job.jar_uri,
        entry_class=job.entry_class,
        parallelism=job.parallelism,
        upgrade_mode=member(modes, job.upgrade_mode),
        args=list(job.args) or None,
        state=member(states, job.state) if job.state else None,
        savepoint_trigger_nonce=job.savepoint_trigger_nonce,
        checkpoint_trigger_nonce=job.checkpoint_trigger_nonce,
        initial_savepoint_path=job.initial_savepoint_path,
        allow_non_restored_state=job.allow_non_restored_state,
        savepoint_redeploy_nonce=job.savepoint_redeploy_nonce,
        autoscaler_reset_nonce=job.autoscaler_reset_nonce,
    )
