"""The value types shared by the configuration and the constructs (`config.flink_settings`, `config.spark_settings`): one declaration per
group, whose Python defaults are the file's defaults, whose checks are the same whether the loader or a construct's
user built the value, and which the constructs render as the configuration reads them."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from charts.flink.cluster import FlinkClusterProps
from charts.flink.session_job import SessionJobProps
from charts.spark.applications import SparkApplicationProps
from config import parse_environment
from config.declaration import checked
from config.flink_settings import (
    Autoscaler,
    Checkpointing,
    Ingress,
    IngressTls,
    JobSpec,
    PeriodicSnapshots,
    RestartStrategy,
    Snapshot,
)
from config.flink_standalone import Standalone
from config.pod_values import Toleration, VolumeMount
from config.spark_settings import DynamicAllocation, RestartPolicy, Schedule
from tests.conftest import config_errors, environment, find, render

JOB = {"jarPath": "jobs/a.jar"}
"""The smallest job of an application cluster."""


def loaded(deployment: dict[str, Any]) -> Any:
    """The `FlinkDeploymentConfig` the loader builds from `flink.deployments: [deployment]`."""
    config = parse_environment(environment(flink={"deployments": [deployment]}), source="environments/test.yaml",
                               expected_name="test")
    return config.flink.deployments[0]


def test_a_group_the_file_leaves_out_equals_the_group_a_construct_user_leaves_out() -> None:
    """The loader fills an omitted group from the schema's defaults; a construct's user gets the Python defaults of
    the same declaration: both are equal, field by field, for every group."""
    deployment = loaded({"name": "bare", "job": JOB})
    assert deployment.checkpointing == Checkpointing()
    assert deployment.periodic_snapshots == PeriodicSnapshots()
    assert deployment.restart_strategy == RestartStrategy()
    assert deployment.autoscaler == Autoscaler()
    assert deployment.standalone == Standalone()
    assert deployment.ingress is None
    props = FlinkClusterProps()
    assert (props.checkpointing, props.periodic_snapshots, props.restart_strategy, props.autoscaler,
            props.standalone) == (deployment.checkpointing, deployment.periodic_snapshots, deployment.restart_strategy,
                                  deployment.autoscaler, deployment.standalone)


def test_an_ingress_entry_the_file_leaves_short_equals_the_python_defaults() -> None:
    deployment = loaded({"name": "ui", "ingress": {"template": "{{name}}.flink.example.com",
                                                   "tls": [{"hosts": ["a.example.com"]}]}})
    assert deployment.ingress == Ingress(template="{{name}}.flink.example.com",
                                         tls=(IngressTls(hosts=("a.example.com",)),))


@pytest.mark.parametrize(("group", "file_error", "props_error"), [
    ({"autoscaler": {"utilizationMin": 0.8}},
     "autoscaler.utilizationMin: 0.8 is above the utilization target (0.7)",
     "autoscaler: utilizationMin: 0.8 is above the utilization target (0.7)"),
    ({"autoscaler": {"utilizationTarget": 1.5}},
     "autoscaler.utilizationTarget: 1.5 is greater than the maximum of 1",
     "autoscaler: utilizationTarget: 1.5 is greater than the maximum of 1"),
    ({"autoscaler": {"vertexMinParallelism": 8, "vertexMaxParallelism": 4}},
     "autoscaler.vertexMinParallelism: 8 is above the vertex maximum parallelism (4)",
     "autoscaler: vertexMinParallelism: 8 is above the vertex maximum parallelism (4)"),
    ({"restartStrategy": {"type": "fixed-delay", "maxBackoff": "1 min"}},
     "restartStrategy.maxBackoff: belongs to type: exponential-delay (type is fixed-delay)",
     "restartStrategy: maxBackoff: belongs to type: exponential-delay (type is fixed-delay)"),
    ({"checkpointing": {"incremental": True}},
     "checkpointing.incremental: incremental checkpoints need stateBackend: rocksdb",
     "checkpointing: incremental: incremental checkpoints need stateBackend: rocksdb"),
    ({"checkpointing": {"retained": 0}},
     "checkpointing.retained: 0 is less than the minimum of 1",
     "checkpointing: retained: 0 is less than the minimum of 1"),
    ({"periodicSnapshots": {"savepointInterval": "0 0 25 * * ?"}}, None, "periodicSnapshots: savepointInterval: "),
])
def test_a_group_the_configuration_refuses_the_construct_refuses_with_the_same_words(
        group: dict[str, Any], file_error: str | None, props_error: str) -> None:
    """One rule per group: the loader reports it at the key; a construct built from the same values without a file
    raises it, in the same words (the declared bounds in the schema validator's)."""
    errors = config_errors(environment(flink={"deployments": [{"name": "app", "job": JOB, **group}]}))
    assert len(errors) == 1
    if file_error is not None:
        assert errors == [f"flink.deployments[app].{file_error}"]
    ((key, raw),) = group.items()
    field = {"autoscaler": "autoscaler", "restartStrategy": "restart_strategy", "checkpointing": "checkpointing",
             "periodicSnapshots": "periodic_snapshots"}[key]
    value = loaded_group(field, raw)
    with pytest.raises(ValueError) as info:
        FlinkClusterProps(name="app", job=JobSpec(jar_path="s3://b/a.jar"), **{field: value})
    assert str(info.value).startswith(f"FlinkDeployment app: {props_error}")
    assert errors[0].split(": ", 1)[1].split(": ", 1)[-1] in str(info.value)


def loaded_group(field: str, raw: dict[str, Any]) -> Any:
    """The value of group `field` built as a construct's user builds it: its class called with the snake-case
    fields of `raw` (no file, no schema)."""
    cls = {"autoscaler": Autoscaler, "restart_strategy": RestartStrategy, "checkpointing": Checkpointing,
           "periodic_snapshots": PeriodicSnapshots}[field]
    names = {f.name.replace("_", ""): f.name for f in dataclasses.fields(cls)}
    return cls(**{names[key.lower()]: value for key, value in raw.items()})


def test_a_session_job_s_autoscaler_is_checked_by_its_props() -> None:
    with pytest.raises(ValueError, match=r"FlinkSessionJob j: autoscaler: utilizationMax: 0.5 is below the "
                                         r"utilization target \(0.7\)"):
        SessionJobProps(name="j", jar_path="s3://b/a.jar", autoscaler=Autoscaler(utilization_max=0.5))


def test_the_groups_render_into_the_flink_deployment_as_configured() -> None:
    objects = render(environment(flink={"deployments": [{
        "name": "app", "job": JOB, "restartStrategy": {"type": "fixed-delay", "attempts": 4, "delay": "10 s"},
        "autoscaler": {"enabled": True, "utilizationTarget": 0.6},
        "ingress": {"template": "{{name}}.example.com", "annotations": {"a": "b"},
                    "tls": [{"hosts": ["app.example.com"], "secretName": "tls"}, {}]}}]}))
    spec = find(objects, "FlinkDeployment", "app")["spec"]
    conf = spec["flinkConfiguration"]
    assert {k: v for k, v in conf.items() if k.startswith(("restart-strategy", "job.autoscaler"))} == {
        "restart-strategy.type": "fixed-delay", "restart-strategy.fixed-delay.attempts": "4",
        "restart-strategy.fixed-delay.delay": "10 s", "job.autoscaler.enabled": "true",
        "job.autoscaler.utilization.target": "0.6"}
    assert spec["ingress"] == {"template": "{{name}}.example.com", "annotations": {"a": "b"},
                               "tls": [{"hosts": ["app.example.com"], "secretName": "tls"}, {}]}


@pytest.mark.parametrize(("group", "value", "file_error", "props_error"), [
    ("dynamicAllocation", DynamicAllocation(min_executors=4, max_executors=2),
     "dynamicAllocation.minExecutors: 4 is above maxExecutors 2",
     "dynamicAllocation: minExecutors: 4 is above maxExecutors 2"),
    ("schedule", Schedule(cron="61 * * * *"), "schedule.cron: ", "schedule: cron: '61 * * * *': "),
    ("restartPolicy", RestartPolicy(on_failure_retry_interval=0),
     "restartPolicy.onFailureRetryInterval: 0 is less than the minimum of 1",
     "restartPolicy: onFailureRetryInterval: 0 is less than the minimum of 1"),
])
def test_a_spark_group_the_configuration_refuses_the_construct_refuses(
        group: str, value: Any, file_error: str, props_error: str) -> None:
    """The same for a SparkApplication's groups: the loader at the key, the props for a value built in Python."""
    raw = {f.metadata.get("key") or _camel(f.name): _json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    errors = config_errors(environment(spark={"applications": [
        {"name": "ingest", "mainApplicationFile": "jobs/ingest.py", group: raw}]}))
    assert len(errors) == 1 and errors[0].startswith(f"spark.applications[ingest].{file_error}")
    with pytest.raises(ValueError) as info:
        SparkApplicationProps(name="ingest", main_application_file="s3a://b/ingest.py", **{_snake(group): value})
    assert str(info.value).startswith(f"SparkApplication ingest: {props_error}")
    assert errors[0].split(f"{group}.", 1)[1].split(": ", 1)[1] in str(info.value)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def _snake(key: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in key)


def _json(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def test_spark_groups_the_file_leaves_out_equal_the_python_defaults() -> None:
    config = parse_environment(environment(spark={"applications": [
        {"name": "ingest", "mainApplicationFile": "jobs/ingest.py", "schedule": {"cron": "@daily"},
         "dynamicAllocation": {}}]}), source="environments/test.yaml", expected_name="test")
    (app,) = config.spark.applications
    assert (app.schedule, app.dynamic_allocation, app.restart_policy) == (
        Schedule(cron="@daily"), DynamicAllocation(), RestartPolicy())
    assert SparkApplicationProps(name="x", main_application_file="s3a://b/x.py").restart_policy == app.restart_policy


def test_a_spark_application_without_enabled_dynamic_allocation_runs_its_executor_instances() -> None:
    """`enabled: false` (in a file or in Python) renders as no group at all: `executor.instances` executors."""
    objects = render(environment(spark={"applications": [
        {"name": "ingest", "mainApplicationFile": "jobs/ingest.py", "dynamicAllocation": {"enabled": False}},
        {"name": "scaled", "mainApplicationFile": "jobs/scaled.py", "dynamicAllocation": {"maxExecutors": 6}}]}))
    assert "dynamicAllocation" not in find(objects, "SparkApplication", "ingest")["spec"]
    assert find(objects, "SparkApplication", "scaled")["spec"]["dynamicAllocation"] == {
        "enabled": True, "maxExecutors": 6, "minExecutors": 0, "shuffleTrackingEnabled": True}


FULL_JOB = {"jarPath": "jobs/a.jar", "entryClass": "com.example.Main", "parallelism": 3, "upgradeMode": "last-state",
            "args": ["--x"], "state": "suspended", "savepointTriggerNonce": 4, "checkpointTriggerNonce": 5,
            "initialSavepointPath": "s3://flink-bucket/savepoints/a/savepoint-1", "allowNonRestoredState": True,
            "savepointRedeployNonce": 6, "autoscalerResetNonce": 7}
"""A job that sets every field of `JobSpec` to a value other than its default."""


def test_every_job_spec_field_reaches_the_job_of_both_kinds_under_the_operator_s_key() -> None:
    """`job_spec` passes each `JobSpec` field to the binding by its name: a field declared once reaches the
    FlinkDeployment's and the FlinkSessionJob's `spec.job` (the JAR path resolved to `jarURI`)."""
    assert set(FULL_JOB) == {f.metadata.get("key") or _camel(f.name) for f in dataclasses.fields(JobSpec)}
    objects = render(environment(flink={
        "deployments": [{"name": "app", "taskManager": {"replicas": 1, "taskSlots": 3}, "job": FULL_JOB}],
        "jobs": [{"name": "session", **FULL_JOB}]}))
    expected = {("jarURI" if key == "jarPath" else key): value for key, value in FULL_JOB.items()}
    expected["jarURI"] = "s3://flink-bucket/jobs/a.jar"
    assert find(objects, "FlinkDeployment", "app")["spec"]["job"] == expected
    assert find(objects, "FlinkSessionJob", "session")["spec"]["job"] == expected


@pytest.mark.parametrize(("job", "message"), [
    (JobSpec(jar_path="s3://b/a.jar", parallelism=0), "job: parallelism: 0 is less than the minimum of 1"),
    (JobSpec(jar_path="s3://b/a.jar", savepoint_redeploy_nonce=1), "job: savepointRedeployNonce: needs "
                                                                   "initialSavepointPath"),
])
def test_a_job_spec_the_configuration_refuses_a_cluster_refuses(job: JobSpec, message: str) -> None:
    with pytest.raises(ValueError) as info:
        FlinkClusterProps(name="app", job=job)
    assert str(info.value).startswith(f"FlinkDeployment app: {message}")
    with pytest.raises(ValueError, match=f"^FlinkSessionJob j: {message.removeprefix('job: ')}"):
        SessionJobProps(name="j", **{f.name: getattr(job, f.name) for f in dataclasses.fields(JobSpec)})


SIDECAR_RESOURCES = {"requests": {"cpu": "10m", "memory": "16Mi"}}


def test_a_toleration_and_a_mount_the_file_leaves_short_equal_the_python_defaults() -> None:
    """`podOptions.tolerations[]` and a sidecar's `volumeMounts[]` load as the value types the building blocks take,
    with the same defaults."""
    deployment = loaded({"name": "pods", "podOptions": {
        "tolerations": [{"key": "dedicated", "value": "flink"}],
        "volumes": [{"name": "scratch", "mountPath": "/scratch", "emptyDir": True}],
        "sidecars": [{"name": "agent", "image": "busybox:1.36", "resources": SIDECAR_RESOURCES,
                      "volumeMounts": [{"name": "scratch", "mountPath": "/s"}]}]}})
    assert deployment.pod_options.tolerations == (Toleration(key="dedicated", value="flink"),)
    assert deployment.pod_options.sidecars[0].volume_mounts == (VolumeMount(name="scratch", mount_path="/s"),)


def test_a_snapshot_is_one_value_for_the_file_and_the_construct() -> None:
    """`flink.snapshots[]` loads as the `Snapshot` the FlinkStateSnapshot construct takes (same defaults), and what
    the loader refuses at a key the construct's check refuses in the same words."""
    config = parse_environment(environment(flink={
        "deployments": [{"name": "app", "job": JOB}], "snapshots": [{"name": "before-upgrade", "job": "app"}]}),
        source="environments/test.yaml", expected_name="test")
    assert config.flink.snapshots == (Snapshot(name="before-upgrade", job="app"),)
    errors = config_errors(environment(flink={"deployments": [{"name": "app", "job": JOB}], "snapshots": [
        {"name": "cp", "job": "app", "kind": "checkpoint", "path": "s3://flink-bucket/savepoints/x"}]}))
    assert errors == ["flink.snapshots[cp].path: applies to savepoints only (kind: savepoint)"]
    with pytest.raises(ValueError, match=r"^FlinkStateSnapshot cp: path: applies to savepoints only"):
        checked("FlinkStateSnapshot cp", Snapshot(name="cp", job="app", kind="checkpoint",
                                                  path="s3://flink-bucket/savepoints/x"))


def test_a_value_out_of_its_declared_bounds_is_reported_once() -> None:
    """The declared minimum and the group's own rule both concern `scaleUpMaxFactor`: a construct reports it once,
    in the loader's words, as config does."""
    with pytest.raises(ValueError) as raised:
        checked("autoscaler", Autoscaler(enabled=True, scale_up_max_factor=-1))
    assert str(raised.value) == "autoscaler: scaleUpMaxFactor: -1 is less than the minimum of 0"
