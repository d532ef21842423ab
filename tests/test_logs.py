"""Logs: the Fluent Bit DaemonSet from the `logs` section (config -> rendered objects), its declared Pod Security
exception and namespace level, and the `validate` rule on Fluent Bit pipelines (`manifests/validation/log_shipping.py`)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from config import ENVIRONMENTS_DIR
from manifests.restricted import POD_SECURITY_EXCEPTION
from manifests.rollout import config_checksum
from tests.conftest import Manifest, config_errors, environment, find, render_charts, validate_errors

ROLE = "arn:aws:iam::111122223333:role/test-fluent-bit"
PLATFORM = ("polaris", "fluss", "flink", "spark", "technical-flink-operator", "technical-spark-operator")


def charts(**logs: Any) -> dict[str, list[Manifest]]:
    return render_charts(environment(logs={"cloudWatch": {"iamRoleArn": ROLE}, **logs}))


def fluent_bit_yaml(objects: list[Manifest]) -> dict[str, Any]:
    config: dict[str, Any] = yaml.safe_load(find(objects, "ConfigMap", "fluent-bit-config")["data"]["fluent-bit.yaml"])
    return config


def pod(objects: list[Manifest]) -> dict[str, Any]:
    template: dict[str, Any] = find(objects, "DaemonSet", "fluent-bit")["spec"]["template"]
    return template


def test_without_a_logs_section_nothing_is_rendered() -> None:
    rendered = render_charts(environment())
    assert "03-logging" not in rendered
    assert "logging" not in {o["metadata"]["name"] for o in rendered["00-namespaces"]}
    assert "03-logging" not in render_charts(environment(logs={"shipper": "none"}))


def test_cloud_environment_ships_each_platform_namespace_to_its_log_group() -> None:
    objects = charts()["03-logging"]
    config = fluent_bit_yaml(objects)
    [tail] = config["pipeline"]["inputs"]
    assert tail["path"].split(",") == [f"/var/log/containers/*_{ns}_*.log" for ns in PLATFORM]
    assert (tail["name"], tail["multiline.parser"], tail["db"]) == ("tail", "cri", "/var/fluent-bit/state/tail.db")
    assert "exclude_path" not in tail
    assert config["pipeline"]["filters"][0]["name"] == "kubernetes"
    assert config["pipeline"]["outputs"] == [{
        "name": "cloudwatch_logs", "match": "kube.*", "region": "eu-north-1",
        "log_group_name": "/lakehouse/test/unknown",
        "log_group_template": "/lakehouse/test/$kubernetes['namespace_name']",
        "log_stream_prefix": "fluent-bit.", "auto_create_group": True, "log_retention_days": 30}]
    assert config["service"]["http_port"] == 2020 and config["service"]["health_check"] is True
    account = find(objects, "ServiceAccount", "fluent-bit")
    assert account["metadata"]["annotations"]["eks.amazonaws.com/role-arn"] == ROLE


def test_least_privilege_rbac_reads_pods_and_namespaces_only() -> None:
    objects = charts()["03-logging"]
    assert find(objects, "ClusterRole", "fluent-bit")["rules"] == [
        {"apiGroups": [""], "resources": ["pods", "namespaces"], "verbs": ["get", "list", "watch"]}]
    binding = find(objects, "ClusterRoleBinding", "fluent-bit")
    assert binding["roleRef"]["name"] == "fluent-bit"
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "fluent-bit", "namespace": "logging"}]


def test_daemon_set_mounts_only_the_declared_host_paths_and_is_otherwise_restricted() -> None:
    objects = charts()["03-logging"]
    template = pod(objects)
    spec = template["spec"]
    host_paths = {v["name"]: v["hostPath"] for v in spec["volumes"] if "hostPath" in v}
    assert host_paths == {"varlog": {"path": "/var/log", "type": "Directory"},
                          "state": {"path": "/var/fluent-bit/state", "type": "DirectoryOrCreate"}}
    [container] = spec["containers"]
    assert {m["name"]: m.get("readOnly", False) for m in container["volumeMounts"]} == {
        "config": True, "varlog": True, "state": False}
    assert container["securityContext"] == {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]},
                                            "readOnlyRootFilesystem": True,
                                            "seccompProfile": {"type": "RuntimeDefault"}}
    exception = template["metadata"]["annotations"][POD_SECURITY_EXCEPTION]
    assert "/var/log" in exception and "/var/fluent-bit/state" in exception
    assert spec["tolerations"] == [{"operator": "Exists"}]
    assert container["readinessProbe"]["httpGet"]["path"] == "/api/v1/health"
    assert container["ports"] == [{"containerPort": 2020, "name": "http", "protocol": "TCP"}]
    data = find(objects, "ConfigMap", "fluent-bit-config")["data"]
    assert template["metadata"]["annotations"]["checksum/config"] == config_checksum({"fluent-bit-config": data})


def test_logging_namespace_enforces_privileged_since_baseline_forbids_host_paths() -> None:
    namespace = find(charts()["00-namespaces"], "Namespace", "logging")
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "privileged"
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/warn"] == "restricted"


def test_local_environment_prints_to_stdout_without_a_role() -> None:
    doc = yaml.safe_load((ENVIRONMENTS_DIR / "local.yaml").read_text())
    objects = render_charts({**doc, "environment": "test", "logs": {}})["03-logging"]
    config = fluent_bit_yaml(objects)
    assert config["pipeline"]["outputs"] == [{"name": "stdout", "match": "kube.*", "format": "json_lines"}]
    assert "/var/log/containers/*_object-store_*.log" in config["pipeline"]["inputs"][0]["path"].split(",")
    assert "eks.amazonaws.com/role-arn" not in find(objects, "ServiceAccount", "fluent-bit")["metadata"]["annotations"]


def test_object_store_role_region_and_options_are_used() -> None:
    doc = environment(logs={"namespaces": ["flink"], "excludePaths": ["/var/log/containers/x-*_flink_*.log"],
                            "cloudWatch": {"region": "eu-west-1", "logGroupName": "/all/{environment}",
                                           "retentionDays": None}})
    doc["objectStore"] = {**doc["objectStore"], "credentials": None,
                          "iamRoleArn": "arn:aws:iam::123456789012:role/store"}
    doc["fluss"] = {"s3Credentials": {"secretName": "fluss-keys"}}
    objects = render_charts(doc)["03-logging"]
    config = fluent_bit_yaml(objects)
    assert config["pipeline"]["inputs"][0]["path"] == "/var/log/containers/*_flink_*.log"
    assert config["pipeline"]["inputs"][0]["exclude_path"] == "/var/log/containers/x-*_flink_*.log"
    [out] = config["pipeline"]["outputs"]
    assert (out["region"], out["log_group_name"]) == ("eu-west-1", "/all/test")
    assert "log_group_template" not in out and "log_retention_days" not in out
    annotations = find(objects, "ServiceAccount", "fluent-bit")["metadata"]["annotations"]
    assert annotations["eks.amazonaws.com/role-arn"] == "arn:aws:iam::123456789012:role/store"


@pytest.mark.parametrize(("logs", "expected"), [
    ({}, "logs.cloudWatch.iamRoleArn: CloudWatch Logs needs AWS credentials: set an IAM role for the fluent-bit "
         "ServiceAccount (or objectStore.iamRoleArn)"),
    ({"namespace": "flink", "cloudWatch": {"iamRoleArn": ROLE}},
     "logs.namespace: 'flink' is one of the platform's namespaces; Fluent Bit needs one of its own (its Pod Security "
     "level is privileged)"),
    ({"output": "stdout", "namespaces": ["flink", "logging"]},
     "logs.namespaces: tails logs.namespace 'logging' with output stdout: Fluent Bit would read its own output and "
     "print it again, without end; leave it out"),
    ({"cloudWatch": {"iamRoleArn": ROLE, "logGroupName": "/x/{cluster}"}},
     "logs.cloudWatch.logGroupName: unknown placeholder {cluster}; use {environment} or {namespace}"),
    ({"cloudWatch": {"iamRoleArn": ROLE, "autoCreateGroup": False}},
     "logs.cloudWatch.retentionDays: is applied by Fluent Bit only to the log groups it creates: set "
     "autoCreateGroup: true, or retentionDays: null and set it on the groups"),
    ({"image": "cr.fluentbit.io/fluent/fluent-bit:latest", "cloudWatch": {"iamRoleArn": ROLE}},
     "logs.image: 'cr.fluentbit.io/fluent/fluent-bit:latest' is not an image pinned by tag or digest (e.g. apache/polaris:1.3.0-incubating; not :latest)"),
    ({"cloudWatch": {"iamRoleArn": ROLE, "retentionDays": 10}}, "logs.cloudWatch.retentionDays: "),
])
def test_bad_logs_config_is_refused_naming_the_field(logs: dict[str, Any], expected: str) -> None:
    errors = config_errors(environment(logs=logs))
    assert any(line.startswith(expected) for line in errors), errors


def _config(objects: list[Manifest]) -> dict[str, Any]:
    return fluent_bit_yaml(objects)


def _set_config(objects: list[Manifest], change: Callable[[dict[str, Any]], None]) -> None:
    config = _config(objects)
    change(config)
    find(objects, "ConfigMap", "fluent-bit-config")["data"]["fluent-bit.yaml"] = yaml.safe_dump(config)


def _unknown_parser(objects: list[Manifest]) -> None:
    _set_config(objects, lambda c: c["pipeline"]["inputs"][0].update({"multiline.parser": "cri,containerd"}))


def _db_read_only(objects: list[Manifest]) -> None:
    _set_config(objects, lambda c: c["pipeline"]["inputs"][0].update({"db": "/var/log/fluent-bit/tail.db"}))


def _path_unmounted(objects: list[Manifest]) -> None:
    _set_config(objects, lambda c: c["pipeline"]["inputs"][0].update({"path": "/var/lib/docker/containers/*.log"}))


def _no_region(objects: list[Manifest]) -> None:
    _set_config(objects, lambda c: c["pipeline"]["outputs"][0].pop("region"))


def _stream_name_and_prefix(objects: list[Manifest]) -> None:
    _set_config(objects, lambda c: c["pipeline"]["outputs"][0].update({"log_stream_name": "all"}))


def _no_role(objects: list[Manifest]) -> None:
    find(objects, "ServiceAccount", "fluent-bit")["metadata"]["annotations"].pop("eks.amazonaws.com/role-arn")


def _config_not_mounted(objects: list[Manifest]) -> None:
    pod(objects)["spec"]["containers"][0]["args"][1] = "--config=/fluent-bit/etc/conf/fluent-bit.conf"


def _undeclared_host_path(objects: list[Manifest]) -> None:
    pod(objects)["spec"]["volumes"].append({"name": "docker", "hostPath": {"path": "/var/lib/docker"}})


@pytest.mark.parametrize(("mutate", "expected"), [
    (_unknown_parser, "pipeline.inputs[0].multiline.parser  parser 'containerd' is neither built in nor defined"),
    (_db_read_only, "pipeline.inputs[0].db  /var/log/fluent-bit/tail.db is on read-only mount varlog"),
    (_path_unmounted, "pipeline.inputs[0].path  /var/lib/docker/containers/*.log is not under a volume mount"),
    (_no_region, "pipeline.outputs[0].region  cloudwatch_logs needs region: Fluent Bit refuses the output at start"),
    (_stream_name_and_prefix, "pipeline.outputs[0]  cloudwatch_logs needs exactly one of log_stream_name and "
                              "log_stream_prefix"),
    (_no_role, "pipeline.outputs[0]  cloudwatch_logs without AWS credentials"),
    (_config_not_mounted, "Fluent Bit's configuration /fluent-bit/etc/conf/fluent-bit.conf is not a key of a "
                          "rendered ConfigMap mounted at its directory"),
    (_undeclared_host_path, "not restricted: volume docker: type ['hostPath'] (path /var/lib/docker) is not allowed"),
], ids=["parser", "db read-only", "path", "region", "stream name and prefix", "credentials", "config file", "host path"])
def test_validate_catches_a_pipeline_that_cannot_start_or_ship(mutate: Callable[[list[Manifest]], None],
                                                              expected: str, tmp_path: Path) -> None:
    rendered = charts()
    objects = copy.deepcopy(rendered["03-logging"])
    assert validate_errors(objects, tmp_path) == []
    mutate(objects)
    errors = validate_errors(objects, tmp_path)
    assert any(expected in line for line in errors), "\n".join(errors)
