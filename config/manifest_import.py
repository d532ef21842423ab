"""`import`: existing FlinkDeployment, FlinkSessionJob, FlinkStateSnapshot, SparkApplication and
ScheduledSparkApplication manifests as environment config.

`python main.py import FILE...` prints a YAML fragment of `flink:` settings (deployments, jobs, snapshots) and
`spark:` settings (applications) that,
deep-merged into an environment file (mappings merged, lists appended), renders objects of the same kind and name
whose specs hold every field of the input with the same value, except what the platform owns (state directories
on S3, the catalog store), which import reports on stderr with everything else it could not express or adds.
This is how teams with existing manifests adopt the platform. Field meanings: the operator 1.14 CRD reference
(https://nightlies.apache.org/flink/flink-kubernetes-operator-docs-release-1.14/docs/custom-resource/reference/);
the Spark operator 2.5.2 API (https://www.kubeflow.org/docs/components/spark-operator/user-guide/api-docs/).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from config.flink_keys import flink_keys
from config.flink_options import (
    AUTOSCALER,
    CATALOG_STORE_KIND,
    CATALOG_STORE_PATH,
    CHECKPOINT_DIR,
    CHECKPOINTING,
    DEPRECATED_NAMES,
    FLINK_MAIN_CONTAINER,
    HA_STORAGE_DIR,
    HA_TYPE,
    PERIODIC_SNAPSHOTS,
    RESTART_STRATEGY_KEYS,
    SAVEPOINT_DIR,
    TASK_SLOTS,
    as_text,
)
from config.loading import camel
from config.spark import PLATFORM_SPARK_CONF, SPARK_DENIED_CONF, TYPED_SPARK_CONF, matches

OWNED_BY_PLATFORM = (CHECKPOINT_DIR, SAVEPOINT_DIR, HA_STORAGE_DIR, CATALOG_STORE_KIND, CATALOG_STORE_PATH)
TYPED_SECTIONS = (("checkpointing", CHECKPOINTING), ("periodicSnapshots", PERIODIC_SNAPSHOTS),
                  ("restartStrategy", RESTART_STRATEGY_KEYS), ("autoscaler", AUTOSCALER))
"""The typed settings a FlinkDeployment's `flinkConfiguration` is read into: config section, field name -> key."""
JOB_FIELDS = ("entryClass", "args", "parallelism", "upgradeMode", "state", "savepointTriggerNonce",
              "checkpointTriggerNonce", "initialSavepointPath", "allowNonRestoredState", "savepointRedeployNonce")


@dataclass
class Imported:
    """The config fragment (`flink`) and what import reports: `notes` (one line per field it could not express,
    replaced or added)."""

    flink: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    spark: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

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


def import_manifests(documents: Iterable[Mapping[str, Any]]) -> Imported:
    """The config of every FlinkDeployment, FlinkSessionJob and FlinkStateSnapshot in `documents`; other kinds are
    noted and skipped."""
    result = Imported()
    documents = [d for d in documents if d]
    sessions = {d["metadata"]["name"] for d in documents
                if d.get("kind") == "FlinkDeployment" and not (d.get("spec") or {}).get("job")}
    for document in documents:
        kind, name = document.get("kind"), str((document.get("metadata") or {}).get("name"))
        where = f"{kind}/{name}"
        namespace = (document.get("metadata") or {}).get("namespace")
        team = namespace not in (None, "flink")
        spec = document.get("spec") or {}
        if kind == "FlinkDeployment":
            deployment = _deployment(name, spec, result.notes, where)
            if team:  # an existing namespace of the team's: rendered into, not created
                deployment = {"name": name, "namespace": namespace, **{k: v for k, v in deployment.items() if k != "name"}}
                teams = result.flink.setdefault("teamNamespaces", [])
                if {"name": namespace, "create": False} not in teams:
                    teams.append({"name": namespace, "create": False})
                    result.notes.append(f"{where}: metadata.namespace: {namespace!r} imported as an existing team "
                                        "namespace; list it in flinkOperator.watchNamespaces unless that is empty")
            result.flink.setdefault("deployments", []).append(deployment)
        elif kind == "FlinkSessionJob":
            result.flink.setdefault("jobs", []).append(_session_job(name, spec, sessions, result.notes, where))
        elif kind == "FlinkStateSnapshot":
            result.flink.setdefault("snapshots", []).append(_snapshot(name, spec, result.notes, where))
        elif kind in ("SparkApplication", "ScheduledSparkApplication"):
            if namespace not in (None, "spark"):
                result.notes.append(f"{where}: metadata.namespace: {namespace!r}: imported into the Spark namespace "
                                    "(namespaces.spark)")
            result.spark.setdefault("applications", []).append(
                _spark_application(name, spec, result.notes, where) if kind == "SparkApplication"
                else _scheduled_spark_application(name, spec, result.notes, where))
        else:
            result.notes.append(f"{where}: skipped: import reads FlinkDeployment, FlinkSessionJob, FlinkStateSnapshot, "
                                "SparkApplication, ScheduledSparkApplication")
    return result


