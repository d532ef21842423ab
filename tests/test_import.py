"""`python main.py import`: existing Flink manifests become environment config that renders them again. The
manifests below follow the Flink Kubernetes Operator 1.14 examples (`examples/basic.yaml`,
`basic-session-deployment-and-job.yaml`, `basic-checkpoint-ha.yaml`, `pod-template.yaml`), written for S3."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from cli.commands import main as cli_main
from manifests.manifest_import.documents import import_manifests
from manifests.manifest_import.reading import flatten
from tests.conftest import Manifest, environment, render

BASIC = """
apiVersion: flink.apache.org/v1beta1
kind: FlinkDeployment
metadata: {name: basic-example}
spec:
  image: flink:1.20
  flinkVersion: v1_20
  flinkConfiguration: {taskmanager.numberOfTaskSlots: 2}
  serviceAccount: flink
  jobManager: {resource: {memory: "2048m", cpu: 1}}
  taskManager: {resource: {memory: "2048m", cpu: 1}}
  job: {jarURI: "local:///opt/flink/examples/streaming/StateMachineExample.jar", parallelism: 2, upgradeMode: stateless}
"""
SESSION = """
apiVersion: flink.apache.org/v1beta1
kind: FlinkDeployment
metadata: {name: basic-session-deployment-example}
spec:
  image: flink:1.20
  flinkVersion: v1_20
  jobManager: {resource: {memory: "2048m", cpu: 1}}
  taskManager: {resource: {memory: "2048m", cpu: 1}}
  serviceAccount: flink
---
apiVersion: flink.apache.org/v1beta1
kind: FlinkSessionJob
metadata: {name: basic-session-job-example}
spec:
  deploymentName: basic-session-deployment-example
  job:
    jarURI: https://repo1.maven.org/maven2/org/apache/flink/flink-examples-streaming_2.12/1.16.1/flink-examples-streaming_2.12-1.16.1-TopSpeedWindowing.jar
    parallelism: 4
    upgradeMode: stateless
---
apiVersion: flink.apache.org/v1beta1
kind: FlinkSessionJob
metadata: {name: basic-session-job-example2}
spec:
  deploymentName: basic-session-deployment-example
  job:
    jarURI: https://repo1.maven.org/maven2/org/apache/flink/flink-examples-streaming_2.12/1.16.1/flink-examples-streaming_2.12-1.16.1.jar
    parallelism: 2
    upgradeMode: stateless
    entryClass: org.apache.flink.streaming.examples.statemachine.StateMachineExample
"""
STATEFUL = """
apiVersion: flink.apache.org/v1beta1
kind: FlinkDeployment
metadata: {name: checkpoint-ha-example, namespace: flink}
spec:
  image: flink:1.20
  flinkVersion: v1_20
  flinkConfiguration:
    taskmanager.numberOfTaskSlots: 2
    state: {savepoints.dir: "s3://old-bucket/savepoints", checkpoints.dir: "s3://old-bucket/checkpoints"}
    high-availability: {type: kubernetes, storageDir: "s3://old-bucket/ha"}
    execution.checkpointing.interval: 30 s
    kubernetes.operator.savepoint.format.type: NATIVE
    job.autoscaler.enabled: "true"
    job.autoscaler.utilization.target: "0.6"
  serviceAccount: flink
  jobManager: {resource: {memory: "2048m", cpu: 1}}
  taskManager:
    resource: {memory: "2048m", cpu: 1}
    podTemplate:
      spec:
        nodeSelector: {pool: flink}
        tolerations: [{key: dedicated, operator: Equal, value: flink, effect: NoSchedule}]
  podTemplate:
    metadata: {labels: {team: orders}, annotations: {example.com/owner: orders}}
    spec:
      imagePullSecrets: [{name: registry}]
      containers:
        - name: flink-main-container
          env: [{name: MODE, value: batch}, {name: TOKEN, valueFrom: {secretKeyRef: {name: orders, key: token}}}]
          volumeMounts: [{mountPath: /opt/lookup, name: lookup, readOnly: true}]
        - name: fluentbit
          image: fluent/fluent-bit:3.0.7
          resources: {requests: {cpu: 50m, memory: 64Mi}}
      volumes: [{name: lookup, configMap: {name: orders-lookup}}, {name: host, hostPath: {path: /tmp/flink}}]
  job:
    jarURI: "local:///opt/flink/examples/streaming/StateMachineExample.jar"
    parallelism: 2
    upgradeMode: savepoint
    state: running
    savepointTriggerNonce: 0
