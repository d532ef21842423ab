"""Flink in namespace `flink`: session cluster, catalog store, SQL Gateway and session jobs."""

from charts.flink.chart import FlinkChart

__all__ = ["FlinkChart"]
