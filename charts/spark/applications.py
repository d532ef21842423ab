"""Spark applications in namespace `spark`, run by the Kubeflow Spark operator (2.5.2, Spark 4.0).

SparkApplication API: https://www.kubeflow.org/docs/components/spark-operator/user-guide/
S3A: https://hadoop.apache.org/docs/stable/hadoop-aws/tools/hadoop-aws/index.html ;
Iceberg on Spark: https://iceberg.apache.org/docs/latest/spark-configuration/ .
The catalog `rest` points at Polaris. Its credential option is the environment reference
`spark.sql.catalog.rest.credential: env:ICEBERG_CATALOG_CREDENTIAL`, which Iceberg resolves in the driver
from the Secret-backed env var of that name (`manifests.iceberg_env_reference`); applications need no credential code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import cdk8s
import constructs
from cdk8s_plus_27 import k8s

from charts.blocks import pod_security
from charts.blocks.component_chart import ComponentChart
from charts.blocks.crd_enums import member
from charts.blocks.iceberg_catalog import IcebergRestCatalog
from charts.blocks.metadata import Component, ObjectMetadata, SyncWave, api_object_meta, image_tag
from charts.blocks.pod_options import PodOptions
from charts.blocks.pod_spec import PodParts, QuantityTypes, api_env, pod_parts, struct_arguments
from charts.blocks.s3 import S3Access
from config.declaration import checked
from config.names import used_twice
from config.spark_settings import DynamicAllocation, RestartPolicy, Schedule
from imports.io.k8s.sparkoperator import (
    SparkApplication,
    SparkApplicationSpec,
    SparkApplicationSpecDeps,
    SparkApplicationSpecDriver,
    SparkApplicationSpecDriverInitContainersResourcesLimits,
    SparkApplicationSpecDriverInitContainersResourcesRequests,
    SparkApplicationSpecDriverSidecarsResourcesLimits,
    SparkApplicationSpecDriverSidecarsResourcesRequests,
    SparkApplicationSpecDynamicAllocation,
    SparkApplicationSpecExecutor,
    SparkApplicationSpecExecutorInitContainersResourcesLimits,
    SparkApplicationSpecExecutorInitContainersResourcesRequests,
    SparkApplicationSpecExecutorSidecarsResourcesLimits,
    SparkApplicationSpecExecutorSidecarsResourcesRequests,
    SparkApplicationSpecMode,
    SparkApplicationSpecPythonVersion,
    SparkApplicationSpecRestartPolicy,
    SparkApplicationSpecRestartPolicyType,
    SparkApplicationSpecType,
    SparkApplicationSpecVolumesEmptyDirSizeLimit,
)
from upstream import capabilities

CATALOG = "rest"
STATIC_KEYS_PROVIDER = "com.amazonaws.auth.EnvironmentVariableCredentialsProvider"
SPARK_UI_PORT = 4040
"""The driver's UI port, where Spark serves its Prometheus endpoints (Spark monitoring docs, "Executor Metrics")."""
PROMETHEUS_PATH = "/metrics/prometheus"
PROMETHEUS_CONF = {
    "spark.ui.prometheus.enabled": "true",
    "spark.metrics.conf.*.sink.prometheusServlet.class": "org.apache.spark.metrics.sink.PrometheusServlet",
    "spark.metrics.conf.*.sink.prometheusServlet.path": PROMETHEUS_PATH,
}
"""Spark's own Prometheus endpoints on the driver's UI (https://spark.apache.org/docs/4.0.0/monitoring.html#metrics):
the PrometheusServlet sink for the driver's metrics and the executors' metrics at /metrics/executors/prometheus."""
DRIVER_QUANTITIES = QuantityTypes(
    SparkApplicationSpecDriverSidecarsResourcesRequests.from_string,
    SparkApplicationSpecDriverSidecarsResourcesLimits.from_string,
    SparkApplicationSpecDriverInitContainersResourcesRequests.from_string,
    SparkApplicationSpecDriverInitContainersResourcesLimits.from_string,
    SparkApplicationSpecVolumesEmptyDirSizeLimit.from_string)
EXECUTOR_QUANTITIES = QuantityTypes(
    SparkApplicationSpecExecutorSidecarsResourcesRequests.from_string,
    SparkApplicationSpecExecutorSidecarsResourcesLimits.from_string,
    SparkApplicationSpecExecutorInitContainersResourcesRequests.from_string,
    SparkApplicationSpecExecutorInitContainersResourcesLimits.from_string,
    SparkApplicationSpecVolumesEmptyDirSizeLimit.from_string)
