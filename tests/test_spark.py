"""SparkApplication: S3A and Iceberg REST catalog settings, credentials from Secrets, restricted pods."""

from __future__ import annotations

import re
from typing import Any

import pytest

from charts.platform.spark import driver_service_account, spark_props
from charts.spark.applications import SparkChart
from tests.bare import catalog, s3_access, settings, synth
from tests.conftest import LOCAL_STORE, Manifest, environment, find, render

APP = {"applications": [{"name": "ingest", "mainApplicationFile": "jobs/ingest.py"}]}


def spark(doc: dict[str, Any]) -> list[Manifest]:
    """The Spark chart (SparkApplications) of environment document `doc`, alone."""
    config = settings(doc)
    s3 = s3_access(config)
    props, account, iceberg = spark_props(config, s3), driver_service_account(config, None), catalog(config)
    return synth(lambda app: SparkChart(app, "60-spark", namespace="spark", props=props, service_account=account,
                                        s3=s3, catalog=iceberg))


def test_catalog_and_s3a_settings_and_the_credential_from_the_secret() -> None:
    spec = find(spark(environment(spark=APP)), "SparkApplication", "ingest")["spec"]
    conf = spec["sparkConf"]
    assert conf["spark.sql.catalog.rest.uri"] == "http://polaris.polaris.svc.cluster.local:8181/api/catalog"
    assert conf["spark.sql.catalog.rest.warehouse"] == "dev_iceberg_datalake_catalog"
    assert conf["spark.sql.catalog.rest.rest.auth.type"] == "oauth2"
    assert conf["spark.sql.catalog.rest.credential"] == "env:ICEBERG_CATALOG_CREDENTIAL"
    assert conf["spark.hadoop.fs.s3a.path.style.access"] == "false"
    assert spec["mainApplicationFile"] == "s3a://flink-bucket/jobs/ingest.py"
    assert spec["driver"]["serviceAccount"] == "spark-operator-spark"
    for role in ("driver", "executor"):
        env = {e["name"]: e["valueFrom"]["secretKeyRef"] for e in spec[role]["env"] if "valueFrom" in e}
        assert env["ICEBERG_CATALOG_CREDENTIAL"] == {"name": "iceberg-catalog-credentials", "key": "catalog-credential"}


def test_in_cluster_store_endpoint_and_path_style() -> None:
    doc = environment(spark=APP, objectStore=LOCAL_STORE, secrets={"generateDevSecrets": True},
                      polaris={"tokenBroker": {"type": "symmetric-key"}})
    conf = find(spark(doc), "SparkApplication", "ingest")["spec"]["sparkConf"]
    assert conf["spark.hadoop.fs.s3a.endpoint"] == "http://minio.object-store.svc.cluster.local:9000"
    assert conf["spark.hadoop.fs.s3a.path.style.access"] == "true"
    assert conf["spark.sql.catalog.rest.s3.path-style-access"] == "true"


def test_iam_role_uses_the_default_credentials_chain_and_no_static_keys() -> None:
    store = {**environment()["objectStore"], "credentials": None, "iamRoleArn": "arn:aws:iam::123456789012:role/x"}
    doc = environment(spark=APP, objectStore=store, fluss={"s3Credentials": {"secretName": "fluss-keys"}})
    spec = find(spark(doc), "SparkApplication", "ingest")["spec"]
    assert spec["sparkConf"]["spark.hadoop.fs.s3a.aws.credentials.provider"].endswith("DefaultCredentialsProvider")
    assert [e["name"] for e in spec["driver"]["env"]] == ["ICEBERG_CATALOG_CREDENTIAL", "AWS_REGION"]


def test_driver_and_executors_reach_s3_with_the_iam_role() -> None:
    store = {**environment()["objectStore"], "credentials": None, "iamRoleArn": "arn:aws:iam::123456789012:role/x"}
    objects = render(environment(spark=APP, objectStore=store, fluss={"s3Credentials": {"secretName": "fluss-keys"}}))
    spec = find(objects, "SparkApplication", "ingest")["spec"]
    assert spec["driver"]["serviceAccount"] == spec["executor"]["serviceAccount"] == "spark-operator-spark"
    account = find(objects, "ServiceAccount", "spark-operator-spark", namespace="spark")
    assert account["metadata"]["annotations"]["eks.amazonaws.com/role-arn"] == "arn:aws:iam::123456789012:role/x"


