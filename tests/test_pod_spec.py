"""The one pod renderer (`charts.blocks.pod_spec`): the same pod options give the same pod in every place a pod is
held (the Flink role pod templates, the standalone Deployments, the Spark driver and executor)."""

from __future__ import annotations

from typing import Any

from charts.blocks.pod_spec import struct_arguments
from tests.conftest import environment, find, render

TOLERATION = {"key": "dedicated", "operator": "Equal", "value": "streaming", "effect": "NoSchedule"}
AFFINITY = {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
    {"matchExpressions": [{"key": "topology.kubernetes.io/zone", "operator": "In", "values": ["eu-north-1a"]}]}]}}}
SIDECAR = {"name": "shipper", "image": "fluent/fluent-bit:3.0.7",
           "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"memory": "128Mi"}}}
NATIVE = {"name": "proxy", "image": "envoyproxy/envoy:v1.31.0", "restartPolicy": "Always",
          "resources": {"requests": {"cpu": "10m", "memory": "32Mi"}}}
OPTIONS = {"labels": {"cost-center": "cc-42"}, "nodeSelector": {"diskType": "ssd"}, "tolerations": [TOLERATION],
           "affinity": AFFINITY, "volumes": [{"name": "scratch", "mountPath": "/scratch", "emptyDir": True,
                                              "medium": "Memory", "sizeLimit": "1Gi"}],
           "sidecars": [SIDECAR], "initContainers": [NATIVE]}
PLAIN_INIT = {k: v for k, v in NATIVE.items() if k != "restartPolicy"}
"""A standalone pod takes no native sidecar (config refuses it: cdk8s-plus-27's Kubernetes 1.27 Container has no
restartPolicy), so it gets the same init container as a plain one."""
VOLUME = {"name": "scratch", "emptyDir": {"medium": "Memory", "sizeLimit": "1Gi"}}
MOUNT = {"name": "scratch", "mountPath": "/scratch"}


def pods() -> dict[str, tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]]:
    """Place -> (the pod's option-bearing fields, its main container, its volumes), for one render in which an operator
    cluster, a standalone cluster and a SparkApplication take `OPTIONS`."""
    operator = {"name": "orders", "podOptions": OPTIONS, "job": {"jarPath": "job-artifacts/orders.jar", "parallelism": 2}}
    standalone = {"name": "adhoc", "backend": "standalone", "highAvailability": False, "job": None,
                  "taskManager": {"taskSlots": 4, "replicas": 2}, "podOptions": {**OPTIONS, "initContainers": [PLAIN_INIT]}}
    spark = {"applications": [{"name": "ingest", "mainApplicationFile": "jobs/ingest.py", "podOptions": OPTIONS}]}
    objects = render(environment(flink={"deployments": [operator, standalone]}, spark=spark))
    places: dict[str, tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]] = {}
    flink = find(objects, "FlinkDeployment", "orders")["spec"]
    for role in ("jobManager", "taskManager"):
        pod = flink[role]["podTemplate"]["spec"]
        places[f"FlinkDeployment {role}"] = (pod, pod["containers"][0], pod["volumes"])
    for role in ("jobmanager", "taskmanager"):
        pod = find(objects, "Deployment", f"adhoc-{role}")["spec"]["template"]["spec"]
        places[f"standalone {role}"] = (pod, pod["containers"][0], pod["volumes"])
    app = find(objects, "SparkApplication", "ingest")["spec"]
    for role in ("driver", "executor"):
        places[f"Spark {role}"] = (app[role], app[role], app["volumes"])
    return places


def test_the_same_pod_options_render_the_same_pod_everywhere() -> None:
    places = pods()
    assert len(places) == 6
    for place, (pod, main, volumes) in places.items():
        assert pod["tolerations"] == [TOLERATION], place
        assert pod["affinity"] == AFFINITY, place
        assert pod["nodeSelector"] == {"diskType": "ssd"}, place
        assert VOLUME in volumes, place
        assert MOUNT in main["volumeMounts"], place
        sidecars = [c for c in pod.get("sidecars", pod.get("containers", [])) if c["name"] == "shipper"]
        assert [{k: v for k, v in c.items() if k != "securityContext"} for c in sidecars] == [SIDECAR], place
        init = PLAIN_INIT if place.startswith("standalone") else NATIVE
        assert [{k: v for k, v in c.items() if k != "securityContext"} for c in pod["initContainers"]] == [init], place
        assert sidecars[0]["securityContext"]["allowPrivilegeEscalation"] is False, place


def test_struct_arguments_snake_case_struct_fields_and_keep_user_keys() -> None:
    api = {"metadata": {"labels": {"costCenter": "cc-42"}, "annotations": {"ad.datadoghq.com/x": "y"}},
           "spec": {"nodeSelector": {"diskType": "ssd"}, "securityContext": {"runAsUser": 9999},
                    "affinity": AFFINITY, "containers": [{"name": "a", "volumeMounts": [MOUNT]}]}}
    assert struct_arguments(api) == {
        "metadata": {"labels": {"costCenter": "cc-42"}, "annotations": {"ad.datadoghq.com/x": "y"}},
        "spec": {"node_selector": {"diskType": "ssd"}, "security_context": {"run_as_user": 9999},
                 "affinity": {"node_affinity": {"required_during_scheduling_ignored_during_execution": {
                     "node_selector_terms": AFFINITY["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"][
                         "nodeSelectorTerms"]}}},
                 "containers": [{"name": "a", "volumeMounts": [MOUNT]}]}}
