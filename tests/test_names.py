"""The one duplicate finder (`config.names`): what it reports, in which order, with which messages, for the config
checks (`config.loading.repeats`) and the constructs' props (FlinkProps, SparkProps, NodePoolsChart); and that it looks
each name up once instead of comparing every name with every other."""

from __future__ import annotations

import cdk8s
import pytest

from charts.flink.chart import FlinkProps
from charts.flink.cluster import FlinkClusterProps, TaskManagerProps
from charts.flink.session_job import SessionJobProps
from charts.karpenter.node_pools import NodePoolProps, NodePoolsChart
from charts.spark.applications import SparkApplicationProps, SparkProps
from config.loading import Problem, repeats
from config.names import repetitions, used_twice


class CountedName(str):
    """A name that counts how often it is compared for equality (a list's `count` compares every pair)."""

    comparisons = 0

    def __eq__(self, other: object) -> bool:
        CountedName.comparisons += 1
        return str.__eq__(self, other)

    __hash__ = str.__hash__


def test_repetitions_name_each_repeat_in_input_order_with_the_latest_earlier_item() -> None:
    named = [("jobs[0]", "a"), ("jobs[1]", "b"), ("jobs[2]", "a"), ("jobs[3]", "a"), ("jobs[4]", "b")]
    assert list(repetitions(named)) == [("jobs[2]", "a", "jobs[0]"), ("jobs[3]", "a", "jobs[2]"),
                                        ("jobs[4]", "b", "jobs[1]")]
    assert list(repetitions([("x", "a"), ("y", "b")])) == []


def test_used_twice_lists_each_repeated_name_once_sorted() -> None:
    assert used_twice(["zeta", "alpha", "zeta", "beta", "alpha", "zeta"]) == ["alpha", "zeta"]
    assert used_twice(iter(["one", "two"])) == []  # any iterable, read once


def test_the_finder_compares_names_by_hash_not_each_with_each() -> None:
    CountedName.comparisons = 0
    names = [CountedName(f"job-{i}") for i in range(2000)] + [CountedName("job-7")]
    assert used_twice(names) == ["job-7"]
    assert CountedName.comparisons < 10  # pairwise comparison (list.count per name) makes about 4,000,000


def test_config_repeats_point_at_the_repeat_then_the_latest_earlier_item() -> None:
    named = [("sessionCluster.name", "s"), ("deployments[0]", "d"), ("deployments[1]", "s"), ("deployments[2]", "s")]
    assert list(repeats("deployments", named, "duplicate FlinkDeployment name '{name}'")) == [
        Problem("deployments", "duplicate FlinkDeployment name 's'", ("deployments[1]", "sessionCluster.name")),
        Problem("deployments", "duplicate FlinkDeployment name 's'", ("deployments[2]", "deployments[1]")),
    ]


def test_flink_props_name_every_kind_used_twice_sorted() -> None:
    session = FlinkClusterProps(image="flink:1.20")
    jobs = tuple(SessionJobProps(name=name, jar_path="s3://b/j.jar") for name in ("z", "a", "z", "a", "m"))
    with pytest.raises(ValueError, match=r"^FlinkSessionJob names used twice: a, z$"):
        FlinkProps(session_cluster=session, jobs=jobs)
    with pytest.raises(ValueError, match=r"^FlinkDeployment names used twice: flink-session$"):
        FlinkProps(session_cluster=session, deployments=(FlinkClusterProps(image="flink:1.20"),))


def test_flink_props_name_standalone_accounts_shared_with_the_operator_or_each_other() -> None:
    session = FlinkClusterProps(image="flink:1.20")
    standalone = tuple(FlinkClusterProps(name=name, backend="standalone", service_account=account,
                                         task_manager=TaskManagerProps(replicas=1))
                       for name, account in (("s1", "flink"), ("s2", "shared"), ("s3", "shared"), ("s4", None)))
    with pytest.raises(ValueError, match=r"used twice: flink, shared$"):
        FlinkProps(session_cluster=session, deployments=standalone)


def test_cluster_of_finds_the_named_cluster_or_stands_in_for_a_missing_one() -> None:
    session = FlinkClusterProps(image="flink:1.20")
    other = FlinkClusterProps(name="other", image="flink:1.20")
    props = FlinkProps(session_cluster=session, deployments=(other,),
                       jobs=(SessionJobProps(name="j", jar_path="s3://b/j.jar", session_cluster="other"),))
    assert props.cluster_of(props.jobs[0]) is other
    assert props.cluster_of(SessionJobProps(name="k", jar_path="s3://b/k.jar")) is session
    missing = props.cluster_of(SessionJobProps(name="k", jar_path="s3://b/k.jar", session_cluster="gone"))
    assert missing.name == "gone" and missing.job is None
    with pytest.raises(ValueError, match="FlinkSessionJob j: 'gone' is not a session cluster"):
        FlinkProps(session_cluster=session,
                   jobs=(SessionJobProps(name="j", jar_path="s3://b/j.jar", session_cluster="gone"),))


def test_spark_props_and_node_pools_name_their_repeats_sorted() -> None:
    apps = tuple(SparkApplicationProps(name=name, main_application_file="local:///opt/app.py")
                 for name in ("y", "x", "y", "x"))
    with pytest.raises(ValueError, match=r"^SparkApplication names used twice: x, y$"):
        SparkProps(image="spark:4.0.2", applications=apps)
    pools = tuple(NodePoolProps(name=name, node_class="default") for name in ("q", "p", "q", "p", "r"))
    with pytest.raises(ValueError, match=r"^NodePool names used twice: p, q$"):
        NodePoolsChart(cdk8s.App(), "NodePools", pools=pools)
