"""Metrics annotations of a pod with a Prometheus endpoint: the scrape annotations and Datadog's autodiscovery of an
OpenMetrics check. The charts render them (`MetricsAnnotations.render`); `validate` reads them back
(`manifests.validation.metrics`), so both live here, free of cdk8s.

- Scrape annotations: `prometheus.io/scrape`, `prometheus.io/port`, `prometheus.io/path`, the convention of
  Prometheus' example Kubernetes configuration (a `kubernetes_sd_configs` pod role with relabelling on them), read by
  most Prometheus-compatible agents.
- Datadog (https://docs.datadoghq.com/containers/kubernetes/prometheus/): the v2 form
  `ad.datadoghq.com/<container>.checks`, a JSON object `{"openmetrics": {"init_config": {}, "instances": [...]}}`
  (Agent 7.36+), or the older triple `ad.datadoghq.com/<container>.check_names` (`["openmetrics"]`),
  `.init_configs` (`[{}]`) and `.instances` (`[{...}]`). The instance: `openmetrics_endpoint`
  (`http://%%host%%:<port>/metrics`; the Agent puts the pod's IP for `%%host%%`), `namespace` (prefix of the metrics
  in Datadog), `metrics` (the allow-list, regular expressions of Prometheus names) and `tags` (`key:value`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

METRICS_PORT_NAME = "metrics"
"""The container port name of every Prometheus endpoint the platform declares (an IANA_SVC_NAME, at most 15
characters)."""
METRICS_PATH = "/metrics"
"""The HTTP path of the Prometheus endpoints (Flink's reporter answers on any path; the operators on `/metrics`)."""

SCRAPE = "prometheus.io/scrape"
SCRAPE_PORT = "prometheus.io/port"
SCRAPE_PATH = "prometheus.io/path"

DATADOG_PREFIX = "ad.datadoghq.com/"
CHECKS = "checks"
LEGACY = ("check_names", "init_configs", "instances")
"""The suffixes of the older (v1) Datadog annotation triple, which the Agent reads together."""
OPENMETRICS = "openmetrics"


@dataclass(frozen=True)
class DatadogCheck:
    """A Datadog OpenMetrics check: `form` (`checks`: the v2 annotation; `legacy`: the triple), metric `namespace`,
    `metrics` allow-list (regular expressions of Prometheus names), `tags` (`key:value`, the environment's `env:`
    first)."""

    namespace: str
    metrics: tuple[str, ...]
    tags: tuple[str, ...] = ()
    form: Literal["checks", "legacy"] = "checks"

    def instance(self, port: int, path: str) -> dict[str, Any]:
        """The check instance for a Prometheus endpoint on `port` and `path` of the annotated container."""
        return {"openmetrics_endpoint": f"http://%%host%%:{port}{path}", "namespace": self.namespace,
                "metrics": list(self.metrics), "tags": list(self.tags)}


@dataclass(frozen=True)
class MetricsAnnotations:
    """What a pod announces about its Prometheus endpoint: `scrape` annotations, and a Datadog check (`datadog`,
    None: none)."""

    scrape: bool = True
    datadog: DatadogCheck | None = None
    path: str = field(default=METRICS_PATH)

    def render(self, container: str, port: int) -> dict[str, str]:
        """The pod annotations for the endpoint on `port` of `container` (empty when nothing is announced)."""
        annotations: dict[str, str] = {}
        if self.scrape:
            annotations.update({SCRAPE: "true", SCRAPE_PORT: str(port), SCRAPE_PATH: self.path})
        if self.datadog is not None:
            instance = self.datadog.instance(port, self.path)
            prefix = f"{DATADOG_PREFIX}{container}."
            if self.datadog.form == "checks":
                annotations[prefix + CHECKS] = _json({OPENMETRICS: {"init_config": {}, "instances": [instance]}})
            else:
                annotations.update({prefix + "check_names": _json([OPENMETRICS]), prefix + "init_configs": _json([{}]),
                                    prefix + "instances": _json([instance])})
        return annotations


def _json(value: Any) -> str:
    """Compact, deterministic JSON (the annotation values)."""
    return json.dumps(value, separators=(",", ":"), sort_keys=False)


def datadog_tags(environment: str, extra: dict[str, str]) -> tuple[str, ...]:
    """`env:<environment>`, then `key:value` per extra tag in key order."""
    return (f"env:{environment}", *(f"{key}:{value}" for key, value in sorted(extra.items())))
