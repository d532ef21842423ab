"""State-unsafe changes of standalone application clusters (a rule of `diff`'s state-safety section,
`manifests.state_safety`): Flink's own Kubernetes setup, without an operator that takes a savepoint or clears the HA
job graph before an upgrade.

Flink 1.20 facts the rule follows (release-1.20.3 sources, flink-clients and flink-runtime):
- With HA and no fixed job id, an application cluster's job id is derived from `high-availability.cluster-id`
  (default `/default`; `ApplicationDispatcherBootstrap.fixJobIdAndRunApplicationAsync`), so it is the same after
  every restart.
- A restarted JobManager's dispatcher recovers the job graphs in its HA scope (the ConfigMap
  `<kubernetes.cluster-id>-cluster-config-map`), and when the application's `execute()` asks for a job id that was
  recovered, the embedded executor attaches to the recovered job ("Job ... was recovered successfully") and drops the
  job graph the new arguments built (`EmbeddedExecutor.execute`). Entry class, program arguments, parallelism,
  `--fromSavepoint`, the JAR's job graph and the job's configuration stay what they were; only settings the
  JobManager and TaskManager processes read at start take effect.
- In a new HA scope nothing is recovered: the job starts from `--fromSavepoint`, or from empty state.
The Flink operator deletes the HA job graph before it deploys a changed application for exactly this reason
(flink-kubernetes-operator release-1.14.0 `AbstractFlinkService.submitApplicationCluster`, lines 213-218).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from manifests.diff import Key
from manifests.state_finding import LOSS, NON_RESTORED_STATE, REVIEW, Finding, Objects, kept_by_argo_cd
from manifests.validation.flink_config import FlinkConf, standard_config_file
from upstream.flink_options import HA_CLUSTER_ID, KUBERNETES_CLUSTER_ID, LOCAL_RECOVERY_KEYS

STANDALONE_JOB = "standalone-job"
"""The flink image entrypoint's command of a standalone application cluster's JobManager."""
DEFAULT_HA_CLUSTER_ID = "/default"
"""Flink 1.20 `HighAvailabilityOptions.HA_CLUSTER_ID`'s default."""
PROCESS_KEY_PREFIXES = (
    "jobmanager.", "taskmanager.", "blob.", "rest.", "web.", "metrics.", "high-availability.", "kubernetes.",
    "process.", "queryable-state.", "security.", "s3.", "fs.", "env.", "pekko.", "heartbeat.", "cluster.",
    "resourcemanager.", "slot.", "scheduler-mode", *LOCAL_RECOVERY_KEYS, "job-result-store.",
    "execution.shutdown-on-application-finish")
"""`config.yaml` keys the JobManager and TaskManager processes read at start (memory, addresses and ports, metrics
reporters, HA services, file systems, the scheduler, local recovery, the job result store): a change takes effect
after a rollout. Any other key may be part of the job's configuration inside the job graph that HA recovers.
Local recovery is the keys the render sets (`LOCAL_RECOVERY_KEYS`), which each TaskManager reads at start (Flink
release-1.20.3 `TaskManagerServicesConfiguration.fromConfiguration`, lines 295-296)."""
ARG_FIELDS = {"--job-classname": "job.entryClass", "--fromSavepoint": "job.initialSavepointPath"}
"""The `standalone-job` options the platform renders, by the job field they come from (charts.flink.standalone)."""


