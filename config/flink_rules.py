"""The Flink rules that config, the constructs and `validate` all apply, each coded once, as functions of plain values.

Each function takes numbers, strings or a mapping of Flink option keys to values and returns its problems as
`RuleProblem`s: `where` names the setting the rule blames (a Flink option key, or the rule's own name for a value
the spec holds), `message` says what is wrong in the words of the layer that asked (the names of the settings are
arguments: config speaks of its fields, the constructs of their props, `validate` of the manifest), and `upstream`
quotes the upstream program's own message where it has one (`validate` reports that, as the operator would).

- config reports each problem at the field (`config.loading.Problem`), in the sections' `problems()`;
- the constructs raise `ValueError` with the same message (`charts.flink.settings`, `charts.flink.cluster`);
- `validate` reports it on the rendered object (`manifests.validation.flink_operator`,
  `manifests.validation.flink_autoscaler`, `manifests.validation.flink_parallelism`,
  `manifests.validation.flink_standalone`).

Upstream: apache/flink-kubernetes-operator at tag release-1.14.0 (paths below relative to it), and apache/flink at
release-1.20.3 for the standalone slots.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

from config.loading import camel
from upstream.api_formats import STATEFUL_SET_NAME_MAX
from upstream.flink_options import (
    AUTOSCALER,
    FLINK_OWN_PORTS,
    LOG_CONFIG_FILES,
    OPERATOR_FORBIDDEN_KEYS,
    OPERATOR_ONLY_KEY_PREFIX,
    PERIODIC_SNAPSHOTS,
    PROMETHEUS_REPORTER_PORT,
    RESTART_STRATEGY,
    STANDALONE_KEYS,
    STANDALONE_LOG_FILE,
    USRLIB,
)
from upstream.java_values import java_double_str


class RuleProblem(NamedTuple):
    """One problem a rule finds: `where` the setting it blames, `message` the platform's text (without a location),
    `upstream` the upstream program's own message when it has one (None otherwise)."""

    where: str
    message: str
    upstream: str | None = None


UTILIZATION_TARGET = "job.autoscaler.utilization.target"
DEFAULT_UTILIZATION_TARGET = 0.7
"""`AutoScalerOptions.UTILIZATION_TARGET`'s default (flink-autoscaler/src/main/java/org/apache/flink/autoscaler/
config/AutoScalerOptions.java)."""
VERTEX_MIN_PARALLELISM = "job.autoscaler.vertex.min-parallelism"
VERTEX_MAX_PARALLELISM = "job.autoscaler.vertex.max-parallelism"

TARGET = "target"
"""A range bound that is the utilization target itself."""

AUTOSCALER_RANGES: tuple[tuple[str, float | str | None, float | str | None], ...] = (
    ("job.autoscaler.scale-down.max-factor", 0.0, None),
    ("job.autoscaler.scale-up.max-factor", 0.0, None),
    (UTILIZATION_TARGET, 0.0, 1.0),
    ("job.autoscaler.target.utilization.boundary", 0.0, None),
    ("job.autoscaler.utilization.max", TARGET, 1.0),
    ("job.autoscaler.utilization.min", 0.0, TARGET),
    ("job.autoscaler.observed-scalability.coefficient-min", 0.01, 1.0),
)
"""The ranges of `AutoscalerValidator.validateAutoscalerOptions`, in its order: (option key, low, high); None is
unbounded, `TARGET` the utilization target (flink-autoscaler/src/main/java/org/apache/flink/autoscaler/validation/
AutoscalerValidator.java:47-55; the message format at :76-82)."""


def _bound(bound: float | str | None, target: float, unbounded: str) -> tuple[float | None, str]:
    """A range bound as a number (None: unbounded) and as Java prints it in the operator's message."""
    if bound is None:
        return None, unbounded
    value = target if bound == TARGET else float(bound)
    return value, java_double_str(value)


