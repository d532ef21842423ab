"""Sidecars of Flink TaskManagers: native sidecars (init containers with restartPolicy Always) from pod options, and
the `validate` warning for a plain one, which takes the TaskManager down when it exits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from manifests.validation.flink_pods import check
from manifests.validation.report import Manifest as Found
from tests.conftest import config_errors, environment, find, render

SHIPPER = {"name": "shipper", "image": "fluent/fluent-bit:3.0.7",
           "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"memory": "128Mi"}}}


def deployment(**options: Any) -> dict[str, Any]:
    return {"flink": {"deployments": [{"name": "orders", "podOptions": options,
                                       "job": {"jarPath": "job-artifacts/orders.jar", "parallelism": 2}}]}}


def test_an_init_container_with_restart_policy_always_is_a_native_sidecar() -> None:
    objects = render(environment(**deployment(initContainers=[{**SHIPPER, "restartPolicy": "Always"}])))
    spec = find(objects, "FlinkDeployment", "orders")["spec"]
    for role in ("jobManager", "taskManager"):
        pod = spec[role]["podTemplate"]["spec"]
        assert [(c["name"], c.get("restartPolicy")) for c in pod["initContainers"]] == [("shipper", "Always")]
        assert [c["name"] for c in pod["containers"]] == ["flink-main-container"]
    assert check([Found("x.yaml", o) for o in objects]) == []


def test_a_plain_sidecar_of_the_task_managers_is_a_warning() -> None:
    objects = render(environment(**deployment(sidecars=[SHIPPER])))
    findings = check([Found("x.yaml", o) for o in objects if o["kind"] == "FlinkDeployment"])
    assert [(f.object, f.field, f.level.name) for f in findings] == [
        ("FlinkDeployment/flink/orders", "spec.taskManager.podTemplate.spec.containers[1]", "WARNING")]  # not the JM
    assert findings[0].message.startswith("sidecar shipper is a plain container of the TaskManager pods: Flink creates "
                                          "them with restartPolicy Never and deletes one when any container ends")


def test_a_sidecar_takes_no_restart_policy(tmp_path: Path) -> None:
    errors = config_errors(environment(**deployment(sidecars=[{**SHIPPER, "restartPolicy": "Always"}])))
    assert "flink.deployments[orders].podOptions.sidecars[shipper].restartPolicy: only an init container takes one (restartPolicy " \
           "Always makes it a native sidecar): move it to initContainers" in errors