def test_executor_sizes_come_from_config() -> None:
    app = {"applications": [{"name": "big", "mainApplicationFile": "a.py",
                             "executor": {"instances": 4, "cores": 2, "memory": "4g"}}]}
    spec = find(spark(environment(spark=app)), "SparkApplication", "big")["spec"]
    assert (spec["executor"]["instances"], spec["executor"]["cores"], spec["executor"]["memory"]) == (4, 2, "4g")


def test_drivers_run_as_the_service_account_the_operator_creates() -> None:
    objects = render(environment(spark={**APP, "serviceAccount": "spark-jobs"}))
    spec = find(objects, "SparkApplication", "ingest")["spec"]
    assert spec["driver"]["serviceAccount"] == spec["executor"]["serviceAccount"] == "spark-jobs"
    find(objects, "ServiceAccount", "spark-jobs", namespace="spark")
    binding = find(objects, "RoleBinding", "spark-operator-spark", namespace="spark")
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "spark-jobs", "namespace": "spark"}]
    assert binding["roleRef"]["name"] == "spark-operator-spark"


def test_main_files_in_the_spark_bucket_become_s3a_uris_and_uris_stay() -> None:
    apps = {"applications": [{"name": "a", "mainApplicationFile": "jobs/a.py"},
                             {"name": "b", "mainApplicationFile": "local:///opt/app/b.jar", "type": "Scala",
                              "mainClass": "com.example.B"}]}
    objects = spark(environment(spark=apps))
    assert find(objects, "SparkApplication", "a")["spec"]["mainApplicationFile"] == "s3a://flink-bucket/jobs/a.py"
    b = find(objects, "SparkApplication", "b")["spec"]
    assert (b["mainApplicationFile"], b["type"], b["mainClass"]) == ("local:///opt/app/b.jar", "Scala", "com.example.B")
    assert "pythonVersion" not in b


def test_props_defaults_are_the_schema_defaults() -> None:
    """Applications composed in Python run as in an environment that sets nothing but their name and file."""
    from charts.spark.applications import SparkApplicationProps, SparkProps

    config = settings(environment(spark=APP))
    mapped = spark_props(config, s3_access(config))
    assert mapped == SparkProps(applications=(
        SparkApplicationProps(name="ingest", main_application_file="s3a://flink-bucket/jobs/ingest.py"),))


def test_props_refuse_repeated_application_names() -> None:
    from charts.spark.applications import SparkApplicationProps, SparkProps

    app = SparkApplicationProps(name="ingest", main_application_file="local:///opt/app.py")
    with pytest.raises(ValueError, match="SparkApplication names used twice: ingest"):
        SparkProps(image="spark:4.0.2", applications=(app, app))


# ---- Spark workloads beyond one SparkApplication (#13 item 5) ---------------------------------------------------

def app(**fields: Any) -> dict[str, Any]:
    return {"applications": [{"name": "ingest", "mainApplicationFile": "jobs/ingest.py", **fields}]}


def test_a_schedule_renders_a_scheduled_spark_application_whose_runs_have_the_application_spec() -> None:
    once = find(spark(environment(spark=app())), "SparkApplication", "ingest")["spec"]
    scheduled = find(spark(environment(spark=app(schedule={"cron": "@every 1h", "timeZone": "UTC"}))),
                     "ScheduledSparkApplication", "ingest")
    assert scheduled["spec"] == {"concurrencyPolicy": "Forbid", "failedRunHistoryLimit": 1, "schedule": "@every 1h",
                                 "successfulRunHistoryLimit": 1, "suspend": False, "template": once,
                                 "timeZone": "UTC"}
    assert scheduled["metadata"]["labels"]["app.kubernetes.io/component"] == "scheduled-batch-job"


def test_an_application_may_name_its_own_image_and_spark_version() -> None:
    objects = spark(environment(spark={**app(image="apache/spark:4.0.4", sparkVersion="4.0.4"),
                                       "image": "spark-iceberg-s3:0.2.0"}))
    spec = find(objects, "SparkApplication", "ingest")["spec"]
    assert (spec["image"], spec["sparkVersion"]) == ("apache/spark:4.0.4", "4.0.4")
    assert find(objects, "SparkApplication", "ingest")["metadata"]["labels"]["app.kubernetes.io/version"] == "4.0.4"