"""The quantity classes of the driver's and the executors' pods (`charts.blocks.pod_spec`; the volumes are the
spec's, shared by both roles)."""
ICEBERG_JARS = ("local:///opt/spark/extra-jars/iceberg-aws-bundle-1.10.1.jar",
                "local:///opt/spark/extra-jars/iceberg-spark-runtime-4.0_2.13-1.10.1.jar")
"""Iceberg's Spark runtime and AWS bundle (1.10.1) inside the Spark image."""


@dataclass(frozen=True)
class DriverProps:
    """The driver pod: `cores` (whole cores), `memory` its JVM memory in Spark format (`512m`, `2g`)."""

    cores: int = 1
    memory: str = "512m"


@dataclass(frozen=True)
class ExecutorProps:
    """The executor pods: `instances`, `cores` per executor (whole cores), `memory` per executor in Spark format."""

    instances: int = 1
    cores: int = 1
    memory: str = "512m"


@dataclass(frozen=True)
class SparkApplicationProps:
    """A SparkApplication (https://www.kubeflow.org/docs/components/spark-operator/user-guide/api-docs/).

    Attributes:
        name: SparkApplication name (a DNS-1035 label of at most 63 characters).
        main_application_file: the main file's URI (`s3a://<bucket>/<path>`, `local:///opt/app.py`).
        type: the application's language, `Python`, `Scala` or `Java` (the CRD's `type`).
        main_class: the main class of a Scala or Java application (required: `SPARK_MAIN_CLASS_PROBLEM`).
        image, spark_version: this application's image and its Spark version (None: the chart's, `SparkProps`).
        arguments: the application's arguments.
        jars: extra JARs; `files` (working directory) and `py_files` (PYTHONPATH): URIs the Spark operator's
            spark-submit passes through untouched in its controller pod (`local://` inside the image; `http(s)://`
            and `ftp://`, which the driver pod downloads: `upstream.capabilities.SPARK_OPERATOR`), not `s3a://`.
        driver, executor: sizes.
        spark_conf, hadoop_conf: further properties over the platform's (`spark_conf`); config refuses the keys the
            platform or a typed field sets.
        dynamic_allocation: None (or not `enabled`): `executor.instances` executors.
        restart_policy: when the operator reruns it (`restart_policy`).
        schedule: None: a SparkApplication, run once; else a ScheduledSparkApplication whose runs have this spec.
        The three groups are the value types of `config.spark_settings`, which the configuration shares.
        pod_options: the shared pod-options model, for both roles (the Spark operator's webhook applies them:
            labels, annotations, nodeSelector, tolerations, affinity, env, volumes and their mounts, sidecars, init
            containers, the user), and the pull secrets.
        metadata: the object's own labels and annotations (under the platform's).
        prometheus: Spark's Prometheus endpoints on the driver's UI port (`PROMETHEUS_CONF`), announced with the
            `prometheus.io/*` annotations on the driver pod when `scrape_annotations`.

    Raises:
        ValueError: a jar, file or Python file the operator's spark-submit cannot fetch
            (`capabilities.spark_dependency_problem`), or a Maven package setting in `spark_conf`
            (`capabilities.SPARK_PACKAGE_CONF`: `SPARK_PACKAGES_PROBLEM`), or a Scala or Java application without
            `main_class` (`capabilities.SPARK_MAIN_CLASS_PROBLEM`); a group the configuration would refuse
            (`config.declaration.checked`: executor bounds out of order, a cron expression or time zone the
            operator's controller refuses).
    """

    name: str
    main_application_file: str
    type: Literal["Python", "Scala", "Java"] = "Python"
    main_class: str | None = None
    image: str | None = None
    spark_version: str | None = None
    arguments: tuple[str, ...] = ()
    jars: tuple[str, ...] = ICEBERG_JARS
    driver: DriverProps = field(default_factory=DriverProps)
    executor: ExecutorProps = field(default_factory=ExecutorProps)
    files: tuple[str, ...] = ()
    py_files: tuple[str, ...] = ()
    spark_conf: Mapping[str, str] = field(default_factory=dict)
    hadoop_conf: Mapping[str, str] = field(default_factory=dict)
    dynamic_allocation: DynamicAllocation | None = None
    restart_policy: RestartPolicy = field(default_factory=RestartPolicy)
    schedule: Schedule | None = None
    pod_options: PodOptions = field(default_factory=PodOptions)
    prometheus: bool = False
    scrape_annotations: bool = True
    metadata: ObjectMetadata = field(default_factory=ObjectMetadata)

    def __post_init__(self) -> None:
        for what, group in (("dynamicAllocation", self.dynamic_allocation), ("restartPolicy", self.restart_policy),
                            ("schedule", self.schedule)):
            if group is not None:
                checked(f"SparkApplication {self.name}: {what}", group)
        problems = [p for uri in (*self.jars, *self.files, *self.py_files)
                    if (p := capabilities.spark_dependency_problem(uri))]
        problems += [f"sparkConf {key}: {capabilities.SPARK_PACKAGES_PROBLEM}" for key in sorted(self.spark_conf)
                     if key in capabilities.SPARK_PACKAGE_CONF]
        if self.type in capabilities.JAR_TYPES and not self.main_class:
            problems.append(capabilities.SPARK_MAIN_CLASS_PROBLEM)
        if problems:
            raise ValueError(f"SparkApplication {self.name}: " + "; ".join(problems))