---
apiVersion: flink.apache.org/v1beta1
kind: FlinkStateSnapshot
metadata: {name: example-savepoint}
spec:
  jobReference: {kind: FlinkDeployment, name: checkpoint-ha-example}
  savepoint: {formatType: CANONICAL, disposeOnDelete: false}
"""


def deep_merge(base: dict[str, Any], fragment: dict[str, Any]) -> dict[str, Any]:
    """`fragment` merged into a copy of `base` as README says: mappings merged, lists appended."""
    merged = copy.deepcopy(base)
    for key, value in fragment.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        elif isinstance(value, list) and isinstance(merged.get(key), list):
            merged[key] = merged[key] + value
        else:
            merged[key] = value
    return merged


def missing(expected: Any, actual: Any, path: str) -> list[str]:
    """Every field of `expected` that `actual` lacks or holds with another value (lists of named objects matched
    by name)."""
    if isinstance(expected, dict):
        if actual is None:
            return [f"{path}: absent"]
        if not isinstance(actual, dict):
            return [f"{path}: {actual!r} is not a mapping"]
        return [line for key, value in expected.items() for line in missing(value, actual.get(key), f"{path}.{key}")]
    if isinstance(expected, list) and expected and all(isinstance(e, dict) and "name" in e for e in expected):
        by_name = {a.get("name"): a for a in actual or [] if isinstance(a, dict)}
        return [line for e in expected for line in missing(e, by_name.get(e["name"]), f"{path}[{e['name']}]")]
    if actual is None:
        return [f"{path}: absent"]
    return [] if actual == expected else [f"{path}: {actual!r} != {expected!r}"]


def round_trip(manifests: str) -> tuple[list[Manifest], list[Manifest], list[str]]:
    """The input objects, the objects rendered from the imported config merged into a test environment, notes."""
    inputs = [d for d in yaml.safe_load_all(manifests) if d]
    imported = import_manifests(inputs)
    return inputs, render(deep_merge(environment(), {"flink": imported.flink})), [str(n) for n in imported.notes]


def spec_differences(inputs: list[Manifest], rendered: list[Manifest], skip: set[str]) -> list[str]:
    """Fields of the inputs' specs the rendered objects of the same kind and name lack or change (`skip`: flink
    configuration keys the platform owns). A common pod-template field counts as kept when both roles' templates
    hold it: the operator merges `spec.podTemplate` into each role's, and the platform writes options there."""
    problems = []
    for obj in inputs:
        name = obj["metadata"]["name"]
        ours = [o for o in rendered if o["kind"] == obj["kind"] and o["metadata"]["name"] == name]
        if len(ours) != 1:
            problems.append(f"{obj['kind']}/{name}: rendered {len(ours)} times")
            continue
        spec, actual = copy.deepcopy(obj["spec"]), ours[0]["spec"]
        if "flinkConfiguration" in spec:
            spec["flinkConfiguration"] = {k: v for k, v in flatten(spec["flinkConfiguration"]).items() if k not in skip}
        common = spec.pop("podTemplate", None)
        problems += missing(spec, actual, f"{obj['kind']}/{name}.spec")
        if common is not None:
            in_roles = {line for role in ("jobManager", "taskManager")
                        for line in missing(common, (actual.get(role) or {}).get("podTemplate"), "")}
            problems += [f"{obj['kind']}/{name}.spec.podTemplate{line}"
                         for line in missing(common, actual.get("podTemplate"), "") if line in in_roles]
    return problems


def test_the_operators_basic_examples_round_trip_without_a_note() -> None:
    for manifests in (BASIC, SESSION):
        inputs, rendered, notes = round_trip(manifests)
        assert notes == []
        assert spec_differences(inputs, rendered, skip=set()) == []