def autoscaler_problems(values: Mapping[str, float | None]) -> list[RuleProblem]:
    """The autoscaler options out of the operator's ranges, in `AutoscalerValidator`'s order (it reports the first),
    then a vertex parallelism minimum above the maximum.

    `values`: option key (`job.autoscaler.*`, as in `AUTOSCALER_RANGES` and the vertex bounds) -> its number, None or
    absent when unset (the operator's default applies, which is within its range). The operator runs these checks
    only when `job.autoscaler.enabled` is true; the caller decides (config checks the settings it writes either way).
    The vertex bounds are the platform's check: the operator does not validate them, and
    `JobVertexScaler.scale` (flink-autoscaler/src/main/java/org/apache/flink/autoscaler/JobVertexScaler.java:222-226)
    then bounds every vertex by a minimum above its maximum.
    """
    target_value = values.get(UTILIZATION_TARGET)
    target = DEFAULT_UTILIZATION_TARGET if target_value is None else float(target_value)
    problems = []
    for key, low_bound, high_bound in AUTOSCALER_RANGES:
        value = values.get(key)
        if value is None:
            continue
        low, low_text = _bound(low_bound, target, "-Infinity")
        high, high_text = _bound(high_bound, target, "+Infinity")
        upstream = (f"The AutoScalerOption {key} is invalid, it should be a value within the range "
                    f"[{low_text}, {high_text}]")
        shown = java_double_str(float(value))
        if low is not None and value < low:
            limit = f"the utilization target ({low_text})" if low_bound == TARGET else low_text
            problems.append(RuleProblem(key, f"{shown} is below {limit}", upstream))
        elif high is not None and value > high:
            limit = f"the utilization target ({high_text})" if high_bound == TARGET else high_text
            problems.append(RuleProblem(key, f"{shown} is above {limit}", upstream))
    low_vertex, high_vertex = values.get(VERTEX_MIN_PARALLELISM), values.get(VERTEX_MAX_PARALLELISM)
    if low_vertex is not None and high_vertex is not None and low_vertex > high_vertex:
        problems.append(RuleProblem(VERTEX_MIN_PARALLELISM, f"{int(low_vertex)} is above the vertex maximum "
                                                            f"parallelism ({int(high_vertex)})"))
    return problems