def test_passthrough_properties_join_the_platform_s_sorted() -> None:
    spec = find(spark(environment(spark=app(sparkConf={"spark.sql.shuffle.partitions": "64"},
                                            hadoopConf={"mapreduce.job.reduces": "4"}))), "SparkApplication",
                "ingest")["spec"]
    conf = spec["sparkConf"]
    assert conf["spark.sql.shuffle.partitions"] == "64"
    assert conf["spark.sql.catalog.rest.type"] == "rest"  # the platform's stay
    assert list(conf) == sorted(conf)
    assert spec["hadoopConf"] == {"mapreduce.job.reduces": "4"}


def test_dynamic_allocation_restart_policy_and_dependencies() -> None:
    spec = find(spark(environment(spark=app(
        dynamicAllocation={"minExecutors": 1, "maxExecutors": 6}, restartPolicy={"type": "Always"},
        files=["https://schemas.example.com/f.json"], pyFiles=["local:///opt/app/lib.zip"]))), "SparkApplication",
        "ingest")["spec"]
    assert spec["dynamicAllocation"] == {"enabled": True, "maxExecutors": 6, "minExecutors": 1,
                                         "shuffleTrackingEnabled": True}
    # Always: the intervals the controller needs to compute a retry, no retry limits (they apply to OnFailure only)
    assert spec["restartPolicy"] == {"onFailureRetryInterval": 10, "onSubmissionFailureRetryInterval": 20,
                                     "type": "Always"}
    assert (spec["deps"]["files"], spec["deps"]["pyFiles"]) == (["https://schemas.example.com/f.json"],
                                                                ["local:///opt/app/lib.zip"])
    never = find(spark(environment(spark=app())), "SparkApplication", "ingest")["spec"]
    assert "dynamicAllocation" not in never


@pytest.mark.parametrize(("fields", "expected"), [
    ({"sparkConf": {"spark.executor.memory": "2g"}},
     "spark.applications[ingest].sparkConf.spark.executor.memory: set by executor.memory; use that field"),
    ({"sparkConf": {"spark.dynamicAllocation.maxExecutors": "9"}},
     "spark.applications[ingest].sparkConf.spark.dynamicAllocation.maxExecutors: set by dynamicAllocation; use that field"),
    ({"sparkConf": {"spark.hadoop.fs.s3a.endpoint": "http://x"}},
     "spark.applications[ingest].sparkConf.spark.hadoop.fs.s3a.endpoint: the platform sets it (S3A and the Iceberg catalog "
     "rest): not overridable"),
    ({"sparkConf": {"spark.kubernetes.container.image": "x"}},
     "spark.applications[ingest].sparkConf.spark.kubernetes.container.image: the Spark operator refuses it: use the image "
     "field on the CRD instead"),
    ({"hadoopConf": {"fs.s3a.access.key": "x"}},
     "spark.applications[ingest].hadoopConf.fs.s3a.access.key: the platform sets S3A (spark.hadoop.fs.s3a.*): not "
     "overridable"),
    ({"dynamicAllocation": {"minExecutors": 4, "maxExecutors": 2}},
     "spark.applications[ingest].dynamicAllocation.minExecutors: 4 is above maxExecutors 2"),
    ({"dynamicAllocation": {"initialExecutors": 9}},
     "spark.applications[ingest].dynamicAllocation.initialExecutors: 9 is outside minExecutors..maxExecutors (0..4)"),
    ({"type": "Scala", "mainApplicationFile": "local:///opt/app/a.jar"},
     "spark.applications[ingest].mainClass: a Scala or Java application needs mainClass: without --class, spark-submit "
     "reads the Main-Class of mainApplicationFile in the Spark operator's controller pod, opening it there with "
     "Hadoop's FileSystem, which has no filesystem for local:// nor s3a:// (no hadoop-aws), so the submission fails "
     "(SUBMISSION_FAILED: \"Failed to get main class in JAR\")"),
    ({"name": "n" * 44, "schedule": {"cron": "@daily"}},
     f"spark.applications[{'n' * 44}].name: '{'n' * 44}' has 44 characters: a scheduled application's runs are named "
     "<name>-<19-digit timestamp>, which must stay a 63-character DNS label, so at most 43"),
])
def test_bad_spark_settings_name_the_field(fields: dict[str, Any], expected: str) -> None:
    from tests.conftest import config_errors

    assert config_errors(environment(spark=app(**fields))) == [expected]


