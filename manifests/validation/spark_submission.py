"""Spark submission: what the Spark operator's controller can submit.

The Spark operator 2.5.2 submits a SparkApplication by running `spark-submit` in its own controller pod
(kubeflow/spark-operator v2.5.2 `internal/controller/sparkapplication/submission.go`), not in the application's
image. spark-submit opens each dependency (`deps.jars`, `deps.files`, `deps.pyFiles`, `deps.archives`, or the
sparkConf keys it reads the same lists from) there, with Hadoop's FileSystem for every scheme but local, http, https
and ftp; the controller image has no S3A (hadoop-aws) and none of the application's credentials, so an `s3a://`
dependency fails the submission (SUBMISSION_FAILED) although the driver could read it. local, http, https and ftp
URIs pass through untouched: the driver pod downloads the http(s) and ftp ones (with its JVM's proxy settings and its
image's truststore), never the controller. Checked for a SparkApplication and a ScheduledSparkApplication's template,
against the one table of what the operator passes through (`upstream.capabilities.SPARK_OPERATOR`): an error per URI it
cannot. A Java or Scala application without `mainClass` is an error too: spark-submit then opens the main JAR in
the controller pod to read its Main-Class (`upstream.capabilities.SPARK_MAIN_CLASS_PROBLEM`). Maven packages (`deps.packages`, `excludePackages`, `repositories`, and the `spark.jars.packages`,
`spark.jars.excludes`, `spark.jars.repositories`, `spark.jars.ivy`, `spark.jars.ivySettings` keys of `sparkConf`) are
resolved with Ivy in the controller pod too, which has no writable Ivy directory: an error per field
(`upstream.capabilities.SPARK_PACKAGES_PROBLEM`).

A submission can also fail for a moment: the operator's mutating webhook on pods fails closed, so spark-submit's
driver pod is refused while the webhook does not serve (on a fresh `kubectl apply` the SparkApplication exists before
the webhook pod is ready; the webhook restarts). The controller resubmits only while `restartPolicy` allows it
(pkg/util/sparkapplication.go ShouldRetry: in FAILED_SUBMISSION, Always, or OnFailure while submissionAttempts <=
onSubmissionFailureRetries); otherwise the application is FAILED, and applying it again unchanged does not resubmit
it. When the checked manifests render that fail-closed webhook: a warning per application (or scheduled template)
whose restartPolicy never resubmits (Never, the default, or OnFailure with onSubmissionFailureRetries 0).
"""

from __future__ import annotations

from manifests.validation.manifests import spark_application_spec
from manifests.validation.report import Finding, Layer, Level, Manifest, finding
from manifests.validation.spark_webhook import pod_webhooks
from upstream.capabilities import (
    JAR_TYPES,
    SPARK_MAIN_CLASS_PROBLEM,
    SPARK_PACKAGE_CONF,
    SPARK_PACKAGE_DEPS,
    SPARK_PACKAGES_PROBLEM,
    spark_dependency_problem,
)
from upstream.spark_options import DEPENDENCIES, DEPENDENCY_CONF, dependency_uris


def dependency_findings(m: Manifest) -> list[Finding]:
    """An error per dependency URI of `m`'s Spark application spec that the operator's spark-submit cannot fetch,
    and per Maven package setting (`deps.packages`, `excludePackages`, `repositories`; the `spark.jars.packages` and
    Ivy keys of `sparkConf`), which it would resolve in its controller pod (`SPARK_PACKAGES_PROBLEM`)."""
    found = spark_application_spec(m)
    if found is None:
        return []
    path, spec = found
    deps = spec.get("deps") or {}
    uris = [(f"{path}.deps.{name}[{index}]", str(uri)) for name in DEPENDENCIES
            for index, uri in enumerate(deps.get(name) or [])]
    conf = spec.get("sparkConf") or {}
    uris += [(f"{path}.sparkConf.{key}", uri) for key in DEPENDENCY_CONF for uri in dependency_uris(str(conf.get(key, "")))]
    packages = [f"{path}.deps.{name}" for name in SPARK_PACKAGE_DEPS if deps.get(name)]
    packages += [f"{path}.sparkConf.{key}" for key in SPARK_PACKAGE_CONF if key in conf]
    return ([finding(m, where, problem, Layer.RULE) for where, uri in uris if (problem := spark_dependency_problem(uri))]
            + [finding(m, where, SPARK_PACKAGES_PROBLEM, Layer.RULE) for where in packages])


def main_class_finding(m: Manifest) -> Finding | None:
    """An error when `m`'s Spark application spec is a Java or Scala one without `mainClass`
    (`SPARK_MAIN_CLASS_PROBLEM`), else None."""
    found = spark_application_spec(m)
    if found is None:
        return None
    path, spec = found
    if spec.get("type") not in JAR_TYPES or spec.get("mainClass"):
        return None
    return finding(m, f"{path}.mainClass", SPARK_MAIN_CLASS_PROBLEM, Layer.RULE)


def resubmission_finding(m: Manifest) -> Finding | None:
    """A warning when `m`'s Spark application spec never resubmits a failed submission, else None."""
    found = spark_application_spec(m)
    if found is None:
        return None
    path, spec = found
    restart = spec.get("restartPolicy") or {}
    kind = restart.get("type") or "Never"
    if kind == "Never":
        policy = "Never"
    elif kind == "OnFailure" and restart.get("onSubmissionFailureRetries") == 0:
        policy = "OnFailure with onSubmissionFailureRetries 0"
    else:
        return None
    return finding(m, f"{path}.restartPolicy", f"restartPolicy {policy}: a failed submission is never resubmitted "
                   "(ShouldRetry), and the Spark operator's pod webhook rendered with it fails closed: a spark-submit "
                   "while the webhook does not serve (a fresh apply, before its pod is ready; a webhook restart) fails, "
                   "the application stays failed, and applying it again unchanged does not resubmit it; set "
                   "restartPolicy type OnFailure with onSubmissionFailureRetries (onFailureRetries: 0 keeps no rerun "
                   "of a run)", Layer.RULE, Level.WARNING)


def check(manifests: list[Manifest]) -> list[Finding]:
    """Dependencies the Spark operator's controller cannot submit (`dependency_findings`), Java and Scala
    applications without a main class (`main_class_finding`), and, with the operator's
    fail-closed pod webhook among `manifests` (failurePolicy Fail, the API's default), applications a failed
    submission leaves failed (`resubmission_finding`)."""
    findings = [f for m in manifests for f in dependency_findings(m)]
    findings += [f for m in manifests if (f := main_class_finding(m))]
    if any((hook.get("failurePolicy") or "Fail") == "Fail" for hook in pod_webhooks(manifests)):
        findings += [f for m in manifests if (f := resubmission_finding(m))]
    return findings
