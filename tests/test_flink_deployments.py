"""Further FlinkDeployments (#12): application clusters with the operator's job spec, further session clusters with
their session jobs, typed state settings, the flinkConfiguration passthrough, and the checks on config."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import Manifest, config_errors, environment, find, render, validate_errors
from tests.test_flink import flink

APPLICATION: dict[str, Any] = {
    "name": "orders-enrichment",
    "taskManager": {"cpu": 1, "taskSlots": 2, "replicas": 2},
    "highAvailability": True,
    "checkpointing": {"interval": "60 s", "mode": "EXACTLY_ONCE", "unaligned": False, "retained": 3,
                      "stateBackend": "rocksdb", "incremental": True},
    "periodicSnapshots": {"savepointInterval": "6 h", "savepointMaxCount": 5, "savepointMaxAge": "7 d"},
    "flinkConfiguration": {"pipeline.max-parallelism": "128"},
    "job": {"jarPath": "jobs/orders-enrichment-1.0.jar", "entryClass": "com.example.Enrich", "parallelism": 4,
            "upgradeMode": "last-state", "args": ["--bootstrap", "${fluss.bootstrapServers}"],
            "savepointTriggerNonce": 1, "initialSavepointPath": "s3://flink-bucket/savepoints/x/savepoint-1",
            "allowNonRestoredState": True},
}


def deployment(objects: list[Manifest], name: str) -> dict[str, Any]:
    spec: dict[str, Any] = find(objects, "FlinkDeployment", name)["spec"]
    return spec


def test_application_cluster_runs_its_job_with_state_on_s3_and_typed_settings() -> None:
    objects = flink(environment(flink={"deployments": [APPLICATION]}))
    obj = find(objects, "FlinkDeployment", "orders-enrichment")
    spec = obj["spec"]
    assert spec["job"] == {
        "jarURI": "s3://flink-bucket/jobs/orders-enrichment-1.0.jar", "entryClass": "com.example.Enrich",
        "parallelism": 4, "upgradeMode": "last-state",
        "args": ["--bootstrap", "coordinator-server-hs.fluss.svc.cluster.local:9124"],
        "savepointTriggerNonce": 1, "initialSavepointPath": "s3://flink-bucket/savepoints/x/savepoint-1",
        "allowNonRestoredState": True}
    conf = spec["flinkConfiguration"]
    assert {k: conf[k] for k in conf if k.startswith(("execution.checkpointing", "state.", "high-availability",
                                                       "kubernetes.operator", "pipeline"))} == {
        "execution.checkpointing.dir": "s3://flink-bucket/checkpoints/orders-enrichment",
        "execution.checkpointing.savepoint-dir": "s3://flink-bucket/savepoints/orders-enrichment",
        "execution.checkpointing.interval": "60 s", "execution.checkpointing.mode": "EXACTLY_ONCE",
        "execution.checkpointing.unaligned.enabled": "false", "execution.checkpointing.num-retained": "3",
        "state.backend.type": "rocksdb", "execution.checkpointing.incremental": "true",
        "high-availability.type": "kubernetes", "high-availability.storageDir": "s3://flink-bucket/ha/orders-enrichment",
        "kubernetes.operator.periodic.savepoint.interval": "6 h",
        "kubernetes.operator.savepoint.history.max.count": "5",
        "kubernetes.operator.savepoint.history.max.age": "7 d",
        "pipeline.max-parallelism": "128"}
    assert conf["taskmanager.numberOfTaskSlots"] == "2"
    assert spec["taskManager"] == {"replicas": 2, "resource": {"memory": "2048m", "cpu": 1}}
    assert spec["image"] == "flink-fluss-iceberg-s3:1.20.3" and spec["flinkVersion"] == "v1_20"
    assert spec["serviceAccount"] == "flink"
    meta = obj["metadata"]
    assert meta["labels"]["app.kubernetes.io/component"] == "application"
    assert "Prune=false" in meta["annotations"]["argocd.argoproj.io/sync-options"]


def test_session_jobs_run_on_the_session_cluster_they_name() -> None:
    objects = flink(environment(flink={
        "deployments": [{"name": "adhoc", "job": None}],
        "jobs": [{"name": "on-adhoc", "jarPath": "a/j.jar", "sessionCluster": "adhoc", "state": "suspended",
                  "checkpointTriggerNonce": 2},
                 {"name": "on-default", "jarPath": "a/k.jar"}]}))
    assert "job" not in deployment(objects, "adhoc")
    jobs = {o["metadata"]["name"]: o["spec"] for o in objects if o["kind"] == "FlinkSessionJob"}
    assert jobs["on-adhoc"]["deploymentName"] == "adhoc" and jobs["on-default"]["deploymentName"] == "flink-session"
    assert jobs["on-adhoc"]["job"]["state"] == "suspended" and jobs["on-adhoc"]["job"]["checkpointTriggerNonce"] == 2
    assert "state" not in jobs["on-default"]["job"]


def test_the_rendered_deployments_pass_validate(tmp_path: Path) -> None:
    objects = render(environment(flink={"deployments": [APPLICATION, {"name": "adhoc", "job": None}],
                                        "jobs": [{"name": "on-adhoc", "jarPath": "a/j.jar",
                                                  "sessionCluster": "adhoc"}]}))
    assert validate_errors(objects, tmp_path) == []


def test_the_autoscaler_reset_nonce_reaches_the_job_spec_of_both_kinds(tmp_path: Path) -> None:
    """`autoscalerResetNonce` (operator 1.14 JobSpec) is written into `spec.job` of a FlinkDeployment and of a
    FlinkSessionJob, left out when null, accepted by the pinned CRDs, and refused where no operator runs."""
    app = {**APPLICATION, "job": {**APPLICATION["job"], "autoscalerResetNonce": 3}}
    objects = render(environment(flink={"deployments": [app], "jobs": [
        {"name": "reset", "jarPath": "a/j.jar", "autoscalerResetNonce": 7}, {"name": "plain", "jarPath": "a/k.jar"}]}))
    jobs = {o["metadata"]["name"]: o["spec"]["job"] for o in objects if o["kind"] == "FlinkSessionJob"}
    assert deployment(objects, "orders-enrichment")["job"]["autoscalerResetNonce"] == 3
    assert jobs["reset"]["autoscalerResetNonce"] == 7 and "autoscalerResetNonce" not in jobs["plain"]
    assert validate_errors(objects, tmp_path) == []
    assert config_error({"jobs": [{"name": "j", "jarPath": "a/j.jar", "autoscalerResetNonce": "now"}]}) == [
        "flink.jobs[j].autoscalerResetNonce: expected integer or null, got string 'now'"]
    standalone = {"name": "solo", "backend": "standalone", "taskManager": {"replicas": 1},
                  "job": {"jarPath": "local:///opt/flink/usrlib/solo.jar", "autoscalerResetNonce": 1}}
    assert config_error({"deployments": [standalone]}) == [
        "flink.deployments[solo].job.autoscalerResetNonce: is an operator feature; a standalone cluster has no operator "
        "(backend: operator)"]


def config_error(flink_section: dict[str, Any]) -> list[str]:
    """The lines of the `ConfigError` a test environment with `flink_section` raises."""
    return config_errors(environment(flink=flink_section))


def test_config_refuses_what_the_operator_would_and_what_the_platform_sets() -> None:
    app = {**APPLICATION, "highAvailability": False, "jobManager": {"replicas": 2},
           "checkpointing": {"stateBackend": "hashmap", "incremental": True},
           "flinkConfiguration": {"kubernetes.cluster-id": "x", "execution.checkpointing.interval": "1 s",
                                  "state.checkpoints.dir": "s3://elsewhere/",
                                  "kubernetes.operator.job.autoscaler.enabled": True}}
    assert sorted(config_error({"deployments": [app]})) == sorted([
        "flink.deployments[orders-enrichment].checkpointing.incremental: incremental checkpoints need stateBackend: rocksdb",
        "flink.deployments[orders-enrichment].jobManager.replicas: 2 JobManagers need highAvailability: true (the Flink operator "
        "rejects standby JobManagers without HA)",
        "flink.deployments[orders-enrichment].flinkConfiguration.execution.checkpointing.interval: set by the platform: "
        "use the typed setting checkpointing.interval",
        "flink.deployments[orders-enrichment].flinkConfiguration.kubernetes.cluster-id: set by the Flink operator itself (forbidden "
        "key)",
        "flink.deployments[orders-enrichment].flinkConfiguration.kubernetes.operator.job.autoscaler.enabled: set by the "
        "platform: use the typed setting autoscaler.enabled",
        "flink.deployments[orders-enrichment].flinkConfiguration.state.checkpoints.dir: set by the platform: it always "
        "writes it (the state directories under the Flink bucket, the catalog store)",
    ])


def test_config_refuses_unknown_session_clusters_duplicates_and_bad_durations() -> None:
    assert config_error({"deployments": [APPLICATION, {"name": "flink-session"}],
                         "jobs": [{"name": "j", "jarPath": "a/j.jar", "sessionCluster": "orders-enrichment"}]}) == [
        "flink.deployments: duplicate FlinkDeployment name 'flink-session'",
        "flink.jobs[j].sessionCluster: 'orders-enrichment' is not a session cluster (expected one of: flink-session)",
    ]
    for duration in ("soon", "3600", "1 mins", "100us", "PT1M", "1.5 s"):  # Flink refuses these, or (3600) reads ms
        assert config_error({"deployments": [{"name": "a", "checkpointing": {"interval": duration}}]}) == [
            f"flink.deployments[a].checkpointing.interval: {duration!r} is not a Flink duration (e.g. 60 s, 5 min, "
            "6 h, 7 d)"]
    assert config_error({"jobs": [{"name": "j", "jarPath": "a/j.jar", "savepointRedeployNonce": 1}]}) == [
        "flink.jobs[j].savepointRedeployNonce: needs initialSavepointPath (the Flink operator: \"InitialSavepointPath "
        "must not be empty for savepoint redeployment\")"]


POD_OPTIONS: dict[str, Any] = {
    "labels": {"team": "orders", "cost-center": "cc-42"},
    "annotations": {"ad.datadoghq.com/flink-main-container.checks": "{}"},
    "nodeSelector": {"karpenter.sh/nodepool": "flink-orders"},
    "tolerations": [{"key": "dedicated", "value": "flink", "effect": "NoSchedule"}],
    "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
        {"matchExpressions": [{"key": "kubernetes.io/arch", "operator": "In", "values": ["arm64"]}]}]}}},
    "imagePullSecrets": ["registry-credentials"],
    "env": [{"name": "LOG_LEVEL", "value": "INFO"}, {"name": "API_TOKEN", "secretKeyRef": {"name": "orders", "key": "token"}},
            {"name": "REGION_NAME", "configMapKeyRef": {"name": "orders", "key": "region"}}],
    "volumes": [{"name": "lookup", "mountPath": "/opt/lookup", "readOnly": True, "configMap": "orders-lookup"},
                {"name": "scratch", "mountPath": "/tmp/scratch", "emptyDir": True}],
}


def test_pod_options_reach_both_roles_with_the_platforms_settings_kept() -> None:
    cluster = {**APPLICATION, "podOptions": POD_OPTIONS,
               "taskManager": {**APPLICATION["taskManager"], "podOptions": {
                   "nodeSelector": {"karpenter.sh/nodepool": "flink-orders-tm"},
                   "volumes": [{"name": "spill", "mountPath": "/spill", "persistentVolumeClaim": "orders-spill"}]}}}
    spec = deployment(flink(environment(flink={"deployments": [cluster]})), "orders-enrichment")
    main = spec["podTemplate"]["spec"]["containers"][0]
    assert [e["name"] for e in main["env"]][-3:] == ["LOG_LEVEL", "API_TOKEN", "REGION_NAME"]
    assert main["env"][-1] == {"name": "REGION_NAME", "valueFrom": {"configMapKeyRef": {"name": "orders", "key": "region"}}}
    assert main["securityContext"]["runAsNonRoot"] is True  # the platform's restricted context is kept
    jm, tm = spec["jobManager"]["podTemplate"], spec["taskManager"]["podTemplate"]
    for pod in (jm, tm):
        assert pod["metadata"] == {"labels": POD_OPTIONS["labels"], "annotations": POD_OPTIONS["annotations"]}
        assert pod["spec"]["tolerations"] == [{"key": "dedicated", "operator": "Equal", "value": "flink",
                                               "effect": "NoSchedule"}]
        assert pod["spec"]["affinity"] == POD_OPTIONS["affinity"]
        assert pod["spec"]["imagePullSecrets"] == [{"name": "registry-credentials"}]
    assert jm["spec"]["nodeSelector"] == {"karpenter.sh/nodepool": "flink-orders"}
    assert tm["spec"]["nodeSelector"] == {"karpenter.sh/nodepool": "flink-orders-tm"}
    assert [v["name"] for v in jm["spec"]["volumes"]] == ["catalog-store", "lookup", "scratch"]
    assert tm["spec"]["volumes"] == [{"name": "lookup", "configMap": {"name": "orders-lookup"}},
                                     {"name": "scratch", "emptyDir": {}},
                                     {"name": "spill", "persistentVolumeClaim": {"claimName": "orders-spill"}}]
    assert tm["spec"]["containers"] == [{"name": "flink-main-container", "volumeMounts": [
        {"name": "lookup", "mountPath": "/opt/lookup", "readOnly": True}, {"name": "scratch", "mountPath": "/tmp/scratch"},
        {"name": "spill", "mountPath": "/spill"}]}]


def test_pod_options_on_the_session_cluster_and_validate_accepts_them(tmp_path: Path) -> None:
    objects = render(environment(flink={"sessionCluster": {"podOptions": POD_OPTIONS},
                                        "deployments": [{**APPLICATION, "podOptions": POD_OPTIONS}]}))
    session = deployment(objects, "flink-session")
    assert session["taskManager"]["podTemplate"]["spec"]["nodeSelector"] == POD_OPTIONS["nodeSelector"]
    assert validate_errors(objects, tmp_path) == []


def test_config_refuses_reserved_labels_and_ambiguous_sources() -> None:
    options = {"labels": {"app": "x", "app.kubernetes.io/name": "y"},
               "env": [{"name": "A"}, {"name": "A", "value": "1", "secretKeyRef": {"name": "s", "key": "k"}}],
               "volumes": [{"name": "v", "mountPath": "/v"}]}
    assert sorted(config_error({"deployments": [{"name": "a", "podOptions": options,
                                          "jobManager": {"podOptions": {"env": [{"name": "B", "value": "1"}]}}}]})) == sorted([
        "flink.deployments[a].podOptions.env[A]: env 'A' needs exactly one of value, secretKeyRef, configMapKeyRef",
        "flink.deployments[a].podOptions.env[A]: env 'A' needs exactly one of value, secretKeyRef, configMapKeyRef",
        "flink.deployments[a].podOptions.volumes[v]: volume 'v' needs exactly one of secret, configMap, "
        "persistentVolumeClaim, emptyDir",
        "flink.deployments[a].podOptions.labels.app: reserved: the Flink operator selects its pods by app, component "
        "and type, and the platform sets app.kubernetes.io/*",
        "flink.deployments[a].podOptions.labels.app.kubernetes.io/name: reserved: the Flink operator selects its pods "
        "by app, component and type, and the platform sets app.kubernetes.io/*",
        "flink.deployments[a].podOptions.env: 'A' is set twice",
    ])


def test_snapshots_reference_their_job_by_object_and_pass_validate(tmp_path: Path) -> None:
    objects = render(environment(flink={
        "deployments": [APPLICATION],
        "jobs": [{"name": "j", "jarPath": "a/j.jar"}],
        "snapshots": [
            {"name": "orders-before-upgrade", "job": "orders-enrichment", "formatType": "CANONICAL",
             "disposeOnDelete": False},
            {"name": "j-registered", "job": "j", "path": "s3://flink-bucket/savepoints/x/savepoint-2",
             "alreadyExists": True},
            {"name": "orders-checkpoint", "job": "orders-enrichment", "kind": "checkpoint", "backoffLimit": 2}]}))
    snapshots = {o["metadata"]["name"]: o for o in objects if o["kind"] == "FlinkStateSnapshot"}
    assert snapshots["orders-before-upgrade"]["spec"] == {
        "jobReference": {"kind": "FlinkDeployment", "name": "orders-enrichment"},
        "savepoint": {"disposeOnDelete": False, "formatType": "CANONICAL"}}
    assert snapshots["j-registered"]["spec"] == {
        "jobReference": {"kind": "FlinkSessionJob", "name": "j"},
        "savepoint": {"alreadyExists": True, "disposeOnDelete": False, "path": "s3://flink-bucket/savepoints/x/savepoint-2"}}
    assert snapshots["orders-checkpoint"]["spec"] == {
        "backoffLimit": 2, "checkpoint": {}, "jobReference": {"kind": "FlinkDeployment", "name": "orders-enrichment"}}
    meta = snapshots["orders-checkpoint"]["metadata"]
    assert meta["annotations"]["argocd.argoproj.io/sync-wave"] == "7" and meta["namespace"] == "flink"
    assert "Prune=false" in meta["annotations"]["argocd.argoproj.io/sync-options"]
    assert validate_errors(objects, tmp_path) == []
    dangling = [o for o in objects if o["kind"] != "FlinkDeployment" or o["metadata"]["name"] != "orders-enrichment"]
    assert any("FlinkStateSnapshot/flink/orders-checkpoint  spec.jobReference  FlinkDeployment 'orders-enrichment' in "
               "namespace flink is not rendered" in line for line in validate_errors(dangling, tmp_path, partial=False))


def test_config_refuses_snapshots_of_no_job_and_savepoint_settings_on_checkpoints() -> None:
    assert sorted(config_error({"deployments": [{"name": "adhoc", "job": None}], "snapshots": [
        {"name": "a", "job": "adhoc"}, {"name": "b", "job": "fluss-tiering-job", "kind": "checkpoint", "path": "/x"},
        {"name": "b", "job": "fluss-tiering-job", "alreadyExists": True}]})) == sorted([
        "flink.snapshots[b].path: applies to savepoints only (kind: savepoint)",
        "flink.snapshots[b].path: required with alreadyExists: the savepoint to register",
        "flink.snapshots[a].job: 'adhoc' is not a job (expected an application cluster or a session job: "
        "fluss-tiering-job)",
        "flink.snapshots: duplicate FlinkStateSnapshot name 'b'",
    ])


def test_autoscaler_settings_reach_the_flink_configuration() -> None:
    cluster = {**APPLICATION, "autoscaler": {"enabled": True, "scalingEnabled": False, "metricsWindow": "10 min",
                                             "utilizationTarget": 0.6, "utilizationMin": 0.3, "utilizationMax": 0.9,
                                             "vertexMaxParallelism": 16, "memoryTuning": True}}
    conf = deployment(flink(environment(flink={"deployments": [cluster]})), "orders-enrichment")["flinkConfiguration"]
    assert {k: v for k, v in conf.items() if k.startswith("job.autoscaler.")} == {
        "job.autoscaler.enabled": "true", "job.autoscaler.scaling.enabled": "false",
        "job.autoscaler.metrics.window": "10 min", "job.autoscaler.utilization.target": "0.6",
        "job.autoscaler.utilization.min": "0.3", "job.autoscaler.utilization.max": "0.9",
        "job.autoscaler.vertex.max-parallelism": "16", "job.autoscaler.memory.tuning.enabled": "true"}
    conf = deployment(flink(environment(flink={"deployments": [APPLICATION]})), "orders-enrichment")["flinkConfiguration"]
    assert not [k for k in conf if k.startswith("job.autoscaler.")]


def test_config_refuses_autoscaler_ranges_the_operator_refuses() -> None:
    assert config_error({"deployments": [
        {**APPLICATION, "autoscaler": {"enabled": True, "utilizationMin": 0.8, "utilizationMax": 0.5,
                                       "vertexMinParallelism": 8, "vertexMaxParallelism": 4}},
        {"name": "adhoc", "job": None, "autoscaler": {"enabled": True}}]}) == [
        "flink.deployments[orders-enrichment].autoscaler.utilizationMin: 0.8 is above the utilization target (0.7)",
        "flink.deployments[orders-enrichment].autoscaler.utilizationMax: 0.5 is below the utilization target (0.7)",
        "flink.deployments[orders-enrichment].autoscaler.vertexMinParallelism: 8 is above the vertex maximum parallelism (4)",
        "flink.deployments[adhoc].autoscaler.enabled: the autoscaler scales the job of an application cluster; this "
        "cluster has none (job: null)",
    ]
    assert config_error({"deployments": [{"name": "big", "autoscaler": {"utilizationTarget": 1.5}}]}) == [
        "flink.deployments[big].autoscaler.utilizationTarget: 1.5 is greater than the maximum of 1"]
    assert config_error({"deployments": [{"name": "big", "flinkConfiguration": {"job.autoscaler.enabled": "true"}}]}) == [
        "flink.deployments[big].flinkConfiguration.job.autoscaler.enabled: set by the platform: use the typed setting "
        "autoscaler.enabled"]


def test_log_configuration_and_ingress(tmp_path: Path) -> None:
    log4j = "rootLogger.level = WARN\nrootLogger.appenderRef.console.ref = ConsoleAppender\n"
    cluster = {**APPLICATION, "logConfiguration": {"log4j-console.properties": log4j},
               "ingress": {"template": "{{name}}.flink.example.com", "className": "nginx",
                           "annotations": {"nginx.ingress.kubernetes.io/ssl-redirect": "true"},
                           "tls": [{"hosts": ["orders-enrichment.flink.example.com"], "secretName": "flink-ui-tls"}]}}
    objects = render(environment(flink={"deployments": [cluster]}))
    spec = deployment(objects, "orders-enrichment")
    assert spec["logConfiguration"] == {"log4j-console.properties": log4j}
    assert spec["ingress"] == {"template": "{{name}}.flink.example.com", "className": "nginx",
                               "annotations": {"nginx.ingress.kubernetes.io/ssl-redirect": "true"},
                               "tls": [{"hosts": ["orders-enrichment.flink.example.com"], "secretName": "flink-ui-tls"}]}
    assert "logConfiguration" not in deployment(objects, "flink-session") and "ingress" not in deployment(
        objects, "flink-session")
    assert validate_errors(objects, tmp_path) == []
    assert config_error({"deployments": [{"name": "a", "logConfiguration": {"log4j.properties": "x"}}]}) == [
        "flink.deployments[a].logConfiguration.log4j.properties: Invalid log config key: log4j.properties. Allowed "
        "keys are [log4j-console.properties, logback-console.xml] (the Flink operator)"]


def test_sidecars_and_init_containers_run_restricted_in_both_roles(tmp_path: Path) -> None:
    options = {"volumes": [{"name": "logs", "mountPath": "/opt/flink/log", "emptyDir": True}],
               "sidecars": [{"name": "log-shipper", "image": "registry.example.com/log-shipper:1.0", "args": ["-c", "/etc/fb.conf"],
                             "env": [{"name": "REGION", "value": "eu-north-1"}],
                             "volumeMounts": [{"name": "logs", "mountPath": "/logs", "readOnly": True}],
                             "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"memory": "128Mi"}}}],
               "initContainers": [{"name": "wait-for-fluss", "image": "busybox:1.36",
                                   "command": ["sh", "-c", "until nc -z coordinator-server-hs.fluss 9124; do sleep 2; done"],
                                   "resources": {"requests": {"cpu": "10m", "memory": "16Mi"}}}]}
    objects = render(environment(flink={"deployments": [{**APPLICATION, "podOptions": options}]}))
    spec = deployment(objects, "orders-enrichment")
    for role in ("jobManager", "taskManager"):
        pod = spec[role]["podTemplate"]["spec"]
        sidecar = next(c for c in pod["containers"] if c["name"] == "log-shipper")
        assert sidecar["image"] == "registry.example.com/log-shipper:1.0" and sidecar["args"] == ["-c", "/etc/fb.conf"]
        assert sidecar["volumeMounts"] == [{"name": "logs", "mountPath": "/logs", "readOnly": True}]
        assert sidecar["resources"] == {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"memory": "128Mi"}}
        assert sidecar["securityContext"]["allowPrivilegeEscalation"] is False
        assert [c["name"] for c in pod["initContainers"]] == ["wait-for-fluss"]
    assert validate_errors(objects, tmp_path) == []
    assert config_error({"deployments": [{"name": "a", "podOptions": {
        "sidecars": [{"name": "flink-main-container", "image": "x:1", "volumeMounts": [{"name": "nope", "mountPath": "/x"}]}]}}]}) == [
        "flink.deployments[a].podOptions.sidecars[flink-main-container].name: 'flink-main-container' is the Flink main container, which "
        "the operator builds",
        "flink.deployments[a].podOptions.sidecars[flink-main-container].resources: required: cpu and memory requests (the scheduler "
        "places the pod by them)",
        "flink.deployments[a].podOptions.sidecars[flink-main-container].volumeMounts[nope].name: 'nope' is not one of these pod options' "
        "volumes",
    ]


def test_flink_versions_that_ignore_the_state_option_names_are_refused() -> None:
    """Flink 1.20 renamed the state options (FLINK-34482); a 1.19 cluster would ignore the directories."""
    (line,) = config_error({"deployments": [{"name": "old", "flinkVersion": "v1_19"}]})
    assert line.startswith("flink.deployments[old].flinkVersion: 'v1_19': the platform writes Flink 1.20's state option "
                           "names (execution.checkpointing.dir, ...; FLINK-34482), which v1_19 ignores")


def test_flink_configuration_numbers_and_booleans_are_written_as_text() -> None:
    cluster = {**APPLICATION, "flinkConfiguration": {"pipeline.max-parallelism": 128, "pipeline.object-reuse": True}}
    conf = deployment(flink(environment(flink={"deployments": [cluster]})), "orders-enrichment")["flinkConfiguration"]
    assert (conf["pipeline.max-parallelism"], conf["pipeline.object-reuse"]) == ("128", "true")


def test_role_options_merge_by_name_and_role_env_keeps_the_platforms() -> None:
    """A role's env repeats the platform's and the cluster's in its own main container, in the same order (the
    operator merges a role's containers over the common ones by position); named items merge by name."""
    cluster = {**APPLICATION, "podOptions": {
        "env": [{"name": "MODE", "value": "stream"}],
        "volumes": [{"name": "scratch", "mountPath": "/scratch", "emptyDir": True}],
        "sidecars": [{"name": "shipper", "image": "fluent/fluent-bit:3.0.7",
                      "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}}}]},
        "taskManager": {**APPLICATION["taskManager"], "podOptions": {
            "env": [{"name": "MODE", "value": "batch"}, {"name": "TM_ONLY", "value": "1"}],
            "volumes": [{"name": "scratch", "mountPath": "/big-scratch", "persistentVolumeClaim": "tm-scratch"}],
            "sidecars": [{"name": "shipper", "image": "fluent/fluent-bit:3.1.0",
                          "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}}}]}}}
    spec = deployment(flink(environment(flink={"deployments": [cluster]})), "orders-enrichment")
    common = spec["podTemplate"]["spec"]["containers"][0]["env"]
    tm = spec["taskManager"]["podTemplate"]["spec"]
    tm_main = next(c for c in tm["containers"] if c["name"] == "flink-main-container")
    assert [e["name"] for e in tm_main["env"]][:len(common) - 1] == [e["name"] for e in common][:-1]
    assert tm_main["env"][-2:] == [{"name": "MODE", "value": "batch"}, {"name": "TM_ONLY", "value": "1"}]
    assert tm["volumes"] == [{"name": "scratch", "persistentVolumeClaim": {"claimName": "tm-scratch"}}]
    assert [c["image"] for c in tm["containers"] if c["name"] == "shipper"] == ["fluent/fluent-bit:3.1.0"]
    jm_main = spec["jobManager"]["podTemplate"]["spec"]["containers"][0]
    assert "env" not in jm_main  # the JobManager sets no env of its own: the common template's applies


def test_periodic_snapshots_take_a_quartz_cron_expression_too() -> None:
    cluster = {**APPLICATION, "periodicSnapshots": {"savepointInterval": "0 0 */6 * * ?"}}
    conf = deployment(flink(environment(flink={"deployments": [cluster]})), "orders-enrichment")["flinkConfiguration"]
    assert conf["kubernetes.operator.periodic.savepoint.interval"] == "0 0 */6 * * ?"


def test_session_jobs_take_an_autoscaler_of_their_own(tmp_path: Path) -> None:
    objects = render(environment(flink={"jobs": [{"name": "scaled", "jarPath": "a/j.jar", "upgradeMode": "savepoint",
                                                  "autoscaler": {"enabled": True, "utilizationTarget": 0.6}},
                                                 {"name": "fixed", "jarPath": "a/k.jar"}]}))
    jobs = {o["metadata"]["name"]: o["spec"] for o in objects if o["kind"] == "FlinkSessionJob"}
    assert jobs["scaled"]["flinkConfiguration"] == {"job.autoscaler.enabled": "true",
                                                    "job.autoscaler.utilization.target": "0.6"}
    assert "flinkConfiguration" not in jobs["fixed"]
    assert validate_errors(objects, tmp_path) == []
    assert config_error({"jobs": [{"name": "j", "jarPath": "a/j.jar", "autoscaler": {"utilizationMin": 0.9}}]}) == [
        "flink.jobs[j].autoscaler.utilizationMin: 0.9 is above the utilization target (0.7)"]


def test_a_cluster_may_run_as_another_user_and_root_only_with_a_declared_exception(tmp_path: Path) -> None:
    other = {**APPLICATION, "podOptions": {"runAs": {"user": 1000, "group": 1000, "fsGroup": 1000}}}
    spec = deployment(flink(environment(flink={"deployments": [other]})), "orders-enrichment")
    assert spec["podTemplate"]["spec"]["securityContext"]["runAsUser"] == 1000
    assert spec["podTemplate"]["spec"]["containers"][0]["securityContext"]["runAsNonRoot"] is True

    root = {**APPLICATION, "name": "legacy", "podOptions": {"runAs": {"user": 0, "exception": "the job's native "
                                                                                  "library needs root"}}}
    objects = render(environment(flink={"deployments": [root]}))
    legacy = next(o for o in objects if o["kind"] == "FlinkDeployment" and o["metadata"]["name"] == "legacy")
    assert legacy["metadata"]["annotations"]["lakehouse.dev/pod-security-exception"] == (
        "the job's native library needs root")
    assert "runAsNonRoot" not in legacy["spec"]["podTemplate"]["spec"]["securityContext"]
    assert validate_errors(objects, tmp_path) == []  # a warning names the exception instead

    assert sorted(config_error({"deployments": [{"name": "a", "podOptions": {"runAs": {"user": 0}},
                                          "taskManager": {"podOptions": {"runAs": {"user": 1000}}}}]})) == sorted([
        "flink.deployments[a].taskManager.podOptions.runAs: set the user on the cluster's podOptions: both roles run "
        "as one user",
        "flink.deployments[a].podOptions.runAs.exception: required for a root user (user null or 0): say why these "
        "pods cannot meet the restricted Pod Security Standard",
    ])


def test_full_pod_templates_merge_under_the_platforms(tmp_path: Path) -> None:
    """A team's own pod template per role: its fields are kept where the platform sets nothing; the platform's
    security context, env and mounts win."""
    cluster = {**APPLICATION,
               "podTemplate": {"metadata": {"labels": {"team": "orders"}},
                               "spec": {"priorityClassName": "flink-high",
                                        "securityContext": {"runAsUser": 0},
                                        "containers": [{"name": "flink-main-container",
                                                        "env": [{"name": "FROM_TEMPLATE", "value": "1"}]}]}},
               "taskManager": {**APPLICATION["taskManager"], "podTemplate": {
                   "spec": {"terminationGracePeriodSeconds": 120, "hostAliases": [{"ip": "10.0.0.1",
                                                                                   "hostnames": ["db"]}]}}}}
    objects = render(environment(flink={"deployments": [cluster]}))
    spec = deployment(objects, "orders-enrichment")
    common = spec["podTemplate"]
    assert common["metadata"] == {"labels": {"team": "orders"}} and common["spec"]["priorityClassName"] == "flink-high"
    assert common["spec"]["securityContext"]["runAsUser"] == 9999  # the platform's wins
    main = common["spec"]["containers"][0]
    names = [e["name"] for e in main["env"]]  # merged by name: the team's variable, then the platform's
    assert names[0] == "FROM_TEMPLATE" and names[-1] == "ICEBERG_CATALOG_CREDENTIAL"
    tm = spec["taskManager"]["podTemplate"]["spec"]
    assert tm["terminationGracePeriodSeconds"] == 120 and tm["hostAliases"] == [{"ip": "10.0.0.1", "hostnames": ["db"]}]
    assert validate_errors(objects, tmp_path) == []


def test_restart_strategy_is_typed() -> None:
    cluster = {**APPLICATION, "restartStrategy": {"type": "exponential-delay", "initialBackoff": "2 s",
                                                  "maxBackoff": "2 min", "backoffMultiplier": 2.0}}
    conf = deployment(flink(environment(flink={"deployments": [cluster]})), "orders-enrichment")["flinkConfiguration"]
    assert {k: v for k, v in conf.items() if k.startswith("restart-strategy")} == {
        "restart-strategy.type": "exponential-delay", "restart-strategy.exponential-delay.initial-backoff": "2 s",
        "restart-strategy.exponential-delay.max-backoff": "2 min",
        "restart-strategy.exponential-delay.backoff-multiplier": "2.0"}
    assert config_error({"deployments": [{"name": "a", "restartStrategy": {"type": "fixed-delay", "jitterFactor": 0.1}}]}) == [
        "flink.deployments[a].restartStrategy.jitterFactor: belongs to type: exponential-delay (type is fixed-delay)"]


def test_a_cluster_runs_as_a_service_account_of_its_own(tmp_path: Path) -> None:
    objects = render(environment(flink={"deployments": [{**APPLICATION, "serviceAccount": "orders"},
                                                        {"name": "adhoc", "job": None}]}))
    assert deployment(objects, "orders-enrichment")["serviceAccount"] == "orders"
    assert deployment(objects, "adhoc")["serviceAccount"] == "flink"
    binding = find(objects, "RoleBinding", "orders-role-binding")
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "orders", "namespace": "flink"}]
    assert find(objects, "Role", "orders-role")["rules"] == find(objects, "Role", "flink-role")["rules"]
    assert validate_errors(objects, tmp_path) == []
