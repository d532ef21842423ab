"""`spark`: the Spark namespace's SparkApplications (Kubeflow Spark operator 2.5.2:
https://www.kubeflow.org/docs/components/spark-operator/user-guide/api-docs/)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from config.loading import Problem, duplicates


@dataclass(frozen=True)
class SparkApplicationConfig:
    """A SparkApplication. Memory in Spark format (`512m`)."""

    name: str
    """SparkApplication name."""

    type: Literal["Python", "Scala", "Java"]
    """Application language. Default: `"Python"`."""

    main_application_file: str
    """The main file: a path inside the Flink bucket (where job artifacts live) (e.g. job-artifacts/ingest.py; becomes
    s3a://<flink bucket>/<path>), or a URI with a scheme (s3a://other-bucket/app.py, local:///opt/app.py), used as
    is.
    """

    main_class: str | None
    """Main class (Scala/Java). Default: `null`."""

    arguments: tuple[str, ...]
    """Application arguments. Default: `[]`."""

    jars: tuple[str, ...]
    """Extra JARs (local:// paths inside the image). Default:
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
        names = [app.name for app in self.applications]
        yield from (Problem("applications", f"duplicate SparkApplication name '{n}'") for n in duplicates(names))
