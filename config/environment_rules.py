"""The configuration rules that read more than one section of an environment: each section's own checks are its
`problems()` (run as the loader builds it); these run once the whole `EnvironmentConfig` is built
(`config.load_environment`, through `problems`). They live here, above the sections and the environment, so that no
section imports the environment that holds it (the configuration model's imports have no circles:
tests/test_import_cycles.py).
"""

from __future__ import annotations

from collections.abc import Iterator

from config.catalog_model import catalog_model_problems
from config.environment import EnvironmentConfig
from config.flink_rules import operator_replicas_problem
from config.loading import Problem, camel, repeats, undeclared
from config.logs import LogsConfig, output
from config.metrics import flink_metrics
from config.node_pools import pool_problems
from upstream import capabilities
from upstream.flink_options import LOG_FILE_PROPERTY


def object_store_problems(config: EnvironmentConfig) -> Iterator[Problem]:
    """One S3 credential mode, and one that the store supports."""
    store = config.object_store
    if store.iam_role_arn and store.credentials is not None:
        yield Problem("objectStore.iamRoleArn", "set together with objectStore.credentials; use one of them "
                                                "(set credentials: null to use the IAM role)")
    if not store.iam_role_arn and store.credentials is None:
        yield Problem("objectStore.credentials", "null without objectStore.iamRoleArn; S3 needs one of them")
    if store.type == "in-cluster" and store.iam_role_arn:
        yield Problem("objectStore.iamRoleArn", "an in-cluster store has no IAM; use credentials")
    if store.type == "in-cluster" and not config.generate_dev_secrets and store.credentials is None:
        yield Problem("objectStore.credentials", "required for an in-cluster store")


def fluss_problems(config: EnvironmentConfig) -> Iterator[Problem]:
    """Fluss' S3 keys where its pinned version cannot use the IAM role (`capabilities.FLUSS`; 0.9.1 can), and a
    Secret shared with other keys."""
    store, fluss_keys = config.object_store, config.fluss.s3_credentials
    if store.iam_role_arn and store.credentials is None and fluss_keys is None:
        problem = capabilities.s3_credentials_problem(capabilities.FLUSS, capabilities.WEB_IDENTITY)
        if problem:
            yield Problem("fluss.s3Credentials", f"required with objectStore.iamRoleArn: {problem}; set it to a "
                                                 "Secret with the keys of an IAM user limited to the Fluss bucket")
    if (fluss_keys is not None and store.credentials is not None and fluss_keys != store.credentials
            and fluss_keys.secret_name == store.credentials.secret_name):
        yield Problem("fluss.s3Credentials.secretName",
                      f"'{fluss_keys.secret_name}' is the Secret of objectStore.credentials with other keys; "
                      "name another Secret or use the same keys")


def operators_problems(config: EnvironmentConfig) -> Iterator[Problem]:
    """Operators watch namespaces the platform creates, including the ones their resources live in."""
    fo, so, ns = config.flink_operator, config.spark_operator, config.namespaces
    platform_namespaces = {ns.polaris, ns.fluss, ns.flink, ns.spark, ns.flink_operator, ns.spark_operator}
    for index, team in enumerate(config.flink.team_namespaces):
        if team.name in platform_namespaces or (config.object_store.type == "in-cluster"
                                                and team.name == ns.object_store):
            yield Problem(f"flink.teamNamespaces[{index}].name",
                          f"'{team.name}' is a platform namespace (namespaces.*); a team namespace is another one")
    flink_namespaces = platform_namespaces | {team.name for team in config.flink.team_namespaces}
    if fo.enabled and (replicas := operator_replicas_problem(fo.replicas, fo.leader_election)):
        yield Problem(f"flinkOperator.{replicas.where}", replicas.message)
    def not_created(known: set[str]) -> str:
        return f"'{{name}}' is not a namespace the platform renders into (expected one of: {', '.join(sorted(known))})"

    yield from undeclared("flinkOperator.watchNamespaces", fo.watch_namespaces, flink_namespaces,
                          not_created(flink_namespaces))
    if fo.enabled and ns.flink not in fo.watch_namespaces and fo.watch_namespaces:
        yield Problem("flinkOperator.watchNamespaces",
                      f"must include '{ns.flink}', where the session cluster and its jobs live")
    if fo.enabled and fo.watch_namespaces:
        for used in config.flink.used_team_namespaces():
            if used not in fo.watch_namespaces:
                yield Problem("flinkOperator.watchNamespaces",
                              f"must include '{used}', the team namespace of flink.deployments entries (else the "
                              "operator never sees them)")
    yield from undeclared("sparkOperator.jobNamespaces", so.job_namespaces, platform_namespaces,
                          not_created(platform_namespaces))
    if so.enabled and ns.spark not in so.job_namespaces:
        yield Problem("sparkOperator.jobNamespaces", f"must include '{ns.spark}', where the SparkApplications run")
    if so.enabled and not so.webhook and config.spark.applications:
        yield Problem("sparkOperator.webhook", "false, but spark.applications need it: the Spark operator applies the "
                                               "platform's restricted security contexts and the Secret-backed env vars "
                                               "(catalog credential, S3 keys) to driver and executor pods in its "
                                               "mutating webhook; without it the namespace's restricted Pod Security "
                                               "admission refuses the pods, and they would miss the credential")
    if fo.enabled and fo.webhook and config.cert_manager.mode == "none":
        yield Problem("flinkOperator.webhook", "the webhook needs cert-manager for its certificate; set "
                                               "certManager.mode to include or assume-present, or flinkOperator.webhook: false")