def _job(job: Mapping[str, Any], notes: list[str], where: str) -> dict[str, Any]:
    imported: dict[str, Any] = {"jarPath": job["jarURI"]} if job.get("jarURI") else {}
    if not job.get("jarURI"):
        notes.append(f"{where}: spec.job.jarURI: missing; the platform needs the job's JAR (set jarPath)")
    imported.update({key: job[key] for key in JOB_FIELDS if key in job})
    for key in sorted(set(job) - {"jarURI", *JOB_FIELDS}):
        notes.append(f"{where}: spec.job.{key}: not expressed")
    return imported


def _deployment(name: str, spec: Mapping[str, Any], notes: list[str], where: str) -> dict[str, Any]:
    renames = {**flink_keys().renames(), **DEPRECATED_NAMES}
    conf = _current_names(flatten(spec.get("flinkConfiguration") or {}), renames, notes, where)
    imported: dict[str, Any] = {"name": name}
    for key in ("image", "flinkVersion"):
        if key in spec:
            imported[key] = spec[key]
    if spec.get("serviceAccount") not in (None, "flink"):
        imported["serviceAccount"] = spec["serviceAccount"]
    for role in ("jobManager", "taskManager"):
        part: Mapping[str, Any] = spec.get(role) or {}
        target: dict[str, Any] = {}
        resource = part.get("resource") or {}
        target.update({k: resource[k] for k in ("memory", "cpu") if k in resource})
        if "replicas" in part:
            target["replicas"] = part["replicas"]
        if role == "taskManager" and TASK_SLOTS in conf:
            target["taskSlots"] = int(conf.pop(TASK_SLOTS))
        if part.get("podTemplate"):
            target["podOptions"] = _pod_options(part["podTemplate"], notes, f"{where}: spec.{role}.podTemplate")
        for key in sorted(set(resource) - {"memory", "cpu"}):
            notes.append(f"{where}: spec.{role}.resource.{key}: not expressed")
        if target:
            imported[role] = target
    ha = conf.pop(HA_TYPE, "none").lower() in ("kubernetes", "zookeeper")
    imported["highAvailability"] = ha
    for key in OWNED_BY_PLATFORM:
        if key in conf:
            notes.append(f"{where}: flinkConfiguration.{key}: {conf.pop(key)!r} replaced: the platform keeps state "
                         "and catalogs in its own places (s3://<flink bucket>/{checkpoints,savepoints,ha}/<name>)")
    imported.update(_typed_sections(conf, TYPED_SECTIONS))
    if conf:
        imported["flinkConfiguration"] = conf
    for key in ("logConfiguration", "ingress"):
        if spec.get(key):
            imported[key] = spec[key]
    if spec.get("podTemplate"):
        imported["podOptions"] = _pod_options(spec["podTemplate"], notes, f"{where}: spec.podTemplate")
    imported["job"] = _job(spec["job"], notes, where) if spec.get("job") else None
    for key in sorted(set(spec) - {"image", "flinkVersion", "serviceAccount", "jobManager", "taskManager",
                                   "flinkConfiguration", "logConfiguration", "ingress", "podTemplate", "job"}):
        notes.append(f"{where}: spec.{key}: not expressed")
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


