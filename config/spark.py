"""`spark`: the Spark namespace's SparkApplications (Kubeflow Spark operator 2.5.2:
https://www.kubeflow.org/docs/components/spark-operator/user-guide/api-docs/)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, ClassVar, Literal

from config.common import Image, KubernetesName, climbs_out, is_uri, object_metadata_problems
from config.declaration import section, setting
from config.flink_rules import RuleProblem
from config.loading import Problem, repeats
from config.pod_options import PodOptionsConfig
from config.spark_settings import DynamicAllocation, RestartPolicy, Schedule
from upstream.capabilities import (
    JAR_TYPES,
    SPARK_MAIN_CLASS_PROBLEM,
    SPARK_PACKAGE_CONF,
    SPARK_PACKAGES_PROBLEM,
    spark_dependency_problem,
)
from upstream.spark_options import (
    SCHEDULED_NAME_MAX,
    SPARK_CONTAINERS,
    SPARK_DENIED_CONF,
    SPARK_LOCAL_DIR_PREFIX,
    dependency_uris,
    matches,
)


def denied_conf_problems(keys: Iterable[str]) -> list[RuleProblem]:
    """The sparkConf keys among `keys` (in their order) that the Spark operator's webhook refuses
    (`SPARK_DENIED_CONF`): the one check config and `validate` both run. `where` is the key, `message` config's text,
    `upstream` the text `validate` reports."""
    return [RuleProblem(key, f"the Spark operator refuses it: {SPARK_DENIED_CONF[key]}",
                        f"sparkConf key {key!r} is not allowed: {SPARK_DENIED_CONF[key]}")
            for key in keys if key in SPARK_DENIED_CONF]

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


@section
class SparkApplicationConfig:
    """A SparkApplication (https://www.kubeflow.org/docs/components/spark-operator/user-guide/)."""

    DEFINITION: ClassVar[str] = "sparkApplication"
    GROUPS: ClassVar[Mapping[str, Mapping[str, Any]]] = {
        "driver": {"description": "Driver pod size.", "default": {}},
        "executor": {"description": "Executor pods.", "default": {}},
    }

    name: str = setting(
        pattern="^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$", max_length=63,
        error="is not a SparkApplication name (a DNS-1035 label: lower-case letters, digits and '-', starting with a letter, at most 63 characters: the Spark operator's rule)")
    """SparkApplication name."""

    labels: dict[str, str] = setting({})
    """Labels of the SparkApplication (or ScheduledSparkApplication) itself (not of its pods: podOptions.labels); the
    platform's own (app.kubernetes.io/*, lakehouse.dev/*) are refused.
    """

    annotations: dict[str, str] = setting({})
    """Annotations of the SparkApplication (or ScheduledSparkApplication) itself (not of its pods:
    podOptions.annotations); the platform's own (argocd.argoproj.io/*, lakehouse.dev/*) are refused.
    """

    type: Literal["Python", "Scala", "Java"] = setting("Python")
    """Application language."""

    main_application_file: str = setting(
        pattern="^([a-z][a-z0-9+.-]*://\\S+|[^/\\s:][^\\s:]*)$",
        error="is not a relative path inside the Spark bucket, nor a URI (scheme://...)")
    """The main file: a path inside the Spark bucket (objectStore.buckets.spark; e.g. job-artifacts/ingest.py becomes
    s3a://<spark bucket>/job-artifacts/ingest.py), or a URI with a scheme (s3a://other-bucket/app.py,
    local:///opt/app.py), used as is.
    """

    main_class: str | None = setting(None)
    """Main class (Scala/Java: required, as without it the Spark operator's spark-submit opens the JAR in its
    controller pod to read its Main-Class, and cannot).
    """

    image: Image | None = setting(None)
    """Image of this application (Spark 4.0 with the AWS SDK and Iceberg). null: spark.image."""

    spark_version: str | None = setting(
        None, pattern="^[0-9]+\\.[0-9]+\\.[0-9]+$", error="is not a Spark version (e.g. 4.0.2)")
    """Spark version of the image (sparkVersion). null: spark.sparkVersion."""

    arguments: tuple[str, ...] = setting([], items={"type": "string", "description": "One entry."})
    """Application arguments."""

    jars: tuple[str, ...] = setting(
        ["local:///opt/spark/extra-jars/iceberg-aws-bundle-1.10.1.jar", "local:///opt/spark/extra-jars/iceberg-spark-runtime-4.0_2.13-1.10.1.jar"],
        items={"type": "string", "description": "One entry."})
    """Extra JARs (URIs: local:// inside the image, or https://, http://, ftp://, which the driver pod downloads at
    start: it needs egress to the host, a proxy in sparkConf spark.driver.extraJavaOptions (-Dhttps.proxyHost=...
    -Dhttps.proxyPort=...) and the server's CA in the image's Java truststore; executors get them from the driver).
    Not s3a:// or a path: the Spark operator runs spark-submit in its controller pod, which opens those itself and
    cannot (upstream/capabilities.py SPARK_OPERATOR).
    """

    driver_cores: int = setting(1, key="driver.cores", minimum=1)
    """Driver cores."""

    driver_memory: str = setting(
        "512m", key="driver.memory", pattern="^[0-9]+[kmgt]$", error="is not a Spark memory size (e.g. 512m, 2g)")
    """Driver JVM memory (Spark format, e.g. 512m)."""

    executor_instances: int = setting(1, key="executor.instances", minimum=1)
    """Executor count."""

    executor_cores: int = setting(1, key="executor.cores", minimum=1)
    """Cores per executor."""

    executor_memory: str = setting(
        "512m", key="executor.memory", pattern="^[0-9]+[kmgt]$", error="is not a Spark memory size (e.g. 512m, 2g)")
    """Executor JVM memory (Spark format)."""

    files: tuple[str, ...] = setting(
        [],
        items={"type": "string", "description": "One entry.", "pattern": "^[a-z][a-z0-9+.-]*://\\S+$", "x-error": "is not a URI (local:///path, https://host/path)"})
    """Files placed in the working directory of the driver and every executor (URIs: https://, http://, ftp://,
    downloaded by the driver pod at start as jars are; a local:// file stays where the image has it). Not s3a://:
    the Spark operator's spark-submit opens it in its controller pod and cannot; read it from the application
    instead.
    """

    py_files: tuple[str, ...] = setting(
        [],
        items={"type": "string", "description": "One entry.", "pattern": "^[a-z][a-z0-9+.-]*://\\S+$", "x-error": "is not a URI (local:///path, https://host/path)"})
    """Python files, zips or eggs added to the PYTHONPATH (URIs: local:// inside the image, or https://, http://,
    ftp://, downloaded by the driver pod at start as jars are). Not s3a://: the Spark operator's spark-submit opens
    it in its controller pod and cannot; use an image of the application (image) or SparkContext.addPyFile.
    """

    spark_conf: dict[str, str] = setting(
        {}, property_names={"pattern": "^spark\\.", "x-error": "is not a Spark property (spark.*)"})
    """Further Spark properties (sparkConf); keys the platform writes (S3A, the Iceberg catalog rest), keys of typed
    fields (driver, executor, dynamicAllocation), keys the Spark operator refuses and Maven packages
    (spark.jars.packages, spark.jars.repositories, spark.jars.excludes, spark.jars.ivy, spark.jars.ivySettings:
    resolved with Ivy in the operator's controller pod; bake the jars into the image) are refused.
    """

    hadoop_conf: dict[str, str] = setting({})
    """Further Hadoop properties (hadoopConf, written as spark.hadoop.<key>); fs.s3a.* keys are the platform's and
    refused.
    """

    dynamic_allocation: DynamicAllocation | None = setting(None)
    """Dynamic allocation of executors. null: executor.instances executors."""

    restart_policy: RestartPolicy = setting({})
    """When the Spark operator reruns the application."""

    prometheus: bool = setting(False)
    """Expose Spark's own Prometheus metrics on the driver's UI port 4040 (the PrometheusServlet sink at
    /metrics/prometheus, executor metrics at /metrics/executors/prometheus: spark.ui.prometheus.enabled), announced
    on the driver pod with metrics.scrape's annotations.
    """

    pod_options: PodOptionsConfig = setting({})
    """Pod options of the driver and executor pods (the shared model: labels, annotations, nodeSelector, tolerations,
    affinity, imagePullSecrets, env, volumes, sidecars, init containers, runAs), applied by the Spark operator's
    webhook.
    """

    node_pool: str | None = setting(
        None, pattern="^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", max_length=63,
        error="is not a node pool name (a DNS-1123 subdomain, at most 63 characters: it is also a label value)")
    """A nodePools entry the driver and executors run on (its nodeSelector and toleration are added). null: any node."""

    schedule: Schedule | None = setting(None)
    """Run on a schedule: renders a ScheduledSparkApplication (whose runs are SparkApplications of this spec). null:
    one SparkApplication, run once.
    """

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
        denied = {problem.where: problem for problem in denied_conf_problems(self.spark_conf)}
        for key in sorted(self.spark_conf):
            if key in denied:
                yield Problem(f"sparkConf.{key}", denied[key].message)
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


@section
class SparkConfig:
    """Spark namespace: image and applications."""

    image: Image = setting("spark-iceberg-s3:0.1.0")
    """Spark 4.0 image with the AWS SDK and Iceberg."""

    spark_version: str = setting("4.0.2")
    """Spark version."""

    service_account: KubernetesName = setting("spark-operator-spark")
    """Driver ServiceAccount (created by the Spark operator's job-namespace RBAC)."""

    applications: tuple[SparkApplicationConfig, ...] = setting([])
    """SparkApplications."""

    def problems(self) -> Iterator[Problem]:
        """SparkApplication names used once."""
        yield from repeats("applications", ((f"applications[{i}]", a.name) for i, a in enumerate(self.applications)),
                           "duplicate SparkApplication name '{name}'")