def test_a_stateful_cluster_round_trips_except_what_import_reports() -> None:
    inputs, rendered, notes = round_trip(STATEFUL)
    where = "FlinkDeployment/checkpoint-ha-example"
    owned = "replaced: the platform keeps state and catalogs in its own places (s3://<flink bucket>/{checkpoints," \
            "savepoints,ha}/<name>, the catalog store)"
    conf_path = f"{where}: spec.flinkConfiguration"
    assert notes == [
        f"{conf_path}.state.savepoints.dir: imported as execution.checkpointing.savepoint-dir (its Flink 1.20 name)",
        f"{conf_path}.state.checkpoints.dir: imported as execution.checkpointing.dir (its Flink 1.20 name)",
        f"{conf_path}.state.checkpoints.dir: 's3://old-bucket/checkpoints' {owned}",
        f"{conf_path}.state.savepoints.dir: 's3://old-bucket/savepoints' {owned}",
        f"{conf_path}.high-availability.storageDir: 's3://old-bucket/ha' {owned}",
        f"{where}: spec.podTemplate.spec.volumes[host]: not imported: pod options hold the volumes a container of "
        "this pod template mounts",
    ]
    conf = next(o for o in rendered if o["metadata"]["name"] == "checkpoint-ha-example")["spec"]["flinkConfiguration"]
    assert conf["execution.checkpointing.dir"] == "s3://flink-bucket/checkpoints/checkpoint-ha-example"
    assert conf["job.autoscaler.utilization.target"] == "0.6" and conf["kubernetes.operator.savepoint.format.type"] == (
        "NATIVE")
    # Exactly what the notes name differs: the owned directories (skipped), the sidecar and the hostPath volume.
    assert spec_differences(inputs, rendered, skip={"state.checkpoints.dir", "state.savepoints.dir",
                                                    "high-availability.storageDir"}) == [
        f"{where}.spec.podTemplate.spec.volumes[host]: absent",
    ]


def test_import_command_prints_config_and_notes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "basic.yaml"
    path.write_text(BASIC)
    assert cli_main(["import", str(path)]) == 0
    out = capsys.readouterr()
    assert yaml.safe_load(out.out)["flink"]["deployments"][0]["job"]["jarPath"].startswith("local:///")
    assert out.err == ""
    assert cli_main(["import", str(tmp_path / "nope.yaml")]) == 2


def test_a_cluster_of_another_namespace_is_imported_into_that_existing_namespace() -> None:
    manifests = BASIC.replace("metadata: {name: basic-example}", "metadata: {name: basic-example, namespace: team-x}")
    inputs = [d for d in yaml.safe_load_all(manifests) if d]
    imported = import_manifests(inputs)
    assert [str(n) for n in imported.notes] == ["FlinkDeployment/basic-example: metadata.namespace: 'team-x' imported as an existing "
                              "team namespace; list it in flinkOperator.watchNamespaces unless that is empty"]
    assert imported.flink["teamNamespaces"] == [{"name": "team-x", "create": False}]
    doc = deep_merge(environment(flinkOperator={"watchNamespaces": ["flink", "team-x"]}), {"flink": imported.flink})
    rendered = render(doc)
    assert spec_differences(inputs, rendered, skip=set()) == []
    obj = next(o for o in rendered if o["kind"] == "FlinkDeployment" and o["metadata"]["name"] == "basic-example")
    assert obj["metadata"]["namespace"] == "team-x"
    assert not [o for o in rendered if o["kind"] == "Namespace" and o["metadata"]["name"] == "team-x"]


def test_a_session_jobs_autoscaler_is_imported_and_other_settings_noted() -> None:
    manifests = SESSION.replace("""    parallelism: 4
    upgradeMode: stateless""", """    parallelism: 4
    upgradeMode: stateless
  flinkConfiguration: {job.autoscaler.enabled: "true", pipeline.name: speed}""")
    inputs, rendered, notes = round_trip(manifests)
    assert notes == ["FlinkSessionJob/basic-session-job-example: spec.flinkConfiguration.pipeline.name: not expressed for "
                     "session jobs (only the autoscaler)"]
    assert spec_differences(inputs, rendered, skip=set()) == [
        "FlinkSessionJob/basic-session-job-example.spec.flinkConfiguration.pipeline.name: absent"]


def test_older_flink_names_are_imported_as_the_current_ones() -> None:
    """Flink 1.20.3's deprecated keys (upstream.flink_keys, from its jars), which the config refuses, become the
    option's key."""
    manifests = STATEFUL.replace("    taskmanager.numberOfTaskSlots: 2", "    taskmanager.numberOfTaskSlots: 2\n"
                                 "    env.java.opts: -Xss2m\n    taskmanager.network.memory.min: 64m")
    imported = import_manifests([d for d in yaml.safe_load_all(manifests) if d])
    conf = imported.flink["deployments"][0]["flinkConfiguration"]
    assert conf["env.java.opts.all"] == "-Xss2m" and conf["taskmanager.memory.network.min"] == "64m"
    assert [n.split(": ", 1)[1] for n in map(str, imported.notes) if "java" in n or "network" in n] == [
        "spec.flinkConfiguration.env.java.opts: imported as env.java.opts.all (its Flink 1.20 name)",
        "spec.flinkConfiguration.taskmanager.network.memory.min: imported as taskmanager.memory.network.min (its Flink "
        "1.20 name)"]


