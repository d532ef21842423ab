"""ZooKeeperEnsemble: standalone by default, ensembles address peers through the headless Service."""

from __future__ import annotations

from typing import Any

import pytest

from charts.fluss.cluster import FlussChart
from charts.fluss.zookeeper import ZooKeeperEnsemble
from charts.platform.fluss import fluss_props
from config.zookeeper import ZooKeeper
from tests.bare import catalog, chart, s3_access, settings, synth
from tests.conftest import Manifest, config_errors, environment, find


def ensemble(**zookeeper: Any) -> list[Manifest]:
    props = fluss_props(settings(environment(zookeeper=zookeeper))).zookeeper
    return synth(lambda app: ZooKeeperEnsemble(chart(app), "ZooKeeper", namespace="fluss", props=props))


def test_standalone_by_default() -> None:
    objects = ensemble()
    config = find(objects, "ConfigMap", "zookeeper-config")["data"]
    assert config["ZOO_STANDALONE_ENABLED"] == "true"
    assert config["ZOO_SERVERS"] == "server.1=zookeeper-0.zookeeper-hs.fluss.svc.cluster.local:2888:3888;2181"
    assert find(objects, "StatefulSet", "zookeeper")["spec"]["replicas"] == 1


def test_three_servers_find_each_other_through_the_headless_service() -> None:
    objects = ensemble(replicas=3)
    config = find(objects, "ConfigMap", "zookeeper-config")["data"]
    assert config["ZOO_STANDALONE_ENABLED"] == "false"
    assert config["ZOO_SERVERS"].split() == [
        f"server.{i + 1}=zookeeper-{i}.zookeeper-hs.fluss.svc.cluster.local:2888:3888;2181" for i in range(3)]
    statefulset = find(objects, "StatefulSet", "zookeeper")
    assert statefulset["spec"]["replicas"] == 3
    assert statefulset["spec"]["serviceName"] == "zookeeper-hs"
    headless = find(objects, "Service", "zookeeper-hs")["spec"]
    assert headless["clusterIP"] == "None" and headless["publishNotReadyAddresses"] is True
    assert [p["port"] for p in headless["ports"]] == [2181, 2888, 3888]


def test_server_id_comes_from_the_ordinal() -> None:
    container = find(ensemble(), "StatefulSet", "zookeeper")["spec"]["template"]["spec"]["containers"][0]
    assert "export ZOO_MY_ID=$(( ${HOSTNAME##*-} + 1 ))" in container["command"][2]


def test_fluss_reads_the_connect_string_of_the_ensemble() -> None:
    config = settings(environment())
    props, s3, iceberg = fluss_props(config), s3_access(config), catalog(config)
    objects = synth(lambda app: FlussChart(app, "40-fluss", namespace="streaming", props=props, s3=s3,
                                           catalog=iceberg))
    server_yaml = find(objects, "ConfigMap", "fluss-conf-file")["data"]["server.yaml"]
    assert "zookeeper.address: zookeeper.streaming.svc.cluster.local:2181\n" in server_yaml


def test_a_server_list_change_rolls_the_ensemble() -> None:
    def checksum(replicas: int) -> str:
        template = find(ensemble(replicas=replicas), "StatefulSet", "zookeeper")["spec"]["template"]
        value: str = template["metadata"]["annotations"]["checksum/config"]
        return value

    assert checksum(1) != checksum(3)


def test_props_defaults_are_the_schema_defaults() -> None:
    assert fluss_props(settings(environment())).zookeeper == ZooKeeper()


@pytest.mark.parametrize("replicas", [0, 2, 4, 7])
def test_the_construct_refuses_an_ensemble_of_other_than_1_3_or_5_servers(replicas: int) -> None:
    """The schema's enum, declared once on `ZooKeeper.replicas`, also checks a value built without a file."""
    with pytest.raises(ValueError, match=f"ZooKeeper ensemble zookeeper: replicas: {replicas} is not one of: "
                                         "1, 3, 5"):
        synth(lambda app: ZooKeeperEnsemble(chart(app), "ZooKeeper", namespace="fluss",
                                            props=ZooKeeper(replicas=replicas)))
    assert config_errors(environment(zookeeper={"replicas": replicas})) == [
        f"zookeeper.replicas: {replicas} is not one of: 1, 3, 5"]
