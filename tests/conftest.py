"""Shared fixtures: the tests' own environments (`tests/environments/`, FIXTURE_DIR) rendered once per test session,
parsed into objects, and builders of environment documents for one test."""

from __future__ import annotations

import os
import re

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402
import yaml  # noqa: E402

from charts.synth import synthesize  # noqa: E402
from config import EnvironmentConfig, available_environments, load_environment  # noqa: E402
from config.external import ObjectKey  # noqa: E402

Manifest = dict[str, Any]
ROOT = Path(__file__).resolve().parent.parent
FIXTURE_DIR = ROOT / "tests" / "environments"
"""The tests' own environment files: `test-local`, `test-dev`, `test-prod` and `test-examples` (copies of the shipped
environments, each named for itself) and `test-reference` (the seed's reference deployment, for parity). Behaviour
tests render and read these, never `environments/*.yaml`: those belong to the users, whose ordinary edits (a job
added to dev, README "Usage") must not break `make test`. The shipped environments are checked only for what a user
relies on: they load, render, validate, and `dist/` is current (tests/test_shipped_environments.py,
tests/test_dist_snapshot.py)."""
REFERENCE = Path(os.environ.get("SHARED_DIR") or ROOT.parent / "shared") / "reference"
"""The reference deployment and upstream renders: `../shared/reference`, or `$SHARED_DIR/reference` for a checkout
that does not sit beside `shared/` (e.g. a git worktree elsewhere). CI has it; a plain clone may not: the tests that
read it skip there with the reason (`require_reference`)."""
CI = os.environ.get("CI") == "true"
"""In CI (`CI=true`) a missing input of a test is a failure, elsewhere a skip with the reason."""


def load_dir(directory: Path) -> dict[str, list[Manifest]]:
    """file name -> objects, for every `*.k8s.yaml` in `directory`."""
    return {
        path.name: [doc for doc in yaml.load_all(path.read_text(), Loader=yaml.CSafeLoader) if doc]
        for path in sorted(directory.glob("*.k8s.yaml"))
    }


def fixture_environments() -> list[str]:
    """The names of the fixture environments (FIXTURE_DIR), sorted."""
    return available_environments(FIXTURE_DIR)


def fixture_environment(name: str) -> EnvironmentConfig:
    """The fixture environment `name` (`FIXTURE_DIR/<name>.yaml`), loaded as `synth` loads an environment.

    Raises:
        ConfigError: no such fixture, or an invalid one.
    """
    return load_environment(name, FIXTURE_DIR)


@pytest.fixture(scope="session")
def rendered_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh render of every fixture environment: `<root>/<env>/*.k8s.yaml` and `kustomization.yaml`, as
    `dist/<env>/` holds them."""
    root = tmp_path_factory.mktemp("dist")
    synthesize(fixture_environments(), str(root), FIXTURE_DIR)
    return root


@pytest.fixture(scope="session")
def rendered(rendered_root: Path) -> dict[str, list[Manifest]]:
    """fixture environment -> every rendered object, in file order."""
    return {
        env: [obj for objs in load_dir(rendered_root / env).values() for obj in objs]
        for env in fixture_environments()
    }


@pytest.fixture(scope="session")
def shipped_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh render of every shipped environment (`environments/*.yaml`, the users' files): `<root>/<env>/`. Only
    for the checks a user relies on (the committed `dist/` is this render, `validate` passes), never for behaviour."""
    root = tmp_path_factory.mktemp("shipped")
    synthesize(available_environments(), str(root))
    return root


@pytest.fixture(scope="session")
def shipped(shipped_root: Path) -> dict[str, list[Manifest]]:
    """shipped environment -> every rendered object, in file order: for the judges that accept what the users ship,
    never for behaviour."""
    return {
        env: [obj for objs in load_dir(shipped_root / env).values() for obj in objs]
        for env in available_environments()
    }


def find(objects: list[Manifest], kind: str, name: str, namespace: str | None = None) -> Manifest:
    """The one object of `kind` and `name` (and `namespace` if given); fails the test if absent."""
    matches = [
        o for o in objects
        if o["kind"] == kind and o["metadata"]["name"] == name
        and (namespace is None or o["metadata"].get("namespace") == namespace)
    ]
    assert len(matches) == 1, f"expected one {kind} {namespace or '*'}/{name}, found {len(matches)}"
    return matches[0]


