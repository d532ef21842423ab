"""validate: a corpus of bad manifests (one or more per rule) fails with the expected message; the good
variants pass; the report format and exit codes are stable."""

from __future__ import annotations

import copy
import re
import subprocess
import time
import zoneinfo
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from cli.commands import main as cli_main
from config.external import declared_external
from manifests.judges import JudgeError, built, kubeconform_path
from manifests.rollout import CHECKSUM_ANNOTATION
from manifests.validation import command
from manifests.validation.command import validate
from manifests.validation.report import Finding, Layer, Level, Report
from manifests.validation.strict_schemas import SchemaStore, default_dir
from tests.conftest import FIXTURE_DIR, ROOT, Manifest, fixture_environment, fixture_environments, load_dir
from tests.judges import judge_unavailable
from upstream.argo_cd import SYNC_OPTIONS_ANNOTATION, SYNC_WAVE_ANNOTATION
from upstream.capabilities import KUBECONFORM
from upstream.cron import schedule_problem
from upstream.quartz import cron_valid, daily_valid

Mutation = Callable[[list[Manifest]], None]


@pytest.fixture(scope="module")
def store() -> SchemaStore:
    return SchemaStore(default_dir())


def run(objects: list[Manifest], tmp_path: Path, store: SchemaStore, env: str = "test-local", partial: bool = False,
        kubeconform: str | None = None) -> Report:
    path = tmp_path / "manifests.yaml"
    path.write_text(yaml.dump_all(objects, Dumper=yaml.CSafeDumper, sort_keys=False))  # libyaml: 5x the pure-Python dumper
    external = {} if partial else declared_external(fixture_environment(env))
    return validate([path], store, external=external, partial=partial, kubeconform=kubeconform)


def obj(objects: list[Manifest], kind: str, name: str) -> Manifest:
    return next(o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name)


def container(objects: list[Manifest], kind: str, name: str, index: int = 0) -> dict[str, Any]:
    result: dict[str, Any] = obj(objects, kind, name)["spec"]["template"]["spec"]["containers"][index]
    return result


def _set(target: dict[str, Any], **values: Any) -> None:
    target.update(values)


def append_line(objects: list[Manifest], config_map: str, key: str, line: str) -> None:
    """Append `line` to the file `key` of a ConfigMap."""
    obj(objects, "ConfigMap", config_map)["data"][key] += line + "\n"


def edit_line(objects: list[Manifest], config_map: str, key: str, setting: str, line: str | None) -> None:
    """Replace the `setting: ...` line of the file `key` of a ConfigMap with `line` (None: drop it)."""
    data = obj(objects, "ConfigMap", config_map)["data"]
    lines = [line if found.startswith(f"{setting}: ") else found for found in data[key].splitlines()]
    assert any(found.startswith(f"{setting}: ") for found in data[key].splitlines()), setting
    data[key] = "".join(f"{found}\n" for found in lines if found is not None)


