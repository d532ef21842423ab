"""A team's own labels and annotations on its FlinkDeployments, FlinkSessionJobs and Spark applications, and emptyDir
volumes that keep their medium and size limit (what `import` carries over from existing manifests)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import Manifest, config_errors, environment, find, render, validate_errors

JOB = {"jarPath": "jobs/a.jar", "parallelism": 1, "upgradeMode": "stateless"}
TMPFS = {"name": "scratch", "mountPath": "/scratch", "emptyDir": True, "medium": "Memory", "sizeLimit": "1Gi"}
OWN = {"labels": {"team": "orders", "cost-center": "42"}, "annotations": {"example.com/owner": "orders"}}


def _rendered(**extra: Any) -> list[Manifest]:
    return render(environment(
        flink={"deployments": [{"name": "orders", **OWN, "podOptions": {"volumes": [TMPFS]}, "job": JOB},
                               {"name": "orders-session", **OWN}],
               "jobs": [{"name": "orders-job", **OWN, "sessionCluster": "orders-session", **JOB}]},
        spark={"applications": [{"name": "nightly", **OWN, "mainApplicationFile": "jobs/a.py",
                                 "podOptions": {"volumes": [TMPFS]}},
                                {"name": "hourly", **OWN, "mainApplicationFile": "jobs/a.py",
                                 "schedule": {"cron": "0 * * * *"}}]}, **extra))


def test_own_labels_and_annotations_reach_the_objects_under_the_platforms() -> None:
    objects = _rendered()
    for kind, name in (("FlinkDeployment", "orders"), ("FlinkDeployment", "orders-session"),
                       ("FlinkSessionJob", "orders-job"), ("SparkApplication", "nightly"),
                       ("ScheduledSparkApplication", "hourly")):
        meta = find(objects, kind, name)["metadata"]
        assert {k: meta["labels"][k] for k in OWN["labels"]} == OWN["labels"], (kind, name)
        assert meta["annotations"]["example.com/owner"] == "orders", (kind, name)
        assert meta["labels"]["app.kubernetes.io/instance"] == name  # the platform's labels stay
        assert meta["annotations"]["argocd.argoproj.io/sync-wave"]


def test_labels_and_annotations_the_platform_sets_are_refused() -> None:
    doc = environment(flink={"deployments": [{"name": "orders", "labels": {"app.kubernetes.io/name": "x"},
                                              "annotations": {"argocd.argoproj.io/sync-wave": "9"}, "job": JOB}],
                             "jobs": [{"name": "j", "labels": {"lakehouse.dev/tier": "x"}, **JOB}]})
    assert config_errors(doc) == [
        "flink.deployments[orders].labels.app.kubernetes.io/name: reserved: the platform sets app.kubernetes.io/* and "
        "lakehouse.dev/*",
        "flink.deployments[orders].annotations.argocd.argoproj.io/sync-wave: reserved: the platform sets "
        "argocd.argoproj.io/* and lakehouse.dev/*",
        "flink.jobs[j].labels.lakehouse.dev/tier: reserved: the platform sets app.kubernetes.io/* and lakehouse.dev/*",
    ]


def test_a_standalone_cluster_refuses_labels_of_a_flink_deployment_it_does_not_render() -> None:
    doc = environment(flink={"deployments": [{"name": "s", "backend": "standalone", "labels": {"team": "x"},
                                              "taskManager": {"replicas": 1},
                                              "job": {**JOB, "jarPath": "local:///opt/flink/usrlib/a.jar"}}]})
    assert "flink.deployments[s].labels: belongs to the FlinkDeployment, which backend: standalone does not render " \
           "(set podOptions.labels or podOptions.annotations for its pods)" in config_errors(doc)


def test_an_empty_dir_keeps_its_medium_and_size_limit_in_every_pod() -> None:
    objects = _rendered()
    deployment = find(objects, "FlinkDeployment", "orders")["spec"]
    for role in ("jobManager", "taskManager"):
        volumes = {v["name"]: v for v in deployment[role]["podTemplate"]["spec"]["volumes"]}
        assert volumes["scratch"] == {"name": "scratch", "emptyDir": {"medium": "Memory", "sizeLimit": "1Gi"}}
    spark = find(objects, "SparkApplication", "nightly")["spec"]
    assert {"name": "scratch", "emptyDir": {"medium": "Memory", "sizeLimit": "1Gi"}} in spark["volumes"]
    standalone = render(environment(flink={"deployments": [{
        "name": "s", "backend": "standalone", "taskManager": {"replicas": 1}, "podOptions": {"volumes": [TMPFS]},
        "job": {**JOB, "jarPath": "local:///opt/flink/usrlib/a.jar"}}]}))
    pod = find(standalone, "Deployment", "s-jobmanager")["spec"]["template"]["spec"]
    assert {"name": "scratch", "emptyDir": {"medium": "Memory", "sizeLimit": "1Gi"}} in pod["volumes"]


def test_medium_and_size_limit_belong_to_an_empty_dir() -> None:
    volume = {"name": "conf", "mountPath": "/conf", "configMap": "conf", "medium": "Memory", "sizeLimit": "1Gi"}
    doc = environment(flink={"deployments": [{"name": "orders", "podOptions": {"volumes": [volume]}, "job": JOB}]})
    assert config_errors(doc) == [
        "flink.deployments[orders].podOptions.volumes[conf].medium: volume 'conf': medium belongs to emptyDir: true",
        "flink.deployments[orders].podOptions.volumes[conf].sizeLimit: volume 'conf': sizeLimit belongs to emptyDir: true",
    ]


def test_validate_warns_of_a_tmpfs_without_a_size_limit(tmp_path: Path) -> None:
    from manifests.validation.report import Manifest as Parsed
    from manifests.validation.rules import UNBOUNDED_TMPFS, check

    objects = _rendered()
    bounded = [o for o in objects if o["kind"] in ("FlinkDeployment", "SparkApplication")]
    assert not [f for f in check([Parsed("x.yaml", o) for o in bounded]) if UNBOUNDED_TMPFS in f.message]
    unbounded = find(objects, "SparkApplication", "nightly")
    for volume in unbounded["spec"]["volumes"]:
        volume.get("emptyDir", {}).pop("sizeLimit", None)
    findings = [f for f in check([Parsed("x.yaml", unbounded)]) if UNBOUNDED_TMPFS in f.message]
    assert [f.field for f in findings] == ["spec.volumes[scratch].emptyDir"]
    assert validate_errors([unbounded], tmp_path) == []  # a warning, not an error
