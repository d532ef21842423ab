"""The lakehouse platform library: configuration model, composition root, one chart per component.

Layers (one way): `main.py` > `charts.platform` > component charts (`polaris`, `fluss`, `flink`,
`spark`, `object_store`, `namespaces`) > shared building blocks (`config`, `metadata`, `pod_security`,
`secrets`, `env`, `s3`, `catalog`, `workloads`).
"""
