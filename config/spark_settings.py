"""The value types of a SparkApplication's settings groups, shared by the configuration and the constructs: its
cron schedule, dynamic allocation and restart policy (Kubeflow Spark operator 2.5.2, api/v1beta2).

Each is one frozen, cdk8s-free dataclass declared once with `setting(default=...)`: the Python default is also the
file default the schema and the reference show. The loader builds them from `spark.applications[*]` and reports
their `problems()` at the key; `charts.spark.applications.SparkApplicationProps` takes them as fields and raises the
same problems for values built without a file (`config.declaration.checked`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from config.declaration import setting, value_type
from config.loading import Problem
from upstream.cron import schedule_problem


@value_type
class Schedule:
    """When the application runs (a ScheduledSparkApplication instead of a SparkApplication; Spark operator 2.5.2
    api/v1beta2/scheduledsparkapplication_types.go)."""

    cron: str = setting(min_length=1)
    """Cron schedule as the Spark operator's controller reads it (robfig/cron: five fields, or @every <duration>,
    @hourly, @daily, ...).
    """

    time_zone: str | None = setting(default=None)
    """Time zone of the schedule (UTC, Local or an IANA name such as Europe/Stockholm). null: the controller's default,
    Local (the operator pod's zone).
    """

    concurrency_policy: Literal["Allow", "Forbid", "Replace"] = setting(default="Forbid")
    """What happens when a run is due while the previous one still runs: Allow (both run), Forbid (skip the new run),
    Replace (stop the old run).
    """

    suspend: bool = setting(default=False)
    """Suspend later runs (a running one finishes)."""

    successful_run_history_limit: int = setting(default=1, minimum=0)
    """Finished successful runs (SparkApplications) kept."""

    failed_run_history_limit: int = setting(default=1, minimum=0)
    """Failed runs kept, for their logs and status."""

    def problems(self) -> Iterator[Problem]:
        """A schedule and time zone the Spark operator's controller accepts (`upstream.cron.schedule_problem`:
        robfig/cron v3's standard parser, Go's IANA time zones), so that no ScheduledSparkApplication is rendered
        that ends in FailedValidation and never runs."""
        zone = schedule_problem("@daily", self.time_zone or "")
        if zone is not None:
            yield Problem("timeZone", f"{self.time_zone!r}: {zone[1]}")
        cron = schedule_problem(self.cron, "UTC" if zone else self.time_zone or "")  # both at once
        if cron is not None:
            yield Problem("cron", f"{self.cron!r}: {cron[1]}")


@value_type
class DynamicAllocation:
    """Dynamic allocation of executors (Spark operator DynamicAllocation: spark.dynamicAllocation.*; with shuffle
    tracking, as Kubernetes has no external shuffle service)."""

    enabled: bool = setting(default=True)
    """Scale executors with the workload."""

    initial_executors: int | None = setting(default=None, minimum=0)
    """Executors at start (the larger of this and executor.instances). null: Spark's default (minExecutors)."""

    min_executors: int = setting(default=0, minimum=0)
    """Fewest executors."""

    max_executors: int = setting(default=4, minimum=1)
    """Most executors."""

    shuffle_tracking_timeout: int | None = setting(default=None, minimum=0)
    """Milliseconds an idle executor holding shuffle data is kept (spark.dynamicAllocation.shuffleTracking.timeout).
    null: Spark's default (keep it as long as its shuffle data is needed).
    """

    def problems(self) -> Iterator[Problem]:
        """Executor bounds in order: minExecutors <= initialExecutors <= maxExecutors."""
        if self.min_executors > self.max_executors:
            yield Problem("minExecutors", f"{self.min_executors} is above maxExecutors {self.max_executors}")
        initial = self.initial_executors
        if initial is not None and not self.min_executors <= initial <= self.max_executors:
            yield Problem("initialExecutors", f"{initial} is outside minExecutors..maxExecutors "
                                              f"({self.min_executors}..{self.max_executors})")


@value_type
class RestartPolicy:
    """When the Spark operator reruns the application (api/v1beta2 RestartPolicy; pkg/util/sparkapplication.go
    ShouldRetry, TimeUntilNextRetryDue: the wait is the interval times the attempts so far)."""

    type: Literal["Never", "OnFailure", "Always"] = setting(default="Never")
    """Never (no rerun of a run; a failed submission, which ran nothing, is still resubmitted
    onSubmissionFailureRetries times: rendered as OnFailure with onFailureRetries 0), OnFailure (up to the retries
    below) or Always (a streaming application).
    """

    on_failure_retries: int = setting(default=3, minimum=0)
    """OnFailure: reruns after the application failed."""

    on_failure_retry_interval: int = setting(default=10, minimum=1)
    """OnFailure, Always: seconds between reruns after a failure (times the attempts so far)."""

    on_submission_failure_retries: int = setting(default=3, minimum=0)
    """Never, OnFailure: resubmissions after spark-submit failed (nothing ran: e.g. the operator's fail-closed webhook
    was not serving yet). 0 with Never: the operator's own Never, which leaves a failed submission failed.
    """

    on_submission_failure_retry_interval: int = setting(default=20, minimum=1)
    """Never, OnFailure, Always: seconds between resubmissions (times the attempts so far)."""