def fluss_on_the_role_without_provider(objects: list[Manifest]) -> None:
    """prod's Fluss moved from its keys to the environment's IAM role, with the role ARN but no S3A provider."""
    obj(objects, "ServiceAccount", "fluss")["metadata"].setdefault("annotations", {})[
        "eks.amazonaws.com/role-arn"] = "arn:aws:iam::123456789012:role/lakehouse-prod"
    for name in ("coordinator-server", "tablet-server"):
        server = container(objects, "StatefulSet", name)
        server["env"] = [e for e in server["env"] if e["name"] not in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")]
    append_line(objects, "fluss-conf-file", "server.yaml", "s3.assumed.role.arn: arn:aws:iam::123456789012:role/x")


def flink(objects: list[Manifest], name: str = "flink-session") -> dict[str, Any]:
    """The spec of a FlinkDeployment (by default the session cluster)."""
    result: dict[str, Any] = obj(objects, "FlinkDeployment", name)["spec"]
    return result


def flink_conf(objects: list[Manifest], name: str = "flink-session") -> dict[str, Any]:
    """The `flinkConfiguration` of a FlinkDeployment."""
    result: dict[str, Any] = flink(objects, name)["flinkConfiguration"]
    return result


SALE_ORDER = "bronze-ingest-sale-order"
"""prod's application cluster (upgrade mode last-state, periodic savepoints)."""


def without_savepoints(objects: list[Manifest], **settings: Any) -> None:
    """The application cluster without savepoint directory and periodic savepoints; `settings` go to its job if they
    are job fields, else to its configuration."""
    spec = flink(objects, SALE_ORDER)
    for key in ("execution.checkpointing.savepoint-dir", "kubernetes.operator.periodic.savepoint.interval"):
        spec["flinkConfiguration"].pop(key)
    for key, value in settings.items():
        (spec["job"] if key in ("savepointTriggerNonce",) else spec["flinkConfiguration"])[key] = value


AUTOSCALER = "spec.flinkConfiguration.job.autoscaler."
"""Where the session cluster's autoscaler options are set."""


def autoscaler(objects: list[Manifest], options: dict[str, Any]) -> None:
    """Enable the session cluster's autoscaler with `options` (names after `job.autoscaler.`)."""
    flink_conf(objects).update({"job.autoscaler.enabled": "true",
                                **{f"job.autoscaler.{name}": value for name, value in options.items()}})


def session_job(objects: list[Manifest], name: str = "bronze-ingest-event") -> dict[str, Any]:
    """The spec of a FlinkSessionJob."""
    result: dict[str, Any] = obj(objects, "FlinkSessionJob", name)["spec"]
    return result


def scheduled(objects: list[Manifest], name: str = "ingest-campaign-nightly", **spec: Any) -> Manifest:
    """Append a ScheduledSparkApplication whose template is the rendered SparkApplication's spec (a nightly run of
    the same application, valid as rendered) and return it; `spec` overrides its schedule fields."""
    app = obj(objects, "SparkApplication", "ingest-campaign")
    result: Manifest = {"apiVersion": app["apiVersion"], "kind": "ScheduledSparkApplication",
                        "metadata": {**copy.deepcopy(app["metadata"]), "name": name},
                        "spec": {"schedule": "0 3 * * *", "timeZone": "Europe/Stockholm",
                                 "template": copy.deepcopy(app["spec"]), **spec}}
    objects.append(result)
    return result


def template(objects: list[Manifest]) -> dict[str, Any]:
    """The template of a newly appended ScheduledSparkApplication (`scheduled`)."""
    result: dict[str, Any] = scheduled(objects)["spec"]["template"]
    return result


CASES: list[tuple[str, Mutation, Layer, str, str]] = [
    # --- schema layer -------------------------------------------------------------------------------------
    ("unknown field in a core object",
     lambda o: _set(container(o, "Deployment", "polaris"), imagePullPolicyy="Always"),
     Layer.SCHEMA, "spec.template.spec.containers[0]", "Additional properties are not allowed ('imagePullPolicyy'"),
    ("wrong type in a custom resource",
     lambda o: _set(obj(o, "FlinkSessionJob", "fluss-tiering-job")["spec"]["job"], parallelism="one"),
     Layer.SCHEMA, "spec.job.parallelism", "'one' is not of type 'integer'"),
    ("unknown kind", lambda o: o.append({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}}),
     Layer.SCHEMA, "-", "no schema for example.com/v1 Widget"),
    # --- Flink operator rules (DefaultValidator): the session cluster and its session jobs -----------------
    ("FlinkDeployment name too long",
     lambda o: _set(obj(o, "FlinkDeployment", "flink-session")["metadata"], name="a" * 46),
     Layer.RULE, "metadata.name", f"The FlinkDeployment name: {'a' * 46} is invalid, must consist of lower case "
                                  "alphanumeric characters or '-', start with an alphabetic character, and end with an "
                                  "alphanumeric character (e.g. 'my-name',  or 'abc-123'), and the length must be no "
                                  "more than 45 characters."),
    ("Flink version missing", lambda o: flink(o).pop("flinkVersion"),
     Layer.RULE, "spec.flinkVersion", "Flink Version must be defined."),
    ("unsupported Flink version", lambda o: _set(flink(o), flinkVersion="v1_14"),
     Layer.RULE, "spec.flinkVersion", "Flink version v1_14 is not supported by this operator version"),
    ("forbidden Flink config key", lambda o: _set(flink_conf(o), **{"kubernetes.cluster-id": "x"}),
     Layer.RULE, "spec.flinkConfiguration.kubernetes.cluster-id", "Forbidden Flink config key: kubernetes.cluster-id"),
    ("rollback without HA",
     lambda o: _set(flink_conf(o), **{"kubernetes.operator.deployment.rollback.enabled": "true"}),
     Layer.RULE, "spec.flinkConfiguration.kubernetes.operator.deployment.rollback.enabled",
     "HA must be enabled for rollback support."),
    ("rollback enabled by the operator's default configuration, without HA",
     lambda o: append_line(o, "flink-operator-config", "flink-conf.yaml",
                           "kubernetes.operator.deployment.rollback.enabled: true"),
     Layer.RULE, "spec.flinkConfiguration (operator default kubernetes.operator.deployment.rollback.enabled)",
     "HA must be enabled for rollback support."),
    ("a boolean option Flink cannot read",
     lambda o: _set(flink_conf(o), **{"kubernetes.operator.deployment.rollback.enabled": "yes"}),
     Layer.RULE, "spec.flinkConfiguration.kubernetes.operator.deployment.rollback.enabled",
     "Could not parse value 'yes' for key 'kubernetes.operator.deployment.rollback.enabled'."),
    ("cluster health check without JobManager deployment recovery",
     lambda o: _set(flink(o), flinkConfiguration={**flink_conf(o), "kubernetes.operator": {
         "cluster.health-check.enabled": True, "jm-deployment-recovery.enabled": False}}),  # nested keys: flattened
     Layer.RULE, "spec.flinkConfiguration.kubernetes.operator.cluster.health-check.enabled",
     "Deployment recovery (kubernetes.operator.jm-deployment-recovery.enabled) must be enabled for job health check "
     "(kubernetes.operator.cluster.health-check.enabled) support."),
    ("ingress without template", lambda o: _set(flink(o), ingress={"className": "nginx"}),
     Layer.RULE, "spec.ingress", "Ingress template must be defined"),
    ("ingress template that is no URL", lambda o: _set(flink(o), ingress={"template": "{{name}}.example.com:http"}),
     Layer.RULE, "spec.ingress.template",
     'Unable to process the Ingress template({{name}}.example.com:http). Error: Error at index 0 in: "http"'),
    ("invalid log configuration file",
     lambda o: _set(flink(o), logConfiguration={"log4j.properties": "x"}),
     Layer.RULE, "spec.logConfiguration.log4j.properties",
     "Invalid log config key: log4j.properties. Allowed keys are [log4j-console.properties, logback-console.xml]"),
    ("standby JobManagers without HA", lambda o: _set(flink(o)["jobManager"], replicas=2),
     Layer.RULE, "spec.jobManager.replicas", "High availability should be enabled when starting standby JobManagers."),
    ("no JobManager", lambda o: _set(flink(o)["jobManager"], replicas=0),
     Layer.RULE, "spec.jobManager.replicas", "JobManager replicas should not be configured less than one."),
    ("JobManager memory missing", lambda o: flink(o)["jobManager"]["resource"].pop("memory"),
     Layer.RULE, "spec.jobManager.resource.memory",
     "JobManager resource memory must be defined using `spec.jobManager.resource.memory`"),
    ("JobManager memory with a fraction (the operator reads 1.5g as the quantity 1500000000.0)",
     lambda o: _set(flink(o)["jobManager"]["resource"], memory="1.5g"),
     Layer.RULE, "spec.jobManager.resource.memory",
     "JobManager resource memory parse error: Memory size unit '.0' does not match any of the recognized units: "
     "(b | bytes) / (k | kb | kibibytes) / (m | mb | mebibytes) / (g | gb | gibibytes) / (t | tb | tebibytes)"),
    ("JobManager ephemeral storage unparsable",
     lambda o: _set(flink(o)["jobManager"]["resource"], ephemeralStorage="10GB"),
     Layer.RULE, "spec.jobManager.resource.ephemeralStorage",
     "JobManager resource ephemeral storage parse error: Invalid quantity format passed to parse"),
    ("TaskManager memory missing", lambda o: flink(o)["taskManager"]["resource"].pop("memory"),
     Layer.RULE, "spec.taskManager.resource.memory",
     "TaskManager resource memory must be defined using `spec.taskManager.resource.memory`"),
    ("TaskManager memory unparsable", lambda o: _set(flink(o)["taskManager"]["resource"], memory="2 gigs"),
     Layer.RULE, "spec.taskManager.resource.memory",
     "TaskManager resource memory parse error: Invalid quantity format passed to parse"),
    ("no TaskManager", lambda o: _set(flink(o)["taskManager"], replicas=0),
     Layer.RULE, "spec.taskManager.replicas", "TaskManager replicas should not be configured less than one."),
    ("missing job ServiceAccount field", lambda o: flink(o).pop("serviceAccount"),
     Layer.RULE, "spec.serviceAccount", "spec.serviceAccount must be defined. If you use helm, its value should be the "
                                        "same with the name of jobServiceAccount."),
    ("savepoint upgrade without savepoint directory",
     lambda o: flink_conf(o).pop("execution.checkpointing.savepoint-dir"),
     Layer.RULE, "spec.job.upgradeMode", "Job could not be upgraded with savepoint while config "
                                         "key[execution.checkpointing.savepoint-dir] is not set"),
    ("session job blanks the cluster's savepoint directory",
     lambda o: _set(session_job(o), flinkConfiguration={"execution.checkpointing.savepoint-dir": " "}),
     Layer.RULE, "spec.job.upgradeMode", "Job could not be upgraded with savepoint while config "
                                         "key[execution.checkpointing.savepoint-dir] is not set"),
    ("stateful upgrade without checkpoint directory",
     lambda o: flink_conf(o).pop("execution.checkpointing.dir"),
     Layer.RULE, "spec.job.upgradeMode", "Checkpoint directory[execution.checkpointing.dir] must be defined for "
                                         "last-state and savepoint upgrade modes"),
    ("session job without parallelism", lambda o: session_job(o)["job"].pop("parallelism"),
     Layer.RULE, "spec.job.parallelism", "Job parallelism must be larger than 0"),
    ("session job on an application cluster",
     lambda o: _set(flink(o), job={"jarURI": "local:///opt/flink/a.jar", "parallelism": 1, "upgradeMode": "stateless"}),
     Layer.RULE, "spec.deploymentName", "Can not submit session job to application cluster"),
    ("session job names no FlinkDeployment", lambda o: _set(session_job(o), deploymentName="Flink_Session"),
     Layer.RULE, "spec.deploymentName", "The FlinkDeployment name: Flink_Session is invalid, must consist of lower "
                                        "case alphanumeric characters or '-'"),
    ("session job without job", lambda o: session_job(o).pop("job"),
     Layer.RULE, "spec.job", "The job spec should not be empty"),
    # --- Flink autoscaler options (AutoscalerValidator, with job.autoscaler.enabled) -------------------------
    ("autoscaler utilization target above 1", lambda o: autoscaler(o, {"utilization.target": "1.5"}),
     Layer.RULE, f"{AUTOSCALER}utilization.target", "The AutoScalerOption job.autoscaler.utilization.target is "
                                                    "invalid, it should be a value within the range [0.0, 1.0]"),
    ("autoscaler maximum utilization below the target", lambda o: autoscaler(o, {"utilization.max": "0.5"}),
     Layer.RULE, f"{AUTOSCALER}utilization.max", "The AutoScalerOption job.autoscaler.utilization.max is invalid, it "
                                                 "should be a value within the range [0.7, 1.0]"),
    ("autoscaler option under its old key",
     lambda o: _set(flink_conf(o), **{"kubernetes.operator.job.autoscaler.enabled": "true",
                                      "kubernetes.operator.job.autoscaler.scale-up.max-factor": "-1"}),
     Layer.RULE, "spec.flinkConfiguration.kubernetes.operator.job.autoscaler.scale-up.max-factor",
     "The AutoScalerOption job.autoscaler.scale-up.max-factor is invalid, it should be a value within the range "
     "[0.0, +Infinity]"),
    ("autoscaler factor that is no number", lambda o: autoscaler(o, {"scale-down.max-factor": "half"}),
     Layer.RULE, f"{AUTOSCALER}scale-down.max-factor",
     "Invalid value in the autoscaler config job.autoscaler.scale-down.max-factor"),
    ("autoscaler utilization target that is no number (the validator throws)",
     lambda o: autoscaler(o, {"utilization.target": "high"}),
     Layer.RULE, f"{AUTOSCALER}utilization.target",
     "Could not parse value 'high' for key 'job.autoscaler.utilization.target'."),
    ("autoscaler excluded period neither daily nor cron",
     lambda o: autoscaler(o, {"excluded.periods": "* * 9-11 * * ?;9:00-8:00"}),
     Layer.RULE, f"{AUTOSCALER}excluded.periods", "Invalid value 9:00-8:00 in the autoscaler config "
                                                  "job.autoscaler.excluded.periods, the value is neither a valid daily "
                                                  "expression nor a valid cron expression"),
    ("autoscaler excluded period of two daily expressions",
     lambda o: autoscaler(o, {"excluded.periods": "9:00-10:00 && 11:00-12:00"}),
     Layer.RULE, f"{AUTOSCALER}excluded.periods", "Invalid value 9:00-10:00 && 11:00-12:00 in the autoscaler config "
                                                  "job.autoscaler.excluded.periods, the value can not be configured as "
                                                  "dailyExpression && dailyExpression or cronExpression && cronExpression"),
    ("autoscaler excluded period of three expressions (a YAML list)",
     lambda o: autoscaler(o, {"excluded.periods": ["9:00-10:00 && * * * ? * 2-6 && 1:00-2:00"]}),
     Layer.RULE, f"{AUTOSCALER}excluded.periods", "Invalid value 9:00-10:00 && * * * ? * 2-6 && 1:00-2:00 in the "
                                                  "autoscaler config job.autoscaler.excluded.periods"),
    ("session job enables the autoscaler with a bad coefficient",
     lambda o: _set(session_job(o), flinkConfiguration={"job.autoscaler.enabled": "true",
                                                        "job.autoscaler.observed-scalability.coefficient-min": "0"}),
     Layer.RULE, "spec.flinkConfiguration.job.autoscaler.observed-scalability.coefficient-min",
     "The AutoScalerOption job.autoscaler.observed-scalability.coefficient-min is invalid, it should be a value within "
     "the range [0.01, 1.0]"),
    # --- Spark operator rules -----------------------------------------------------------------------------
    ("denied sparkConf key",
     lambda o: _set(obj(o, "SparkApplication", "ingest-campaign")["spec"]["sparkConf"], **{"spark.master": "local"}),
     Layer.RULE, "spec.sparkConf.spark.master", "sparkConf key 'spark.master' is not allowed"),
    ("Spark namespace mismatch",
     lambda o: _set(obj(o, "SparkApplication", "ingest-campaign")["spec"]["sparkConf"],
                    **{"spark.kubernetes.namespace": "other"}),
     Layer.RULE, "spec.sparkConf.spark.kubernetes.namespace", "must equal the application namespace 'spark'"),
    ("node selector on application and driver",
     lambda o: _set(obj(o, "SparkApplication", "ingest-campaign")["spec"], nodeSelector={"a": "b"},
                    driver={**obj(o, "SparkApplication", "ingest-campaign")["spec"]["driver"], "nodeSelector": {"a": "b"}}),
     Layer.RULE, "spec.nodeSelector", "node selector cannot be defined at both SparkApplication and Driver/Executor"),
    ("SparkApplication name not DNS-1035",
     lambda o: _set(obj(o, "SparkApplication", "ingest-campaign")["metadata"], name="1-ingest"),
     Layer.RULE, "metadata.name", "invalid SparkApplication name '1-ingest'"),
    # --- Spark operator rules on a ScheduledSparkApplication: its template is each run's SparkApplication ---
    ("scheduled: denied sparkConf key in the template",
     lambda o: _set(template(o)["sparkConf"], **{"spark.master": "local"}),
     Layer.RULE, "spec.template.sparkConf.spark.master", "sparkConf key 'spark.master' is not allowed"),
    ("scheduled: Spark namespace mismatch in the template",
     lambda o: _set(template(o)["sparkConf"], **{"spark.kubernetes.namespace": "other"}),
     Layer.RULE, "spec.template.sparkConf.spark.kubernetes.namespace", "must equal the application namespace 'spark'"),
    ("scheduled: node selector on application and driver in the template",
     lambda o: (lambda t: _set(t, nodeSelector={"a": "b"}, driver={**t["driver"], "nodeSelector": {"a": "b"}}))(
         template(o)),
     Layer.RULE, "spec.template.nodeSelector",
     "node selector cannot be defined at both SparkApplication and Driver/Executor"),
    ("scheduled: pod template on Spark 2",
     lambda o: (lambda t: _set(t, sparkVersion="2.4.8", driver={**t["driver"], "template": {"metadata": {}}}))(
         template(o)),
     Layer.RULE, "spec.template.sparkVersion", "pod template feature requires Spark version 3.0.0 or higher"),
    ("scheduled: name not DNS-1035", lambda o: _set(scheduled(o)["metadata"], name="Nightly"),
     Layer.RULE, "metadata.name", "invalid ScheduledSparkApplication name 'Nightly': must be a DNS-1035 label"),
    ("scheduled: name leaves no room for the run names", lambda o: _set(scheduled(o)["metadata"], name="n" * 44),
     Layer.RULE, "metadata.name", f"runs are named {'n' * 44}-<19-digit timestamp>, 64 characters: more than a "
                                  "DNS-1035 label's 63, so the webhook would reject every run (at most 43 characters"),
    ("scheduled: schedule the controller cannot parse", lambda o: _set(scheduled(o)["spec"], schedule="61 * * * *"),
     Layer.RULE, "spec.schedule", "end of range (61) above maximum (59): 61 (the Spark operator's controller marks "
                                  "the application FailedValidation: no run starts)"),
    ("scheduled: six-field schedule", lambda o: _set(scheduled(o)["spec"], schedule="0 0 3 * * *"),
     Layer.RULE, "spec.schedule", "expected exactly 5 fields, found 6: [0 0 3 * * *]"),
    ("scheduled: unpinned image in the template", lambda o: _set(template(o), image="spark:latest"),
     Layer.RULE, "spec.template.image", "image 'spark:latest' is not pinned by tag or digest"),
    ("scheduled: executor size missing in the template", lambda o: template(o)["executor"].pop("cores"),
     Layer.RULE, "spec.template.executor", "resource requests not set: cores"),
    ("scheduled: driver not restricted",
     lambda o: _set(template(o)["driver"]["securityContext"], allowPrivilegeEscalation=True),
     Layer.RULE, "pod (driver)", "not restricted: container spark-kubernetes-driver: allowPrivilegeEscalation must be false"),
    ("scheduled: template catalog reads an env var the driver does not set",
     lambda o: _set(template(o)["sparkConf"], **{"spark.sql.catalog.rest.credential": "env:NOPE"}),
     Layer.REFERENCE, "spec.template.sparkConf.spark.sql.catalog.rest.credential",
     "Iceberg resolves env:NOPE in the driver, but spec.template.driver.env does not set NOPE"),
    ("scheduled: driver ServiceAccount not rendered",
     lambda o: _set(template(o)["driver"], serviceAccount="spark-driver"),
     Layer.REFERENCE, "spec.template.driver.serviceAccount",
     "ServiceAccount 'spark-driver' in namespace spark is not rendered"),
    # --- platform rules -----------------------------------------------------------------------------------
    ("Service name not a DNS-1035 label", lambda o: _set(obj(o, "Service", "polaris")["metadata"], name="1polaris"),
     Layer.RULE, "metadata.name", "'1polaris' is not a Service name: a DNS-1035 label"),
    ("StatefulSet name too long for its pods' revision label",
     lambda o: _set(obj(o, "StatefulSet", "zookeeper")["metadata"], name="z" * 53),
     Layer.RULE, "metadata.name", "has 53 characters: more than 52, so its pods' controller-revision-hash label"),
    ("Job name too long for its pods' job-name label",
     lambda o: _set(obj(o, "Job", "polaris-bootstrap")["metadata"], name="j" * 64),
     Layer.RULE, "metadata.name", "is not a Job name: at most 63 characters"),
    ("ConfigMap name not a DNS-1123 subdomain",
     lambda o: _set(obj(o, "ConfigMap", "polaris")["metadata"], name="Polaris_Config"),
     Layer.RULE, "metadata.name", "'Polaris_Config' is not a ConfigMap name: a DNS-1123 subdomain"),
    ("FlinkDeployment sidecar without resource requests",
     lambda o: obj(o, "FlinkDeployment", "flink-session")["spec"]["jobManager"]["podTemplate"]["spec"]["containers"].append(
         {"name": "shipper", "image": "fluent/fluent-bit:3.0.7"}),
     Layer.RULE, "spec.jobManager.podTemplate.spec.containers[1].resources.requests",
     "resource requests not set: cpu, memory"),
    ("unpinned image", lambda o: _set(container(o, "Deployment", "polaris"), image="apache/polaris:latest"),
     Layer.RULE, "spec.template.spec.containers[0].image", "image 'apache/polaris:latest' is not pinned"),
    ("missing resource requests", lambda o: container(o, "Deployment", "polaris").pop("resources"),
     Layer.RULE, "spec.template.spec.containers[0].resources.requests", "resource requests not set: cpu, memory"),
    ("long-running container without probe", lambda o: container(o, "Deployment", "polaris").pop("readinessProbe"),
     Layer.RULE, "spec.template.spec.containers[0].readinessProbe", "has no readinessProbe"),
    ("not restricted", lambda o: _set(container(o, "Deployment", "polaris")["securityContext"],
                                      allowPrivilegeEscalation=True),
     Layer.RULE, "pod (pod)", "not restricted: container polaris: allowPrivilegeEscalation must be false"),
    ("credential literal", lambda o: container(o, "Deployment", "polaris")["env"].append(
        {"name": "DB_PASSWORD", "value": "hunter2"}),
     Layer.RULE, "spec.template.spec.containers[0].env[6]", "credential literal: env DB_PASSWORD has a literal value"),
    # --- references ---------------------------------------------------------------------------------------
    ("Secret not rendered", lambda o: o.remove(obj(o, "Secret", "polaris-persistence")),
     Layer.REFERENCE, "spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef",
     "Secret 'polaris-persistence' in namespace polaris is not rendered and not declared external"),
    ("Secret key missing", lambda o: obj(o, "Secret", "polaris-persistence")["stringData"].pop("password"),
     Layer.REFERENCE, "spec.template.spec.containers[0].env[1].valueFrom.secretKeyRef",
     "Secret 'polaris-persistence' has no key 'password'"),
    ("ConfigMap not rendered", lambda o: o.remove(obj(o, "ConfigMap", "zookeeper-config")),
     Layer.REFERENCE, "spec.template.spec.containers[0].envFrom[0].configMapRef",
     "ConfigMap 'zookeeper-config' in namespace fluss is not rendered"),
    ("ServiceAccount not rendered", lambda o: o.remove(obj(o, "ServiceAccount", "flink")),
     Layer.REFERENCE, "spec.serviceAccount", "ServiceAccount 'flink' in namespace flink is not rendered"),
    ("session job points at a missing cluster",
     lambda o: _set(obj(o, "FlinkSessionJob", "bronze-ingest-event")["spec"], deploymentName="flink-sesion"),
     Layer.REFERENCE, "spec.deploymentName", "FlinkDeployment 'flink-sesion' in namespace flink is not rendered"),
    ("URL to a missing Service",
     lambda o: _set(obj(o, "FlinkSessionJob", "bronze-ingest-event")["spec"]["job"],
                    args=["--x", "http://polaris.polaris.svc.cluster.local:8181", "--y", "http://nope.polaris.svc:80"]),
     Layer.REFERENCE, "spec.job.args[3]", "URL host 'nope.polaris.svc:80': Service 'nope' in namespace polaris"),
    ("URL with a wrong port",
     lambda o: _set(obj(o, "FlinkSessionJob", "bronze-ingest-event")["spec"]["job"],
                    args=["http://polaris.polaris.svc.cluster.local:8080/api"]),
     Layer.REFERENCE, "spec.job.args[0]", "Service 'polaris' has no port 8080 (ports: 8181)"),
    ("Service selects no pods",
     lambda o: _set(obj(o, "Service", "postgres")["spec"]["selector"], **{"app.kubernetes.io/name": "postgress"}),
     Layer.REFERENCE, "spec.selector", "selects no pods of this namespace"),
    ("named target port missing",
     lambda o: _set(obj(o, "Service", "polaris")["spec"]["ports"][0], targetPort="http"),
     Layer.REFERENCE, "spec.ports[0].targetPort", "no selected container has a port named 'http'"),
    ("probe on an unnamed port",
     lambda o: _set(container(o, "Deployment", "polaris")["livenessProbe"]["httpGet"], port="mgmt"),
     Layer.REFERENCE, "spec.template.spec.containers[0].livenessProbe", "probes port 'mgmt'"),
    ("volume mount without volume",
     lambda o: obj(o, "Deployment", "polaris")["spec"]["template"]["spec"]["volumes"].pop(),
     Layer.REFERENCE, "spec.template.spec.containers[0].volumeMounts[1]", "mounts volume 'temp-dir'"),
    ("governing Service missing", lambda o: o.remove(obj(o, "Service", "zookeeper-hs")),
     Layer.REFERENCE, "spec.serviceName", "Service 'zookeeper-hs' in namespace fluss is not rendered"),
    # --- Fluss on the in-cluster store (the Fluss judge boots the real servers: tests/judges) -----------------
    ("Fluss on an S3-compatible store without its STS endpoint",
     lambda o: edit_line(o, "fluss-conf-file", "server.yaml", "s3.assumed.role.sts.endpoint", None),
     Layer.RULE, "spec.template.spec",
     "Fluss 0.9.1-incubating with s3.endpoint (an S3-compatible store) needs s3.assumed.role.arn and "
     "s3.assumed.role.sts.endpoint (the store's endpoint): clients that read remote data"),
    ("Fluss lake catalog class its image lacks",
     lambda o: edit_line(o, "fluss-conf-file", "server.yaml", "datalake.iceberg.io-impl",
                         "datalake.iceberg.io-impl: org.apache.iceberg.gcp.gcs.GCSFileIO"),
     Layer.RULE, "spec.template.spec",
     "datalake.iceberg.io-impl org.apache.iceberg.gcp.gcs.GCSFileIO: the Fluss lake plugin bundles iceberg-core only "
     "and the platform's image fluss-iceberg-s3 has no iceberg-gcp in plugins/iceberg"),
    # --- Iceberg environment references (env:NAME) ---------------------------------------------------------
    ("session job reads an env var the cluster does not set",
     lambda o: _set(obj(o, "FlinkSessionJob", "bronze-ingest-event")["spec"]["job"], args=["--token", "env:MISSING"]),
     Layer.REFERENCE, "spec.job.args[1]",
     "Iceberg resolves env:MISSING in FlinkDeployment 'flink-session', whose flink-main-container does not set "
     "MISSING (jobManager, taskManager)"),
    ("Spark catalog reads an env var the driver does not set",
     lambda o: _set(obj(o, "SparkApplication", "ingest-campaign")["spec"]["sparkConf"],
                    **{"spark.sql.catalog.rest.credential": "env:NOPE"}),
     Layer.REFERENCE, "spec.sparkConf.spark.sql.catalog.rest.credential",
     "Iceberg resolves env:NOPE in the driver, but spec.driver.env does not set NOPE"),
    ("container mounts a catalog file whose env var it lacks",
     lambda o: _set(container(o, "Deployment", "flink-sql-gateway"),
                    env=[e for e in container(o, "Deployment", "flink-sql-gateway")["env"]
                         if e["name"] != "ICEBERG_CATALOG_CREDENTIAL"]),
     Layer.REFERENCE, "spec.template.spec.containers[name=flink-sql-gateway]",
     "mounts ConfigMap 'fluss-iceberg', whose fluss_iceberg.yaml reads env:ICEBERG_CATALOG_CREDENTIAL, "
     "but the container does not set ICEBERG_CATALOG_CREDENTIAL"),
    ("session cluster lacks the env var its tiering job reads",
     lambda o: _set(obj(o, "FlinkDeployment", "flink-session")["spec"]["podTemplate"]["spec"]["containers"][0],
                    env=[]),
     Layer.REFERENCE, "spec.job.args[9]",
     "Iceberg resolves env:ICEBERG_CATALOG_CREDENTIAL in FlinkDeployment 'flink-session'"),
    ("namespace missing", lambda o: o.remove(obj(o, "Namespace", "spark")),
     Layer.REFERENCE, "metadata.namespace", "Namespace 'spark' is not rendered"),
    # --- runtime: sync order, first sync, rollout, component capabilities -----------------------------------
    ("Secret in a later sync wave than its reader",
     lambda o: _set(obj(o, "Secret", "flink-operator-webhook-secret")["metadata"]["annotations"],
                    **{SYNC_WAVE_ANNOTATION: "3"}),
     Layer.REFERENCE, "spec.keystores.pkcs12.passwordSecretRef",
     "Secret 'flink-operator-webhook-secret' is in sync wave 3, after this object's wave 2: Argo CD would wait"),
    ("Secret made by a Certificate of a later wave",
     lambda o: _set(obj(o, "Certificate", "flink-operator-serving-cert")["metadata"]["annotations"],
                    **{SYNC_WAVE_ANNOTATION: "4"}),
     Layer.REFERENCE, "spec.template.spec.volumes[2].secret",
     "Secret 'webhook-server-cert' (made by Certificate/technical-flink-operator/flink-operator-serving-cert) is in "
     "sync wave 4, after this object's wave 2"),
    ("custom resource without the first sync's dry-run skip",
     lambda o: obj(o, "FlinkSessionJob", "bronze-ingest-event")["metadata"]["annotations"].pop(SYNC_OPTIONS_ANNOTATION),
     Layer.RULE, f"metadata.annotations.{SYNC_OPTIONS_ANNOTATION}",
     "FlinkSessionJob (flink.apache.org) comes from a CRD outside this sync: without "
     "SkipDryRunOnMissingResource=true Argo CD's dry run of the first sync fails"),
    ("workload reading a ConfigMap without a checksum",
     lambda o: obj(o, "StatefulSet", "zookeeper")["spec"]["template"]["metadata"]["annotations"].pop(
         CHECKSUM_ANNOTATION),
     Layer.RULE, f"spec.template.metadata.annotations.{CHECKSUM_ANNOTATION}",
     "missing: the pods read ConfigMap zookeeper-config at start and would not roll when it changes"),
    ("stale checksum after a ConfigMap change",
     lambda o: _set(obj(o, "ConfigMap", "fluss-conf-file")["data"], **{"server.yaml": "data.dir: /elsewhere\n"}),
     Layer.RULE, f"spec.template.metadata.annotations.{CHECKSUM_ANNOTATION}",
     "is stale: the ConfigMaps the pods read (fluss-conf-file) give"),
    ("Polaris told to skip credential subscoping",
     lambda o: append_line(o, "polaris", "application.properties",
                           'polaris.features."SKIP_CREDENTIAL_SUBSCOPING_INDIRECTION"=true'),
     Layer.RULE, "data.application.properties",
     "Polaris 1.3.0-incubating then drops the catalog's endpoint and pathStyleAccess from its own FileIO"),
    ("Flink version without an Iceberg runtime",
     lambda o: _set(obj(o, "FlinkDeployment", "flink-session")["spec"], flinkVersion="v2_2"),
     Layer.RULE, "spec.flinkVersion",
     "v2_2 cannot read the platform's Fluss and Iceberg catalogs: Iceberg 1.10.1 has no Flink artifact for v2_2 "
     "(it has: v1_19, v1_20, v2_0); use one of: v1_19, v1_20"),
]

