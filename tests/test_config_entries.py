"""`manifests.tree.config_entries` reads a config file's settings as the file's own reader does: the writers of
`upstream.file_dialects` write values holding `: `, `#`, `=` and quotes, and each reads back as written."""

from __future__ import annotations

import pytest

from manifests.credential_scan import scan
from manifests.tree import config_entries
from upstream.file_dialects import line_file, properties_file, yaml_file

TRICKY = {"env.java.opts": '-Dx="a: b" -Dy=c=d', "pipeline.name": "#nightly", "s3.endpoint": "http://minio:9000",
          "plain": "value"}
"""Values the old line pattern misread: a quoted `: `, a leading `#` (YAML quotes it), a URL with `:`."""


@pytest.mark.parametrize("name, text", [
    ("config.yaml", yaml_file(TRICKY)),
    ("catalog.yaml", yaml_file(TRICKY)),
    ("application.properties", properties_file(TRICKY)),
    ("log4j-console.properties", properties_file(TRICKY, separator=" = ")),
])
def test_a_written_file_reads_back_as_written(name: str, text: str) -> None:
    assert dict(config_entries(text, name)) == TRICKY


def test_flat_lines_read_as_flink_reads_them() -> None:
    flat = {k: v for k, v in TRICKY.items() if "#" not in v}
    text = line_file(flat) + "state.backend.type: rocksdb # a comment\nno separator here\nkey:value\n"
    assert dict(config_entries(text, "flink-conf.yaml")) == {**flat, "state.backend.type": "rocksdb"}
    # Flink's reader splits at the first ": " and drops the text from "#" on; a line without ": " is skipped.
    assert list(config_entries("a: b: c\nx: #y\n", "server.yaml")) == [("a", "b: c")]


def test_nested_yaml_keys_are_dotted_and_nulls_and_broken_files_give_nothing() -> None:
    text = "pipeline:\n  outputs:\n    - name: http\n      http_passwd: hunter2\nempty: ~\n"
    assert dict(config_entries(text, "fluent-bit.yaml")) == {"pipeline.outputs[0].name": "http",
                                                            "pipeline.outputs[0].http_passwd": "hunter2"}
    assert list(config_entries("a: 1\na: 2\n", "catalog.yaml")) == []  # repeated key: the reader refuses the file
    assert list(config_entries("a: [1\n", "config.yaml")) == []


def test_unnamed_text_reads_as_java_properties() -> None:
    assert list(config_entries("# comment\nPASSWORD=x\nuser: y\n")) == [("PASSWORD", "x"), ("user", "y")]


def test_the_credential_scan_reads_each_file_in_its_dialect() -> None:
    config_map = {"kind": "ConfigMap", "metadata": {"name": "c", "namespace": "n"}, "data": {
        "server.yaml": "remote.data.dir: s3://lake # token: abc\n",
        "config.yaml": yaml_file({"s3.secret-key": "#literal", "s3.access-key": "${S3_ACCESS_KEY}"}),
        "fluent-bit.yaml": "pipeline:\n  outputs:\n    - http_passwd: hunter2\n"}}
    assert scan(config_map) == [
        "ConfigMap/n/c: data.config.yaml: 's3.secret-key' set to a literal",
        "ConfigMap/n/c: data.fluent-bit.yaml: 'pipeline.outputs[0].http_passwd' set to a literal"]