def test_validate_refuses_a_restart_policy_the_controller_cannot_follow(tmp_path: Any) -> None:
    from tests.conftest import validate_errors

    objects = spark(environment(spark=app(restartPolicy={"type": "OnFailure"})))
    assert validate_errors(objects, tmp_path) == []
    spec = find(objects, "SparkApplication", "ingest")["spec"]
    del spec["restartPolicy"]["onFailureRetryInterval"], spec["restartPolicy"]["onFailureRetries"]
    assert [e.split("  ")[-1] for e in validate_errors(objects, tmp_path)] == [
        "restartPolicy OnFailure without onFailureRetryInterval: the operator cannot compute when to retry "
        "(TimeUntilNextRetryDue: invalid retry interval), so it never reruns",
        "restartPolicy OnFailure without onFailureRetries: the operator never retries (ShouldRetry needs the limit)"]


def test_spark_pods_need_the_operator_s_webhook(rendered: dict[str, list[Manifest]], tmp_path: Any) -> None:
    """The webhook applies env and security contexts to Spark pods (sparkpod_defaulter.go): without it, refused."""
    from tests.conftest import config_errors, validate_errors

    assert config_errors(environment(spark=app(), sparkOperator={"webhook": False})) == [
        "sparkOperator.webhook: false, but spark.applications need it: the Spark operator applies the platform's "
        "restricted security contexts and the Secret-backed env vars (catalog credential, S3 keys) to driver and "
        "executor pods in its mutating webhook; without it the namespace's restricted Pod Security admission refuses "
        "the pods, and they would miss the credential"]
    objects = [o for o in rendered["test-prod"] if o["kind"] != "MutatingWebhookConfiguration"]
    problems = [e for e in validate_errors(objects, tmp_path) if "mutating webhook" in e]
    assert [p.split("  ")[-1] for p in problems] == [
        f"env, podSecurityContext, securityContext reach the {role} pod only through the Spark operator's mutating "
        "webhook, which is not rendered (sparkOperator.webhook: false): the pod would run without them"
        for role in ("driver", "executor")]
    assert not [e for e in validate_errors(rendered["test-prod"], tmp_path) if "mutating webhook" in e]


def test_pod_options_and_a_node_pool_reach_both_roles() -> None:
    pools = [{"name": "batch", "nodeClass": "default"}]
    objects = render(environment(nodePools=pools, spark=app(
        nodePool="batch", podOptions={"labels": {"team": "ads"}, "annotations": {"a": "b"},
                                      "imagePullSecrets": ["registry"], "env": [{"name": "MODE", "value": "fast"}]})))
    spec = find(objects, "SparkApplication", "ingest")["spec"]
    assert spec["imagePullSecrets"] == ["registry"]
    for role in ("driver", "executor"):
        pod = spec[role]
        assert (pod["labels"], pod["annotations"]) == ({"team": "ads"}, {"a": "b"})
        assert pod["nodeSelector"] == {"lakehouse.dev/node-pool": "batch"}
        assert pod["tolerations"] == [{"effect": "NoSchedule", "key": "lakehouse.dev/node-pool", "operator": "Equal",
                                       "value": "batch"}]
        assert pod["env"][-1] == {"name": "MODE", "value": "fast"}
        assert pod["env"][0]["name"] == "ICEBERG_CATALOG_CREDENTIAL"  # the platform's first


@pytest.mark.parametrize(("fields", "expected"), [
    ({"nodePool": "nope"}, "spark.applications[ingest].nodePool: 'nope' is not a node pool"),
    ({"podOptions": {"sidecars": [{"name": "spark-kubernetes-driver", "image": "busybox:1.36", "resources": {
        "requests": {"cpu": "10m", "memory": "16Mi"}}}]}},
     "spark.applications[ingest].podOptions.sidecars[spark-kubernetes-driver].name: 'spark-kubernetes-driver' is Spark's own container"),
    ({"podOptions": {"volumes": [{"name": "spark-local-dir-1", "mountPath": "/tmp/x", "configMap": "x"}]}},
     "spark.applications[ingest].podOptions.volumes[spark-local-dir-1].name: 'spark-local-dir-1': a spark-local-dir-* volume is Spark's "
     "scratch space"),
])
def test_a_spark_node_pool_must_be_declared(fields: dict[str, Any], expected: str) -> None:
    from tests.conftest import config_errors

    assert any(e.startswith(expected) for e in config_errors(environment(spark=app(**fields))))


