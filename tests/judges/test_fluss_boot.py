"""The Fluss judge: the pinned CoordinatorServer and TabletServer boot from the rendered `server.yaml` of `local`
(issue 19, item 4; `tests.judges.fluss_judge`), the shipped one; a broken setting of its fixture copy `test-local`
(tests/conftest.py) fails with Fluss's own message.

Without Java, Maven or the registry the judge cannot be built: the tests skip with the reason, and fail with it
under `CI=true`.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from manifests.tree import config_entries
from tests.conftest import Manifest, find
from tests.fake_polaris import FakePolaris
from tests.judges import judge_unavailable
from tests.judges.fluss_judge import (
    SECRET_VALUES,
    JudgeUnavailable,
    Loopback,
    Verdict,
    boot_problems,
    build_judge,
    free_port,
    run_judge,
)

ENVIRONMENT = "local"
"""The shipped environment whose Fluss the judge boots (the users' own `environments/local.yaml`)."""
FIXTURE = "test-local"
"""The fixture copy of local whose setting the behaviour test breaks (tests/environments/)."""


@pytest.fixture(scope="session")
def fluss_judge() -> Path:
    """The built judge (`build_judge`): skipped with the reason when it cannot be built, failed under CI."""
    try:
        return build_judge()
    except JudgeUnavailable as error:
        judge_unavailable(f"the Fluss judge cannot be built: {error}")


class Stores:
    """The loopback stand-ins of one judge run: moto (S3 and STS) and the fake Polaris."""

    def __init__(self, moto_port: int, polaris: FakePolaris):
        self.s3_endpoint = f"http://127.0.0.1:{moto_port}"
        self.polaris = polaris

    def s3(self) -> Any:
        """A boto3 S3 client of moto (path-style, as the store's clients are)."""
        return boto3.client("s3", endpoint_url=self.s3_endpoint, region_name="us-east-1",
                            aws_access_key_id="judge", aws_secret_access_key="judge")

    def loopback(self) -> Loopback:
        """Fresh ports for one run."""
        return Loopback(zookeeper_port=free_port(), s3_endpoint=self.s3_endpoint, catalog_url=self.polaris.url)


@pytest.fixture(scope="module")
def stores() -> Iterator[Stores]:
    """moto's server mode and the fake Polaris (token and `/v1/config` only, realm header optional as in
    Polaris), with the credential of `SECRET_VALUES`."""
    port = free_port()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    moto.start()
    client_id, _, secret = SECRET_VALUES["ICEBERG_CATALOG_CREDENTIAL"].partition(":")
    try:
        with FakePolaris(client_id, secret) as polaris:
            polaris.realm_header_required = False
            yield Stores(port, polaris)
    finally:
        moto.stop()


def server_yaml(objects: list[Manifest]) -> dict[str, str]:
    """The `fluss-conf-file` ConfigMap's `server.yaml` entries."""
    return dict(config_entries(find(objects, "ConfigMap", "fluss-conf-file")["data"]["server.yaml"], "server.yaml"))


def remote_bucket(objects: list[Manifest]) -> tuple[str, str]:
    """(bucket, key prefix) of the rendered `remote.data.dir` (`s3://bucket/prefix`)."""
    uri = server_yaml(objects)["remote.data.dir"]
    assert uri.startswith("s3://"), uri
    bucket, _, prefix = uri.removeprefix("s3://").partition("/")
    return bucket, prefix


def boot(fluss_judge: Path, stores: Stores, objects: list[Manifest], work: Path) -> Verdict:
    """Create the rendered remote bucket in moto (the store's setup Job does it in the cluster) and run the judge."""
    bucket, _ = remote_bucket(objects)
    region = server_yaml(objects).get("s3.region", "us-east-1")
    s3 = stores.s3()
    if bucket not in [b["Name"] for b in s3.list_buckets().get("Buckets", [])]:
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
    return run_judge(fluss_judge, objects, stores.loopback(), work)


def test_local_fluss_boots_from_its_rendered_server_yaml(fluss_judge: Path, stores: Stores,
                                                          shipped: dict[str, list[Manifest]], tmp_path: Path) -> None:
    objects = shipped[ENVIRONMENT]
    verdict = boot(fluss_judge, stores, objects, tmp_path)
    problems = list(boot_problems(verdict))
    assert not problems, "\n".join(problems)
    # both registered in ZooKeeper, with the loopback listeners the judge gave them
    assert verdict.coordinator and "127.0.0.1" in verdict.coordinator
    assert list(verdict.tablets) == ["0"], verdict.tablets  # tablet-server.id from the pod name tablet-server-0
    # the servers' remote filesystem wrote into the rendered remote.data.dir in the store
    bucket, prefix = remote_bucket(objects)
    keys = [o["Key"] for o in stores.s3().list_objects_v2(Bucket=bucket).get("Contents", [])]
    assert f"{prefix}/judge/coordinator-probe" in keys, keys
    # what a client that reads remote data (KV snapshots, tiered logs) is handed: credentials from the store's
    # STS, its endpoint and path-style access (Fluss 0.9.1, S3DelegationTokenProvider)
    assert verdict.token.get("credentials") == "yes", verdict.token
    assert verdict.token.get("fs.s3a.endpoint") == stores.s3_endpoint, verdict.token
    assert verdict.token.get("fs.s3a.path.style.access") == "true", verdict.token
    # the coordinator's Iceberg catalog reached Polaris with the rendered credential and warehouse
    warehouse = server_yaml(objects)["datalake.iceberg.warehouse"]
    assert {"warehouse": warehouse} in stores.polaris.config_requests, stores.polaris.config_requests
    assert not stores.polaris.violations


def test_a_broken_rendered_setting_fails_with_fluss_message(fluss_judge: Path, stores: Stores,
                                                             rendered: dict[str, list[Manifest]],
                                                             tmp_path: Path) -> None:
    objects = [dict(o) for o in rendered[FIXTURE]]
    conf = find(objects, "ConfigMap", "fluss-conf-file")
    broken = dict(conf, data={"server.yaml": conf["data"]["server.yaml"].replace(
        "default.bucket.number: 1", "default.bucket.number: one")})
    objects[objects.index(conf)] = broken
    verdict = boot(fluss_judge, stores, objects, tmp_path)
    problems = "\n".join(boot_problems(verdict))
    assert verdict.exit_code == 2
    assert "CoordinatorServer: " in problems
    assert "default.bucket.number" in problems and "'one'" in problems, problems


def test_a_judge_that_cannot_start_zookeeper_ends_with_the_reason(fluss_judge: Path, stores: Stores,
                                                                   rendered: dict[str, list[Manifest]],
                                                                   tmp_path: Path) -> None:
    """The ZooKeeper port taken between `free_port` and the JVM's bind (another process got it): the judge's JVM
    reports why and ends (`FAILED judge`, exit 6) instead of running on until the harness's timeout."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        loopback = Loopback(zookeeper_port=taken.getsockname()[1], s3_endpoint=stores.s3_endpoint,
                            catalog_url=stores.polaris.url)
        verdict = run_judge(fluss_judge, rendered[FIXTURE], loopback, tmp_path, timeout_seconds=10)
    assert verdict.exit_code == 6, (verdict, verdict.log_tail())
    assert verdict.failures["judge"].startswith("TimeoutException"), verdict.failures
    assert verdict.coordinator is None and verdict.tablets == {}
