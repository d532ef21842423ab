"""Flink configuration keys are Flink 1.20.3's own (upstream.flink_keys, from upstream/data/flink-1.20.3-options.json,
which the Flink options judge generates from the release's jars): the config refuses an unknown or renamed
`flinkConfiguration` key naming the right one, and `validate` finds them wherever a manifest writes Flink keys."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from config.loading import SCHEMA_PATH
from config.platform_keys import platform_setting
from tests.conftest import Manifest, config_errors, environment, find, render, validate_errors
from tests.test_flink_standalone import APPLICATION as STANDALONE
from upstream.flink_keys import DATA_FILE, OPEN_PREFIXES, SCOPED_OPTIONS, TABLE_OPTIONS, flink_keys
from upstream.flink_options import PLATFORM_KEYS


@pytest.mark.parametrize(("key", "problem"), [
    ("execution.checkpointing.intervall",
     "not a Flink 1.20.3 option; did you mean 'execution.checkpointing.interval'?"),
    ("taskmanager.numberOfTaskSlot", "not a Flink 1.20.3 option; did you mean 'taskmanager.numberOfTaskSlots'?"),
    ("zzz.qqq", "not a Flink 1.20.3 option, nor under an open prefix (upstream.flink_keys.OPEN_PREFIXES)"),
    ("kubernetes.pod-template-file", "deprecated in Flink 1.20.3: use kubernetes.pod-template-file.default (the "
                                     "platform writes and accepts only current names)"),
    ("env.java.opts", "deprecated in Flink 1.20.3: use env.java.opts.all (the platform writes and accepts only "
                      "current names)"),
    ("state.backend.local-recovery", "deprecated in Flink 1.20.3: use execution.checkpointing.local-backup.enabled "
                                     "and execution.state-recovery.from-local (the platform writes and accepts only "
                                     "current names)"),
    ("kubernetes.operator.default-configuration.flink-version.v1_20.web.tmpdirr",
     "web.tmpdirr: not a Flink 1.20.3 option; did you mean 'web.tmpdir'?"),
    ("kubernetes.operator.default-configuration.flink-version.v1_19+.state.savepoints.dir",
     "state.savepoints.dir: deprecated in Flink 1.20.3: use execution.checkpointing.savepoint-dir (the platform "
     "writes and accepts only current names)"),
    ("kubernetes.operator.default-configuration.namespace.team-a.rest.prot",
     "rest.prot: not a Flink 1.20.3 option; did you mean 'rest.port'?"),
])
def test_unknown_and_renamed_keys_are_refused_naming_the_right_one(key: str, problem: str) -> None:
    assert flink_keys().problem(key) == problem


@pytest.mark.parametrize("key", [
    "execution.checkpointing.interval",  # declared by two classes (one deprecated): current
    "kubernetes.jobmanager.annotations",
    "kubernetes.jobmanager.annotations.example.com/team",  # a map option, entry by entry
    "pipeline.global-job-parameters.region",
    "metrics.reporter.prom.factory.class",  # a suffix option under metrics.reporter.<name>
    "metrics.reporter.prom.port",  # metrics.reporter.<name>.<parameter>: any reporter setting
    "sql-gateway.endpoint.rest.address",  # SqlGatewayRestOptions, under the REST endpoint's prefix
    "table.catalog-store.file.path",  # FileCatalogStoreFactoryOptions
    "flink.hadoop.fs.s3a.connection.maximum",  # flink.hadoop.<key>
    "kubernetes.operator.reconcile.interval", "job.autoscaler.enabled", "s3.endpoint", "fs.s3a.path.style.access",
    "kubernetes.operator.default-configuration.flink-version.v1_18.env.java.opts",  # another release's key: not judged
])
def test_keys_flink_reads_and_open_prefixes_are_accepted(key: str) -> None:
    assert flink_keys().problem(key) is None


def test_table_and_scoped_options_are_not_keys_by_their_bare_names() -> None:
    keys = flink_keys()
    assert {keys.problem(k) is None for k in ("connector", "format", "path", "address", "sink.parallelism")} == {False}
    assert keys.problem("sql-gateway.endpoint.type") is None and keys.problem("table.catalog-store.kind") is None


def test_open_prefixes_hide_no_option_flink_lists() -> None:
    """An open prefix accepts anything under it: it must not cover keys the list could judge (a typo there would
    pass)."""
    covered = sorted(k for k in flink_keys().options for prefix, _ in OPEN_PREFIXES if k.startswith(prefix))
    assert covered == []


def test_docs_list_every_open_prefix() -> None:
    """The table of open prefixes (docs/reference/flink-configuration-keys.md) is the one of upstream.flink_keys."""
    page = Path(__file__).resolve().parent.parent / "docs" / "reference" / "flink-configuration-keys.md"
    table = page.read_text().split("| prefix | why it is open |", 1)[1].split("\n\n", 1)[0]
    assert sorted(re.findall(r"`([a-z0-9.-]+\.)`", table)) == sorted(prefix for prefix, _ in OPEN_PREFIXES)


def test_every_relative_key_of_the_jars_is_placed() -> None:
    """A key without a dot is either a real top-level key, a suffix option, or belongs to a class declared as table
    options or read under a prefix: a new release bringing other relative options fails here, not in a user's
    cluster."""
    options = json.loads(DATA_FILE.read_text())["options"]
    unplaced = sorted({(o["key"], o["class"]) for o in options if "." not in o["key"] and not o["suffixOf"]
                       and o["class"] not in SCOPED_OPTIONS and o["class"] not in TABLE_OPTIONS})
    assert unplaced == [("class", "org.apache.flink.configuration.MetricOptions"),
                        ("external-resources", "org.apache.flink.configuration.ExternalResourceOptions"),
                        ("scheduler-mode", "org.apache.flink.configuration.JobManagerOptions")]


def test_config_refuses_unknown_and_renamed_flink_configuration_keys() -> None:
    deployment = {"name": "orders", "job": None,
                  "flinkConfiguration": {"execution.checkpointing.timeot": "10 min", "env.java.opts": "-Xss2m",
                                         "kubernetes.operator.job.restart.failed": True,
                                         "kubernetes.jobmanager.annotations.team": "payments", "rest.flamegraph.enabled": True,
                                         "parallelism.default": 4, "execution.checkpointing.timeout": "1 hr",
                                         "table.exec.sink.not-null-enforcer": "drop", "blob.service.cleanup.interval": "1 h"}}
    assert sorted(config_errors(environment(flink={"deployments": [deployment]}))) == sorted([
        "flink.deployments[orders].flinkConfiguration.blob.service.cleanup.interval: Could not parse value '1 h' for key "
        "'blob.service.cleanup.interval' (Flink 1.20.3 type Long): For input string: \"1 h\"",
        "flink.deployments[orders].flinkConfiguration.env.java.opts: deprecated in Flink 1.20.3: use env.java.opts.all "
        "(the platform writes and accepts only current names)",
        "flink.deployments[orders].flinkConfiguration.execution.checkpointing.timeot: not a Flink 1.20.3 option; did you "
        "mean 'execution.checkpointing.timeout'?",
        "flink.deployments[orders].flinkConfiguration.execution.checkpointing.timeout: Could not parse value '1 hr' for "
        "key 'execution.checkpointing.timeout' (Flink 1.20.3 type Duration): Time interval unit label 'hr' does not "
        "match any of the recognized units: DAYS: (d | day | days), HOURS: (h | hour | hours), MINUTES: (min | m | "
        "minute | minutes), SECONDS: (s | sec | secs | second | seconds), MILLISECONDS: (ms | milli | millis | "
        "millisecond | milliseconds), MICROSECONDS: (\u00b5s | micro | micros | microsecond | microseconds), "
        "NANOSECONDS: (ns | nano | nanos | nanosecond | nanoseconds)",
    ])


def _flink_conf_lines(text: str, extra: str) -> str:
    return text.rstrip("\n") + "\n" + extra + "\n"


def test_validate_finds_flink_keys_wherever_manifests_write_them(tmp_path: Path) -> None:
    """A FlinkDeployment's flinkConfiguration, the operator's default configuration (and its per-version keys), a
    standalone cluster's config.yaml and the SQL Gateway's -D dynamic properties."""
    objects: list[Manifest] = copy.deepcopy(render(environment(flink={"deployments": [STANDALONE]})))
    session = find(objects, "FlinkDeployment", "flink-session")
    session["spec"]["flinkConfiguration"].update({"execution.checkpointing.intervall": "1 min",
                                                  "execution.checkpointing.mode": "EXACTLY-ONCE"})
    operator_config = find(objects, "ConfigMap", "flink-operator-config")
    operator_config["data"]["flink-conf.yaml"] = _flink_conf_lines(
        operator_config["data"]["flink-conf.yaml"],
        "kubernetes.operator.default-configuration.flink-version.v1_20.taskmanager.numberOfTaskSlot: 2")
    standalone_config = find(objects, "ConfigMap", "fraud-scoring-config")
    conf: dict[str, Any] = yaml.safe_load(standalone_config["data"]["config.yaml"])
    standalone_config["data"]["config.yaml"] = yaml.safe_dump({**conf, "state.backend.local-recovery": True})
    gateway = find(objects, "Deployment", "flink-sql-gateway")["spec"]["template"]["spec"]["containers"][0]
    gateway["command"].append("-Dsql-gateway.endpoint.rest.prot=8083")
    errors = [line for line in validate_errors(objects, tmp_path) if "Flink 1.20.3" in line]
    assert [" ".join(line.split()[3:]) for line in errors] == [
        "ConfigMap/flink/fraud-scoring-config data.config.yaml state.backend.local-recovery: deprecated in Flink "
        "1.20.3: use execution.checkpointing.local-backup.enabled and execution.state-recovery.from-local (the "
        "platform writes and accepts only current names)",
        "ConfigMap/technical-flink-operator/flink-operator-config data.flink-conf.yaml "
        "kubernetes.operator.default-configuration.flink-version.v1_20.taskmanager.numberOfTaskSlot: "
        "taskmanager.numberOfTaskSlot: not a Flink 1.20.3 option; did you mean 'taskmanager.numberOfTaskSlots'?",
        "Deployment/flink/flink-sql-gateway spec.template.spec.containers[0] -Dsql-gateway.endpoint.rest.prot: not a "
        "Flink 1.20.3 option; did you mean 'sql-gateway.endpoint.rest.port'?",
        "FlinkDeployment/flink/flink-session spec.flinkConfiguration execution.checkpointing.intervall: not a Flink "
        "1.20.3 option; did you mean 'execution.checkpointing.interval'?",
        "FlinkDeployment/flink/flink-session spec.flinkConfiguration execution.checkpointing.mode: Could not parse "
        "value 'EXACTLY-ONCE' for key 'execution.checkpointing.mode' (Flink 1.20.3 type Enum): Could not parse value "
        "for enum. Expected one of: [EXACTLY_ONCE, AT_LEAST_ONCE]",
    ]


def test_every_platform_key_names_the_typed_setting_that_sets_it() -> None:
    """`flinkConfiguration` refuses each platform key naming where it is set instead: a path that exists in the
    schema of a FlinkDeployment entry, or the platform's own state directories."""
    schema = json.loads(SCHEMA_PATH.read_text())
    deployment = schema["properties"]["flink"]["properties"]["deployments"]["items"]

    def resolve(node: dict[str, Any], path: list[str]) -> bool:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[1]] if "$ref" in node else node
        if not path:
            return True
        children = node.get("properties", {})
        return path[0] in children and resolve(children[path[0]], path[1:])

    always = {key for key in PLATFORM_KEYS if platform_setting(key).startswith("it always writes it")}
    assert {"execution.checkpointing.dir", "state.checkpoints.dir", "high-availability.storageDir"} <= always
    for key in PLATFORM_KEYS - always:
        found = re.match(r"use the typed setting ([\w.]+)", platform_setting(key))
        assert found and resolve(deployment, found[1].split(".")), (key, platform_setting(key))
    assert platform_setting("state.backend") == platform_setting("state.backend.type") == \
        "use the typed setting checkpointing.stateBackend"
