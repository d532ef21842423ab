"""Standalone Flink (#13 item 1): `flink.deployments[].backend: standalone` renders Flink 1.20's standalone Kubernetes
setup (charts/flink/standalone.py) from the same definition as a FlinkDeployment; the config refuses what a cluster
without the operator cannot do; `validate` catches TaskManagers that cannot reach their JobManager and HA pods that
cannot use ConfigMaps (manifests/validation/flink_standalone.py)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from charts.flink.cluster import FlinkClusterProps
from config.flink_settings import JobSpec
from config.flink_standalone import Standalone
from tests.conftest import Manifest, config_errors, environment, find, validate_errors
from tests.test_flink import flink
from tests.test_flink_deployments import config_error

JAR = "local:///opt/flink/usrlib/fraud-scoring-2.4.0.jar"
APPLICATION: dict[str, Any] = {
    "name": "fraud-scoring", "backend": "standalone",
    "jobManager": {"memory": "2g", "cpu": 1, "replicas": 2},
    "taskManager": {"memory": "4096m", "cpu": 2, "taskSlots": 2, "replicas": 3},
    "checkpointing": {"interval": "30 s", "stateBackend": "rocksdb"},
    "flinkConfiguration": {"pipeline.max-parallelism": 128},
    "standalone": {"taskManagerKind": "statefulset", "localRecovery": True, "volumeSize": "20Gi",
                   "storageClass": "gp3", "reactiveMode": True},
    "job": {"jarPath": JAR, "entryClass": "com.example.fraud.Scoring", "parallelism": 6,
            "args": ["--bootstrap", "${fluss.bootstrapServers}"],
            "initialSavepointPath": "s3://flink-bucket/savepoints/fraud-scoring/savepoint-1",
            "allowNonRestoredState": True},
}
SESSION: dict[str, Any] = {"name": "adhoc", "backend": "standalone", "highAvailability": False, "job": None,
                           "taskManager": {"taskSlots": 4, "replicas": 2},
                           "standalone": {"restService": "NodePort", "queryableState": True}}


def objects(*deployments: dict[str, Any]) -> list[Manifest]:
    return flink(environment(flink={"deployments": list(deployments)}))


def conf(rendered: list[Manifest], name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(find(rendered, "ConfigMap", f"{name}-config")["data"]["config.yaml"])
    return loaded


def container(workload: Manifest) -> dict[str, Any]:
    found: dict[str, Any] = workload["spec"]["template"]["spec"]["containers"][0]
    return found


def env_names(c: dict[str, Any]) -> list[str]:
    return [e["name"] for e in c.get("env", [])]


def test_application_cluster_renders_the_standalone_objects_instead_of_a_flink_deployment() -> None:
    rendered = objects(APPLICATION)
    assert not [o for o in rendered if o["kind"] == "FlinkDeployment" and o["metadata"]["name"] == "fraud-scoring"]
    names = {(o["kind"], o["metadata"]["name"]) for o in rendered if "fraud-scoring" in o["metadata"]["name"]}
    assert names == {("ServiceAccount", "fraud-scoring"), ("Role", "fraud-scoring-ha"),
                     ("RoleBinding", "fraud-scoring-ha"), ("ConfigMap", "fraud-scoring-config"),
                     ("Deployment", "fraud-scoring-jobmanager"), ("Service", "fraud-scoring-jobmanager"),
                     ("Service", "fraud-scoring-rest"), ("Service", "fraud-scoring-taskmanager"),
                     ("StatefulSet", "fraud-scoring-taskmanager")}


def test_config_yaml_holds_the_typed_settings_ha_reactive_mode_and_local_recovery() -> None:
    settings = conf(objects(APPLICATION), "fraud-scoring")
    assert settings == {
        "jobmanager.rpc.address": "fraud-scoring-jobmanager", "jobmanager.rpc.port": 6123, "blob.server.port": 6124,
        "taskmanager.rpc.port": 6122, "rest.port": 8081,
        "jobmanager.memory.process.size": "2048m", "taskmanager.memory.process.size": "4096m",
        "taskmanager.numberOfTaskSlots": 2, "parallelism.default": 6,
        "high-availability.type": "kubernetes", "high-availability.storageDir": "s3://flink-bucket/ha/fraud-scoring",
        "kubernetes.cluster-id": "fraud-scoring", "kubernetes.namespace": "flink",
        "execution.shutdown-on-application-finish": False, "job-result-store.delete-on-commit": False,
        "scheduler-mode": "reactive",
        "execution.checkpointing.local-backup.enabled": True, "execution.state-recovery.from-local": True,
        "process.taskmanager.working-dir": "/opt/flink/working-dir",
        "execution.checkpointing.dir": "s3://flink-bucket/checkpoints/fraud-scoring",
        "execution.checkpointing.savepoint-dir": "s3://flink-bucket/savepoints/fraud-scoring",
        "execution.checkpointing.interval": "30 s", "state.backend.type": "rocksdb",
        "table.catalog-store.kind": "file", "table.catalog-store.file.path": "file:///var/flink/catalog-store/",
        "pipeline.max-parallelism": 128,
    }


def test_job_manager_is_a_job_running_standalone_job_with_pod_ip_and_standbys() -> None:
    rendered = objects(APPLICATION)
    job = find(rendered, "Deployment", "fraud-scoring-jobmanager")
    # a Deployment, not Flink's example Job: Argo CD would wait for a streaming Job's completion for ever (its health
    # stays Progressing), and a Job's immutable template would need a forced replace on every sync
    assert "argocd.argoproj.io/sync-options" not in job["metadata"]["annotations"]
    assert job["spec"]["replicas"] == 2 and "strategy" not in job["spec"]  # HA: standbys, rolling update
    pod = job["spec"]["template"]["spec"]
    assert "restartPolicy" not in pod and pod["serviceAccountName"] == "fraud-scoring"
    jm = container(job)
    assert jm["args"] == ["standalone-job", "--host", "$(POD_IP)", "--job-classname", "com.example.fraud.Scoring",
                          "--fromSavepoint", "s3://flink-bucket/savepoints/fraud-scoring/savepoint-1",
                          "--allowNonRestoredState", "--bootstrap",
                          "coordinator-server-hs.fluss.svc.cluster.local:9124"]
    assert jm["env"][0] == {"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}}
    assert {"AWS_REGION", "ICEBERG_CATALOG_CREDENTIAL"} <= set(env_names(jm))
    assert jm["resources"] == {"requests": {"cpu": "1000m", "memory": "2048Mi"},
                               "limits": {"cpu": "1000m", "memory": "2048Mi"}}
    assert jm["livenessProbe"]["tcpSocket"] == {"port": "rpc"}
    assert [(p["name"], p["containerPort"]) for p in jm["ports"]] == [("rpc", 6123), ("blob-server", 6124),
                                                                     ("rest", 8081)]
    assert {m["mountPath"] for m in jm["volumeMounts"]} == {"/opt/flink/conf", "/var/flink/catalog-store"}
    assert jm["securityContext"]["runAsUser"] == 9999 and jm["securityContext"]["runAsNonRoot"] is True


def test_task_managers_are_a_stateful_set_with_local_recovery_on_their_volume() -> None:
    rendered = objects(APPLICATION)
    sts = find(rendered, "StatefulSet", "fraud-scoring-taskmanager")
    assert sts["spec"]["replicas"] == 3 and sts["spec"]["serviceName"] == "fraud-scoring-taskmanager"
    assert sts["spec"]["volumeClaimTemplates"][0]["spec"] == {
        "accessModes": ["ReadWriteOnce"], "storageClassName": "gp3", "resources": {"requests": {"storage": "20Gi"}}}
    tm = container(sts)
    assert tm["args"] == ["taskmanager", "-Dtaskmanager.resource-id=$(POD_NAME)"]
    assert tm["env"][0] == {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}
    assert {"mountPath": "/opt/flink/working-dir", "name": "working-dir"} in tm["volumeMounts"]
    assert tm["livenessProbe"]["tcpSocket"] == {"port": "rpc"}
    assert [(p["name"], p["containerPort"]) for p in tm["ports"]] == [("rpc", 6122)]
    assert find(rendered, "Service", "fraud-scoring-taskmanager")["spec"]["clusterIP"] == "None"


def test_ha_role_grants_config_maps_only_to_the_clusters_service_account() -> None:
    rendered = objects(APPLICATION)
    assert find(rendered, "Role", "fraud-scoring-ha")["rules"] == [
        {"apiGroups": [""], "resources": ["configmaps"],
         "verbs": ["get", "list", "watch", "create", "update", "patch", "delete"]}]
    assert find(rendered, "RoleBinding", "fraud-scoring-ha")["subjects"] == [
        {"kind": "ServiceAccount", "name": "fraud-scoring", "namespace": "flink"}]


def test_session_cluster_without_ha_has_deployments_services_and_no_api_access() -> None:
    rendered = objects(SESSION)
    jm = find(rendered, "Deployment", "adhoc-jobmanager")
    assert container(jm)["args"] == ["jobmanager"]
    assert jm["spec"]["strategy"] == {"type": "Recreate"}
    assert jm["spec"]["template"]["spec"]["automountServiceAccountToken"] is False
    assert not [o for o in rendered if o["kind"] in ("Role", "RoleBinding") and o["metadata"]["name"] == "adhoc-ha"]
    tm = find(rendered, "Deployment", "adhoc-taskmanager")
    assert container(tm)["args"] == ["taskmanager"] and tm["spec"]["replicas"] == 2
    assert [(p["name"], p["containerPort"]) for p in container(tm)["ports"]] == [("rpc", 6122), ("query-state", 6125)]
    assert find(rendered, "Service", "adhoc-rest")["spec"]["type"] == "NodePort"
    query = find(rendered, "Service", "adhoc-query-state")["spec"]
    assert query["type"] == "NodePort" and query["ports"][0]["port"] == 6125
    settings = conf(rendered, "adhoc")
    assert settings["queryable-state.enable"] is True and settings["queryable-state.proxy.ports"] == 6125
    assert "high-availability.type" not in settings and "parallelism.default" not in settings


def test_rendered_standalone_clusters_validate(tmp_path: Path) -> None:
    assert validate_errors(objects(APPLICATION, SESSION), tmp_path) == []


def test_config_refuses_what_standalone_cannot_do() -> None:
    app = copy.deepcopy(APPLICATION)
    app.update(autoscaler={"enabled": True}, periodicSnapshots={"savepointInterval": "6 h"},
               ingress={"template": "{{name}}.example.com"}, taskManager={"replicas": None},
               flinkConfiguration={"jobmanager.rpc.address": "x", "kubernetes.operator.job.restart.failed": True},
               logConfiguration={"logback-console.xml": "<configuration/>"})
    app["job"].update(jarPath="jobs/fraud.jar", savepointTriggerNonce=1, state="suspended")
    app["standalone"] = {"localRecovery": True}
    session = {**SESSION, "standalone": {"reactiveMode": True}}
    errors = config_error({"deployments": [app, session],
                           "jobs": [{"name": "adhoc-job", "jarPath": "a/j.jar", "sessionCluster": "adhoc"}],
                           "snapshots": [{"name": "before", "job": "fraud-scoring"}]})
    operator_only = "is an operator feature; a standalone cluster has no operator (backend: operator)"
    assert sorted(errors) == sorted([
        "flink.deployments[fraud-scoring].standalone.localRecovery: needs taskManagerKind: statefulset (a volume that follows "
        "each TaskManager across restarts)",
        f"flink.deployments[fraud-scoring].autoscaler.enabled: {operator_only}",
        f"flink.deployments[fraud-scoring].periodicSnapshots.savepointInterval: {operator_only}",
        "flink.deployments[fraud-scoring].ingress: the operator creates the Ingress; a standalone cluster has the REST Service "
        "<name>-rest (standalone.restService: NodePort to reach it from outside)",
        "flink.deployments[fraud-scoring].logConfiguration.logback-console.xml: a standalone cluster reads "
        "log4j-console.properties only",
        "flink.deployments[fraud-scoring].taskManager.replicas: required with backend: standalone (no operator derives it from "
        "the parallelism)",
        "flink.deployments[fraud-scoring].job.jarPath: 'jobs/fraud.jar': a standalone application cluster runs the JAR from its "
        "image: local:///opt/flink/usrlib/<file>.jar (no operator fetches it)",
        f"flink.deployments[fraud-scoring].job.savepointTriggerNonce: {operator_only}",
        f"flink.deployments[fraud-scoring].job.state: {operator_only}",
        "flink.deployments[fraud-scoring].flinkConfiguration.jobmanager.rpc.address: set by the platform in a standalone "
        "cluster's config.yaml (from the sizes, job, highAvailability and standalone)",
        "flink.deployments[fraud-scoring].flinkConfiguration.kubernetes.operator.job.restart.failed: read by the Flink "
        "operator only; a standalone cluster has none",
        "flink.deployments[adhoc].standalone.reactiveMode: needs an application cluster (job): Flink's reactive mode "
        "runs one job",
        "flink.jobs[adhoc-job].sessionCluster: 'adhoc' is a standalone cluster: FlinkSessionJobs are run by the operator "
        "(submit to its REST Service instead)",
        "flink.snapshots[before].job: 'fraud-scoring' is a standalone cluster: the operator takes FlinkStateSnapshots of "
        "its own jobs only",
    ])


def test_config_refuses_standby_job_managers_without_ha_and_a_shared_service_account() -> None:
    errors = config_error({"deployments": [{**SESSION, "jobManager": {"replicas": 2}},
                                           {**SESSION, "name": "other", "serviceAccount": "flink"}]})
    assert errors == [
        "flink.deployments[adhoc].jobManager.replicas: 2 JobManagers need highAvailability: true (the Flink operator "
        "rejects standby JobManagers without HA)",
        "flink.deployments[other].serviceAccount: 'flink' is used by another cluster: a standalone cluster renders its "
        "own ServiceAccount (null: the cluster's name)",
    ]


def test_props_refuse_an_operator_feature_on_a_standalone_cluster() -> None:
    with pytest.raises(ValueError, match="standalone Flink cluster x: job.jarPath: .*runs the JAR from its image"):
        FlinkClusterProps(name="x", backend="standalone", task_manager=FlinkClusterProps().task_manager.__class__(
            replicas=1), job=JobSpec(jar_path="s3://b/j.jar"))
    with pytest.raises(ValueError, match="FlinkDeployment x: standalone: localRecovery: needs taskManagerKind: "
                                         "statefulset"):
        FlinkClusterProps(name="x", standalone=Standalone(local_recovery=True))


def test_operator_backend_is_the_default_and_unchanged() -> None:
    rendered = objects({k: v for k, v in SESSION.items() if k not in ("backend", "standalone")} | {"taskManager": {}})
    assert find(rendered, "FlinkDeployment", "adhoc")
    assert not [o for o in rendered if o["metadata"]["name"].startswith("adhoc-")]


# validate: the runtime-fault class of standalone clusters


def findings(errors: list[str], tmp_path: Path) -> list[str]:
    """Each error line from the object on (the part after the file name)."""
    return [e.split(f"{tmp_path / 'objects.yaml'}  ", 1)[1] for e in errors]


def broken(rendered: list[Manifest], change: Any) -> list[Manifest]:
    """A copy of `rendered` with `change(objects)` applied."""
    copied = copy.deepcopy(rendered)
    change(copied)
    return copied


def test_validate_finds_task_managers_whose_rpc_address_is_no_service(tmp_path: Path) -> None:
    def rename_service(objs: list[Manifest]) -> None:
        find(objs, "Service", "adhoc-jobmanager")["metadata"]["name"] = "adhoc-jm"

    errors = findings(validate_errors(broken(objects(SESSION), rename_service), tmp_path), tmp_path)
    assert [e for e in errors if "adhoc-taskmanager" in e] == [
        "Deployment/flink/adhoc-taskmanager  spec.template.spec  "
        "TaskManagers register at jobmanager.rpc.address adhoc-jobmanager:6123, which is no Service with port 6123 "
        "in flink"]

    def select_task_managers(objs: list[Manifest]) -> None:
        find(objs, "Service", "adhoc-jobmanager")["spec"]["selector"]["app.kubernetes.io/component"] = "taskmanager"

    errors = validate_errors(broken(objects(SESSION), select_task_managers), tmp_path)
    assert any("Service adhoc-jobmanager (jobmanager.rpc.address) selects no JobManager pod in flink" in e
               for e in errors)


def test_validate_finds_ha_pods_that_cannot_use_config_maps(tmp_path: Path) -> None:
    def break_ha(objs: list[Manifest]) -> None:
        find(objs, "Role", "fraud-scoring-ha")["rules"][0]["verbs"] = ["get", "list", "watch"]
        config = find(objs, "ConfigMap", "fraud-scoring-config")
        config["data"]["config.yaml"] = config["data"]["config.yaml"].replace("kubernetes.namespace: flink\n", "")
        sts = find(objs, "StatefulSet", "fraud-scoring-taskmanager")
        sts["spec"]["template"]["spec"]["automountServiceAccountToken"] = False

    errors = [e for e in findings(validate_errors(broken(objects(APPLICATION), break_ha), tmp_path), tmp_path)
              if "checksum" not in e]
    assert sorted(errors) == sorted([
        "Deployment/flink/fraud-scoring-jobmanager  spec.template.spec  Kubernetes HA: config.yaml has kubernetes.namespace "
        "unset (Flink: default), not the pod's namespace flink: the HA ConfigMaps would go there",
        "Deployment/flink/fraud-scoring-jobmanager  spec.template.spec.serviceAccountName  ServiceAccount fraud-scoring may "
        "not create, delete, patch, update ConfigMaps in flink: Flink's Kubernetes HA (leader election, job "
        "metadata) fails",
        "StatefulSet/flink/fraud-scoring-taskmanager  spec.template.spec.automountServiceAccountToken  false: "
        "Kubernetes HA reads and writes ConfigMaps through the API server and needs the token",
        "StatefulSet/flink/fraud-scoring-taskmanager  spec.template.spec  Kubernetes HA: config.yaml has "
        "kubernetes.namespace unset (Flink: default), not the pod's namespace flink: the HA ConfigMaps would go there",
        "StatefulSet/flink/fraud-scoring-taskmanager  spec.template.spec.serviceAccountName  ServiceAccount "
        "fraud-scoring may not create, delete, patch, update ConfigMaps in flink: Flink's Kubernetes HA (leader "
        "election, job metadata) fails",
    ])


def test_a_native_sidecar_is_refused_on_a_standalone_pod_and_a_sidecar_is_rendered() -> None:
    """cdk8s-plus-27's `k8s.Container` (the Kubernetes 1.27 API) has no init-container `restartPolicy`: rendered
    without it, a native sidecar would block the pod's start. Config refuses it and names the way: a sidecar."""
    shipper = {"name": "shipper", "image": "busybox:1.36",
               "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}}}
    native = copy.deepcopy(APPLICATION)
    native["taskManager"]["podOptions"] = {"initContainers": [{**shipper, "restartPolicy": "Always"}]}
    errors = config_errors(environment(flink={"deployments": [native]}))
    assert any(line.startswith("flink.deployments[fraud-scoring].taskManager.podOptions.initContainers[shipper]"
                               ".restartPolicy: a native sidecar is not rendered on a standalone pod") for line in errors)
    plain = copy.deepcopy(APPLICATION)
    plain["taskManager"]["podOptions"] = {"sidecars": [shipper]}
    pod = find(objects(plain), "StatefulSet", "fraud-scoring-taskmanager")["spec"]["template"]["spec"]
    assert [c["name"] for c in pod["containers"]][1:] == ["shipper"]
