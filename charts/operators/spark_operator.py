"""Kubeflow Spark operator 2.5.2 in `technical-spark-operator`, with `spark.jobNamespaces`.

Re-expresses what the upstream chart (`charts/spark-operator-chart`) renders: controller and webhook
ServiceAccounts, Deployments, ClusterRoles/Roles and bindings (in the operator namespace and in each job
namespace), the webhook Service and webhook configurations, the job namespaces' `spark-operator-spark`
ServiceAccount and Role for driver pods, metrics. The webhook manages its own serving certificate
(Secret `spark-operator-webhook-certs`), as upstream. Options mirror the chart's values.
https://www.kubeflow.org/docs/components/spark-operator/getting-started/
"""

from __future__ import annotations

from dataclasses import dataclass, field

import constructs
from cdk8s_plus_27 import k8s

from charts.blocks import pod_security
from charts.blocks.component_chart import ComponentChart
from charts.blocks.metadata import Component, SyncWave, image_tag, object_meta
from charts.blocks.rbac import Rule, binding, role
from charts.blocks.workloads import Port, deployment, http_probe, pod_template, resources, service
from config.common import Resources
from upstream.metrics_annotations import METRICS_PORT_NAME, MetricsAnnotations

PROBE_PORT = Port("probes", 8081)
WEBHOOK_PORT = Port("webhook", 9443)
CONTROLLER_LEASE = "spark-operator-controller-lock"
WEBHOOK_LEASE = "spark-operator-webhook-lock"
WEBHOOK_CERTS = "spark-operator-webhook-certs"
EVENTS = Rule(("",), ("events",), ("create", "update", "patch"))

CONTROLLER_JOB_RULES = [
    Rule(("",), ("pods",), ("get", "list", "watch", "create", "update", "delete")),
    Rule(("",), ("configmaps",), ("get", "list", "watch", "create", "update", "patch")),
    Rule(("",), ("services",), ("get", "list", "watch", "create", "update", "patch", "delete")),
    EVENTS,
    Rule(("extensions", "networking.k8s.io"), ("ingresses",), ("get", "create", "update", "delete")),
    Rule(("sparkoperator.k8s.io",), ("sparkapplications",), ("get", "list", "watch", "create", "delete")),
    Rule(("sparkoperator.k8s.io",), ("scheduledsparkapplications", "sparkconnects"), ("get", "list", "watch")),
    Rule(("sparkoperator.k8s.io",), ("sparkapplications/status", "sparkconnects/status",
                                     "scheduledsparkapplications/status"), ("update",)),
    Rule(("sparkoperator.k8s.io",), ("sparkapplications/finalizers",), ("update",)),
    Rule(("sparkoperator.k8s.io",), ("scheduledsparkapplications/finalizers",), ("update",)),
    Rule(("sparkoperator.k8s.io",), ("sparkconnects/finalizers",), ("update",)),
]
WEBHOOK_JOB_RULES = [
    Rule(("",), ("resourcequotas",), ("list",)),
    Rule(("",), ("pods",), ("list", "watch")),
    Rule(("sparkoperator.k8s.io",), ("sparkapplications", "scheduledsparkapplications"), ("get", "list", "watch")),
]
DRIVER_ROLE = "spark-operator-spark"
"""The driver Role and RoleBinding in each job namespace (the chart's `spark-operator.spark.roleName`)."""
DRIVER_RULES = [Rule(("",), ("pods", "configmaps", "persistentvolumeclaims", "services"),
                     ("get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"))]
WEBHOOK_RESOURCES = [  # (version, resource in the path suffix, resource in the rules)
    ("v1beta2", "sparkapplication", "sparkapplications"),
    ("v1beta2", "scheduledsparkapplication", "scheduledsparkapplications"),
    ("v1alpha1", "sparkconnect", "sparkconnects"),
]


