"""The local environment's in-cluster object store, its buckets and dev-only Secrets."""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from charts.object_store.store import ArtifactCopy, ObjectStoreChart, ObjectStoreProps
from charts.platform.object_store import object_store_props
from tests.bare import settings, synth
from tests.conftest import (
    LOCAL_STORE,
    Manifest,
    config_errors,
    environment,
    find,
    fixture_environment,
    fixture_environments,
    render,
)


def test_buckets_and_job_artifacts_are_set_up_idempotently_by_a_sync_hook(rendered: dict[str, list[Manifest]]) -> None:
    job = find(rendered["test-local"], "Job", "minio-setup")
    assert job["metadata"]["annotations"]["argocd.argoproj.io/hook"] == "Sync"
    pod = job["spec"]["template"]["spec"]
    script = pod["containers"][0]["command"][2].splitlines()
    assert "mc mb --ignore-existing store/flink store/fluss store/iceberg-datalake store/spark" in script
    assert script[-2:] == [
        "mc mirror --overwrite /artifacts-copy store/flink",
        "if [ -f /artifacts-copy/job-artifacts/ingest_campaign.py ]; then mc cp "
        "/artifacts-copy/job-artifacts/ingest_campaign.py store/spark/job-artifacts/ingest_campaign.py; else echo "
        "'warning: job-artifacts/ingest_campaign.py is not in the artifacts image; "
        "s3://spark/job-artifacts/ingest_campaign.py is not written' >&2; fi"]
    assert "http://minio.object-store.svc.cluster.local:9000" in pod["containers"][0]["command"][2]
    [copy] = pod["initContainers"]
    assert copy["image"] == "lakehouse-job-artifacts:0.1.0"
    assert copy["command"][2] == "set -eu\ncp -R /artifacts/. /artifacts-copy/\n"
    assert {"name": "artifacts", "mountPath": "/artifacts-copy"} in copy["volumeMounts"]
    assert {"name": "artifacts", "mountPath": "/artifacts-copy", "readOnly": True} in pod["containers"][0]["volumeMounts"]


def test_every_job_artifact_of_local_is_in_the_uploaded_bucket(rendered: dict[str, list[Manifest]]) -> None:
    """The Flink jobs read their JARs from the Flink bucket, the Spark applications their main files from the Spark
    bucket (they read the Flink bucket before): the setup Job fills both."""
    jars = [o["spec"]["job"]["jarURI"] for o in rendered["test-local"] if o["kind"] == "FlinkSessionJob"]
    mains = [o["spec"]["mainApplicationFile"] for o in rendered["test-local"] if o["kind"] == "SparkApplication"]
    assert jars and all(uri.startswith("s3://flink/job-artifacts/") for uri in jars)
    assert mains == ["s3a://spark/job-artifacts/ingest_campaign.py"]


@pytest.mark.parametrize("env", [env for env in fixture_environments()
                                 if fixture_environment(env).object_store.type == "aws-s3"])
def test_environments_on_aws_s3_have_no_object_store(rendered: dict[str, list[Manifest]], env: str) -> None:
    assert not [o for o in rendered[env] if o["metadata"]["name"] == "minio"]
    assert not [o for o in rendered[env] if o["metadata"]["name"] == "object-store"]


def test_every_s3_client_in_local_uses_the_dev_keys(rendered: dict[str, list[Manifest]]) -> None:
    namespaces = {o["metadata"]["namespace"] for o in rendered["test-local"]
                  if o["kind"] == "Secret" and o["metadata"]["name"] == "aws-secret"}
    assert namespaces == {"object-store", "polaris", "fluss", "flink", "spark", "technical-flink-operator"}


def test_props_defaults_are_the_schema_defaults() -> None:
    """A store composed in Python from its buckets gets the same MinIO as an environment that sets nothing."""
    mapped = object_store_props(settings(environment(objectStore=LOCAL_STORE)))
    assert mapped == ObjectStoreProps(buckets=("ice-bucket", "flink-bucket", "fluss-bucket", "spark"),
                                      artifacts_bucket="flink-bucket")