@dataclass(frozen=True)
class SparkProps:
    """Spark in one namespace: `image` (Spark 4.0 with the AWS SDK and Iceberg), `spark_version` (the CRD's
    `sparkVersion`) and the `applications`, all run with that image.

    Raises:
        ValueError: two applications of one name.
    """

    image: str = "spark-iceberg-s3:0.1.0"
    spark_version: str = "4.0.2"
    applications: tuple[SparkApplicationProps, ...] = ()

    def __post_init__(self) -> None:
        repeated = used_twice(app.name for app in self.applications)
        if repeated:
            raise ValueError(f"SparkApplication names used twice: {', '.join(repeated)}")


def spark_conf(s3: S3Access, catalog: IcebergRestCatalog) -> dict[str, str]:
    """`sparkConf` for S3A (`spark.hadoop.fs.s3a.*`: the credentials provider, the endpoint and path-style access
    of `S3Access.s3a`, path-style off on AWS S3) and the Iceberg REST catalog `rest` (sorted)."""
    s3a = {
        "impl": "org.apache.hadoop.fs.s3a.S3AFileSystem",
        "path.style.access": "false",
        **s3.s3a(web_identity_provider=capabilities.SPARK_S3.web_identity_provider),
    }
    if s3.keys:
        s3a["aws.credentials.provider"] = STATIC_KEYS_PROVIDER
    if s3.endpoint:
        s3a["endpoint.region"] = s3.region
    conf = {
        **{f"spark.hadoop.fs.s3a.{key}": value for key, value in s3a.items()},
        "spark.driver.userClassPathFirst": "false",
        "spark.executor.userClassPathFirst": "false",
        "spark.sql.extensions": "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions",
        "spark.sql.defaultCatalog": CATALOG,
        f"spark.sql.catalog.{CATALOG}": "org.apache.iceberg.spark.SparkCatalog",
        f"spark.sql.catalog.{CATALOG}.type": "rest",
        f"spark.sql.catalog.{CATALOG}.token-refresh-enabled": "true",
    }
    conf.update({f"spark.sql.catalog.{CATALOG}.{k}": v for k, v in catalog.properties().items()})
    return dict(sorted(conf.items()))


NEVER_RESTART = SparkApplicationSpecRestartPolicy(type=SparkApplicationSpecRestartPolicyType.NEVER)
"""The operator's `restartPolicy` Never (no resubmission either), built once."""


def restart_policy(restart: RestartPolicy) -> SparkApplicationSpecRestartPolicy:
    """The `restartPolicy` of `restart`: Never with submission retries as OnFailure with `onFailureRetries: 0`
    (`config.spark_settings.RestartPolicy`), the limits for OnFailure only, the intervals for OnFailure and Always."""
    kind = restart.type
    if kind == "Never" and not restart.on_submission_failure_retries:
        return NEVER_RESTART
    limited = kind != "Always"
    return SparkApplicationSpecRestartPolicy(
        type=member(SparkApplicationSpecRestartPolicyType, "OnFailure" if kind == "Never" else kind),
        on_failure_retries=(0 if kind == "Never" else restart.on_failure_retries) if limited else None,
        on_failure_retry_interval=restart.on_failure_retry_interval,
        on_submission_failure_retries=restart.on_submission_failure_retries if limited else None,
        on_submission_failure_retry_interval=restart.on_submission_failure_retry_interval)