def test_a_restart_strategy_is_imported_into_the_typed_setting() -> None:
    manifests = STATEFUL.replace("""    taskmanager.numberOfTaskSlots: 2""", """    taskmanager.numberOfTaskSlots: 2
    restart-strategy: fixed-delay
    restart-strategy.fixed-delay.attempts: "5"
    restart-strategy.fixed-delay.delay: 20 s""")
    imported = import_manifests([d for d in yaml.safe_load_all(manifests) if d])
    deployment = imported.flink["deployments"][0]
    assert deployment["restartStrategy"] == {"type": "fixed-delay", "attempts": 5, "delay": "20 s"}
    assert "restart-strategy" not in deployment["flinkConfiguration"]
    assert "FlinkDeployment/checkpoint-ha-example: spec.flinkConfiguration.restart-strategy: imported as " \
           "restart-strategy.type (its Flink 1.20 name)" in [str(n) for n in imported.notes]
    inputs, rendered, _ = round_trip(manifests)
    conf = next(o for o in rendered if o["metadata"]["name"] == "checkpoint-ha-example")["spec"]["flinkConfiguration"]
    assert {k: v for k, v in conf.items() if k.startswith("restart-strategy")} == {
        "restart-strategy.type": "fixed-delay", "restart-strategy.fixed-delay.attempts": "5",
        "restart-strategy.fixed-delay.delay": "20 s"}


# ---- Spark (the Spark operator 2.5.2 examples: spark-pi.yaml, spark-pi-scheduled.yaml, spark-pi-dynamic-allocation.yaml)

SPARK_PI = """
apiVersion: sparkoperator.k8s.io/v1beta2
kind: SparkApplication
metadata: {name: spark-pi, namespace: default}
spec:
  type: Scala
  mode: cluster
  image: docker.io/apache/spark:4.0.4
  imagePullPolicy: IfNotPresent
  mainClass: org.apache.spark.examples.SparkPi
  mainApplicationFile: local:///opt/spark/examples/jars/spark-examples.jar
  arguments: ["5000"]
  sparkVersion: 4.0.4
  driver:
    cores: 1
    memory: 512m
    serviceAccount: spark-operator-spark
    securityContext:
      capabilities: {drop: [ALL]}
      runAsGroup: 185
      runAsUser: 185
      runAsNonRoot: true
      allowPrivilegeEscalation: false
      seccompProfile: {type: RuntimeDefault}
  executor:
    instances: 1
    cores: 1
    memory: 512m
    securityContext:
      capabilities: {drop: [ALL]}
      runAsGroup: 185
      runAsUser: 185
      runAsNonRoot: true
      allowPrivilegeEscalation: false
      seccompProfile: {type: RuntimeDefault}
---
apiVersion: sparkoperator.k8s.io/v1beta2
kind: ScheduledSparkApplication
metadata: {name: spark-pi-scheduled, namespace: default}
spec:
  schedule: "@every 3m"
  concurrencyPolicy: Allow
  template:
    type: Scala
    mode: cluster
    image: docker.io/apache/spark:4.0.4
    imagePullPolicy: IfNotPresent
    mainClass: org.apache.spark.examples.SparkPi
    mainApplicationFile: local:///opt/spark/examples/jars/spark-examples.jar
    sparkVersion: 4.0.4
    restartPolicy: {type: Never}
    driver: {cores: 1, memory: 512m, serviceAccount: spark-operator-spark}
    executor: {instances: 1, cores: 1, memory: 512m}
---
apiVersion: sparkoperator.k8s.io/v1beta2
kind: SparkApplication
metadata: {name: spark-pi-dynamic-allocation, namespace: default}
spec:
  type: Scala
  mode: cluster
  image: docker.io/apache/spark:4.0.4
  mainClass: org.apache.spark.examples.SparkPi
  mainApplicationFile: local:///opt/spark/examples/jars/spark-examples.jar
  sparkVersion: 4.0.4
  driver: {cores: 1, memory: 512m, serviceAccount: spark-operator-spark}
  executor: {instances: 1, cores: 1, memory: 512m}
  dynamicAllocation: {enabled: true, initialExecutors: 2, maxExecutors: 5, minExecutors: 1}
"""


