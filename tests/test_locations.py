"""Config errors point at their source: `<file>:<line>:<column>: <path>: <message>`, where line and column are those of
the offending key (a list item: where the item starts; a key the file does not set: the nearest key it does set), and
list items are named by their `name`.

Each case is an environment file as a user writes it (block and flow style, comments, quoted keys) and the text the
error must point at, which occurs once in the file: the test finds that text's line and column itself and compares.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import NamedTuple

import pytest

from config import ConfigError, load_environment, parse_text

SRC = "environments/test.yaml"
BASE = {
    "environment": "environment: test\n",
    "objectStore": textwrap.dedent("""\
        objectStore:
          type: aws-s3
          region: eu-north-1
          buckets: {iceberg: ice-bucket, flink: flink-bucket, fluss: fluss-bucket}
        """),
    "polaris": textwrap.dedent("""\
        polaris:
          setup:
            catalogs:
              - name: dev_iceberg_datalake_catalog
                roleArn: arn:aws:iam::123456789012:role/test-catalog
        """),
    "argoCd": "argoCd:\n  repoUrl: https://git.example.com/data-platform/lakehouse.git\n",
}
"""A valid cloud environment, one top-level section per entry; a case's sections replace these or come after them."""
LINE = re.compile(r"^environments/test\.yaml:(\d+):(\d+): (.*)$")


class Case(NamedTuple):
    """`sections`: YAML text of top-level sections; `at`: the text (once in the file) the error points at; `error`:
    the error line without file, line and column."""

    sections: str
    at: str
    error: str


def document(sections: str) -> str:
    """The environment file: a comment line, BASE with the case's sections in place of BASE's, then the others."""
    own = textwrap.dedent(sections)
    names = set(re.findall(r"^(\w+):", own, re.MULTILINE))
    return "# an environment\n" + "".join(text for key, text in BASE.items() if key not in names) + own


