"""Logs: the Fluent Bit DaemonSet from the `logs` section (config -> rendered objects), its declared Pod Security
exception and namespace level, and the `validate` rule on Fluent Bit pipelines (`manifests/validation/log_shipping.py`)."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from manifests.restricted import POD_SECURITY_EXCEPTION
from manifests.rollout import config_checksum
from tests.conftest import (
    FIXTURE_DIR,
    LOCAL_STORE,
    Manifest,
    config_errors,
    environment,
    find,
    render_charts,
    validate_errors,
)

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
    doc = yaml.safe_load((FIXTURE_DIR / "test-local.yaml").read_text())
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


# --- shipper: sidecar ------------------------------------------------------------------------------------------------

JOB_ROLE = "arn:aws:iam::111122223333:role/test-flink-jobs"
SIDECAR_STORE = {"iamRoleArn": JOB_ROLE, "credentials": None}
FLUSS_KEYS = {"s3Credentials": {"secretName": "fluss-keys"}}
ORDERS = {"name": "orders", "job": {"jarPath": "jobs/orders.jar"}}


def sidecar_env(**overrides: Any) -> dict[str, Any]:
    """A cloud environment with the IAM role on the job ServiceAccount, the sidecar shipper, an application cluster
    in `flink` and a session cluster in team namespace `analytics`."""
    doc = environment(objectStore=SIDECAR_STORE, fluss=FLUSS_KEYS, logs={"shipper": "sidecar"}, flink={
        "teamNamespaces": [{"name": "analytics"}],
        "deployments": [ORDERS, {"name": "analytics-session", "namespace": "analytics", "job": None}]},
        flinkOperator={"watchNamespaces": ["flink", "analytics"]})
    for key, value in overrides.items():
        doc[key] = {**doc[key], **value} if isinstance(doc.get(key), dict) else value
    return doc


def role_pods(deployment: Manifest) -> dict[str, dict[str, Any]]:
    return {role: deployment["spec"][role]["podTemplate"]["spec"] for role in ("jobManager", "taskManager")}


def test_sidecar_mode_renders_no_daemon_set_and_a_sidecar_in_every_operator_pod(tmp_path: Path) -> None:
    rendered = render_charts(sidecar_env())
    assert "03-logging" not in rendered
    assert "logging" not in {o["metadata"]["name"] for o in rendered["00-namespaces"]}
    objects = [o for chart in rendered.values() for o in chart]
    for name, namespace in (("flink-session", "flink"), ("orders", "flink"), ("analytics-session", "analytics")):
        deployment = find(objects, "FlinkDeployment", name, namespace)
        for role, spec in role_pods(deployment).items():
            main = {c["name"]: c for c in spec["containers"]}["flink-main-container"]
            # a native sidecar: Flink deletes a TaskManager pod (restartPolicy Never) when any of its containers ends
            (sidecar,) = [c for c in spec.get("initContainers") or [] if c["name"] == "fluent-bit"]
            assert sidecar["restartPolicy"] == "Always"
            assert [c["name"] for c in spec["containers"]] == ["flink-main-container"]
            assert {"name": "flink-logs", "mountPath": "/opt/flink/log"} in main["volumeMounts"], role
            assert {m["name"]: (m["mountPath"], m.get("readOnly", False)) for m in sidecar["volumeMounts"]} == {
                "flink-logs": ("/opt/flink/log", True), "fluent-bit-state": ("/fluent-bit/state", False),
                "fluent-bit-config": ("/fluent-bit/etc/conf", True)}
            assert {"name": "FLINK_CLUSTER", "value": name} in sidecar["env"]
            assert sidecar["securityContext"]["runAsNonRoot"] is True
            assert sidecar["securityContext"]["capabilities"] == {"drop": ["ALL"]}
            assert sidecar["resources"] == {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"memory": "256Mi"}}
            assert {v["name"]: next(k for k in v if k != "name") for v in spec["volumes"]
                    if v["name"] != "catalog-store"} == {
                "flink-logs": "emptyDir", "fluent-bit-state": "emptyDir", "fluent-bit-config": "configMap"}
            assert not any("hostPath" in v for v in spec["volumes"])
        # the operator's default log4j-console.properties is console only: the platform's writes the file too
        log4j = deployment["spec"]["logConfiguration"]["log4j-console.properties"]
        assert "appender.rolling.fileName = ${sys:log.file}" in log4j
        assert "rootLogger.appenderRef.rolling.ref = RollingFileAppender" in log4j
        # the pods run as the job ServiceAccount, which carries the role CloudWatch needs
        account = find(objects, "ServiceAccount", deployment["spec"]["serviceAccount"], namespace)
        assert account["metadata"]["annotations"]["eks.amazonaws.com/role-arn"] == JOB_ROLE
    assert not any(o["kind"] in ("ClusterRole", "DaemonSet") and "fluent" in o["metadata"]["name"] for o in objects)
    assert validate_errors(objects, tmp_path) == []


def test_sidecar_config_tails_flink_log_files_to_the_namespace_log_group_with_a_stream_per_pod() -> None:
    objects = [o for chart in render_charts(sidecar_env()).values() for o in chart]
    for namespace in ("flink", "analytics"):
        text = find(objects, "ConfigMap", "flink-fluent-bit-config", namespace)["data"]["fluent-bit.yaml"]
        config = yaml.safe_load(text)
        [tail] = config["pipeline"]["inputs"]
        assert (tail["path"], tail["db"], tail["multiline.parser"], tail["read_from_head"]) == (
            "/opt/flink/log/*.log", "/fluent-bit/state/tail.db", "flink", True)
        # a record per Flink log line, with the lines up to the next timestamp (a stack trace), in Fluent Bit's
        # regex engine's syntax (/.../)
        [parser] = config["multiline_parsers"]
        start, cont = (re.compile(rule["regex"].strip("/")) for rule in parser["rules"])
        lines = ["2026-11-29 23:10:54,123 ERROR org.apache.flink.Task - Checkpoint failed",
                 "java.lang.IllegalStateException: boom", "\tat org.apache.flink.Task.run(Task.java:12)"]
        assert [bool(start.match(line)) for line in lines] == [True, False, False]
        assert [bool(cont.match(line)) for line in lines] == [False, True, True]
        record, nest = config["pipeline"]["filters"]
        assert "kubernetes_pod_name ${POD_NAME}" in record["record"]
        assert (nest["operation"], nest["nest_under"]) == ("nest", "kubernetes")
        assert config["pipeline"]["outputs"] == [{
            "name": "cloudwatch_logs", "match": "flink.*", "region": "eu-north-1",
            "log_group_name": f"/lakehouse/test/{namespace}", "log_stream_name": "fluent-bit.${POD_NAME}",
            "auto_create_group": True, "log_retention_days": 30}]
        assert "http_server" not in config["service"]


def test_sidecar_mode_prints_to_stdout_locally_and_skips_standalone_clusters(tmp_path: Path) -> None:
    standalone = {"name": "batch", "backend": "standalone", "taskManager": {"replicas": 1},
                  "job": {"jarPath": "local:///opt/flink/usrlib/batch.jar"}}
    doc = environment(objectStore=LOCAL_STORE, logs={"shipper": "sidecar"}, flink={"deployments": [standalone]})
    objects = [o for chart in render_charts(doc).values() for o in chart]
    config = yaml.safe_load(find(objects, "ConfigMap", "flink-fluent-bit-config", "flink")["data"]["fluent-bit.yaml"])
    assert config["pipeline"]["outputs"] == [{"name": "stdout", "match": "flink.*", "format": "json_lines"}]
    standalone_pods = [o for o in objects if o["kind"] in ("Deployment", "StatefulSet")
                       and o["metadata"]["name"].startswith("batch")]
    assert standalone_pods and not any(c["name"] == "fluent-bit" for o in standalone_pods
                                       for c in o["spec"]["template"]["spec"]["containers"])
    assert validate_errors(objects, tmp_path) == []


@pytest.mark.parametrize(("overrides", "expected"), [
    ({"objectStore": {"iamRoleArn": None, "credentials": {"secretName": "aws-secret"}}, "fluss": {}},
     "logs.shipper: a sidecar ships to CloudWatch Logs with the Flink job ServiceAccount's IAM role"),
    ({"logs": {"shipper": "sidecar", "cloudWatch": {"iamRoleArn": ROLE}}},
     "logs.cloudWatch.iamRoleArn: a pod has one ServiceAccount"),
    ({"flink": {"deployments": [{**ORDERS, "logConfiguration": {
        "log4j-console.properties": "rootLogger.appenderRef.console.ref = ConsoleAppender\n"}}]}},
     "flink.deployments[orders].logConfiguration.log4j-console.properties: writes no log file"),
], ids=["static keys", "another role", "console-only log4j"])
def test_bad_sidecar_config_is_refused_naming_the_field(overrides: dict[str, Any], expected: str) -> None:
    errors = config_errors(sidecar_env(**overrides))
    assert any(line.startswith(expected) for line in errors), errors


def _sidecar_writer_gone(objects: list[Manifest]) -> None:
    deployment = find(objects, "FlinkDeployment", "orders")
    main = deployment["spec"]["taskManager"]["podTemplate"]["spec"]["containers"][0]
    main["volumeMounts"] = [m for m in main["volumeMounts"] if m["name"] != "flink-logs"]


def _sidecar_env_missing(objects: list[Manifest]) -> None:
    sidecar = find(objects, "FlinkDeployment", "orders")["spec"]["jobManager"]["podTemplate"]["spec"]["initContainers"][0]
    sidecar["env"] = [e for e in sidecar["env"] if e["name"] != "POD_NAME"]


def _sidecar_account_without_role(objects: list[Manifest]) -> None:
    del find(objects, "ServiceAccount", "flink", "flink")["metadata"]["annotations"]["eks.amazonaws.com/role-arn"]


@pytest.mark.parametrize(("mutate", "expected"), [
    (_sidecar_writer_gone, "spec.taskManager.podTemplate.spec.initContainers[0] /fluent-bit/etc/conf/fluent-bit.yaml: "
                           "pipeline.inputs[0].path  /opt/flink/log/*.log is on emptyDir volume flink-logs, which no "
                           "other container of the pod mounts"),
    (_sidecar_env_missing, "${POD_NAME}  is not set in the env of container fluent-bit"),
    (_sidecar_account_without_role, "spec.jobManager.podTemplate.spec.initContainers[0] "
                                    "/fluent-bit/etc/conf/fluent-bit.yaml: pipeline.outputs[0]  cloudwatch_logs "
                                    "without AWS credentials"),
], ids=["nobody writes the logs", "env", "credentials"])
def test_validate_checks_sidecars_in_flink_pod_templates(mutate: Callable[[list[Manifest]], None], expected: str,
                                                         tmp_path: Path) -> None:
    objects = copy.deepcopy(render_charts(sidecar_env())["50-flink"])
    assert validate_errors(objects, tmp_path) == []
    mutate(objects)
    errors = validate_errors(objects, tmp_path)
    assert any(expected in line for line in errors), "\n".join(errors)
