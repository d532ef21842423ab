"""Apache Flink Kubernetes Operator 1.14.0 in `technical-flink-operator`.

Re-expresses what the upstream chart (`helm/flink-kubernetes-operator`) renders: operator ServiceAccount,
ClusterRole/Role and bindings (cluster-scoped, or per watched namespace), the default configuration
ConfigMap (`flink-conf.yaml`, log4j files, with overrides), the Deployment with operator and webhook
containers, the webhook Service, cert-manager Issuer and Certificate (PKCS#12 keystore), and the mutating and
validating webhook configurations. Options mirror the chart's values (README, "Operators").
Configuration keys: https://nightlies.apache.org/flink/flink-kubernetes-operator-docs-release-1.14/docs/operations/configuration/
The job ServiceAccount (`flink`) lives with the session cluster in the Flink namespace (`charts.flink.rbac`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import constructs
from cdk8s_plus_27 import k8s

from charts.blocks import container_env as env
from charts.blocks import pod_security
from charts.blocks.component_chart import ComponentChart
from charts.blocks.custom_objects import custom_object
from charts.blocks.metadata import Component, SyncWave, object_meta
from charts.blocks.rbac import READ_WRITE, Rule, binding, role
from charts.blocks.s3 import S3Access
from charts.blocks.secrets import SecretKeyRef
from charts.blocks.workloads import (
    Port,
    config_map,
    config_map_volume,
    deployment,
    empty_dir,
    http_probe,
    int_or_string,
    pod_template,
    resources,
    rollout_annotations,
    tcp_probe,
)
from config.common import Resources
from config.flink_rules import operator_replicas_problem
from upstream.file_dialects import line_file, properties_file
from upstream.metrics_annotations import METRICS_PORT_NAME, MetricsAnnotations

VERSION = "1.14.0"
HEALTH_PORT = Port("health-port", 8085)
WEBHOOK_PORT = Port("webhook", 9443)
CONF_DIR = "/opt/flink/conf"
JAVA_MODULE_OPTS = " ".join(
    [f"--add-exports={m}=ALL-UNNAMED" for m in ("java.base/sun.net.util", "java.rmi/sun.rmi.registry",
                                                "java.security.jgss/sun.security.krb5")]
    + [f"--add-opens=java.base/{p}=ALL-UNNAMED" for p in (
        "java.lang", "java.net", "java.io", "java.nio", "sun.nio.ch", "java.lang.reflect", "java.text", "java.time",
        "java.util", "java.util.concurrent", "java.util.concurrent.atomic", "java.util.concurrent.locks")]
)
"""The JVM module options the chart's default configuration gives Flink 1.18+ deployments."""

OPERATOR_RULES = [
    Rule(("",), ("pods", "services", "events", "configmaps", "secrets"), (*READ_WRITE, "deletecollection")),
    Rule(("apps",), ("deployments", "deployments/finalizers", "replicasets"), READ_WRITE),
    Rule(("apps",), ("deployments/scale",), ("get", "update", "patch")),
    Rule(("extensions",), ("deployments", "ingresses"), READ_WRITE),
    Rule(("flink.apache.org",), tuple(f"{r}{s}" for r in ("flinkbluegreendeployments", "flinkdeployments",
                                                           "flinksessionjobs", "flinkstatesnapshots")
                                      for s in ("", "/finalizers")), READ_WRITE),
    Rule(("flink.apache.org",), ("flinkbluegreendeployments/status", "flinkdeployments/status",
                                 "flinksessionjobs/status", "flinkstatesnapshots/status"), ("get", "update", "patch")),
    Rule(("networking.k8s.io",), ("ingresses",), READ_WRITE),
    Rule(("coordination.k8s.io",), ("leases",), READ_WRITE),
]
"""The chart's operator rules (`templates/rbac/_helpers.tpl`, rbac.operatorRole)."""

