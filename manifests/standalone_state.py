"""State-unsafe changes of standalone application clusters (a rule of `diff`'s state-safety section,
`manifests.state_safety`): Flink's own Kubernetes setup, without an operator that takes a savepoint."""

from __future__ import annotations

from collections.abc import Iterator

from manifests.diff import Key
from manifests.state_finding import Finding, Objects, kept_by_argo_cd
from manifests.validation.flink_config import standard_config_file

STANDALONE_JOB = "standalone-job"
"""The flink image entrypoint's command of a standalone application cluster's JobManager."""


def _standalone_job(key: Key, objects: Objects) -> tuple[list[str], bool] | None:
    """(JobManager arguments, Kubernetes HA on) of a standalone application cluster's JobManager Deployment, HA read
    from the `config.yaml` of the ConfigMap it mounts; None for any other object."""
    obj = objects[key]
    if key[1] != "Deployment":
        return None
    pod = ((obj.get("spec") or {}).get("template") or {}).get("spec") or {}
    args = next((list(map(str, c.get("args") or [])) for c in pod.get("containers") or []
                 if (c.get("args") or [None])[0] == STANDALONE_JOB), None)
    if args is None:
        return None
    ha = False
    for volume in pod.get("volumes") or []:
        name = (volume.get("configMap") or {}).get("name")
        config_map = objects.get((key[0], "ConfigMap", key[2], str(name))) if name else None
        text = ((config_map or {}).get("data") or {}).get("config.yaml")
        if text:
            ha = standard_config_file(text).get("high-availability.type", "none").lower() == "kubernetes"
    return args, ha


def _restored_from(args: list[str]) -> str:
    return args[args.index("--fromSavepoint") + 1] if "--fromSavepoint" in args[:-1] else ""


def standalone_job(key: Key, base: Objects, head: Objects) -> Iterator[Finding]:
    """Protects a standalone application cluster's state (Flink docs, standalone Kubernetes: no operator takes a
    savepoint before an upgrade). Without Kubernetes HA a restarted JobManager has no record of the job's
    checkpoints, so `standalone-job` runs it again from empty state, or from its `--fromSavepoint` (a savepoint
    taken then, not now). A rollout of the JobManager Deployment (any change of its pod template, the
    `checksum/config` of its configuration included) restarts it; a removal cancels the job without a savepoint.
    With HA the restarted JobManager recovers the job from the HA metadata and its latest checkpoint: not flagged."""
    old = _standalone_job(key, base)
    if old is None:
        return
    args, ha = old
    restart = f"from {_restored_from(args)} again" if _restored_from(args) else "from empty state"
    if key not in head:
        yield Finding(key, "removed", f"{kept_by_argo_cd(base[key])}the standalone job is cancelled without a "
                      "savepoint; a new or renamed cluster starts from empty state unless its job.initialSavepointPath "
                      "names a savepoint")
        return
    new = _standalone_job(key, head)
    if ha or new is None or new[1]:
        return
    if (base[key].get("spec") or {}).get("template") != (head[key].get("spec") or {}).get("template"):
        yield Finding(key, "spec.template", f"the JobManager rolls out and, without Kubernetes HA, runs the standalone "
                      f"job {restart}: take a savepoint first and start from it (job.initialSavepointPath)")