def test_props_refuse_artifacts_outside_the_buckets() -> None:
    with pytest.raises(ValueError, match=r"object store minio: artifacts bucket 'jobs' is not one of its buckets "
                                         r"\(data, lake\)"):
        ObjectStoreProps(buckets=("lake", "data"), artifacts_bucket="jobs")


def test_a_renamed_store_is_the_endpoint_its_setup_job_reaches() -> None:
    props = ObjectStoreProps(buckets=("lake",), artifacts_bucket="lake", name="s3")
    stores: list[ObjectStoreChart] = []
    objects = synth(lambda app: stores.append(ObjectStoreChart(app, "20-object-store", namespace="storage",
                                                               props=props)))
    assert stores[0].store.endpoint == "http://s3.storage.svc.cluster.local:9000"
    script = find(objects, "Job", "s3-setup")["spec"]["template"]["spec"]["containers"][0]["command"][2]
    assert "mc alias set store http://s3.storage.svc.cluster.local:9000 " in script
    assert find(objects, "StatefulSet", "s3")["spec"]["serviceName"] == "s3"


def _setup_script(objects: list[Manifest]) -> list[str]:
    return str(find(objects, "Job", "minio-setup")["spec"]["template"]["spec"]["containers"][0]["command"][2]).splitlines()


def _main_files(objects: list[Manifest]) -> dict[str, str]:
    return {o["metadata"]["name"]: o["spec"]["mainApplicationFile"] for o in objects if o["kind"] == "SparkApplication"}


def with_spark_bucket(store: Mapping[str, Any], bucket: str) -> dict[str, Any]:
    """An `objectStore` section `store` whose `buckets.spark` is `bucket`."""
    return {**store, "buckets": {**store["buckets"], "spark": bucket}}


SPARK_APPS = {"applications": [
    {"name": "a", "mainApplicationFile": "jobs/a.py"},
    {"name": "b", "mainApplicationFile": "jobs/a.py"},
    {"name": "c", "mainApplicationFile": "s3a://elsewhere/c.py"},
    {"name": "d", "mainApplicationFile": "jobs/d$x.py"},
]}


@pytest.mark.parametrize(("store", "bucket"), [
    (LOCAL_STORE, "spark"),
    (with_spark_bucket(LOCAL_STORE, "team-spark"), "team-spark"),
    (environment()["objectStore"], "flink-bucket"),
    (with_spark_bucket(environment()["objectStore"], "dev-spark"), "dev-spark"),
], ids=["in-cluster default", "in-cluster named", "aws-s3 default", "aws-s3 named"])
def test_spark_main_files_resolve_in_the_spark_bucket(store: dict[str, object], bucket: str) -> None:
    """A main file given as a path is read from the Spark bucket (it was the Flink bucket's); a URI stays."""
    objects = render(environment(objectStore=store, spark=SPARK_APPS))
    assert _main_files(objects) == {"a": f"s3a://{bucket}/jobs/a.py", "b": f"s3a://{bucket}/jobs/a.py",
                                    "c": "s3a://elsewhere/c.py", "d": f"s3a://{bucket}/jobs/d$x.py"}


def test_the_setup_job_creates_the_spark_bucket_and_copies_each_main_file_once() -> None:
    script = _setup_script(render(environment(objectStore=LOCAL_STORE, spark=SPARK_APPS)))
    assert "mc mb --ignore-existing store/flink-bucket store/fluss-bucket store/ice-bucket store/spark" in script
    mirror = script.index("mc mirror --overwrite /artifacts-copy store/flink-bucket")
    assert script[mirror + 1:] == [
        "if [ -f /artifacts-copy/jobs/a.py ]; then mc cp /artifacts-copy/jobs/a.py store/spark/jobs/a.py; else echo "
        "'warning: jobs/a.py is not in the artifacts image; s3://spark/jobs/a.py is not written' >&2; fi",
        "if [ -f '/artifacts-copy/jobs/d$x.py' ]; then mc cp '/artifacts-copy/jobs/d$x.py' 'store/spark/jobs/d$x.py'; "
        "else echo 'warning: jobs/d$x.py is not in the artifacts image; s3://spark/jobs/d$x.py is not written' >&2; fi"]