CASES = {
    "schema type": Case("fluss:\n  tabletReplicas: '3'\n", "tabletReplicas",
                        "fluss.tabletReplicas: expected integer, got string '3'"),
    "schema minimum in a named list item": Case("""\
        flink:
          jobs:
            - name: ingest
              jarPath: jobs/ingest.jar
              parallelism: 0
        """, "parallelism: 0", "flink.jobs[ingest].parallelism: 0 is less than the minimum of 1"),
    "schema pattern (x-error)": Case("zookeeper:\n  dataStorage: 1 gig\n", "dataStorage",
                                     "zookeeper.dataStorage: '1 gig' is not a Kubernetes quantity (e.g. 500m, 1Gi)"),
    "schema enum": Case("flink:\n  deployments:\n    - name: a\n      backend: native\n", "backend: native",
                        "flink.deployments[a].backend: 'native' is not one of: operator, standalone"),
    "unknown key: the key itself": Case("""\
        zookeeper:
          replicas: 1
          imagee: zookeeper:3.8
        """, "imagee", "zookeeper: unknown key 'imagee' (expected one of: dataStorage, datalogStorage, image, name, "
                       "replicas, resources, storageClassName)"),
    "unknown key in flow style": Case("flink:\n  sessionCluster: {taskSlots: 4, taskSlot: 2}\n", "taskSlot: 2",
                                      "flink.sessionCluster: unknown key 'taskSlot' (expected one of: "
                                      "highAvailability, jobManagerCpu, jobManagerMemory, jobManagerReplicas, name, "
                                      "nodePool, podOptions, taskManagerCpu, taskManagerMemory, taskSlots)"),
    "missing key: its mapping": Case("""\
        objectStore:
          type: aws-s3
          buckets: {iceberg: ice-bucket, flink: flink-bucket, fluss: fluss-bucket}
        """, "objectStore:", "objectStore: missing required key 'region'"),
    "a list item of an unnamed list": Case("flink:\n  jobs:\n    - name: j\n      jarPath: a/j.jar\n"
                                           "      args: [--x, 1]\n", "1]",
                                           "flink.jobs[j].args[1]: expected string, got integer 1"),
    "environment name": Case("environment: prod\n", "environment: prod",
                             "environment: 'prod' must equal the file name 'test'"),
    "a section's own check": Case("""\
        zookeeper:
          resources:
            requests: {cpu: '1', memory: 1Gi}
            limits:
              memory: 512Mi   # below the request
        """, "memory: 512Mi", "zookeeper.resources.limits.memory: '512Mi' is less than requests.memory ('1Gi'); "
                              "Kubernetes refuses a limit below its request"),
    "a check against a defaulted value": Case("fluss:\n  defaultReplicationFactor: 3\n",
                                              "defaultReplicationFactor",
                                              "fluss.defaultReplicationFactor: 3 is more than fluss.tabletReplicas (1)"),
    "a cross-section check": Case("""\
        objectStore:
          type: aws-s3
          region: eu-north-1
          buckets: {iceberg: ice-bucket, flink: flink-bucket, fluss: fluss-bucket}
          credentials: null
        """, "credentials: null", "objectStore.credentials: null without objectStore.iamRoleArn; S3 needs one of them"),
    "a cross-section check on a key the file does not set": Case("""\
        objectStore:
          type: aws-s3
          region: eu-north-1
          buckets: {iceberg: ice-bucket, flink: flink-bucket, fluss: fluss-bucket}
          iamRoleArn: arn:aws:iam::123456789012:role/x
        """, "iamRoleArn", "objectStore.iamRoleArn: set together with objectStore.credentials; use one of them (set "
                           "credentials: null to use the IAM role)"),
    "a cross-section check on a key the file does not set: its mapping": Case("""\
        objectStore:
          type: in-cluster
          region: eu-north-1
          buckets: {iceberg: ice-bucket, flink: flink-bucket, fluss: fluss-bucket}
        secrets:
          generateDevSecrets: true
        """, "polaris:", "polaris.tokenBroker.type: rsa-key-pair needs a key pair Secret that dev Secrets cannot "
                         "generate; use symmetric-key with secrets.generateDevSecrets"),
    "dev secrets on AWS": Case("secrets:\n  generateDevSecrets: true\n", "generateDevSecrets",
                               "secrets.generateDevSecrets: dev-only Secrets are for the in-cluster store only; cloud "
                               "environments reference existing Secrets"),
    "a duplicate name: the second item": Case("""\
        flink:
          jobs:
            - name: a
              jarPath: a/a.jar
            - name: b
              jarPath: a/b.jar
            - name: a
              jarPath: a/c.jar
        """, "name: a\n      jarPath: a/c.jar", "flink.jobs: duplicate FlinkSessionJob name 'a'"),
    "a duplicate of the session cluster's name": Case("""\
        flink:
          deployments:
            - name: flink-session
        """, "name: flink-session", "flink.deployments: duplicate FlinkDeployment name 'flink-session'"),
    "a duplicate Spark application": Case("""\
        spark:
          applications:
            - {name: daily, mainApplicationFile: a.py}
            - {name: daily, mainApplicationFile: b.py}
        """, "{name: daily, mainApplicationFile: b.py}", "spark.applications: duplicate SparkApplication name 'daily'"),
    "an env var set twice": Case("""\
        flink:
          deployments:
            - name: a
              podOptions:
                env:
                  - {name: MODE, value: x}
                  - {name: MODE, value: y}
        """, "{name: MODE, value: y}", "flink.deployments[a].podOptions.env: 'MODE' is set twice"),
    "an unknown Flink key with dots": Case("""\
        flink:
          deployments:
            - name: orders
              flinkConfiguration:
                "execution.checkpointing.timeot": 10 min
        """, '"execution.checkpointing.timeot"',
        "flink.deployments[orders].flinkConfiguration.execution.checkpointing.timeot: not a Flink 1.20.3 option; "
        "did you mean 'execution.checkpointing.timeout'?"),
    "a Flink value Flink cannot read": Case("""\
        flink:
          deployments:
            - name: orders
              flinkConfiguration:
                execution.checkpointing.timeout: soon
        """, "execution.checkpointing.timeout: soon",
        "flink.deployments[orders].flinkConfiguration.execution.checkpointing.timeout: Could not parse value 'soon' "
        "for key 'execution.checkpointing.timeout' (Flink 1.20.3 type Duration): text does not start with a number"),
    "a platform key in flinkConfiguration": Case("""\
        flink:
          deployments:
            - name: orders
              flinkConfiguration: {state.checkpoints.dir: "s3://elsewhere/"}
        """, "state.checkpoints.dir", "flink.deployments[orders].flinkConfiguration.state.checkpoints.dir: set by the "
                                      "platform: it always writes it (the state directories under the Flink "
                                      "bucket, the catalog store)"),
    "a log configuration key with a dot": Case("""\
        flink:
          deployments:
            - name: a
              logConfiguration:
                log4j.properties: x
        """, "log4j.properties", "flink.deployments[a].logConfiguration.log4j.properties: Invalid log config key: "
                                 "log4j.properties. Allowed keys are [log4j-console.properties, logback-console.xml] "
                                 "(the Flink operator)"),
    "a session job on no session cluster": Case("""\
        flink:
          jobs:
            - name: j
              jarPath: a/j.jar
              sessionCluster: elsewhere
        """, "sessionCluster: elsewhere",
        "flink.jobs[j].sessionCluster: 'elsewhere' is not a session cluster (expected one of: flink-session)"),
    "an unknown job argument placeholder": Case("""\
        flink:
          jobs:
            - name: j
              jarPath: a/j.jar
              args:
                - --servers
                - ${fluss.bootstrap}
        """, "- ${fluss.bootstrap}"[2:], "flink.jobs[j].args[1]: unknown placeholder '${fluss.bootstrap}' (expected "
                                         "one of: ${fluss.bootstrapServers}, ${polaris.catalogUri}, "
                                         "${polaris.tokenEndpoint})"),
    "a snapshot of no job": Case("flink:\n  snapshots:\n    - name: s\n      job: nope\n", "job: nope",
                                 "flink.snapshots[s].job: 'nope' is not a job (expected an application cluster or a "
                                 "session job: fluss-tiering-job)"),
    "standby JobManagers without HA": Case("""\
        flink:
          sessionCluster:
            highAvailability: false
            jobManagerReplicas: 2
        """, "jobManagerReplicas", "flink.sessionCluster.jobManagerReplicas: 2 JobManagers need "
                                   "flink.sessionCluster.highAvailability: true (the Flink operator rejects standby "
                                   "JobManagers without HA)"),
    "a nested check in a list item": Case("""\
        flink:
          deployments:
            - name: a
              checkpointing:
                stateBackend: hashmap
                incremental: true
        """, "incremental: true",
        "flink.deployments[a].checkpointing.incremental: incremental checkpoints need stateBackend: rocksdb"),
    "an unknown node pool": Case("""\
        nodePools:
          - name: orders
            nodeClass: default
        flink:
          deployments:
            - name: a
              nodePool: order
        """, "nodePool: order", "flink.deployments[a].nodePool: 'order' is not a node pool (expected one of: orders; "
                                "see nodePools)"),
    "a Spark conf key with dots": Case("""\
        spark:
          applications:
            - name: ingest
              mainApplicationFile: jobs/ingest.py
              sparkConf:
                spark.executor.memory: 4g
        """, "spark.executor.memory", "spark.applications[ingest].sparkConf.spark.executor.memory: set by "
                                      "executor.memory; use that field"),
    "a Spark bound": Case("""\
        spark:
          applications:
            - name: ingest
              mainApplicationFile: jobs/ingest.py
              dynamicAllocation: {minExecutors: 4, maxExecutors: 2}
        """, "minExecutors: 4", "spark.applications[ingest].dynamicAllocation.minExecutors: 4 is above maxExecutors 2"),
    "a principal role not declared": Case("""\
        polaris:
          setup:
            catalogs:
              - name: dev_iceberg_datalake_catalog
                roleArn: arn:aws:iam::123456789012:role/test-catalog
            principals:
              - name: fluss_user
                principalRoles: [rf_dev_etl, nope]
        """, "nope]", "polaris.setup.principals[fluss_user].principalRoles[1]: unknown principal role 'nope' (declare "
                      "it in polaris.setup.principalRoles)"),
    "an operator namespace": Case("flinkOperator:\n  watchNamespaces: [flink, analytics]\n", "analytics]",
                                  "flinkOperator.watchNamespaces[1]: 'analytics' is not a namespace the platform "
                                  "renders into (expected one of: flink, fluss, polaris, spark, "
                                  "technical-flink-operator, technical-spark-operator)"),
    "a namespace used twice": Case("namespaces:\n  fluss: flink\n", "fluss: flink",
                                   "namespaces: 'flink' is used for two components"),
    "a team namespace used twice": Case("""\
        flink:
          teamNamespaces:
            - name: team-a
            - name: team-a   # again
        """, "name: team-a   # again", "flink.teamNamespaces: duplicate team namespace 'team-a'"),
    "a merged mapping: where its keys are": Case("""\
        flink:
          deployments:
            - &base
              name: a
              checkpointing: {stateBackend: hashmap, incremental: true}
            - <<: *base
              name: b
        """, "incremental: true", "flink.deployments[b].checkpointing.incremental: incremental checkpoints need "
                                  "stateBackend: rocksdb"),
    "a Spark schedule out of range": Case("""\
        spark:
          applications:
            - name: nightly
              mainApplicationFile: jobs/nightly.py
              schedule:
                cron: 0 25 * * *   # 25 o'clock
        """, "cron: 0 25", "spark.applications[nightly].schedule.cron: '0 25 * * *': end of range (25) above maximum "
                           "(23): 25 (the Spark operator's controller marks the application FailedValidation: no run "
                           "starts)"),
    "a Quartz expression as a Spark schedule": Case("""\
        spark:
          applications:
            - name: hourly
              mainApplicationFile: jobs/hourly.py
              schedule: {cron: "0 0 * * * ?", timeZone: Europe/Stockholm}
        """, 'cron: "0 0', "spark.applications[hourly].schedule.cron: '0 0 * * * ?': expected exactly 5 fields, found "
                          "6: [0 0 * * * ?] (the Spark operator's controller marks the application FailedValidation: "
                          "no run starts)"),
    "an unknown time zone": Case("""\
        spark:
          applications:
            - name: hourly
              mainApplicationFile: jobs/hourly.py
              schedule:
                cron: "@hourly"
                timeZone: Europe/Stokholm
        """, "timeZone: Europe/Stokholm", "spark.applications[hourly].schedule.timeZone: 'Europe/Stokholm': Invalid "
                                          "timezone: unknown time zone Europe/Stokholm (the Spark operator's "
                                          "controller marks the application FailedValidation: no run starts); did you "
                                          "mean 'Europe/Stockholm'?"),
    "a Karpenter budget schedule": Case("""\
        nodePools:
          - name: batch
            nodeClass: default
            disruption:
              budgets:
                - nodes: "0"
                  schedule: "0 0 9 * * *"
                  duration: 8h
        """, 'schedule: "0 0 9', "nodePools[batch].disruption.budgets[0].schedule: '0 0 9 * * *': expected exactly 5 "
                                "fields, found 6: [0 0 9 * * *] (Karpenter's cron parser, robfig/cron v3, refuses it: "
                                "the budget never applies)"),
    "an unknown top-level key": Case("""\
        x-pod: &pod
          taskSlots: 4
        """, "x-pod", "unknown key 'x-pod' (expected one of: $schema, argoCd, certManager, crds, description, environment, "
                      "flink, flinkOperator, fluss, logs, metrics, namespaces, nodePools, objectStore, polaris, "
                      "postgres, secrets, spark, sparkOperator, zookeeper)"),
}