def application_spec(props: SparkApplicationProps, *, image: str, spark_version: str, account: str,
                     shared: SharedSettings) -> SparkApplicationSpec:
    """The SparkApplication spec of `props` (cluster mode, restricted driver and executor pods), as a generated
    struct: the spec of a SparkApplication, and the template of a ScheduledSparkApplication's runs."""
    deps = {"jars": list(props.jars) or None, "files": list(props.files) or None,
            "py_files": list(props.py_files) or None}
    allocation = props.dynamic_allocation if props.dynamic_allocation and props.dynamic_allocation.enabled else None
    options = props.pod_options
    driver_parts = pod_parts(options, pod_security.SPARK, DRIVER_QUANTITIES)
    executor_parts = pod_parts(options, pod_security.SPARK, EXECUTOR_QUANTITIES)
    run_as = options.run_as or pod_security.SPARK
    security = shared.security if options.run_as is None else _security(run_as)
    return SparkApplicationSpec(
        type=member(SparkApplicationSpecType, props.type),
        python_version=SparkApplicationSpecPythonVersion.VALUE_3 if props.type == "Python" else None,
        mode=SparkApplicationSpecMode.CLUSTER,
        image=image,
        image_pull_policy="IfNotPresent",
        main_application_file=props.main_application_file,
        main_class=props.main_class,
        arguments=list(props.arguments) or None,
        spark_version=spark_version,
        deps=SparkApplicationSpecDeps(**deps) if any(deps.values()) else None,
        spark_conf=dict(sorted({**shared.spark_conf, **(PROMETHEUS_CONF if props.prometheus else {}),
                                **props.spark_conf}.items())) if props.spark_conf or props.prometheus
        else shared.spark_conf,
        hadoop_conf=dict(sorted(props.hadoop_conf.items())) or None,
        dynamic_allocation=SparkApplicationSpecDynamicAllocation(
            enabled=True, initial_executors=allocation.initial_executors, min_executors=allocation.min_executors,
            max_executors=allocation.max_executors, shuffle_tracking_enabled=True,
            shuffle_tracking_timeout=allocation.shuffle_tracking_timeout) if allocation else None,
        restart_policy=restart_policy(props.restart_policy),
        image_pull_secrets=list(options.image_pull_secrets) or None,
        volumes=driver_parts.volumes or None,
        driver=SparkApplicationSpecDriver(
            cores=props.driver.cores,
            memory=props.driver.memory,
            service_account=account,
            **security,
            **_role_fields(driver_parts, shared.env, _driver_annotations(props, driver_parts)),
        ),
        executor=SparkApplicationSpecExecutor(
            instances=props.executor.instances,
            service_account=account,
            cores=props.executor.cores,
            memory=props.executor.memory,
            **security,
            **_role_fields(executor_parts, shared.env, executor_parts.annotations or None),
        ),
    )


def _driver_annotations(props: SparkApplicationProps, parts: PodParts) -> dict[str, str] | None:
    """The driver pod's annotations: the pod options', and the scrape annotations of its Prometheus endpoint."""
    scrape = {"prometheus.io/scrape": "true", "prometheus.io/port": str(SPARK_UI_PORT),
              "prometheus.io/path": PROMETHEUS_PATH} if props.prometheus and props.scrape_annotations else {}
    return {**parts.annotations, **scrape} or None


def _role_fields(parts: PodParts, platform_env: list[dict[str, Any]],
                 annotations: dict[str, str] | None) -> dict[str, Any]:
    """The pod options a Spark role (`driver`, `executor`) takes as fields of its own, as keyword arguments: labels,
    `annotations`, nodeSelector, tolerations, affinity, the main container's env (`platform_env` first) and mounts,
    sidecars and init containers (the Spark operator's webhook puts them into the pod)."""
    return {"labels": parts.labels or None, "annotations": annotations,
            "node_selector": parts.node_selector or None, "tolerations": parts.tolerations or None,
            "affinity": struct_arguments(parts.affinity) if parts.affinity else None,
            "env": [*platform_env, *parts.env], "volume_mounts": parts.mounts or None,
            "sidecars": parts.sidecars or None, "init_containers": parts.init_containers or None}


def _security(run_as: pod_security.RunAs) -> dict[str, Any]:
    """The pod and container security contexts of both roles for `run_as` (with its declared exception)."""
    return {"pod_security_context": pod_security.pod_security_context_props(run_as),
            "security_context": pod_security.container_security_context_props(run_as)}


def _account(service_account: k8s.KubeServiceAccount | str) -> str:
    return service_account if isinstance(service_account, str) else service_account.name


