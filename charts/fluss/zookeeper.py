"""ZooKeeper for Fluss' coordination (official `zookeeper` image, runs as uid 1000).

Standalone (1 server, as in the reference) or an ensemble of 3 or 5. Image environment:
https://hub.docker.com/_/zookeeper (ZOO_MY_ID, ZOO_SERVERS, ZOO_STANDALONE_ENABLED, ZOO_4LW_COMMANDS_WHITELIST).
Each server's id is its StatefulSet ordinal + 1; peers find each other through the headless Service. The image's
entrypoint writes `zoo.cfg` from the ZOO_* variables once, at start, so the pods roll when they change
(`checksum/config`, `manifests.rollout`).
"""

from __future__ import annotations

import constructs
from cdk8s_plus_27 import k8s

from charts.blocks import pod_security
from charts.blocks.metadata import Component, SyncWave, image_tag
from charts.blocks.workloads import (
    Port,
    config_map,
    pod_template,
    pvc_template,
    resources,
    rollout_annotations,
    service,
    service_host,
    stateful_set,
    tcp_probe,
)
from config.declaration import checked
from config.zookeeper import ZooKeeper

CLIENT_PORT = Port("client", 2181)
FOLLOWER_PORT = Port("follower", 2888)
ELECTION_PORT = Port("leader-election", 3888)


class ZooKeeperEnsemble(constructs.Construct):
    """ZooKeeper StatefulSet with PVC templates (`zk-data`, `zk-datalog`), a client Service, a headless
    peer Service and the `<name>-config` ConfigMap of ZOO_* settings.

    Props: `namespace`; `props`. `connect_string` is what clients (Fluss' `zookeeper.address`) use.
    """

    def __init__(self, scope: constructs.Construct, id: str, *, namespace: str, props: ZooKeeper):
        checked(f"ZooKeeper ensemble {props.name}", props)
        super().__init__(scope, id)
        self.name = name = props.name
        self.namespace = namespace
        self.headless_name = f"{name}-hs"
        component = Component("zookeeper", name, image_tag(props.image), "coordination")
        wave = SyncWave.STORAGE
        peers = service_host(self.headless_name, namespace)
        servers = " ".join(
            f"server.{i + 1}={name}-{i}.{peers}:{FOLLOWER_PORT.number}:{ELECTION_PORT.number};{CLIENT_PORT.number}"
            for i in range(props.replicas)
        )
        settings = {
            "ZOO_4LW_COMMANDS_WHITELIST": "mntr,conf,ruok",
            "ZOO_PORT": str(CLIENT_PORT.number),
            "ZOO_SERVERS": servers,
            "ZOO_STANDALONE_ENABLED": "true" if props.replicas == 1 else "false",
        }
        settings_map = config_map(self, "ConfigMap", name=f"{name}-config", namespace=namespace, component=component,
                                  wave=wave, data=settings)
        service(self, "Service", name=name, namespace=namespace, component=component, ports=[CLIENT_PORT], wave=wave)
        service(self, "HeadlessService", name=self.headless_name, namespace=namespace, component=component,
                ports=[CLIENT_PORT, FOLLOWER_PORT, ELECTION_PORT], wave=wave, headless=True, publish_not_ready=True)
        run_as = pod_security.ZOOKEEPER
        container = k8s.Container(
            name="zookeeper",
            image=props.image,
            command=["/bin/bash", "-c",
                     'export ZOO_MY_ID=$(( ${HOSTNAME##*-} + 1 )) && exec /docker-entrypoint.sh zkServer.sh start-foreground'],
            env_from=[k8s.EnvFromSource(config_map_ref=k8s.ConfigMapEnvSource(name=settings_map.name))],
            ports=[CLIENT_PORT.container_port(), FOLLOWER_PORT.container_port(), ELECTION_PORT.container_port()],
            readiness_probe=tcp_probe(CLIENT_PORT, initial_delay=15, period=10, failure_threshold=6),
            liveness_probe=tcp_probe(CLIENT_PORT, initial_delay=45, period=20, failure_threshold=3),
            resources=resources(props.resources.to_k8s()),
            security_context=pod_security.container_security_context(run_as),
            volume_mounts=[k8s.VolumeMount(name="zk-data", mount_path="/data"),
                           k8s.VolumeMount(name="zk-datalog", mount_path="/datalog")],
        )
        stateful_set(
            self, "StatefulSet", name=name, namespace=namespace, component=component, wave=wave,
            service_name=self.headless_name, replicas=props.replicas, parallel=True,
            template=pod_template(component, run_as, [container],
                                  annotations=rollout_annotations(settings_map)),
            claims=[pvc_template("zk-data", props.data_storage, props.storage_class_name),
                    pvc_template("zk-datalog", props.datalog_storage, props.storage_class_name)],
        )

    @property
    def connect_string(self) -> str:
        """`<service>.<namespace>.svc.cluster.local:2181`, for ZooKeeper clients."""
        return f"{service_host(self.name, self.namespace)}:{CLIENT_PORT.number}"
