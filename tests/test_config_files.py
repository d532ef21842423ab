"""Configuration files are written in their readers' dialects (upstream/file_dialects.py) and `validate` parses every
rendered one (manifests/validation/config_files.py): values that need quoting or escaping read back as set, what a
dialect cannot carry is refused where it is set, and hand-made files that do not read back are errors.
The readers here are the project's; tests/judges/test_config_file_readers.py holds them to Flink's and Java's own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from manifests.validation import config_files
from manifests.validation.report import Manifest as Loaded
from tests.conftest import Manifest, config_errors, environment, find, render, validate_errors
from upstream.file_dialects import (
    LineFileError,
    line_file,
    properties_file,
    read_flink_yaml,
    read_line_file,
    read_properties,
    read_text_yaml,
    yaml_file,
)

TRICKY: dict[str, str | int] = {
    "java.opts": '-Dx="a: b"',
    "pipeline.name": "#nightly",
    "leading.space": " padded",
    "trailing.space": "padded ",
    "equals": "key=with=equals",
    "unicode": "café ✓ 😀",
    "true.looking": "true",
    "True.looking": "True",
    "null.looking": "null",
    "tilde": "~",
    "empty": "",
    "exponent": "1e3",
    "octal": "0o17",
    "hex": "0x1F",
    "decimal.zeros": "0.10",
    "infinity": ".inf",
    "plus": "+5",
    "backslash": "C:\\temp\\",
    "colon.space": "a: b",
    "alias": "*ref",
    "dash": "-",
    "percent": "%d{HH:mm:ss,SSS} %-5p",
    "line.break": "one\ntwo",
    "tab": "a\tb",
}
"""Values a naive `key: value` writer gets wrong, each for a reason named by its key."""
PLAIN: dict[str, str | int] = {"port": "8081", "flag": "true", "path": "s3://bucket/a/b", "duration": "15 s", "ref": "env:CREDENTIAL",
         "opts": "-Dkey=value", "ratio": "0.5", "count": 3}
"""Values every reader reads back from a plain scalar: written unquoted, as before (dist/ unchanged)."""


def test_yaml_values_read_back_as_set_by_flink_and_by_the_catalog_store() -> None:
    text = yaml_file({**TRICKY, **PLAIN})
    expected = {key: str(value) for key, value in {**TRICKY, **PLAIN}.items()}
    assert read_flink_yaml(text) == expected
    assert read_text_yaml(text) == expected


def test_yaml_quotes_only_what_a_reader_would_misread() -> None:
    lines = yaml_file(PLAIN, sort_keys=False).splitlines()
    assert lines == ["port: 8081", "flag: true", "path: s3://bucket/a/b", "duration: 15 s", "ref: env:CREDENTIAL",
                     "opts: -Dkey=value", "ratio: 0.5", "count: 3"]
    quoted = yaml.safe_load(yaml_file(TRICKY))  # quoted or not, PyYAML's 1.1 reading agrees on strings
    assert quoted["pipeline.name"] == "#nightly" and quoted["exponent"] == "1e3" and quoted["octal"] == "0o17"
    text = yaml_file({"a": "#nightly", "b": '-Dx="a: b"', "c": "1e3", "d": "True", "e": "null"}, sort_keys=False)
    assert text == "a: '#nightly'\nb: '-Dx=\"a: b\"'\nc: '1e3'\nd: 'True'\ne: 'null'\n"


def test_yaml_keeps_the_given_order_or_sorts() -> None:
    assert yaml_file({"b": "1", "a": "2"}, sort_keys=False) == "b: 1\na: 2\n"
    assert yaml_file({"b": "1", "a": "2"}) == "a: 2\nb: 1\n"
    assert yaml_file({}) == ""


@pytest.mark.parametrize("separator", ["=", " = "])
def test_properties_values_and_keys_read_back_as_set(separator: str) -> None:
    settings = {**TRICKY, **PLAIN, "key with space:=#!": "v", "#comment.like": "v", 'quarkus."a.b".level': "INFO"}
    text = properties_file(settings, separator=separator)
    assert read_properties(text) == {key: str(value) for key, value in settings.items()}
    assert text.isascii()  # log4j2 reads an input stream as ISO-8859-1: everything else as \uXXXX


def test_properties_escape_only_what_load_needs() -> None:
    text = properties_file({"pattern": "%d{HH:mm:ss,SSS} %-5p", "lead": " x", "path": "C:\\t", "e": "é"},
                           separator=" = ", sort_keys=False)
    assert text.splitlines() == ["pattern = %d{HH:mm:ss,SSS} %-5p", "lead = \\ x", "path = C:\\\\t", "e = \\u00E9"]


def test_line_files_carry_what_their_reader_reads_and_refuse_the_rest() -> None:
    carried = {key: value for key, value in {**TRICKY, **PLAIN}.items()
               if key in ("java.opts", "equals", "unicode", "true.looking", "null.looking", "exponent",
                          "backslash", "colon.space", "percent")}
    assert read_line_file(line_file(carried)) == carried
    for key in ("pipeline.name", "leading.space", "trailing.space", "empty", "line.break"):
        with pytest.raises(LineFileError, match=key):
            line_file({key: TRICKY[key]})
    with pytest.raises(LineFileError, match="splits key from value"):
        line_file({"a: b": "c"})


def test_standalone_config_yaml_carries_values_that_need_quoting(tmp_path: Path) -> None:
    values = {"env.java.opts.all": '-Dx="a: b"', "pipeline.name": "#nightly", "metrics.scope.jm": "1e3",
              "execution.runtime-mode": "streaming"}
    deployment = {"name": "quoted", "backend": "standalone", "highAvailability": False, "job": None,
                  "taskManager": {"replicas": 1}, "flinkConfiguration": values}
    objects = render(environment(flink={"deployments": [deployment]}))
    conf = read_flink_yaml(find(objects, "ConfigMap", "quoted-config")["data"]["config.yaml"])
    assert {key: conf[key] for key in values} == values
    assert not [e for e in validate_errors(objects, tmp_path) if "config.yaml" in e or "flinkConfiguration" in e]


def test_fluss_paths_server_yaml_cannot_carry_are_refused_at_load() -> None:
    errors = config_errors(environment(fluss={"remoteDataPath": "data #1"}))
    assert errors == ["fluss.remoteDataPath: cannot be written to Fluss' server.yaml (flat key: value lines): the "
                      "value holds '#', where the reader's comment starts (the rest of the line is dropped)"]


def _config_map(name: str, text: str) -> Manifest:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "conf", "namespace": "flink"},
            "data": {name: text}}


def _problems(*objects: Manifest) -> list[str]:
    return [f"{f.field}: {f.message}" for f in config_files.check([Loaded("bad.yaml", o) for o in objects])]


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("config.yaml", 'env.java.opts.all: -Dx="a: b"\n',
     "data.config.yaml: does not parse as YAML: mapping values are not allowed here"),
    ("config.yaml", "pipeline.name: #nightly\n", "data.config.yaml: pipeline.name reads as null (quote the value)"),
    ("config.yaml", "a: 1\na: 2\n", "data.config.yaml: does not parse as YAML: while constructing a mapping"),
    ("config.yaml", "- a\n", "data.config.yaml: does not parse as YAML: the file is a YAML list, not a mapping"),
    ("rest_iceberg.yaml", "warehouse: ~\n", "data.rest_iceberg.yaml: warehouse reads as null (quote the value)"),
    ("flink-conf.yaml", "pipeline.name: #nightly\n",
     "data.flink-conf.yaml: line 'pipeline.name: #nightly' is skipped by the reader"),
    ("server.yaml", "remote.data.dir: s3://b/data#1\n",
     "data.server.yaml: line 'remote.data.dir: s3://b/data#1' reads as remote.data.dir: 's3://b/data': the reader "
     "drops the text from '#' on"),
    ("server.yaml", "zookeeper.address:zk:2181\n", "data.server.yaml: line 'zookeeper.address:zk:2181' is skipped"),
    ("server.yaml", "a: 1\na: 2\n", "data.server.yaml: key 'a' is set more than once (the last wins)"),
    ("application.properties", "a=1\na=2\n",
     "data.application.properties: key 'a' is set more than once (the last wins)"),
])
def test_config_files_that_do_not_read_back_are_errors(name: str, text: str, expected: str) -> None:
    problems = _problems(_config_map(name, text))
    assert len(problems) == 1 and problems[0].startswith(expected), problems


def test_well_formed_files_and_other_data_pass() -> None:
    good = [_config_map("config.yaml", yaml_file(TRICKY)), _config_map("c.yaml", yaml_file(TRICKY)),
            _config_map("server.yaml", "# comment\n\na: b: c\n"), _config_map("x.properties", properties_file(TRICKY)),
            _config_map("fluent-bit.yaml", "service:\n  flush: 1\npipeline:\n  inputs: []\n"),
            _config_map("script.sh", "a: #b\n")]
    assert _problems(*good) == []


def _deployment(version: str, conf: dict[str, Any]) -> Manifest:
    return {"apiVersion": "flink.apache.org/v1beta1", "kind": "FlinkDeployment",
            "metadata": {"name": "job", "namespace": "flink"},
            "spec": {"flinkVersion": version, "flinkConfiguration": conf}}


def test_flink_1_settings_the_operators_flink_conf_cannot_carry_are_errors() -> None:
    conf = {"pipeline.name": "#nightly", "env.java.opts.all": '-Dx="a: b"'}
    assert _problems(_deployment("v1_20", conf)) == [
        "spec.flinkConfiguration.pipeline.name: the operator writes this setting into the pods' flink-conf.yaml as a "
        "flat `key: value` line, where the value holds '#', where the reader's comment starts (the rest of the line "
        "is dropped)"]
    assert _problems(_deployment("v2_0", conf)) == []  # written as config.yaml, in standard YAML


def test_validate_runs_the_rule(tmp_path: Path) -> None:
    errors = validate_errors([_config_map("config.yaml", "a: #b\n")], tmp_path)
    assert [e for e in errors if "data.config.yaml" in e and "reads as null" in e], errors