def test_spark_s_own_prometheus_endpoints_are_exposed_and_announced_on_the_driver() -> None:
    spec = find(spark(environment(spark=app(prometheus=True))), "SparkApplication", "ingest")["spec"]
    conf = spec["sparkConf"]
    assert conf["spark.ui.prometheus.enabled"] == "true"
    assert conf["spark.metrics.conf.*.sink.prometheusServlet.class"] == "org.apache.spark.metrics.sink.PrometheusServlet"
    assert conf["spark.metrics.conf.*.sink.prometheusServlet.path"] == "/metrics/prometheus"
    assert spec["driver"]["annotations"] == {"prometheus.io/scrape": "true", "prometheus.io/port": "4040",
                                             "prometheus.io/path": "/metrics/prometheus"}
    assert "annotations" not in spec["executor"]  # executors' metrics are served by the driver
    quiet = find(spark(environment(spark=app(prometheus=True), metrics={"scrape": "none"})), "SparkApplication",
                 "ingest")["spec"]
    assert "annotations" not in quiet["driver"] and quiet["sparkConf"]["spark.ui.prometheus.enabled"] == "true"
    off = find(spark(environment(spark=app())), "SparkApplication", "ingest")["spec"]
    assert "spark.ui.prometheus.enabled" not in off["sparkConf"] and "annotations" not in off["driver"]


AFFINITY = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
    {"matchExpressions": [{"key": "topology.kubernetes.io/zone", "operator": "In", "values": ["eu-north-1a"]}]}]}},
    "podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 50, "podAffinityTerm": {
        "topologyKey": "kubernetes.io/hostname", "labelSelector": {"matchLabels": {"team": "ads"}}}}]}}


def test_volumes_sidecars_affinity_and_the_user_reach_both_roles(tmp_path: Any) -> None:
    from tests.conftest import validate_errors

    objects = spark(environment(spark=app(podOptions={
        "affinity": AFFINITY,
        "volumes": [{"name": "lookup", "mountPath": "/lookup", "readOnly": True, "configMap": "lookup-tables"},
                    {"name": "scratch", "mountPath": "/scratch", "emptyDir": True}],
        "sidecars": [{"name": "proxy", "image": "envoyproxy/envoy:v1.31.2", "volumeMounts": [
            {"name": "scratch", "mountPath": "/scratch"}], "resources": {"requests": {"cpu": "50m", "memory": "64Mi"},
                                                                         "limits": {"memory": "128Mi"}}}],
        "runAs": {"user": 1001, "group": 1001}})))
    spec = find(objects, "SparkApplication", "ingest")["spec"]
    assert spec["volumes"] == [{"name": "lookup", "configMap": {"name": "lookup-tables"}},
                               {"name": "scratch", "emptyDir": {}}]
    for role in ("driver", "executor"):
        pod = spec[role]
        assert pod["affinity"] == AFFINITY  # API form in, API form out
        assert pod["volumeMounts"] == [{"mountPath": "/lookup", "name": "lookup", "readOnly": True},
                                       {"mountPath": "/scratch", "name": "scratch"}]
        (proxy,) = pod["sidecars"]
        assert proxy["securityContext"]["runAsUser"] == 1001 and proxy["securityContext"]["capabilities"] == {
            "drop": ["ALL"]}
        assert proxy["resources"] == {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"memory": "128Mi"}}
        assert pod["podSecurityContext"]["runAsUser"] == pod["securityContext"]["runAsUser"] == 1001
    assert validate_errors(objects, tmp_path) == []


# ---- Dependencies the operator's spark-submit can fetch (#20 item 2) ---------------------------------------------

S3A_DEPENDENCY = (
    "'s3a://b/lib.zip': the Spark operator 2.5.2 runs spark-submit in its controller pod, which opens every "
    "dependency but ftp://, http://, https:// and local:// with Hadoop's FileSystem, and its image has no s3a:// "
    "filesystem (no hadoop-aws) nor the application's credentials, so the submission fails (SUBMISSION_FAILED); put "
    "it in the image (local:///...), serve it over https:// (the driver pod downloads it), or add it from the "
    "application (SparkContext.addFile, addPyFile, addJar, addArchive run in the driver, which reads s3a://)")