def test_the_spark_operators_examples_round_trip() -> None:
    inputs = [d for d in yaml.safe_load_all(SPARK_PI) if d]
    imported = import_manifests(inputs)
    assert [str(n) for n in imported.notes] == [f"{kind}/{name}: metadata.namespace: 'default': imported into the Spark namespace "
                              "(namespaces.spark)" for kind, name in (
                                  ("SparkApplication", "spark-pi"), ("ScheduledSparkApplication", "spark-pi-scheduled"),
                                  ("SparkApplication", "spark-pi-dynamic-allocation"))]
    rendered = render(deep_merge(environment(), imported.fragment()))
    problems = []
    for obj in inputs:
        ours = [o for o in rendered if o["kind"] == obj["kind"] and o["metadata"]["name"] == obj["metadata"]["name"]]
        assert len(ours) == 1, obj["metadata"]["name"]
        problems += missing(obj["spec"], ours[0]["spec"], f"{obj['kind']}/{obj['metadata']['name']}.spec")
    assert problems == []  # every input field, with its value; the platform only adds (S3A, catalog, restricted pods)
    scheduled = next(o for o in rendered if o["kind"] == "ScheduledSparkApplication")["spec"]
    assert scheduled["template"]["sparkConf"]["spark.sql.defaultCatalog"] == "rest"


def test_what_the_platform_owns_in_a_spark_application_is_reported() -> None:
    doc = yaml.safe_load(SPARK_PI.split("---")[0])
    doc["metadata"]["namespace"] = "spark"
    doc["spec"].update(sparkConf={"spark.hadoop.fs.s3a.endpoint": "http://minio:9000", "spark.sql.adaptive.enabled":
                                  "true", "spark.executor.memory": "1g"},
                       deps={"jars": ["local:///opt/spark/jars/extra.jar"], "packages": ["a:b:1"]},
                       monitoring={"exposeDriverMetrics": True}, mode="client")
    doc["spec"]["driver"]["labels"] = {"team": "x"}
    imported = import_manifests([doc])
    where = "SparkApplication/spark-pi"
    assert [str(n) for n in imported.notes] == [
        f"{where}: spec.mode: 'client': the platform renders 'cluster'",
        f"{where}: spec.deps.jars: kept as they are, without the platform's Iceberg jars (spark.applications[].jars "
        "default): the image must put Iceberg on the classpath, as the platform's catalog settings need it",
        f"{where}: spec.deps.packages: not expressed",
        f"{where}: spec.sparkConf.spark.executor.memory: '1g' not imported: the platform or a typed field sets it, or "
        "the operator refuses it",
        f"{where}: spec.sparkConf.spark.hadoop.fs.s3a.endpoint: 'http://minio:9000' not imported: the platform or a "
        "typed field sets it, or the operator refuses it",
        f"{where}: spec.driver.labels.team: not imported: pod options apply to driver and executor alike, and the "
        "other role lacks it",
        f"{where}: spec.monitoring: not expressed",
    ]
    (app,) = imported.spark["applications"]
    assert app["sparkConf"] == {"spark.sql.adaptive.enabled": "true"}
    assert app["jars"] == ["local:///opt/spark/jars/extra.jar"]


# ---- keys config refuses, metadata, emptyDir, --into


def test_every_key_config_refuses_as_the_platforms_is_read_dropped_or_renamed_and_the_fragment_loads() -> None:
    """Each key of `PLATFORM_KEYS` (config's refusal table) in a FlinkDeployment's flinkConfiguration: the fragment
    loads, and a note or a typed setting accounts for it."""
    from manifests.manifest_import.flink import HANDLED_PLATFORM_KEYS
    from upstream.flink_options import PLATFORM_KEYS

    assert PLATFORM_KEYS <= HANDLED_PLATFORM_KEYS  # a key config learns to refuse needs a rule here
    for key in sorted(PLATFORM_KEYS):
        manifests = BASIC.replace("flinkConfiguration: {taskmanager.numberOfTaskSlots: 2}",
                                  f"flinkConfiguration: {{taskmanager.numberOfTaskSlots: 2, {key}: '1'}}")
        inputs, rendered, notes = round_trip(manifests)
        deployment = import_manifests(inputs).flink["deployments"][0]
        assert key not in deployment.get("flinkConfiguration", {}), key
        assert notes or any(k in deployment for k in ("checkpointing", "periodicSnapshots", "restartStrategy",
                                                       "autoscaler", "metrics", "taskManager")), key


