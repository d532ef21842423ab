"""SparkApplication and ScheduledSparkApplication objects as `spark.applications` entries."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from config.spark import PLATFORM_SPARK_CONF, TYPED_SPARK_CONF
from manifests.manifest_import.notes import Notes
from manifests.manifest_import.pods import pod_volume
from manifests.manifest_import.reading import schema_problem
from upstream.flink_options import as_text
from upstream.spark_options import SPARK_DENIED_CONF, matches

SPARK_FIELDS = ("type", "mainApplicationFile", "mainClass", "arguments", "image", "sparkVersion", "hadoopConf",
                "restartPolicy")
"""SparkApplication spec fields imported as they are."""

SPARK_RENDERED = {"mode": "cluster", "imagePullPolicy": "IfNotPresent"}
"""What the platform renders for every SparkApplication (and the Python version 3 of Python applications)."""

SPARK_ROLE_FIELDS = {"driver": ("cores", "memory"), "executor": ("instances", "cores", "memory")}

SCHEDULE_FIELDS = {"schedule": "cron", "timeZone": "timeZone", "concurrencyPolicy": "concurrencyPolicy",
                   "suspend": "suspend", "successfulRunHistoryLimit": "successfulRunHistoryLimit",
                   "failedRunHistoryLimit": "failedRunHistoryLimit"}

def spark_application(spec: Mapping[str, Any], notes: Notes, where: str, base: str) -> dict[str, Any]:
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
        entry = pod_volume(volume, mount, notes, where, f"{base}.volumes[{name}]")
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

def scheduled_spark_application(spec: Mapping[str, Any], notes: Notes, where: str) -> dict[str, Any]:
    """A ScheduledSparkApplication: its template as an application, with its schedule."""
    imported = spark_application(spec.get("template") or {}, notes, where, "spec.template")
    imported["schedule"] = {target: spec[key] for key, target in SCHEDULE_FIELDS.items() if key in spec}
    if "concurrencyPolicy" not in spec:
        imported["schedule"]["concurrencyPolicy"] = "Allow"  # the CRD's default; the platform's is Forbid
    for key in sorted(set(spec) - {*SCHEDULE_FIELDS, "template"}):
        notes.add(where, f"spec.{key}", "not expressed")
    return imported