@dataclass(frozen=True)
class StandaloneJob:
    """A standalone application cluster's JobManager as rendered: its `standalone-job` arguments, image, pod
    template and the `config.yaml` of the ConfigMap it mounts."""

    args: tuple[str, ...]
    image: str
    template: Any
    conf: dict[str, str]

    @property
    def ha(self) -> bool:
        """HA activated (`high-availability.type` other than NONE)."""
        return FlinkConf(self.conf).high_availability()

    @property
    def scope(self) -> tuple[str, str]:
        """The HA scope: (`kubernetes.cluster-id`, `high-availability.cluster-id`)."""
        return self.conf.get(KUBERNETES_CLUSTER_ID, ""), self.conf.get(HA_CLUSTER_ID, DEFAULT_HA_CLUSTER_ID)

    @property
    def restored_from(self) -> str:
        """The `--fromSavepoint` path ("" for none)."""
        return self.option("--fromSavepoint")

    def option(self, name: str) -> str:
        """The value of option `name` in the arguments ("" when absent)."""
        return self.args[self.args.index(name) + 1] if name in self.args[:-1] else ""

    def job_fields(self) -> dict[str, Any]:
        """The job settings the arguments carry, by their config field: entry class, initial savepoint,
        allowNonRestoredState and the program arguments (what follows the platform's options)."""
        rest, fields = list(self.args[1:]), dict[str, Any]()
        if rest[:2] == ["--host", "$(POD_IP)"]:
            rest = rest[2:]
        while rest and rest[0] in (*ARG_FIELDS, "--allowNonRestoredState"):
            if rest[0] == "--allowNonRestoredState":
                fields["job.allowNonRestoredState"], rest = True, rest[1:]
            else:
                fields[ARG_FIELDS[rest[0]]], rest = rest[1:2], rest[2:]
        return {**fields, "job.args": rest}


def _standalone_job(key: Key, objects: Objects) -> StandaloneJob | None:
    """The standalone application cluster whose JobManager Deployment is `key` (None for any other object)."""
    obj = objects[key]
    if key[1] != "Deployment":
        return None
    template = (obj.get("spec") or {}).get("template") or {}
    pod = template.get("spec") or {}
    container = next((c for c in pod.get("containers") or [] if (c.get("args") or [None])[0] == STANDALONE_JOB), None)
    if container is None:
        return None
    conf: dict[str, str] = {}
    for volume in pod.get("volumes") or []:
        name = (volume.get("configMap") or {}).get("name")
        config_map = objects.get((key[0], "ConfigMap", key[2], str(name))) if name else None
        text = ((config_map or {}).get("data") or {}).get("config.yaml")
        if text:
            conf = standard_config_file(text)
    return StandaloneJob(tuple(map(str, container["args"])), str(container.get("image", "")), template, conf)


def _scope_label(job: StandaloneJob) -> str:
    cluster_id, ha_cluster_id = job.scope
    return cluster_id if ha_cluster_id in (DEFAULT_HA_CLUSTER_ID, cluster_id) else f"{cluster_id} ({ha_cluster_id})"


def _not_taking_effect(old: StandaloneJob, new: StandaloneJob) -> Iterator[tuple[str, bool]]:
    """(what changed, certain) for each job change the recovered job graph keeps: `certain` for the arguments, the
    image and the parallelism; not for other configuration keys, which may be process settings after all."""
    old_fields, new_fields = old.job_fields(), new.job_fields()
    changed = [field for field in ("job.entryClass", "job.args", "job.initialSavepointPath", "job.allowNonRestoredState")
               if old_fields.get(field) != new_fields.get(field)]
    if old.conf.get("parallelism.default") != new.conf.get("parallelism.default"):
        changed.append("job.parallelism")
    if old.image != new.image:
        changed.append("image (the job JAR)")
    if changed:
        yield ", ".join(changed), True
    keys = sorted(k for k in old.conf.keys() | new.conf.keys() if old.conf.get(k) != new.conf.get(k)
                  and k != "parallelism.default" and not k.startswith(PROCESS_KEY_PREFIXES))
    if keys:
        yield "config.yaml " + ", ".join(keys[:3]) + (f" and {len(keys) - 3} more" if len(keys) > 3 else ""), False


def _restart(job: StandaloneJob) -> str:
    return f"from {job.restored_from} again" if job.restored_from else "from empty state"