def test_the_prometheus_reporter_becomes_the_clusters_metrics_setting() -> None:
    manifests = BASIC.replace("flinkConfiguration: {taskmanager.numberOfTaskSlots: 2}", """flinkConfiguration:
    taskmanager.numberOfTaskSlots: 2
    metrics.reporter.prom.factory.class: org.apache.flink.metrics.prometheus.PrometheusReporterFactory
    metrics.reporter.prom.port: "9250"
    kubernetes.cluster-id: other""")
    inputs, rendered, notes = round_trip(manifests)
    assert import_manifests(inputs).flink["deployments"][0]["metrics"] == {"prometheus": {"enabled": True,
                                                                                        "port": 9250}}
    conf = next(o for o in rendered if o["metadata"]["name"] == "basic-example")["spec"]["flinkConfiguration"]
    assert conf["metrics.reporter.prom.port"] == "9250"
    assert notes == ["FlinkDeployment/basic-example: spec.flinkConfiguration.kubernetes.cluster-id: 'other' not "
                     "imported: set by the Flink operator itself"]


def test_own_labels_and_annotations_are_kept_and_the_platforms_noted() -> None:
    manifests = BASIC.replace("metadata: {name: basic-example}", """metadata:
  name: basic-example
  labels: {team: orders, app.kubernetes.io/name: mine}
  annotations: {example.com/owner: orders}""")
    inputs, rendered, notes = round_trip(manifests)
    meta = next(o for o in rendered if o["metadata"]["name"] == "basic-example")["metadata"]
    assert meta["labels"]["team"] == "orders" and meta["annotations"]["example.com/owner"] == "orders"
    assert meta["labels"]["app.kubernetes.io/name"] == "flink"
    assert notes == ["FlinkDeployment/basic-example: metadata.labels.app.kubernetes.io/name: 'mine' not imported: the "
                     "platform sets labels under app.kubernetes.io/, lakehouse.dev/"]


def test_a_tmpfs_keeps_its_medium_and_size_limit() -> None:
    manifests = BASIC + """  podTemplate:
    spec:
      containers:
        - name: flink-main-container
          volumeMounts: [{name: scratch, mountPath: /scratch}]
      volumes: [{name: scratch, emptyDir: {medium: Memory, sizeLimit: 1Gi}}]
"""
    inputs, rendered, notes = round_trip(manifests)
    assert notes == []
    assert import_manifests(inputs).flink["deployments"][0]["podOptions"]["volumes"] == [
        {"name": "scratch", "mountPath": "/scratch", "emptyDir": True, "medium": "Memory", "sizeLimit": "1Gi"}]
    assert spec_differences(inputs, rendered, skip=set()) == []


ENV_FILE = """# yaml-language-server: $schema=../environments/config.schema.json
environment: test   # the name of this file
objectStore:
  type: aws-s3
  region: eu-north-1
  buckets: {iceberg: ice-bucket, flink: flink-bucket, fluss: fluss-bucket}
polaris:
  setup:
    catalogs:
      - name: dev_iceberg_datalake_catalog
        roleArn: arn:aws:iam::123456789012:role/test-catalog
argoCd:
  repoUrl: https://git.example.com/data-platform/lakehouse.git
flink:
  # the team's clusters
  deployments:
    - name: existing
      flinkConfiguration: {pipeline.max-parallelism: "128"}
      job: {jarPath: jobs/existing.jar, args: ["--bootstrap", "${fluss.bootstrapServers}"], parallelism: 1}
"""


def test_the_printed_fragment_pastes_into_an_environment_file_as_is(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "basic.yaml").write_text(BASIC)
    assert cli_main(["import", str(tmp_path / "basic.yaml")]) == 0
    fragment = capsys.readouterr().out
    assert "\n  deployments:\n    - name: basic-example\n" in fragment
    pasted = ENV_FILE.split("\nflink:")[0] + "\n" + fragment
    from config import parse_environment

    config = parse_environment(yaml.safe_load(pasted), source="test.yaml", expected_name="test")
    assert [d.name for d in config.flink.deployments] == ["basic-example"]