PROD_CASES: list[tuple[str, Mutation, Layer, str, str]] = [
    ("ExternalSecret after the Certificate that reads it (the wave-2 stall)",
     lambda o: _set(obj(o, "ExternalSecret", "flink-operator-webhook-secret")["metadata"]["annotations"],
                    **{SYNC_WAVE_ANNOTATION: "3"}),
     Layer.REFERENCE, "spec.keystores.pkcs12.passwordSecretRef",
     "Secret 'flink-operator-webhook-secret' (made by ExternalSecret/technical-flink-operator/"
     "flink-operator-webhook-secret) is in sync wave 3, after this object's wave 2"),
    # --- Flink operator rules on the application cluster (last-state upgrades, periodic savepoints) ---------
    ("application: last-state upgrades without checkpoint directory",
     lambda o: flink_conf(o, SALE_ORDER).pop("execution.checkpointing.dir"),
     Layer.RULE, "spec.job.upgradeMode", "Checkpoint directory[execution.checkpointing.dir] must be defined for "
                                         "last-state and savepoint upgrade modes"),
    ("application: periodic savepoints without savepoint directory",
     lambda o: flink_conf(o, SALE_ORDER).pop("execution.checkpointing.savepoint-dir"),
     Layer.RULE, "spec.flinkConfiguration.kubernetes.operator.periodic.savepoint.interval",
     "Periodic savepoints cannot be enabled when config key[execution.checkpointing.savepoint-dir] is not set"),
    ("application: savepoint trigger without savepoint directory",
     lambda o: without_savepoints(o, savepointTriggerNonce=1),
     Layer.RULE, "spec.job.savepointTriggerNonce", "Savepoint could not be manually triggered for the running job "
                                                   "while config key[execution.checkpointing.savepoint-dir] is not set"),
    ("application: maximum checkpoint age without savepoint directory",
     lambda o: without_savepoints(o, **{"kubernetes.operator.job.upgrade.last-state.max.allowed.checkpoint.age": "1 h"}),
     Layer.RULE, "spec.flinkConfiguration.kubernetes.operator.job.upgrade.last-state.max.allowed.checkpoint.age",
     "In order to use max-checkpoint age functionality config key[execution.checkpointing.savepoint-dir] must be set "
     "to allow triggering savepoint upgrades."),
    ("application: no parallelism", lambda o: flink(o, SALE_ORDER)["job"].pop("parallelism"),
     Layer.RULE, "spec.job.parallelism", "Job parallelism must be larger than 0"),
    ("application: no TaskManager for the job", lambda o: _set(flink(o, SALE_ORDER)["taskManager"], replicas=0),
     Layer.RULE, "spec.taskManager.replicas", "TaskManager replicas must be larger than 0"),
    ("keyless S3 client whose ServiceAccount has no IAM role",
     lambda o: obj(o, "ServiceAccount", "spark-operator-spark")["metadata"].pop("annotations"),
     Layer.RULE, "spec.driver.serviceAccount",
     "reaches S3 without static keys, but ServiceAccount 'spark-operator-spark' has no eks.amazonaws.com/role-arn"),
    ("scheduled: Spark on an IAM role without the web-identity provider",
     lambda o: _set(template(o)["sparkConf"], **{"spark.hadoop.fs.s3a.aws.credentials.provider":
                                                  "com.amazonaws.auth.EnvironmentVariableCredentialsProvider"}),
     Layer.RULE, "spec.template.driver.serviceAccount",
     "spec.template.sparkConf: the S3A credentials provider is 'com.amazonaws.auth.EnvironmentVariableCredentialsProvider'"),
    ("Flink on an IAM role without the web-identity provider",
     lambda o: obj(o, "FlinkDeployment", "flink-session")["spec"]["flinkConfiguration"].pop(
         "s3.aws.credentials.provider"),
     Layer.RULE, "spec.serviceAccount",
     "spec.flinkConfiguration: the S3A credentials provider is unset; with the IAM role it must read the web "
     "identity token"),
    ("Flink operator on an IAM role without the web-identity provider",
     lambda o: _set(obj(o, "ConfigMap", "flink-operator-config")["data"], **{"flink-conf.yaml": "\n".join(
         line for line in obj(o, "ConfigMap", "flink-operator-config")["data"]["flink-conf.yaml"].splitlines()
         if not line.startswith("s3.aws"))}),
     Layer.RULE, "spec.template.spec.serviceAccountName", "Flink: the S3A credentials provider is unset"),
    ("Fluss without static keys",
     lambda o: _set(container(o, "StatefulSet", "coordinator-server"), env=[
         e for e in container(o, "StatefulSet", "coordinator-server")["env"] if not e["name"].startswith("AWS_")]),
     Layer.RULE, "spec.template.spec",
     "Fluss 0.9.1-incubating without static keys needs s3.assumed.role.arn in server.yaml (the role whose credentials "
     "it hands clients), or its S3 plugin exits at start"),
    ("Fluss on an IAM role without the web-identity provider", fluss_on_the_role_without_provider,
     Layer.RULE, "spec.template.spec.serviceAccountName", "Fluss: the S3A credentials provider is unset"),
]