def polaris_problems(config: EnvironmentConfig) -> Iterator[Problem]:
    """The catalog model is closed (every name it refers to is declared in it), AWS catalogs have a role to
    assume, and dev Secrets can hold the token broker's key."""
    polaris, setup = config.polaris, config.polaris.setup
    catalogs = {c.name for c in setup.catalogs}
    if polaris.catalog not in catalogs and setup.enabled:
        yield Problem("polaris.catalog", f"'{polaris.catalog}' is not one of polaris.setup.catalogs "
                                         f"({', '.join(sorted(catalogs)) or 'none'})")
    if setup.enabled:
        yield from catalog_model_problems(setup.catalogs, setup.principal_roles, setup.catalog_roles,
                                          setup.principals, setup.consumer_principal, prefix="polaris.setup.")
    for i, catalog in enumerate(setup.catalogs):
        if config.object_store.type == "aws-s3" and not catalog.role_arn and setup.enabled:
            yield Problem(f"polaris.setup.catalogs[{i}].roleArn",
                          "required with AWS S3 (Polaris assumes it to vend credentials)")
    if config.generate_dev_secrets and polaris.token_broker_type == "rsa-key-pair":
        yield Problem("polaris.tokenBroker.type", "rsa-key-pair needs a key pair Secret that dev Secrets cannot "
                                                  "generate; use symmetric-key with secrets.generateDevSecrets")


def metrics_problems(config: EnvironmentConfig) -> Iterator[Problem]:
    """A cluster that asks for Datadog annotations without a Prometheus reporter for them to read."""
    for index, deployment in enumerate(config.flink.deployments):
        override = deployment.metrics
        if override is None or override.datadog.enabled is not True:
            continue
        if flink_metrics(config.metrics, override).port is None:
            yield Problem(f"flink.deployments[{index}].metrics.datadog.enabled",
                          "the Datadog check reads Flink's Prometheus reporter, which is off for this cluster: set "
                          "metrics.prometheus.enabled: true (here or in the metrics section)")


def node_pools_problems(config: EnvironmentConfig) -> Iterator[Problem]:
    """Pool names used once (NodePools are cluster-scoped: one name, one object), and each Flink cluster's and Spark
    application's `nodePool` (`pool_problems`)."""
    pools = config.node_pools
    yield from repeats("nodePools", ((f"nodePools[{i}]", p.name) for i, p in enumerate(pools)),
                       "duplicate node pool name '{name}'")
    session = config.flink.session_cluster
    yield from (p.under("flink.sessionCluster")
                for p in pool_problems(pools, session.node_pool, (session.pod_options,)))
    for index, d in enumerate(config.flink.deployments):
        options = (d.pod_options, d.job_manager.pod_options, d.task_manager.pod_options)
        yield from (p.under(f"flink.deployments[{index}]") for p in pool_problems(pools, d.node_pool, options))
    for index, a in enumerate(config.spark.applications):
        yield from (p.under(f"spark.applications[{index}]")
                    for p in pool_problems(pools, a.node_pool, (a.pod_options,)))


def secrets_problems(config: EnvironmentConfig) -> Iterator[Problem]:
    """One source for the Secrets, and dev-only Secrets only where the store is in the cluster."""
    if config.generate_dev_secrets and config.external_secrets is not None:
        yield Problem("secrets.externalSecrets", "set together with secrets.generateDevSecrets; choose one source "
                                                 "for the Secrets")
    if config.generate_dev_secrets and config.object_store.type == "aws-s3":
        yield Problem("secrets.generateDevSecrets", "dev-only Secrets are for the in-cluster store only; cloud "
                                                    "environments reference existing Secrets")


def argo_cd_problems(config: EnvironmentConfig) -> Iterator[Problem]:
    """The CRD and cert-manager Applications are Argo CD objects: they need the `argoCd` section."""
    if config.argo_cd is not None:
        return
    if config.crds.manage:
        yield Problem("crds.manage", "renders Argo CD Applications, but argoCd is not set: set argoCd.repoUrl, or "
                                     "crds.manage: false and install the CRDs with `make install-crds`")
    if config.cert_manager.mode == "include":
        yield Problem("certManager.mode", "include installs cert-manager with an Argo CD Application, but argoCd is "
                                          "not set: set argoCd.repoUrl, or use assume-present with "
                                          "`make install-cert-manager`")


