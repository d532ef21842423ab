"""Value types shared by several sections and by the constructs' props: container resources, static S3 keys,
bucket names."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from config.loading import Problem
from upstream.api_formats import quantity

JOB_ARGUMENT_PLACEHOLDERS = ("fluss.bootstrapServers", "polaris.catalogUri", "polaris.tokenEndpoint")
"""The names a job argument may use as `${name}`: the addresses of the platform's own Services."""
PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")


def is_uri(path_or_uri: str) -> bool:
    """Whether a job artifact is given as a URI with a scheme (`s3://other/a.jar`, `local:///opt/app.py`), used as
    is, rather than as a path inside one of the platform's buckets."""
    return "://" in path_or_uri


def climbs_out(path: str) -> bool:
    """Whether a path inside a bucket has a `..` segment (`../a.py`, `jobs/../../a.py`): S3 keys have no parent
    directories, and a copy from the artifacts image would read outside its folder."""
    return ".." in path.split("/")


def unknown_placeholders(text: str) -> list[str]:
    """The `${name}`s in `text` whose name is not one of `JOB_ARGUMENT_PLACEHOLDERS`."""
    return [name for name in PLACEHOLDER.findall(text) if name not in JOB_ARGUMENT_PLACEHOLDERS]


@dataclass(frozen=True)
class Resources:
    """Container resources: `cpu` as a quantity (cores or millicores, e.g. `250m`), `memory` e.g. `512Mi`."""

    request_cpu: str = field(metadata={"key": "requests.cpu"})
    """CPU request (millicores, e.g. 250m)."""

    request_memory: str = field(metadata={"key": "requests.memory"})
    """Memory request (e.g. 512Mi)."""

    limit_cpu: str | None = field(metadata={"key": "limits.cpu"})
    """CPU limit; null for none (CPU limits throttle; usually left out). Default: `null`."""

    limit_memory: str | None = field(metadata={"key": "limits.memory"})
    """Memory limit; null for none. Default: `null`."""

    def problems(self) -> Iterator[Problem]:
        """A limit below its request: the API server refuses the pod ("must be less than or equal to ... limit")."""
        for resource, request, limit in (("cpu", self.request_cpu, self.limit_cpu),
                                         ("memory", self.request_memory, self.limit_memory)):
            if limit is not None and quantity(limit) < quantity(request):
                yield Problem(f"limits.{resource}", f"{limit!r} is less than requests.{resource} ({request!r}); "
                                                    "Kubernetes refuses a limit below its request")

    def to_k8s(self) -> dict[str, dict[str, str]]:
        """The `resources` field of a container."""
        result: dict[str, dict[str, str]] = {"requests": {"cpu": self.request_cpu, "memory": self.request_memory}}
        limits = {k: v for k, v in (("cpu", self.limit_cpu), ("memory", self.limit_memory)) if v}
        if limits:
            result["limits"] = limits
        return result


@dataclass(frozen=True)
class S3Keys:
    """Static S3 keys: Secret `secret_name` with the two keys, present in every namespace that reads it. Defaults
    depend on the section (`objectStore.credentials`, `fluss.s3Credentials`): see README's reference."""

    secret_name: str
    """Secret name."""

    access_key_id_key: str
    """Key holding the access key id (Hadoop `fs.s3a.access.key`, AWS `AWS_ACCESS_KEY_ID`)."""

    secret_access_key_key: str
    """Key holding the secret access key (Hadoop `fs.s3a.secret.key`, AWS `AWS_SECRET_ACCESS_KEY`)."""


@dataclass(frozen=True)
class Buckets:
    """S3 bucket names."""

    iceberg: str
    """Iceberg warehouse bucket (catalog default-base-location)."""

    flink: str
    """Flink checkpoints, savepoints, HA metadata and the Flink jobs' artifacts (JARs)."""

    fluss: str
    """Fluss remote data (remote.data.dir)."""

    spark: str | None
    """The Spark applications' files: a mainApplicationFile given as a path becomes s3a://<spark bucket>/<path>. null:
    `spark` with an in-cluster store (its setup Job creates the bucket and copies each such file into it from the
    artifacts image), the Flink bucket on AWS S3 (whose buckets exist before the platform: name one to give Spark
    its own). Default: `null`.
    """


PLATFORM_LABEL_PREFIXES = ("app.kubernetes.io/", "lakehouse.dev/")
"""Labels the platform sets on the objects it renders (the recommended labels, `charts.blocks.metadata.Component`,
and its own `lakehouse.dev/*`)."""
PLATFORM_ANNOTATION_PREFIXES = ("argocd.argoproj.io/", "lakehouse.dev/")
"""Annotations the platform sets on the objects it renders (Argo CD's sync wave and options,
`charts.blocks.metadata.argo_annotations`, and its own `lakehouse.dev/*`, such as the pod-security exception)."""


def platform_metadata_prefixes(part: str) -> tuple[str, ...]:
    """The prefixes of the labels (`part` `labels`) or annotations (`annotations`) the platform sets itself."""
    return PLATFORM_LABEL_PREFIXES if part == "labels" else PLATFORM_ANNOTATION_PREFIXES


def object_metadata_problems(labels: dict[str, str], annotations: dict[str, str]) -> Iterator[Problem]:
    """A problem per label or annotation of an object's own metadata that the platform sets itself."""
    for part, values in (("labels", labels), ("annotations", annotations)):
        prefixes = platform_metadata_prefixes(part)
        for key in sorted(values):
            if key.startswith(prefixes):
                yield Problem(f"{part}.{key}", f"reserved: the platform sets {' and '.join(p + '*' for p in prefixes)}")
