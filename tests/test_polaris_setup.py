"""Polaris setup: the desired state follows the specs, and the real catalog-setup script, run against a
loopback fake of Polaris and of the Kubernetes Secrets API, is idempotent and fails loudly."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from charts.platform.polaris import polaris_props
from charts.polaris.setup import Request, desired_state_files, plan, request_file
from config import schema
from config.catalog_model import CatalogRoleSpec, CatalogSpec, PrincipalSpec
from tests.bare import s3_access
from tests.conftest import (
    FIXTURE_DIR,
    TEST_ROLE_ARN,
    Manifest,
    find,
    fixture_environment,
    fixture_environments,
    render,
)
from tests.fake_polaris import REALM, SA_TOKEN, FakePolaris
from tests.polaris_spec import check_request

ROOT_ID, ROOT_SECRET = "root-client", "root-secret-value"
NAMESPACES = ("fluss", "flink", "spark")


def _plan(env: str) -> list[Request]:
    """The desired state of fixture environment `env`, as the platform maps it."""
    config = fixture_environment(env)
    setup = polaris_props(config).setup
    assert setup is not None
    return plan(setup, s3_access(config))


@pytest.mark.parametrize("env", fixture_environments())
def test_every_request_of_the_desired_state_follows_the_spec(env: str) -> None:
    requests = _plan(env)
    assert [r.path for r in requests][:2] == ["/catalogs", "/principal-roles"]
    assert [p for r in requests for p in check_request(r.method, r.path, r.body)] == []


def test_desired_state_reproduces_the_reference() -> None:
    requests = _plan("test-reference")
    catalog = requests[0].body["catalog"]
    assert catalog["name"] == "dev_iceberg_datalake_catalog" and catalog["type"] == "INTERNAL"
    assert catalog["properties"] == {"default-base-location": "s3://dev-iceberg-datalake/"}
    assert catalog["storageConfigInfo"]["allowedLocations"] == ["s3://dev-iceberg-datalake/"]
    assert catalog["storageConfigInfo"]["roleArn"].startswith("arn:aws:iam::")
    bodies = [(r.method, r.path, r.body) for r in requests[1:]]
    assert bodies == [
        ("POST", "/principal-roles", {"principalRole": {"name": "rf_dev_etl"}}),
        ("POST", "/catalogs/dev_iceberg_datalake_catalog/catalog-roles", {"catalogRole": {"name": "rt_dev_catalog_full"}}),
        ("PUT", "/catalogs/dev_iceberg_datalake_catalog/catalog-roles/rt_dev_catalog_full/grants",
         {"grant": {"type": "catalog", "privilege": "CATALOG_MANAGE_CONTENT"}}),
        ("PUT", "/principal-roles/rf_dev_etl/catalog-roles/dev_iceberg_datalake_catalog",
         {"catalogRole": {"name": "rt_dev_catalog_full"}}),
        ("POST", "/principals", {"principal": {"name": "fluss_user"}, "credentialRotationRequired": False}),
        ("PUT", "/principals/fluss_user/principal-roles", {"principalRole": {"name": "rf_dev_etl"}}),
    ]


def test_in_cluster_store_catalog_uses_the_endpoint_without_sts() -> None:
    storage = _plan("test-local")[0].body["catalog"]["storageConfigInfo"]
    assert storage["endpoint"] == "http://minio.object-store.svc.cluster.local:9000"
    assert storage["pathStyleAccess"] is True and storage["stsUnavailable"] is True


@pytest.fixture
def setup_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "setup"
    directory.mkdir()
    for name, text in desired_state_files(_plan("test-local")).items():
        (directory / name).write_text(text)
    service_account = tmp_path / "sa"
    service_account.mkdir()
    (service_account / "token").write_text(SA_TOKEN)
    (service_account / "ca.crt").write_text("unused with http\n")
    return directory


@pytest.fixture
def fake() -> Iterator[FakePolaris]:
    with FakePolaris(ROOT_ID, ROOT_SECRET) as server:
        yield server


def run_script(setup_dir: Path, fake: FakePolaris, **overrides: str) -> subprocess.CompletedProcess[str]:
    environment = {
        "PATH": "/usr/bin:/bin", "POLARIS_URI": fake.url, "POLARIS_REALM": REALM, "SETUP_DIR": str(setup_dir),
        "ROOT_CLIENT_ID": ROOT_ID, "ROOT_CLIENT_SECRET": ROOT_SECRET, "CONSUMER_PRINCIPAL": "fluss_user",
        "CONSUMER_NAMESPACES": " ".join(NAMESPACES), "CREDENTIAL_SECRET_NAME": "iceberg-catalog-credentials",
        "CREDENTIAL_SECRET_ITEM": "catalog-credential", "KUBE_API": fake.url, "SA_DIR": str(setup_dir.parent / "sa"),
        "RETRY_DELAY_SECONDS": "0", "MAX_ATTEMPTS": "5", **overrides,
    }
    return subprocess.run(["sh", str(setup_dir / "catalog-setup.sh")], env=environment, capture_output=True,
                          text=True, timeout=60, check=False)


def test_first_run_creates_everything_and_writes_the_consumer_secrets(setup_dir: Path, fake: FakePolaris) -> None:
    result = run_script(setup_dir, fake)
    assert result.returncode == 0, result.stderr
    assert fake.violations == []
    assert set(fake.catalogs) == {"dev_iceberg_datalake_catalog"}
    assert fake.principal_roles == {"rf_dev_etl"}
    assert fake.catalog_roles == {("dev_iceberg_datalake_catalog", "rt_dev_catalog_full")}
    assert fake.grants == {("dev_iceberg_datalake_catalog", "rt_dev_catalog_full", "CATALOG_MANAGE_CONTENT")}
    assert fake.catalog_role_assignments == {("rf_dev_etl", "dev_iceberg_datalake_catalog", "rt_dev_catalog_full")}
    assert fake.principal_role_assignments == {("fluss_user", "rf_dev_etl")}
    client_id, client_secret = fake.principals["fluss_user"]
    assert {ns: fake.secrets[(ns, "iceberg-catalog-credentials")] for ns in NAMESPACES} == {
        ns: {"catalog-credential": f"{client_id}:{client_secret}"} for ns in NAMESPACES}
    output = result.stdout + result.stderr
    assert ROOT_SECRET not in output and client_secret not in output
    assert "done: 7 applied, 0 already present" in result.stdout


def test_second_run_creates_nothing_and_succeeds(setup_dir: Path, fake: FakePolaris) -> None:
    assert run_script(setup_dir, fake).returncode == 0
    creations, credentials = fake.creations, dict(fake.principals)
    secrets = dict(fake.secrets)
    result = run_script(setup_dir, fake)
    assert result.returncode == 0, result.stderr
    assert fake.creations == creations and fake.principals == credentials and fake.secrets == secrets
    assert "consumer Secrets for principal fluss_user are present" in result.stdout
    assert "POST /catalogs: already exists" in result.stdout


def test_a_missing_consumer_secret_resets_the_principal_credentials(setup_dir: Path, fake: FakePolaris) -> None:
    assert run_script(setup_dir, fake).returncode == 0
    old_secret = fake.principals["fluss_user"][1]
    del fake.secrets[("flink", "iceberg-catalog-credentials")]
    result = run_script(setup_dir, fake)
    assert result.returncode == 0, result.stderr
    client_id, new_secret = fake.principals["fluss_user"]
    assert new_secret != old_secret
    assert all(fake.secrets[(ns, "iceberg-catalog-credentials")]["catalog-credential"] == f"{client_id}:{new_secret}"
               for ns in NAMESPACES)
    assert (f"credentials of fluss_user rotated: running pods in {' '.join(NAMESPACES)} still hold the old one "
            "(read at start); restart them") in result.stdout
    assert new_secret not in result.stdout + result.stderr


def test_a_slow_start_is_retried(setup_dir: Path, fake: FakePolaris) -> None:
    fake.unavailable_token_requests = 3
    result = run_script(setup_dir, fake)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("Polaris not ready (HTTP 503)") == 3


def test_polaris_that_never_starts_fails_after_the_attempts(setup_dir: Path, fake: FakePolaris) -> None:
    fake.unavailable_token_requests = 100
    result = run_script(setup_dir, fake, MAX_ATTEMPTS="3")
    assert result.returncode == 1
    assert "catalog-setup: ERROR: Polaris not ready at" in result.stderr and "after 3 attempts" in result.stderr


def test_wrong_root_credentials_fail_with_a_clear_message(setup_dir: Path, fake: FakePolaris) -> None:
    result = run_script(setup_dir, fake, ROOT_CLIENT_SECRET="wrong")
    assert result.returncode == 1
    assert "catalog-setup: ERROR: Polaris rejected the root credentials (HTTP 401) for realm POLARIS" in result.stderr
    assert fake.catalogs == {}


def test_a_server_error_fails_the_job_with_the_response(setup_dir: Path, fake: FakePolaris) -> None:
    fake.fail_path = "/catalog-roles"
    result = run_script(setup_dir, fake)
    assert result.returncode == 1
    assert ("catalog-setup: ERROR: POST /catalogs/dev_iceberg_datalake_catalog/catalog-roles failed (HTTP 500): "
            '{"error": {"message": "internal server error", "code": 500}}') in result.stderr
    assert fake.principals == {}


def test_setup_jobs_are_sync_hooks_with_backoff_and_ttl_and_bootstrap_reads_secrets(rendered: dict[str, list[Manifest]]) -> None:
    for name in ("polaris-bootstrap", "polaris-catalog-setup"):
        job = find(rendered["test-local"], "Job", name)
        assert job["metadata"]["annotations"]["argocd.argoproj.io/hook"] == "Sync"
        assert job["spec"]["backoffLimit"] > 0 and job["spec"]["ttlSecondsAfterFinished"] == 86400
    bootstrap = find(rendered["test-dev"], "Job", "polaris-bootstrap")["spec"]["template"]["spec"]["containers"][0]
    assert '-c "$POLARIS_REALM,$ROOT_CLIENT_ID,$ROOT_CLIENT_SECRET"' in bootstrap["command"][2]
    assert "already been bootstrapped" in bootstrap["command"][2]
    secret_env = {e["name"] for e in bootstrap["env"] if "valueFrom" in e}
    assert secret_env == {"ROOT_CLIENT_ID", "ROOT_CLIENT_SECRET", "quarkus.datasource.username",
                          "quarkus.datasource.password"}


def test_setup_job_may_only_write_the_client_secret(rendered: dict[str, list[Manifest]]) -> None:
    roles = [o for o in rendered["test-dev"] if o["kind"] == "Role" and o["metadata"]["name"] == "polaris-catalog-setup"]
    assert sorted(r["metadata"]["namespace"] for r in roles) == sorted((*NAMESPACES, "analytics"))  # test-dev's team namespace
    for role in roles:
        assert role["rules"] == [
            {"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "update", "patch"],
             "resourceNames": ["iceberg-catalog-credentials"]},
            {"apiGroups": [""], "resources": ["secrets"], "verbs": ["create"]},
        ]


def _setup_config_map(doc: dict[str, Any]) -> dict[str, str]:
    data: dict[str, str] = find(render(doc), "ConfigMap", "polaris-catalog-setup")["data"]
    return data


def test_adding_a_catalog_adds_files_and_changes_no_other() -> None:
    """The body files were numbered in request order (000.json, 001.json, ...): a catalog added first renamed every
    file after it. Named after what they create, the old files keep name and content; requests.tsv only gains the
    new requests' lines."""
    doc = yaml.safe_load((FIXTURE_DIR / "test-dev.yaml").read_text())
    doc["environment"] = "test"
    before = _setup_config_map(doc)
    setup = doc["polaris"]["setup"]
    setup["catalogs"] = [{"name": "analytics_catalog", "roleArn": TEST_ROLE_ARN, "basePath": "analytics"},
                         *setup["catalogs"]]
    setup["catalogRoles"] = [{"catalog": "analytics_catalog", "name": "reader", "privileges": ["TABLE_READ_DATA"],
                              "principalRoles": ["rf_dev_etl"]}, *polaris_defaults("catalogRoles")]
    after = _setup_config_map(doc)
    assert {key: after[key] for key in before if key != "requests.tsv"} == {
        key: value for key, value in before.items() if key != "requests.tsv"}
    assert sorted(after.keys() - before.keys()) == [
        "1-catalog.analytics_catalog.json", "3-catalog-role.analytics_catalog.reader.json",
        "4-catalog-grant.analytics_catalog.reader.TABLE_READ_DATA.json",
        "5-catalog-role-grant.rf_dev_etl.analytics_catalog.reader.json"]
    old, new = before["requests.tsv"].splitlines(), after["requests.tsv"].splitlines()
    assert [line for line in new if line in old] == old and len(new) == len(old) + 4