def reference_missing(*relative: str) -> str | None:
    """Why the reference files `relative` (paths under `REFERENCE`) cannot be read, or None when they all exist."""
    missing = [str(REFERENCE / rel) for rel in relative if not (REFERENCE / rel).exists()]
    if not missing:
        return None
    return (f"the seed's reference deployment is not here: {', '.join(missing)} missing (a checkout beside shared/ "
            f"has it, or set SHARED_DIR to the folder holding reference/)")


def require_reference(*relative: str) -> None:
    """Skip the calling test (fail it under `CI=true`) when a reference file of `relative` is missing.

    Raises:
        pytest.skip.Exception / pytest.fail.Exception: with `reference_missing`'s reason.
    """
    reason = reference_missing(*relative)
    if reason is not None:
        if CI:
            pytest.fail(reason)
        pytest.skip(reason)


def reference_cases(*relative: str, id_of: Callable[[Manifest], str]) -> list[Any]:
    """pytest parameters for `parametrize`: each object of `reference_objects(*relative)`, named by `id_of`. Without
    the reference, one skipped parameter that says why (outside CI) or a collection error (`CI=true`)."""
    reason = reference_missing(*relative)
    if reason is None:
        return [pytest.param(obj, id=id_of(obj)) for obj in reference_objects(*relative)]
    if CI:
        pytest.fail(reason)
    return [pytest.param(None, id="reference-missing", marks=pytest.mark.skip(reason=reason))]


def reference_objects(*relative: str) -> list[Manifest]:
    """Objects of reference YAML files under `../shared/reference` (a directory: every YAML file below it); in a test,
    a missing file skips it (`require_reference`)."""
    require_reference(*relative)
    result: list[Manifest] = []
    for rel in relative:
        for path in sorted((REFERENCE / rel).rglob("*.y*ml")) if (REFERENCE / rel).is_dir() else [REFERENCE / rel]:
            result += [d for d in yaml.load_all(path.read_text(), Loader=yaml.CSafeLoader)
                       if isinstance(d, dict) and "kind" in d]
    return result


SecretKey = tuple[str, str, str]
"""(namespace, Secret name, key); key `*`: every key (a whole-Secret volume, a Secret cert-manager writes)."""


def secret_reads(objects: list[Manifest]) -> dict[SecretKey, list[str]]:
    """Every Secret key the objects read -> the objects that read it: env `secretKeyRef`s, cert-manager
    `passwordSecretRef`s, secret volumes and projected secret sources (each listed item, or `*`)."""
    reads: dict[SecretKey, list[str]] = {}

    def walk(node: Any, namespace: str, reader: str) -> None:
        if isinstance(node, dict):
            for field in ("secretKeyRef", "passwordSecretRef"):
                if isinstance(node.get(field), dict):
                    reads.setdefault((namespace, node[field]["name"], node[field]["key"]), []).append(reader)
            volume = node.get("secret")
            if isinstance(volume, dict):
                name = volume.get("secretName") or volume["name"]
                for item in volume.get("items") or [{"key": "*"}]:
                    reads.setdefault((namespace, name, item["key"]), []).append(reader)
            for value in node.values():
                walk(value, namespace, reader)
        elif isinstance(node, list):
            for value in node:
                walk(value, namespace, reader)

    for obj in objects:
        if obj["kind"] not in ("Secret", "ExternalSecret") and "namespace" in obj["metadata"]:
            walk(obj, obj["metadata"]["namespace"], f"{obj['kind']}/{obj['metadata']['name']}")
    return reads


def secret_sources(objects: list[Manifest]) -> dict[tuple[str, str], tuple[str, frozenset[str]]]:
    """(namespace, Secret name) -> (what provides it, its keys) as rendered: a dev-only Secret, an ExternalSecret,
    a cert-manager Certificate (every key), or the catalog-setup Job (the Secret it writes in each of its
    CONSUMER_NAMESPACES, from its env)."""
    sources: dict[tuple[str, str], tuple[str, frozenset[str]]] = {}
    for obj in objects:
        kind, meta, spec = obj["kind"], obj["metadata"], obj.get("spec", {})
        if kind == "Secret":
            sources[(meta["namespace"], meta["name"])] = (kind, frozenset({**obj.get("stringData", {}),
                                                                            **obj.get("data", {})}))
        elif kind == "ExternalSecret":
            sources[(meta["namespace"], spec["target"]["name"])] = (kind, frozenset(d["secretKey"] for d in spec["data"]))
        elif kind == "Certificate":
            sources[(meta["namespace"], spec["secretName"])] = (kind, frozenset({"*"}))
        elif kind == "Job":
            for container in spec["template"]["spec"]["containers"]:
                env = {e["name"]: e.get("value") for e in container.get("env", [])}
                if "CONSUMER_NAMESPACES" in env:
                    for namespace in env["CONSUMER_NAMESPACES"].split():
                        sources[(namespace, env["CREDENTIAL_SECRET_NAME"])] = (
                            f"Job/{meta['name']}", frozenset({env["CREDENTIAL_SECRET_ITEM"]}))
    return sources


