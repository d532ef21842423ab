"""Metrics: Flink's Prometheus reporter on job pods, the operators' metrics ports, scrape annotations and Datadog
autodiscovery from the `metrics` section (config -> rendered objects), and the `validate` rule that an announced
port is one the pod declares and a reporter listens on (`manifests/validation/metrics.py`)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from manifests.validation.metrics import port_range
from tests.conftest import Manifest, config_errors, environment, find, render, validate_errors
from tests.test_pod_template_merge import MAIN, effective_pod

FACTORY = "org.apache.flink.metrics.prometheus.PrometheusReporterFactory"
SCRAPE = {"prometheus.io/scrape": "true", "prometheus.io/port": "9249", "prometheus.io/path": "/metrics"}
APP = {"name": "orders", "job": {"jarPath": "jobs/orders.jar", "parallelism": 2}}


def rendered(metrics: dict[str, Any], *deployments: dict[str, Any]) -> list[Manifest]:
    return render(environment(metrics=metrics, flink={"deployments": list(deployments) or [APP]}))


def cluster(objects: list[Manifest], name: str = "orders") -> dict[str, Any]:
    spec: dict[str, Any] = find(objects, "FlinkDeployment", name)["spec"]
    return spec


def role_annotations(spec: dict[str, Any], role: str) -> dict[str, str]:
    result: dict[str, str] = effective_pod(spec, role, by_name=False).get("metadata", {}).get("annotations", {})
    return result


def pod_annotations(objects: list[Manifest], name: str) -> dict[str, str]:
    result: dict[str, str] = find(objects, "Deployment", name)["spec"]["template"]["metadata"]["annotations"]
    return result


@pytest.mark.parametrize("by_name", [False, True], ids=["by position (default)", "by name"])
def test_reporter_runs_in_both_roles_on_a_declared_named_port(by_name: bool) -> None:
    objects = rendered({"prometheus": {"enabled": True}})
    for name in ("orders", "flink-session"):
        spec = cluster(objects, name)
        assert spec["flinkConfiguration"]["metrics.reporter.prom.factory.class"] == FACTORY
        assert spec["flinkConfiguration"]["metrics.reporter.prom.port"] == "9249"
        for role in ("jobManager", "taskManager"):
            pod = effective_pod(spec, role, by_name)
            main = next(c for c in pod["spec"]["containers"] if c["name"] == MAIN)
            assert main["ports"] == [{"containerPort": 9249, "name": "metrics", "protocol": "TCP"}], (name, role)
            assert pod["metadata"]["annotations"] == SCRAPE, (name, role)


def test_reporter_off_by_default_leaves_flink_pods_and_operators_as_before() -> None:
    objects = rendered({})
    spec = cluster(objects)
    assert not [k for k in spec["flinkConfiguration"] if k.startswith("metrics.reporter")]
    assert "taskManager" not in spec or "podTemplate" not in spec["taskManager"]
    assert "ports" not in spec["jobManager"]["podTemplate"]["spec"]["containers"][0]
    assert {k: v for k, v in pod_annotations(objects, "flink-kubernetes-operator").items()
            if k.startswith("prometheus.io")} == {**SCRAPE, "prometheus.io/port": "9999"}


def test_scrape_none_removes_the_scrape_annotations_everywhere() -> None:
    objects = rendered({"prometheus": {"enabled": True}, "scrape": "none"})
    assert role_annotations(cluster(objects), "jobManager") == {}
    for deployment in ("flink-kubernetes-operator", "spark-operator-controller", "spark-operator-webhook"):
        template = find(objects, "Deployment", deployment)["spec"]["template"]
        assert not [k for k in template["metadata"].get("annotations", {}) if k.startswith("prometheus.io")]
    assert cluster(objects)["flinkConfiguration"]["metrics.reporter.prom.port"] == "9249"


def test_datadog_checks_form_on_flink_pods_and_operators() -> None:
    objects = rendered({"prometheus": {"enabled": True, "port": 9250},
                        "datadog": {"enabled": True, "tags": {"team": "data", "cost-center": "cc-1"}}})
    check = json.loads(role_annotations(cluster(objects), "taskManager")[f"ad.datadoghq.com/{MAIN}.checks"])
    assert check == {"openmetrics": {"init_config": {}, "instances": [{
        "openmetrics_endpoint": "http://%%host%%:9250/metrics", "namespace": "flink",
        "metrics": ["flink_jobmanager_.*", "flink_taskmanager_.*"],
        "tags": ["env:test", "cost-center:cc-1", "team:data"]}]}}
    operator = json.loads(pod_annotations(objects, "flink-kubernetes-operator")[
        "ad.datadoghq.com/flink-kubernetes-operator.checks"])["openmetrics"]["instances"][0]
    assert (operator["openmetrics_endpoint"], operator["namespace"]) == ("http://%%host%%:9999/metrics", "flink_operator")
    spark = json.loads(pod_annotations(objects, "spark-operator-controller")[
        "ad.datadoghq.com/spark-operator-controller.checks"])["openmetrics"]["instances"][0]
    assert (spark["openmetrics_endpoint"], spark["namespace"]) == ("http://%%host%%:8080/metrics", "spark_operator")


def test_datadog_legacy_form_is_the_triple_and_not_the_checks_annotation() -> None:
    objects = rendered({"prometheus": {"enabled": True}, "datadog": {"enabled": True, "annotationForm": "legacy"}})
    found = role_annotations(cluster(objects), "jobManager")
    prefix = f"ad.datadoghq.com/{MAIN}."
    assert prefix + "checks" not in found
    assert json.loads(found[prefix + "check_names"]) == ["openmetrics"]
    assert json.loads(found[prefix + "init_configs"]) == [{}]
    assert json.loads(found[prefix + "instances"])[0]["openmetrics_endpoint"] == "http://%%host%%:9249/metrics"


def test_a_cluster_overrides_the_platform_defaults() -> None:
    objects = rendered(
        {"prometheus": {"enabled": True}, "datadog": {"enabled": True, "tags": {"team": "data"}}},
        {**APP, "metrics": {"datadog": {"metrics": ["flink_taskmanager_job_task_.*"], "tags": {"team": "orders"}},
                            "scrape": "none"}},
        {"name": "quiet", "job": None, "metrics": {"prometheus": {"enabled": False}}})
    instance = json.loads(role_annotations(cluster(objects), "jobManager")[f"ad.datadoghq.com/{MAIN}.checks"])[
        "openmetrics"]["instances"][0]
    assert instance["metrics"] == ["flink_taskmanager_job_task_.*"] and instance["tags"] == ["env:test", "team:orders"]
    assert "prometheus.io/scrape" not in role_annotations(cluster(objects), "jobManager")
    quiet = cluster(objects, "quiet")
    assert "metrics.reporter.prom.port" not in quiet["flinkConfiguration"] and role_annotations(quiet, "jobManager") == {}


@pytest.mark.parametrize(("metrics", "deployment", "expected"), [
    ({"prometheus": {"enabled": True, "port": 8081}}, APP,
     "metrics.prometheus.port: 8081 is Flink's own rest port; choose another (default 9249)"),
    ({}, {**APP, "metrics": {"prometheus": {"port": 6122}}},
     "flink.deployments[orders].metrics.prometheus.port: 6122 is Flink's own taskmanager-rpc port; choose another "
     "(default 9249)"),
    ({}, {**APP, "metrics": {"datadog": {"enabled": True}}},
     "flink.deployments[orders].metrics.datadog.enabled: the Datadog check reads Flink's Prometheus reporter, which is off "
     "for this cluster: set metrics.prometheus.enabled: true (here or in the metrics section)"),
    ({"datadog": {"tags": {"env": "prod"}}}, APP,
     "metrics.datadog.tags.env: is set from the environment name (env:<environment>); remove it"),
    ({"scrape": "podmonitor"}, APP, "metrics.scrape: 'podmonitor' is not one of: annotations, none"),
    ({}, {**APP, "flinkConfiguration": {"metrics.reporter.prom.port": "9250"}},
     "flink.deployments[orders].flinkConfiguration.metrics.reporter.prom.port: set by the platform: use the typed "
     "setting metrics.prometheus"),
])
def test_config_refuses_broken_metrics(metrics: dict[str, Any], deployment: dict[str, Any], expected: str) -> None:
    errors = config_errors(environment(metrics=metrics, flink={"deployments": [deployment]}))
    assert any(line.startswith(expected) for line in errors), errors


def test_port_ranges_read_as_flink_reads_them() -> None:
    assert port_range("9249") == [9249]
    assert port_range("9250-9252,9260") == [9250, 9251, 9252, 9260]
    assert port_range("92a9") is None


# --- validate: announced ports and reporters ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def announced() -> list[Manifest]:
    """Flink pods with the reporter and Datadog checks, and the operators with theirs: valid as rendered."""
    return rendered({"prometheus": {"enabled": True}, "datadog": {"enabled": True}})


def test_rendered_metrics_validate(announced: list[Manifest], tmp_path: Path) -> None:
    assert not [e for e in validate_errors(announced, tmp_path) if "port" in e or "Datadog" in e or "reporter" in e]


def _tm_main(objects: list[Manifest]) -> dict[str, Any]:
    container: dict[str, Any] = cluster(objects)["taskManager"]["podTemplate"]["spec"]["containers"][0]
    return container


@pytest.mark.parametrize(("mutate", "expected"), [
    (lambda o: _tm_main(o).pop("ports"),
     "spec.taskManager.podTemplate.spec.containers[flink-main-container].ports  Prometheus reporter prom listens on "
     "9249, which flink-main-container does not declare"),
    (lambda o: cluster(o)["flinkConfiguration"].update({
        "metrics.reporter.second.factory.class": FACTORY, "metrics.reporter.second.port": "9240-9250"}),
     "spec.flinkConfiguration.metrics.reporter.second.port  Prometheus reporters prom and second share port 9249: "
     "the second cannot bind it"),
    (lambda o: cluster(o)["flinkConfiguration"].pop("metrics.reporter.prom.factory.class"),
     "spec.jobManager.podTemplate.metadata.annotations  announce port 9249 of flink-main-container, where no "
     "Prometheus reporter listens (reporters: none)"),
    (lambda o: pod_annotations(o, "flink-kubernetes-operator").update({"prometheus.io/port": "9998"}),
     "spec.template.metadata.annotations.prometheus.io/port  '9998' is not a declared container port of the pod "
     "(declared: 8085, 9443, 9999)"),
    (lambda o: pod_annotations(o, "spark-operator-controller").update({
        "ad.datadoghq.com/controller.checks": pod_annotations(o, "spark-operator-controller").pop(
            "ad.datadoghq.com/spark-operator-controller.checks")}),
     "ad.datadoghq.com/controller.*  container 'controller' is not in the pod (containers: spark-operator-controller)"),
    (lambda o: pod_annotations(o, "spark-operator-webhook").update({
        "ad.datadoghq.com/spark-operator-webhook.instances": '[{"openmetrics_endpoint": "http://%%host%%:8080/"}]'}),
     "the older Datadog form needs all three annotations; missing ad.datadoghq.com/spark-operator-webhook.check_names"),
    (lambda o: cluster(o)["jobManager"]["podTemplate"]["metadata"]["annotations"].update({
        f"ad.datadoghq.com/{MAIN}.checks": '{"openmetrics": {"instances": [{"openmetrics_endpoint": '
                                           '"http://%%host%%:9250/metrics"}]}}'}),
     "instance 0: http://%%host%%:9250/metrics is not a declared port of container flink-main-container "
     "(declared: 9249)"),
    (lambda o: cluster(o)["jobManager"]["podTemplate"]["metadata"]["annotations"].update({
        f"ad.datadoghq.com/{MAIN}.checks": '{"openmetrics": {"instances": [{"openmetrics_endpoint": }]}}'}),
     "is not a JSON object of checks, each with an `instances` list (Datadog ignores it)"),
], ids=["reporter port not declared", "two reporters on one port", "announced port without a reporter",
        "scrape port not declared", "Datadog check for a container the pod lacks", "incomplete legacy triple",
        "Datadog endpoint on an undeclared port", "Datadog check not valid JSON"])
def test_validate_catches_announced_ports_nothing_serves(announced: list[Manifest], tmp_path: Path, mutate: Any,
                                                         expected: str) -> None:
    objects = copy.deepcopy(announced)
    mutate(objects)
    errors = validate_errors(objects, tmp_path)
    assert any(expected in line for line in errors), "\n".join(errors)
