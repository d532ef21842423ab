"""Layer 1: environment config. Errors name file, field and expectation; defaults are what the docs say."""

from __future__ import annotations

import copy
import dataclasses
from pathlib import Path
from typing import Any, ClassVar, Literal

import pytest
import yaml

from config import (
    ENVIRONMENTS_DIR,
    SCHEMA_PATH,
    ConfigError,
    apply_defaults,
    available_environments,
    load_environment,
    parse_environment,
    schema,
)
from config.common import KubernetesName, Quantity
from config.declaration import section, setting
from tests.conftest import FIXTURE_DIR, config_errors, environment, located_errors

SRC = "environments/test.yaml"


def minimal(**overrides: Any) -> dict[str, Any]:
    return environment(**overrides)


def error_of(doc: Any) -> str:
    """The `ConfigError` of `doc` read from YAML text, each line's line and column taken out (`tests/test_locations.py`
    checks them)."""
    return "\n".join(f"{SRC}: {line}" for line in config_errors(doc))


@pytest.mark.parametrize("directory", [ENVIRONMENTS_DIR, FIXTURE_DIR], ids=["shipped", "fixtures"])
def test_every_environment_file_loads(directory: Path) -> None:
    """The shipped environments (whatever their users made of them) and the tests' fixtures load."""
    names = available_environments(directory)
    assert names and names == sorted(names)
    for env in names:
        assert load_environment(env, directory).name == env


def test_unknown_key_names_file_path_and_allowed_keys() -> None:
    doc = minimal(flink={"sessionCluster": {"taskManagerMemry": "2g"}})
    assert error_of(doc) == (
        f"{SRC}: flink.sessionCluster: unknown key 'taskManagerMemry' (expected one of: highAvailability, "
        "jobManagerCpu, jobManagerMemory, jobManagerReplicas, name, nodePool, podOptions, taskManagerCpu, taskManagerMemory, "
        "taskSlots)"
    )


def test_wrong_type() -> None:
    assert error_of(minimal(fluss={"tabletReplicas": "3"})) == (
        f"{SRC}: fluss.tabletReplicas: expected integer, got string '3'"
    )


def test_invalid_kubernetes_quantity() -> None:
    doc = minimal(zookeeper={"dataStorage": "1 gig"})
    assert error_of(doc) == f"{SRC}: zookeeper.dataStorage: '1 gig' is not a Kubernetes quantity (e.g. 500m, 1Gi)"


def test_missing_required_key() -> None:
    doc = minimal()
    del doc["objectStore"]["region"]
    assert error_of(doc) == f"{SRC}: objectStore: missing required key 'region'"


def test_missing_secret_reference_without_iam_role() -> None:
    doc = minimal()
    doc["objectStore"]["credentials"] = None
    assert error_of(doc) == (
        f"{SRC}: objectStore.credentials: null without objectStore.iamRoleArn; S3 needs one of them"
    )


def test_iam_role_and_static_keys_are_exclusive() -> None:
    doc = minimal()
    doc["objectStore"]["iamRoleArn"] = "arn:aws:iam::123456789012:role/x"
    assert "objectStore.iamRoleArn: set together with objectStore.credentials" in error_of(doc)


def test_all_schema_errors_are_reported_at_once_with_one_path_syntax() -> None:
    doc = minimal(fluss={"tabletReplicas": 0}, polaris={"replicas": "2"},
                  flink={"jobs": [{"name": "a", "jarPath": "a.jar", "args": [1]}]})
    assert sorted(error_of(doc).splitlines()) == sorted([
        f"{SRC}: flink.jobs[a].args[0]: expected string, got integer 1",
        f"{SRC}: fluss.tabletReplicas: 0 is less than the minimum of 1",
        f"{SRC}: polaris.replicas: expected integer, got string '2'",
    ])


