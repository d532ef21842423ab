"""`spark`: the Spark namespace's SparkApplications (Kubeflow Spark operator 2.5.2:
https://www.kubeflow.org/docs/components/spark-operator/user-guide/api-docs/)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from config.common import climbs_out, is_uri, object_metadata_problems
from config.loading import Problem, repeats
from config.pod_options import PodOptionsConfig
from upstream.capabilities import (
    JAR_TYPES,
    SPARK_MAIN_CLASS_PROBLEM,
    SPARK_PACKAGE_CONF,
    SPARK_PACKAGES_PROBLEM,
    spark_dependency_problem,
)
from upstream.cron import schedule_problem
from upstream.spark_options import (
    SCHEDULED_NAME_MAX,
    SPARK_CONTAINERS,
    SPARK_DENIED_CONF,
    SPARK_LOCAL_DIR_PREFIX,
    dependency_uris,
    matches,
)

PLATFORM_SPARK_CONF = ("spark.hadoop.fs.s3a.", "spark.sql.catalog.rest", "spark.sql.catalog.rest.",
                       "spark.sql.extensions", "spark.sql.defaultCatalog", "spark.driver.userClassPathFirst",
                       "spark.executor.userClassPathFirst")
"""sparkConf keys (or prefixes, ending in `.`) the platform writes (S3A access and the Iceberg catalog `rest`:
charts/spark/applications.py `spark_conf`): a passthrough may not change them."""

TYPED_SPARK_CONF = {
    "spark.dynamicAllocation.": "dynamicAllocation",
    "spark.ui.prometheus.enabled": "prometheus", "spark.metrics.conf.*.sink.prometheusServlet.": "prometheus",
    "spark.driver.cores": "driver.cores", "spark.driver.memory": "driver.memory",
    "spark.executor.instances": "executor.instances", "spark.executor.cores": "executor.cores",
    "spark.executor.memory": "executor.memory", "spark.kubernetes.namespace": "the namespace",
    "spark.jars": "jars", "spark.files": "files", "spark.submit.pyFiles": "pyFiles",
}
"""sparkConf keys (or prefixes, ending in `.`) set from typed fields, and the field to use instead."""


@dataclass(frozen=True)
class ScheduleConfig:
    """When the application runs (a ScheduledSparkApplication instead of a SparkApplication; Spark operator 2.5.2
    api/v1beta2/scheduledsparkapplication_types.go)."""

    cron: str
    """Cron schedule as the Spark operator's controller reads it (robfig/cron: five fields, or @every <duration>,
    @hourly, @daily, ...)."""

    time_zone: str | None
    """Time zone of the schedule (UTC, Local or an IANA name such as Europe/Stockholm). null: the controller's
    default, Local (the operator pod's zone). Default: `null`."""

    concurrency_policy: Literal["Allow", "Forbid", "Replace"]
    """What happens when a run is due while the previous one still runs: Allow (both run), Forbid (skip the new
    run), Replace (stop the old run). Default: `"Forbid"`."""

    suspend: bool
    """Suspend later runs (a running one finishes). Default: `false`."""

    successful_run_history_limit: int
    """Finished successful runs (SparkApplications) kept. Default: `1`."""

    failed_run_history_limit: int
    """Failed runs kept, for their logs and status. Default: `1`."""

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


@dataclass(frozen=True)
class DynamicAllocationConfig:
    """Dynamic allocation of executors (Spark operator DynamicAllocation: spark.dynamicAllocation.*; with shuffle
    tracking, as Kubernetes has no external shuffle service)."""

    enabled: bool
    """Scale executors with the workload. Default: `true`."""

    initial_executors: int | None
    """Executors at start (the larger of this and executor.instances). null: Spark's default (minExecutors). Default:
    `null`."""

    min_executors: int
    """Fewest executors. Default: `0`."""

    max_executors: int
    """Most executors. Default: `4`."""

    shuffle_tracking_timeout: int | None
    """Milliseconds an idle executor holding shuffle data is kept (spark.dynamicAllocation.shuffleTracking.timeout).
    null: Spark's default (keep it as long as its shuffle data is needed). Default: `null`."""

    def problems(self) -> Iterator[Problem]:
        """Executor bounds in order: minExecutors <= initialExecutors <= maxExecutors."""
        if self.min_executors > self.max_executors:
            yield Problem("minExecutors", f"{self.min_executors} is above maxExecutors {self.max_executors}")
        initial = self.initial_executors
        if initial is not None and not self.min_executors <= initial <= self.max_executors:
            yield Problem("initialExecutors", f"{initial} is outside minExecutors..maxExecutors "
                                              f"({self.min_executors}..{self.max_executors})")


@dataclass(frozen=True)
class RestartPolicyConfig:
    """When the Spark operator reruns the application (api/v1beta2 RestartPolicy; pkg/util/sparkapplication.go
    ShouldRetry, TimeUntilNextRetryDue: the wait is the interval times the attempts so far)."""

    type: Literal["Never", "OnFailure", "Always"]
    """Never (no rerun of a run; a failed submission, which ran nothing, is still resubmitted
    onSubmissionFailureRetries times: rendered as OnFailure with onFailureRetries 0), OnFailure (up to the retries
    below) or Always (a streaming application). Default: `"Never"`.
    """

    on_failure_retries: int
    """OnFailure: reruns after the application failed. Default: `3`."""

    on_failure_retry_interval: int
    """OnFailure, Always: seconds between reruns after a failure (times the attempts so far). Default: `10`."""

    on_submission_failure_retries: int
    """Never, OnFailure: resubmissions after spark-submit failed (nothing ran: e.g. the operator's fail-closed webhook
    was not serving yet). 0 with Never: the operator's own Never, which leaves a failed submission failed. Default:
    `3`.
    """

    on_submission_failure_retry_interval: int
    """Never, OnFailure, Always: seconds between resubmissions (times the attempts so far). Default: `20`."""


@dataclass(frozen=True)
class SparkApplicationConfig:
    """A SparkApplication. Memory in Spark format (`512m`)."""

    name: str
    """SparkApplication name."""

    labels: dict[str, str]
    """Labels of the SparkApplication (or ScheduledSparkApplication) itself (not of its pods: podOptions.labels); the
    platform's own (app.kubernetes.io/*, lakehouse.dev/*) are refused.
    """

    annotations: dict[str, str]
    """Annotations of the SparkApplication (or ScheduledSparkApplication) itself (not of its pods:
    podOptions.annotations); the platform's own (argocd.argoproj.io/*, lakehouse.dev/*) are refused.
    """

    type: Literal["Python", "Scala", "Java"]
    """Application language. Default: `"Python"`."""

    main_application_file: str
    """The main file: a path inside the Spark bucket (objectStore.buckets.spark; e.g. job-artifacts/ingest.py becomes
    s3a://<spark bucket>/job-artifacts/ingest.py), or a URI with a scheme (s3a://other-bucket/app.py,
    local:///opt/app.py), used as is.
    """

    main_class: str | None
    """Main class (Scala/Java: required, as without it the Spark operator's spark-submit opens the JAR in its
    controller pod to read its Main-Class, and cannot). Default: `null`.
    """

    image: str | None
    """Image of this application (Spark 4.0 with the AWS SDK and Iceberg). null: spark.image. Default: `null`."""

    spark_version: str | None
    """Spark version of the image (sparkVersion). null: spark.sparkVersion. Default: `null`."""

    arguments: tuple[str, ...]
    """Application arguments. Default: `[]`."""

    jars: tuple[str, ...]
    """Extra JARs (URIs: local:// inside the image, or https://, http://, ftp://, which the driver pod downloads at
    start: it needs egress to the host, a proxy in sparkConf spark.driver.extraJavaOptions (-Dhttps.proxyHost=...
    -Dhttps.proxyPort=...) and the server's CA in the image's Java truststore; executors get them from the driver).
    Not s3a:// or a path: the Spark operator runs spark-submit in its controller pod, which opens those itself and
    cannot (config/capabilities.py SPARK_OPERATOR). Default:
    `["local:///opt/spark/extra-jars/iceberg-aws-bundle-1.10.1.jar",
    "local:///opt/spark/extra-jars/iceberg-spark-runtime-4.0_2.13-1.10.1.jar"]`.
    """

    driver_cores: int = field(metadata={"key": "driver.cores"})
    """Driver cores. Default: `1`."""

    driver_memory: str = field(metadata={"key": "driver.memory"})
    """Driver JVM memory (Spark format, e.g. 512m). Default: `"512m"`."""

    executor_instances: int = field(metadata={"key": "executor.instances"})
    """Executor count. Default: `1`."""

    executor_cores: int = field(metadata={"key": "executor.cores"})
    """Cores per executor. Default: `1`."""

    executor_memory: str = field(metadata={"key": "executor.memory"})
    """Executor JVM memory (Spark format). Default: `"512m"`."""

    files: tuple[str, ...]
    """Files placed in the working directory of the driver and every executor (URIs: https://, http://, ftp://,
    downloaded by the driver pod at start as jars are; a local:// file stays where the image has it). Not s3a://:
    the Spark operator's spark-submit opens it in its controller pod and cannot; read it from the application
    instead. Default: `[]`.
    """

    py_files: tuple[str, ...]
    """Python files, zips or eggs added to the PYTHONPATH (URIs: local:// inside the image, or https://, http://,
    ftp://, downloaded by the driver pod at start as jars are). Not s3a://: the Spark operator's spark-submit opens
    it in its controller pod and cannot; use an image of the application (image) or SparkContext.addPyFile. Default:
    `[]`.
    """

    spark_conf: dict[str, str]
    """Further Spark properties (sparkConf); keys the platform writes (S3A, the Iceberg catalog rest), keys of typed
    fields (driver, executor, dynamicAllocation), keys the Spark operator refuses and Maven packages
    (spark.jars.packages, spark.jars.repositories, spark.jars.excludes, spark.jars.ivy, spark.jars.ivySettings:
    resolved with Ivy in the operator's controller pod; bake the jars into the image) are refused.
    """

    hadoop_conf: dict[str, str]
    """Further Hadoop properties (hadoopConf, written as spark.hadoop.<key>); fs.s3a.* keys are the platform's and
    refused.
    """

    dynamic_allocation: DynamicAllocationConfig | None
    """Dynamic allocation of executors. null: executor.instances executors. Default: `null`."""

    restart_policy: RestartPolicyConfig
    """When the Spark operator reruns the application."""

    prometheus: bool
    """Expose Spark's own Prometheus metrics on the driver's UI port 4040 (the PrometheusServlet sink at
    /metrics/prometheus, executor metrics at /metrics/executors/prometheus: spark.ui.prometheus.enabled), announced
    on the driver pod with metrics.scrape's annotations. Default: `false`."""

    pod_options: PodOptionsConfig
    """Pod options of the driver and executor pods (the shared model: labels, annotations, nodeSelector, tolerations,
    affinity, imagePullSecrets, env, volumes, sidecars, init containers, runAs), applied by the Spark operator's
    webhook."""

    node_pool: str | None
    """A nodePools entry the driver and executors run on (its nodeSelector and toleration are added). null: any node.
    Default: `null`."""

    schedule: ScheduleConfig | None
    """Run on a schedule: renders a ScheduledSparkApplication (whose runs are SparkApplications of this spec).
    null: one SparkApplication, run once. Default: `null`."""

    def problems(self) -> Iterator[Problem]:
        """A Scala or Java application without mainClass; a main file path with a `..` segment; passthrough keys
        that are the platform's, a typed field's or refused by the operator; a scheduled application's name short
        enough for its runs' names."""
        yield from object_metadata_problems(self.labels, self.annotations)
        if self.type in JAR_TYPES and not self.main_class:
            yield Problem("mainClass", SPARK_MAIN_CLASS_PROBLEM)
        if not is_uri(self.main_application_file) and climbs_out(self.main_application_file):
            yield Problem("mainApplicationFile", f"'{self.main_application_file}' climbs out of the Spark bucket "
                                                 "('..'): give a path inside it, or a URI")
        if self.schedule is not None and len(self.name) > SCHEDULED_NAME_MAX:
            yield Problem("name", f"'{self.name}' has {len(self.name)} characters: a scheduled application's runs "
                                  f"are named <name>-<19-digit timestamp>, which must stay a 63-character DNS label, "
                                  f"so at most {SCHEDULED_NAME_MAX}")
        for key in sorted(self.spark_conf):
            if key in SPARK_DENIED_CONF:
                yield Problem(f"sparkConf.{key}", f"the Spark operator refuses it: {SPARK_DENIED_CONF[key]}")
            elif key in SPARK_PACKAGE_CONF:
                yield Problem(f"sparkConf.{key}", SPARK_PACKAGES_PROBLEM)
            elif typed := matches(key, tuple(TYPED_SPARK_CONF)):
                yield Problem(f"sparkConf.{key}", f"set by {TYPED_SPARK_CONF[typed]}; use that field")
            elif matches(key, PLATFORM_SPARK_CONF):
                yield Problem(f"sparkConf.{key}", "the platform sets it (S3A and the Iceberg catalog rest): not "
                                                  "overridable")
        options = self.pod_options
        for kind, containers in (("sidecars", options.sidecars), ("initContainers", options.init_containers)):
            for index, container in enumerate(containers):
                if container.name in SPARK_CONTAINERS:
                    yield Problem(f"podOptions.{kind}[{index}].name", f"'{container.name}' is Spark's own container: "
                                                                      "the operator's webhook skips a container of that name")
        for index, volume in enumerate(options.volumes):
            if volume.name.startswith(SPARK_LOCAL_DIR_PREFIX) and not volume.empty_dir:
                yield Problem(f"podOptions.volumes[{index}].name", f"'{volume.name}': a {SPARK_LOCAL_DIR_PREFIX}* volume is "
                                                                   "Spark's scratch space, which the operator passes to "
                                                                   "spark-submit only as an emptyDir")
        for name, uris in (("jars", self.jars), ("files", self.files), ("pyFiles", self.py_files)):
            for index, uri in enumerate(uris):
                if problem := spark_dependency_problem(uri):
                    yield Problem(f"{name}[{index}]", problem)
        for uri in dependency_uris(self.spark_conf.get("spark.archives", "")):
            if problem := spark_dependency_problem(uri):
                yield Problem("sparkConf.spark.archives", problem)
        for key in sorted(self.hadoop_conf):
            if key.startswith("fs.s3a."):
                yield Problem(f"hadoopConf.{key}", "the platform sets S3A (spark.hadoop.fs.s3a.*): not overridable")


@dataclass(frozen=True)
class SparkConfig:
    """Spark namespace: image and applications."""

    image: str
    """Spark 4.0 image with the AWS SDK and Iceberg. Default: `"spark-iceberg-s3:0.1.0"`."""

    spark_version: str
    """Spark version. Default: `"4.0.2"`."""

    service_account: str
    """Driver ServiceAccount (created by the Spark operator's job-namespace RBAC). Default: `"spark-operator-spark"`."""

    applications: tuple[SparkApplicationConfig, ...]
    """SparkApplications. Default: `[]`."""

    def problems(self) -> Iterator[Problem]:
        """SparkApplication names used once."""
        yield from repeats("applications", ((f"applications[{i}]", a.name) for i, a in enumerate(self.applications)),
                           "duplicate SparkApplication name '{name}'")
