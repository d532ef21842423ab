"""`import --into` (`config.environment_edit`): the fragment is spliced into the environment file's text, so the
result is the file as it was with only the new lines added, and it holds the file's data with the fragment merged
in."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import pytest
import yaml

from cli.commands import main as cli_main
from config import parse_text
from config.environment_edit import merged_text
from config.loading import ConfigError
from tests.conftest import find, render
from tests.test_import import BASIC, ENV_FILE, SPARK_PI

RICH = """# yaml-language-server: $schema=../environments/config.schema.json
# the orders team's environment

environment: test   # the name of this file
objectStore:
  type: 'aws-s3'
  region: "eu-north-1"
  buckets: {iceberg: ice-bucket, flink: flink-bucket,
            fluss: fluss-bucket}
polaris:
  setup:
    catalogs:
      - name: dev_iceberg_datalake_catalog
        roleArn: "arn:aws:iam::123456789012:role/test-catalog"
argoCd:
  repoUrl: https://git.example.com/data-platform/lakehouse.git

flink:
  # the team's clusters
  deployments:
    - name: ingest
      labels: &team {team: orders, cost-center: "4711"}
      flinkConfiguration: {pipeline.max-parallelism: "128"}
      job:
        jarPath: jobs/ingest.jar
        parallelism: 1
        args: ["--bootstrap", "${fluss.bootstrapServers}", "--database", "bronze", "--table", "customer",
               "--pipeline.name", "bronze-ingest-customer", "--entity", "customer", "--checkpoints", "30s",
               "--sink.fluss.database", "bronze"]   # the customer feed

    - name: enrich
      labels: *team
      job:
        jarPath: 'jobs/enrich.jar'
        args: ["--source", "bronze.customer",
               "--sink", "silver.customer"]  # the last item ends on a flow list over two lines
    # a retired cluster, kept for reference:
    # - name: legacy

  # jobs on session clusters come later
spark:
  applications:
    - name: nightly
      mainApplicationFile: local:///opt/spark/examples/jars/spark-examples.jar
      mainClass: org.apache.spark.examples.SparkPi
      image: docker.io/apache/spark:4.0.4
      sparkVersion: 4.0.4
      arguments: ["1000",
                  "--verbose"]
# end of file
"""


def added_only(before: str, after: str) -> list[str]:
    """The lines `after` adds to `before`; fails the test when a line of `before` changed or went."""
    diff = list(difflib.ndiff(before.splitlines(keepends=True), after.splitlines(keepends=True)))
    changed = [line for line in diff if line.startswith(("- ", "? "))]
    assert changed == [], "".join(changed)
    return [line[2:] for line in diff if line.startswith("+ ")]


def into(tmp_path: Path, text: str, *manifests: str) -> int:
    """The exit code of `import <manifests> --into <tmp_path>/test.yaml`, the file holding `text` before."""
    (tmp_path / "in.yaml").write_text("---\n".join(manifests))
    target = tmp_path / "test.yaml"
    target.write_bytes(text.encode())
    return cli_main(["import", str(tmp_path / "in.yaml"), "--into", str(target)])


def imported_into(tmp_path: Path, text: str, *manifests: str) -> str:
    """The file's text after a successful `into`."""
    assert into(tmp_path, text, *manifests) == 0
    return (tmp_path / "test.yaml").read_bytes().decode()


def refused(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, *manifests: str) -> str:
    """What `into` prints on stderr when it exits 2; fails the test unless the file and its folder are as before."""
    assert into(tmp_path, text, *manifests) == 2
    assert (tmp_path / "test.yaml").read_bytes().decode() == text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.yaml", "test.yaml"]  # no temporary file left
    return capsys.readouterr().err


def test_into_adds_lines_and_changes_none_of_the_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    merged = imported_into(tmp_path, RICH, BASIC, SPARK_PI.split("---")[0])
    target = tmp_path / "test.yaml"
    assert capsys.readouterr().out == f"merged into {target}: 1 flink.deployments, 1 spark.applications\n"
    added = added_only(RICH, merged)
    assert added[0] == "    - name: basic-example\n"
    assert "    - name: spark-pi\n" in added
    # the new deployment follows the last line of the last one (the flow list's second line) and comes before the
    # comment lines after it; the new application follows the application's flow list, before the file's last comment
    lines = merged.splitlines()
    first = lines.index("    - name: basic-example")
    assert lines[first - 1].endswith('"--sink", "silver.customer"]  # the last item ends on a flow list over two lines')
    assert "        upgradeMode: stateless\n    # a retired cluster, kept for reference:\n" in merged
    assert lines[lines.index("    - name: spark-pi") - 1] == '                  "--verbose"]'
    assert lines[-1] == "# end of file"
    assert max(len(line) for line in merged.splitlines()) <= 120
    config = parse_text(merged, source=str(target), expected_name="test")
    assert [d.name for d in config.flink.deployments] == ["ingest", "enrich", "basic-example"]
    assert [a.name for a in config.spark.applications] == ["nightly", "spark-pi"]
    objects = render(yaml.safe_load(merged))
    deployment = find(objects, "FlinkDeployment", "basic-example")
    assert deployment["spec"]["job"]["jarURI"] == "local:///opt/flink/examples/streaming/StateMachineExample.jar"
    assert find(objects, "FlinkDeployment", "enrich")["metadata"]["labels"]["team"] == "orders"


