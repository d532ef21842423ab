"""The entry point of `import`: each input document by kind into the config fragment (`import_manifests`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from manifests.manifest_import.flink import flink_deployment, session_job, state_snapshot
from manifests.manifest_import.notes import Imported
from manifests.manifest_import.reading import object_metadata
from manifests.manifest_import.spark import scheduled_spark_application, spark_application

IMPORTED_KINDS = ("FlinkDeployment", "FlinkSessionJob", "FlinkStateSnapshot", "SparkApplication",
                  "ScheduledSparkApplication")
"""The kinds import reads; other objects are noted and skipped."""

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
            deployment = {"name": name, **object_metadata(document, result.notes, where),
                          **flink_deployment(spec, result.notes, where)}
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
                {"name": name, **object_metadata(document, result.notes, where),
                 **session_job(spec, sessions, result.notes, where)})
        elif kind == "FlinkStateSnapshot":
            snapshot = state_snapshot(name, spec, jobs, result.notes, where)
            if snapshot is None:
                continue
            result.flink.setdefault("snapshots", []).append(snapshot)
        else:
            if namespace not in (None, "spark"):
                result.notes.add(where, "metadata.namespace", f"{namespace!r}: imported into the Spark namespace "
                                                              "(namespaces.spark)")
            application = (spark_application(spec, result.notes, where, "spec") if kind == "SparkApplication"
                           else scheduled_spark_application(spec, result.notes, where))
            result.spark.setdefault("applications", []).append(
                {"name": name, **object_metadata(document, result.notes, where), **application})
        seen.add((kind.removeprefix("Scheduled"), name))
    return result