FLUSS_SERVERS = {"coordinator-server": "fluss-coordinator", "tablet-server": "fluss-tablet"}


def test_scheduled_spark_application_of_the_rendered_spec_passes(rendered: dict[str, list[Manifest]],
                                                                 tmp_path: Path, store: SchemaStore) -> None:
    for env in ("test-local", "test-prod"):
        objects = copy.deepcopy(rendered[env])
        scheduled(objects, name="n" * 43, schedule="*/15 6-18 * JAN-DEC mon-fri", timeZone="")
        scheduled(objects, schedule="@every 1h30m")
        report = run(objects, tmp_path, store, env=env)
        assert [f.line() for f in report.findings
                if f.level is Level.ERROR or f.object.startswith("ScheduledSparkApplication")] == [], env


def test_flink_settings_the_operator_accepts_pass(rendered: dict[str, list[Manifest]], tmp_path: Path,
                                                   store: SchemaStore) -> None:
    """JobManager memory from the configuration instead of the resource, Kubernetes quantities, standby
    JobManagers with high availability, an ingress template, the console log file, the autoscaler with options in
    range (under an old key too) and excluded periods of each kind: no error."""
    objects = copy.deepcopy(rendered["test-local"])
    spec = flink(objects)
    spec["jobManager"]["resource"].pop("memory")
    spec["jobManager"]["replicas"] = 2
    spec["taskManager"]["resource"].update(memory="4Gi", ephemeralStorage="10Gi")
    spec["flinkConfiguration"].update({
        "jobmanager.memory.process.size": "2048m", "high-availability.type": "kubernetes",
        "high-availability.storageDir": "s3://flink/ha/flink-session", "job.autoscaler.enabled": "true",
        "job.autoscaler.utilization.max": "0.9", "kubernetes.operator.job.autoscaler.utilization.min": "0.2",
        "job.autoscaler.excluded.periods": "* * 9-11,14-16 * * ?;'9:30-10:50 && * * * ? * 2-6';22:00-23:59"})
    spec.update(ingress={"template": "https://flink.example.com:8443/{{namespace}}/{{name}}(/|$)(.*)"},
                logConfiguration={"log4j-console.properties": "rootLogger.level = INFO\n"})
    report = run(objects, tmp_path, store)
    assert [f.line() for f in report.findings if f.level is Level.ERROR] == []


