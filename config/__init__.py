"""Environment configuration: `environments/<env>.yaml`, validated by `environments/config.schema.json`.

The JSON Schema is the single source of the configuration surface: it rejects unknown keys and wrong
types, and it holds every default (`default`), which the loader applies before building the frozen,
typed objects below. README's configuration reference is generated from the same schema.

Errors are `ConfigError`s whose message names the file, the dotted path and what was expected, e.g.
`environments/prod.yaml: flink.sessionCluster.taskManagerMemory: '2GB' is not a Flink memory size (e.g. 2048m, 2g)`.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import jsonschema
import yaml

from config import capabilities

ROOT = Path(__file__).resolve().parent.parent
ENVIRONMENTS_DIR = ROOT / "environments"
SCHEMA_PATH = ENVIRONMENTS_DIR / "config.schema.json"


class ConfigError(Exception):
    """Invalid environment configuration; the message is ready to print to a user."""


# ---------------------------------------------------------------------------------------------
# Typed, frozen configuration
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Resources:
    """Container resources: `cpu` as a quantity (cores or millicores, e.g. `250m`), `memory` e.g. `512Mi`."""

    request_cpu: str
    request_memory: str
    limit_cpu: str | None
    limit_memory: str | None

    def to_k8s(self) -> dict[str, dict[str, str]]:
        """The `resources` field of a container."""
        result: dict[str, dict[str, str]] = {"requests": {"cpu": self.request_cpu, "memory": self.request_memory}}
        limits = {k: v for k, v in (("cpu", self.limit_cpu), ("memory", self.limit_memory)) if v}
        if limits:
            result["limits"] = limits
        return result


@dataclass(frozen=True)
class Namespaces:
    """Namespace names (defaults: the reference deployment's)."""

    polaris: str
    fluss: str
    flink: str
    spark: str
    flink_operator: str
    spark_operator: str
    object_store: str


@dataclass(frozen=True)
class Buckets:
    """S3 bucket names."""

    iceberg: str
    flink: str
    fluss: str


@dataclass(frozen=True)
class S3Keys:
    """Static S3 keys: Secret `secret_name` with the two keys, present in every S3-using namespace."""

    secret_name: str
    access_key_id_key: str
    secret_access_key_key: str


@dataclass(frozen=True)
class InClusterStore:
    """The in-cluster S3-compatible store (MinIO) of the local environment."""

    image: str
    client_image: str
    storage: str
    storage_class_name: str | None
    resources: Resources
    artifacts_image: str
    artifacts_path: str


@dataclass(frozen=True)
class ObjectStoreConfig:
    """S3 storage: AWS S3 (`aws-s3`) or an in-cluster store (`in-cluster`)."""

    type: Literal["aws-s3", "in-cluster"]
    region: str
    buckets: Buckets
    credentials: S3Keys | None
    iam_role_arn: str | None
    in_cluster: InClusterStore


@dataclass(frozen=True)
class PostgresConfig:
    """PostgreSQL for Polaris."""

    name: str
    image: str
    database: str
    secret_name: str
    username_key: str
    password_key: str
    storage: str
    storage_class_name: str | None
    resources: Resources


@dataclass(frozen=True)
class CatalogSpec:
    """An INTERNAL Polaris catalog on S3: `base_path` inside the Iceberg bucket; `role_arn` for AWS S3."""

    name: str
    base_path: str
    role_arn: str | None


@dataclass(frozen=True)
class CatalogRoleSpec:
    """A catalog role of `catalog` with catalog-level `privileges`, granted to `principal_roles`."""

    catalog: str
    name: str
    privileges: tuple[str, ...]
    principal_roles: tuple[str, ...]


@dataclass(frozen=True)
class PrincipalSpec:
    """A principal and the principal roles assigned to it."""

    name: str
    principal_roles: tuple[str, ...]


@dataclass(frozen=True)
class PolarisSetupConfig:
    """Declarative realm bootstrap and catalog setup."""

    enabled: bool
    admin_tool_image: str
    client_image: str
    consumer_principal: str
    catalogs: tuple[CatalogSpec, ...]
    principal_roles: tuple[str, ...]
    catalog_roles: tuple[CatalogRoleSpec, ...]
    principals: tuple[PrincipalSpec, ...]


@dataclass(frozen=True)
class PolarisConfig:
    """Apache Polaris server settings."""

    name: str
    image: str
    replicas: int
    realm: str
    catalog: str
    client_credential_secret: str
    client_credential_key: str
    token_broker_type: Literal["rsa-key-pair", "symmetric-key"]
    token_broker_secret: str
    resources: Resources
    log_level: str
    root_secret: str
    root_client_id_key: str
    root_client_secret_key: str
    setup: PolarisSetupConfig


@dataclass(frozen=True)
class ZooKeeperConfig:
    """ZooKeeper ensemble: 1 (standalone), 3 or 5 servers."""

    name: str
    image: str
    replicas: int
    data_storage: str
    datalog_storage: str
    storage_class_name: str | None
    resources: Resources


@dataclass(frozen=True)
class FlussConfig:
    """Apache Fluss cluster settings."""

    image: str
    coordinator_replicas: int
    tablet_replicas: int
    default_bucket_number: int
    default_replication_factor: int
    remote_data_path: str
    zookeeper_path_root: str
    internal_port: int
    client_port: int
    coordinator_resources: Resources
    tablet_resources: Resources
    s3_credentials: S3Keys | None
    tablet_data_storage: str
    storage_class_name: str | None


@dataclass(frozen=True)
class SessionClusterConfig:
    """The session FlinkDeployment. Memory in Flink format (`2048m`), cpu in cores."""

    name: str
    job_manager_memory: str
    job_manager_cpu: float
    job_manager_replicas: int
    task_manager_memory: str
    task_manager_cpu: float
    task_slots: int
    high_availability: bool


@dataclass(frozen=True)
class SqlGatewayConfig:
    """Flink SQL Gateway."""

    enabled: bool
    name: str
    port: int
    replicas: int
    resources: Resources


@dataclass(frozen=True)
class SessionJobConfig:
    """A FlinkSessionJob; `jar_path` is relative to the Flink bucket."""

    name: str
    jar_path: str
    entry_class: str | None
    parallelism: int
    upgrade_mode: Literal["stateless", "savepoint", "last-state"]
    args: tuple[str, ...]


@dataclass(frozen=True)
class TieringJobConfig:
    """The Fluss-to-Iceberg tiering FlinkSessionJob."""

    enabled: bool
    name: str
    jar_path: str
    parallelism: int


@dataclass(frozen=True)
class FlinkConfig:
    """Flink namespace: image, session cluster, SQL Gateway and jobs."""

    image: str
    flink_version: str
    service_account: str
    session_cluster: SessionClusterConfig
    sql_gateway: SqlGatewayConfig
    tiering_job: TieringJobConfig
    jobs: tuple[SessionJobConfig, ...]


@dataclass(frozen=True)
class SparkApplicationConfig:
    """A SparkApplication. Memory in Spark format (`512m`)."""

    name: str
    type: Literal["Python", "Scala", "Java"]
    main_application_file: str
    main_class: str | None
    arguments: tuple[str, ...]
    jars: tuple[str, ...]
    driver_cores: int
    driver_memory: str
    executor_instances: int
    executor_cores: int
    executor_memory: str


@dataclass(frozen=True)
class SparkConfig:
    """Spark namespace: image and applications."""

    image: str
    spark_version: str
    service_account: str
    applications: tuple[SparkApplicationConfig, ...]


@dataclass(frozen=True)
class CrdsConfig:
    """How CRDs reach the cluster: Argo CD Applications (`manage`) in `argocd_namespace`, `project`."""

    manage: bool
    argocd_namespace: str
    project: str


@dataclass(frozen=True)
class CertManagerConfig:
    """cert-manager: `include` (pinned release via Argo CD), `assume-present` or `none`."""

    mode: Literal["include", "assume-present", "none"]
    version: str
    namespace: str


@dataclass(frozen=True)
class FlinkOperatorConfig:
    """Flink Kubernetes Operator install options (the upstream chart's common values)."""

    enabled: bool
    image: str
    replicas: int
    leader_election: bool
    watch_namespaces: tuple[str, ...]
    webhook: bool
    metrics_port: int | None
    reconcile_interval: str
    progress_check_interval: str
    keystore_secret: str
    keystore_key: str
    resources: Resources
    webhook_resources: Resources


@dataclass(frozen=True)
class SparkOperatorConfig:
    """Kubeflow Spark operator install options (the upstream chart's common values)."""

    enabled: bool
    image: str
    job_namespaces: tuple[str, ...]
    controller_replicas: int
    controller_threads: int
    webhook: bool
    webhook_replicas: int
    metrics_port: int | None
    resources: Resources


@dataclass(frozen=True)
class ExternalSecretsConfig:
    """External Secrets Operator source: store reference, remote key prefix, refresh interval."""

    store_kind: str
    store_name: str
    key_prefix: str
    refresh_interval: str


@dataclass(frozen=True)
class EnvironmentConfig:
    """One environment, fully defaulted and validated. `source` is the file it was read from."""

    name: str
    description: str
    source: str
    namespaces: Namespaces
    generate_dev_secrets: bool
    external_secrets: ExternalSecretsConfig | None
    crds: CrdsConfig
    cert_manager: CertManagerConfig
    flink_operator: FlinkOperatorConfig
    spark_operator: SparkOperatorConfig
    object_store: ObjectStoreConfig
    postgres: PostgresConfig
    polaris: PolarisConfig
    zookeeper: ZooKeeperConfig
    fluss: FlussConfig
    flink: FlinkConfig
    spark: SparkConfig


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """The environment JSON Schema (draft 2020-12)."""
    with SCHEMA_PATH.open() as handle:
        result: dict[str, Any] = json.load(handle)
    return result


def available_environments(directory: Path = ENVIRONMENTS_DIR) -> list[str]:
    """Names of the environments defined in `directory` (one `<name>.yaml` each), sorted."""
    return sorted(p.stem for p in directory.glob("*.yaml"))


def load_environment(name: str, directory: Path = ENVIRONMENTS_DIR) -> EnvironmentConfig:
    """Load `<directory>/<name>.yaml`.

    Raises:
        ConfigError: unknown environment, unreadable YAML, schema violations (all of them, one per line)
            or cross-field rules (e.g. `iamRoleArn` together with static credentials).
    """
    path = directory / f"{name}.yaml"
    if not path.is_file():
        known = ", ".join(available_environments(directory)) or "none"
        raise ConfigError(f"unknown environment '{name}': {_display(path)} does not exist (known: {known})")
    try:
        raw = yaml.safe_load(path.read_text())
    except yaml.YAMLError as error:
        raise ConfigError(f"{_display(path)}: not valid YAML: {error}") from error
    return parse_environment(raw, source=_display(path), expected_name=name)


def parse_environment(raw: Any, *, source: str, expected_name: str | None = None) -> EnvironmentConfig:
    """Validate a parsed YAML document and build the typed configuration.

    Raises:
        ConfigError: as for `load_environment`, prefixed with `source`.
    """
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: expected a mapping at the top level, got {_type_name(raw)}")
    document = copy.deepcopy(raw)
    _validate_schema(document, source)
    apply_defaults(schema(), document)
    if expected_name is not None and document["environment"] != expected_name:
        raise ConfigError(
            f"{source}: environment: '{document['environment']}' must equal the file name '{expected_name}'"
        )
    config = _build(document, source)
    _check_rules(config)
    return config


def apply_defaults(node_schema: dict[str, Any], instance: Any) -> None:
    """Fill `instance` in place with the schema's `default`s, recursively (objects and arrays of objects)."""
    node_schema = resolve_ref(node_schema)
    if isinstance(instance, dict):
        for key, prop in node_schema.get("properties", {}).items():
            prop_resolved = resolve_ref(prop)
            if key not in instance:
                default = prop.get("default", prop_resolved.get("default"))
                if default is None and "default" not in prop and "default" not in prop_resolved:
                    continue
                instance[key] = copy.deepcopy(default)
            if instance[key] is not None:
                apply_defaults(prop, instance[key])
    elif isinstance(instance, list) and "items" in node_schema:
        for item in instance:
            apply_defaults(node_schema["items"], item)


def resolve_ref(node: dict[str, Any]) -> dict[str, Any]:
    """A schema node with its local `$ref` (`#/$defs/<name>`) replaced by the target, the node's own keys
    (e.g. `default`, `description`) kept on top; nodes without `$ref` unchanged."""
    ref = node.get("$ref")
    if not ref:
        return node
    target: Any = schema()
    for part in ref.removeprefix("#/").split("/"):
        target = target[part]
    return {**target, **{k: v for k, v in node.items() if k != "$ref"}}


def _validate_schema(document: dict[str, Any], source: str) -> None:
    validator = jsonschema.Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        raise ConfigError("\n".join(f"{source}: {_describe(error)}" for error in errors))


def _describe(error: jsonschema.ValidationError) -> str:
    path = ".".join(str(p) for p in error.absolute_path)
    where = f"{path}: " if path else ""
    value = error.instance
    node: dict[str, Any] = error.schema if isinstance(error.schema, dict) else {}
    expected: Any = error.validator_value
    if error.validator == "additionalProperties":
        allowed = sorted(node.get("properties", {}))
        unknown = sorted(set(value if isinstance(value, dict) else {}) - set(allowed))
        return f"{where}unknown key '{unknown[0]}' (expected one of: {', '.join(allowed)})"
    if error.validator == "required":
        missing = error.message.split("'")[1]
        return f"{where}missing required key '{missing}'"
    if error.validator == "type":
        expected_text = " or ".join(expected) if isinstance(expected, list) else expected
        return f"{where}expected {expected_text}, got {_type_name(value)} {value!r}"
    if error.validator == "pattern" and "x-error" in node:
        return f"{where}{value!r} {node['x-error']}"
    if error.validator == "enum":
        return f"{where}{value!r} is not one of: {', '.join(str(v) for v in expected)}"
    return f"{where}{error.message}"


def _type_name(value: Any) -> str:
    names = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array", dict: "mapping"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _resources(raw: dict[str, Any]) -> Resources:
    limits = raw.get("limits", {})
    return Resources(raw["requests"]["cpu"], raw["requests"]["memory"], limits.get("cpu"), limits.get("memory"))


def _s3_keys(raw: dict[str, Any] | None) -> S3Keys | None:
    return None if raw is None else S3Keys(raw["secretName"], raw["accessKeyIdKey"], raw["secretAccessKeyKey"])


def _build(d: dict[str, Any], source: str) -> EnvironmentConfig:
    ns, store, pg, pol, zk, fl, fk, sp = (
        d["namespaces"], d["objectStore"], d["postgres"], d["polaris"],
        d["zookeeper"], d["fluss"], d["flink"], d["spark"],
    )
    fo, so = d["flinkOperator"], d["sparkOperator"]
    setup = d["polaris"]["setup"]
    ext = d["secrets"]["externalSecrets"]
    creds = store["credentials"]
    in_cluster = store["inCluster"]
    session, gateway, tiering = fk["sessionCluster"], fk["sqlGateway"], fk["tieringJob"]
    return EnvironmentConfig(
        name=d["environment"],
        description=d["description"],
        source=source,
        namespaces=Namespaces(
            ns["polaris"], ns["fluss"], ns["flink"], ns["spark"],
            ns["flinkOperator"], ns["sparkOperator"], ns["objectStore"],
        ),
        generate_dev_secrets=d["secrets"]["generateDevSecrets"],
        external_secrets=None if d["secrets"]["externalSecrets"] is None else ExternalSecretsConfig(
            ext["storeKind"], ext["storeName"], ext["keyPrefix"], ext["refreshInterval"]),
        crds=CrdsConfig(d["crds"]["manage"], d["crds"]["argocdNamespace"], d["crds"]["project"]),
        cert_manager=CertManagerConfig(d["certManager"]["mode"], d["certManager"]["version"],
                                       d["certManager"]["namespace"]),
        flink_operator=FlinkOperatorConfig(
            fo["enabled"], fo["image"], fo["replicas"], fo["leaderElection"], tuple(fo["watchNamespaces"]),
            fo["webhook"], fo["metricsPort"], fo["reconcileInterval"], fo["progressCheckInterval"],
            fo["keystorePassword"]["secretName"], fo["keystorePassword"]["key"],
            _resources(fo["resources"]), _resources(fo["webhookResources"]),
        ),
        spark_operator=SparkOperatorConfig(
            so["enabled"], so["image"], tuple(so["jobNamespaces"]), so["controllerReplicas"],
            so["controllerThreads"], so["webhook"], so["webhookReplicas"], so["metricsPort"],
            _resources(so["resources"]),
        ),
        object_store=ObjectStoreConfig(
            type=store["type"],
            region=store["region"],
            buckets=Buckets(**store["buckets"]),
            credentials=_s3_keys(creds),
            iam_role_arn=store["iamRoleArn"],
            in_cluster=InClusterStore(
                in_cluster["image"], in_cluster["clientImage"], in_cluster["storage"],
                in_cluster["storageClassName"], _resources(in_cluster["resources"]),
                in_cluster["artifacts"]["image"], in_cluster["artifacts"]["path"],
            ),
        ),
        postgres=PostgresConfig(
            pg["name"], pg["image"], pg["database"], pg["credentials"]["secretName"], pg["credentials"]["usernameKey"],
            pg["credentials"]["passwordKey"], pg["storage"], pg["storageClassName"], _resources(pg["resources"]),
        ),
        polaris=PolarisConfig(
            pol["name"], pol["image"], pol["replicas"], pol["realm"], pol["catalog"],
            pol["clientCredential"]["secretName"], pol["clientCredential"]["key"],
            pol["tokenBroker"]["type"], pol["tokenBroker"]["secretName"],
            _resources(pol["resources"]), pol["logLevel"],
            pol["rootCredential"]["secretName"], pol["rootCredential"]["clientIdKey"],
            pol["rootCredential"]["clientSecretKey"],
            PolarisSetupConfig(
                setup["enabled"], setup["adminToolImage"], setup["clientImage"], setup["consumerPrincipal"],
                tuple(CatalogSpec(c["name"], c["basePath"], c["roleArn"]) for c in setup["catalogs"]),
                tuple(setup["principalRoles"]),
                tuple(CatalogRoleSpec(r["catalog"], r["name"], tuple(r["privileges"]), tuple(r["principalRoles"]))
                      for r in setup["catalogRoles"]),
                tuple(PrincipalSpec(p["name"], tuple(p["principalRoles"])) for p in setup["principals"]),
            ),
        ),
        zookeeper=ZooKeeperConfig(
            zk["name"], zk["image"], zk["replicas"], zk["dataStorage"], zk["datalogStorage"],
            zk["storageClassName"], _resources(zk["resources"]),
        ),
        fluss=FlussConfig(
            fl["image"], fl["coordinatorReplicas"], fl["tabletReplicas"], fl["defaultBucketNumber"],
            fl["defaultReplicationFactor"], fl["remoteDataPath"], fl["zookeeperPathRoot"],
            fl["internalPort"], fl["clientPort"],
            _resources(fl["coordinatorResources"]), _resources(fl["tabletResources"]),
            _s3_keys(fl["s3Credentials"]), fl["tabletDataStorage"], fl["storageClassName"],
        ),
        flink=FlinkConfig(
            image=fk["image"],
            flink_version=fk["flinkVersion"],
            service_account=fk["serviceAccount"],
            session_cluster=SessionClusterConfig(
                session["name"], session["jobManagerMemory"], session["jobManagerCpu"], session["jobManagerReplicas"],
                session["taskManagerMemory"], session["taskManagerCpu"], session["taskSlots"],
                session["highAvailability"],
            ),
            sql_gateway=SqlGatewayConfig(gateway["enabled"], gateway["name"], gateway["port"], gateway["replicas"],
                                         _resources(gateway["resources"])),
            tiering_job=TieringJobConfig(tiering["enabled"], tiering["name"], tiering["jarPath"], tiering["parallelism"]),
            jobs=tuple(
                SessionJobConfig(
                    j["name"], j["jarPath"], j.get("entryClass"), j["parallelism"], j["upgradeMode"], tuple(j["args"])
                )
                for j in fk["jobs"]
            ),
        ),
        spark=SparkConfig(
            image=sp["image"],
            spark_version=sp["sparkVersion"],
            service_account=sp["serviceAccount"],
            applications=tuple(
                SparkApplicationConfig(
                    a["name"], a["type"], a["mainApplicationFile"], a.get("mainClass"), tuple(a["arguments"]),
                    tuple(a["jars"]), a["driver"]["cores"], a["driver"]["memory"], a["executor"]["instances"],
                    a["executor"]["cores"], a["executor"]["memory"],
                )
                for a in sp["applications"]
            ),
        ),
    )


def _check_rules(config: EnvironmentConfig) -> None:
    """Cross-field rules a schema cannot express; each error names the file and field."""
    src = config.source
    store = config.object_store
    problems: list[str] = []
    if store.iam_role_arn and store.credentials is not None:
        problems.append(
            f"{src}: objectStore.iamRoleArn: set together with objectStore.credentials; "
            "use one of them (set credentials: null to use the IAM role)"
        )
    if not store.iam_role_arn and store.credentials is None:
        problems.append(f"{src}: objectStore.credentials: null without objectStore.iamRoleArn; S3 needs one of them")
    if store.type == "in-cluster" and store.iam_role_arn:
        problems.append(f"{src}: objectStore.iamRoleArn: an in-cluster store has no IAM; use credentials")
    if store.type == "in-cluster" and not config.generate_dev_secrets and store.credentials is None:
        problems.append(f"{src}: objectStore.credentials: required for an in-cluster store")
    if config.generate_dev_secrets and config.external_secrets is not None:
        problems.append(f"{src}: secrets.externalSecrets: set together with secrets.generateDevSecrets; "
                        "choose one source for the Secrets")
    if config.generate_dev_secrets and store.type == "aws-s3":
        problems.append(
            f"{src}: secrets.generateDevSecrets: dev-only Secrets are for the in-cluster store only; "
            "cloud environments reference existing Secrets"
        )
    if config.fluss.default_replication_factor > config.fluss.tablet_replicas:
        problems.append(
            f"{src}: fluss.defaultReplicationFactor: {config.fluss.default_replication_factor} is more than "
            f"fluss.tabletReplicas ({config.fluss.tablet_replicas})"
        )
    if store.iam_role_arn and store.credentials is None and config.fluss.s3_credentials is None:
        problem = capabilities.s3_credentials_problem(capabilities.FLUSS, capabilities.WEB_IDENTITY)
        if problem:
            problems.append(f"{src}: fluss.s3Credentials: required with objectStore.iamRoleArn: {problem}; set it to "
                            "a Secret with the keys of an IAM user limited to the Fluss bucket")
    fluss_keys = config.fluss.s3_credentials
    if (fluss_keys is not None and store.credentials is not None and fluss_keys != store.credentials
            and fluss_keys.secret_name == store.credentials.secret_name):
        problems.append(f"{src}: fluss.s3Credentials.secretName: '{fluss_keys.secret_name}' is the Secret of "
                        "objectStore.credentials with other keys; name another Secret or use the same keys")
    flink_version_problem = capabilities.flink_version_problem(config.flink.flink_version)
    if flink_version_problem:
        problems.append(f"{src}: flink.flinkVersion: '{config.flink.flink_version}': {flink_version_problem}")
    if config.fluss.internal_port == config.fluss.client_port:
        problems.append(f"{src}: fluss.clientPort: must differ from fluss.internalPort ({config.fluss.internal_port})")
    session = config.flink.session_cluster
    if session.job_manager_replicas > 1 and not session.high_availability:
        problems.append(
            f"{src}: flink.sessionCluster.jobManagerReplicas: {session.job_manager_replicas} JobManagers need "
            "flink.sessionCluster.highAvailability: true (the Flink operator rejects standby JobManagers without HA)"
        )
    jobs = [config.flink.tiering_job.name] if config.flink.tiering_job.enabled else []
    jobs += [job.name for job in config.flink.jobs]
    problems += [f"{src}: flink.jobs: duplicate FlinkSessionJob name '{n}'" for n in _duplicates(jobs)]
    problems += [f"{src}: spark.applications: duplicate SparkApplication name '{n}'"
                 for n in _duplicates([app.name for app in config.spark.applications])]
    namespaces = [v for k, v in vars(config.namespaces).items() if k != "object_store" or store.type == "in-cluster"]
    problems += [f"{src}: namespaces: '{n}' is used for two components" for n in _duplicates(namespaces)]
    problems += _operator_rules(config)
    problems += _catalog_rules(config)
    if problems:
        raise ConfigError("\n".join(problems))


UNKNOWN_PRINCIPAL_ROLE = "unknown principal role '{name}' (declare it in polaris.setup.principalRoles)"


def _duplicates(names: list[str]) -> list[str]:
    """Each name that occurs again, once per repetition, in order."""
    return [name for index, name in enumerate(names) if name in names[:index]]


def _undeclared(field: str, names: tuple[str, ...], known: set[str], problem: str) -> list[str]:
    """`<field>[<index>]: <problem>` (a template with `{name}`) for each of `names` not in `known`."""
    return [f"{field}[{index}]: {problem.format(name=name)}" for index, name in enumerate(names) if name not in known]


def _catalog_rules(config: EnvironmentConfig) -> list[str]:
    """The catalog model must be closed: every name it refers to is declared in it."""
    src, setup = config.source, config.polaris.setup
    catalogs = {c.name for c in setup.catalogs}
    roles = set(setup.principal_roles)
    problems = []
    if config.polaris.catalog not in catalogs and setup.enabled:
        problems.append(f"{src}: polaris.catalog: '{config.polaris.catalog}' is not one of polaris.setup.catalogs "
                        f"({', '.join(sorted(catalogs)) or 'none'})")
    for i, role in enumerate(setup.catalog_roles):
        if role.catalog not in catalogs:
            problems.append(f"{src}: polaris.setup.catalogRoles[{i}].catalog: unknown catalog '{role.catalog}'")
        problems += _undeclared(f"{src}: polaris.setup.catalogRoles[{i}].principalRoles", role.principal_roles, roles,
                                UNKNOWN_PRINCIPAL_ROLE)
    for i, principal in enumerate(setup.principals):
        problems += _undeclared(f"{src}: polaris.setup.principals[{i}].principalRoles", principal.principal_roles,
                                roles, UNKNOWN_PRINCIPAL_ROLE)
    if setup.enabled and setup.consumer_principal not in {p.name for p in setup.principals}:
        problems.append(f"{src}: polaris.setup.consumerPrincipal: '{setup.consumer_principal}' is not one of "
                        "polaris.setup.principals")
    store = config.object_store
    for i, catalog in enumerate(setup.catalogs):
        if store.type == "aws-s3" and not catalog.role_arn and setup.enabled:
            problems.append(f"{src}: polaris.setup.catalogs[{i}].roleArn: required with AWS S3 (Polaris assumes it "
                            "to vend credentials)")
    return problems


def _operator_rules(config: EnvironmentConfig) -> list[str]:
    src, fo, so = config.source, config.flink_operator, config.spark_operator
    ns = config.namespaces
    platform_namespaces = {ns.polaris, ns.fluss, ns.flink, ns.spark, ns.flink_operator, ns.spark_operator}
    problems = []
    if fo.enabled and fo.replicas > 1 and not fo.leader_election:
        problems.append(f"{src}: flinkOperator.replicas: {fo.replicas} replicas need flinkOperator.leaderElection: true "
                        "(without it two operators reconcile the same resources)")
    not_created = ("'{name}' is not a namespace the platform creates (expected one of: "
                   f"{', '.join(sorted(platform_namespaces))})")
    problems += _undeclared(f"{src}: flinkOperator.watchNamespaces", fo.watch_namespaces, platform_namespaces,
                            not_created)
    if fo.enabled and ns.flink not in fo.watch_namespaces and fo.watch_namespaces:
        problems.append(f"{src}: flinkOperator.watchNamespaces: must include '{ns.flink}', where the session cluster "
                        "and its jobs live")
    problems += _undeclared(f"{src}: sparkOperator.jobNamespaces", so.job_namespaces, platform_namespaces,
                            not_created)
    if so.enabled and ns.spark not in so.job_namespaces:
        problems.append(f"{src}: sparkOperator.jobNamespaces: must include '{ns.spark}', where the SparkApplications run")
    if fo.enabled and fo.webhook and config.cert_manager.mode == "none":
        problems.append(f"{src}: flinkOperator.webhook: the webhook needs cert-manager for its certificate; set "
                        "certManager.mode to include or assume-present, or flinkOperator.webhook: false")
    return problems