def test_keys_the_file_lacks_go_at_the_end_of_their_parent_and_of_the_file(tmp_path: Path) -> None:
    text = RICH.split("spark:\n")[0].replace("  deployments:", "  teamNamespaces:\n    - name: orders\n  deployments:")
    merged = imported_into(tmp_path, text, SESSION_JOB, SPARK_PI.split("---")[0])
    added = added_only(text, merged)
    assert added[:2] == ["  jobs:\n", "    - name: orders-job\n"]
    assert "spark:\n" in added
    lines = merged.splitlines()
    assert lines[lines.index("  jobs:") - 1].endswith('"--sink", "silver.customer"]  # the last item ends on a flow '
                                                      "list over two lines")
    assert merged.endswith("  # jobs on session clusters come later\nspark:\n  applications:\n    - name: spark-pi\n"
                           + merged.split("    - name: spark-pi\n")[1])
    config = parse_text(merged, source="test.yaml", expected_name="test")
    assert [j.name for j in config.flink.jobs] == ["orders-job"]


SESSION_JOB = """
apiVersion: flink.apache.org/v1beta1
kind: FlinkSessionJob
metadata: {name: orders-job}
spec:
  deploymentName: ingest
  job: {jarURI: "https://repo.example.com/orders.jar", parallelism: 1, upgradeMode: stateless}
"""


@pytest.mark.parametrize("empty", ["", " null", " ~", " []"])
def test_an_empty_value_is_the_one_line_that_changes(tmp_path: Path, empty: str) -> None:
    text = RICH.replace("spark:\n  applications:\n", f"spark:\n  applications:{empty}\n  old:\n")
    text = text.split("  old:\n")[0] + "# end of file\n"
    merged = imported_into(tmp_path, text, SPARK_PI.split("---")[0])
    diff = list(difflib.ndiff(text.splitlines(), merged.splitlines()))
    assert [line for line in diff if line.startswith("-")] == ([f"-   applications:{empty}"] if empty else [])
    added = [line for line in diff if line.startswith("+")]
    assert added[:2] == (["+   applications:", "+     - name: spark-pi"] if empty else ["+     - name: spark-pi", "+  "
                                                                                               "     type: Scala"])
    assert merged.endswith("        memory: 512m\n# end of file\n")
    assert parse_text(merged, source="test.yaml", expected_name="test").spark.applications[0].name == "spark-pi"


SECTIONS = """environment: test
objectStore: {type: aws-s3, region: eu-north-1,
              buckets: {iceberg: ice-bucket, flink: flink-bucket, fluss: fluss-bucket}}
polaris: {setup: {catalogs: [{name: dev_iceberg_datalake_catalog,
                              roleArn: "arn:aws:iam::123456789012:role/test-catalog"}]}}
argoCd: {repoUrl: https://git.example.com/data-platform/lakehouse.git}
"""
ENV = SECTIONS + "flink:\n  deployments:\n    - name: existing\n      job:\n        jarPath: jobs/existing.jar\n"
ENV_BY_4 = SECTIONS + ("flink:\n    deployments:\n        - name: existing\n          job:\n"
                       "              jarPath: jobs/existing.jar\n")


