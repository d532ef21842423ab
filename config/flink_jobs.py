"""`flink.jobs`, `flink.snapshots` and the job of an application cluster: the operator's job spec, the job
autoscaler and FlinkStateSnapshots (Flink Kubernetes Operator 1.14 custom resources:
https://nightlies.apache.org/flink/flink-kubernetes-operator-docs-release-1.14/docs/custom-resource/reference/)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar, Literal

from config.common import (
    JOB_ARGUMENT_PLACEHOLDERS,
    KubernetesName,
    object_metadata_problems,
    unknown_placeholders,
)
from config.declaration import section, setting
from config.flink_settings import Autoscaler
from config.loading import Problem


@section
class JobSpecConfig:
    """The job of an application cluster (operator JobSpec:
    https://nightlies.apache.org/flink/flink-kubernetes-operator-docs-release-1.14/docs/custom-resource/reference/#jobspec).
    """

    DEFINITION: ClassVar[str] = "applicationJob"

    jar_path: str = setting(
        pattern="^([a-z][a-z0-9+.-]*://[^/\\s]*/\\S+|[^/\\s:][^\\s:]*)\\.jar$",
        error="is not a relative path to a .jar inside the Flink bucket, nor a URI (scheme://host/path.jar)")
    """The job JAR: a path inside the Flink artifacts bucket (e.g. job-artifacts/my-job.jar; the jarURI becomes
    s3://<flink bucket>/<jarPath>), or a URI with a scheme the operator can fetch (s3://other-bucket/a.jar,
    https://...), used as is.
    """

    entry_class: str | None = setting(None)
    """Main class, when the JAR manifest does not name one."""

    parallelism: int = setting(1, minimum=1)
    """Job parallelism."""

    upgrade_mode: Literal["stateless", "savepoint", "last-state"] = setting("savepoint")
    """How the operator upgrades the job: stateless, savepoint or last-state."""

    args: tuple[str, ...] = setting([], items={"type": "string", "description": "One entry."})
    """Program arguments. `${fluss.bootstrapServers}`, `${polaris.catalogUri}` and `${polaris.tokenEndpoint}` are
    replaced by the addresses of the platform's own services.
    """

    state: Literal["running", "suspended"] | None = setting(None)
    """running, or suspended to stop the job (with a savepoint under upgradeMode savepoint) and keep its state for a
    later start; null: the operator's default (running).
    """

    savepoint_trigger_nonce: int | None = setting(None)
    """Change to a new value to trigger one savepoint (deprecated by the operator in favour of FlinkStateSnapshot,
    still honoured in 1.14).
    """

    checkpoint_trigger_nonce: int | None = setting(None)
    """Change to a new value to trigger one checkpoint (deprecated by the operator in favour of FlinkStateSnapshot,
    still honoured in 1.14).
    """

    initial_savepoint_path: str | None = setting(None)
    """Savepoint (or retained checkpoint) a new job starts from, e.g. s3://<flink
    bucket>/savepoints/<cluster>/savepoint-...
    """

    allow_non_restored_state: bool | None = setting(None)
    """Start even if some state of the savepoint maps to no operator of the job."""

    savepoint_redeploy_nonce: int | None = setting(None)
    """Change to a new value, with initialSavepointPath, to cancel the job without a savepoint and redeploy it from
    that savepoint (no rollback afterwards).
    """

    autoscaler_reset_nonce: int | None = setting(None)
    """Change to a new value to reset the autoscaler's metrics, parallelism overrides and history for the job: back to
    the parallelism given here without turning the autoscaler off and on (operator 1.14 JobSpec.autoscalerResetNonce).
    """

    def problems(self) -> Iterator[Problem]:
        """Every `${...}` in the arguments names one of the platform's addresses; a savepoint redeploy has a path."""
        if self.savepoint_redeploy_nonce is not None and not self.initial_savepoint_path:
            yield Problem("savepointRedeployNonce", "needs initialSavepointPath (the Flink operator: \"InitialSavepointPath "
                                                    "must not be empty for savepoint redeployment\")")
        expected = ", ".join(f"${{{name}}}" for name in sorted(JOB_ARGUMENT_PLACEHOLDERS))
        for index, arg in enumerate(self.args):
            for name in unknown_placeholders(arg):
                yield Problem(f"args[{index}]", f"unknown placeholder '${{{name}}}' (expected one of: {expected})")


@section
class SessionJobConfig(JobSpecConfig):
    """A FlinkSessionJob submitted to the session cluster
    (https://nightlies.apache.org/flink/flink-kubernetes-operator-docs-release-1.14/docs/custom-resource/reference/#jobspec).
    """

    DEFINITION: ClassVar[str] = "sessionJob"

    name: KubernetesName = setting()
    """FlinkSessionJob name."""

    labels: dict[str, str] = setting({})
    """Labels of the FlinkSessionJob itself (not of its pods: podOptions.labels); the platform's own
    (app.kubernetes.io/*, lakehouse.dev/*) are refused.
    """

    annotations: dict[str, str] = setting({})
    """Annotations of the FlinkSessionJob itself (not of its pods: podOptions.annotations); the platform's own
    (argocd.argoproj.io/*, lakehouse.dev/*) are refused.
    """

    session_cluster: str | None = setting(None)
    """The session cluster the job runs on: flink.sessionCluster.name or the name of a flink.deployments entry without
    job. Null: the platform's session cluster.
    """

    autoscaler: Autoscaler = setting({})
    """The job autoscaler of this session job (its flinkConfiguration, over its cluster's)."""

    def problems(self) -> Iterator[Problem]:
        """The job spec's problems (`JobSpecConfig.problems`); no label or annotation the platform sets itself."""
        yield from super().problems()
        yield from object_metadata_problems(self.labels, self.annotations)


@section
class StateSnapshotConfig:
    """A FlinkStateSnapshot: one savepoint or checkpoint of a job, taken when the object is created
    (https://nightlies.apache.org/flink/flink-kubernetes-operator-docs-release-1.14/docs/custom-resource/snapshots/).
    """

    DEFINITION: ClassVar[str] = "stateSnapshot"

    name: str = setting(
        pattern="^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", max_length=253,
        error="is not a Kubernetes object name (a DNS-1123 subdomain)")
    """FlinkStateSnapshot name."""

    job: str = setting()
    """The job: the name of a flink.deployments application cluster or of a flink.jobs session job (or the tiering
    job).
    """

    kind: Literal["savepoint", "checkpoint"] = setting("savepoint")
    """savepoint (portable, for upgrades and migrations) or checkpoint."""

    path: str | None = setting(None)
    """Savepoint target directory (null: the cluster's savepoint directory); with alreadyExists, the existing
    savepoint.
    """

    already_exists: bool = setting(False)
    """Register an existing savepoint at path instead of taking one."""

    format_type: Literal["CANONICAL", "NATIVE"] | None = setting(None)
    """Savepoint format: CANONICAL (portable) or NATIVE (faster, specific to the state backend); null: the operator's
    default.
    """

    dispose_on_delete: bool = setting(False)
    """Delete the savepoint files when the object is deleted (the operator's default is true; the platform's is false,
    so removing the object from Git never deletes state).
    """

    backoff_limit: int | None = setting(None, minimum=0)
    """Retries of a failed snapshot; null: the operator's default."""

    def problems(self) -> Iterator[Problem]:
        """Savepoint settings only on savepoints; a registered savepoint has a path."""
        if self.kind == "checkpoint":
            for key, value in (("path", self.path), ("alreadyExists", self.already_exists or None),
                               ("formatType", self.format_type), ("disposeOnDelete", self.dispose_on_delete or None)):
                if value is not None:
                    yield Problem(key, "applies to savepoints only (kind: savepoint)")
        if self.already_exists and not self.path:
            yield Problem("path", "required with alreadyExists: the savepoint to register")