@pytest.mark.parametrize(("fields", "path", "uri"), [
    ({"pyFiles": ["s3a://b/lib.zip"]}, "pyFiles[0]", "s3a://b/lib.zip"),
    ({"files": ["local:///opt/app/a.json", "s3://b/f.json"]}, "files[1]", "s3://b/f.json"),
    ({"jars": ["https://repo.example.com/a.jar", "gs://b/x.jar"]}, "jars[1]", "gs://b/x.jar"),
    ({"sparkConf": {"spark.archives": "https://x.example.com/a.zip,s3a://b/env.tar.gz#env"}},
     "sparkConf.spark.archives", "s3a://b/env.tar.gz#env"),
])
def test_config_refuses_dependencies_the_operator_s_spark_submit_cannot_fetch(fields: dict[str, Any], path: str,
                                                                               uri: str) -> None:
    """spark-submit resolves jars, files, pyFiles and archives with Hadoop's FileSystem in the controller pod
    (Spark DependencyUtils.resolveGlobPath: all but local, http, https, ftp); the main file is passed through."""
    from tests.conftest import config_errors

    (error,) = config_errors(environment(spark=app(**fields)))
    scheme = uri.split(":", 1)[0]
    assert error == f"spark.applications[ingest].{path}: " + S3A_DEPENDENCY.replace("'s3a://b/lib.zip'", repr(uri)).replace(
        "no s3a:// filesystem", f"no {scheme}:// filesystem")


def test_a_local_path_dependency_is_refused_and_the_dependency_conf_keys_are_typed_fields() -> None:
    from tests.conftest import config_errors

    assert config_errors(environment(spark=app(jars=["lib/extra.jar"]))) == [
        "spark.applications[ingest].jars[0]: 'lib/extra.jar': a path without a scheme is a file in the Spark operator's "
        "controller pod, where spark-submit runs (it would upload it from there to spark.kubernetes.file.upload.path), "
        "and that pod does not hold it; put it in the image (local:///...), serve it over https:// (the driver pod "
        "downloads it), or add it from the application (SparkContext.addFile, addPyFile, addJar, addArchive run in "
        "the driver, which reads s3a://)"]
    assert config_errors(environment(spark=app(sparkConf={"spark.jars": "local:///opt/a.jar",
                                                          "spark.submit.pyFiles": "local:///opt/b.zip"}))) == [
        "spark.applications[ingest].sparkConf.spark.jars: set by jars; use that field",
        "spark.applications[ingest].sparkConf.spark.submit.pyFiles: set by pyFiles; use that field"]
    objects = spark(environment(spark=app(mainApplicationFile="s3a://other/app.py", jars=[
        "local:///opt/spark/extra-jars/a.jar", "https://repo.example.com/b.jar", "ftp://files.example.com/c.jar"])))
    spec = find(objects, "SparkApplication", "ingest")["spec"]
    assert spec["mainApplicationFile"] == "s3a://other/app.py"  # spark-submit passes the primary resource through
    assert spec["deps"]["jars"][1:] == ["https://repo.example.com/b.jar", "ftp://files.example.com/c.jar"]


def test_validate_refuses_dependencies_the_operator_s_spark_submit_cannot_fetch(tmp_path: Any) -> None:
    """The class: every deps.* URI (and the sparkConf keys spark-submit reads them from) of a SparkApplication and of
    a ScheduledSparkApplication's template, checked against the operator image's table (upstream.capabilities)."""
    from tests.conftest import validate_errors

    once = spark(environment(spark=app(pyFiles=["local:///opt/app/lib.zip"])))
    scheduled = spark(environment(spark=app(schedule={"cron": "@daily"})))
    assert validate_errors(once + scheduled, tmp_path) == []
    find(once, "SparkApplication", "ingest")["spec"]["deps"]["pyFiles"] = ["s3a://b/lib.zip"]
    template = find(scheduled, "ScheduledSparkApplication", "ingest")["spec"]["template"]
    template["deps"]["archives"] = ["https://x.example.com/env.zip", "hdfs://nn/env.tar.gz"]
    template["sparkConf"]["spark.files"] = "s3a://b/lib.zip"
    lines = [re.split(r"\s{2,}", e, maxsplit=5) for e in validate_errors(once + scheduled, tmp_path)]
    errors = [[obj, field, message.split(":", 1)[0]] for _, _, _, obj, field, message in lines]
    assert sorted(errors) == [
        ["ScheduledSparkApplication/spark/ingest", "spec.template.deps.archives[1]", "'hdfs"],
        ["ScheduledSparkApplication/spark/ingest", "spec.template.sparkConf.spark.files", "'s3a"],
        ["SparkApplication/spark/ingest", "spec.deps.pyFiles[0]", "'s3a"]]
    assert S3A_DEPENDENCY in validate_errors(once, tmp_path)[0]