def standalone_job(key: Key, base: Objects, head: Objects) -> Iterator[Finding]:
    """Protects a standalone application cluster's state and upgrades (module docstring). A rollout of the JobManager
    Deployment (any change of its pod template, the `checksum/config` of its configuration included) restarts it:

    - without Kubernetes HA before or after, the job starts again from empty state, or from its `--fromSavepoint`
      (a savepoint taken then, not now): certain loss;
    - with HA in the same scope, a changed job (arguments, entry class, parallelism, image, job configuration) does
      not take effect, as the recovered job graph runs on (certain: the upgrade certainly fails; configuration keys
      outside `PROCESS_KEY_PREFIXES`: review);
    - with HA in a new scope (`standalone.clusterId`), nothing is recovered: the job starts from empty state or its
      old `--fromSavepoint` (certain loss) unless the change also names a new savepoint (then review: it must be the
      one the job was just stopped with, and the old scope's ConfigMaps stay);
    - `--allowNonRestoredState` turned on where the job restores: its restore drops unmatched state (certain loss, as
      for an operator-managed job: `manifests.state_safety.job_rules.non_restored_state`).

    A removal cancels the job without a savepoint (certain loss)."""
    old = _standalone_job(key, base)
    if old is None:
        return
    if key not in head:
        yield Finding(key, "removed", f"{kept_by_argo_cd(base[key])}the standalone job is cancelled without a "
                      "savepoint; a new or renamed cluster starts from empty state unless its job.initialSavepointPath "
                      "names a savepoint", LOSS)
        return
    new = _standalone_job(key, head)
    if new is None or old.template == new.template:
        return
    restores = True
    if not (old.ha and new.ha):
        why = "with Kubernetes HA new (no HA metadata to recover)" if new.ha else "without Kubernetes HA"
        yield Finding(key, "spec.template", f"the JobManager rolls out and, {why}, runs the standalone job "
                      f"{_restart(old)}: take a savepoint first and start from it (job.initialSavepointPath)", LOSS)
    elif old.scope != new.scope:
        scope = f"HA scope {_scope_label(old)} -> {_scope_label(new)}"
        if new.restored_from and new.restored_from != old.restored_from:
            yield Finding(key, "spec.template", f"{scope}: the job starts from {new.restored_from}, which must be the "
                          f"savepoint the job was just stopped with; the old scope's HA ConfigMaps ({old.scope[0]}"
                          "-cluster-config-map, and the job's own unless it was stopped) stay: delete them once the "
                          f"new job runs, as going back to the scope {old.scope[0]} would recover that job",
                          REVIEW)
        else:
            yield Finding(key, "spec.template", f"{scope}: the restarted JobManager recovers nothing there and runs "
                          f"the standalone job {_restart(old)}: stop the job with a savepoint first and set "
                          "job.initialSavepointPath to it in the same change", LOSS)
    else:
        restores = False
        for what, certain in _not_taking_effect(old, new):
            effect = "the change does not take effect" if certain else "may not take effect"
            detail = ("Flink 1.20 drops the job graph of the new settings: \"Job ... was recovered successfully\""
                      if certain else "settings of the JobManager and TaskManager processes, such as memory, ports "
                      "and metrics, do take effect")
            subject = ("with Kubernetes HA the restarted JobManager recovers the job graph it ran before" if certain
                       else "the job's configuration is part of the job graph the restarted JobManager recovers")
            yield Finding(key, "spec.template", f"{what}: {effect}: {subject} from the HA ConfigMap "
                          f"{new.scope[0]}-cluster-config-map and runs {'it ' if certain else ''}on ({detail}); to "
                          "upgrade, stop the job with a savepoint, then set job.initialSavepointPath to it and a new "
                          "standalone.clusterId in one change", LOSS if certain else REVIEW)
    if restores and new.restored_from and "--allowNonRestoredState" in new.args \
            and "--allowNonRestoredState" not in old.args:
        yield Finding(key, "spec.template", f"--allowNonRestoredState turned on: when the job starts from "
                      f"{new.restored_from}, {NON_RESTORED_STATE}", LOSS)
