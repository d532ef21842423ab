"""`import`: existing FlinkDeployment, FlinkSessionJob, FlinkStateSnapshot, SparkApplication and
ScheduledSparkApplication manifests as environment config.

`python main.py import FILE...` prints a YAML fragment of `flink:` settings (deployments, jobs, snapshots) and
`spark:` settings (applications) that loads (what config would refuse is left out, each with a note) and, merged into
an environment file (mappings merged, lists appended; `--into`: `config.environment_edit`), renders objects of the
same kind and name that hold every field of the input with the same value, except what a note names (`Note`: the
object, the input field, why): what the platform owns or renders instead (state directories, HA storage, its own
labels), older Flink key names renamed, and what the config cannot express. `flinkConfiguration` keys that config
refuses as the platform's (`upstream.flink_options.PLATFORM_KEYS`) land in their typed setting or are noted.
Field meanings: the operator 1.14 CRD reference
(https://nightlies.apache.org/flink/flink-kubernetes-operator-docs-release-1.14/docs/custom-resource/reference/);
the Spark operator 2.5.2 API (https://www.kubeflow.org/docs/components/spark-operator/user-guide/api-docs/).
"""

from __future__ import annotations

import copy
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import jsonschema

from config.common import platform_metadata_prefixes
from config.loading import Problem, apply_defaults, build, camel, resolve_ref, schema
from config.spark import PLATFORM_SPARK_CONF, SPARK_DENIED_CONF, TYPED_SPARK_CONF, matches
from upstream.capabilities import flink_version_problem
from upstream.flink_keys import flink_keys
from upstream.flink_options import (
    AUTOSCALER,
    CATALOG_STORE_KIND,
    CATALOG_STORE_PATH,
    CHECKPOINT_DIR,
    CHECKPOINTING,
    DEPRECATED_NAMES,
    FLINK_MAIN_CONTAINER,
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
    as_text,
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
              "checkpointTriggerNonce", "initialSavepointPath", "allowNonRestoredState", "savepointRedeployNonce")
IMPORTED_KINDS = ("FlinkDeployment", "FlinkSessionJob", "FlinkStateSnapshot", "SparkApplication",
                  "ScheduledSparkApplication")
"""The kinds import reads; other objects are noted and skipped."""


@dataclass(frozen=True)
class Note:
    """What import could not express, replaced or added for one field of one input object: `where` (`kind/name`),
    `path` (the input field, dotted, list items by name: `spec.podTemplate.spec.volumes[logs]`) and `message`."""

    where: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.path}: {self.message}"


class Notes(list[Note]):
    """The notes of one import, added with `add`."""

    def add(self, where: str, path: str, message: str) -> None:
        """Note `message` on field `path` of object `where`."""
        self.append(Note(where, path, message))


@dataclass
class Imported:
    """The config fragment (`flink`, `spark`) and what import reports: `notes` (one per input field it could not
    express, replaced or added)."""

    flink: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    spark: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    notes: Notes = field(default_factory=Notes)

    def fragment(self) -> dict[str, Any]:
        """The config fragment: the `flink` and `spark` sections that hold anything."""
        return {key: value for key, value in (("flink", self.flink), ("spark", self.spark)) if value}


def flatten(conf: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """`flinkConfiguration` as the operator reads it: nested maps joined with `.`, values as text."""
    flat: dict[str, str] = {}
    for key, value in conf.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = as_text(value)
    return flat


@cache
def _schema_node(*path: str) -> dict[str, Any]:
    """The environment schema's node at `path` (property names from the top, or from `$defs`, `<name>`; `[]` steps
    into array items), `$ref`s resolved."""
    node: dict[str, Any] = schema()
    if path[0] == "$defs":
        node, path = node["$defs"][path[1]], path[2:]
    for part in path:
        node = resolve_ref(node)
        node = node["items"] if part == "[]" else node["properties"][part]
    return resolve_ref(node)


def schema_problem(value: Any, *path: str) -> str | None:
    """Why config would refuse `value` at the schema node `path` (`_schema_node`), or None: the same schema that
    loads the environment file decides."""
    node = _schema_node(*path)
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(
        {**node, "$defs": schema()["$defs"]}).iter_errors(value))
    if error is None:
        return None
    return f"{value!r} {node['x-error']}" if "x-error" in node else error.message


