"""Spark applications a change reruns (a rule of `diff`'s state-safety section, `manifests.state_safety`).

The Spark operator 2.5.2 reruns a SparkApplication on any change of its spec, also one that completed long ago
(kubeflow/spark-operator v2.5.2):
- `internal/controller/sparkapplication/event_filter.go` `EventFilter.Update` (lines 178-209): when the old and new
  spec differ in anything but `suspend` and `timeToLiveSeconds`, it sets the application's state to INVALIDATING,
  whatever its state was (COMPLETED and FAILED included). Only with the `PartialRestart` feature gate (alpha, off by
  default, and rendered off: `--feature-gates=PartialRestart=false`) does a change of nothing but the executor's
  priorityClassName, nodeSelector, tolerations, affinity or schedulerName skip that.
- `controller.go` `reconcileInvalidatingSparkApplication` (lines 534-567): it deletes the driver pod, the UI service
  and ingress (a running run is killed), resets the status (`resetSparkApplicationStatus`, line 1399: submission
  and execution attempts to 0) and moves it to PENDING_RERUN, from which it is submitted again.
So a spec change of an existing SparkApplication is a review finding: a batch that already ran runs again (and writes its
output again), a running one restarts. Labels and annotations (metadata) rerun nothing.

A ScheduledSparkApplication is not flagged: its controller copies `spec.template` into a new SparkApplication when a
run is due (`internal/controller/scheduledsparkapplication/controller.go` `createSparkApplication`, lines 266-296)
and never updates the runs it created, so a template change reaches the next run only.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from manifests.diff import Key
from manifests.state_finding import REVIEW, Finding, few
from manifests.tree import changed_paths

KEPT_FIELDS = frozenset({"spec.suspend", "spec.timeToLiveSeconds"})
"""SparkApplication spec fields the operator changes without a rerun (`EventFilter.Update`)."""


def rerun_fields(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The changed spec fields of a SparkApplication (`old` -> `new`, whole objects) that make the Spark operator
    rerun it: every changed path of `spec` but `KEPT_FIELDS` (a `sparkConf` key is its own path,
    `spec.sparkConf.spark.sql.shuffle.partitions`)."""
    return [path for path in changed_paths(old.get("spec") or {}, new.get("spec") or {}, "spec")
            if path not in KEPT_FIELDS]


def spark_rerun(key: Key, old: dict[str, Any], new: dict[str, Any]) -> Iterator[Finding]:
    """A review finding for a SparkApplication (`key`, base object `old`, head object `new`) whose spec change makes the
    Spark operator 2.5.2 rerun it (`rerun_fields`), naming the changed fields; nothing for other kinds."""
    if key[1] != "SparkApplication":
        return
    fields = rerun_fields(old, new)
    if fields:
        yield Finding(key, few(fields), "the Spark operator reruns the application on any spec change but suspend and "
                      "timeToLiveSeconds, even if it completed: it marks it INVALIDATING, deletes its driver (a running "
                      "run is killed) and submits it again (event_filter.go Update), so a batch that already ran runs "
                      "and writes its output again", REVIEW)