def located(text: str, at: str) -> tuple[int, int]:
    """1-based (line, column) of `at` in `text`, which must hold it exactly once."""
    assert text.count(at) == 1, f"{at!r} occurs {text.count(at)} times"
    before = text[:text.index(at)]
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_each_error_points_at_its_source(case: Case) -> None:
    text = document(case.sections)
    with pytest.raises(ConfigError) as info:
        parse_text(text, source=SRC, expected_name="test")
    found = [match.groups() for match in map(LINE.match, str(info.value).splitlines()) if match]
    assert len(found) == len(str(info.value).splitlines())
    assert [(int(line), int(column), error) for line, column, error in found if error == case.error] == [
        (*located(text, case.at), case.error)], str(info.value)


def test_the_table_is_representative() -> None:
    assert len(CASES) >= 30


def test_yaml_errors_name_line_and_column(tmp_path: Path) -> None:
    """Errors PyYAML finds (a key given twice, broken syntax) name the line and column too."""
    (tmp_path / "twice.yaml").write_text(document("fluss:\n  tabletReplicas: 1\nfluss:\n  tabletReplicas: 2\n"))
    text = (tmp_path / "twice.yaml").read_text()
    with pytest.raises(ConfigError) as info:
        load_environment("twice", tmp_path)
    first, second = located(text, "fluss:\n  tabletReplicas: 1"), located(text, "fluss:\n  tabletReplicas: 2")
    assert str(info.value) == f"{tmp_path / 'twice.yaml'}:{second[0]}:1: duplicate key 'fluss' (first given on line " \
                              f"{first[0]})"
    (tmp_path / "broken.yaml").write_text("environment: broken\nfluss:\n  tabletReplicas: [1\n")
    with pytest.raises(ConfigError, match=r"broken.yaml:4:1: not valid YAML: did not find expected ',' or ']' "):
        load_environment("broken", tmp_path)


def test_a_document_built_in_memory_has_no_lines() -> None:
    """Without YAML text there is no line to name: the error names the source and the path."""
    from config import parse_environment

    doc = {"environment": "test", "fluss": {"tabletReplicas": "3"}}
    with pytest.raises(ConfigError) as info:
        parse_environment(doc, source=SRC, expected_name="test")
    assert f"{SRC}: fluss.tabletReplicas: expected integer, got string '3'" in str(info.value).splitlines()
