"""What Spark 4.0 and the Kubeflow Spark operator 2.5.2 define about a SparkApplication's `sparkConf`, dependencies,
container and volume names (kubeflow/spark-operator v2.5.2, https://github.com/kubeflow/spark-operator): the keys its
webhook refuses, the dependency lists spark-submit reads, the names Spark gives its containers and scratch volumes, and
the longest name of a scheduled application. Config, `validate` and `import` read them.
"""

from __future__ import annotations

from collections.abc import Iterator

SPARK_DENIED_CONF: dict[str, str] = {
    "spark.kubernetes.authenticate.driver.serviceAccountName": "configure the service account via the CRD spec instead",
    "spark.kubernetes.authenticate.executor.serviceAccountName": "configure the service account via the CRD spec instead",
    **{key: "authentication credentials are managed by the operator" for key in (
        "spark.kubernetes.authenticate.oauthTokenFile", "spark.kubernetes.authenticate.oauthToken",
        "spark.kubernetes.authenticate.driver.oauthTokenFile", "spark.kubernetes.authenticate.driver.oauthToken",
        "spark.kubernetes.authenticate.executor.oauthTokenFile", "spark.kubernetes.authenticate.executor.oauthToken")},
    "spark.master": "this value is managed by the operator",
    "spark.kubernetes.driver.master": "this value is managed by the operator",
    "spark.kubernetes.container.image": "use the image field on the CRD instead",
    "spark.kubernetes.driver.container.image": "use the image field on the CRD instead",
    "spark.kubernetes.executor.container.image": "use the image field on the CRD instead",
}
"""sparkConf keys the Spark operator 2.5.2 webhook refuses, with its reason (internal/webhook/sparkconf_validator.go
deniedSparkConfKeys); `spark.kubernetes.namespace` must also equal the application's namespace."""

DEPENDENCIES = ("jars", "files", "pyFiles", "archives")
"""The SparkApplication's `deps` lists the operator passes to spark-submit as --jars, --files, --py-files, --archives
(kubeflow/spark-operator v2.5.2 internal/controller/sparkapplication/submission.go dependenciesOption)."""
DEPENDENCY_CONF = ("spark.jars", "spark.files", "spark.submit.pyFiles", "spark.archives")
"""sparkConf keys spark-submit reads the same lists from when the options are absent (Spark 4.0
SparkSubmitArguments.loadEnvironmentArguments): comma-separated URIs."""


def dependency_uris(value: str) -> list[str]:
    """The URIs of a comma-separated dependency list (Spark's Utils.stringToSeq: trimmed, empty entries dropped)."""
    return [uri.strip() for uri in value.split(",") if uri.strip()]


SPARK_CONTAINERS = ("spark-kubernetes-driver", "spark-kubernetes-executor")
"""The names Spark gives its driver and executor containers; the operator's webhook skips a sidecar or init container
of either name (internal/webhook/sparkpod_defaulter.go hasContainer)."""
SPARK_LOCAL_DIR_PREFIX = "spark-local-dir-"
"""Volumes Spark uses as scratch space (spark.local.dir); the webhook does not add them and the controller passes them
to spark-submit (internal/controller/sparkapplication/submission.go driverVolumeMountsOption)."""

SCHEDULED_NAME_MAX = 63 - 20
"""Longest ScheduledSparkApplication name: the controller names each run `<name>-<timestamp>`, 19 digits at its default
`nanos` precision (scheduledsparkapplication/controller.go), and the run's name must be a DNS-1035 label."""


def matches(key: str, patterns: Iterator[str] | tuple[str, ...]) -> str | None:
    """The first of `patterns` (a key, or a prefix ending in `.`) that `key` matches."""
    return next((p for p in patterns if key == p or (p.endswith(".") and key.startswith(p))), None)