PACKAGES = ("the Spark operator's spark-submit resolves Maven packages with Ivy in its controller pod (and the driver "
            "resolves them again in its own), which needs egress to the Maven repositories and a writable Ivy directory "
            "there (its root filesystem is read-only), or the submission fails (SUBMISSION_FAILED); bake the jars into "
            "the application's image and list them in jars (local:///...)")


@pytest.mark.parametrize("key", ["spark.jars.packages", "spark.jars.repositories", "spark.jars.excludes",
                                 "spark.jars.ivy", "spark.jars.ivySettings"])
def test_config_refuses_maven_packages_which_the_controller_would_resolve(key: str) -> None:
    """--packages (and the keys spark-submit reads it and its Ivy settings from) resolve with Ivy in the controller
    pod (Spark 4.0 SparkSubmit.prepareSubmitEnvironment: in every mode but standalone cluster)."""
    from tests.conftest import config_errors

    assert config_errors(environment(spark=app(sparkConf={key: "x"}))) == [
        f"spark.applications[ingest].sparkConf.{key}: {PACKAGES}"]


def test_validate_refuses_maven_packages_which_the_controller_would_resolve(tmp_path: Any) -> None:
    """deps.packages, excludePackages and repositories (the operator's --packages, --exclude-packages,
    --repositories) and the sparkConf keys, in a SparkApplication and a ScheduledSparkApplication's template."""
    from tests.conftest import validate_errors

    once = spark(environment(spark=app()))
    scheduled = spark(environment(spark=app(schedule={"cron": "@daily"})))
    find(once, "SparkApplication", "ingest")["spec"]["deps"].update(
        packages=["org.apache.iceberg:iceberg-spark-runtime-4.0_2.13:1.10.1"], excludePackages=[],
        repositories=["https://repo.example.com/maven"])
    find(scheduled, "ScheduledSparkApplication", "ingest")["spec"]["template"]["sparkConf"].update({
        "spark.jars.packages": "org.example:lib:1.0", "spark.jars.ivy": "/tmp/ivy"})
    lines = [re.split(r"\s{2,}", e, maxsplit=5) for e in validate_errors(once + scheduled, tmp_path)]
    assert sorted((obj, field, message) for _, _, _, obj, field, message in lines) == [
        ("ScheduledSparkApplication/spark/ingest", "spec.template.sparkConf.spark.jars.ivy", PACKAGES),
        ("ScheduledSparkApplication/spark/ingest", "spec.template.sparkConf.spark.jars.packages", PACKAGES),
        ("SparkApplication/spark/ingest", "spec.deps.packages", PACKAGES),
        ("SparkApplication/spark/ingest", "spec.deps.repositories", PACKAGES)]


def test_validate_refuses_a_jar_application_without_a_main_class(tmp_path: Any) -> None:
    """Without --class spark-submit opens the main JAR in the controller pod (SparkSubmit.prepareSubmitEnvironment);
    a Python application has no main class."""
    from tests.conftest import validate_errors

    scala = {"type": "Scala", "mainClass": "com.example.A", "mainApplicationFile": "jobs/a.jar"}
    objects = spark(environment(spark=app(**scala, schedule={"cron": "@daily"}))) + spark(environment(spark=app()))
    assert validate_errors(objects, tmp_path) == []
    del find(objects, "ScheduledSparkApplication", "ingest")["spec"]["template"]["mainClass"]
    lines = [re.split(r"\s{2,}", e, maxsplit=5) for e in validate_errors(objects, tmp_path)]
    assert [(obj, field, message.split(":")[0]) for _, _, _, obj, field, message in lines] == [
        ("ScheduledSparkApplication/spark/ingest", "spec.template.mainClass",
         "a Scala or Java application needs mainClass")]


