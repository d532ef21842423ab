"""FlinkDeployment, FlinkSessionJob and FlinkStateSnapshot objects as `flink:` entries: the cluster, its `flinkConfiguration`
read into typed settings, the job, the snapshots."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from config.loading import camel
from manifests.manifest_import.notes import Notes
from manifests.manifest_import.pods import pod_options
from manifests.manifest_import.reading import flatten, schema_problem, section_problems, snake, typed_value
from upstream.capabilities import flink_version_problem
from upstream.flink_keys import flink_keys
from upstream.flink_options import (
    AUTOSCALER,
    CATALOG_STORE_KIND,
    CATALOG_STORE_PATH,
    CHECKPOINT_DIR,
    CHECKPOINTING,
    DEPRECATED_NAMES,
    HA_STORAGE_DIR,
    HA_TYPE,
    OPERATOR_FORBIDDEN_KEYS,
    PERIODIC_SNAPSHOTS,
    PLATFORM_KEYS,
    PROMETHEUS_REPORTER_FACTORY,
    PROMETHEUS_REPORTER_FACTORY_KEY,
    PROMETHEUS_REPORTER_KEYS,
    PROMETHEUS_REPORTER_PORT,
    RESTART_STRATEGY_KEYS,
    SAVEPOINT_DIR,
    TASK_SLOTS,
)

OWNED_BY_PLATFORM = (CHECKPOINT_DIR, SAVEPOINT_DIR, HA_STORAGE_DIR, CATALOG_STORE_KIND, CATALOG_STORE_PATH)

TYPED_SECTIONS = (("checkpointing", CHECKPOINTING), ("periodicSnapshots", PERIODIC_SNAPSHOTS),
                  ("restartStrategy", RESTART_STRATEGY_KEYS), ("autoscaler", AUTOSCALER))
"""The typed settings a FlinkDeployment's `flinkConfiguration` is read into: config section, field name -> key."""

PROMETHEUS_CLASS_KEY = "metrics.reporter.prom.class"
"""The class-based (pre-factory) name of the Prometheus reporter, which Flink 1.20 still reads."""

HANDLED_PLATFORM_KEYS = frozenset({
    *OWNED_BY_PLATFORM, TASK_SLOTS, HA_TYPE, *PROMETHEUS_REPORTER_KEYS,
    *(key for _, keys in TYPED_SECTIONS for key in keys.values()), *DEPRECATED_NAMES,
})
"""The keys of `PLATFORM_KEYS` (what config refuses in `flinkConfiguration`) that import reads into a typed setting,
renames or reports as the platform's own; any other platform key is dropped with a generic note."""

JOB_FIELDS = ("entryClass", "args", "parallelism", "upgradeMode", "state", "savepointTriggerNonce",
              "checkpointTriggerNonce", "initialSavepointPath", "allowNonRestoredState", "savepointRedeployNonce",
              "autoscalerResetNonce")

def _job(job: Mapping[str, Any], notes: Notes, where: str) -> dict[str, Any]:
    imported: dict[str, Any] = {"jarPath": job["jarURI"]} if job.get("jarURI") else {}
    if not job.get("jarURI"):
        notes.add(where, "spec.job.jarURI", "missing; the platform needs the job's JAR (set jarPath)")
    imported.update({key: job[key] for key in JOB_FIELDS if key in job})
    if "parallelism" not in imported:
        imported["parallelism"] = 1
        notes.add(where, "spec.job.parallelism", "not set: imported as 1 (the operator's default)")
    for key in sorted(set(job) - {"jarURI", *JOB_FIELDS}):
        notes.add(where, f"spec.job.{key}", "not expressed")
    return imported