def test_every_unknown_key_of_an_object_is_reported() -> None:
    doc = minimal(zookeeper={"replica": 3, "imagee": "x"})
    lines = error_of(doc).splitlines()
    assert sorted([line.split(" (expected")[0] for line in lines]) == sorted([
        f"{SRC}: zookeeper: unknown key 'imagee'", f"{SRC}: zookeeper: unknown key 'replica'"])


def test_all_checks_on_the_typed_sections_are_reported_at_once() -> None:
    doc = minimal(fluss={"defaultReplicationFactor": 3, "clientPort": 9123},
                  zookeeper={"resources": {"requests": {"cpu": "1", "memory": "1Gi"}, "limits": {"memory": "512Mi"}}},
                  flink={"sessionCluster": {"jobManagerReplicas": 2, "highAvailability": False}})
    assert sorted(error_of(doc).splitlines()) == sorted([
        f"{SRC}: zookeeper.resources.limits.memory: '512Mi' is less than requests.memory ('1Gi'); Kubernetes "
        "refuses a limit below its request",
        f"{SRC}: fluss.defaultReplicationFactor: 3 is more than fluss.tabletReplicas (1)",
        f"{SRC}: fluss.clientPort: must differ from fluss.internalPort (9123)",
        f"{SRC}: flink.sessionCluster.jobManagerReplicas: 2 JobManagers need flink.sessionCluster.highAvailability: "
        "true (the Flink operator rejects standby JobManagers without HA)",
    ])


@pytest.mark.parametrize(("request_", "limit"), [("500m", "250m"), ("1", "999m"), ("2", "1.5")])
def test_cpu_limit_below_request_is_refused(request_: str, limit: str) -> None:
    doc = minimal(polaris={"resources": {"requests": {"cpu": request_, "memory": "1Gi"}, "limits": {"cpu": limit}}})
    assert error_of(doc) == (f"{SRC}: polaris.resources.limits.cpu: '{limit}' is less than requests.cpu "
                             f"('{request_}'); Kubernetes refuses a limit below its request")


def test_limits_equal_to_or_above_requests_pass() -> None:
    resources = {"requests": {"cpu": "500m", "memory": "1Gi"}, "limits": {"cpu": "0.5", "memory": "1024Mi"}}
    config = parse_environment(minimal(polaris={"resources": resources}), source=SRC, expected_name="test")
    assert config.polaris.resources.limit_memory == "1024Mi"


def test_duplicate_yaml_key_is_refused_with_its_lines(tmp_path: Path) -> None:
    """PyYAML keeps the last of two equal keys: a second `flink:` block would silently replace the first."""
    text = (FIXTURE_DIR / "test-dev.yaml").read_text() + "flink:\n  jobs: []\n"
    (tmp_path / "test-dev.yaml").write_text(text)
    first = next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith("flink:"))
    last = len(text.splitlines()) - 1
    with pytest.raises(ConfigError) as info:
        load_environment("test-dev", tmp_path)
    assert str(info.value) == f"{tmp_path / 'test-dev.yaml'}:{last}:1: duplicate key 'flink' (first given on line {first})"


@pytest.mark.parametrize("memory", ["2Gi", "2048m", "2g", "4GB", "1536 mb", "2gibibytes"])
def test_flink_memory_accepts_what_the_operator_parses(memory: str) -> None:
    from upstream.api_formats import flink_memory_valid

    config = parse_environment(minimal(flink={"sessionCluster": {"taskManagerMemory": memory}}), source=SRC,
                               expected_name="test")
    assert config.flink.session_cluster.task_manager_memory == memory and flink_memory_valid(memory)


@pytest.mark.parametrize("memory", ["1.5g", "0.5Gi"])
def test_flink_memory_refuses_fractions_the_operator_cannot_read(memory: str) -> None:
    """The schema's pattern lets them through; the operator reads them as a fraction of a byte unit and fails."""
    assert error_of(minimal(flink={"sessionCluster": {"taskManagerMemory": memory}})) == (
        f"{SRC}: flink.sessionCluster.taskManagerMemory: {memory!r}: the Flink operator cannot read it: Memory size "
        "unit '.0' does not match any of the recognized units: (b | bytes) / (k | kb | kibibytes) / (m | mb | "
        "mebibytes) / (g | gb | gibibytes) / (t | tb | tebibytes)")


