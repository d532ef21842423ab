"""Value types shared by several sections and by the constructs' props: container resources, static S3 keys,
bucket names."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Annotated, Any, ClassVar

from config.declaration import Constraints, Definition, section, setting
from config.loading import Problem
from upstream.api_formats import quantity

JOB_ARGUMENT_PLACEHOLDERS = ("fluss.bootstrapServers", "polaris.catalogUri", "polaris.tokenEndpoint")
"""The names a job argument may use as `${name}`: the addresses of the platform's own Services."""
PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")

KubernetesName = Annotated[str, Constraints(
    pattern="^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", max_length=63,
    error="is not a Kubernetes name (lower-case letters, digits and '-', at most 63 characters)")]
"""An object name (RFC 1123 label: the names of Secrets, Services, namespaces, ...)."""

Image = Annotated[str, Definition(
    "image",
    ("A container image pinned by a tag other than latest or by a digest, with an optional registry and port "
     "(registry.example.com:5000/flink:1.20.3)."),
    pattern="^(?:[A-Za-z0-9.-]+(?::[0-9]+)?/)?[a-z0-9]+(?:[._/-]+[a-z0-9]+)*(?::(?!latest(?:@|$))[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}(?:@sha256:[0-9a-f]{64})?|@sha256:[0-9a-f]{64})$",
    error="is not an image pinned by tag or digest (e.g. apache/polaris:1.3.0-incubating; not :latest)")]

Quantity = Annotated[str, Definition(
    "quantity",
    "A Kubernetes quantity.",
    pattern="^[0-9]+(\\.[0-9]+)?(m|k|Ki|Mi|Gi|Ti|M|G|T)?$",
    error="is not a Kubernetes quantity (e.g. 500m, 1Gi)")]

FlinkMemory = Annotated[str, Definition(
    "flinkMemory",
    ("A memory size the Flink operator accepts: a Flink memory size "
     "(https://nightlies.apache.org/flink/flink-docs-release-1.20/docs/deployment/memory/mem_setup/) or a "
     "Kubernetes quantity (2Gi)."),
    pattern="^[0-9]+(\\.[0-9]+)? ?([kKmMgGtT][bB]?|[bB]|[bB][yY][tT][eE][sS]|[kK][iI][bB][iI][bB][yY][tT][eE][sS]|[mM][eE][bB][iI][bB][yY][tT][eE][sS]|[gG][iI][bB][iI][bB][yY][tT][eE][sS]|[tT][eE][bB][iI][bB][yY][tT][eE][sS]|[KMGTPE]i|[PE])?$",
    error="is not a Flink memory size or Kubernetes quantity (e.g. 2048m, 2g, 4GB, 2Gi)")]

FlinkDuration = Annotated[str, Definition(
    "flinkDuration",
    ("A Flink duration (TimeUtils.parseDuration, Flink 1.20): a whole number and a unit (d, h, min, s, ms, ...), "
     "e.g. 60 s, 5 min, 6 h, 7 d. The unit is required here: Flink reads a bare number as milliseconds. At most 14 "
     "digits: Flink counts the unit's seconds in a 64-bit number, so a longer count of days can overflow."),
    pattern="^[0-9]{1,14} ?(d|day|days|h|hour|hours|min|m|minute|minutes|s|sec|secs|second|seconds|ms|milli|millis|millisecond|milliseconds|µs|micro|micros|microsecond|microseconds|ns|nano|nanos|nanosecond|nanoseconds)$",
    error="is not a Flink duration (e.g. 60 s, 5 min, 6 h, 7 d)")]



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


@section
class Resources:
    """Container resources (https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/): cpu in
    cores or millicores (500m), memory in bytes with a binary suffix (512Mi).
    """

    DEFINITION: ClassVar[str] = "resources"
    GROUPS: ClassVar[Mapping[str, Mapping[str, Any]]] = {
        "requests": {"description": "Guaranteed resources; the scheduler places the pod by them."},
        "limits": {"description": "Upper bounds; a container over its memory limit is killed.", "default": {}},
    }

    request_cpu: Quantity = setting(key="requests.cpu")
    """CPU request (millicores, e.g. 250m)."""

    request_memory: Quantity = setting(key="requests.memory")
    """Memory request (e.g. 512Mi)."""

    limit_cpu: str | None = setting(
        None, key="limits.cpu", pattern="^[0-9]+(\\.[0-9]+)?(m|k|Ki|Mi|Gi|Ti|M|G|T)?$",
        error="is not a Kubernetes quantity (e.g. 500m, 1Gi)")
    """CPU limit; null for none (CPU limits throttle; usually left out)."""

    limit_memory: str | None = setting(
        None, key="limits.memory", pattern="^[0-9]+(\\.[0-9]+)?(m|k|Ki|Mi|Gi|Ti|M|G|T)?$",
        error="is not a Kubernetes quantity (e.g. 500m, 1Gi)")
    """Memory limit; null for none."""

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


@section
class S3Keys:
    """Static S3 keys: Secret `secret_name` with the two keys, present in every namespace that reads it
    (`objectStore.credentials`; `fluss.s3Credentials` is `config.fluss.FlussS3Keys`, another Secret name)."""

    secret_name: KubernetesName = setting("aws-secret")
    """Secret name."""

    access_key_id_key: str = setting("access_key_id")
    """Key holding the access key id."""

    secret_access_key_key: str = setting("secret_access_key")
    """Key holding the secret access key."""


@section
class Buckets:
    """S3 bucket names."""

    iceberg: str = setting(pattern="^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", error="is not an S3 bucket name")
    """Iceberg warehouse bucket (catalog default-base-location)."""

    flink: str = setting(pattern="^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", error="is not an S3 bucket name")
    """Flink checkpoints, savepoints, HA metadata and the Flink jobs' artifacts (JARs)."""

    fluss: str = setting(pattern="^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", error="is not an S3 bucket name")
    """Fluss remote data (remote.data.dir)."""

    spark: str | None = setting(None, pattern="^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", error="is not an S3 bucket name")
    """The Spark applications' files: a mainApplicationFile given as a path becomes s3a://<spark bucket>/<path>. null:
    `spark` with an in-cluster store (its setup Job creates the bucket and copies each such file into it from the
    artifacts image), the Flink bucket on AWS S3 (whose buckets exist before the platform: name one to give Spark
    its own).
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
