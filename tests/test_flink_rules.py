"""Each rule of `config.flink_rules` reaches the same verdict in all three layers that apply it.

For the same values, at and around each rule's boundary: config refuses the environment at the field (or accepts it),
the construct's props raise `ValueError` (or build), and `validate` reports the rendered object (or passes it). The
config and construct layers are asked directly; `validate` is asked about an object rendered from a valid environment
and then changed to hold the values, as a hand-edited or imported manifest would.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import pytest
import yaml

from charts.flink.cluster import FlinkClusterProps, JobManagerProps, TaskManagerProps
from charts.flink.settings import MetricsProps
from charts.operators.flink_operator import FlinkOperatorProps
from config import ConfigError, parse_environment
from config.flink_rules import autoscaler_problems, standby_job_managers_problem
from config.flink_settings import Autoscaler, JobSpec, RestartStrategy
from config.flink_standalone import Standalone
from manifests.operator_refusals import refused_changes
from tests.conftest import Manifest, environment, find, render, validate_errors

JAR = "local:///opt/flink/usrlib/orders.jar"
APPLICATION: dict[str, Any] = {"name": "orders", "taskManager": {"taskSlots": 2, "replicas": 2},
                               "job": {"jarPath": "jobs/orders.jar", "parallelism": 4}}
STANDALONE: dict[str, Any] = {"name": "scoring", "backend": "standalone", "highAvailability": False,
                              "taskManager": {"taskSlots": 2, "replicas": 2}, "job": {"jarPath": JAR, "parallelism": 4}}


def cluster(**props: Any) -> FlinkClusterProps:
    """An application cluster of the props with `props` over a plain job: the construct that checks a group."""
    return FlinkClusterProps(**{"name": "orders", "job": JobSpec(jar_path="s3://b/orders.jar"), **props})


def config_refuses(deployment: dict[str, Any], field: str) -> bool:
    """Whether config refuses an environment with the one Flink cluster `deployment` at its field `field`."""
    return environment_refused(environment(flink={"deployments": [deployment]}),
                               f"flink.deployments[{deployment['name']}].{field}")


def environment_refused(doc: dict[str, Any], path: str) -> bool:
    """Whether config refuses environment document `doc` at `path` (the whole path of a field)."""
    try:
        parse_environment(doc, source="test.yaml")
    except ConfigError as error:
        return any(f"{path}:" in line for line in str(error).splitlines())
    return False


def construct_refuses(build: Callable[[], object]) -> bool:
    """Whether `build` (props) raises `ValueError`."""
    try:
        build()
    except ValueError:
        return True
    return False


def validate_reports(objects: list[Manifest], tmp_path: Path, text: str) -> bool:
    """Whether `validate` reports an error whose line holds `text`."""
    return any(text in line for line in validate_errors(objects, tmp_path))


def rendered(deployment: dict[str, Any]) -> list[Manifest]:
    """The objects of a valid environment with the one Flink cluster `deployment`, ready to be changed."""
    return copy.deepcopy(render(environment(flink={"deployments": [deployment]})))


@pytest.mark.parametrize(("target", "minimum", "maximum"), [
    (0.7, 0.7, 0.7), (0.7, 0.71, None), (0.6, 0.5, 0.6), (0.6, None, 0.59), (0.5, 0.0, 1.0), (1.0, None, 1.0),
])
def test_autoscaler_utilization_bounds(target: float, minimum: float | None, maximum: float | None,
                                       tmp_path: Path) -> None:
    """min <= target <= max (operator 1.14 `AutoscalerValidator`): the same verdict in config, the props and
    validate, at the boundaries."""
    expected = (minimum is not None and minimum > target) or (maximum is not None and maximum < target)
    bounds = {"utilizationMin": minimum, "utilizationMax": maximum}
    autoscaler = {"enabled": True, "utilizationTarget": target, **{k: v for k, v in bounds.items() if v is not None}}
    field = "autoscaler.utilizationMin" if minimum is not None and minimum > target else "autoscaler.utilizationMax"
    assert config_refuses({**APPLICATION, "autoscaler": autoscaler}, field if expected else "autoscaler") is expected
    assert construct_refuses(lambda: cluster(autoscaler=Autoscaler(
        enabled=True, utilization_target=target, utilization_min=minimum, utilization_max=maximum))) is expected
    objects = rendered({**APPLICATION, "autoscaler": {"enabled": True, "utilizationTarget": target}})
    conf = find(objects, "FlinkDeployment", "orders")["spec"]["flinkConfiguration"]
    conf.update({f"job.autoscaler.utilization.{k}": str(v) for k, v in (("min", minimum), ("max", maximum)) if v is not None})
    assert validate_reports(objects, tmp_path, "The AutoScalerOption job.autoscaler.utilization.") is expected


@pytest.mark.parametrize(("low", "high"), [(4, 4), (5, 4), (1, 200)])
def test_autoscaler_vertex_parallelism_bounds_in_order(low: int, high: int, tmp_path: Path) -> None:
    expected = low > high
    autoscaler = {"enabled": True, "vertexMinParallelism": low, "vertexMaxParallelism": high}
    field = "autoscaler.vertexMinParallelism" if expected else "autoscaler"
    assert config_refuses({**APPLICATION, "autoscaler": autoscaler}, field) is expected
    assert construct_refuses(lambda: cluster(autoscaler=Autoscaler(enabled=True, vertex_min_parallelism=low,
                                                                   vertex_max_parallelism=high))) is expected
    objects = rendered({**APPLICATION, "autoscaler": {"enabled": True}})
    find(objects, "FlinkDeployment", "orders")["spec"]["flinkConfiguration"].update(
        {"job.autoscaler.vertex.min-parallelism": str(low), "job.autoscaler.vertex.max-parallelism": str(high)})
    assert validate_reports(objects, tmp_path, f"{low} is above the vertex maximum parallelism ({high})") is expected


def test_autoscaler_rule_follows_the_validator_order_and_message() -> None:
    """The operator reports the first range problem, in its order, with its message (Java's number format)."""
    problems = autoscaler_problems({"job.autoscaler.utilization.min": 0.9, "job.autoscaler.utilization.max": 0.5,
                                    "job.autoscaler.scale-up.max-factor": -1.0})
    assert [p.where for p in problems] == ["job.autoscaler.scale-up.max-factor", "job.autoscaler.utilization.max",
                                           "job.autoscaler.utilization.min"]
    assert problems[1].upstream == ("The AutoScalerOption job.autoscaler.utilization.max is invalid, it should be a "
                                    "value within the range [0.7, 1.0]")
    assert problems[0].upstream == ("The AutoScalerOption job.autoscaler.scale-up.max-factor is invalid, it should be "
                                    "a value within the range [0.0, +Infinity]")
    assert problems[1].message == "0.5 is below the utilization target (0.7)"


@pytest.mark.parametrize(("replicas", "high_availability"), [(1, False), (2, False), (2, True), (3, False)])
def test_standby_job_managers_need_ha(replicas: int, high_availability: bool, tmp_path: Path) -> None:
    expected = replicas > 1 and not high_availability
    deployment = {**APPLICATION, "highAvailability": high_availability, "jobManager": {"replicas": replicas}}
    assert config_refuses(deployment, "jobManager.replicas") is expected
    assert construct_refuses(lambda: FlinkClusterProps(image="flink:1.20", job_manager=JobManagerProps(replicas=replicas),
                                                       high_availability=high_availability)) is expected
    objects = rendered({**APPLICATION, "highAvailability": high_availability})
    find(objects, "FlinkDeployment", "orders")["spec"]["jobManager"]["replicas"] = replicas
    problem = standby_job_managers_problem(2, False)
    assert problem is not None and problem.upstream
    assert validate_reports(objects, tmp_path, problem.upstream) is expected


@pytest.mark.parametrize("parallelism", [3, 4, 5])
def test_the_parallelism_the_operator_overrides(parallelism: int, tmp_path: Path) -> None:
    """TaskManager replicas 2 x 2 slots: the operator runs the job with parallelism 4 whatever it says."""
    expected = parallelism != 4
    job = {**APPLICATION["job"], "parallelism": parallelism}
    assert config_refuses({**APPLICATION, "job": job}, "job.parallelism") is expected
    assert construct_refuses(lambda: FlinkClusterProps(
        image="flink:1.20", name="orders", task_manager=TaskManagerProps(task_slots=2, replicas=2),
        job=JobSpec(jar_path="s3://b/orders.jar", parallelism=parallelism))) is expected
    objects = rendered(APPLICATION)
    find(objects, "FlinkDeployment", "orders")["spec"]["job"]["parallelism"] = parallelism
    assert validate_reports(objects, tmp_path, "Job parallelism setting is ignored as TaskManager replicas") is expected


@pytest.mark.parametrize("replicas", [1, 2, 3])
def test_a_standalone_job_needs_its_slots(replicas: int, tmp_path: Path) -> None:
    """Parallelism 4 on TaskManagers of 2 slots each: 2 replicas hold it, 1 does not."""
    expected = replicas * 2 < 4
    task_manager = {"taskSlots": 2, "replicas": replicas}
    assert config_refuses({**STANDALONE, "taskManager": task_manager}, "job.parallelism") is expected
    assert construct_refuses(lambda: FlinkClusterProps(
        image="flink:1.20", name="scoring", backend="standalone", high_availability=False,
        standalone=Standalone(), task_manager=TaskManagerProps(task_slots=2, replicas=replicas),
        job=JobSpec(jar_path=JAR, parallelism=4))) is expected
    objects = rendered(STANDALONE)
    find(objects, "Deployment", "scoring-taskmanager")["spec"]["replicas"] = replicas
    config_yaml = yaml.safe_load(find(objects, "ConfigMap", "scoring-config")["data"]["config.yaml"])
    assert config_yaml["parallelism.default"] == 4  # the rule's input in the rendered file
    assert validate_reports(objects, tmp_path, "never gets them") is expected


@pytest.mark.parametrize(("key", "refused"), [("log4j-console.properties", False), ("logback-console.xml", False),
                                              ("log4j.properties", True)])
def test_log_configuration_files_the_operator_allows(key: str, refused: bool, tmp_path: Path) -> None:
    assert config_refuses({**APPLICATION, "logConfiguration": {key: "x"}}, f"logConfiguration.{key}") is refused
    assert construct_refuses(lambda: FlinkClusterProps(image="flink:1.20", log_configuration={key: "x"})) is refused
    objects = rendered(APPLICATION)
    find(objects, "FlinkDeployment", "orders")["spec"]["logConfiguration"] = {key: "x"}
    assert validate_reports(objects, tmp_path, f"Invalid log config key: {key}. Allowed keys are") is refused


@pytest.mark.parametrize(("key", "refused"), [("kubernetes.cluster-id", True), ("high-availability.cluster-id", True),
                                              ("kubernetes.namespace", True), ("pipeline.name", False)])
def test_keys_the_operator_sets_itself(key: str, refused: bool, tmp_path: Path) -> None:
    assert config_refuses({**APPLICATION, "flinkConfiguration": {key: "x"}}, f"flinkConfiguration.{key}") is refused
    assert construct_refuses(lambda: FlinkClusterProps(image="flink:1.20", flink_configuration={key: "x"})) is refused
    objects = rendered(APPLICATION)
    find(objects, "FlinkDeployment", "orders")["spec"]["flinkConfiguration"][key] = "x"
    assert validate_reports(objects, tmp_path, f"Forbidden Flink config key: {key}") is refused


@pytest.mark.parametrize(("path", "refused"), [(None, True), ("", True), ("  ", True), ("s3://b/savepoints/sp-1", False)])
def test_a_savepoint_redeploy_needs_its_savepoint(path: str | None, refused: bool) -> None:
    """The operator checks a new `savepointRedeployNonce` against the last spec, so `diff` applies it (between the
    rendered base and the change), where config and the props apply it to the one spec they have."""
    job = {**APPLICATION["job"], "savepointRedeployNonce": 1, **({"initialSavepointPath": path} if path is not None else {})}
    assert config_refuses({**APPLICATION, "job": job}, "job.savepointRedeployNonce") is refused
    assert construct_refuses(lambda: cluster(job=JobSpec(jar_path="s3://b/orders.jar", savepoint_redeploy_nonce=1,
                                                         initial_savepoint_path=path))) is refused
    old = find(rendered(APPLICATION), "FlinkDeployment", "orders")
    new = copy.deepcopy(old)
    new["spec"]["job"].update({"savepointRedeployNonce": 1, "initialSavepointPath": path})
    findings = list(refused_changes(("test", "FlinkDeployment", "flink", "orders"), old, new))
    assert any(f.field == "spec.job.savepointRedeployNonce" for f in findings) is refused


@pytest.mark.parametrize(("port", "refused"), [(8081, True), (6122, True), (6125, False), (9249, False)])
def test_a_metrics_port_flink_opens_itself(port: int, refused: bool) -> None:
    """Config and the props agree (validate reads the rendered reporter port of no such rule)."""
    metrics = {"prometheus": {"enabled": True, "port": port}}
    assert environment_refused(environment(metrics=metrics), "metrics.prometheus.port") is refused
    assert config_refuses({**APPLICATION, "metrics": metrics}, "metrics.prometheus.port") is refused
    assert construct_refuses(lambda: MetricsProps(port=port)) is refused


@pytest.mark.parametrize(("replicas", "leader_election"), [(1, False), (2, False), (2, True)])
def test_flink_operator_replicas_need_leader_election(replicas: int, leader_election: bool) -> None:
    refused = replicas > 1 and not leader_election
    doc = environment(flinkOperator={"replicas": replicas, "leaderElection": leader_election})
    assert environment_refused(doc, "flinkOperator.replicas") is refused
    assert construct_refuses(lambda: FlinkOperatorProps(replicas=replicas, leader_election=leader_election)) is refused


@pytest.mark.parametrize("job", [True, False])
def test_the_autoscaler_needs_a_job(job: bool) -> None:
    cluster = {"name": "orders", "autoscaler": {"enabled": True}, **({"job": APPLICATION["job"]} if job else {})}
    assert config_refuses(cluster, "autoscaler.enabled") is not job
    assert construct_refuses(lambda: FlinkClusterProps(
        image="flink:1.20", name="orders", autoscaler=Autoscaler(enabled=True),
        job=JobSpec(jar_path="s3://b/orders.jar") if job else None)) is not job


@pytest.mark.parametrize(("strategy", "refused"), [("fixed-delay", False), ("exponential-delay", True), (None, True)])
def test_restart_settings_of_another_strategy(strategy: str | None, refused: bool) -> None:
    """`attempts` belongs to fixed-delay: Flink ignores it under any other strategy."""
    restart = {"attempts": 3, **({"type": strategy} if strategy else {})}
    assert config_refuses({**APPLICATION, "restartStrategy": restart}, "restartStrategy.attempts") is refused
    assert construct_refuses(lambda: cluster(
        restart_strategy=RestartStrategy(type=strategy, attempts=3))) is refused  # type: ignore[arg-type]


@pytest.mark.parametrize(("kind", "refused"), [("deployment", True), ("statefulset", False)])
def test_local_recovery_needs_a_stateful_set(kind: str, refused: bool) -> None:
    standalone = {"taskManagerKind": kind, "localRecovery": True}
    assert config_refuses({**STANDALONE, "standalone": standalone}, "standalone.localRecovery") is refused
    assert construct_refuses(lambda: cluster(
        standalone=Standalone(task_manager_kind=kind, local_recovery=True))) is refused  # type: ignore[arg-type]


STANDALONE_CASES: dict[str, tuple[dict[str, Any], dict[str, Any], str | None]] = {
    "fits": ({}, {}, None),
    "autoscaler": ({"autoscaler": {"enabled": True}}, {"autoscaler": Autoscaler(enabled=True)},
                   "autoscaler.enabled"),
    "JAR outside the image": ({"job": {"jarPath": "jobs/a.jar", "parallelism": 4}},
                              {"job": JobSpec(jar_path="jobs/a.jar", parallelism=4)}, "job.jarPath"),
    "operator-only key": ({"flinkConfiguration": {"kubernetes.operator.periodic.savepoint.interval": "1 h"}},
                          {"flink_configuration": {"kubernetes.operator.periodic.savepoint.interval": "1 h"}},
                          "flinkConfiguration.kubernetes.operator.periodic.savepoint.interval"),
    "cluster id without HA": ({"standalone": {"clusterId": "scoring-2"}},
                              {"standalone": Standalone(cluster_id="scoring-2")}, "standalone.clusterId"),
}


@pytest.mark.parametrize("case", STANDALONE_CASES)
def test_what_a_standalone_cluster_cannot_do(case: str) -> None:
    """Config and the props apply `standalone_problems` to the same cluster and name the same setting."""
    settings, props, where = STANDALONE_CASES[case]
    assert config_refuses({**STANDALONE, **settings}, where or "name") is (where is not None)
    base: dict[str, Any] = {"image": "flink:1.20", "name": "scoring", "backend": "standalone",
                            "high_availability": False, "task_manager": TaskManagerProps(task_slots=2, replicas=2),
                            "job": JobSpec(jar_path=JAR, parallelism=4)}
    with pytest.raises(ValueError, match=f"standalone Flink cluster scoring: {where}: ") if where else nullcontext():
        FlinkClusterProps(**{**base, **props})


@pytest.mark.parametrize(("key", "refused"), [("spark.master", True), ("spark.kubernetes.container.image", True),
                                              ("spark.sql.shuffle.partitions", False)])
def test_spark_conf_keys_the_spark_operator_refuses(key: str, refused: bool, tmp_path: Path) -> None:
    """`config.spark.denied_conf_problems`: config and validate agree (the Spark chart takes config's verdict)."""
    application = {"name": "ingest", "mainApplicationFile": "jobs/ingest.py"}
    doc = environment(spark={"applications": [{**application, "sparkConf": {key: "x"}}]})
    assert environment_refused(doc, f"spark.applications[ingest].sparkConf.{key}") is refused
    objects = copy.deepcopy(render(environment(spark={"applications": [application]})))
    find(objects, "SparkApplication", "ingest")["spec"].setdefault("sparkConf", {})[key] = "x"
    assert validate_reports(objects, tmp_path, f"sparkConf key '{key}' is not allowed") is refused