@pytest.mark.parametrize("memory", ["2 gigs", "2GiB!", "-1g", "g"])
def test_flink_memory_refuses_what_the_operator_cannot_parse(memory: str) -> None:
    from upstream.api_formats import flink_memory_valid

    assert not flink_memory_valid(memory)
    assert error_of(minimal(flink={"sessionCluster": {"taskManagerMemory": memory}})) == (
        f"{SRC}: flink.sessionCluster.taskManagerMemory: {memory!r} is not a Flink memory size or Kubernetes "
        "quantity (e.g. 2048m, 2g, 4GB, 2Gi)")


def test_session_cluster_name_follows_the_flink_operator_rule() -> None:
    """The operator refuses FlinkDeployment names over 45 characters; config says so before validate does."""
    assert error_of(minimal(flink={"sessionCluster": {"name": "a" * 46}})) == (  # pattern and maxLength: one line
        f"{SRC}: flink.sessionCluster.name: '{'a' * 46}' is not a FlinkDeployment name (lower-case letters, digits "
        "and '-', starting with a letter, at most 45 characters: the Flink operator's rule)")
    assert error_of(minimal(flink={"sessionCluster": {"name": "1session"}})).startswith(
        f"{SRC}: flink.sessionCluster.name: '1session' is not a FlinkDeployment name")


@pytest.mark.parametrize(("section", "name", "limit"), [
    ("polaris", "p" * 59, 58), ("postgres", "p" * 53, 52), ("zookeeper", "z" * 53, 52), ("polaris", "1polaris", 58)])
def test_names_of_services_and_stateful_sets_fit_what_kubernetes_derives_from_them(section: str, name: str,
                                                                                  limit: int) -> None:
    assert error_of(minimal(**{section: {"name": name}})).startswith(
        f"{SRC}: {section}.name: {name!r} is not usable: it names a Service (lower-case letters, digits and '-', "
        f"starting with a letter) and may have at most {limit} characters")


def test_spark_application_name_is_a_dns_1035_label() -> None:
    app = {"name": "1app", "type": "Python", "mainApplicationFile": "a.py"}
    assert error_of(minimal(spark={"applications": [app]})).startswith(
        f"{SRC}: spark.applications[1app].name: '1app' is not a SparkApplication name (a DNS-1035 label")


@pytest.mark.parametrize("jar", ["/abs/a.jar", "s3://bucket-only.jar", "dir/a.zip"])
def test_jar_path_is_a_bucket_path_or_a_uri(jar: str) -> None:
    assert error_of(minimal(flink={"jobs": [{"name": "a", "jarPath": jar}]})) == (
        f"{SRC}: flink.jobs[a].jarPath: {jar!r} is not a relative path to a .jar inside the Flink bucket, nor a URI "
        "(scheme://host/path.jar)")


def test_replication_factor_above_tablet_servers() -> None:
    assert error_of(minimal(fluss={"defaultReplicationFactor": 3})) == (
        f"{SRC}: fluss.defaultReplicationFactor: 3 is more than fluss.tabletReplicas (1)"
    )


def test_environment_name_must_match_file() -> None:
    assert error_of(minimal(environment="prod")) == f"{SRC}: environment: 'prod' must equal the file name 'test'"


def test_dev_secrets_are_refused_for_aws() -> None:
    assert "secrets.generateDevSecrets: dev-only Secrets are for the in-cluster store only" in error_of(
        minimal(secrets={"generateDevSecrets": True}))


def test_duplicate_job_names() -> None:
    doc = minimal(flink={"jobs": [{"name": "fluss-tiering-job", "jarPath": "x/a.jar"}]})
    assert error_of(doc) == f"{SRC}: flink.jobs: duplicate FlinkSessionJob name 'fluss-tiering-job'"


