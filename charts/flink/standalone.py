"""A Flink cluster without the operator: Flink 1.20's standalone Kubernetes setup, from the same `FlinkClusterProps`
as a FlinkDeployment (`backend="standalone"`).

Upstream: https://nightlies.apache.org/flink/flink-docs-release-1.20/docs/deployment/resource-providers/standalone/kubernetes/
(the appendix's ConfigMap, `jobmanager-session-deployment-ha.yaml`, `jobmanager-application-ha.yaml`,
`taskmanager-session-deployment.yaml`, the local-recovery StatefulSet, `jobmanager-service.yaml`,
`jobmanager-rest-service.yaml`, `taskmanager-query-state-service.yaml`) and the image's entrypoint
(apache/flink-docker `1.20/*/docker-entrypoint.sh`: `jobmanager`, `standalone-job`, `taskmanager`).

Rendered, all named after the cluster (`<name>`):
- ConfigMap `<name>-config`: `config.yaml` (Flink 1.19+ reads the standard-YAML `config.yaml` when no legacy
  `flink-conf.yaml` is in the directory: `bin/config-parser-utils.sh`) and `log4j-console.properties`, mounted over
  `/opt/flink/conf`. The entrypoint's attempt to write its defaults into that file fails on the read-only mount and
  is ignored; every key it would set (`jobmanager.rpc.address`, `blob.server.port`) is in the file already.
- JobManager: a Deployment `<name>-jobmanager` (session: `jobmanager`; application: `standalone-job --job-classname
  <entry class> [--fromSavepoint <path> [--allowNonRestoredState]] <args>`, the JAR from `/opt/flink/usrlib` in the
  image), replicas = JobManagers. Application clusters use a Deployment too, as the Flink Kubernetes Operator's
  standalone mode does, not the Job of Flink's example manifests: a streaming JobManager never completes, so Argo CD
  would wait on a Job's health for ever (gitops-engine health_job.go: Progressing until Complete or Failed) and stop
  every later sync wave, and a Job's immutable template would need a forced replace, which restarts the JobManager on
  every sync. The pods carry the `checksum/config` of the ConfigMap, so a configuration change rolls them. With HA
  the restarted JobManager recovers the job graph it ran before and its latest checkpoint, so a changed job
  (arguments, entry class, parallelism, image, job configuration) does not take effect in the same HA scope
  (`manifests.standalone_state`): `standalone.cluster_id` names a new one.
- An application cluster's JobManager stays up when its job ends (`execution.shutdown-on-application-finish: false`,
  as the Flink operator sets for its application clusters, `FlinkConfigBuilder.applyJobOrSessionSpec`): a job that
  finished, failed for good or was stopped with a savepoint is not run again by a restarted container. With HA the
  job result store keeps the job's entry (`job-result-store.delete-on-commit: false`, as the operator's
  `ApplicationReconciler` sets it; Flink 1.20 deletes it after the cleanup otherwise, `FileSystemJobResultStore`), so
  a restarted JobManager does not run the job again either (`Dispatcher`: "Ignoring JobGraph submission ... because
  the job already reached a globally-terminal state").
- TaskManagers: a Deployment `<name>-taskmanager` (`taskmanager`), or a StatefulSet with a headless Service of the
  same name and a volume per pod (`volumeClaimTemplates`); with local recovery the working directory
  (`process.taskmanager.working-dir`) is on it and `taskmanager.resource-id` is the pod name (`-D` from `POD_NAME`),
  so a restarted TaskManager finds its local state.
- Services: `<name>-jobmanager` (rpc 6123, blob-server 6124: `jobmanager.rpc.address` of the TaskManagers),
  `<name>-rest` (8081, ClusterIP or NodePort), `<name>-query-state` (6125, when asked).
- Kubernetes HA (`high-availability.type: kubernetes`, storage on S3, `kubernetes.cluster-id` (the cluster id, by
  default the name; another one also as `high-availability.cluster-id`, from which Flink derives the job id and the
  HA storage and job result store paths), and
  `kubernetes.namespace`, which Flink's client otherwise sets to `default`: `FlinkKubeClientFactory`): a
  ServiceAccount with a Role on ConfigMaps (Flink 1.20's leader election locks a ConfigMap, fabric8 `ConfigMapLock`
  in `KubernetesLeaderElector`; no Leases), and the JobManager's RPC address from `POD_IP` (downward API), so
  standby JobManagers (`replicas` > 1) are addressed by IP.
- Reactive mode (`scheduler-mode: reactive`, application clusters): the job's parallelism follows the TaskManagers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import constructs
from cdk8s_plus_27 import k8s

from charts.blocks import container_env as env
from charts.blocks import pod_security
from charts.blocks.container_env import Env
from charts.blocks.metadata import Component, SyncWave, image_tag, object_meta
from charts.blocks.pod_spec import QuantityTypes, pod_parts
from charts.blocks.rbac import READ_WRITE, Rule, binding, role
from charts.blocks.s3 import S3Access
from charts.blocks.workloads import (
    Port,
    RenderedConfigMap,
    config_map,
    deployment,
    pod_template,
    pvc_template,
    quantity,
    rollout_annotations,
    service,
    service_host,
    stateful_set,
    tcp_probe,
)
from charts.flink.catalog_store import CatalogStore
from charts.flink.standalone_props import DEFAULT_LOG4J
from upstream.file_dialects import yaml_file
from upstream.flink_options import (
    HA_CLUSTER_ID,
    JOB_MANAGER_RPC_ADDRESS,
    JOB_MANAGER_RPC_PORT,
    JOB_RESULT_STORE_DELETE_ON_COMMIT,
    KUBERNETES_CLUSTER_ID,
    KUBERNETES_NAMESPACE,
    LOCAL_RECOVERY_KEYS,
    SHUTDOWN_ON_APPLICATION_FINISH,
    STANDALONE_CONFIG_FILE,
    STANDALONE_LOG_FILE,
)
from upstream.java_values import resource_memory_bytes
from upstream.metrics_annotations import METRICS_PORT_NAME

if TYPE_CHECKING:
    from charts.flink.cluster import FlinkClusterProps

CONF_DIR = "/opt/flink/conf"
"""The image's configuration directory (`FLINK_HOME/conf`), where the ConfigMap is mounted."""
WORKING_DIR = "/opt/flink/working-dir"
"""Where a StatefulSet TaskManager's volume is mounted (its working directory with local recovery)."""
WORKING_DIR_VOLUME = "working-dir"
JOB_MANAGER_RPC = Port("rpc", 6123)
BLOB_SERVER = Port("blob-server", 6124)
REST = Port("rest", 8081)
TASK_MANAGER_RPC = Port("rpc", 6122)
QUERY_STATE = Port("query-state", 6125)
JOB_MANAGER_CONTAINER = "jobmanager"
TASK_MANAGER_CONTAINER = "taskmanager"
CORE_QUANTITIES = QuantityTypes.same(quantity)
"""The core API's one quantity class, for the pod options of the standalone pods (`charts.blocks.pod_spec`)."""
HA_RULES = [Rule(("",), ("configmaps",), READ_WRITE)]
"""What Kubernetes HA needs in Flink 1.20 (JobManagers and TaskManagers alike): leader election and the HA
metadata in ConfigMaps labelled with the cluster id (`KubernetesLeaderElector`, `KubernetesStateHandleStore`)."""

