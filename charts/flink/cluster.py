"""Flink clusters: FlinkDeployments in session mode (no `job`; session jobs run on them) or application mode
(one job, the cluster's lifetime), reconciled by the operator.

FlinkDeployment reference (operator 1.14): https://nightlies.apache.org/flink/flink-kubernetes-operator-docs-release-1.14/docs/custom-resource/reference/
Checkpoints, savepoints and HA metadata live on S3 under `s3://<flink bucket>/{checkpoints,savepoints,ha}/<name>`
(the keys of Flink 1.20 and later: `execution.checkpointing.dir`, `execution.checkpointing.savepoint-dir`,
`high-availability.type: kubernetes`, `high-availability.storageDir`). Flink is 1.20 (`upstream.capabilities`:
no Iceberg Flink runtime exists for 2.2). With an IAM role, `s3.aws.credentials.provider` names the web-identity
provider (`S3Access.flink_conf`). The JobManager mounts the file catalog store (`CatalogStore`), a projected,
read-only ConfigMap directory. The typed settings groups (checkpointing, snapshots, restart strategy, autoscaler,
ingress) are the value types of `config.flink_settings`, shared with the configuration; metrics are
`charts.flink.settings`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import cdk8s
import constructs

from charts.blocks import pod_security
from charts.blocks.container_env import Env
from charts.blocks.crd_enums import member
from charts.blocks.fluent_bit_sidecar import FluentBitSidecarProps
from charts.blocks.metadata import Component, ObjectMetadata, SyncWave, api_object_meta, image_tag
from charts.blocks.pod_options import PodOptions
from charts.blocks.pod_spec import QuantityTypes, api_env, api_form, pod_parts, pod_template, struct_arguments
from charts.blocks.s3 import S3Access
from charts.blocks.workloads import service_host
from charts.flink.catalog_store import STORE_PATH, CatalogStore
from charts.flink.job import job_spec
from charts.flink.rbac import FlinkJobServiceAccount
from charts.flink.settings import MetricsProps
from charts.flink.standalone_props import DEFAULT_LOG4J
from config.declaration import checked
from config.flink_rules import (
    Names,
    autoscaler_without_job_problem,
    log_config_problems,
    operator_forbidden_key_problems,
    overridden_parallelism_problem,
    standalone_cluster,
    standby_job_managers_problem,
)
from config.flink_rules import standalone_problems as rules_standalone_problems
from config.flink_settings import Autoscaler, Checkpointing, Ingress, JobSpec, PeriodicSnapshots, RestartStrategy
from config.flink_standalone import Standalone
from imports.flink.org.apache.flink import (
    FlinkDeployment,
    FlinkDeploymentSpec,
    FlinkDeploymentSpecFlinkVersion,
    FlinkDeploymentSpecIngress,
    FlinkDeploymentSpecIngressTls,
    FlinkDeploymentSpecJob,
    FlinkDeploymentSpecJobManager,
    FlinkDeploymentSpecJobManagerPodTemplate,
    FlinkDeploymentSpecJobManagerPodTemplateSpecContainersResourcesLimits,
    FlinkDeploymentSpecJobManagerPodTemplateSpecContainersResourcesRequests,
    FlinkDeploymentSpecJobManagerPodTemplateSpecInitContainersResourcesLimits,
    FlinkDeploymentSpecJobManagerPodTemplateSpecInitContainersResourcesRequests,
    FlinkDeploymentSpecJobManagerPodTemplateSpecVolumesEmptyDirSizeLimit,
    FlinkDeploymentSpecJobManagerResource,
    FlinkDeploymentSpecPodTemplate,
    FlinkDeploymentSpecTaskManager,
    FlinkDeploymentSpecTaskManagerPodTemplate,
    FlinkDeploymentSpecTaskManagerPodTemplateSpecContainersResourcesLimits,
    FlinkDeploymentSpecTaskManagerPodTemplateSpecContainersResourcesRequests,
    FlinkDeploymentSpecTaskManagerPodTemplateSpecInitContainersResourcesLimits,
    FlinkDeploymentSpecTaskManagerPodTemplateSpecInitContainersResourcesRequests,
    FlinkDeploymentSpecTaskManagerPodTemplateSpecVolumesEmptyDirSizeLimit,
    FlinkDeploymentSpecTaskManagerResource,
)
from upstream.flink_keys import flink_keys
from upstream.flink_options import (
    CATALOG_STORE_KIND,
    CATALOG_STORE_PATH,
    CHECKPOINT_DIR,
    FLINK_MAIN_CONTAINER,
    HA_STORAGE_DIR,
    HA_TYPE,
    LOG_FILE_PROPERTY,
    PLATFORM_KEYS,
    SAVEPOINT_DIR,
    STANDALONE_LOG_FILE,
    TASK_SLOTS,
)
from upstream.metrics_annotations import METRICS_PORT_NAME

REST_PORT = 8081
JOB_MANAGER_QUANTITIES = QuantityTypes(
    FlinkDeploymentSpecJobManagerPodTemplateSpecContainersResourcesRequests.from_string,
    FlinkDeploymentSpecJobManagerPodTemplateSpecContainersResourcesLimits.from_string,
    FlinkDeploymentSpecJobManagerPodTemplateSpecInitContainersResourcesRequests.from_string,
    FlinkDeploymentSpecJobManagerPodTemplateSpecInitContainersResourcesLimits.from_string,
    FlinkDeploymentSpecJobManagerPodTemplateSpecVolumesEmptyDirSizeLimit.from_string)
TASK_MANAGER_QUANTITIES = QuantityTypes(
    FlinkDeploymentSpecTaskManagerPodTemplateSpecContainersResourcesRequests.from_string,
    FlinkDeploymentSpecTaskManagerPodTemplateSpecContainersResourcesLimits.from_string,
    FlinkDeploymentSpecTaskManagerPodTemplateSpecInitContainersResourcesRequests.from_string,
    FlinkDeploymentSpecTaskManagerPodTemplateSpecInitContainersResourcesLimits.from_string,
    FlinkDeploymentSpecTaskManagerPodTemplateSpecVolumesEmptyDirSizeLimit.from_string)
"""The quantity classes of the JobManager's and the TaskManager's pod template (`charts.blocks.pod_spec`)."""



PROPS_NAMES = Names("job.parallelism", "task_manager.replicas", "task_manager.task_slots")
"""The settings the parallelism rules (`config.flink_rules`) speak of, as `FlinkClusterProps` names them."""


@dataclass(frozen=True)
class JobManagerProps:
    """The JobManager: `memory` its process size (a Flink memory size such as `2048m`, or a Kubernetes quantity
    such as `2Gi`), `cpu` in cores, `replicas` (more than 1 are standbys and need HA), `pod_options` of its pods only
    (over the cluster's)."""

    memory: str = "2048m"
    cpu: float = 0.5
    replicas: int = 1
    pod_options: PodOptions = field(default_factory=PodOptions)


@dataclass(frozen=True)
class TaskManagerProps:
    """Each TaskManager: `memory` its process size (as `JobManagerProps.memory`), `cpu` in cores, `task_slots`
    (`taskmanager.numberOfTaskSlots`), `replicas` (None: the operator derives them from the job's parallelism and
    the slots; session clusters start TaskManagers on demand), `pod_options` of its pods only (over the cluster's)."""

    memory: str = "2048m"
    cpu: float = 0.5
    task_slots: int = 10
    replicas: int | None = None
    pod_options: PodOptions = field(default_factory=PodOptions)


@dataclass(frozen=True)
class FlinkClusterProps:
    """A FlinkDeployment: a session cluster (`job` None) or an application cluster running `job`.

    Attributes:
        image: Flink image with the S3 filesystem, Fluss and Iceberg connectors.
        name: FlinkDeployment name (also `kubernetes.cluster-id`); the Flink operator allows 45 characters.
        flink_version: the CRD's `flinkVersion` (`v1_20`).
        job_manager, task_manager: sizes.
        high_availability: Kubernetes HA with its storage on S3 (`s3://<flink bucket>/ha/<name>`); needed by
            standby JobManagers (without it a `last-state` upgrade cancels the job and restores its latest
            checkpoint, which works but takes longer).
        job: the application's job (`jar_path` a URI, arguments resolved); None for a session cluster.
        autoscaler: the operator's job autoscaler (application clusters).
        restart_strategy: how Flink restarts a failed job.
        log_configuration: log configuration files replacing the image's (`log4j-console.properties`,
            `logback-console.xml`), as text.
        ingress: an Ingress to the Flink UI and REST API, created by the operator.
        metrics: Flink's Prometheus reporter with its container port and pod annotations; None: no reporter.
        metadata: the FlinkDeployment's own labels and annotations (under the platform's).
        backend: `operator` (a FlinkDeployment) or `standalone` (Flink's own Kubernetes objects, no operator:
            `charts.flink.standalone`); `standalone` its settings.
        checkpointing, periodic_snapshots: typed state settings (checkpoint and savepoint directories are always
            `s3://<flink bucket>/{checkpoints,savepoints}/<name>`).
        flink_configuration: any further Flink or operator setting, as `flinkConfiguration` strings; a key the
            platform sets itself is refused (set the typed field instead), and so is a key that is no Flink 1.20.3
            option under its current name nor under an open prefix (`upstream.flink_keys`).
        service_account: the job ServiceAccount of this cluster (`FlinkChart` renders it with the job Role); None:
            the chart's.
        pod_templates: full Kubernetes pod templates (API form, camelCase) by role (`common`, `jobManager`,
            `taskManager`), as an alternative to pod options: merged under the platform's template of that role (what
            the platform sets wins, so its security context, env and mounts stay; named list items merge by name).
        pod_options: labels, annotations, scheduling, pull secrets, env and volumes of both roles' pods. Env goes
            into the common pod template (after the platform's); everything else into each role's template, merged
            with the role's own options, so the result does not depend on how the operator merges templates.

    Raises:
        ValueError: a settings group the configuration would refuse (`config.declaration.checked`: its declared
            bounds and its `problems()`), standby JobManagers without HA (the operator rejects them), an autoscaler
            without a job, log
            files the operator refuses, a `flink_configuration` key the platform (or the operator) sets or that Flink
            does not know (naming the closest key); with the operator, a job parallelism other than TaskManager
            replicas x slots (the operator would ignore it: `config.flink_rules.overridden_parallelism_problem`); with
            the standalone backend, what it cannot do (`standalone_problems`).
    """

    image: str = "flink-fluss-iceberg-s3:1.20.3"
    name: str = "flink-session"
    flink_version: str = "v1_20"
    job_manager: JobManagerProps = field(default_factory=JobManagerProps)
    task_manager: TaskManagerProps = field(default_factory=TaskManagerProps)
    high_availability: bool = True
    job: JobSpec | None = None
    checkpointing: Checkpointing = field(default_factory=Checkpointing)
    periodic_snapshots: PeriodicSnapshots = field(default_factory=PeriodicSnapshots)
    autoscaler: Autoscaler = field(default_factory=Autoscaler)
    restart_strategy: RestartStrategy = field(default_factory=RestartStrategy)
    flink_configuration: Mapping[str, str] = field(default_factory=dict)
    log_configuration: Mapping[str, str] = field(default_factory=dict)
    ingress: Ingress | None = None
    pod_options: PodOptions = field(default_factory=PodOptions)
    pod_templates: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    service_account: str | None = None
    metrics: MetricsProps | None = None
    backend: Literal["operator", "standalone"] = "operator"
    standalone: Standalone = field(default_factory=Standalone)
    metadata: ObjectMetadata = field(default_factory=ObjectMetadata)

    def __post_init__(self) -> None:
        for what, group in (("checkpointing", self.checkpointing), ("periodicSnapshots", self.periodic_snapshots),
                            ("autoscaler", self.autoscaler), ("restartStrategy", self.restart_strategy),
                            ("standalone", self.standalone)):
            checked(f"FlinkDeployment {self.name}: {what}", group)
        if self.job is not None:
            checked(f"FlinkDeployment {self.name}: job", self.job)
        if self.backend == "standalone":
            problems = standalone_problems(self)
            if problems:
                raise ValueError(f"standalone Flink cluster {self.name}: {'; '.join(problems)}")
        unknown_roles = sorted(set(self.pod_templates) - set(POD_TEMPLATE_PATHS))
        if unknown_roles:
            raise ValueError(f"FlinkDeployment {self.name}: pod templates for {', '.join(unknown_roles)}; expected "
                             f"{', '.join(POD_TEMPLATE_PATHS)}")
        if standby := standby_job_managers_problem(self.job_manager.replicas, self.high_availability,
                                                   ha_setting="high_availability"):
            raise ValueError(f"FlinkDeployment {self.name}: {standby.message}")
        if self.backend == "operator" and self.job is not None and (overridden := overridden_parallelism_problem(
                self.job.parallelism, self.task_manager.replicas, self.task_manager.task_slots, PROPS_NAMES)):
            raise ValueError(f"FlinkDeployment {self.name}: {overridden.message}")
        if logs := log_config_problems(sorted(self.log_configuration)):
            raise ValueError(f"FlinkDeployment {self.name}: log_configuration: {'; '.join(p.message for p in logs)}")
        if jobless := autoscaler_without_job_problem(self.autoscaler.enabled, self.job is not None):
            raise ValueError(f"FlinkDeployment {self.name}: {jobless.message}")
        forbidden = {p.where for p in operator_forbidden_key_problems(self.flink_configuration)}
        typed = sorted((set(self.flink_configuration) & PLATFORM_KEYS) | forbidden)
        if typed:
            raise ValueError(f"FlinkDeployment {self.name}: flink_configuration sets {', '.join(typed)}, which the "
                             "platform (or the operator) sets itself")
        unknown = [f"{key}: {problem}" for key, problem in flink_keys().problems(self.flink_configuration)]
        if unknown:
            raise ValueError(f"FlinkDeployment {self.name}: flink_configuration: {'; '.join(unknown)}")

    @property
    def session_mode(self) -> bool:
        """Whether this is a session cluster (no job of its own)."""
        return self.job is None

    def typed_flink_conf(self, base: str) -> dict[str, str]:
        """The settings the platform derives from the typed fields, state directories under `base` (`s3://b/`)."""
        conf = {
            TASK_SLOTS: str(self.task_manager.task_slots),
            CHECKPOINT_DIR: f"{base}checkpoints/{self.name}",
            SAVEPOINT_DIR: f"{base}savepoints/{self.name}",
            CATALOG_STORE_KIND: "file",
            CATALOG_STORE_PATH: STORE_PATH,
            **self.checkpointing.flink_conf(),
            **self.periodic_snapshots.flink_conf(),
            **self.autoscaler.flink_conf(),
            **self.restart_strategy.flink_conf(),
            **(self.metrics.flink_conf() if self.metrics else {}),
        }
        if self.high_availability:
            conf[HA_TYPE] = "kubernetes"
            conf[HA_STORAGE_DIR] = f"{base}ha/{self.name}"
        return conf


def standalone_problems(props: FlinkClusterProps) -> list[str]:
    """Why `props` cannot run as a standalone cluster (empty: it can): `config.flink_rules.standalone_problems` of
    its values, each as `<setting>: <why>` (the settings named as in an environment file)."""
    roles = {"common": "podTemplate", "jobManager": "jobManager.podTemplate", "taskManager": "taskManager.podTemplate"}
    cluster = standalone_cluster(props, job_jar=props.job.jar_path if props.job else None,
                                 pod_templates=tuple(roles.get(role, role) for role in props.pod_templates))
    return [f"{problem.where}: {problem.message}" for problem in rules_standalone_problems(cluster)]


POD_TEMPLATE_PATHS = {"common": ("podTemplate",), "jobManager": ("jobManager", "podTemplate"),
                      "taskManager": ("taskManager", "podTemplate")}
"""Where each role's pod template sits under a FlinkDeployment's `spec`."""


def merge_under(user: Any, platform: Any) -> Any:
    """`user` (a pod template in API form) with `platform` merged over it: what the platform sets wins, maps merge,
    lists of named items merge by name (the platform's fields over the user's), other lists are the platform's when
    it has one."""
    if isinstance(user, Mapping) and isinstance(platform, Mapping):
        return {**{k: v for k, v in user.items()},
                **{k: merge_under(user[k], v) if k in user else v for k, v in platform.items()}}
    if isinstance(user, list) and isinstance(platform, list) and all(
            isinstance(i, Mapping) and "name" in i for i in (*user, *platform)):
        merged = {i["name"]: i for i in user}
        for item in platform:
            merged[item["name"]] = merge_under(merged[item["name"]], item) if item["name"] in merged else item
        return list(merged.values())
    return platform


def _main_container(*, env: list[Env], mounts: list[dict[str, Any]] | None = None,
                    ports: tuple[tuple[str, int], ...] = (), run_as: pod_security.RunAs | None = None) -> dict[str, Any]:
    """What the platform adds to the main container the operator builds (`flink-main-container`, which keeps the
    FlinkDeployment's image and command), in API form: `env`, `mounts`, `ports` as (name, container port) pairs (TCP;
    Flink's own ports are added by Flink: rest, jobmanager-rpc, blobserver, taskmanager-rpc) and, with `run_as`, the
    restricted container security context."""
    container: dict[str, Any] = {"name": FLINK_MAIN_CONTAINER}
    if env:
        container["env"] = api_env(env)
    if mounts:
        container["volumeMounts"] = mounts
    if ports:
        container["ports"] = [{"name": name, "containerPort": number, "protocol": "TCP"} for name, number in ports]
    if run_as:
        container["securityContext"] = api_form(pod_security.container_security_context_props(run_as))
    return container


def _role_env(platform_env: list[Env], role: PodOptions, merged: PodOptions) -> list[Env]:
    """The main container's whole env in a role's template when the role sets env of its own (the platform's, then
    the cluster's and the role's merged): the operator merges a role's containers over the common template's, by
    position by default, so a role's list must repeat the common one; empty otherwise (the common template holds it)."""
    return [*platform_env, *merged.env] if role.env else []


def _with_shipper(options: PodOptions, shipper: PodOptions, cluster: str) -> PodOptions:
    """`options` with the log shipper's volumes and sidecar added.

    Raises:
        ValueError: `options` already have a volume or container of one of the shipper's names."""
    taken = sorted({v.name for v in options.volumes} & {v.name for v in shipper.volumes}
                   | {c.name for c in (*options.sidecars, *options.init_containers)} & {c.name for c in shipper.sidecars})
    if taken:
        raise ValueError(f"FlinkDeployment {cluster}: pod options use {', '.join(taken)}, the names of the Fluent Bit "
                         "sidecar's volumes and container (logs.shipper: sidecar)")
    return options.with_role(shipper)


def _sets_anything(options: PodOptions) -> bool:
    """Whether `options` (env aside, which the common template carries) put anything into a role's template."""
    return any((options.labels, options.annotations, options.node_selector, options.tolerations, options.affinity,
                options.image_pull_secrets, options.volumes, options.sidecars, options.init_containers))


def shipped_log_configuration(props: FlinkClusterProps) -> dict[str, str]:
    """The `logConfiguration` of a cluster whose log files a Fluent Bit sidecar ships: its own, with
    `log4j-console.properties` defaulting to the console and the rolling file `${sys:log.file}` (`DEFAULT_LOG4J`; the
    operator's default, from its ConfigMap, is console only), so there is a file to tail.

    Raises:
        ValueError: a `log4j-console.properties` of the cluster's own that never writes `${sys:log.file}`.
    """
    files = dict(props.log_configuration)
    own = files.setdefault(STANDALONE_LOG_FILE, DEFAULT_LOG4J)
    if LOG_FILE_PROPERTY not in own:
        raise ValueError(f"FlinkDeployment {props.name}: its log4j-console.properties writes no file "
                         f"({LOG_FILE_PROPERTY}), so the Fluent Bit sidecar has nothing to ship")
    return files


class FlinkCluster(constructs.Construct):
    """FlinkDeployment `props.name`, in session or application mode, protected from pruning.

    Props: `namespace`; `props`; `service_account`, the job ServiceAccount its pods run as; `s3`; `catalog_store`,
    mounted by the JobManager (the catalogs of SQL and Table API programs); `log_shipper`, a Fluent Bit sidecar in
    both roles' pods (volumes and container from `FluentBitSidecarProps.pod_options`, added over the cluster's and
    roles' pod options; its ConfigMap is the chart's) and a log configuration that writes files
    (`shipped_log_configuration`), None: none. `name` is what session jobs name as `deploymentName`; `rest_host` is
    the operator-created REST Service (`<name>-rest`, port `REST_PORT` 8081) that the SQL Gateway submits to.

    Raises:
        ValueError: with `log_shipper`, pod options that use the sidecar's container or volume names.
    """

    def __init__(self, scope: constructs.Construct, id: str, *, namespace: str, props: FlinkClusterProps,
                 service_account: FlinkJobServiceAccount, s3: S3Access, catalog_store: CatalogStore,
                 log_shipper: FluentBitSidecarProps | None = None):
        super().__init__(scope, id)
        self.name = props.name
        self.namespace = namespace
        self.session_mode = props.session_mode
        role = "session-cluster" if props.session_mode else "application"
        component = Component("flink", props.name, image_tag(props.image), role)
        flink_conf = {**props.typed_flink_conf(s3.uri(s3.buckets.flink)), **s3.flink_conf(),
                      **props.flink_configuration}
        platform_env = [*s3.env(), *catalog_store.env()]
        main_env = [*platform_env, *props.pod_options.env]
        run_as = props.pod_options.run_as or pod_security.FLINK
        ports = ((METRICS_PORT_NAME, props.metrics.port),) if props.metrics else ()
        metrics_annotations = props.metrics.pod_annotations() if props.metrics else {}
        common = FlinkDeploymentSpecPodTemplate(**struct_arguments(pod_template(
            containers=[_main_container(env=main_env, run_as=run_as)], run_as=run_as)))
        shipper = log_shipper.pod_options(props.name) if log_shipper else PodOptions()
        job_manager_options = _with_shipper(props.pod_options.with_role(props.job_manager.pod_options), shipper,
                                            props.name)
        job_manager_parts = pod_parts(job_manager_options, pod_security.FLINK, JOB_MANAGER_QUANTITIES)
        job_manager_pod = FlinkDeploymentSpecJobManagerPodTemplate(**struct_arguments(pod_template(
            containers=[_main_container(
                env=_role_env(platform_env, props.job_manager.pod_options, job_manager_options),
                mounts=[catalog_store.mount().api(), *job_manager_parts.mounts], ports=ports)],
            volumes=[catalog_store.volume().api()], parts=job_manager_parts, annotations=metrics_annotations)))
        task_manager_options = _with_shipper(props.pod_options.with_role(props.task_manager.pod_options), shipper,
                                             props.name)
        task_manager_parts = pod_parts(task_manager_options, pod_security.FLINK, TASK_MANAGER_QUANTITIES)
        task_manager_pod = FlinkDeploymentSpecTaskManagerPodTemplate(**struct_arguments(pod_template(
            containers=[_main_container(
                env=_role_env(platform_env, props.task_manager.pod_options, task_manager_options),
                mounts=task_manager_parts.mounts, ports=ports)],
            parts=task_manager_parts, annotations=metrics_annotations,
        ))) if _sets_anything(task_manager_options) or props.task_manager.pod_options.env or props.metrics else None
        resource = FlinkDeployment(
            self, "Resource",
            metadata=api_object_meta(props.name, namespace, component, SyncWave.CLUSTERS, keep_on_prune=True,
                                     extra_annotations=pod_security.pod_annotations(run_as) or None,
                                     own=props.metadata),
            spec=FlinkDeploymentSpec(
                image=props.image,
                image_pull_policy="IfNotPresent",
                flink_version=member(FlinkDeploymentSpecFlinkVersion, props.flink_version),
                service_account=service_account.name,
                flink_configuration=dict(sorted(flink_conf.items())),
                pod_template=common,
                job_manager=FlinkDeploymentSpecJobManager(
                    replicas=props.job_manager.replicas,
                    resource=FlinkDeploymentSpecJobManagerResource(
                        memory=props.job_manager.memory, cpu=props.job_manager.cpu),
                    pod_template=job_manager_pod,
                ),
                task_manager=FlinkDeploymentSpecTaskManager(
                    replicas=props.task_manager.replicas,
                    pod_template=task_manager_pod,
                    resource=FlinkDeploymentSpecTaskManagerResource(
                        memory=props.task_manager.memory, cpu=props.task_manager.cpu),
                ),
                job=job_spec(props.job, FlinkDeploymentSpecJob) if props.job else None,
                log_configuration=(shipped_log_configuration(props) if log_shipper
                                   else dict(props.log_configuration)) or None,
                ingress=FlinkDeploymentSpecIngress(
                    template=props.ingress.template, class_name=props.ingress.class_name,
                    annotations=dict(props.ingress.annotations) or None, labels=dict(props.ingress.labels) or None,
                    tls=[FlinkDeploymentSpecIngressTls(hosts=list(tls.hosts) or None, secret_name=tls.secret_name)
                         for tls in props.ingress.tls] or None) if props.ingress else None,
            ),
        )
        if props.pod_templates:
            spec = resource.to_json()["spec"]
            for role, template in props.pod_templates.items():
                path = POD_TEMPLATE_PATHS[role]
                platform = spec.get(path[0]) if len(path) == 1 else (spec.get(path[0]) or {}).get(path[1])
                resource.add_json_patch(cdk8s.JsonPatch.add("/spec/" + "/".join(path),
                                                            merge_under(template, platform or {})))

    @property
    def rest_host(self) -> str:
        """The operator-created REST Service's DNS name (`<name>-rest.<namespace>.svc.cluster.local`)."""
        return service_host(f"{self.name}-rest", self.namespace)