class SparkJob(SparkApplication):  # type: ignore[misc]  # bindings are not type-checked (pyproject)
    """One SparkApplication (cluster mode) with restricted driver and executor pods: the generated API object itself
    (one construct per application, one round trip to the jsii runtime).

    Props: `namespace`; `props`; `image` and `spark_version` (`SparkProps`); `service_account`, the drivers' and
    executors' ServiceAccount (as `SparkChart`'s); `shared`, what every application of the chart has alike
    (`SharedSettings`: computed once per chart).
    """

    def __init__(self, scope: constructs.Construct, id: str, *, namespace: str, props: SparkApplicationProps,
                 image: str, spark_version: str, service_account: k8s.KubeServiceAccount | str,
                 shared: SharedSettings):
        component = Component("spark-application", props.name, image_tag(image), "batch-job")
        super().__init__(
            scope, id,
            metadata=api_object_meta(props.name, namespace, component, SyncWave.JOBS, own=props.metadata),
            spec=application_spec(props, image=image, spark_version=spark_version,
                                  account=_account(service_account), shared=shared),
        )


class ScheduledSparkJob(cdk8s.ApiObject):
    """A ScheduledSparkApplication: `props.schedule`, and as the template of its runs the spec a
    `SparkJob` of the same props has (rendered with the generated SparkApplication's `manifest`, so
    both kinds share one spec builder; the pinned CRD validates the object, no binding of its own is imported).
    Props as `SparkJob`'s.

    Raises:
        ValueError: `props.schedule` is None.
    """

    def __init__(self, scope: constructs.Construct, id: str, *, namespace: str, props: SparkApplicationProps,
                 image: str, spark_version: str, service_account: k8s.KubeServiceAccount | str,
                 shared: SharedSettings):
        schedule = props.schedule
        if schedule is None:
            raise ValueError(f"ScheduledSparkApplication {props.name}: no schedule")
        component = Component("spark-application", props.name, image_tag(image), "scheduled-batch-job")
        meta = api_object_meta(props.name, namespace, component, SyncWave.JOBS, own=props.metadata)
        super().__init__(scope, id, api_version="sparkoperator.k8s.io/v1beta2", kind="ScheduledSparkApplication",
                         metadata=meta)
        template = SparkApplication.manifest(metadata=cdk8s.ApiObjectMetadata(name=props.name), spec=application_spec(
            props, image=image, spark_version=spark_version, account=_account(service_account), shared=shared))
        spec: dict[str, Any] = {
            "concurrencyPolicy": schedule.concurrency_policy,
            "failedRunHistoryLimit": schedule.failed_run_history_limit,
            "schedule": schedule.cron,
            "successfulRunHistoryLimit": schedule.successful_run_history_limit,
            "suspend": schedule.suspend,
            "template": template["spec"],
        }
        if schedule.time_zone is not None:
            spec["timeZone"] = schedule.time_zone
        self.add_json_patch(cdk8s.JsonPatch.add("/spec", dict(sorted(spec.items()))))


@dataclass(frozen=True)
class SharedSettings:
    """What every SparkApplication of a chart has alike, built once: `spark_conf` (S3A and the Iceberg catalog), the
    drivers' and executors' env in API form (catalog credential, S3), the restricted pod and container security contexts."""

    spark_conf: dict[str, str]
    env: list[dict[str, Any]]
    security: dict[str, Any]

    @staticmethod
    def of(s3: S3Access, catalog: IcebergRestCatalog) -> SharedSettings:
        """The settings of applications that use `s3` and `catalog`."""
        envs = [catalog.credential_env(), *s3.env()]
        run_as = pod_security.SPARK
        return SharedSettings(
            spark_conf=spark_conf(s3, catalog),
            env=api_env(envs),
            security=_security(run_as))


class SparkChart(ComponentChart):
    """Namespace `spark`: one `SparkJob` per application, or a `ScheduledSparkJob`
    for an application with a schedule.

    Props: `namespace`; `props`; `service_account`, the drivers' and executors' ServiceAccount: the object the
    Spark operator created in this namespace (`SparkOperator.driver_service_accounts`), or the name of one that
    exists before apply (an operator installed otherwise); `s3`; `catalog`.
    """

    def __init__(self, scope: constructs.Construct, id: str, *, namespace: str, props: SparkProps,
                 service_account: k8s.KubeServiceAccount | str, s3: S3Access, catalog: IcebergRestCatalog):
        super().__init__(scope, id, namespace=namespace)
        shared = SharedSettings.of(s3, catalog)
        account = _account(service_account)  # once: each read of a construct's name is a round trip to jsii
        for app in props.applications:
            kind = SparkJob if app.schedule is None else ScheduledSparkJob
            kind(self, app.name, namespace=namespace, props=app, image=app.image or props.image,
                 spark_version=app.spark_version or props.spark_version, service_account=account, shared=shared)
