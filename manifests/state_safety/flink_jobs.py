"""How the Flink Kubernetes Operator 1.14 sees a Flink job, for the state gate's rules (`manifests.state_safety`): a
`Job` (its `spec.job`, the configuration the operator deploys it with, whether its upgrade mode carries state), and
which spec changes upgrade (stop and redeploy) it (`upgrade_fields`, `savepoint_redeploy`): `JobSpec` and
`AbstractFlinkSpec`'s `@SpecDiff` annotations, `JOB_MANAGEMENT`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from manifests.diff import Key
from manifests.state_finding import Objects
from manifests.tree import changed_paths
from manifests.validation.flink_config import OperatorDefaults, operator_defaults
from manifests.validation.report import Manifest
from upstream.flink_options import CHECKPOINT_DIR, HA_STORAGE_DIR, INCREMENTAL_CHECKPOINTS, SAVEPOINT_DIR, STATE_BACKEND

JOB_MANAGEMENT = ("https://nightlies.apache.org/flink/flink-kubernetes-operator-docs-release-1.14/docs/"
                  "custom-resource/job-management/")
"""The operator's job management documentation (upgrade modes, deletion, manual recovery) the rules follow."""

STATEFUL_MODES = ("savepoint", "last-state")
"""Upgrade modes that carry state over an upgrade; an absent `upgradeMode` is `stateless` (the `JobSpec` default)."""

IGNORED_JOB_FIELDS = frozenset({"savepointTriggerNonce", "checkpointTriggerNonce", "initialSavepointPath",
                                "upgradeMode", "allowNonRestoredState", "autoscalerResetNonce"})
"""`spec.job` fields whose change alone does not upgrade (restart) the job (`@SpecDiff(DiffType.IGNORE)`)."""

IGNORED_CONFIG_PREFIXES = ("kubernetes.operator.", "job.autoscaler.", "parallelism.default")
"""`flinkConfiguration` keys whose change alone does not upgrade the job (`AbstractFlinkSpec`, IGNORE entries)."""

NULL_IGNORED = frozenset({"spec.restartNonce", "spec.job.savepointRedeployNonce"})
"""Nonces whose change to null does nothing (`onNullIgnore`)."""

STANDALONE_SCALE = frozenset({"spec.job.parallelism", "spec.taskManager.replicas"})
"""Fields a standalone-mode deployment rescales without an upgrade (`DiffType.SCALE`, mode STANDALONE)."""

SAVEPOINT_ON_DELETION = "kubernetes.operator.job.savepoint-on-deletion"
"""Operator 1.14 `KubernetesOperatorConfigOptions.SAVEPOINT_ON_DELETION` (default false): `cleanupInternal` of
`ApplicationReconciler` (line 392) and `SessionJobReconciler` (line 159) suspends a deleted resource's running job
with a savepoint instead of cancelling it."""

STATE_KEYS = {CHECKPOINT_DIR: ("state.checkpoints.dir",), SAVEPOINT_DIR: ("state.savepoints.dir",),
              HA_STORAGE_DIR: (), STATE_BACKEND: ("state.backend",),
              INCREMENTAL_CHECKPOINTS: ("state.backend.incremental",), SAVEPOINT_ON_DELETION: ()}
"""Keys of a job's state (its directories, backend and snapshot kind), with the deprecated keys Flink 1.20 still
reads in their place (`CheckpointingOptions`, `StateBackendOptions`: `withDeprecatedKeys`)."""


@dataclass(frozen=True)
class Job:
    """A Flink job as the operator sees it: its `spec.job`, the effective configuration (the operator's defaults,
    then a session job's session cluster's `flinkConfiguration`, then its own) and whether the operator keeps its
    state over an upgrade."""

    job: dict[str, Any]
    conf: dict[str, str]
    """The operator's default configuration for the job's namespace and Flink version, then the session cluster's
    `flinkConfiguration` (a session job's), then its own."""
    session_cluster: str = ""
    """A session job's session cluster ("" for an application cluster)."""
    own_keys: frozenset[str] = frozenset()
    """The `flinkConfiguration` keys a session job sets itself."""
    conf_known: bool = True
    """False for a session job whose session cluster is not rendered (`validate` reports that): its effective
    configuration is unknown, so the rules that read it skip the job."""

    @property
    def mode(self) -> str:
        return str(self.job.get("upgradeMode") or "stateless")

    @property
    def stateful(self) -> bool:
        return self.mode in STATEFUL_MODES

    @property
    def running(self) -> bool:
        return str(self.job.get("state") or "running") == "running"

    @property
    def restores(self) -> str:
        return "savepoint" if self.mode == "savepoint" else "latest checkpoint"

    def directory(self, key: str) -> tuple[str, str]:
        """(value, key it is set by) of a `STATE_KEYS` key, also under its deprecated key; ("", "") if unset."""
        return next(((self.conf[k], k) for k in (key, *STATE_KEYS[key]) if self.conf.get(k)), ("", ""))

    def setting(self, key: str, default: str) -> str:
        """A `STATE_KEYS` key's value (lower case, stripped), `default` when unset."""
        return (self.directory(key)[0] or default).strip().lower()


