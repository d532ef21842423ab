"""Spark submission: what the Spark operator's controller can submit.

The Spark operator 2.5.2 submits a SparkApplication by running `spark-submit` in its own controller pod
(kubeflow/spark-operator v2.5.2 `internal/controller/sparkapplication/submission.go`), not in the application's
image. spark-submit opens each dependency (`deps.jars`, `deps.files`, `deps.pyFiles`, `deps.archives`, or the
sparkConf keys it reads the same lists from) there, with Hadoop's FileSystem for every scheme but local, http, https
and ftp; the controller image has no S3A (hadoop-aws) and none of the application's credentials, so an `s3a://`
dependency fails the submission (SUBMISSION_FAILED) although the driver could read it. Checked for a SparkApplication
and a ScheduledSparkApplication's template, against the one table of what the operator can fetch
(`config.capabilities.SPARK_OPERATOR`): an error per URI it cannot.
"""

from __future__ import annotations

from config.capabilities import spark_dependency_problem
from config.spark import DEPENDENCIES, DEPENDENCY_CONF, dependency_uris
from manifests.validation.manifests import spark_application_spec
from manifests.validation.report import Finding, Layer, Manifest, finding


def dependency_findings(m: Manifest) -> list[Finding]:
    """An error per dependency URI of `m`'s Spark application spec that the operator's spark-submit cannot fetch."""
    found = spark_application_spec(m)
    if found is None:
        return []
    path, spec = found
    deps = spec.get("deps") or {}
    uris = [(f"{path}.deps.{name}[{index}]", str(uri)) for name in DEPENDENCIES
            for index, uri in enumerate(deps.get(name) or [])]
    conf = spec.get("sparkConf") or {}
    uris += [(f"{path}.sparkConf.{key}", uri) for key in DEPENDENCY_CONF for uri in dependency_uris(str(conf.get(key, "")))]
    return [finding(m, where, problem, Layer.RULE) for where, uri in uris if (problem := spark_dependency_problem(uri))]


def check(manifests: list[Manifest]) -> list[Finding]:
    """Dependencies the Spark operator's controller cannot submit (`dependency_findings`)."""
    return [f for m in manifests for f in dependency_findings(m)]