def _metadata(document: Mapping[str, Any], notes: Notes, where: str) -> dict[str, Any]:
    """The object's own `labels` and `annotations`, without those the platform sets itself (each noted)."""
    metadata = document.get("metadata") or {}
    imported: dict[str, Any] = {}
    for part in ("labels", "annotations"):
        values = {str(k): as_text(v) for k, v in (metadata.get(part) or {}).items()}
        for key in sorted(values):
            if key.startswith(platform_metadata_prefixes(part)):
                notes.add(where, f"metadata.{part}.{key}", f"{values.pop(key)!r} not imported: the platform sets "
                                                           f"{part} under {', '.join(platform_metadata_prefixes(part))}")
        if values:
            imported[part] = values
    for key in sorted(set(metadata) - {"name", "namespace", "labels", "annotations"}):
        notes.add(where, f"metadata.{key}", "not imported (set by the API server or the platform)")
    return imported


def import_manifests(documents: Iterable[Mapping[str, Any]]) -> Imported:
    """The config of every FlinkDeployment, FlinkSessionJob, FlinkStateSnapshot, SparkApplication and
    ScheduledSparkApplication in `documents`; other kinds, and a second object of one kind and name, are noted and
    skipped. Every fragment loads: what config would refuse is left out, each with a note."""
    result = Imported()
    documents = [d for d in documents if d]
    sessions = {d["metadata"]["name"] for d in documents
                if d.get("kind") == "FlinkDeployment" and d.get("spec") and not d["spec"].get("job")}
    jobs = {d["metadata"]["name"] for d in documents if (d.get("kind") == "FlinkDeployment"
                                                         and (d.get("spec") or {}).get("job"))
            or d.get("kind") == "FlinkSessionJob"}
    seen: set[tuple[str, str]] = set()
    for document in documents:
        kind, name = str(document.get("kind")), str((document.get("metadata") or {}).get("name"))
        where = f"{kind}/{name}"
        namespace = (document.get("metadata") or {}).get("namespace")
        team = namespace not in (None, "flink")
        spec = document.get("spec") or {}
        if kind not in IMPORTED_KINDS:
            result.notes.add(where, "kind", f"skipped: import reads {', '.join(IMPORTED_KINDS)}")
            continue
        if (kind.removeprefix("Scheduled"), name) in seen:
            result.notes.add(where, "metadata.name", "skipped: an object of this kind and name was imported before")
            continue
        if kind == "FlinkDeployment":
            if not spec:
                result.notes.add(where, "spec", "skipped: no spec (the operator's canary resources have none)")
                continue
            deployment = {"name": name, **_metadata(document, result.notes, where),
                          **_deployment(spec, result.notes, where)}
            if team:  # an existing namespace of the team's: rendered into, not created
                deployment = {"name": name, "namespace": namespace, **{k: v for k, v in deployment.items() if k != "name"}}
                teams = result.flink.setdefault("teamNamespaces", [])
                if {"name": namespace, "create": False} not in teams:
                    teams.append({"name": namespace, "create": False})
                result.notes.add(where, "metadata.namespace", f"{namespace!r} imported as an existing team namespace; "
                                                              "list it in flinkOperator.watchNamespaces unless that is "
                                                              "empty")
            result.flink.setdefault("deployments", []).append(deployment)
        elif kind == "FlinkSessionJob":
            result.flink.setdefault("jobs", []).append(
                {"name": name, **_metadata(document, result.notes, where),
                 **_session_job(spec, sessions, result.notes, where)})
        elif kind == "FlinkStateSnapshot":
            snapshot = _snapshot(name, spec, jobs, result.notes, where)
            if snapshot is None:
                continue
            result.flink.setdefault("snapshots", []).append(snapshot)
        else:
            if namespace not in (None, "spark"):
                result.notes.add(where, "metadata.namespace", f"{namespace!r}: imported into the Spark namespace "
                                                              "(namespaces.spark)")
            application = (_spark_application(spec, result.notes, where, "spec") if kind == "SparkApplication"
                           else _scheduled_spark_application(spec, result.notes, where))
            result.spark.setdefault("applications", []).append(
                {"name": name, **_metadata(document, result.notes, where), **application})
        seen.add((kind.removeprefix("Scheduled"), name))
    return result


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
            value = _typed_value(conf.pop(key))
            problem = schema_problem(value, "flink", "deployments", "[]", section, camel(name))
            if problem:
                notes.add(where, f"{path}.{source[key]}", f"not imported: {section}.{camel(name)}: {problem}")
            else:
                values[camel(name)] = value
        for field_name, problem in _section_problems(section, values):
            key = keys[_snake(field_name)]
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