@pytest.mark.parametrize(("expression", "valid"), [
    ("* * 9-11,14-16 * * ?", True), ("0 0 12 L-3W * ?", True), ("0 0 12 ? * FRI#3", True),
    ("0 15 10 ? * 6L 2030-2040", True), ("0 */5 * ? * MON-FRI", True), ("0 0 0 1 JANX ?", True),
    ("0 0 0 ? * * extra", False), ("0 0 3 * * *", False), ("* * * * *", False), ("0 0 0 ? * ?", False),
    ("60 * * ? * *", False), ("0 0 0 ? * 1#6", False), ("0 0 0 L,5 * ?", False), ("0 0 0 ? * * 2040-2030", False),
])
def test_excluded_period_cron_expressions_follow_quartz(expression: str, valid: bool) -> None:
    """Quartz 2.4.0's CronExpression, quirks included (text after a month name is ignored); checked against it."""
    assert cron_valid(expression) is valid


@pytest.mark.parametrize(("expression", "valid"), [
    ("9:30-10:50", True), ("9:30:30:100-9:30:30:200", True), ("10:00-09:00", False), ("24:00-25:00", False),
    ("9-10", False), ("9:30-10:50-11:00", False),
])
def test_excluded_period_daily_expressions_follow_quartz(expression: str, valid: bool) -> None:
    assert daily_valid(expression) is valid