def autoscaler_values(settings: object) -> dict[str, float]:
    """The numbers of typed autoscaler settings (`config.flink_settings.Autoscaler`: the field names of
    `upstream.flink_options.AUTOSCALER`) by option key, for `autoscaler_problems`; unset (None) fields left out."""
    values: dict[str, float] = {}
    for name, key in AUTOSCALER.items():
        value = getattr(settings, name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            values[key] = value
    return values


def autoscaler_setting_problems(settings: object) -> list[RuleProblem]:
    """`autoscaler_problems` of typed autoscaler settings, each `where` the field name (`utilization_min`)."""
    fields = {key: name for name, key in AUTOSCALER.items()}
    return [problem._replace(where=fields[problem.where])
            for problem in autoscaler_problems(autoscaler_values(settings))]


STANDBY_UPSTREAM = "High availability should be enabled when starting standby JobManagers."
"""`DefaultValidator.validateJmReplicas` (flink-kubernetes-operator/src/main/java/org/apache/flink/kubernetes/
operator/validation/DefaultValidator.java:325-334)."""


def standby_job_managers_problem(replicas: int, high_availability: bool, *,
                                 ha_setting: str = "highAvailability: true") -> RuleProblem | None:
    """More than one JobManager (standbys) without high availability, which the operator's `DefaultValidator`
    refuses (`STANDBY_UPSTREAM`); None when `replicas` <= 1 or HA is on. `ha_setting` names the setting that turns HA
    on, as the caller's user writes it. `where` is `jobManager.replicas`."""
    if replicas <= 1 or high_availability:
        return None
    return RuleProblem("jobManager.replicas", f"{replicas} JobManagers need {ha_setting} (the Flink operator rejects "
                                              "standby JobManagers without HA)", STANDBY_UPSTREAM)


IGNORED_PARALLELISM_UPSTREAM = "Job parallelism setting is ignored as TaskManager replicas are set"
"""The operator's log line (`FlinkConfigBuilder.getParallelism`, flink-kubernetes-operator/src/main/java/org/apache/
flink/kubernetes/operator/config/FlinkConfigBuilder.java:357-373)."""


class Names(NamedTuple):
    """How a caller's user names the settings a parallelism rule speaks of."""

    parallelism: str
    replicas: str
    slots: str


CONFIG_NAMES = Names("job.parallelism", "taskManager.replicas", "taskManager.taskSlots")
"""The names of the settings in an environment file (`flink.deployments[]`)."""


def overridden_parallelism_problem(parallelism: int, replicas: int | None, slots: int,
                                   names: Names = CONFIG_NAMES) -> RuleProblem | None:
    """An application cluster of the operator whose job parallelism is not TaskManager `replicas` x `slots`: the
    operator runs the job with that product and ignores the parallelism with only a log line
    (`IGNORED_PARALLELISM_UPSTREAM`). None without replicas (the operator derives them) or when they agree. `where`
    is `names.parallelism`."""
    if replicas is None or parallelism == replicas * slots:
        return None
    total = replicas * slots
    return RuleProblem(names.parallelism, f"{parallelism}, but {names.replicas} {replicas} x {names.slots} {slots} = "
                                          f"{total}: the Flink operator runs the job with parallelism {total} and "
                                          f"ignores {names.parallelism} (\"{IGNORED_PARALLELISM_UPSTREAM}\"); set "
                                          f"{names.parallelism}: {total}, or leave {names.replicas} unset (null) so "
                                          "that Flink starts the TaskManagers the parallelism needs",
                       IGNORED_PARALLELISM_UPSTREAM)


def standalone_slots_problem(parallelism: int, replicas: int, slots: int, *, reactive: bool,
                             names: Names = CONFIG_NAMES) -> RuleProblem | None:
    """A standalone application cluster's job parallelism its TaskManagers cannot hold, or that reactive mode
    ignores; None when it fits.

    A standalone cluster has exactly `replicas` x `slots` slots (no resource manager starts more): a job of a higher
    parallelism asks for slots no one starts and fails with `NoResourceAvailableException` after the slot request
    timeout, again and again. In reactive mode Flink 1.20's adaptive scheduler runs every vertex at its max
    parallelism, bounded by the slots there are (apache/flink release-1.20.3, flink-runtime/src/main/java/org/apache/
    flink/runtime/scheduler/adaptive/AdaptiveScheduler.java, `computeReactiveModeVertexParallelismStore`), so a
    configured parallelism other than the slots does nothing. `where` is `names.parallelism`.
    """
    total = replicas * slots
    described = f"{names.replicas} {replicas} x {names.slots} {slots} = {total}"
    if reactive and parallelism != total:
        return RuleProblem(names.parallelism, f"{parallelism}, but reactive mode runs the job on every slot, "
                                              f"{described} (Flink's adaptive scheduler ignores the configured "
                                              f"parallelism); set {names.parallelism}: {total}")
    if not reactive and parallelism > total:
        return RuleProblem(names.parallelism, f"{parallelism}, but {described} slots: the job needs {parallelism} "
                                              "slots and never gets them (a standalone cluster starts no TaskManagers "
                                              f"of its own); set {names.replicas}: {-(-parallelism // slots)}, or "
                                              f"{names.parallelism}: {total} or less")
    return None


# The rules below come from the operator's validator (release-1.14.0): flink-kubernetes-operator/src/main/java/org/
# apache/flink/kubernetes/operator/validation/DefaultValidator.java.


def operator_forbidden_key_problems(keys: Iterable[str]) -> list[RuleProblem]:
    """The `flinkConfiguration` keys among `keys` that the operator refuses because it sets them itself
    (`DefaultValidator.validateFlinkDeploymentConfig`, `FORBIDDEN_CONF_KEYS`: DefaultValidator.java:73-78, 186-196),
    in the operator's order (it reports the first). `where` is the key."""
    present = set(keys)
    return [RuleProblem(key, "set by the Flink operator itself (forbidden key)", f"Forbidden Flink config key: {key}")
            for key in OPERATOR_FORBIDDEN_KEYS if key in present]


def log_config_problems(files: Iterable[str]) -> list[RuleProblem]:
    """The `logConfiguration` keys among `files` (in their order) that the operator refuses: only
    `upstream.flink_options.LOG_CONFIG_FILES` are allowed (`DefaultValidator.validateLogConfig`,
    DefaultValidator.java:220-233; the operator prints its `Set.of`, whose order varies, and reports the first key).
    `where` is the key."""
    allowed = f"[{', '.join(LOG_CONFIG_FILES)}]"
    problems = []
    for key in files:
        if key not in LOG_CONFIG_FILES:
            upstream = f"Invalid log config key: {key}. Allowed keys are {allowed}"
            problems.append(RuleProblem(key, f"{upstream} (the Flink operator)", upstream))
    return problems


REDEPLOY_UPSTREAM = "InitialSavepointPath must not be empty for savepoint redeployment"
"""`DefaultValidator.validateSpecChange` (DefaultValidator.java:446-456)."""


def savepoint_redeploy_problem(nonce: object, initial_savepoint_path: object, *,
                               path_setting: str = "initialSavepointPath") -> RuleProblem | None:
    """A savepoint redeploy (`nonce` set) without a savepoint to redeploy from: the operator refuses a new
    `savepointRedeployNonce` whose `initialSavepointPath` is null, empty or blank (`REDEPLOY_UPSTREAM`;
    `StringUtils.isNullOrWhitespaceOnly`). `path_setting` names that path as the caller's user writes it. `where` is
    `savepointRedeployNonce`; None when the nonce is unset or the path is there."""
    if nonce is None or str(initial_savepoint_path or "").strip():
        return None
    return RuleProblem("savepointRedeployNonce", f"needs {path_setting} (the Flink operator: \"{REDEPLOY_UPSTREAM}\")",
                       REDEPLOY_UPSTREAM)


def metrics_port_problem(port: int | None) -> RuleProblem | None:
    """A Prometheus reporter port that is one Flink itself opens in its pods (`upstream.flink_options.FLINK_OWN_PORTS`,
    apache/flink release-1.20.3 flink-kubernetes/src/main/java/org/apache/flink/kubernetes/utils/Constants.java):
    the reporter would fail to bind it, or take it from Flink. `where` is `metrics.reporter.prom.port`; None for
    another port or none."""
    if port is None or port not in FLINK_OWN_PORTS:
        return None
    return RuleProblem(PROMETHEUS_REPORTER_PORT, f"{port} is Flink's own {FLINK_OWN_PORTS[port]} port; choose another "
                                                 "(default 9249)")


def operator_replicas_problem(replicas: int, leader_election: bool, *,
                              setting: str = "flinkOperator.leaderElection: true") -> RuleProblem | None:
    """More than one Flink operator replica without leader election: every replica would reconcile the same
    resources (operator 1.14 Helm chart, helm/flink-kubernetes-operator/values.yaml:35, "Replicas must be 1 unless
    operator leader election is configured"; docs/content/docs/operations/configuration.md:111-122). `setting` names
    the switch as the caller's user writes it. `where` is `replicas`."""
    if replicas <= 1 or leader_election:
        return None
    return RuleProblem("replicas", f"{replicas} replicas need {setting} (without it two operators reconcile the same "
                                   "resources)")


def autoscaler_without_job_problem(enabled: bool, has_job: bool) -> RuleProblem | None:
    """The platform's rule: the autoscaler of a Flink cluster's typed settings scales the job of an application
    cluster, so a cluster without a job (a session cluster) cannot enable it. `where` is `autoscaler.enabled`."""
    if not enabled or has_job:
        return None
    return RuleProblem("autoscaler.enabled", "the autoscaler scales the job of an application cluster; this cluster "
                                             "has none (job: null)")


def restart_strategy_problems(kind: str | None, settings: object) -> list[RuleProblem]:
    """The settings of typed restart-strategy settings (`config.flink_settings.RestartStrategy`: the field
    names of `upstream.flink_options.RESTART_STRATEGY`) that belong to another strategy than `kind`, their `type`:
    Flink 1.20 reads only the options of the configured strategy (`RestartStrategyOptions`, apache/flink release-1.20.3
    flink-core/src/main/java/org/apache/flink/configuration/RestartStrategyOptions.java) and ignores the others
    silently. `where` is the field name."""
    return [RuleProblem(name, f"belongs to type: {strategy} (type is {kind or 'unset'})")
            for name, (_, strategy) in RESTART_STRATEGY.items()
            if strategy is not None and getattr(settings, name) is not None and strategy != kind]


def local_recovery_problem(local_recovery: bool, task_manager_kind: str) -> RuleProblem | None:
    """Local recovery of a standalone cluster without a volume that follows each TaskManager across restarts, which
    only a StatefulSet gives (Flink 1.20 docs, "Local Recovery Enabled TaskManager StatefulSet" in the standalone
    Kubernetes appendix). `where` is `localRecovery`; None otherwise."""
    if not local_recovery or task_manager_kind == "statefulset":
        return None
    return RuleProblem("localRecovery", "needs taskManagerKind: statefulset (a volume that follows each TaskManager "
                                        "across restarts)")


TASK_MANAGER_SUFFIX = "-taskmanager"
"""Suffix of a standalone cluster's TaskManager Deployment or StatefulSet name (`<name>-taskmanager`)."""
JOB_OPERATOR_SETTINGS = ("savepoint_trigger_nonce", "checkpoint_trigger_nonce", "savepoint_redeploy_nonce",
                         "autoscaler_reset_nonce", "state")
"""The job settings only the operator reads (field names of `config.flink_settings.JobSpec`)."""
OPERATOR_ONLY = "is an operator feature; a standalone cluster has no operator (backend: operator)"


class StandaloneCluster(NamedTuple):
    """What `standalone_problems` reads of a `backend: standalone` cluster, as plain values; each `where` (and each
    path given here) in the words of an environment file (`flink.deployments[]`)."""

    name: str
    autoscaler: bool
    periodic_snapshots: Mapping[str, object]
    """Periodic snapshot setting (field name, `savepoint_interval`) -> its value (None: unset)."""
    ingress: bool
    pod_templates: tuple[str, ...]
    """Where a full pod template is set (`podTemplate`, `jobManager.podTemplate`, `taskManager.podTemplate`)."""
    log_files: tuple[str, ...]
    high_availability: bool
    cluster_id: str | None
    task_manager_replicas: int | None
    task_slots: int
    task_manager_kind: str
    reactive_mode: bool
    job_jar: str | None
    """The job's JAR (path or URI); None: a session cluster."""
    job_parallelism: int
    job_operator_settings: Mapping[str, object]
    """Job setting only the operator reads (`JOB_OPERATOR_SETTINGS`) -> its value (None: unset)."""
    native_sidecars: tuple[str, ...]
    """Where an init container with a `restartPolicy` (a native sidecar) is declared."""
    flink_configuration: tuple[str, ...]


def standalone_cluster(settings: Any, *, pod_templates: tuple[str, ...], job_jar: str | None) -> StandaloneCluster:
    """The `StandaloneCluster` values of a cluster's settings: a `FlinkDeploymentConfig` or a `FlinkClusterProps`,
    which share these attribute names (`name`, `autoscaler.enabled`, `periodic_snapshots`, `ingress`,
    `log_configuration`, `high_availability`, `standalone`, `task_manager`, `job`, the three `pod_options`,
    `flink_configuration`); where they differ, the caller passes the values: `pod_templates` (where a full pod
    template is set) and `job_jar`."""
    job = settings.job
    options = (("podOptions", settings.pod_options), ("jobManager.podOptions", settings.job_manager.pod_options),
               ("taskManager.podOptions", settings.task_manager.pod_options))
    return StandaloneCluster(
        name=settings.name, autoscaler=settings.autoscaler.enabled,
        periodic_snapshots={name: getattr(settings.periodic_snapshots, name) for name in PERIODIC_SNAPSHOTS},
        ingress=settings.ingress is not None, pod_templates=pod_templates,
        log_files=tuple(settings.log_configuration), high_availability=settings.high_availability,
        cluster_id=settings.standalone.cluster_id, task_manager_replicas=settings.task_manager.replicas,
        task_slots=settings.task_manager.task_slots, task_manager_kind=settings.standalone.task_manager_kind,
        reactive_mode=settings.standalone.reactive_mode, job_jar=job_jar,
        job_parallelism=job.parallelism if job else 1,
        job_operator_settings={name: getattr(job, name) for name in JOB_OPERATOR_SETTINGS} if job else {},
        native_sidecars=tuple(f"{path}.initContainers[{index}].restartPolicy" for path, pod in options
                              for index, container in enumerate(pod.init_containers)
                              if container.restart_policy is not None),
        flink_configuration=tuple(settings.flink_configuration))


def standalone_problems(cluster: StandaloneCluster) -> list[RuleProblem]:
    """What a `backend: standalone` cluster cannot do: operator features (autoscaler, periodic snapshots, the
    Ingress, pod templates, upgrade and suspend, snapshot nonces), log files other than the one it reads, an HA scope
    without HA, no TaskManager count, reactive mode without a job, a job parallelism its slots cannot hold
    (`standalone_slots_problem`), a JAR outside the image, a TaskManager StatefulSet name too long, native sidecars
    (its workloads follow the Kubernetes 1.27 API), and `flinkConfiguration` keys its `config.yaml` sets from a
    typed field or only the operator reads (Flink 1.20 docs, standalone Kubernetes:
    https://nightlies.apache.org/flink/flink-docs-release-1.20/docs/deployment/resource-providers/standalone/kubernetes/).
    """
    problems = []
    if cluster.autoscaler:
        problems.append(RuleProblem("autoscaler.enabled", OPERATOR_ONLY))
    problems += [RuleProblem(f"periodicSnapshots.{camel(name)}", OPERATOR_ONLY)
                 for name, value in cluster.periodic_snapshots.items() if value is not None]
    if cluster.ingress:
        problems.append(RuleProblem("ingress", "the operator creates the Ingress; a standalone cluster has the REST "
                                               "Service <name>-rest (standalone.restService: NodePort to reach it "
                                               "from outside)"))
    problems += [RuleProblem(where, "not supported with backend: standalone (use podOptions)")
                 for where in cluster.pod_templates]
    problems += [RuleProblem(f"logConfiguration.{key}", f"a standalone cluster reads {STANDALONE_LOG_FILE} only")
                 for key in sorted(set(cluster.log_files) - {STANDALONE_LOG_FILE}) if key in LOG_CONFIG_FILES]
    if cluster.cluster_id is not None and not cluster.high_availability:
        problems.append(RuleProblem("standalone.clusterId", "needs highAvailability: true (it names the HA scope: "
                                                            "the HA ConfigMaps and the job id)"))
    if cluster.task_manager_replicas is None:
        problems.append(RuleProblem("taskManager.replicas", "required with backend: standalone (no operator derives "
                                                            "it from the parallelism)"))
    if cluster.job_jar is None:
        if cluster.reactive_mode:
            problems.append(RuleProblem("standalone.reactiveMode", "needs an application cluster (job): Flink's "
                                                                   "reactive mode runs one job"))
    else:
        if cluster.task_manager_replicas is not None and (slots := standalone_slots_problem(
                cluster.job_parallelism, cluster.task_manager_replicas, cluster.task_slots,
                reactive=cluster.reactive_mode)):
            problems.append(slots)
        if not cluster.job_jar.startswith("local://" + USRLIB):
            problems.append(RuleProblem("job.jarPath", f"'{cluster.job_jar}': a standalone application cluster runs "
                                                       f"the JAR from its image: local://{USRLIB}<file>.jar (no "
                                                       "operator fetches it)"))
        problems += [RuleProblem(f"job.{camel(name)}", OPERATOR_ONLY)
                     for name, value in cluster.job_operator_settings.items() if value is not None]
    longest = STATEFUL_SET_NAME_MAX - len(TASK_MANAGER_SUFFIX)
    if cluster.task_manager_kind == "statefulset" and len(cluster.name) > longest:
        problems.append(RuleProblem("name", f"at most {longest} characters with taskManagerKind: statefulset (the "
                                            f"StatefulSet <name>{TASK_MANAGER_SUFFIX} has at most "
                                            f"{STATEFUL_SET_NAME_MAX})"))
    problems += [RuleProblem(where, "a native sidecar is not rendered on a standalone pod (its Deployment and "
                                    "StatefulSet follow the Kubernetes 1.27 API, which has no init-container "
                                    "restartPolicy, so the container would block the pod's start): declare it under "
                                    "sidecars, which a standalone pod restarts itself")
                 for where in cluster.native_sidecars]
    for key in sorted(cluster.flink_configuration):
        if key in STANDALONE_KEYS:
            problems.append(RuleProblem(f"flinkConfiguration.{key}", "set by the platform in a standalone cluster's "
                                                                     "config.yaml (from the sizes, job, "
                                                                     "highAvailability and standalone)"))
        elif key.startswith(OPERATOR_ONLY_KEY_PREFIX):
            problems.append(RuleProblem(f"flinkConfiguration.{key}", "read by the Flink operator only; a standalone "
                                                                     "cluster has none"))
    return problems
