"""The local environment's in-cluster object store, its buckets and dev-only Secrets."""

from __future__ import annotations

import pytest

from charts.object_store.store import ObjectStoreChart, ObjectStoreProps
from charts.platform.object_store import object_store_props
from tests.bare import settings, synth
from tests.conftest import LOCAL_STORE, Manifest, environment, find, fixture_environment, fixture_environments


def test_buckets_and_job_artifacts_are_set_up_idempotently_by_a_sync_hook(rendered: dict[str, list[Manifest]]) -> None:
    job = find(rendered["test-local"], "Job", "minio-setup")
    assert job["metadata"]["annotations"]["argocd.argoproj.io/hook"] == "Sync"
    pod = job["spec"]["template"]["spec"]
    script = pod["containers"][0]["command"][2].splitlines()
    assert "mc mb --ignore-existing store/flink store/fluss store/iceberg-datalake" in script
    assert script[-1] == "mc mirror --overwrite /artifacts-copy store/flink"
    assert "http://minio.object-store.svc.cluster.local:9000" in pod["containers"][0]["command"][2]
    [copy] = pod["initContainers"]
    assert copy["image"] == "lakehouse-job-artifacts:0.1.0"
    assert copy["command"][2] == "set -eu\ncp -R /artifacts/. /artifacts-copy/\n"
    assert {"name": "artifacts", "mountPath": "/artifacts-copy"} in copy["volumeMounts"]
    assert {"name": "artifacts", "mountPath": "/artifacts-copy", "readOnly": True} in pod["containers"][0]["volumeMounts"]


def test_every_job_artifact_of_local_is_in_the_uploaded_bucket(rendered: dict[str, list[Manifest]]) -> None:
    """The jobs read their JARs and Spark files from the Flink bucket, the one the setup Job fills."""
    uris = [o["spec"]["job"]["jarURI"] for o in rendered["test-local"] if o["kind"] == "FlinkSessionJob"]
    uris += [o["spec"]["mainApplicationFile"] for o in rendered["test-local"] if o["kind"] == "SparkApplication"]
    assert uris and all(uri.split("://", 1)[1].startswith("flink/job-artifacts/") for uri in uris)


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
    assert mapped == ObjectStoreProps(buckets=("ice-bucket", "flink-bucket", "fluss-bucket"),
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