def _spark_application(name: str, spec: Mapping[str, Any], notes: list[str], where: str) -> dict[str, Any]:
    """A SparkApplication spec as a `spark.applications` entry; what the platform owns or cannot express is noted."""
    imported: dict[str, Any] = {"name": name, **{key: spec[key] for key in SPARK_FIELDS if key in spec}}
    restart = dict(spec.get("restartPolicy") or {})
    if restart.get("type", "Never") == "Never":  # the operator's Never (its default) never resubmits; the platform's does
        imported["restartPolicy"] = {**restart, "type": "Never", "onSubmissionFailureRetries": 0}
    for key, value in SPARK_RENDERED.items():
        if key in spec and spec[key] != value:
            notes.append(f"{where}: spec.{key}: {spec[key]!r}: the platform renders {value!r}")
    if spec.get("type") == "Python" and str(spec.get("pythonVersion", "3")) != "3":
        notes.append(f"{where}: spec.pythonVersion: {spec['pythonVersion']!r}: the platform renders '3'")
    deps = spec.get("deps") or {}
    for key in ("jars", "files", "pyFiles"):
        if deps.get(key):
            imported[key] = deps[key]
    if "jars" in imported:
        notes.append(f"{where}: spec.deps.jars: kept as they are, without the platform's Iceberg jars "
                     "(spark.applications[].jars default): the image must put Iceberg on the classpath, as the "
                     "platform's catalog settings need it")
    for key in sorted(set(deps) - {"jars", "files", "pyFiles"}):
        notes.append(f"{where}: spec.deps.{key}: not expressed")
    conf = dict(spec.get("sparkConf") or {})
    for key in sorted(conf):
        if key in SPARK_DENIED_CONF or matches(key, tuple(TYPED_SPARK_CONF)) or matches(key, PLATFORM_SPARK_CONF):
            notes.append(f"{where}: spec.sparkConf.{key}: {conf.pop(key)!r} not imported: the platform or a typed "
                         "field sets it, or the operator refuses it")
    if conf:
        imported["sparkConf"] = conf
    hadoop = dict(imported.get("hadoopConf") or {})
    for key in sorted(k for k in hadoop if k.startswith("fs.s3a.")):
        notes.append(f"{where}: spec.hadoopConf.{key}: {hadoop.pop(key)!r} not imported: the platform sets S3A")
    if "hadoopConf" in imported:
        imported["hadoopConf"] = hadoop
    for role, keys in SPARK_ROLE_FIELDS.items():
        part: Mapping[str, Any] = spec.get(role) or {}
        if any(key in part for key in keys):
            imported[role] = {key: part[key] for key in keys if key in part}
        if part.get("serviceAccount") not in (None, "spark-operator-spark"):
            notes.append(f"{where}: spec.{role}.serviceAccount: {part['serviceAccount']!r}: one ServiceAccount per "
                         "Spark namespace (spark.serviceAccount)")
        for key in sorted(set(part) - {*keys, "serviceAccount", "securityContext", "podSecurityContext"}):
            notes.append(f"{where}: spec.{role}.{key}: not expressed")
    allocation = spec.get("dynamicAllocation") or {}
    if allocation.get("enabled"):
        imported["dynamicAllocation"] = {key: allocation[key] for key in (
            "initialExecutors", "minExecutors", "maxExecutors", "shuffleTrackingTimeout") if key in allocation}
        if allocation.get("shuffleTrackingEnabled") is False:
            notes.append(f"{where}: spec.dynamicAllocation.shuffleTrackingEnabled: false: the platform turns shuffle "
                         "tracking on (Kubernetes has no external shuffle service)")
    for key in sorted(set(spec) - {*SPARK_FIELDS, *SPARK_RENDERED, "pythonVersion", "deps", "sparkConf", "driver",
                                   "executor", "dynamicAllocation"}):
        notes.append(f"{where}: spec.{key}: not expressed")
    return imported


