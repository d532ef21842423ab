"""The pods the Flink operator actually starts: its pod-template merge (operator 1.14 `FlinkUtils.mergePodTemplates`:
the role's template merged over the common one, arrays by position, or by name with
`kubernetes.operator.pod-template.merge-arrays-by-name`) applied to what the platform renders. README promises that
where pod options land does not depend on the merge mode; this checks the effective pods in both."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.conftest import environment
from tests.test_flink import flink

MAIN = "flink-main-container"


def merge_into(to: dict[str, Any], source: dict[str, Any], by_name: bool) -> None:
    """`source` merged into `to` in place, as the operator's `mergeInto`."""
    for key, value in source.items():
        current = to.get(key)
        if isinstance(current, list) and isinstance(value, list):
            merge_array(current, value, by_name)
        elif isinstance(current, dict) and isinstance(value, dict):
            merge_into(current, value, by_name)
        else:
            to[key] = copy.deepcopy(value)


def merge_array(to: list[Any], source: list[Any], by_name: bool) -> None:
    """As the operator's `mergeArray`: by name when both sides name every element and `by_name`, else by position."""
    named = all(isinstance(e, dict) and "name" in e for e in (*to, *source))
    if by_name and named:
        grouped = {e["name"]: e for e in to}
        for element in source:
            if element["name"] in grouped:
                merge_into(grouped[element["name"]], element, by_name)
            else:
                grouped[element["name"]] = copy.deepcopy(element)
        to[:] = list(grouped.values())
        return
    for index, element in enumerate(source):
        if len(to) <= index:
            to.append(copy.deepcopy(element))
        elif isinstance(to[index], dict) and isinstance(element, dict):
            merge_into(to[index], element, by_name)
        else:
            to[index] = copy.deepcopy(element)


def effective_pod(spec: dict[str, Any], role: str, by_name: bool) -> dict[str, Any]:
    pod = copy.deepcopy(spec.get("podTemplate") or {})
    merge_into(pod, spec[role].get("podTemplate") or {}, by_name)
    return pod


CLUSTER = {
    "name": "merged", "job": {"jarPath": "jobs/a.jar"},
    "podOptions": {
        "labels": {"team": "orders"}, "nodeSelector": {"pool": "flink"},
        "env": [{"name": "MODE", "value": "stream"}],
        "volumes": [{"name": "scratch", "mountPath": "/scratch", "emptyDir": True}],
        "sidecars": [{"name": "shipper", "image": "fluent/fluent-bit:3.0.7",
                      "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}}}]},
    "taskManager": {"podOptions": {"env": [{"name": "TM_ONLY", "value": "1"}],
                                   "nodeSelector": {"pool": "flink-tm"}}},
}


@pytest.mark.parametrize("by_name", [False, True], ids=["by position (default)", "by name"])
def test_effective_pods_hold_the_platforms_and_the_teams_settings(by_name: bool) -> None:
    spec = next(o for o in flink(environment(flink={"deployments": [CLUSTER]}))
                if o["kind"] == "FlinkDeployment" and o["metadata"]["name"] == "merged")["spec"]
    platform_env = [e["name"] for e in spec["podTemplate"]["spec"]["containers"][0]["env"]][:-1]
    for role, env_tail, pool in (("jobManager", ["MODE"], "flink"), ("taskManager", ["MODE", "TM_ONLY"], "flink-tm")):
        pod = effective_pod(spec, role, by_name)
        containers = pod["spec"]["containers"]
        assert [c["name"] for c in containers] == [MAIN, "shipper"], role
        main = containers[0]
        assert [e["name"] for e in main["env"]] == [*platform_env, *env_tail], role
        assert all("value" in e or "valueFrom" in e for e in main["env"])
        assert {"name": "scratch", "mountPath": "/scratch"} in main["volumeMounts"]
        assert main["securityContext"]["runAsNonRoot"] is True and pod["spec"]["securityContext"]["runAsUser"] == 9999
        assert len({v["name"] for v in pod["spec"]["volumes"]}) == len(pod["spec"]["volumes"])
        assert pod["metadata"]["labels"] == {"team": "orders"} and pod["spec"]["nodeSelector"] == {"pool": pool}