def test_unknown_environment(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("environment: a\n")
    with pytest.raises(ConfigError, match=r"unknown environment 'staging': .*staging.yaml does not exist \(known: a\)"):
        load_environment("staging", tmp_path)


def test_invalid_yaml(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("environment: [unclosed\n")
    with pytest.raises(ConfigError, match=r"bad.yaml:2:1: not valid YAML: did not find expected ',' or ']' \(while "
                                          r"parsing a flow sequence\)$"):
        load_environment("bad", tmp_path)


def test_schema_documents_every_key_with_description_and_default() -> None:
    missing: list[str] = []

    def walk(node: dict[str, Any], path: str, required: set[str]) -> None:
        if "$ref" in node:
            node = {**schema()["$defs"][node["$ref"].split("/")[-1]], **node}
        if "description" not in node:
            missing.append(f"{path}: description")
        for key, child in node.get("properties", {}).items():
            if key != "$schema" and key not in set(node.get("required", [])) and "default" not in child:
                ref = child.get("$ref")
                if not (ref and "default" in schema()["$defs"][ref.split("/")[-1]]):
                    missing.append(f"{path}.{key}: default")
            walk(child, f"{path}.{key}", set(node.get("required", [])))
        if "items" in node:
            walk(node["items"], f"{path}[]", set())

    walk(schema(), "", set())
    assert missing == []


def test_committed_schema_is_generated_from_the_declarations() -> None:
    """environments/config.schema.json is exactly what the section declarations generate (`make docs` writes it):
    editors, `validate` and the loader read the same schema the fields declare."""
    from config.loading import SCHEMA_PATH
    from config.schema_gen import schema_text

    assert SCHEMA_PATH.read_text() == schema_text(), "run `make docs`"


def test_every_field_read_from_the_file_is_declared() -> None:
    """Every field of every section reached from EnvironmentConfig that the file sets is declared by `setting(...)`
    (default and constraints on the field) and described by an attribute docstring, so the generated schema and
    reference describe every key."""
    import dataclasses
    import typing

    from config import EnvironmentConfig
    from config.loading import field_key
    from config.schema_gen import attribute_docs

    seen: set[type] = set()
    problems: list[str] = []

    def walk(cls: type) -> None:
        if cls in seen:
            return
        seen.add(cls)
        docs = attribute_docs(cls)
        for f in dataclasses.fields(cls):
            if field_key(f) is None:
                continue
            if "schema" not in f.metadata:
                problems.append(f"{cls.__name__}.{f.name}: not declared with setting(...)")
            if not docs.get(f.name, "").strip():
                problems.append(f"{cls.__name__}.{f.name}: no docstring")
            hint = typing.get_type_hints(cls)[f.name]
            for arg in (hint, *typing.get_args(hint), *(a for x in typing.get_args(hint) for a in typing.get_args(x))):
                if dataclasses.is_dataclass(arg) and isinstance(arg, type):
                    walk(arg)

    walk(EnvironmentConfig)
    assert len(seen) > 60
    assert problems == []


def test_a_declaration_generates_its_schema_node() -> None:
    """`setting` and the type hint make the node: type, null, enum, constraints in JSON Schema spelling, the
    custom error, the default; a field without a default is required; dotted keys nest in declared objects."""
    import dataclasses

    from config.declaration import setting
    from config.schema_gen import _Generator

    @dataclasses.dataclass(frozen=True)
    class Sample:
        """A sample section."""

        GROUPS: ClassVar[dict[str, dict[str, Any]]] = {"outer": {"description": "Outer object."}}

        count: int | None = setting(None, minimum=1, exclusive_maximum=10)
        """How many."""

        mode: Literal["a", "b"] | None = setting("a")
        """Which mode."""

        name: str = setting(key="outer.name", max_length=5, pattern="^[a-z]+$", error="is not a short name")
        """The name."""

        tags: tuple[str, ...] = setting([])
        """Tags."""

    node = _Generator().object_node(Sample)
    props = node["properties"]
    assert props["count"] == {"type": ["integer", "null"], "description": "How many.", "minimum": 1,
                              "exclusiveMaximum": 10, "default": None}
    assert props["mode"] == {"type": ["string", "null"], "enum": ["a", "b", None], "description": "Which mode.",
                             "default": "a"}
    assert props["outer"]["description"] == "Outer object." and node["required"] == ["outer"]
    assert props["outer"]["required"] == ["name"]
    assert props["outer"]["properties"]["name"] == {"type": "string", "description": "The name.", "maxLength": 5,
                                                    "pattern": "^[a-z]+$", "x-error": "is not a short name"}
    assert props["tags"] == {"type": "array", "description": "Tags.", "items": {"type": "string"}, "default": []}
    assert node["additionalProperties"] is False


@section
class _Limits:
    """Shared limits."""

    DEFINITION: ClassVar[str] = "limits"

    memory: Quantity = setting("1Gi")
    """Memory."""


@section
class _Holder:
    """Holds limits."""

    own: _Limits = setting({})
    """Its limits."""

    other: _Limits | None = setting(None)
    """Other limits."""

    secret: KubernetesName | None = setting(None)
    """A Secret."""

    when: str | None = setting(None, any_of=[{"type": "string"}, {"type": "integer"}, {"type": "null"}])
    """A string or a number."""


def test_shared_value_types_generate_one_definition_each() -> None:
    """A `Definition` type and a class with DEFINITION are one `$defs` entry, referenced by each use (a nullable use
    is an anyOf of the reference and null); `Constraints` are written into each use; a declared anyOf replaces the
    type's JSON type."""
    import dataclasses

    from config.schema_gen import _Generator

    generator = _Generator()
    props = generator.object_node(_Holder)["properties"]
    assert dataclasses.is_dataclass(_Holder)
    assert props["own"] == {"$ref": "#/$defs/limits", "description": "Its limits.", "default": {}}
    assert props["other"]["anyOf"] == [{"$ref": "#/$defs/limits"}, {"type": "null"}]
    assert props["secret"]["type"] == ["string", "null"] and props["secret"]["maxLength"] == 63
    assert props["when"] == {"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}],
                             "description": "A string or a number.", "default": None}
    assert list(generator.defs) == ["limits", "quantity"]
    assert generator.defs["limits"]["description"] == "Shared limits."
    assert generator.defs["limits"]["properties"]["memory"] == {"$ref": "#/$defs/quantity", "description": "Memory.",
                                                                "default": "1Gi"}
    assert generator.defs["quantity"]["x-error"] == "is not a Kubernetes quantity (e.g. 500m, 1Gi)"


def test_promised_defaults() -> None:
    """The defaults README promises (the reference deployment's names and sizes)."""
    config = parse_environment(minimal(), source=SRC, expected_name="test")
    assert (config.namespaces.polaris, config.namespaces.fluss, config.namespaces.flink, config.namespaces.spark) == (
        "polaris", "fluss", "flink", "spark")
    assert config.namespaces.flink_operator == "technical-flink-operator"
    assert config.polaris.catalog == "dev_iceberg_datalake_catalog"
    assert config.polaris.realm == "POLARIS"
    assert config.polaris.image == "apache/polaris:1.3.0-incubating"
    assert config.postgres.image == "postgres:17.2" and config.postgres.database == "POLARIS"
    assert config.zookeeper.image == "zookeeper:3.8" and config.zookeeper.replicas == 1
    assert config.fluss.image == "fluss-iceberg-s3:0.9.1"
    assert (config.fluss.internal_port, config.fluss.client_port) == (9123, 9124)
    assert config.flink.image == "flink-fluss-iceberg-s3:1.20.3" and config.flink.flink_version == "v1_20"
    assert config.fluss.s3_credentials is None and config.fluss.tablet_data_storage == "10Gi"
    assert config.object_store.in_cluster.artifacts_path == "/artifacts"
    assert config.flink.session_cluster.name == "flink-session"
    assert config.flink.session_cluster.task_slots == 10
    assert config.flink.session_cluster.job_manager_memory == "2048m"
    assert config.spark.image == "spark-iceberg-s3:0.1.0" and config.spark.spark_version == "4.0.2"
    assert config.object_store.credentials is not None
    assert config.object_store.credentials.secret_name == "aws-secret"
    assert config.generate_dev_secrets is False


def test_defaults_do_not_leak_between_loads() -> None:
    first = minimal()
    apply_defaults(schema(), first)
    second = minimal()
    apply_defaults(schema(), second)
    first["flink"]["jobs"].append({"name": "x"})
    assert second["flink"]["jobs"] == []


def test_items_of_one_list_get_defaults_of_their_own() -> None:
    """The items of a list share one schema node (resolved once per load) but never a default's value."""
    doc = minimal(flink={"jobs": [{"name": "a", "jarPath": "a/a.jar"}, {"name": "b", "jarPath": "a/b.jar",
                                                                        "args": ["--x"]}]})
    apply_defaults(schema(), doc)
    first, second = doc["flink"]["jobs"]
    assert first["args"] == [] and second["args"] == ["--x"]
    assert first["labels"] == second["labels"] == {} and first["labels"] is not second["labels"]
    assert first["autoscaler"]["enabled"] is False and first["autoscaler"] is not second["autoscaler"]
    first["autoscaler"]["enabled"] = True
    assert second["autoscaler"]["enabled"] is False


def test_environment_files_validate_against_their_schema_comment() -> None:
    """Editors complete and check every environment file, the shipped ones and the tests' fixtures, through the
    schema its first line names."""
    for path in [*ENVIRONMENTS_DIR.glob("*.yaml"), *FIXTURE_DIR.glob("*.yaml")]:
        first = path.read_text().splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        assert (path.parent / first.partition("$schema=")[2]).resolve() == SCHEMA_PATH.resolve(), path
        assert copy.deepcopy(yaml.safe_load(path.read_text()))["environment"] == path.stem


def test_standby_job_managers_need_ha() -> None:
    doc = minimal(flink={"sessionCluster": {"jobManagerReplicas": 2, "highAvailability": False}})
    assert error_of(doc) == (
        f"{SRC}: flink.sessionCluster.jobManagerReplicas: 2 JobManagers need flink.sessionCluster.highAvailability: "
        "true (the Flink operator rejects standby JobManagers without HA)"
    )


def test_invalid_kubernetes_name() -> None:
    assert error_of(minimal(flink={"jobs": [{"name": "Job_1", "jarPath": "a.jar"}]})) == (
        f"{SRC}: flink.jobs[Job_1].name: 'Job_1' is not a Kubernetes name (lower-case letters, digits and '-', "
        "at most 63 characters)")


def test_dev_secrets_cannot_generate_an_rsa_key_pair() -> None:
    from tests.conftest import LOCAL_STORE, render

    doc = minimal(objectStore=LOCAL_STORE, secrets={"generateDevSecrets": True})
    with pytest.raises(ConfigError, match=r"^environments/test.yaml: polaris.tokenBroker.type: rsa-key-pair needs a "
                                          r"key pair Secret that dev Secrets cannot generate; use symmetric-key"):
        render(doc)


def test_catalog_model_refers_only_to_declared_principal_roles() -> None:
    setup = {"catalogs": [{"name": "dev_iceberg_datalake_catalog", "roleArn": "arn:aws:iam::123456789012:role/x"}],
             "principals": [{"name": "fluss_user", "principalRoles": ["rf_dev_etl", "nope"]}]}
    assert error_of(minimal(polaris={"setup": setup})) == (
        f"{SRC}: polaris.setup.principals[fluss_user].principalRoles[1]: unknown principal role 'nope' "
        "(declare it in polaris.setup.principalRoles)"
    )


def test_iam_role_needs_static_keys_for_a_fluss_version_without_web_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fluss 0.9.1 can use the role (upstream/capabilities.py); a pinned version that cannot gets the error."""
    from upstream import capabilities

    doc = minimal()
    doc["objectStore"].update(credentials=None, iamRoleArn="arn:aws:iam::123456789012:role/x")
    assert parse_environment(doc, source=SRC).fluss.s3_credentials is None
    monkeypatch.setattr(capabilities, "FLUSS", dataclasses.replace(
        capabilities.FLUSS, version="0.9.0-incubating", s3_credentials=frozenset({capabilities.STATIC_KEYS})))
    assert error_of(doc) == (
        f"{SRC}: fluss.s3Credentials: required with objectStore.iamRoleArn: Fluss 0.9.0-incubating cannot reach S3 "
        "with web-identity credentials (it supports: static-keys); set it to a Secret with the keys of an IAM user "
        "limited to the Fluss bucket"
    )
    doc["fluss"] = {"s3Credentials": {"secretName": "fluss-keys"}}
    assert parse_environment(doc, source=SRC).fluss.s3_credentials is not None


def test_flink_version_without_an_iceberg_runtime_is_refused() -> None:
    assert error_of(minimal(flink={"flinkVersion": "v2_2"})) == (
        f"{SRC}: flink.flinkVersion: 'v2_2': Iceberg 1.10.1 has no Flink artifact for v2_2 (it has: v1_19, v1_20, "
        "v2_0); use one of: v1_19, v1_20"
    )
    assert error_of(minimal(flink={"flinkVersion": "v2_0"})) == (
        f"{SRC}: flink.flinkVersion: 'v2_0': Fluss 0.9.1-incubating has no Flink artifact for v2_0 (it has: v1_18, "
        "v1_19, v1_20, v2_2); use one of: v1_19, v1_20"
    )


def test_fluss_keys_cannot_reuse_the_environment_secret_with_other_keys() -> None:
    doc = minimal(fluss={"s3Credentials": {"secretName": "aws-secret", "accessKeyIdKey": "fluss_id"}})
    assert error_of(doc) == (
        f"{SRC}: fluss.s3Credentials.secretName: 'aws-secret' is the Secret of objectStore.credentials with other "
        "keys; name another Secret or use the same keys"
    )


@pytest.mark.parametrize(("image", "pinned"), [
    ("apache/polaris:1.3.0-incubating", True), ("registry.example.com:5000/flink:1.20.3", True),
    ("ghcr.io/kubeflow/spark-operator/controller:2.5.2", True), (f"postgres@sha256:{'a' * 64}", True),
    (f"postgres:17.2@sha256:{'a' * 64}", True), ("flink:latest", False), ("flink", False),
    (f"flink:latest@sha256:{'a' * 64}", False), ("Flink:1.20", False), ("flink:1.20 ", False)])
def test_config_and_validate_agree_on_pinned_images(image: str, pinned: bool) -> None:
    """One pattern: the schema's `$defs/image` is the one `validate` applies to rendered images."""
    from upstream.api_formats import PINNED_IMAGE, PINNED_IMAGE_PATTERN

    assert schema()["$defs"]["image"]["pattern"] == PINNED_IMAGE_PATTERN
    assert bool(PINNED_IMAGE.fullmatch(image)) is pinned
    doc = minimal(zookeeper={"image": image})
    if pinned:
        assert parse_environment(doc, source=SRC, expected_name="test").zookeeper.image == image
    else:
        assert error_of(doc) == (f"{SRC}: zookeeper.image: {image!r} is not an image pinned by tag or digest "
                                 "(e.g. apache/polaris:1.3.0-incubating; not :latest)")


def test_an_item_whose_name_is_not_printable_is_named_by_its_index() -> None:
    """Each error stays one line `file:line:col: path: message`: a name holding a line break is shown by index."""
    errors = located_errors(environment(flink={"jobs": [{"name": "abc\n", "jarPath": "a.jar"}]}))
    assert len(errors) == 1 and "\n" not in errors[0]
    assert errors[0].startswith("environments/test.yaml:") and ": flink.jobs[0].name: 'abc\\n' is not" in errors[0]