LOG4J_OPERATOR = {
    "rootLogger.level": "INFO",
    "rootLogger.appenderRef.console.ref": "ConsoleAppender",
    "appender.console.name": "ConsoleAppender",
    "appender.console.type": "CONSOLE",
    "appender.console.layout.type": "PatternLayout",
    "appender.console.layout.pattern": "%style{%d}{yellow} %style{%-30c{1.}}{cyan} %highlight{[%-5level]"
                                       "%notEmpty{[%X{resource.namespace}/}%notEmpty{%X{resource.name}]} %msg%n%throwable}",
    "logger.conf.name": "org.apache.flink.configuration.Configuration",
    "logger.conf.level": "ERROR",
    "logger.globalconf.name": "org.apache.flink.configuration.GlobalConfiguration",
    "logger.globalconf.level": "ERROR",
}
LOG4J_CONSOLE = {
    "rootLogger.level": "INFO",
    "rootLogger.appenderRef.console.ref": "ConsoleAppender",
    "logger.akka.name": "akka", "logger.akka.level": "INFO",
    "logger.kafka.name": "org.apache.kafka", "logger.kafka.level": "INFO",
    "logger.hadoop.name": "org.apache.hadoop", "logger.hadoop.level": "INFO",
    "logger.zookeeper.name": "org.apache.zookeeper", "logger.zookeeper.level": "INFO",
    "appender.console.name": "ConsoleAppender",
    "appender.console.type": "CONSOLE",
    "appender.console.layout.type": "PatternLayout",
    "appender.console.layout.pattern": "%d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n",
    "logger.netty.name": "org.apache.flink.shaded.akka.org.jboss.netty.channel.DefaultChannelPipeline",
    "logger.netty.level": "OFF",
}
"""Default log4j settings of the Flink deployments the operator creates (console only: containers log to stdout)."""
LOG4J_PROPERTIES = " = "
"""Separator of the chart's log4j2 `.properties` files."""


@dataclass(frozen=True)
class FlinkOperatorProps:
    """The Flink Kubernetes Operator (the upstream chart's common values; configuration keys: see the module).

    Attributes:
        image: operator image; with the S3 filesystem plugin, session jobs' `jarURI: s3://...` works.
        replicas: operator pods (more than 1 need `leader_election`).
        leader_election: `kubernetes.operator.leader-election.enabled`, a Lease in the operator namespace; the
            Deployment then rolls (`RollingUpdate`) instead of `Recreate`.
        watch_namespaces: `kubernetes.operator.watched.namespaces`; RBAC and the webhooks' namespace selector are
            then per namespace. Empty: all namespaces (cluster-scoped RBAC).
        webhook: the validating and mutating admission webhook (its certificate comes from cert-manager).
        metrics_port: the Prometheus reporter's port (`kubernetes.operator.metrics.reporter.prom.port`), declared
            as container port `metrics` of the operator container (as the upstream chart's `metrics.port`); None: no
            Prometheus reporter.
        metrics_annotations: the pod annotations announcing that port (scrape, Datadog), with a metrics port.
        reconcile_interval: `kubernetes.operator.reconcile.interval`, a Flink duration such as `15 s`.
        progress_check_interval: `kubernetes.operator.observer.progress-check.interval`, as `reconcile_interval`.
        keystore: the Secret key (in the operator namespace) with the webhook keystore's password; cert-manager
            writes a PKCS#12 keystore with it.
        resources, webhook_resources: the operator's and the webhook's container resources (cpu in cores or
            millicores, memory as a quantity).

    Raises:
        ValueError: more than one replica without leader election (two operators would reconcile the same
            resources).
    """

    image: str = "flink-s3-k8s-operator:0.1.0"
    replicas: int = 1
    leader_election: bool = False
    watch_namespaces: tuple[str, ...] = ("flink",)
    webhook: bool = True
    metrics_port: int | None = 9999
    metrics_annotations: MetricsAnnotations = field(default_factory=MetricsAnnotations)
    reconcile_interval: str = "15 s"
    progress_check_interval: str = "5 s"
    keystore: SecretKeyRef = field(default_factory=lambda: SecretKeyRef("flink-operator-webhook-secret", "password"))
    resources: Resources = field(default_factory=lambda: Resources("250m", "512Mi", None, "1Gi"))
    webhook_resources: Resources = field(default_factory=lambda: Resources("100m", "256Mi", None, "512Mi"))

    def __post_init__(self) -> None:
        if replicas := operator_replicas_problem(self.replicas, self.leader_election, setting="leader_election"):
            raise ValueError(f"Flink operator: {replicas.message}")


