"""`import` of the operators' own example folders (`tests/fixtures/upstream-examples/`, unmodified copies): every
fragment loads and renders, and each field of each input object is in the render with the same value or named in
one of import's notes. A silent difference fails."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from cli.commands import main as cli_main
from manifests.manifest_import.documents import IMPORTED_KINDS, import_manifests
from manifests.manifest_import.notes import Imported, Note
from manifests.manifest_import.reading import flatten
from tests.conftest import Manifest, environment, render

EXAMPLES = Path(__file__).parent / "fixtures" / "upstream-examples"
FLINK = EXAMPLES / "flink-kubernetes-operator-release-1.14.0"
SPARK = EXAMPLES / "spark-operator-v2.5.2"
NOT_YAML = {SPARK / "examples" / "spark-pi-prometheus.yaml"}
"""Example files that are templates, not YAML (`image: {IMAGE_REGISTRY}/...`): import names them and exits 2."""


def example_files(root: Path) -> list[Path]:
    """Every example YAML file under `root`, sorted."""
    return sorted(root.rglob("*.yaml"))


def mismatches(expected: Any, actual: Any, path: str) -> list[tuple[str, str]]:
    """(field path, what differs) for every field of `expected` that `actual` lacks or holds with another value:
    mappings by key, lists of named mappings by `[name]`, anything else by equality (an empty mapping is kept by
    any mapping, as `emptyDir: {}` is)."""
    if expected == {} and isinstance(actual, dict):
        return []
    if isinstance(expected, dict):
        if actual is None:  # each field of it is absent
            actual = {}
        if not isinstance(actual, dict):
            return [(path, f"{actual!r} is not a mapping")]
        return [m for key, value in expected.items() for m in mismatches(value, actual.get(key), f"{path}.{key}")]
    if isinstance(expected, list) and expected and all(isinstance(i, dict) and "name" in i for i in expected):
        by_name = {i.get("name"): i for i in actual or [] if isinstance(i, dict)}
        return [m for i in expected for m in mismatches(i, by_name.get(i["name"]), f"{path}[{i['name']}]")]
    if actual is None:
        return [(path, f"absent (input {expected!r})")]
    return [] if actual == expected else [(path, f"{actual!r} != {expected!r}")]


def comparable(obj: Manifest) -> Manifest:
    """An input object as the render is compared with: `flinkConfiguration` flattened (keys with dots), `metadata`
    limited to name, labels and annotations (the namespace is compared by import's notes)."""
    obj = copy.deepcopy(obj)
    spec = obj.get("spec") or {}
    if "flinkConfiguration" in spec:
        spec["flinkConfiguration"] = flatten(spec["flinkConfiguration"])
    meta = obj.get("metadata") or {}
    obj["metadata"] = {k: meta[k] for k in ("name", "labels", "annotations") if k in meta}
    return obj


def covered(path: str, notes: list[Note]) -> bool:
    """Whether a note names field `path` or a field or list item that holds it."""
    return any(path == n.path or path.startswith((f"{n.path}.", f"{n.path}[")) for n in notes)


def differences(inputs: list[Manifest], rendered: list[Manifest], imported: Imported) -> list[str]:
    """Every field of the inputs that the render of the same kind and name lacks or changes and that no note of
    that object names. Flink paths are compared with their flattened `flinkConfiguration` keys (`a.b.c`); a common
    pod-template field counts as kept when both roles' templates hold it (the operator merges the common template
    into each role's, and the platform writes options there)."""
    problems = []
    for obj in inputs:
        kind, name = obj["kind"], obj["metadata"]["name"]
        notes = [n for n in imported.notes if n.where == f"{kind}/{name}"]
        if kind not in IMPORTED_KINDS or any(n.message.startswith("skipped") for n in notes):
            assert notes, f"{kind}/{name}: not imported, without a note"
            continue
        ours = [o for o in rendered if o["kind"] == kind and o["metadata"]["name"] == name]
        assert len(ours) == 1, f"{kind}/{name}: rendered {len(ours)} times"
        actual, expected = comparable(ours[0]), comparable(obj)
        found = mismatches(expected["metadata"], actual["metadata"], "metadata")
        common = expected["spec"].pop("podTemplate", None)
        found += mismatches(expected["spec"], actual["spec"], "spec")
        if common is not None:  # kept in the common template, or in both roles' templates
            in_roles = {path.replace(f"spec.{role}.podTemplate", "spec.podTemplate", 1)
                        for role in ("jobManager", "taskManager") for path, _ in
                        mismatches(common, (actual["spec"].get(role) or {}).get("podTemplate"),
                                   f"spec.{role}.podTemplate")}
            found += [(path, what) for path, what in
                      mismatches(common, actual["spec"].get("podTemplate"), "spec.podTemplate") if path in in_roles]
        problems += [f"{kind}/{name}: {path}: {what}" for path, what in found if not covered(path, notes)]
    return problems


def _merged(imported: Imported) -> dict[str, Any]:
    """A test environment with the fragment merged in, and an application cluster for each job a snapshot names
    that the fragment lacks (as the target environment would have it: import notes such a snapshot)."""
    doc = environment()
    for section, values in imported.fragment().items():
        doc[section] = {**doc.get(section, {}), **values}
    known = {d["name"] for d in imported.flink.get("deployments", []) if d.get("job")} | {
        j["name"] for j in imported.flink.get("jobs", [])}
    for job in sorted({s["job"] for s in imported.flink.get("snapshots", [])} - known):
        doc["flink"].setdefault("deployments", []).append(
            {"name": job, "job": {"jarPath": "jobs/a.jar", "parallelism": 1, "upgradeMode": "savepoint"}})
    return doc


CASES = [pytest.param(path, id=str(path.relative_to(EXAMPLES))) for root in (FLINK, SPARK)
         for path in example_files(root) if path not in NOT_YAML]


@pytest.mark.parametrize("path", CASES)
def test_each_example_loads_renders_and_keeps_every_field_or_names_it(path: Path) -> None:
    inputs = [d for d in yaml.safe_load_all(path.read_text()) if isinstance(d, dict)]
    imported = import_manifests(inputs)
    assert differences(inputs, render(_merged(imported)), imported) == []


def test_the_examples_cover_every_kind_import_reads() -> None:
    kinds = {d["kind"] for path in example_files(EXAMPLES) if path not in NOT_YAML
             for d in yaml.safe_load_all(path.read_text()) if isinstance(d, dict)}
    assert kinds >= set(IMPORTED_KINDS)
    assert len(CASES) == 37


def test_a_second_object_of_one_kind_and_name_is_noted_and_skipped() -> None:
    documents = [d for name in ("spark-pi.yaml", "spark-pi-emptydir.yaml")
                 for d in yaml.safe_load_all((SPARK / "examples" / name).read_text())]
    imported = import_manifests(documents)
    assert len(imported.spark["applications"]) == 1
    assert str(imported.notes[-1]) == ("SparkApplication/spark-pi: metadata.name: skipped: an object of this kind "
                                       "and name was imported before")


def test_a_template_that_is_not_yaml_is_named_and_nothing_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    (path,) = NOT_YAML
    assert cli_main(["import", str(path), str(SPARK / "examples" / "spark-pi.yaml")]) == 2
    out = capsys.readouterr()
    assert out.out == ""
    assert out.err.startswith(f"error: {path}: not valid YAML")


def test_objects_of_other_kinds_are_noted_and_skipped() -> None:
    documents = [d for d in yaml.safe_load_all((SPARK / "examples" / "spark-pi-pod-template.yaml").read_text()) if d]
    imported = import_manifests(documents)
    skipped = [str(n) for n in imported.notes if n.path == "kind"]
    assert [s.split(":")[0] for s in skipped] == [f"{d['kind']}/{d['metadata']['name']}" for d in documents
                                                  if d["kind"] not in IMPORTED_KINDS]
    assert len(skipped) == 4 and [a["name"] for a in imported.spark["applications"]] == ["spark-pi-pod-template"]
