"""`objectStore`: S3 storage for Iceberg data, Flink state and artifacts, and Fluss remote data: AWS S3
(`aws-s3`) or an in-cluster S3-compatible store (`in-cluster`, MinIO, the local environment)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from config.common import Buckets, Image, Quantity, Resources, S3Keys
from config.declaration import section, setting

DEFAULT_IN_CLUSTER_SPARK_BUCKET = "spark"
"""The Spark bucket of an in-cluster store whose `buckets.spark` is null."""


@section
class InClusterStore:
    """The in-cluster S3-compatible store (MinIO) of the local environment."""

    GROUPS: ClassVar[Mapping[str, Mapping[str, Any]]] = {
        "artifacts": {"description": "Job artifacts uploaded by the object store's setup Job, so that the local environment runs its jobs with no manual step: the image's whole tree into the Flink bucket, and each Spark mainApplicationFile given as a path into the Spark bucket.", "default": {}},
    }
    image: Image = setting("quay.io/minio/minio:RELEASE.2025-04-22T22-12-26Z")
    """Server image."""

    client_image: Image = setting("quay.io/minio/mc:RELEASE.2025-04-16T18-13-26Z")
    """Client image for the bucket-creation Job."""

    storage: Quantity = setting("10Gi")
    """PVC size."""

    storage_class_name: str | None = setting(None)
    """StorageClass; null uses the cluster default."""

    resources: Resources = setting({"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"memory": "1Gi"}})
    """Server resources."""

    artifacts_image: Image = setting("lakehouse-job-artifacts:0.1.0", key="artifacts.image")
    """Image holding the job artifacts (the JARs and Spark files the jobs reference) under `path`, laid out as in their
    buckets (e.g. <path>/job-artifacts/my-job.jar becomes s3://<flink bucket>/job-artifacts/my-job.jar; a Spark main
    file <path>/job-artifacts/ingest.py also s3a://<spark bucket>/job-artifacts/ingest.py).
    """

    artifacts_path: str = setting(
        "/artifacts", key="artifacts.path", pattern="^/[^\\s]*[^/\\s]$",
        error="is not an absolute directory path without a trailing '/'")
    """Directory in the artifacts image whose content is copied to the root of the Flink bucket (and the Spark main
    files in it to the same paths in the Spark bucket).
    """


@section
class ObjectStoreConfig:
    """S3 storage: AWS S3 (`aws-s3`) or an in-cluster store (`in-cluster`)."""

    type: Literal["aws-s3", "in-cluster"] = setting()
    """aws-s3 (cloud) or in-cluster (an S3-compatible store in the cluster, path-style access)."""

    region: str = setting(pattern="^[a-z]{2}(-[a-z]+)+-[0-9]$", error="is not an AWS region (e.g. eu-north-1)")
    """S3 region (e.g. eu-north-1)."""

    buckets: Buckets = setting()
    """Bucket names."""

    credentials: S3Keys | None = setting({})
    """Static S3 keys from a Secret that exists in every namespace that uses S3. Set it to null to use iamRoleArn (left
    out, it is the Secret aws-secret with the keys access_key_id and secret_access_key).
    """

    iam_role_arn: str | None = setting(
        None, pattern="^arn:aws:iam::[0-9]{12}:role/.+$",
        error="is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)")
    """IAM role for service accounts (EKS IRSA): annotates every S3-using ServiceAccount with
    eks.amazonaws.com/role-arn instead of static keys. Requires credentials: null.
    """

    in_cluster: InClusterStore = setting({})
    """The in-cluster S3-compatible store (MinIO), used with type in-cluster."""

    @property
    def spark_bucket(self) -> str:
        """The Spark applications' bucket: `buckets.spark`, or when null `spark` with an in-cluster store (its setup
        Job creates it) and the Flink bucket on AWS S3, where buckets are created outside the platform, so that a
        default never points the applications at a bucket nobody created."""
        if self.buckets.spark is not None:
            return self.buckets.spark
        return DEFAULT_IN_CLUSTER_SPARK_BUCKET if self.type == "in-cluster" else self.buckets.flink