@pytest.mark.parametrize(("text", "mapping", "indentless"), [
    (yaml.safe_dump(yaml.safe_load(ENV), sort_keys=False), 2, True),  # PyYAML's default: `key:\n- item`
    (yaml.safe_dump(yaml.safe_load(ENV), sort_keys=False, indent=4), 4, True),
    (ENV_BY_4, 4, False),
], ids=["indentless", "indentless-by-4", "by-4"])
def test_new_lines_follow_the_files_indentation(tmp_path: Path, text: str, mapping: int, indentless: bool) -> None:
    merged = imported_into(tmp_path, text, BASIC)
    added = added_only(text, merged)
    dash = mapping if indentless else 2 * mapping  # the dash at the column of the file's items
    assert added[0] == " " * dash + "-".ljust(mapping) + "name: basic-example\n"  # by 4: `-   name:`, PyYAML's way
    assert " " * (dash + mapping) + "jobManager:\n" in added
    assert " " * (dash + 2 * mapping) + "memory: 2048m\n" in added
    assert [d.name for d in parse_text(merged, source="t", expected_name="test").flink.deployments] == [
        "existing", "basic-example"]




def test_a_flow_collection_it_would_add_to_is_refused_and_nothing_written(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = ENV.replace("  deployments:\n    - name: existing\n      job:\n        jarPath: jobs/existing.jar\n",
                       "  deployments: [{name: existing, job: {jarPath: jobs/existing.jar}}]\n")
    assert refused(tmp_path, capsys, text, BASIC) == (
        f"error: {tmp_path / 'test.yaml'}:8:16: flink.deployments: written in flow style ({{...}} or [...]); write it "
        "as a block (one `- ` item a line) so that import can add to it (nothing was written)\n")


def test_a_name_the_file_holds_is_refused_naming_line_and_field(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert refused(tmp_path, capsys, ENV_FILE, BASIC.replace("basic-example", "existing")) == (
        f"error: {tmp_path / 'test.yaml'}:17:7: flink.deployments[existing]: an entry named 'existing' exists already; "
        "rename the imported one or remove the existing one (nothing was written)\n")


def test_a_result_that_does_not_load_is_not_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    error = refused(tmp_path, capsys, ENV_FILE.replace("environment: test ", "environment: other"), BASIC)
    assert error.startswith(f"error: {tmp_path / 'test.yaml'}:2:")
    assert "environment" in error


@pytest.mark.parametrize(("text", "fragment"), [
    ("a: &x\n  - 1\nb: *x\n", {"b": [2]}),  # b is a's list: a new item there changes a
    ("base: &b\n  x: [1]\n  y:\n    - 1\nc:\n  <<: *b\n", {"c": {"y": [2]}}),  # c.y comes from base
    ("a:\n  - |\n    x", {"a": ["y"]}),  # a line break after the file's last line: x becomes "x\n"
])
def test_new_lines_that_would_change_other_values_are_refused(text: str, fragment: dict[str, Any]) -> None:
    with pytest.raises(ConfigError, match=r"^f.yaml: the new lines would change other values of the file"):
        merged_text(text, fragment, "f.yaml")


def test_a_block_scalar_at_the_end_of_the_list_keeps_its_value() -> None:
    text = ENV + ("      logConfiguration:\n        log4j-console.properties: |\n          rootLogger.level = INFO\n\n"
                  "          logger.a.level = WARN\n\n# the end\n")
    merged = merged_text(text, {"flink": {"deployments": [{"name": "second", "job": None}]}}, "f.yaml")
    assert merged == text.replace("WARN\n", "WARN\n    - name: second\n      job: null\n")
    assert yaml.safe_load(merged)["flink"]["deployments"][0]["logConfiguration"] == {
        "log4j-console.properties": "rootLogger.level = INFO\n\nlogger.a.level = WARN\n"}


def test_a_file_without_a_final_newline_gets_one_before_the_new_lines() -> None:
    merged = merged_text(ENV.rstrip("\n"), {"flink": {"deployments": [{"name": "second", "job": None}]}}, "f.yaml")
    assert merged == ENV + "    - name: second\n      job: null\n"


def test_a_file_with_windows_line_ends_gets_new_lines_ending_alike(tmp_path: Path) -> None:
    text = ENV.replace("\n", "\r\n")
    merged = imported_into(tmp_path, text, BASIC)
    assert merged.startswith(text + "    - name: basic-example\r\n      image: flink:1.20\r\n")
    assert merged.count("\n") == merged.count("\r\n")


def test_entries_the_file_holds_already_are_skipped(tmp_path: Path) -> None:
    text = RICH.replace("flink:\n", "flinkOperator: {watchNamespaces: [flink, orders]}\nflink:\n")
    once = imported_into(tmp_path, text, BASIC, STATEFUL_IN_TEAM)
    assert "  teamNamespaces:\n    - name: orders\n      create: false\n" in once
    assert imported_into(tmp_path, once, BASIC, STATEFUL_IN_TEAM) == once


STATEFUL_IN_TEAM = BASIC.replace("{name: basic-example}", "{name: orders-example, namespace: orders}")