def flink_memory(value: str) -> str:
    """A JobManager/TaskManager memory (`2048m`, `2g`, `2Gi`) as a Flink `MemorySize` in mebibytes (`2048m`), or in
    bytes (`<n>b`) when it is no whole number of them."""
    size = resource_memory_bytes(value)
    return f"{size // 2**20}m" if size % 2**20 == 0 else f"{size}b"


def container_resources(cpu: float, memory: str) -> k8s.ResourceRequirements:
    """Requests and limits of a Flink container: `cpu` cores and the process memory, as the operator renders them with
    its default limit factors of 1 (`kubernetes.jobmanager.cpu.limit-factor`, `...memory.limit-factor`)."""
    size = resource_memory_bytes(memory)
    values = {"cpu": quantity(f"{round(cpu * 1000)}m"),
              "memory": quantity(f"{size // 2**20}Mi" if size % 2**20 == 0 else str(size))}
    return k8s.ResourceRequirements(requests=values, limits=values)


class StandaloneFlinkCluster(constructs.Construct):
    """The standalone objects of `props` (module docstring), in `namespace`.

    Props: `namespace`; `props` (`backend="standalone"`, checked by `FlinkClusterProps`); `s3`; `catalog_store`,
    mounted by the JobManager. `rest_host` is the REST Service's DNS name (port 8081); `rpc_host` the JobManager
    Service's (the TaskManagers' `jobmanager.rpc.address`).
    """

    def __init__(self, scope: constructs.Construct, id: str, *, namespace: str, props: FlinkClusterProps,
                 s3: S3Access, catalog_store: CatalogStore):
        super().__init__(scope, id)
        name, standalone = props.name, props.standalone
        self.name, self.namespace = name, namespace
        version = image_tag(props.image)
        jm = Component("flink", name, version, "jobmanager")
        tm = Component("flink", name, version, "taskmanager")
        cluster = Component("flink", name, version, "session-cluster" if props.session_mode else "application")
        wave = SyncWave.CLUSTERS
        run_as = props.pod_options.run_as or pod_security.FLINK
        ha = props.high_availability
        statefulset = standalone.task_manager_kind == "statefulset"

        account = props.service_account or name
        k8s.KubeServiceAccount(self, "ServiceAccount", automount_service_account_token=ha,
                               metadata=object_meta(account, namespace, cluster, wave,
                                                    extra_annotations=s3.service_account_annotations()))
        if ha:
            role(self, "HaRole", name=f"{name}-ha", namespace=namespace, component=cluster, rules=HA_RULES, wave=wave)
            binding(self, "HaRoleBinding", name=f"{name}-ha", namespace=namespace, component=cluster,
                    role_name=f"{name}-ha", cluster_role=False, subjects=[(account, namespace)], wave=wave)

        self.rpc_service = f"{name}-jobmanager"
        conf = {
            **props.typed_flink_conf(s3.uri(s3.buckets.flink)), **s3.flink_conf(),
            JOB_MANAGER_RPC_ADDRESS: self.rpc_service, JOB_MANAGER_RPC_PORT: str(JOB_MANAGER_RPC.number),
            "blob.server.port": str(BLOB_SERVER.number), "taskmanager.rpc.port": str(TASK_MANAGER_RPC.number),
            "rest.port": str(REST.number),
            "jobmanager.memory.process.size": flink_memory(props.job_manager.memory),
            "taskmanager.memory.process.size": flink_memory(props.task_manager.memory),
        }
        if props.job is not None:
            conf.update({"parallelism.default": str(props.job.parallelism), SHUTDOWN_ON_APPLICATION_FINISH: "false"})
        if ha:
            ha_scope = standalone.cluster_id or name
            conf.update({KUBERNETES_CLUSTER_ID: ha_scope, KUBERNETES_NAMESPACE: namespace,
                         **({HA_CLUSTER_ID: ha_scope} if ha_scope != name else {}),
                         **({JOB_RESULT_STORE_DELETE_ON_COMMIT: "false"} if props.job is not None else {})})
        if standalone.reactive_mode:
            conf["scheduler-mode"] = "reactive"
        if standalone.local_recovery:
            conf.update({**dict.fromkeys(LOCAL_RECOVERY_KEYS, "true"), "process.taskmanager.working-dir": WORKING_DIR})
        if standalone.queryable_state:
            conf.update({"queryable-state.enable": "true", "queryable-state.proxy.ports": str(QUERY_STATE.number)})
        conf.update(props.flink_configuration)
        self.config_map = config_map(
            self, "ConfigMap", name=f"{name}-config", namespace=namespace, component=cluster, wave=wave,
            data={STANDALONE_CONFIG_FILE: yaml_file(conf),
                  STANDALONE_LOG_FILE: props.log_configuration.get(STANDALONE_LOG_FILE, DEFAULT_LOG4J)})
        config_volume = k8s.Volume(name="flink-config", config_map=k8s.ConfigMapVolumeSource(
            name=self.config_map.name, items=[k8s.KeyToPath(key=k, path=k) for k in self.config_map.data]))
        config_mount = k8s.VolumeMount(name="flink-config", mount_path=CONF_DIR, read_only=True)
        metrics_ports = [Port(METRICS_PORT_NAME, props.metrics.port)] if props.metrics else []

        def annotations(container: str, *read: RenderedConfigMap) -> dict[str, str]:
            """The metrics annotations naming the role's `container`, and the checksum of the ConfigMaps it reads."""
            metrics = props.metrics.annotations.render(container, props.metrics.port) if props.metrics else {}
            return {**metrics, **rollout_annotations(*read)}

        platform_env = [*s3.env(), *catalog_store.env()]

        # JobManager
        jm_options = props.pod_options.with_role(props.job_manager.pod_options)
        jm_parts = pod_parts(jm_options, pod_security.FLINK, CORE_QUANTITIES)
        jm_ports = [JOB_MANAGER_RPC, BLOB_SERVER, REST, *metrics_ports]
        if props.job is None:
            args = ["jobmanager", *(["$(POD_IP)"] if ha else [])]
        else:
            job = props.job
            args = ["standalone-job", *(["--host", "$(POD_IP)"] if ha else []),
                    *(["--job-classname", job.entry_class] if job.entry_class else []),
                    *(["--fromSavepoint", job.initial_savepoint_path] if job.initial_savepoint_path else []),
                    *(["--allowNonRestoredState"] if job.allow_non_restored_state else []), *job.args]
        jm_container = self._container(
            JOB_MANAGER_CONTAINER, props.image, args, jm_ports, JOB_MANAGER_RPC, run_as,
            [*([Env("POD_IP", field_path="status.podIP")] if ha else []), *platform_env, *jm_options.env],
            [config_mount, catalog_store.mount().api(), *jm_parts.mounts],
            container_resources(props.job_manager.cpu, props.job_manager.memory))
        jm_annotations = annotations(JOB_MANAGER_CONTAINER, self.config_map, *catalog_store.config_maps)
        jm_template = pod_template(jm, run_as, [jm_container], volumes=[config_volume, catalog_store.volume().api()],
                                   parts=jm_parts, service_account=account, automount_token=ha,
                                   annotations=jm_annotations)
        deployment(
            self, "JobManager", name=f"{name}-jobmanager", namespace=namespace, component=jm, wave=wave,
            replicas=props.job_manager.replicas, template=jm_template, strategy=None if ha else "Recreate")
        service(self, "RpcService", name=self.rpc_service, namespace=namespace, component=jm, wave=wave,
                ports=[JOB_MANAGER_RPC, BLOB_SERVER])
        k8s.KubeService(self, "RestService", metadata=object_meta(f"{name}-rest", namespace, jm, wave),
                        spec=k8s.ServiceSpec(type=standalone.rest_service, selector=jm.selector_labels(),
                                             ports=[REST.service_port()]))

        # TaskManagers
        tm_options = props.pod_options.with_role(props.task_manager.pod_options)
        tm_parts = pod_parts(tm_options, pod_security.FLINK, CORE_QUANTITIES)
        tm_env = [*platform_env, *tm_options.env]
        tm_args = ["taskmanager"]
        tm_mounts: list[k8s.VolumeMount | dict[str, Any]] = [config_mount]
        if statefulset:
            tm_mounts.append(k8s.VolumeMount(name=WORKING_DIR_VOLUME, mount_path=WORKING_DIR))
        if standalone.local_recovery:
            tm_env.insert(0, Env("POD_NAME", field_path="metadata.name"))
            tm_args.append("-Dtaskmanager.resource-id=$(POD_NAME)")
        tm_container = self._container(
            TASK_MANAGER_CONTAINER, props.image, tm_args,
            [TASK_MANAGER_RPC, *([QUERY_STATE] if standalone.queryable_state else []), *metrics_ports],
            TASK_MANAGER_RPC, run_as, tm_env, [*tm_mounts, *tm_parts.mounts],
            container_resources(props.task_manager.cpu, props.task_manager.memory))
        tm_template = pod_template(tm, run_as, [tm_container], volumes=[config_volume], parts=tm_parts,
                                   service_account=account, automount_token=ha,
                                   annotations=annotations(TASK_MANAGER_CONTAINER, self.config_map))
        replicas = props.task_manager.replicas or 1
        if statefulset:
            service(self, "TaskManagerService", name=f"{name}-taskmanager", namespace=namespace, component=tm,
                    wave=wave, ports=[TASK_MANAGER_RPC], headless=True)
            stateful_set(
                self, "TaskManager", name=f"{name}-taskmanager", namespace=namespace, component=tm, wave=wave,
                service_name=f"{name}-taskmanager", replicas=replicas, template=tm_template, parallel=True,
                claims=[pvc_template(WORKING_DIR_VOLUME, standalone.volume_size, standalone.storage_class)])
        else:
            deployment(self, "TaskManager", name=f"{name}-taskmanager", namespace=namespace,
                                     component=tm, wave=wave, replicas=replicas, template=tm_template)
        if standalone.queryable_state:
            k8s.KubeService(self, "QueryStateService", metadata=object_meta(f"{name}-query-state", namespace, tm, wave),
                            spec=k8s.ServiceSpec(type="NodePort", selector=tm.selector_labels(),
                                                 ports=[QUERY_STATE.service_port()]))

    @property
    def rest_host(self) -> str:
        """The REST Service's DNS name (`<name>-rest.<namespace>.svc.cluster.local`, port 8081)."""
        return service_host(f"{self.name}-rest", self.namespace)

    @staticmethod
    def _container(name: str, image: str, args: list[str], ports: list[Port], probe: Port,
                   run_as: pod_security.RunAs, envs: list[Env], mounts: Sequence[k8s.VolumeMount | dict[str, Any]],
                   limits: k8s.ResourceRequirements) -> k8s.Container:
        """A Flink container: the image's entrypoint with `args`, TCP probes on `probe` (liveness as the upstream
        manifests: 30 s delay, every 60 s; readiness every 10 s), the restricted security context, `mounts` (the
        platform's, then the pod options')."""
        return k8s.Container(
            name=name, image=image, image_pull_policy="IfNotPresent", args=args, env=env.core(envs) or None,
            ports=[p.container_port() for p in ports],
            liveness_probe=tcp_probe(probe, initial_delay=30, period=60, failure_threshold=3),
            readiness_probe=tcp_probe(probe, initial_delay=10, period=10, failure_threshold=3),
            resources=limits, security_context=pod_security.container_security_context(run_as),
            volume_mounts=list(mounts))