def _scheduled_spark_application(name: str, spec: Mapping[str, Any], notes: list[str], where: str) -> dict[str, Any]:
    """A ScheduledSparkApplication: its template as an application, with its schedule."""
    imported = _spark_application(name, spec.get("template") or {}, notes, f"{where}: template")
    imported["schedule"] = {target: spec[key] for key, target in SCHEDULE_FIELDS.items() if key in spec}
    if "concurrencyPolicy" not in spec:
        imported["schedule"]["concurrencyPolicy"] = "Allow"  # the CRD's default; the platform's is Forbid
    for key in sorted(set(spec) - {*SCHEDULE_FIELDS, "template"}):
        notes.append(f"{where}: spec.{key}: not expressed")
    return imported


def _session_job(name: str, spec: Mapping[str, Any], sessions: set[str], notes: list[str],
                 where: str) -> dict[str, Any]:
    imported = {"name": name, **_job(spec.get("job") or {}, notes, where)}
    cluster = spec.get("deploymentName")
    if cluster in sessions:
        imported["sessionCluster"] = cluster
    elif cluster != "flink-session":
        notes.append(f"{where}: spec.deploymentName: {cluster!r} is not among the imported session clusters: the job "
                     "runs on the platform's session cluster unless you add it (flink.deployments with job: null)")
    autoscaler_names = {old: new for old, new in DEPRECATED_NAMES.items() if new in AUTOSCALER.values()}
    conf = _current_names(flatten(spec.get("flinkConfiguration") or {}), autoscaler_names, None, where)
    imported.update(_typed_sections(conf, (("autoscaler", AUTOSCALER),)))
    for key in sorted(conf):
        notes.append(f"{where}: spec.flinkConfiguration.{key}: not expressed for session jobs (only the autoscaler)")
    return imported


def _snapshot(name: str, spec: Mapping[str, Any], notes: list[str], where: str) -> dict[str, Any]:
    imported: dict[str, Any] = {"name": name, "job": (spec.get("jobReference") or {}).get("name")}
    if spec.get("checkpoint") is not None:
        imported["kind"] = "checkpoint"
    savepoint = spec.get("savepoint") or {}
    renames = {"path": "path", "alreadyExists": "alreadyExists", "formatType": "formatType",
               "disposeOnDelete": "disposeOnDelete"}
    imported.update({renames[k]: v for k, v in savepoint.items() if k in renames})
    if "backoffLimit" in spec:
        imported["backoffLimit"] = spec["backoffLimit"]
    return imported


def _pod_options(template: Mapping[str, Any], notes: list[str], where: str) -> dict[str, Any]:
    metadata, pod = template.get("metadata") or {}, template.get("spec") or {}
    options: dict[str, Any] = {k: dict(metadata[k]) for k in ("labels", "annotations") if metadata.get(k)}
    for key in ("nodeSelector", "tolerations", "affinity"):
        if pod.get(key):
            options[key] = pod[key]
    if pod.get("imagePullSecrets"):
        options["imagePullSecrets"] = [s["name"] for s in pod["imagePullSecrets"]]
    mounts: dict[str, Mapping[str, Any]] = {}
    for container in pod.get("containers") or []:
        if container.get("name") != FLINK_MAIN_CONTAINER:
            options.setdefault("sidecars", []).append(_container(container, notes, f"{where}: containers"))
            continue
        env = _env(container.get("env") or [], notes, where)
        if env:
            options["env"] = env
        mounts = {m["name"]: m for m in container.get("volumeMounts") or []}
        for key in sorted(set(container) - {"name", "env", "volumeMounts"}):
            notes.append(f"{where}: containers[{FLINK_MAIN_CONTAINER}].{key}: not expressed (the platform sets the main "
                         "container's security context and resources)")
    for container in pod.get("initContainers") or []:
        options.setdefault("initContainers", []).append(_container(container, notes, f"{where}: initContainers"))
    sidecar_mounts = {m["name"] for key in ("containers", "initContainers") for c in pod.get(key) or []
                      if c.get("name") != FLINK_MAIN_CONTAINER for m in c.get("volumeMounts") or []}
    volumes = []
    for volume in pod.get("volumes") or []:
        mount = mounts.get(volume["name"]) or ({"mountPath": f"/mnt/{volume['name']}"}
                                               if volume["name"] in sidecar_mounts else None)
        sources = {"secret": ("secret", "secretName"), "configMap": ("configMap", "name"),
                   "persistentVolumeClaim": ("persistentVolumeClaim", "claimName")}
        found = next(((target, volume[kind][key]) for kind, (target, key) in sources.items() if kind in volume), None)
        if mount is None or (found is None and "emptyDir" not in volume):
            notes.append(f"{where}: volumes {volume['name']!r}: only secret, configMap, persistentVolumeClaim and "
                         "emptyDir volumes mounted by the main container are expressed")
            continue
        entry: dict[str, Any] = {"name": volume["name"], "mountPath": mount["mountPath"]}
        if mount.get("readOnly"):
            entry["readOnly"] = True
        if found:
            entry[found[0]] = found[1]
        else:
            entry["emptyDir"] = True
        volumes.append(entry)
    if volumes:
        options["volumes"] = volumes
    for key in sorted(set(pod) - {"nodeSelector", "tolerations", "affinity", "imagePullSecrets", "containers",
                                  "initContainers", "volumes"}):
        notes.append(f"{where}: spec.{key}: not expressed")
    return options


