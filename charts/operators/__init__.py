"""Operator installations re-expressed as typed constructs: Flink Kubernetes Operator, Spark operator,
and the CRD and cert-manager sources (Argo CD Applications pointing at pinned upstream releases)."""
