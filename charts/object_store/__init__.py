"""The in-cluster S3-compatible store of the local environment (MinIO) and its setup Job (buckets, artifacts)."""