def _snake(name: str) -> str:
    """`utilizationMin` -> `utilization_min`: a setting's key as its field name."""
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def _section_problems(section: str, values: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(setting, problem) for each setting of the typed section `section` of a `flink.deployments` entry that
    config's own checks of the section refuse (`problems()` of its dataclass, e.g. a utilization minimum above the
    target), with the section's defaults filled in as config fills them."""
    from config.flink_deployments import FlinkDeploymentConfig

    cls = typing.get_type_hints(FlinkDeploymentConfig)[_snake(section)]
    document = copy.deepcopy(dict(values))
    apply_defaults(_schema_node("flink", "deployments", "[]", section), document)
    problems: list[Problem] = []
    build(cls, document, "", problems)
    return [(p.path.split(".")[0], p.message) for p in problems if p.path.split(".")[0] in values]


def _deployment(spec: Mapping[str, Any], notes: Notes, where: str) -> dict[str, Any]:
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
        options = (_pod_options(part["podTemplate"], notes, where, f"spec.{role}.podTemplate")
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
    options = _pod_options(spec["podTemplate"], notes, where, "spec.podTemplate") if spec.get("podTemplate") else {}
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


SPARK_FIELDS = ("type", "mainApplicationFile", "mainClass", "arguments", "image", "sparkVersion", "hadoopConf",
                "restartPolicy")
"""SparkApplication spec fields imported as they are."""
SPARK_RENDERED = {"mode": "cluster", "imagePullPolicy": "IfNotPresent"}
"""What the platform renders for every SparkApplication (and the Python version 3 of Python applications)."""
SPARK_ROLE_FIELDS = {"driver": ("cores", "memory"), "executor": ("instances", "cores", "memory")}
SCHEDULE_FIELDS = {"schedule": "cron", "timeZone": "timeZone", "concurrencyPolicy": "concurrencyPolicy",
                   "suspend": "suspend", "successfulRunHistoryLimit": "successfulRunHistoryLimit",
                   "failedRunHistoryLimit": "failedRunHistoryLimit"}


def _spark_application(spec: Mapping[str, Any], notes: Notes, where: str, base: str) -> dict[str, Any]:
    """A SparkApplication spec (at `base`, `spec` or `spec.template`) as a `spark.applications` entry; what the
    platform owns or cannot express is noted."""
    imported: dict[str, Any] = {key: spec[key] for key in SPARK_FIELDS if key in spec}
    if "image" in imported and (problem := schema_problem(imported["image"], "$defs", "image")):
        notes.add(where, f"{base}.image", f"not imported: {problem}; the application runs spark.image")
        del imported["image"]
    restart = dict(spec.get("restartPolicy") or {})
    if restart.get("type", "Never") == "Never":  # the operator's Never (its default) never resubmits; the platform's does
        imported["restartPolicy"] = {**restart, "type": "Never", "onSubmissionFailureRetries": 0}
    for key, value in SPARK_RENDERED.items():
        if key in spec and spec[key] != value:
            notes.add(where, f"{base}.{key}", f"{spec[key]!r}: the platform renders {value!r}")
    if spec.get("type") == "Python" and str(spec.get("pythonVersion", "3")) != "3":
        notes.add(where, f"{base}.pythonVersion", f"{spec['pythonVersion']!r}: the platform renders '3'")
    deps = spec.get("deps") or {}
    for key in ("jars", "files", "pyFiles"):
        if deps.get(key):
            imported[key] = deps[key]
    if "jars" in imported:
        notes.add(where, f"{base}.deps.jars", "kept as they are, without the platform's Iceberg jars "
                                              "(spark.applications[].jars default): the image must put Iceberg on the "
                                              "classpath, as the platform's catalog settings need it")
    for key in sorted(set(deps) - {"jars", "files", "pyFiles"}):
        notes.add(where, f"{base}.deps.{key}", "not expressed")
    conf = dict(spec.get("sparkConf") or {})
    for key in sorted(conf):
        if key in SPARK_DENIED_CONF or matches(key, tuple(TYPED_SPARK_CONF)) or matches(key, PLATFORM_SPARK_CONF):
            notes.add(where, f"{base}.sparkConf.{key}", f"{conf.pop(key)!r} not imported: the platform or a typed "
                                                        "field sets it, or the operator refuses it")
    if conf:
        imported["sparkConf"] = conf
    hadoop = dict(imported.get("hadoopConf") or {})
    for key in sorted(k for k in hadoop if k.startswith("fs.s3a.")):
        notes.add(where, f"{base}.hadoopConf.{key}", f"{hadoop.pop(key)!r} not imported: the platform sets S3A")
    if "hadoopConf" in imported:
        imported["hadoopConf"] = hadoop
    for role, keys in SPARK_ROLE_FIELDS.items():
        part: Mapping[str, Any] = spec.get(role) or {}
        if any(key in part for key in keys):
            imported[role] = {key: part[key] for key in keys if key in part}
        if part.get("serviceAccount") not in (None, "spark-operator-spark"):
            notes.add(where, f"{base}.{role}.serviceAccount", f"{part['serviceAccount']!r}: one ServiceAccount per "
                                                              "Spark namespace (spark.serviceAccount)")
        for key in sorted(set(part) - {*keys, "serviceAccount", "securityContext", "podSecurityContext", "labels",
                                       "annotations", "volumeMounts"}):
            notes.add(where, f"{base}.{role}.{key}", "not expressed")
    options = _spark_pod_options(spec, notes, where, base)
    if options:
        imported["podOptions"] = options
    allocation = spec.get("dynamicAllocation") or {}
    if allocation.get("enabled"):
        imported["dynamicAllocation"] = {key: allocation[key] for key in (
            "initialExecutors", "minExecutors", "maxExecutors", "shuffleTrackingTimeout") if key in allocation}
        if allocation.get("shuffleTrackingEnabled") is False:
            notes.add(where, f"{base}.dynamicAllocation.shuffleTrackingEnabled",
                      "false: the platform turns shuffle tracking on (Kubernetes has no external shuffle service)")
    for key in sorted(set(spec) - {*SPARK_FIELDS, *SPARK_RENDERED, "pythonVersion", "deps", "sparkConf", "driver",
                                   "executor", "dynamicAllocation", "volumes"}):
        notes.add(where, f"{base}.{key}", "not expressed")
    return imported


def _spark_pod_options(spec: Mapping[str, Any], notes: Notes, where: str, base: str) -> dict[str, Any]:
    """The pod options both roles of a Spark application share (the model applies them to driver and executor):
    labels and annotations set alike on both, and volumes both mount at one path; what only one role has is
    noted."""
    driver, executor = spec.get("driver") or {}, spec.get("executor") or {}
    options: dict[str, Any] = {}
    for part in ("labels", "annotations"):
        ours, theirs = driver.get(part) or {}, executor.get(part) or {}
        shared = {k: as_text(v) for k, v in ours.items() if k in theirs and theirs[k] == v}
        if shared:
            options[part] = shared
        for role, values in (("driver", ours), ("executor", theirs)):
            for key in sorted(set(values) - set(shared)):
                notes.add(where, f"{base}.{role}.{part}.{key}", "not imported: pod options apply to driver and "
                                                                "executor alike, and the other role lacks it")
    mounts = {role: {m["name"]: m for m in (spec.get(role) or {}).get("volumeMounts") or []}
              for role in ("driver", "executor")}
    volumes = []
    for volume in spec.get("volumes") or []:
        name = volume.get("name")
        mount, other = mounts["driver"].get(name), mounts["executor"].get(name)
        if mount is None or other is None or mount.get("mountPath") != other.get("mountPath"):
            notes.add(where, f"{base}.volumes[{name}]", "not imported: pod options mount a volume in the driver and "
                                                        "the executors at one path")
            continue
        entry = _volume(volume, mount, notes, where, f"{base}.volumes[{name}]")
        if entry:
            volumes.append(entry)
        else:
            mounts["driver"].pop(name), mounts["executor"].pop(name)
    for role, left in mounts.items():
        for name in sorted(set(left) - {v["name"] for v in volumes}):
            notes.add(where, f"{base}.{role}.volumeMounts[{name}]", "not imported: its volume is not imported")
    if volumes:
        options["volumes"] = volumes
    return options


def _scheduled_spark_application(spec: Mapping[str, Any], notes: Notes, where: str) -> dict[str, Any]:
    """A ScheduledSparkApplication: its template as an application, with its schedule."""
    imported = _spark_application(spec.get("template") or {}, notes, where, "spec.template")
    imported["schedule"] = {target: spec[key] for key, target in SCHEDULE_FIELDS.items() if key in spec}
    if "concurrencyPolicy" not in spec:
        imported["schedule"]["concurrencyPolicy"] = "Allow"  # the CRD's default; the platform's is Forbid
    for key in sorted(set(spec) - {*SCHEDULE_FIELDS, "template"}):
        notes.add(where, f"spec.{key}", "not expressed")
    return imported


def _session_job(spec: Mapping[str, Any], sessions: set[str], notes: Notes, where: str) -> dict[str, Any]:
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
        value = _typed_value(conf.pop(key))
        problem = schema_problem(value, "flink", "jobs", "[]", "autoscaler", camel(name))
        if problem:
            notes.add(where, f"spec.flinkConfiguration.{key}", f"not imported: autoscaler.{camel(name)}: {problem}")
        else:
            autoscaler[camel(name)] = value
            if current != key:
                notes.add(where, f"spec.flinkConfiguration.{key}", f"imported as {current} (its Flink 1.20 name)")
    for field_name, problem in _section_problems("autoscaler", autoscaler):
        notes.add(where, f"spec.flinkConfiguration.{AUTOSCALER[_snake(field_name)]}",
                  f"not imported: autoscaler.{field_name}: {problem}")
        del autoscaler[field_name]
    if autoscaler:
        imported["autoscaler"] = autoscaler
    for key in sorted(conf):
        notes.add(where, f"spec.flinkConfiguration.{key}", "not expressed for session jobs (only the autoscaler)")
    for key in sorted(set(spec) - {"job", "deploymentName", "flinkConfiguration"}):
        notes.add(where, f"spec.{key}", "not expressed")
    return imported


def _snapshot(name: str, spec: Mapping[str, Any], jobs: set[str], notes: Notes, where: str) -> dict[str, Any] | None:
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


VOLUME_SOURCES = {"secret": ("secret", "secretName"), "configMap": ("configMap", "name"),
                  "persistentVolumeClaim": ("persistentVolumeClaim", "claimName")}
"""Volume sources pod options express by one name: API field -> (pod options field, the source's name field)."""


def _volume(volume: Mapping[str, Any], mount: Mapping[str, Any], notes: Notes, where: str,
            path: str) -> dict[str, Any] | None:
    """A pod-options volume of `volume` mounted by `mount`, or None (noted) for a source pod options do not
    express; an emptyDir keeps its medium and sizeLimit."""
    entry: dict[str, Any] = {"name": volume["name"], "mountPath": mount["mountPath"]}
    if mount.get("readOnly"):
        entry["readOnly"] = True
    kind = next((k for k in (*VOLUME_SOURCES, "emptyDir") if k in volume), None)
    if kind is None:
        notes.add(where, path, "not imported: only secret, configMap, persistentVolumeClaim and emptyDir volumes are "
                               "expressed")
        return None
    source = volume[kind] or {}
    if kind == "emptyDir":
        entry["emptyDir"] = True
        entry.update({key: source[key] for key in ("medium", "sizeLimit") if source.get(key)})
        expressed: tuple[str, ...] = ("medium", "sizeLimit")
    else:
        target, key = VOLUME_SOURCES[kind]
        entry[target] = source[key]
        expressed = (key,)
    for key in sorted(set(source) - set(expressed)):
        notes.add(where, f"{path}.{kind}.{key}", "not expressed")
    for key in sorted(set(volume) - {"name", kind}):
        notes.add(where, f"{path}.{key}", "not expressed")
    for key in sorted(set(mount) - {"name", "mountPath", "readOnly"}):
        notes.add(where, f"{path}: volumeMounts.{key}", "not expressed")
    return entry


def _pod_options(template: Mapping[str, Any], notes: Notes, where: str, path: str) -> dict[str, Any]:
    """A Flink pod template (at `path`) as pod options; what they do not express is noted."""
    metadata, pod = template.get("metadata") or {}, template.get("spec") or {}
    options: dict[str, Any] = {k: dict(metadata[k]) for k in ("labels", "annotations") if metadata.get(k)}
    for key in sorted(set(metadata) - {"labels", "annotations"}):
        notes.add(where, f"{path}.metadata.{key}", "not expressed")
    for key in ("nodeSelector", "tolerations", "affinity"):
        if pod.get(key):
            options[key] = pod[key]
    if pod.get("imagePullSecrets"):
        options["imagePullSecrets"] = [s["name"] for s in pod["imagePullSecrets"]]
    mounts: dict[str, Mapping[str, Any]] = {}
    for container in pod.get("containers") or []:
        if container.get("name") == FLINK_MAIN_CONTAINER:
            main = f"{path}.spec.containers[{FLINK_MAIN_CONTAINER}]"
            env = _env(container.get("env") or [], notes, where, f"{main}.env")
            if env:
                options["env"] = env
            mounts = {m["name"]: m for m in container.get("volumeMounts") or []}
            for key in sorted(set(container) - {"name", "env", "volumeMounts"}):
                notes.add(where, f"{main}.{key}", "not expressed (the platform sets the main container's security "
                                                  "context and resources)")
    sidecar_mounts = {m["name"] for key in ("containers", "initContainers") for c in pod.get(key) or []
                      if c.get("name") != FLINK_MAIN_CONTAINER for m in c.get("volumeMounts") or []}
    volumes = []
    for volume in pod.get("volumes") or []:
        name = volume["name"]
        mount = mounts.pop(name, None) or ({"mountPath": f"/mnt/{name}"} if name in sidecar_mounts else None)
        entry = _volume(volume, mount, notes, where, f"{path}.spec.volumes[{name}]") if mount else None
        if mount is None:
            notes.add(where, f"{path}.spec.volumes[{name}]", "not imported: pod options hold the volumes a container "
                                                              "of this pod template mounts")
        elif entry is None and "mountPath" in mount and name not in sidecar_mounts:
            notes.add(where, f"{path}.spec.containers[{FLINK_MAIN_CONTAINER}].volumeMounts[{name}]",
                      "not imported: its volume is not imported")
        if entry:
            volumes.append(entry)
    for name in sorted(mounts):
        notes.add(where, f"{path}.spec.containers[{FLINK_MAIN_CONTAINER}].volumeMounts[{name}]",
                  "not imported: its volume is not imported (or is another pod template's)")
    if volumes:
        options["volumes"] = volumes
    names = {v["name"] for v in volumes}
    for key, target in (("containers", "sidecars"), ("initContainers", "initContainers")):
        for container in pod.get(key) or []:
            if container.get("name") == FLINK_MAIN_CONTAINER:
                continue
            imported = _container(container, names, notes, where, f"{path}.spec.{key}[{container.get('name')}]")
            if imported:
                options.setdefault(target, []).append(imported)
    for key in sorted(set(pod) - {"nodeSelector", "tolerations", "affinity", "imagePullSecrets", "containers",
                                  "initContainers", "volumes"}):
        notes.add(where, f"{path}.spec.{key}", "not expressed")
    return options


def _env(variables: list[Mapping[str, Any]], notes: Notes, where: str, path: str) -> list[dict[str, Any]]:
    env = []
    for variable in variables:
        source = variable.get("valueFrom") or {}
        if "value" in variable:
            env.append({"name": variable["name"], "value": str(variable["value"])})
        elif "secretKeyRef" in source or "configMapKeyRef" in source:
            ref = "secretKeyRef" if "secretKeyRef" in source else "configMapKeyRef"
            env.append({"name": variable["name"], ref: {k: source[ref][k] for k in ("name", "key")}})
        else:
            notes.add(where, f"{path}[{variable.get('name')}]", "not imported: only value, secretKeyRef and "
                                                                "configMapKeyRef")
    return env


def _container(container: Mapping[str, Any], volumes: set[str], notes: Notes, where: str,
               path: str) -> dict[str, Any] | None:
    """A sidecar or init container as pod options (its security context is the platform's), or None (noted) when
    config would refuse it: no resource requests, or a mount of a volume these pod options lack."""
    requests = (container.get("resources") or {}).get("requests") or {}
    missing = [m["name"] for m in container.get("volumeMounts") or [] if m.get("name") not in volumes]
    if not {"cpu", "memory"} <= set(requests) or missing:
        why = (f"mounts {', '.join(missing)}, not a volume of this pod template" if missing
               else "no cpu and memory requests, which the platform requires (the scheduler places the pod by them)")
        notes.add(where, path, f"not imported: {why}; add it to podOptions by hand")
        return None
    imported: dict[str, Any] = {"name": container.get("name"), "image": container.get("image")}
    imported.update({key: list(container[key]) for key in ("command", "args") if container.get(key)})
    env = _env(container.get("env") or [], notes, where, f"{path}.env")
    if env:
        imported["env"] = env
    if container.get("volumeMounts"):
        imported["volumeMounts"] = [{k: m[k] for k in ("name", "mountPath", "readOnly") if k in m}
                                    for m in container["volumeMounts"]]
    imported["resources"] = container["resources"]
    if container.get("restartPolicy") == "Always":
        imported["restartPolicy"] = "Always"  # a native sidecar (an init container)
    for key in sorted(set(container) - {"name", "image", "command", "args", "env", "volumeMounts", "resources",
                                        "restartPolicy"}):
        notes.add(where, f"{path}.{key}", "not expressed (the platform sets security contexts)")
    return imported


def _typed_value(text: str) -> Any:
    """A `flinkConfiguration` text as the typed setting's value: a boolean, a number, or the text."""
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text
