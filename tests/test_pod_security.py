"""Every pod spec, including those inside FlinkDeployment and SparkApplication, is "restricted",
except the documented exceptions (README, "Pod security")."""

from __future__ import annotations

import copy

import pytest

from manifests.restricted import pod_specs, restricted_violations
from manifests.tree import object_name
from tests.conftest import Manifest, find, fixture_environments

ROOT_IMAGE_EXCEPTIONS = {"StatefulSet/fluss/coordinator-server", "StatefulSet/fluss/tablet-server"}
"""Fluss images run as root (README, "Pod security"): everything but runAsNonRoot is still enforced."""
FLUENT_BIT_EXCEPTION = ["volume varlog: type ['hostPath'] (path /var/log) is not allowed",
                        "volume state: type ['hostPath'] (path /var/fluent-bit/state) is not allowed",
                        "container fluent-bit: runAsNonRoot must be true"]
"""The Fluent Bit DaemonSet (README "Logs"): the node's logs and its offsets directory, as root; nothing else."""


POD_ROLES = {"Deployment": {"pod"}, "StatefulSet": {"pod"}, "Job": {"pod"}, "DaemonSet": {"pod"}, "CronJob": {"pod"},
             "FlinkDeployment": {"jobManager", "taskManager"}, "SparkApplication": {"driver", "executor"}}
"""The pods each kind of workload makes: the check must see every one of them."""


@pytest.mark.parametrize("env", fixture_environments())
def test_every_pod_is_restricted_except_documented_root_images(rendered: dict[str, list[Manifest]], env: str) -> None:
    problems: dict[str, list[str]] = {}
    checked: dict[str, set[str]] = {}
    for obj in rendered[env]:
        for role, pod in pod_specs(obj).items():
            checked.setdefault(object_name(obj), set()).add(role)
            found = restricted_violations(pod)
            if object_name(obj) in ROOT_IMAGE_EXCEPTIONS:
                found = [p for p in found if "runAsNonRoot" not in p]
            if object_name(obj) == "DaemonSet/logging/fluent-bit":
                assert found == FLUENT_BIT_EXCEPTION
                found = []
            if found:
                problems[f"{object_name(obj)} ({role})"] = found
    assert problems == {}
    workloads = {object_name(o): POD_ROLES[o["kind"]] for o in rendered[env] if o["kind"] in POD_ROLES}
    assert checked == workloads, "pods the check did not see, or saw in an object that makes none"


def test_root_image_exception_is_still_hardened(rendered: dict[str, list[Manifest]]) -> None:
    pod = pod_specs(find(rendered["test-local"], "StatefulSet", "tablet-server"))["pod"]
    assert restricted_violations(pod) == ["container fluss-tablet: runAsNonRoot must be true"]


def test_fluss_namespace_enforces_baseline_and_warns_restricted_the_others_enforce_restricted(rendered: dict[str, list[Manifest]]) -> None:
    labels = find(rendered["test-local"], "Namespace", "fluss")["metadata"]["labels"]
    assert labels["pod-security.kubernetes.io/enforce"] == "baseline"
    assert labels["pod-security.kubernetes.io/warn"] == "restricted"
    for name in ("polaris", "flink", "spark"):
        ns = find(rendered["test-local"], "Namespace", name)["metadata"]["labels"]
        assert ns["pod-security.kubernetes.io/enforce"] == "restricted"


def test_flink_pod_templates_merge_the_common_security_context(rendered: dict[str, list[Manifest]]) -> None:
    session = find(rendered["test-local"], "FlinkDeployment", "flink-session")
    job_manager = pod_specs(session)["jobManager"]
    assert [c["name"] for c in job_manager["containers"]] == ["flink-main-container"]
    assert job_manager["securityContext"]["runAsUser"] == 9999
    assert restricted_violations(job_manager) == []


def test_checker_catches_a_missing_drop_all(rendered: dict[str, list[Manifest]]) -> None:
    deployment = copy.deepcopy(find(rendered["test-local"], "Deployment", "polaris"))
    del deployment["spec"]["template"]["spec"]["containers"][0]["securityContext"]["capabilities"]
    assert restricted_violations(pod_specs(deployment)["pod"]) == [
        "container polaris: capabilities.drop must include ALL"]


def test_checker_catches_spark_root(rendered: dict[str, list[Manifest]]) -> None:
    app = copy.deepcopy(find(rendered["test-local"], "SparkApplication", "ingest-campaign"))
    app["spec"]["driver"]["securityContext"]["runAsUser"] = 0
    assert restricted_violations(pod_specs(app)["driver"]) == ["container spark-kubernetes-driver: runAsUser must not be 0"]