def _flink_configuration(spec: Mapping[str, Any], imported: dict[str, Any], notes: Notes, where: str) -> None:
    """A FlinkDeployment's `flinkConfiguration` into `imported`: each key of `PLATFORM_KEYS` (what config refuses)
    into its typed setting (slots, HA, checkpointing, periodic snapshots, restart strategy, autoscaler, the
    Prometheus reporter) or dropped with a note saying what the platform renders instead; older names renamed; keys
    the operator forbids or Flink 1.20.3 does not know, and values it cannot read, dropped with config's message."""
    path = "spec.flinkConfiguration"
    original = flatten(spec.get("flinkConfiguration") or {})
    renames = {**flink_keys().renames(), **DEPRECATED_NAMES}
    conf: dict[str, str] = {}
    source: dict[str, str] = {}  # current key -> the input key it came from
    for key, value in original.items():
        current = renames.get(key, key)
        if current != key:
            notes.add(where, f"{path}.{key}", f"imported as {current} (its Flink 1.20 name)")
        if current not in conf or current == key:  # the current name wins where both are set, as in Flink
            conf[current], source[current] = value, key
    task_manager = imported.setdefault("taskManager", {})
    if TASK_SLOTS in conf:
        slots = conf.pop(TASK_SLOTS)
        if slots.isdigit():
            task_manager["taskSlots"] = int(slots)
        else:
            notes.add(where, f"{path}.{source[TASK_SLOTS]}", f"{slots!r} is not a number of slots: the platform "
                                                             "renders taskManager.taskSlots (default 10)")
    ha = conf.pop(HA_TYPE, "none")
    imported["highAvailability"] = ha.lower() != "none"
    if ha.lower() not in ("none", "kubernetes"):
        notes.add(where, f"{path}.{source[HA_TYPE]}", f"{ha!r} replaced: the platform renders "
                                                      "high-availability.type: kubernetes")
    for key in OWNED_BY_PLATFORM:
        if key in conf:
            notes.add(where, f"{path}.{source[key]}", f"{conf.pop(key)!r} replaced: the platform keeps state and "
                                                      "catalogs in its own places (s3://<flink bucket>/{checkpoints,"
                                                      "savepoints,ha}/<name>, the catalog store)")
    _prometheus(conf, source, imported, notes, where)
    for section, keys in TYPED_SECTIONS:
        values = {}
        for name, key in keys.items():
            if key not in conf:
                continue
            value = typed_value(conf.pop(key))
            problem = schema_problem(value, "flink", "deployments", "[]", section, camel(name))
            if problem:
                notes.add(where, f"{path}.{source[key]}", f"not imported: {section}.{camel(name)}: {problem}")
            else:
                values[camel(name)] = value
        for field_name, problem in section_problems(section, values):
            key = keys[snake(field_name)]
            notes.add(where, f"{path}.{source[key]}", f"not imported: {section}.{field_name}: {problem}")
            del values[field_name]
        if values:
            imported[section] = values
    for key in sorted(conf):
        text = conf[key]
        if key in OPERATOR_FORBIDDEN_KEYS:
            problem = "set by the Flink operator itself"
        elif key in PLATFORM_KEYS:
            problem = "set by the platform"
        else:
            problem = flink_keys().problem(key) or flink_keys().value_problem(key, text)
        if problem:
            notes.add(where, f"{path}.{source[key]}", f"{conf.pop(key)!r} not imported: {problem}")
    if conf:
        imported["flinkConfiguration"] = conf
    if not task_manager:
        del imported["taskManager"]