def test_props_refuse_a_dependency_the_operator_s_spark_submit_cannot_fetch() -> None:
    from charts.spark.applications import SparkApplicationProps

    with pytest.raises(ValueError, match=r"SparkApplication ingest: 's3a://b/lib.zip': the Spark operator 2.5.2 runs "
                                         r"spark-submit in its controller pod"):
        SparkApplicationProps(name="ingest", main_application_file="s3a://b/app.py", py_files=("s3a://b/lib.zip",))
    assert SparkApplicationProps(name="ingest", main_application_file="s3a://b/app.py",
                                 py_files=("local:///opt/app/lib.zip",)).py_files == ("local:///opt/app/lib.zip",)
    with pytest.raises(ValueError, match=r"SparkApplication ingest: sparkConf spark.jars.packages: the Spark operator's "
                                         r"spark-submit resolves Maven packages with Ivy in its controller pod"):
        SparkApplicationProps(name="ingest", main_application_file="s3a://b/app.py",
                              spark_conf={"spark.jars.packages": "org.example:lib:1.0"})


# ---- A failed submission is resubmitted: the operator's pod webhook is fail-closed (#20 item 9) ------------------

NEVER_RERUN = {"type": "OnFailure", "onFailureRetries": 0, "onFailureRetryInterval": 10,
               "onSubmissionFailureRetries": 3, "onSubmissionFailureRetryInterval": 20}
"""restartPolicy Never as rendered: no rerun after a run (ShouldRetry in FAILING: executionAttempts 1 <= 0 is false),
resubmission after a failed spark-submit (in FAILED_SUBMISSION: submissionAttempts <= 3), which ran nothing."""


def test_never_reruns_no_run_but_resubmits_a_failed_submission() -> None:
    never = find(spark(environment(spark=app())), "SparkApplication", "ingest")["spec"]
    assert never["restartPolicy"] == NEVER_RERUN
    slower = find(spark(environment(spark=app(restartPolicy={"onSubmissionFailureRetries": 5,
                                                             "onSubmissionFailureRetryInterval": 30}))),
                  "SparkApplication", "ingest")["spec"]
    assert slower["restartPolicy"] == {**NEVER_RERUN, "onSubmissionFailureRetries": 5,
                                       "onSubmissionFailureRetryInterval": 30}
    plain = find(spark(environment(spark=app(restartPolicy={"type": "Never", "onSubmissionFailureRetries": 0}))),
                 "SparkApplication", "ingest")["spec"]
    assert plain["restartPolicy"] == {"type": "Never"}  # the operator's own Never, asked for


def submission_warnings(objects: list[Manifest]) -> list[tuple[str, str, str]]:
    """(object, field, message) of the warnings validate's Spark submission rule gives `objects`."""
    from manifests.validation import spark_submission
    from manifests.validation.report import Level
    from manifests.validation.report import Manifest as Checked

    return [(f.object, f.field, f.message) for f in spark_submission.check([Checked("x.yaml", o) for o in objects])
            if f.level is Level.WARNING]


NO_RESUBMISSION = (
    "restartPolicy {}: a failed submission is never resubmitted (ShouldRetry), and the Spark operator's pod webhook "
    "rendered with it fails closed: a spark-submit while the webhook does not serve (a fresh apply, before its pod is "
    "ready; a webhook restart) fails, the application stays failed, and applying it again unchanged does not resubmit "
    "it; set restartPolicy type OnFailure with onSubmissionFailureRetries (onFailureRetries: 0 keeps no rerun of a run)")


def test_validate_warns_of_an_application_a_failed_submission_leaves_failed() -> None:
    objects = render(environment(spark={"applications": [
        {"name": "once", "mainApplicationFile": "jobs/once.py"},
        {"name": "nightly", "mainApplicationFile": "jobs/nightly.py", "schedule": {"cron": "@daily"}}]}))
    assert submission_warnings(objects) == []
    find(objects, "SparkApplication", "once")["spec"]["restartPolicy"] = {"type": "Never"}
    find(objects, "ScheduledSparkApplication", "nightly")["spec"]["template"]["restartPolicy"] = {
        **NEVER_RERUN, "onSubmissionFailureRetries": 0}
    assert sorted(submission_warnings(objects)) == [
        ("ScheduledSparkApplication/spark/nightly", "spec.template.restartPolicy",
         NO_RESUBMISSION.format("OnFailure with onSubmissionFailureRetries 0")),
        ("SparkApplication/spark/once", "spec.restartPolicy", NO_RESUBMISSION.format("Never"))]
    # without the operator's fail-closed pod webhook among the checked objects (validate PATHS of the Spark file)
    alone = [o for o in objects if o["kind"] in ("SparkApplication", "ScheduledSparkApplication")]
    assert submission_warnings(alone) == []
