"""Spark in namespace `spark`: SparkApplications with the Iceberg REST catalog and S3 settings."""