def _prometheus(conf: dict[str, str], source: dict[str, str], imported: dict[str, Any], notes: Notes,
                where: str) -> None:
    """Flink's Prometheus reporter (`metrics.reporter.prom.*`, the platform's reporter keys) as the cluster's
    `metrics.prometheus` setting; another reporter class under the name `prom` is noted."""
    path = "spec.flinkConfiguration"
    factory, reporter_class = conf.pop(PROMETHEUS_REPORTER_FACTORY_KEY, None), conf.pop(PROMETHEUS_CLASS_KEY, None)
    port = conf.pop(PROMETHEUS_REPORTER_PORT, None)
    if factory is None and reporter_class is None:
        if port is not None:
            notes.add(where, f"{path}.{source[PROMETHEUS_REPORTER_PORT]}", "not imported: no reporter prom")
        return
    if (factory or "") != PROMETHEUS_REPORTER_FACTORY and "prometheus" not in (reporter_class or "").lower():
        for key in (PROMETHEUS_REPORTER_FACTORY_KEY, PROMETHEUS_CLASS_KEY, PROMETHEUS_REPORTER_PORT):
            if key in source and key in (k for k in source):
                notes.add(where, f"{path}.{source[key]}", "not imported: the platform's reporter prom is Flink's "
                                                          "Prometheus reporter")
        return
    prometheus: dict[str, Any] = {"enabled": True}
    if reporter_class is not None:
        notes.add(where, f"{path}.{source[PROMETHEUS_CLASS_KEY]}", "imported as metrics.prometheus.enabled: the "
                                                                   f"platform renders {PROMETHEUS_REPORTER_FACTORY_KEY}")
    if port is not None:
        number = int(port) if port.isdigit() else None
        problem = "a port range" if number is None else schema_problem(number, "flink", "deployments", "[]",
                                                                       "metrics", "prometheus", "port")
        if problem:
            notes.add(where, f"{path}.{source[PROMETHEUS_REPORTER_PORT]}", f"{port!r} not imported ({problem}): the "
                                                                           "platform renders one port (default 9249)")
        else:
            prometheus["port"] = number
    imported["metrics"] = {"prometheus": prometheus}

def flink_deployment(spec: Mapping[str, Any], notes: Notes, where: str) -> dict[str, Any]:
    """A FlinkDeployment's `spec` as a `flink.deployments` entry (without its name and metadata): image and Flink
    version where config takes them, JobManager and TaskManager resources, replicas and pod templates, the
    `flinkConfiguration` read into typed settings, the job (None: a session cluster); the rest noted."""
    imported: dict[str, Any] = {}
    image = spec.get("image")
    if image is not None:
        problem = schema_problem(image, "$defs", "image")
        if problem:
            notes.add(where, "spec.image", f"not imported: {problem}; the cluster runs flink.image")
        else:
            imported["image"] = image
    version = spec.get("flinkVersion")
    if version is not None:
        problem = flink_version_problem(str(version))
        if problem:
            notes.add(where, "spec.flinkVersion", f"{version!r} not imported: {problem}; the cluster runs "
                                                  "flink.flinkVersion")
        else:
            imported["flinkVersion"] = version
    if spec.get("serviceAccount") not in (None, "flink"):
        imported["serviceAccount"] = spec["serviceAccount"]
    for role in ("jobManager", "taskManager"):
        part: Mapping[str, Any] = spec.get(role) or {}
        target: dict[str, Any] = {}
        resource = part.get("resource") or {}
        target.update({k: resource[k] for k in ("memory", "cpu") if k in resource})
        if "replicas" in part:
            target["replicas"] = part["replicas"]
        options = (pod_options(part["podTemplate"], notes, where, f"spec.{role}.podTemplate")
                   if part.get("podTemplate") else {})
        if options:
            target["podOptions"] = options
        for key in sorted(set(resource) - {"memory", "cpu"}):
            notes.add(where, f"spec.{role}.resource.{key}", "not expressed")
        for key in sorted(set(part) - {"resource", "replicas", "podTemplate"}):
            notes.add(where, f"spec.{role}.{key}", "not expressed")
        if target:
            imported[role] = target
    _flink_configuration(spec, imported, notes, where)
    for key in ("logConfiguration", "ingress"):
        if spec.get(key):
            imported[key] = spec[key]
    options = pod_options(spec["podTemplate"], notes, where, "spec.podTemplate") if spec.get("podTemplate") else {}
    if options:
        imported["podOptions"] = options
    imported["job"] = _job(spec["job"], notes, where) if spec.get("job") else None
    if spec.get("mode") not in (None, "native"):
        notes.add(where, "spec.mode", f"{spec['mode']!r} not imported: the platform renders the operator's native "
                                      "mode (backend: standalone is Flink without the operator)")
    for key in sorted(set(spec) - {"image", "flinkVersion", "serviceAccount", "jobManager", "taskManager",
                                   "flinkConfiguration", "logConfiguration", "ingress", "podTemplate", "job", "mode"}):
        notes.add(where, f"spec.{key}", "not expressed")
    return imported

