"""Every configuration file in a ConfigMap parses in its reader's dialect and reads back as written
(`upstream.file_dialects`).

A file written without its dialect's quoting or escaping passes the schemas and the API server, and fails only
when the program starts: a `config.yaml` holding `-Dx="a: b"` does not parse (Flink's JobManager stops with "Error
parsing YAML configuration."), a value `#nightly` reads as null in YAML (Flink: "Value must not be null.") and as
nothing in a flat `key: value` file, where the reader drops the text from `#` on. The dialect follows the file
name, as the readers choose it:

- `flink-conf.yaml` and `server.yaml`: flat lines (Flink's legacy reader, Fluss' reader). Errors: a line the
  reader skips (no `": "`, an empty key or value), a line whose text goes on after a `#` (dropped), a repeated key
  (the last wins, the others are lost).
- `config.yaml`: Flink's standard YAML (YAML 1.2 Core schema). Errors: the file does not parse or repeats a key
  (snakeyaml-engine refuses both), a value reads as null.
- Other `*.yaml` / `*.yml` files (the catalog store's, Fluent Bit's): YAML that parses, without repeated keys,
  and no top-level value that reads as null.
- `*.properties`: `java.util.Properties.load`. Errors: a repeated key (the last wins).

A FlinkDeployment of Flink 1.x also becomes a flat-lines file: the operator 1.14 writes its `spec
.flinkConfiguration` into the pods' `flink-conf.yaml` unquoted (`FlinkConfMountDecorator.getFlinkConfFilename`:
`config.yaml` only from Flink 2.0; `ConfigurationUtils.convertConfigToWritableLines`: `key + ": " + value`), so a
value that flat lines cannot carry is lost in the pods (`upstream.file_dialects.line_problem`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import javaproperties

from manifests.tree import FLINK_YAML_FILE, LINE_FILES
from manifests.validation.flink_config import FLINK_VERSIONS, flat_config
from manifests.validation.report import Finding, Layer, Manifest, finding
from upstream.file_dialects import (
    FileReadError,
    line_entries,
    line_problem,
    load_yaml,
    read_flink_yaml,
)

LEGACY_FLINK_VERSIONS = FLINK_VERSIONS[:FLINK_VERSIONS.index("v2_0")]
"""The `flinkVersion`s whose pods get a `flink-conf.yaml` from the operator 1.14 (before Flink 2.0)."""


def _repeated(keys: list[str]) -> list[str]:
    return sorted(key for key, count in Counter(keys).items() if count > 1)


def line_file_problems(text: str) -> Iterator[str]:
    """What a flat-lines reader does not read as written in `text`."""
    for key, value, line in line_entries(text):
        if not key or not value:
            yield f"line {line.strip()!r} is skipped by the reader (not a `key: value` pair with both set)"
        elif "#" in line:
            yield (f"line {line.strip()!r} reads as {key}: {value!r}: the reader drops the text from '#' on "
                   "(flat key: value files have no quoting)")
    for key in _repeated([key for key, value, _ in line_entries(text) if key and value]):
        yield f"key {key!r} is set more than once (the last wins)"


def yaml_file_problems(name: str, text: str) -> Iterator[str]:
    """What the YAML reader of file `name` refuses in `text`, or reads as null."""
    try:
        values = read_flink_yaml(text) if name == FLINK_YAML_FILE else _top_level(text)
    except FileReadError as error:
        yield f"does not parse as YAML: {error}"
        return
    for key, value in values.items():
        if value is None:
            yield f"{key} reads as null (quote the value)"


def _top_level(text: str) -> dict[str, str | None]:
    """Top-level keys of a YAML file and their values as text (a nested value as ''; None: null)."""
    return {str(key): None if value is None else "" if isinstance(value, dict | list) else str(value)
            for key, value in load_yaml(text).items()}


def properties_file_problems(text: str) -> Iterator[str]:
    """What `Properties.load` loses in `text`: repeated keys."""
    for key in _repeated([key for key, _ in javaproperties.loads(text, object_pairs_hook=list)]):
        yield f"key {key!r} is set more than once (the last wins)"


def file_problems(name: str, text: str) -> list[str]:
    """The problems of the configuration file `name` holding `text` in its dialect (none for other files)."""
    if name in LINE_FILES:
        return list(line_file_problems(text))
    if name.endswith((".yaml", ".yml")):
        return list(yaml_file_problems(name, text))
    if name.endswith(".properties"):
        return list(properties_file_problems(text))
    return []


def check(manifests: list[Manifest]) -> list[Finding]:
    """Findings for every ConfigMap file that does not read back as written, and every Flink 1.x FlinkDeployment
    setting the operator's `flink-conf.yaml` cannot carry."""
    findings = []
    for m in manifests:
        if m.kind == "ConfigMap":
            for name, text in sorted((m.obj.get("data") or {}).items()):
                findings += [finding(m, f"data.{name}", problem, Layer.RULE) for problem in file_problems(name, str(text))]
        elif m.kind == "FlinkDeployment" and (m.obj.get("spec") or {}).get("flinkVersion") in LEGACY_FLINK_VERSIONS:
            for key, value in flat_config((m.obj.get("spec") or {}).get("flinkConfiguration")).items():
                problem = line_problem(key, value)
                if problem:
                    findings.append(finding(
                        m, f"spec.flinkConfiguration.{key}",
                        f"the operator writes this setting into the pods' flink-conf.yaml as a flat `key: value` "
                        f"line, where {problem}", Layer.RULE))
    return findings
