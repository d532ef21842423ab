"""The local environment's in-cluster object store, its buckets and dev-only Secrets."""

from __future__ import annotations

from tests.conftest import Manifest, find


def test_buckets_are_created_idempotently_by_a_sync_hook(rendered: dict[str, list[Manifest]]) -> None:
    job = find(rendered["local"], "Job", "minio-create-buckets")
    assert job["metadata"]["annotations"]["argocd.argoproj.io/hook"] == "Sync"
    script = job["spec"]["template"]["spec"]["containers"][0]["command"][2]
    assert "mc mb --ignore-existing store/flink store/fluss store/iceberg-datalake" in script
    assert "http://minio.object-store.svc.cluster.local:9000" in script


def test_cloud_environments_have_no_object_store(rendered: dict[str, list[Manifest]]) -> None:
    for env in ("dev", "prod"):
        assert not [o for o in rendered[env] if o["metadata"]["name"] == "minio"]
        assert not [o for o in rendered[env] if o["metadata"]["name"] == "object-store"]


def test_every_s3_client_in_local_uses_the_dev_keys(rendered: dict[str, list[Manifest]]) -> None:
    namespaces = {o["metadata"]["namespace"] for o in rendered["local"]
                  if o["kind"] == "Secret" and o["metadata"]["name"] == "aws-secret"}
    assert namespaces == {"object-store", "polaris", "fluss", "flink", "spark", "technical-flink-operator"}