def session_job(spec: Mapping[str, Any], sessions: set[str], notes: Notes, where: str) -> dict[str, Any]:
    """A FlinkSessionJob's `spec` as a `flink.jobs` entry: the job, its session cluster when `sessions` (the names of
    the imported session clusters) holds it, and its autoscaler keys as the typed autoscaler; the rest noted."""
    imported = _job(spec.get("job") or {}, notes, where)
    cluster = spec.get("deploymentName")
    if cluster in sessions:
        imported["sessionCluster"] = cluster
    elif cluster != "flink-session":
        notes.add(where, "spec.deploymentName", f"{cluster!r} is not among the imported session clusters: the job "
                                                "runs on the platform's session cluster unless you add it "
                                                "(flink.deployments with job: null)")
    conf = flatten(spec.get("flinkConfiguration") or {})
    autoscaler: dict[str, Any] = {}
    for key in list(conf):
        current = DEPRECATED_NAMES.get(key, key)
        name = next((n for n, k in AUTOSCALER.items() if k == current), None)
        if name is None:
            continue
        value = typed_value(conf.pop(key))
        problem = schema_problem(value, "flink", "jobs", "[]", "autoscaler", camel(name))
        if problem:
            notes.add(where, f"spec.flinkConfiguration.{key}", f"not imported: autoscaler.{camel(name)}: {problem}")
        else:
            autoscaler[camel(name)] = value
            if current != key:
                notes.add(where, f"spec.flinkConfiguration.{key}", f"imported as {current} (its Flink 1.20 name)")
    for field_name, problem in section_problems("autoscaler", autoscaler):
        notes.add(where, f"spec.flinkConfiguration.{AUTOSCALER[snake(field_name)]}",
                  f"not imported: autoscaler.{field_name}: {problem}")
        del autoscaler[field_name]
    if autoscaler:
        imported["autoscaler"] = autoscaler
    for key in sorted(conf):
        notes.add(where, f"spec.flinkConfiguration.{key}", "not expressed for session jobs (only the autoscaler)")
    for key in sorted(set(spec) - {"job", "deploymentName", "flinkConfiguration"}):
        notes.add(where, f"spec.{key}", "not expressed")
    return imported

def state_snapshot(name: str, spec: Mapping[str, Any], jobs: set[str], notes: Notes, where: str) -> dict[str, Any] | None:
    """A `flink.snapshots` entry, or None (noted) for a snapshot of no job: config needs the job it belongs to."""
    job = (spec.get("jobReference") or {}).get("name")
    if not job:
        notes.add(where, "spec", "skipped: a snapshot without jobReference belongs to no job (to start a job from an "
                                 "existing savepoint, set its job.initialSavepointPath)")
        return None
    imported: dict[str, Any] = {"name": name, "job": job}
    if job not in jobs:
        notes.add(where, "spec.jobReference.name", f"{job!r} is not among the imported jobs: the entry loads where "
                                                   "the environment has that job (import them together)")
    if spec.get("checkpoint") is not None:
        imported["kind"] = "checkpoint"
    savepoint = spec.get("savepoint") or {}
    keys = ("path", "alreadyExists", "formatType", "disposeOnDelete")
    imported.update({k: v for k, v in savepoint.items() if k in keys})
    if savepoint.get("alreadyExists") is False:
        notes.add(where, "spec.savepoint.alreadyExists", "false: the CRD's default, which the platform leaves out")
    if "backoffLimit" in spec:
        imported["backoffLimit"] = spec["backoffLimit"]
    for key in sorted(set(savepoint) - set(keys)):
        notes.add(where, f"spec.savepoint.{key}", "not expressed")
    for key in sorted(set(spec.get("jobReference") or {}) - {"name", "kind"}):
        notes.add(where, f"spec.jobReference.{key}", "not expressed")
    for key in sorted(set(spec) - {"jobReference", "checkpoint", "savepoint", "backoffLimit"}):
        notes.add(where, f"spec.{key}", "not expressed")
    return imported