def flink_configuration(obj: dict[str, Any] | None) -> dict[str, str]:
    """`spec.flinkConfiguration` of a FlinkDeployment or FlinkSessionJob (`obj`, or None), keys and values as text."""
    return {str(k): str(v) for k, v in ((obj or {}).get("spec", {}).get("flinkConfiguration") or {}).items()}


def operator_configs(objects: Objects) -> dict[str, OperatorDefaults]:
    """The default configuration of the Flink operators rendered in `objects`, per environment
    (`manifests.validation.flink_config.operator_defaults`)."""
    envs = sorted({key[0] for key in objects})
    return {env: operator_defaults([Manifest("", obj) for key, obj in objects.items() if key[0] == env])
            for env in envs}


def flink_job(key: Key, objects: Objects, defaults: OperatorDefaults | None = None) -> Job | None:
    """The job of an application FlinkDeployment or of a FlinkSessionJob in `objects` (None for other objects and
    session clusters). Its configuration is what the operator deploys it with: the operator's default configuration
    for its namespace and Flink version (`defaults`, none when None), then a session job's session cluster's (same
    environment and namespace), then its own."""
    obj = objects[key]
    spec = obj.get("spec") or {}
    if key[1] not in ("FlinkDeployment", "FlinkSessionJob") or not isinstance(spec.get("job"), dict):
        return None
    operator = defaults or OperatorDefaults()
    if key[1] == "FlinkDeployment":
        return Job(spec["job"], {**operator.config(key[2], spec.get("flinkVersion")), **flink_configuration(obj)})
    cluster = str(spec.get("deploymentName", ""))
    session = objects.get((key[0], "FlinkDeployment", key[2], cluster))
    own = flink_configuration(obj)
    version = ((session or {}).get("spec") or {}).get("flinkVersion")
    return Job(spec["job"], {**operator.config(key[2], version), **flink_configuration(session), **own}, cluster, frozenset(own),
               session is not None)


def upgrade_fields(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The spec fields whose change makes the operator upgrade (stop and redeploy) the job: every changed field
    of `spec` except those the operator ignores (`IGNORED_JOB_FIELDS`, `IGNORED_CONFIG_PREFIXES`, a nonce set to
    null, a rescale of a standalone deployment); `flinkConfiguration` is compared key by key. `spec.job.state` is
    left out: a suspend or resume is not an upgrade."""
    old_spec, new_spec = old.get("spec") or {}, new.get("spec") or {}
    standalone = str(new_spec.get("mode", "native")).lower() == "standalone"
    fields = []
    for path in changed_paths(old_spec, new_spec, "spec", whole=("flinkConfiguration",)):
        if path == "spec.flinkConfiguration":
            old_conf, new_conf = flink_configuration(old), flink_configuration(new)
            fields += [f"{path}.{k}" for k in sorted(old_conf.keys() | new_conf.keys())
                       if old_conf.get(k) != new_conf.get(k) and not k.startswith(IGNORED_CONFIG_PREFIXES)]
        elif path == "spec.job.state" or (path.startswith("spec.job.")
                                          and path.removeprefix("spec.job.") in IGNORED_JOB_FIELDS):
            continue
        elif (path in NULL_IGNORED and _at(new_spec, path) is None) or (standalone and path in STANDALONE_SCALE):
            continue
        else:
            fields.append(path)
    return fields


def _at(spec: dict[str, Any], path: str) -> Any:
    node: Any = spec
    for part in path.split(".")[1:]:
        node = node.get(part) if isinstance(node, dict) else None
    return node


def savepoint_redeploy(old: Job, new: Job) -> bool:
    """The change redeploys the job from `initialSavepointPath`: a new non-null `savepointRedeployNonce`
    (`DiffType.SAVEPOINT_REDEPLOY`, manual recovery in `JOB_MANAGEMENT`)."""
    nonce = new.job.get("savepointRedeployNonce")
    return nonce is not None and nonce != old.job.get("savepointRedeployNonce") and bool(
        new.job.get("initialSavepointPath"))
