"""The local environment's in-cluster object store, its buckets and dev-only Secrets."""

from __future__ import annotations

import pytest

from config import available_environments, load_environment
from tests.conftest import Manifest, find


def test_buckets_and_job_artifacts_are_set_up_idempotently_by_a_sync_hook(rendered: dict[str, list[Manifest]]) -> None:
    job = find(rendered["local"], "Job", "minio-setup")
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
    uris = [o["spec"]["job"]["jarURI"] for o in rendered["local"] if o["kind"] == "FlinkSessionJob"]
    uris += [o["spec"]["mainApplicationFile"] for o in rendered["local"] if o["kind"] == "SparkApplication"]
    assert uris and all(uri.split("://", 1)[1].startswith("flink/job-artifacts/") for uri in uris)


@pytest.mark.parametrize("env", [env for env in available_environments()
                                 if load_environment(env).object_store.type == "aws-s3"])
def test_environments_on_aws_s3_have_no_object_store(rendered: dict[str, list[Manifest]], env: str) -> None:
    assert not [o for o in rendered[env] if o["metadata"]["name"] == "minio"]
    assert not [o for o in rendered[env] if o["metadata"]["name"] == "object-store"]


def test_every_s3_client_in_local_uses_the_dev_keys(rendered: dict[str, list[Manifest]]) -> None:
    namespaces = {o["metadata"]["namespace"] for o in rendered["local"]
                  if o["kind"] == "Secret" and o["metadata"]["name"] == "aws-secret"}
    assert namespaces == {"object-store", "polaris", "fluss", "flink", "spark", "technical-flink-operator"}