def polaris_defaults(key: str) -> Any:
    """The schema default of `polaris.setup.<key>`."""
    return schema()["properties"]["polaris"]["properties"]["setup"]["properties"][key]["default"]


def test_the_body_files_sort_in_the_order_the_setup_applies_them() -> None:
    """requests.tsv decides the order; the files' phase numbers make the ConfigMap read top-down in that order."""
    files = [line.split("\t")[2] for line in desired_state_files(_plan("test-examples"))["requests.tsv"].splitlines()]
    assert files == sorted(files) and len(files) == len(set(files))


def test_a_setup_with_two_catalogs_runs_against_polaris_in_order(tmp_path: Path, fake: FakePolaris) -> None:
    """The fake answers 404 for a catalog role of a catalog it does not know yet, a grant to an unknown role...:
    a request that ran before what it refers to fails the run."""
    config = fixture_environment("test-local")
    setup = polaris_props(config).setup
    assert setup is not None
    extended = replace(setup, catalogs=(CatalogSpec("analytics_catalog", "analytics", None), *setup.catalogs),
                       principal_roles=("readers", *setup.principal_roles),
                       catalog_roles=(CatalogRoleSpec("analytics_catalog", "reader", ("TABLE_READ_DATA",),
                                                      ("readers",)), *setup.catalog_roles),
                       principals=(PrincipalSpec("analyst", ("readers",)), *setup.principals))
    directory = tmp_path / "setup"
    directory.mkdir()
    for name, text in desired_state_files(plan(extended, s3_access(config))).items():
        (directory / name).write_text(text)
    (tmp_path / "sa").mkdir()
    (tmp_path / "sa" / "token").write_text(SA_TOKEN)
    (tmp_path / "sa" / "ca.crt").write_text("unused with http\n")
    result = run_script(directory, fake)
    assert result.returncode == 0, result.stderr
    assert fake.violations == []
    assert fake.catalog_role_assignments == {("readers", "analytics_catalog", "reader"),
                                             ("rf_dev_etl", "dev_iceberg_datalake_catalog", "rt_dev_catalog_full")}
    assert fake.principal_role_assignments == {("analyst", "readers"), ("fluss_user", "rf_dev_etl")}


def test_a_file_name_past_the_config_map_key_limit_is_cut_and_stays_unique() -> None:
    long = "r" * 250
    first, second = request_file(4, "catalog-grant", "c", long, "A"), request_file(4, "catalog-grant", "c", long, "B")
    assert len(first) == len(second) == 253 and first != second
    assert first.startswith("4-catalog-grant.c.rrr") and first.endswith(".json")
    assert request_file(1, "catalog", "lake") == "1-catalog.lake.json"