@dataclass(frozen=True)
class SparkOperatorProps:
    """The Kubeflow Spark operator (the upstream chart's common values).

    Attributes:
        image: controller and webhook image.
        job_namespaces: namespaces where SparkApplications run (the chart's `spark.jobNamespaces`): the
            controller and webhook watch them and get a Role there, and each gets the driver ServiceAccount.
        controller_replicas: controller pods (leader election is always on).
        controller_threads: the controller's workers (`--controller-threads`, the chart's `controller.workers`).
        webhook: the mutating and validating webhook (it manages its own serving certificate).
        webhook_replicas: webhook pods.
        metrics_port: the Prometheus metrics port of the controller and the webhook (`--metrics-bind-address`),
            declared as container port `metrics`; None: metrics off.
        metrics_annotations: the pod annotations announcing that port (scrape, Datadog), with a metrics port.
        resources: controller and webhook container resources (cpu in cores or millicores, memory as a quantity).
        driver_service_account: the ServiceAccount of drivers and executors in each job namespace (the chart's
            `spark.serviceAccount.name`).

    Raises:
        ValueError: no job namespace (the webhooks' namespace selector would be `In` an empty list, which the API
            server refuses, and no namespace could run SparkApplications).
    """

    image: str = "ghcr.io/kubeflow/spark-operator/controller:2.5.2"
    job_namespaces: tuple[str, ...] = ("spark",)
    controller_replicas: int = 1
    controller_threads: int = 10
    webhook: bool = True
    webhook_replicas: int = 1
    metrics_port: int | None = 8080
    metrics_annotations: MetricsAnnotations = field(default_factory=MetricsAnnotations)
    resources: Resources = field(default_factory=lambda: Resources("100m", "256Mi", None, "512Mi"))
    driver_service_account: str = "spark-operator-spark"

    def __post_init__(self) -> None:
        if not self.job_namespaces:
            raise ValueError("Spark operator: no job namespace (the webhooks' namespace selector would be empty, "
                             "and no namespace could run SparkApplications)")