class FlinkOperator(constructs.Construct):
    """The Flink Kubernetes Operator. Props: `namespace`; `props`; `s3` (AWS credentials from a Secret or an IAM
    role, and the in-cluster endpoint), with which the operator downloads session jobs' JARs."""

    def __init__(self, scope: constructs.Construct, id: str, *, namespace: str, props: FlinkOperatorProps,
                 s3: S3Access):
        super().__init__(scope, id)
        self.namespace = namespace
        self.deployment_name = "flink-kubernetes-operator"
        self.webhook_service = "flink-operator-webhook-service"
        component = Component("flink-kubernetes-operator", "flink-kubernetes-operator", VERSION, "operator")
        wave = SyncWave.OPERATORS
        self.service_account = k8s.KubeServiceAccount(
            self, "ServiceAccount", metadata=object_meta("flink-operator", namespace, component, wave,
                                                         extra_annotations=s3.service_account_annotations()))
        self._rbac(props, component)
        conf = {
            "flink-conf.yaml": line_file(self.flink_conf(props, s3), sort_keys=False),
            "log4j-operator.properties": properties_file(LOG4J_OPERATOR, separator=LOG4J_PROPERTIES, sort_keys=False),
            "log4j-console.properties": properties_file(LOG4J_CONSOLE, separator=LOG4J_PROPERTIES, sort_keys=False),
        }
        operator_config = config_map(self, "ConfigMap", name="flink-operator-config", namespace=namespace,
                                     component=component, wave=wave, data=conf)
        run_as = pod_security.FLINK
        common_env = [env.Env("FLINK_CONF_DIR", value=CONF_DIR), env.Env("FLINK_PLUGINS_DIR", value="/opt/flink/plugins"),
                      env.Env("LOG_CONFIG", value=f"-Dlog4j.configurationFile={CONF_DIR}/log4j-operator.properties"),
                      env.Env("OPERATOR_NAMESPACE", field_path="metadata.namespace")]
        conf_mount = k8s.VolumeMount(name="flink-operator-config-volume", mount_path=CONF_DIR)
        ports = [HEALTH_PORT.container_port()]
        metrics = Port(METRICS_PORT_NAME, props.metrics_port) if props.metrics_port else None
        if metrics:
            ports.append(metrics.container_port())
        operator = k8s.Container(
            name="flink-kubernetes-operator",
            image=props.image,
            image_pull_policy="IfNotPresent",
            command=["/docker-entrypoint.sh", "operator"],
            ports=ports,
            env=env.core([
                env.Env("HOST_IP", field_path="status.hostIP"), env.Env("POD_IP", field_path="status.podIP"),
                env.Env("POD_NAME", field_path="metadata.name"), env.Env("OPERATOR_NAME", value=self.deployment_name),
                *common_env, *s3.env(),
            ]),
            liveness_probe=http_probe("/", HEALTH_PORT, initial_delay=30, period=10, failure_threshold=3),
            readiness_probe=http_probe("/", HEALTH_PORT, initial_delay=10, period=10, failure_threshold=3),
            startup_probe=http_probe("/", HEALTH_PORT, initial_delay=0, period=10, failure_threshold=30),
            resources=resources(props.resources.to_k8s()),
            security_context=pod_security.container_security_context(run_as),
            volume_mounts=[conf_mount, k8s.VolumeMount(name="flink-artifacts-volume", mount_path="/opt/flink/artifacts")],
        )
        containers = [operator]
        volumes = [
            config_map_volume("flink-operator-config-volume", operator_config.name, {key: key for key in conf}),
            empty_dir("flink-artifacts-volume"),
        ]
        if props.webhook:
            containers.append(k8s.Container(
                name="flink-webhook",
                image=props.image,
                image_pull_policy="IfNotPresent",
                command=["/docker-entrypoint.sh", "webhook"],
                ports=[WEBHOOK_PORT.container_port()],
                env=env.core([
                    env.Env("WEBHOOK_KEYSTORE_PASSWORD", secret=props.keystore),
                    env.Env("WEBHOOK_KEYSTORE_FILE", value="/certs/keystore.p12"),
                    env.Env("WEBHOOK_KEYSTORE_TYPE", value="pkcs12"),
                    env.Env("WEBHOOK_SERVER_PORT", value=str(WEBHOOK_PORT.number)),
                    *common_env,
                ]),
                readiness_probe=tcp_probe(WEBHOOK_PORT, initial_delay=10, period=10, failure_threshold=3),
                liveness_probe=tcp_probe(WEBHOOK_PORT, initial_delay=30, period=20, failure_threshold=3),
                resources=resources(props.webhook_resources.to_k8s()),
                security_context=pod_security.container_security_context(run_as),
                volume_mounts=[k8s.VolumeMount(name="keystore", mount_path="/certs", read_only=True), conf_mount],
            ))
            volumes.append(k8s.Volume(name="keystore", secret=k8s.SecretVolumeSource(
                secret_name="webhook-server-cert", items=[k8s.KeyToPath(key="keystore.p12", path="keystore.p12")])))
            self._webhook(props, component)
        annotations = {"kubectl.kubernetes.io/default-container": "flink-kubernetes-operator",
                       **rollout_annotations(operator_config)}
        if metrics:
            annotations.update(props.metrics_annotations.render(operator.name, metrics.number))
        # Without leader election two operator pods must never overlap: Recreate, as the chart requires.
        deployment(
            self, "Deployment", name=self.deployment_name, namespace=namespace, component=component, wave=wave,
            replicas=props.replicas, strategy="RollingUpdate" if props.leader_election else "Recreate",
            template=pod_template(component, run_as, containers, volumes=volumes, service_account=self.service_account,
                                  annotations=annotations),
        )

    def flink_conf(self, props: FlinkOperatorProps, s3: S3Access) -> dict[str, str]:
        """The operator's `flink-conf.yaml`: the chart's defaults followed by the configured overrides."""
        conf = {
            "taskmanager.numberOfTaskSlots": "1",
            "parallelism.default": "1",
            "kubernetes.operator.default-configuration.flink-version.v1_18.env.java.opts.all": JAVA_MODULE_OPTS,
            "kubernetes.operator.default-configuration.flink-version.v1_19+.env.java.default-opts.all": JAVA_MODULE_OPTS,
            "kubernetes.operator.metrics.reporter.slf4j.factory.class":
                "org.apache.flink.metrics.slf4j.Slf4jReporterFactory",
            "kubernetes.operator.metrics.reporter.slf4j.interval": "5 MINUTE",
            "kubernetes.operator.reconcile.interval": props.reconcile_interval,
            "kubernetes.operator.observer.progress-check.interval": props.progress_check_interval,
            "kubernetes.operator.health.probe.enabled": "true",
            "kubernetes.operator.health.probe.port": str(HEALTH_PORT.number),
        }
        if props.metrics_port:
            conf["kubernetes.operator.metrics.reporter.prom.factory.class"] = (
                "org.apache.flink.metrics.prometheus.PrometheusReporterFactory")
            conf["kubernetes.operator.metrics.reporter.prom.port"] = str(props.metrics_port)
        if props.watch_namespaces:
            conf["kubernetes.operator.watched.namespaces"] = ",".join(props.watch_namespaces)
        if props.leader_election:
            conf["kubernetes.operator.leader-election.enabled"] = "true"
            conf["kubernetes.operator.leader-election.lease-name"] = "flink-operator-lease"
        conf.update(s3.flink_conf())
        return conf

    def _rbac(self, props: FlinkOperatorProps, component: Component) -> None:
        subjects = [(self.service_account.name, self.namespace)]
        if not props.watch_namespaces:
            role(self, "ClusterRole", name="flink-operator", namespace=None, component=component, rules=OPERATOR_RULES)
            binding(self, "ClusterRoleBinding", name="flink-operator-role-binding", namespace=None, component=component,
                    role_name="flink-operator", cluster_role=True, subjects=subjects)
            return
        for namespace in dict.fromkeys([*props.watch_namespaces, self.namespace]):
            role(self, f"Role-{namespace}", name="flink-operator", namespace=namespace, component=component,
                 rules=OPERATOR_RULES)
            binding(self, f"RoleBinding-{namespace}", name="flink-operator-role-binding", namespace=namespace,
                    component=component, role_name="flink-operator", cluster_role=False, subjects=subjects)

    def _webhook(self, props: FlinkOperatorProps, component: Component) -> None:
        ns, wave = self.namespace, SyncWave.OPERATORS
        webhook = component.with_component("webhook")
        k8s.KubeService(self, "WebhookService", metadata=object_meta(self.webhook_service, ns, webhook, wave),
                        spec=k8s.ServiceSpec(type="ClusterIP", selector=component.selector_labels(), ports=[
                            k8s.ServicePort(name="webhook", port=443,
                                            target_port=int_or_string(WEBHOOK_PORT.name))]))
        issuer = "flink-operator-selfsigned-issuer"
        certificate = "flink-operator-serving-cert"
        custom_object(self, "Issuer", api_version="cert-manager.io/v1", kind="Issuer", name=issuer, namespace=ns,
                      component=webhook, wave=wave, spec={"selfSigned": {}})
        custom_object(self, "Certificate", api_version="cert-manager.io/v1", kind="Certificate", name=certificate,
                      namespace=ns, component=webhook, wave=wave, spec={
                          "commonName": "FlinkDeployment Validator",
                          "dnsNames": [f"{self.webhook_service}.{ns}.svc",
                                       f"{self.webhook_service}.{ns}.svc.cluster.local"],
                          "issuerRef": {"kind": "Issuer", "name": issuer},
                          "keystores": {"pkcs12": {"create": True, "passwordSecretRef": {
                              "name": props.keystore.name, "key": props.keystore.key}}},
                          "secretName": "webhook-server-cert",
                      })
        selector = (k8s.LabelSelector(match_expressions=[k8s.LabelSelectorRequirement(
            key="kubernetes.io/metadata.name", operator="In", values=list(props.watch_namespaces))])
                    if props.watch_namespaces else None)
        name = f"flink-operator-{ns}-webhook-configuration"
        meta = object_meta(name, None, webhook, wave, extra_annotations={"cert-manager.io/inject-ca-from": f"{ns}/{certificate}"})

        def client(path: str) -> k8s.WebhookClientConfig:
            return k8s.WebhookClientConfig(service=k8s.ServiceReference(name=self.webhook_service, namespace=ns,
                                                                        path=path, port=443))

        def rules(resources: list[str]) -> list[k8s.RuleWithOperations]:
            return [k8s.RuleWithOperations(api_groups=["flink.apache.org"], api_versions=["*"], scope="Namespaced",
                                           operations=["CREATE", "UPDATE"], resources=resources)]

        k8s.KubeMutatingWebhookConfiguration(self, "MutatingWebhook", metadata=meta, webhooks=[k8s.MutatingWebhook(
            name="mutationwebhook.flink.apache.org", admission_review_versions=["v1"], client_config=client("/mutate"),
            failure_policy="Fail", side_effects="None", namespace_selector=selector,
            rules=rules(["flinksessionjobs", "flinkdeployments"]))])
        k8s.KubeValidatingWebhookConfiguration(self, "ValidatingWebhook", metadata=meta, webhooks=[k8s.ValidatingWebhook(
            name="validationwebhook.flink.apache.org", admission_review_versions=["v1"], client_config=client("/validate"),
            failure_policy="Fail", side_effects="None", namespace_selector=selector,
            rules=rules(["flinkdeployments", "flinksessionjobs", "flinkstatesnapshots"]))])


class FlinkOperatorChart(ComponentChart):
    """Namespace `technical-flink-operator`: the `FlinkOperator`. Props: `namespace`; `props`; `s3`."""

    def __init__(self, scope: constructs.Construct, id: str, *, namespace: str, props: FlinkOperatorProps,
                 s3: S3Access):
        super().__init__(scope, id, namespace=namespace)
        self.operator = FlinkOperator(self, "FlinkOperator", namespace=namespace, props=props, s3=s3)