NEEDS_TZ_DATABASE = pytest.mark.skipif(not zoneinfo.available_timezones(),
                                       reason="no tz database: time zones are not checked")


@pytest.mark.parametrize(("schedule", "time_zone", "problem"), [
    ("0 3 * * *", "", None),
    ("TZ=UTC 0,30 */2 1-15 jan,jul ?", "", None),
    ("@weekly", "America/New_York", None),
    ("0 0 * * 7", "", ("spec.schedule", "end of range (7) above maximum (6): 7")),
    ("*/0 * * * *", "", ("spec.schedule", "step of range should be a positive number: */0")),
    ("5-1 * * * *", "", ("spec.schedule", "beginning of range (5) beyond end of range (1): 5-1")),
    ("1-2-3 * * * *", "", ("spec.schedule", "too many hyphens: 1-2-3")),
    ("x * * * *", "", ("spec.schedule", 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax')),
    ("@reboot", "", ("spec.schedule", "unrecognized descriptor: @reboot")),
    ("@every 90", "", ("spec.schedule", 'failed to parse duration @every 90: time: missing unit in duration "90"')),
    pytest.param("CRON_TZ=Mars/Base 0 3 * * *", "", ("spec.schedule", "provided bad location Mars/Base: unknown "
                                                                       "time zone Mars/Base"), marks=NEEDS_TZ_DATABASE),
    pytest.param("0 3 * * *", "Europe/Stokholm", ("spec.timeZone", "Invalid timezone: unknown time zone "
                                                                   "Europe/Stokholm"), marks=NEEDS_TZ_DATABASE),
])
def test_schedule_checks_follow_the_spark_operator_controller(schedule: str, time_zone: str,
                                                              problem: tuple[str, str] | None) -> None:
    found = schedule_problem(schedule, time_zone)
    if problem is None:
        assert found is None
    else:
        assert found is not None and found[0] == problem[0] and found[1].startswith(problem[1]), found


FLUENT_BIT_EXCEPTION = ("Fluent Bit reads the node's container logs: hostPath /var/log (read-only) and "
                        "/var/fluent-bit/state (tail offsets), as the image's root user (the log files are root's)")
FLUENT_BIT_PROBLEMS = ("volume varlog: type ['hostPath'] (path /var/log) is not allowed",
                       "volume state: type ['hostPath'] (path /var/fluent-bit/state) is not allowed",
                       "container fluent-bit: runAsNonRoot must be true")


def root_image_warning(container: str) -> str:
    return (f"not restricted: container {container}: runAsNonRoot must be true (declared exception: the Fluss image "
            "runs as root)")


AWS_SECRET = "aws-secret (access_key_id, secret_access_key)"
SECRETS_BEFORE_THE_FIRST_SYNC = {
    "flink": AWS_SECRET, "fluss": AWS_SECRET, "spark": AWS_SECRET,
    "polaris": f"{AWS_SECRET}, polaris-persistence (password, username), polaris-root-credentials (client-id, "
               "client-secret), polaris-token-broker (private.pem, public.pem)",
    "technical-flink-operator": f"{AWS_SECRET}, flink-operator-webhook-secret (password)",
}
"""The Secrets an environment whose Secrets exist before apply (neither dev-only nor from a store, as the reference
deployment's: test-reference) reads in each namespace its first sync creates."""


def presync_warning(namespace: str, secrets: str) -> str:
    return (f"this sync creates namespace {namespace}, whose workloads read Secrets that nothing renders: {secrets}; "
            f"on a fresh cluster create the namespace and these Secrets before the first sync (kubectl create namespace "
            f"{namespace}; kubectl -n {namespace} create secret generic <name> --from-literal=<key>=<value>), or let the "
            "platform render them (secrets.externalSecrets)")


@pytest.mark.parametrize("env", fixture_environments())
def test_rendered_environment_has_no_error_and_only_the_known_warnings(
        rendered: dict[str, list[Manifest]], tmp_path: Path, store: SchemaStore, env: str) -> None:
    """Each Fluss server warns that its image runs as root (a declared exception, README "Pod security"); a
    standalone cluster with queryable state, that Flink 1.20 deprecated its options (no new name); with Secrets that
    exist before apply, each namespace the first sync creates names the Secrets it needs first."""
    report = run(rendered[env], tmp_path, store, env=env)
    expected = [("WARNING", f"StatefulSet/fluss/{server}", root_image_warning(container))
                for server, container in FLUSS_SERVERS.items()]
    config = fixture_environment(env)
    if not config.generate_dev_secrets and config.external_secrets is None:
        expected += [("WARNING", f"Namespace/{namespace}", presync_warning(namespace, secrets))
                     for namespace, secrets in SECRETS_BEFORE_THE_FIRST_SYNC.items()]
    logs = config.logs
    if logs is not None and logs.shipper == "daemonset":  # the sidecar mode keeps every pod restricted
        expected += [("WARNING", "DaemonSet/logging/fluent-bit", f"not restricted: {problem} (declared exception: "
                      f"{FLUENT_BIT_EXCEPTION})") for problem in FLUENT_BIT_PROBLEMS]
    expected += [("WARNING", f"ConfigMap/{d.namespace or config.namespaces.flink}/{d.name}-config",
                  f"{key}: deprecated in Flink 1.20.3 without a new name (Flink still reads it; a later release may "
                  "not)") for d in config.flink.deployments if d.backend == "standalone" and d.standalone.queryable_state
                 for key in ("queryable-state.enable", "queryable-state.proxy.ports")]
    assert sorted((f.level.name, f.object, f.message) for f in report.findings) == sorted(expected)


ENVIRONMENT_CASES = [("test-local", *case) for case in CASES] + [("test-prod", *case) for case in PROD_CASES]


@pytest.mark.parametrize(("env", "name", "mutate", "layer", "field", "message"), ENVIRONMENT_CASES,
                         ids=[f"{c[0]}: {c[1]}" for c in ENVIRONMENT_CASES])
def test_bad_manifest_fails_with_the_expected_message(
    rendered: dict[str, list[Manifest]], tmp_path: Path, store: SchemaStore,
    env: str, name: str, mutate: Mutation, layer: Layer, field: str, message: str,
) -> None:
    objects = copy.deepcopy(rendered[env])
    mutate(objects)
    report = run(objects, tmp_path, store, env=env)
    matches = [f for f in report.findings if f.layer is layer and f.field == field and message in f.message]
    assert matches, "\n".join(f.line() for f in report.findings)
    assert all(f.level is Level.ERROR for f in matches)
    assert report.exit_code == 1


def test_outside_references_are_warnings_in_path_mode(rendered: dict[str, list[Manifest]], tmp_path: Path,
                                                      store: SchemaStore) -> None:
    only_polaris = [o for o in rendered["test-dev"] if o["metadata"].get("namespace") == "polaris"
                    and o["kind"] != "ExternalSecret"]  # the Secrets' source is elsewhere
    report = run(only_polaris, tmp_path, store, partial=True)
    secrets = [f for f in report.findings if f.layer is Layer.REFERENCE and "Secret 'aws-secret'" in f.message]
    assert secrets and all(f.level is Level.WARNING for f in secrets)
    assert report.exit_code == 0


def test_report_format() -> None:
    report = Report(findings=[
        Finding("b.yaml", "Service/x/y", "spec.ports[0]", "second", Level.WARNING, Layer.REFERENCE),
        Finding("a.yaml", "Deployment/x/y", "", "first", Level.ERROR, Layer.SCHEMA),
    ], objects=2, files=2, notes=["kubeconform was not run: no kubeconform binary on PATH"])
    assert report.render() == (
        "ERROR    schema      a.yaml  Deployment/x/y  -  first\n"
        "WARNING  reference   b.yaml  Service/x/y  spec.ports[0]  second\n"
        "note: kubeconform was not run: no kubeconform binary on PATH\n"
        "1 errors, 1 warnings in 2 objects (2 files)\n"
    )
    assert report.exit_code == 1


def test_cli_exit_codes_and_the_report_of_dist_local(rendered_root: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """validate of a rendered local (the fixture test-local, laid out as dist/ holds it) reads every object of every
    file and warns exactly about the Fluss servers' root image (a declared exception)."""
    assert cli_main(["validate", "--no-kubeconform", "--env", "test-local", "--dist", str(rendered_root),
                     "--config-dir", str(FIXTURE_DIR)]) == 0
    lines = capsys.readouterr().out.splitlines()
    findings = [re.split(r"\s{2,}", line, maxsplit=5) for line in lines if line.startswith(("ERROR", "WARNING"))]
    fluss = (rendered_root / "test-local" / "40-fluss.k8s.yaml").resolve()
    expected = [
        ["WARNING", "rule", fluss, "StatefulSet/fluss/coordinator-server", "pod (pod)", root_image_warning("fluss-coordinator")],
        ["WARNING", "rule", fluss, "StatefulSet/fluss/tablet-server", "pod (pod)", root_image_warning("fluss-tablet")],
    ]
    assert [[level, layer, Path(file).resolve(), *rest] for level, layer, file, *rest in findings] == expected
    files = load_dir(rendered_root / "test-local")
    objects = sum(len(docs) for docs in files.values())
    assert lines[-2:] == ["note: kubeconform was not run: --no-kubeconform",
                          f"0 errors, {len(expected)} warnings in {objects} objects ({len(files)} files)"]
    bad = tmp_path / "bad.yaml"
    bad.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: y}\ndata: {a: 1}\n")
    assert cli_main(["validate", "--no-kubeconform", str(bad)]) == 1
    assert cli_main(["validate", str(tmp_path / "missing.yaml")]) == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_schema_export_uses_kubeconform_layout(store: SchemaStore) -> None:
    core = store.directory / "v1.33.0-standalone-strict"
    assert (core / "deployment-apps-v1.json").is_file() and (core / "rolebinding-rbac-v1.json").is_file()
    assert (store.directory / "flink.apache.org" / "flinksessionjob_v1beta1.json").is_file()
    assert "_definitions.json" not in (core / "deployment-apps-v1.json").read_text()


@pytest.fixture(scope="module")
def kubeconform() -> str:
    """The pinned kubeconform of the judges cache (`make judge-kubeconform`), which `validate` runs."""
    try:
        (binary,) = built(kubeconform_path().parent, kubeconform_path().name)
    except JudgeError as error:
        judge_unavailable(str(error))
    return str(binary)


def test_validate_runs_the_pinned_kubeconform_from_the_go_proxy(kubeconform: str) -> None:
    assert str(kubeconform_path()) == kubeconform
    version = subprocess.run([kubeconform, "-v"], capture_output=True, text=True, check=True).stdout.strip()
    assert version == f"v{KUBECONFORM.version}"


def test_kubeconform_accepts_the_exported_schemas(rendered: dict[str, list[Manifest]], tmp_path: Path,
                                                  store: SchemaStore, kubeconform: str) -> None:
    report = run(rendered["test-prod"], tmp_path, store, env="test-prod", kubeconform=kubeconform)
    assert [f for f in report.findings if f.layer is Layer.KUBECONFORM] == []
    broken = copy.deepcopy(rendered["test-prod"])
    container(broken, "Deployment", "polaris")["imagePullPolicyy"] = "Always"
    report = run(broken, tmp_path, store, env="test-prod", kubeconform=kubeconform)
    assert [f.object for f in report.findings if f.layer is Layer.KUBECONFORM] == ["Deployment/polaris"]


TWO_CONFIG_MAPS = ("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: x}\ndata: {k: v}\n---\n"
                   "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, namespace: x}\ndata: {k: v}\n")


def fake_kubeconform(tmp_path: Path, script: str) -> str:
    """An executable standing in for kubeconform: `script` (sh) runs whatever the arguments."""
    binary = tmp_path / "fake-kubeconform"
    binary.write_text("#!/bin/sh\n" + script + "\n")
    binary.chmod(0o755)
    return str(binary)


def kubeconform_findings(tmp_path: Path, store: SchemaStore, binary: str) -> list[str]:
    """The kubeconform-layer messages of validating two ConfigMaps with `binary` as kubeconform."""
    manifest = tmp_path / "two.yaml"
    manifest.write_text(TWO_CONFIG_MAPS)
    report = validate([manifest], store, external={}, partial=True, kubeconform=binary)
    return [f"{f.file} {f.object}: {f.message}" for f in report.findings if f.layer is Layer.KUBECONFORM]


SUMMARY = '{"resources": [], "summary": {"valid": %d, "invalid": 0, "errors": 0, "skipped": %d}}'


@pytest.mark.parametrize(("script", "expected"), [
    ('echo "panic: runtime error" >&2; exit 2', "{binary} exited 2 without its JSON summary: panic: runtime error"),
    ("exit 0", "{binary} exited 0 without its JSON summary: no output"),
    (f"echo '{SUMMARY % (1, 0)}'", "kubeconform checked 1 of the 2 objects (summary {{'valid': 1, 'invalid': 0, "
                                   "'errors': 0, 'skipped': 0}})"),
    (f"echo '{SUMMARY % (0, 2)}'", "kubeconform checked 0 of the 2 objects (summary {{'valid': 0, 'invalid': 0, "
                                   "'errors': 0, 'skipped': 2}})"),
    (f"echo '{SUMMARY % (2, 0)}'; echo 'cannot write report' >&2; exit 1",
     "{binary} exited 1 with the summary {{'valid': 2, 'invalid': 0, 'errors': 0, 'skipped': 0}}: cannot write "
     "report"),
], ids=["crash", "empty-output", "fewer-resources", "skipped", "exit-code"])
def test_a_kubeconform_run_that_does_not_check_every_object_is_an_error(
        tmp_path: Path, store: SchemaStore, script: str, expected: str) -> None:
    binary = fake_kubeconform(tmp_path, script)
    assert kubeconform_findings(tmp_path, store, binary) == ["- -: " + expected.format(binary=binary)]


def test_a_kubeconform_that_checks_every_object_adds_no_finding(tmp_path: Path, store: SchemaStore) -> None:
    """The counterpart of the fake runs: the summary counts both objects, exit 0."""
    assert kubeconform_findings(tmp_path, store, fake_kubeconform(tmp_path, f"echo '{SUMMARY % (2, 0)}'")) == []


def test_a_layer_that_raises_stops_the_kubeconform_run(tmp_path: Path, store: SchemaStore,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """kubeconform runs beside the other layers: when one of them raises, the error comes at once and the run is
    killed, not waited for (the fake would write `finished` after its sleep)."""
    started, finished = tmp_path / "started", tmp_path / "finished"
    binary = fake_kubeconform(tmp_path, f"touch {started}; sleep 5; touch {finished}")

    def broken_layers(*_: object, **__: object) -> None:
        while not started.exists():  # the run has begun
            time.sleep(0.01)
        raise RuntimeError("a rule's own defect")

    monkeypatch.setattr(command, "_layers", broken_layers)
    with pytest.raises(RuntimeError, match="a rule's own defect"):
        kubeconform_findings(tmp_path, store, binary)
    time.sleep(5.5)  # longer than the fake's sleep: a run left going would have finished by now
    assert not finished.exists()


def test_a_missing_kubeconform_is_an_error_unless_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("LAKEHOUSE_JUDGES_CACHE", str(tmp_path / "empty-cache"))
    manifest = tmp_path / "two.yaml"
    manifest.write_text(TWO_CONFIG_MAPS)
    assert cli_main(["validate", str(manifest)]) == 1
    out = capsys.readouterr().out
    missing = kubeconform_path()
    assert f"ERROR    kubeconform  -  -  -  could not run {missing}: No such file or directory (build it with " \
           "`make judge-kubeconform`, or pass --no-kubeconform)" in out.splitlines()
    assert "note: kubeconform ran" not in out
    assert cli_main(["validate", "--no-kubeconform", str(manifest)]) == 0
    assert "note: kubeconform was not run: --no-kubeconform" in capsys.readouterr().out


def test_validate_help_says_what_no_kubeconform_turns_off(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli_main(["validate", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert ("--no-kubeconform do not run kubeconform (otherwise the pinned kubeconform of `make judge-kubeconform` "
            "runs, and one that is not built, fails or checks fewer objects is an error)") in help_text


def test_validation_does_not_load_cdk8s_or_the_bindings(rendered_root: Path) -> None:
    """Validation reads YAML only: importing cdk8s (and starting Node.js) would cost a second."""
    import subprocess
    import sys

    arguments = ["validate", "--no-kubeconform", "--env", "test-local", "--dist", str(rendered_root),
                 "--config-dir", str(FIXTURE_DIR)]
    code = (f"import sys; from cli.commands import main; assert main({arguments!r}) == 0; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('cdk8s', 'cdk8s_plus_27', 'jsii', 'imports')))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.splitlines()[-1] == "[]"


def test_fluss_lake_class_of_another_image_is_a_warning_naming_its_module(
        rendered: dict[str, list[Manifest]], tmp_path: Path, store: SchemaStore) -> None:
    """Validate cannot see inside an image other than the platform's: it names the module the image must carry."""
    objects = copy.deepcopy(rendered["test-local"])
    for name in FLUSS_SERVERS:
        container(objects, "StatefulSet", name)["image"] = "registry.example.com/team/fluss:0.9.1"
    edit_line(objects, "fluss-conf-file", "server.yaml", "datalake.iceberg.io-impl",
              "datalake.iceberg.io-impl: org.apache.iceberg.gcp.gcs.GCSFileIO")
    report = run(objects, tmp_path, store)
    found = {(f.level, f.object) for f in report.findings if "the image must carry iceberg-gcp in plugins/iceberg" in f.message}
    assert found == {(Level.WARNING, f"StatefulSet/fluss/{name}") for name in FLUSS_SERVERS}