class SparkOperator(constructs.Construct):
    """The Spark operator controller and webhook. Props: `namespace`; `props`; `driver_annotations`, annotations
    of the driver ServiceAccount, e.g. the IRSA role (`S3Access.service_account_annotations`), since drivers and
    executors reach S3 with its identity. `driver_service_accounts` are the ServiceAccounts SparkApplication
    drivers and executors use, by job namespace."""

    def __init__(self, scope: constructs.Construct, id: str, *, namespace: str, props: SparkOperatorProps,
                 driver_annotations: dict[str, str] | None = None):
        super().__init__(scope, id)
        self.namespace = namespace
        self.driver_service_accounts: dict[str, k8s.KubeServiceAccount] = {}
        app = Component("spark-operator", "spark-operator", image_tag(props.image))
        controller = app.with_component("controller")
        webhook = app.with_component("webhook")
        driver = app.with_component("spark-driver")
        wave = SyncWave.OPERATORS
        jobs = list(props.job_namespaces)
        account = props.driver_service_account

        self.accounts = {name: k8s.KubeServiceAccount(self, f"{name}-sa", metadata=object_meta(name, namespace, comp, wave))
                         for name, comp in (("spark-operator-controller", controller), ("spark-operator-webhook", webhook))}
        for job_ns in jobs:
            self.driver_service_accounts[job_ns] = k8s.KubeServiceAccount(
                self, f"driver-sa-{job_ns}",
                metadata=object_meta(account, job_ns, driver, wave, extra_annotations=driver_annotations))
            role(self, f"driver-role-{job_ns}", name=DRIVER_ROLE, namespace=job_ns, component=driver,
                 rules=DRIVER_RULES)
            binding(self, f"driver-binding-{job_ns}", name=DRIVER_ROLE, namespace=job_ns, component=driver,
                    role_name=DRIVER_ROLE, cluster_role=False, subjects=[(account, job_ns)])

        self._grant(controller, "spark-operator-controller",
                    cluster=[Rule(("apiextensions.k8s.io",), ("customresourcedefinitions",), ("get",))],
                    own=[Rule(("coordination.k8s.io",), ("leases",), ("create",)),
                         Rule(("coordination.k8s.io",), ("leases",), ("get", "update"), (CONTROLLER_LEASE,)), EVENTS],
                    per_job=CONTROLLER_JOB_RULES, jobs=jobs)
        metrics = Port(METRICS_PORT_NAME, props.metrics_port) if props.metrics_port else None
        metrics_args = (["--enable-metrics=true", f"--metrics-bind-address=:{metrics.number}",
                         "--metrics-endpoint=/metrics", "--metrics-prefix=", "--metrics-labels=app_type"]
                        if metrics else ["--enable-metrics=false"])
        common = ["--zap-log-level=info", "--zap-encoder=console", f"--namespaces={','.join(jobs)}"]
        controller_args = [
            "controller", "start", *common, f"--controller-threads={props.controller_threads}",
            "--enable-ui-service=true", *metrics_args,
            "--metrics-job-submit-latency-buckets=0.5,1,2,4,8,16,32,64,128,256",
            "--metrics-job-start-latency-buckets=30,60,90,120,150,180,210,240,270,300",
            "--leader-election=true", f"--leader-election-lock-name={CONTROLLER_LEASE}",
            f"--leader-election-lock-namespace={namespace}", "--leader-election-lease-duration=15s",
            "--leader-election-renew-deadline=10s", "--leader-election-retry-period=2s",
            "--workqueue-ratelimiter-bucket-qps=50", "--workqueue-ratelimiter-bucket-size=500",
            "--workqueue-ratelimiter-max-delay=6h", "--driver-pod-creation-grace-period=10s",
            "--max-tracked-executor-per-app=1000", "--kube-api-qps=20", "--kube-api-burst=30",
            "--scheduled-spark-application-timestamp-precision=nanos",
            "--feature-gates=PartialRestart=false,LoadSparkDefaults=false",
        ]
        self._deployment(props, controller, "spark-operator-controller", controller_args, props.controller_replicas,
                         ports=[metrics] if metrics else [], mount=("tmp", "/tmp", None))
        if props.webhook:
            self._grant(webhook, "spark-operator-webhook",
                        cluster=[Rule(("admissionregistration.k8s.io",), ("mutatingwebhookconfigurations",
                                                                          "validatingwebhookconfigurations"),
                                      ("list", "watch")),
                                 Rule(("admissionregistration.k8s.io",), ("mutatingwebhookconfigurations",
                                                                          "validatingwebhookconfigurations"),
                                      ("get", "update"), ("spark-operator-webhook",))],
                        own=[EVENTS, Rule(("",), ("secrets",), ("create",)),
                             Rule(("",), ("secrets",), ("get", "update"), (WEBHOOK_CERTS,)),
                             Rule(("coordination.k8s.io",), ("leases",), ("create",)),
                             Rule(("coordination.k8s.io",), ("leases",), ("get", "update"), (WEBHOOK_LEASE,))],
                        per_job=WEBHOOK_JOB_RULES, jobs=jobs)
            service(self, "WebhookService", name="spark-operator-webhook-svc", namespace=namespace, component=webhook,
                    ports=[WEBHOOK_PORT], wave=wave)
            webhook_args = [
                "webhook", "start", *common, f"--webhook-secret-name={WEBHOOK_CERTS}",
                f"--webhook-secret-namespace={namespace}", "--webhook-svc-name=spark-operator-webhook-svc",
                f"--webhook-svc-namespace={namespace}", f"--webhook-port={WEBHOOK_PORT.number}",
                "--mutating-webhook-name=spark-operator-webhook", "--validating-webhook-name=spark-operator-webhook",
                *metrics_args, "--kube-api-qps=20", "--kube-api-burst=30", "--leader-election=true",
                f"--leader-election-lock-name={WEBHOOK_LEASE}", f"--leader-election-lock-namespace={namespace}",
            ]
            self._deployment(props, webhook, "spark-operator-webhook", webhook_args, props.webhook_replicas,
                             ports=[WEBHOOK_PORT, *([metrics] if metrics else [])],
                             mount=("serving-certs", "/etc/k8s-webhook-server/serving-certs", "serving-certs"))
            self._webhook_configurations(webhook, jobs)

    def _grant(self, component: Component, name: str, *, cluster: list[Rule], own: list[Rule], per_job: list[Rule],
               jobs: list[str]) -> None:
        subjects = [(name, self.namespace)]
        role(self, f"{name}-cluster", name=name, namespace=None, component=component, rules=cluster)
        binding(self, f"{name}-cluster-binding", name=name, namespace=None, component=component, role_name=name,
                cluster_role=True, subjects=subjects)
        for ns, rules in ((self.namespace, own), *((job, per_job) for job in jobs)):
            role(self, f"{name}-role-{ns}", name=name, namespace=ns, component=component, rules=rules)
            binding(self, f"{name}-binding-{ns}", name=name, namespace=ns, component=component, role_name=name,
                    cluster_role=False, subjects=subjects)

    def _deployment(self, props: SparkOperatorProps, component: Component, name: str, args: list[str],
                    replicas: int, *, ports: list[Port], mount: tuple[str, str, str | None]) -> None:
        run_as = pod_security.SPARK_OPERATOR
        volume, path, sub_path = mount
        container = k8s.Container(
            name=name,
            image=props.image,
            image_pull_policy="IfNotPresent",
            args=args,
            ports=[p.container_port() for p in [*ports, PROBE_PORT]],
            liveness_probe=http_probe("/healthz", PROBE_PORT, initial_delay=10, period=10, failure_threshold=3),
            readiness_probe=http_probe("/readyz", PROBE_PORT, initial_delay=5, period=10, failure_threshold=3),
            resources=resources(props.resources.to_k8s()),
            security_context=pod_security.container_security_context(run_as),
            volume_mounts=[k8s.VolumeMount(name=volume, mount_path=path, sub_path=sub_path)],
        )
        size = "1Gi" if volume == "tmp" else "500Mi"
        annotations = (props.metrics_annotations.render(name, props.metrics_port) or None) if props.metrics_port else None
        deployment(self, name, name=name, namespace=self.namespace, component=component, wave=SyncWave.OPERATORS,
                   replicas=replicas, template=pod_template(
                       component, run_as, [container], service_account=self.accounts[name], annotations=annotations,
                       volumes=[k8s.Volume(name=volume, empty_dir=k8s.EmptyDirVolumeSource(
                           size_limit=k8s.Quantity.from_string(size)))]))

    def _webhook_configurations(self, component: Component, jobs: list[str]) -> None:
        selector = k8s.LabelSelector(match_expressions=[k8s.LabelSelectorRequirement(
            key="kubernetes.io/metadata.name", operator="In", values=jobs)])
        meta = object_meta("spark-operator-webhook", None, component, SyncWave.OPERATORS)

        def client(path: str) -> k8s.WebhookClientConfig:
            return k8s.WebhookClientConfig(service=k8s.ServiceReference(
                name="spark-operator-webhook-svc", namespace=self.namespace, port=WEBHOOK_PORT.number, path=path))

        def rule(group: str, version: str, resource: str, operations: list[str]) -> list[k8s.RuleWithOperations]:
            return [k8s.RuleWithOperations(api_groups=[group], api_versions=[version], resources=[resource],
                                           operations=operations)]

        mutating = [k8s.MutatingWebhook(
            name="mutate--v1-pod.sparkoperator.k8s.io", admission_review_versions=["v1"],
            client_config=client("/mutate--v1-pod"), side_effects="None", failure_policy="Fail",
            namespace_selector=selector, timeout_seconds=10, rules=rule("", "v1", "pods", ["CREATE"]),
            object_selector=k8s.LabelSelector(match_labels={"sparkoperator.k8s.io/launched-by-spark-operator": "true"}),
        )]
        validating = []
        for version, singular, plural in WEBHOOK_RESOURCES:
            suffix = f"sparkoperator-k8s-io-{version}-{singular}"
            mutating.append(k8s.MutatingWebhook(
                name=f"mutate-{suffix}.sparkoperator.k8s.io", admission_review_versions=["v1"],
                client_config=client(f"/mutate-{suffix}"), side_effects="None", failure_policy="Fail",
                namespace_selector=selector, timeout_seconds=10,
                rules=rule("sparkoperator.k8s.io", version, plural, ["CREATE", "UPDATE"])))
            validating.append(k8s.ValidatingWebhook(
                name=f"validate-{suffix}.sparkoperator.k8s.io", admission_review_versions=["v1"],
                client_config=client(f"/validate-{suffix}"), side_effects="None", failure_policy="Fail",
                namespace_selector=selector, timeout_seconds=10,
                rules=rule("sparkoperator.k8s.io", version, plural, ["CREATE", "UPDATE"])))
        k8s.KubeMutatingWebhookConfiguration(self, "MutatingWebhook", metadata=meta, webhooks=mutating)
        k8s.KubeValidatingWebhookConfiguration(self, "ValidatingWebhook", metadata=meta, webhooks=validating)


class SparkOperatorChart(ComponentChart):
    """Namespace `technical-spark-operator` (and the job namespaces' driver RBAC): the `SparkOperator`. Props:
    `namespace`; `props`; `driver_annotations`."""

    def __init__(self, scope: constructs.Construct, id: str, *, namespace: str, props: SparkOperatorProps,
                 driver_annotations: dict[str, str] | None = None):
        super().__init__(scope, id, namespace=namespace)
        self.operator = SparkOperator(self, "SparkOperator", namespace=namespace, props=props,
                                      driver_annotations=driver_annotations)