def test_a_spark_bucket_that_is_the_flink_bucket_gets_the_mirror_only() -> None:
    store = with_spark_bucket(LOCAL_STORE, "flink-bucket")
    script = _setup_script(render(environment(objectStore=store, spark=SPARK_APPS)))
    assert "mc mb --ignore-existing store/flink-bucket store/fluss-bucket store/ice-bucket" in script
    assert script[-1] == "mc mirror --overwrite /artifacts-copy store/flink-bucket"


def test_the_copy_lines_copy_what_the_image_has_and_name_what_it_lacks(tmp_path: Path) -> None:
    """The rendered lines run under sh with a stand-in `mc` that records its arguments: a file of the image is copied
    to the same path in the Spark bucket; a missing one is named on stderr and the script goes on (exit 0)."""
    script = _setup_script(render(environment(objectStore=LOCAL_STORE, spark=SPARK_APPS)))
    copies = script[script.index("mc mirror --overwrite /artifacts-copy store/flink-bucket") + 1:]
    artifacts, calls = tmp_path / "artifacts", tmp_path / "calls"
    (artifacts / "jobs").mkdir(parents=True)
    (artifacts / "jobs" / "d$x.py").write_text("print('d')\n")
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "mc").write_text(f'#!/bin/sh\nfor a in "$@"; do printf "[%s]" "$a"; done >> {calls}\necho >> {calls}\n')
    (tmp_path / "bin" / "mc").chmod(0o755)
    text = "set -eu\n" + "\n".join(copies).replace("/artifacts-copy", str(artifacts)) + "\n"
    result = subprocess.run(["sh", "-c", text], capture_output=True, text=True, check=False,
                            env={"PATH": f"{tmp_path / 'bin'}:/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    assert calls.read_text() == f"[cp][{artifacts}/jobs/d$x.py][store/spark/jobs/d$x.py]\n"
    assert result.stderr == "warning: jobs/a.py is not in the artifacts image; s3://spark/jobs/a.py is not written\n"


@pytest.mark.parametrize(("copy", "message"), [
    (ArtifactCopy("jobs", "a.py"), "object store minio: artifact a.py is copied to bucket 'jobs', which is not one of "
                                   "its buckets (data, lake)"),
    (ArtifactCopy("lake", "../etc/passwd"), "object store minio: artifact path '../etc/passwd' is not relative to the "
                                            "artifacts folder (no leading '/', no '..')"),
    (ArtifactCopy("lake", "/a.py"), "object store minio: artifact path '/a.py' is not relative to the artifacts "
                                    "folder (no leading '/', no '..')"),
])
def test_props_refuse_copies_outside_the_buckets_or_the_artifacts(copy: ArtifactCopy, message: str) -> None:
    with pytest.raises(ValueError) as error:
        ObjectStoreProps(buckets=("lake", "data"), artifacts_bucket="lake", artifact_copies=(copy,))
    assert str(error.value) == message


def test_a_main_file_that_climbs_out_of_the_spark_bucket_is_a_config_error() -> None:
    apps = {"applications": [{"name": "a", "mainApplicationFile": "jobs/../../a.py"}]}
    assert config_errors(environment(objectStore=LOCAL_STORE, spark=apps)) == [
        "spark.applications[a].mainApplicationFile: 'jobs/../../a.py' climbs out of the Spark bucket ('..'): give a "
        "path inside it, or a URI"]