def unprovided_secret_reads(objects: list[Manifest]) -> dict[SecretKey, list[str]]:
    """The Secret keys the objects read that nothing rendered provides (`secret_sources`)."""
    sources = secret_sources(objects)
    return {ref: readers for ref, readers in secret_reads(objects).items()
            if not ((source := sources.get(ref[:2])) and (ref[2] in source[1] or "*" in source[1]))}


TEST_ROLE_ARN = "arn:aws:iam::123456789012:role/test-catalog"


def environment(**overrides: Any) -> dict[str, Any]:
    """A minimal cloud environment document with `overrides` merged at the top level (one level deep)."""
    doc: dict[str, Any] = {
        "environment": "test",
        "objectStore": {"type": "aws-s3", "region": "eu-north-1",
                        "buckets": {"iceberg": "ice-bucket", "flink": "flink-bucket", "fluss": "fluss-bucket"}},
        "polaris": {"setup": {"catalogs": [{"name": "dev_iceberg_datalake_catalog", "roleArn": TEST_ROLE_ARN}]}},
        "argoCd": {"repoUrl": "https://git.example.com/data-platform/lakehouse.git"},
    }
    for key, value in overrides.items():
        doc[key] = {**doc[key], **value} if isinstance(doc.get(key), dict) and isinstance(value, dict) else value
    return doc


def render_charts(doc: dict[str, Any]) -> dict[str, list[Manifest]]:
    """Chart id (the file name `dist/<env>/<id>.k8s.yaml` would have) -> the objects the platform renders into
    it for environment document `doc`, in memory: the objects `synth` writes, without the YAML round trip."""
    import cdk8s

    from charts.platform import Platform
    from config import parse_environment

    app = cdk8s.App(yaml_output_type=cdk8s.YamlOutputType.FILE_PER_CHART)
    Platform(app, parse_environment(doc, source="environments/test.yaml", expected_name="test"))
    return {chart.node.id: chart.to_json() for chart in app.charts}


def render(doc: dict[str, Any]) -> list[Manifest]:
    """Every object the platform renders for environment document `doc` (in memory)."""
    return [obj for objects in render_charts(doc).values() for obj in objects]


LOCAL_STORE = {"type": "in-cluster", "region": "eu-north-1",
               "buckets": {"iceberg": "ice-bucket", "flink": "flink-bucket", "fluss": "fluss-bucket"}}


LOCATED = re.compile(r"^environments/test\.yaml:(\d+):(\d+): ")
"""The start of an error line about the test document: file, line and column."""


def located_errors(doc: dict[str, Any]) -> list[str]:
    """The lines of the `ConfigError` environment document `doc` raises when read from YAML text (`yaml.safe_dump`
    of it, keys in order) as `environments/test.yaml`; fails the test when it raises none or a line has no line and
    column."""
    from config import ConfigError, parse_text

    with pytest.raises(ConfigError) as info:
        parse_text(yaml.safe_dump(doc, sort_keys=False), source="environments/test.yaml", expected_name="test")
    lines = str(info.value).splitlines()
    assert [line for line in lines if not LOCATED.match(line)] == []
    return lines


def config_errors(doc: dict[str, Any]) -> list[str]:
    """The lines of the `ConfigError` environment document `doc` raises (read from YAML text: `located_errors`),
    without the `environments/test.yaml:<line>:<column>: ` prefix (fails the test when it raises none)."""
    return [LOCATED.sub("", line) for line in located_errors(doc)]


def validate_errors(objects: list[Manifest], tmp_path: Path, *, partial: bool = True,
                    external: dict[ObjectKey, str] | None = None) -> list[str]:
    """Every error `validate` finds in `objects` (schemas with the pinned CRDs, rules, references within them and to
    `external`, (kind, namespace, name) -> why it exists; other references are warnings unless not `partial`)."""
    from manifests.validation.command import validate
    from manifests.validation.report import Level
    from manifests.validation.strict_schemas import SchemaStore, default_dir

    path = tmp_path / "objects.yaml"
    path.write_text(yaml.safe_dump_all(objects, sort_keys=False))
    report = validate([path], SchemaStore(default_dir()), external=external or {}, partial=partial, kubeconform=None)
    return [f.line() for f in report.findings if f.level is Level.ERROR]