def _env(variables: list[Mapping[str, Any]], notes: list[str], where: str) -> list[dict[str, Any]]:
    env = []
    for variable in variables:
        source = variable.get("valueFrom") or {}
        if "value" in variable:
            env.append({"name": variable["name"], "value": str(variable["value"])})
        elif "secretKeyRef" in source or "configMapKeyRef" in source:
            ref = "secretKeyRef" if "secretKeyRef" in source else "configMapKeyRef"
            env.append({"name": variable["name"], ref: {k: source[ref][k] for k in ("name", "key")}})
        else:
            notes.append(f"{where}: env {variable.get('name')!r}: only value, secretKeyRef and configMapKeyRef")
    return env


def _container(container: Mapping[str, Any], notes: list[str], where: str) -> dict[str, Any]:
    """A sidecar or init container as pod options; its security context is the platform's."""
    name = container.get("name")
    imported: dict[str, Any] = {"name": name, "image": container.get("image")}
    imported.update({key: list(container[key]) for key in ("command", "args") if container.get(key)})
    env = _env(container.get("env") or [], notes, f"{where} {name!r}")
    if env:
        imported["env"] = env
    if container.get("volumeMounts"):
        imported["volumeMounts"] = [{k: m[k] for k in ("name", "mountPath", "readOnly") if k in m}
                                    for m in container["volumeMounts"]]
    if container.get("resources"):
        imported["resources"] = container["resources"]
    if container.get("restartPolicy") == "Always":
        imported["restartPolicy"] = "Always"  # a native sidecar (an init container)
    for key in sorted(set(container) - {"name", "image", "command", "args", "env", "volumeMounts", "resources",
                                        "restartPolicy"}):
        notes.append(f"{where} {name!r}: {key}: not expressed (the platform sets security contexts)")
    return imported


def _current_names(conf: dict[str, str], renames: Mapping[str, str], notes: list[str] | None,
                   where: str) -> dict[str, str]:
    """`conf` with the older names in `renames` replaced by their current ones (the current wins where both are set,
    as in Flink); each rename noted when `notes` is given."""
    for old, new in renames.items():
        if old in conf:
            if notes is not None:
                notes.append(f"{where}: flinkConfiguration.{old}: imported as {new} (its Flink 1.20 name)")
            conf.setdefault(new, conf.pop(old))
    return conf


def _typed_sections(conf: dict[str, str], sections: Iterable[tuple[str, Mapping[str, str]]]) -> dict[str, Any]:
    """`{section: {setting: value}}` for the keys of `conf` that typed sections hold (taken out of `conf`)."""
    imported: dict[str, Any] = {}
    for section, keys in sections:
        values = {camel(name): _typed_value(conf.pop(key)) for name, key in keys.items() if key in conf}
        if values:
            imported[section] = values
    return imported


def _typed_value(text: str) -> Any:
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text