def namespace_problems(config: EnvironmentConfig) -> Iterator[Problem]:
    """Each component in a namespace of its own (the object store's only when it is rendered)."""
    in_cluster = config.object_store.type == "in-cluster"
    names = [(f"namespaces.{camel(k)}", v) for k, v in vars(config.namespaces).items()
             if k != "object_store" or in_cluster]
    yield from repeats("namespaces", names, "'{name}' is used for two components")


def platform_namespaces(config: EnvironmentConfig) -> tuple[str, ...]:
    """The namespaces the platform renders workloads in, in `namespaces` order, then the Flink team namespaces (the
    object store's only when it is in the cluster): the default of `logs.namespaces`."""
    ns = config.namespaces
    names = [ns.polaris, ns.fluss, ns.flink, ns.spark, ns.flink_operator, ns.spark_operator]
    if config.object_store.type == "in-cluster":
        names.append(ns.object_store)
    names += [team.name for team in config.flink.team_namespaces]
    return tuple(names)


def logs_problems(config: EnvironmentConfig) -> Iterator[Problem]:
    """A namespace of its own; CloudWatch with credentials; stdout never tails its own output. A sidecar: the job
    ServiceAccount's role, and log files to tail."""
    logs = config.logs
    if logs is None or logs.shipper == "none":
        return
    if logs.shipper == "sidecar":
        yield from _sidecar_problems(config, logs)
        return
    if logs.namespace in platform_namespaces(config):
        yield Problem("logs.namespace", f"'{logs.namespace}' is one of the platform's namespaces; Fluent Bit needs "
                                        "one of its own (its Pod Security level is privileged)")
    tailed = logs.namespaces if logs.namespaces is not None else platform_namespaces(config)
    kind = output(logs, config.object_store.type)
    if kind == "stdout" and ("*" in tailed or logs.namespace in tailed):
        yield Problem("logs.namespaces", f"tails logs.namespace '{logs.namespace}' with output stdout: Fluent Bit "
                                         "would read its own output and print it again, without end; leave it out")
    if kind == "cloudWatch" and (logs.cloud_watch.iam_role_arn or config.object_store.iam_role_arn) is None:
        yield Problem("logs.cloudWatch.iamRoleArn", "CloudWatch Logs needs AWS credentials: set an IAM role for "
                                                    "the fluent-bit ServiceAccount (or objectStore.iamRoleArn)")


def _sidecar_problems(config: EnvironmentConfig, logs: LogsConfig) -> Iterator[Problem]:
    """The sidecar runs as the Flink job ServiceAccount, whose IRSA role is objectStore.iamRoleArn: CloudWatch needs
    that role, and no other; each operator-run cluster's own log4j-console.properties writes Flink's log file."""
    role = config.object_store.iam_role_arn
    if output(logs, config.object_store.type) == "cloudWatch":
        if role is None:
            yield Problem("logs.shipper", "a sidecar ships to CloudWatch Logs with the Flink job ServiceAccount's IAM "
                                          "role, objectStore.iamRoleArn, and there is none (static S3 keys): set it, "
                                          "use output: stdout, or shipper: daemonset")
        elif logs.cloud_watch.iam_role_arn not in (None, role):
            yield Problem("logs.cloudWatch.iamRoleArn", "a pod has one ServiceAccount: the sidecar runs as the Flink "
                                                        f"job ServiceAccount, whose role is objectStore.iamRoleArn "
                                                        f"({role}); grant that role the CloudWatch Logs permissions "
                                                        "and set iamRoleArn null (or to it)")
    for index, deployment in enumerate(config.flink.deployments):
        own = deployment.log_configuration.get("log4j-console.properties")
        if deployment.backend == "operator" and own is not None and LOG_FILE_PROPERTY not in own:
            yield Problem(f"flink.deployments[{index}].logConfiguration.log4j-console.properties",
                          f"writes no log file ({LOG_FILE_PROPERTY}: a RollingFileAppender as in Flink's own "
                          "log4j-console.properties), so the Fluent Bit sidecar (logs.shipper: sidecar) has nothing "
                          "to ship")


CROSS_SECTION_RULES = (object_store_problems, secrets_problems, argo_cd_problems, fluss_problems, namespace_problems,
                       operators_problems, polaris_problems, metrics_problems, node_pools_problems, logs_problems)
"""Rules that read more than one section, in report order (a section's own checks are its `problems()`)."""


def problems(config: EnvironmentConfig) -> list[Problem]:
    """Every cross-section problem of `config`, in `CROSS_SECTION_RULES` order."""
    return [problem for rule in CROSS_SECTION_RULES for problem in rule(config)]
