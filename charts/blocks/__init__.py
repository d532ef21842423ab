"""Building blocks beneath the components: object metadata and sync waves, restricted pod security,
Secret references and Secret sources, container env, S3 access, the Iceberg REST catalog client,
RBAC rules, workloads (Services, probes, PVC templates) and `ComponentChart`, the base of every component chart."""
