"""Operators and prerequisites: parity with the upstream charts' rendered output, options, bad input,
CRD sources and ordering."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from charts.blocks.rbac import Rule
from charts.operators.flink_operator import FlinkOperatorChart
from charts.operators.spark_operator import SparkOperatorChart
from charts.platform.operators import crd_sources_props, flink_operator_props, spark_operator_props
from config import ConfigError, parse_environment
from manifests.crds import install_command
from tests.bare import s3_access, settings, synth
from tests.conftest import Manifest, environment, find, reference_cases, render
from tests.parity import Differs, Where, assert_counterpart
from upstream.argo_cd import SYNC_WAVE_ANNOTATION
from upstream.crd_pins import PINS

CLUSTER_SCOPED = {"ClusterRole", "ClusterRoleBinding", "MutatingWebhookConfiguration",
                  "ValidatingWebhookConfiguration", "Namespace"}
REFERENCE_VALUES = environment(flinkOperator={"watchNamespaces": [], "metricsPort": None})
"""The reference's chart values: watch all namespaces (cluster-scoped RBAC), no metrics port."""

DROPPED = {
    ("ServiceAccount", "technical-flink-operator", "flink"): "the job ServiceAccount lives in namespace flink (50-flink)",
    ("Role", "technical-flink-operator", "flink"): "the job Role lives in namespace flink (50-flink)",
    ("RoleBinding", "technical-flink-operator", "flink-role-binding"): "the job RoleBinding lives in namespace flink",
    ("Secret", "technical-flink-operator", "flink-operator-webhook-secret"):
        "the keystore password is a credential: an existing Secret (dev-only in local), never a literal",
}
HARDENING = "restricted pod security, resources and probes added"
OPERATOR_CONTEXT = {"allowPrivilegeEscalation": False, "capabilities.drop": ["ALL"], "runAsGroup": 9999,
                    "runAsNonRoot": True, "runAsUser": 9999, "seccompProfile.type": "RuntimeDefault"}
CHART_CONFIG_YAML = {"taskmanager.numberOfTaskSlots", "parallelism.default", "kubernetes.operator.health.probe.enabled",
                     "kubernetes.operator.health.probe.port",
                     "kubernetes.operator.default-configuration.flink-version.v1_18.env.java.opts.all",
                     "kubernetes.operator.default-configuration.flink-version.v1_19+.env.java.default-opts.all"}


def spark_operator_differences(name: str) -> dict[str, Differs]:
    def probe(delay: int, path: str) -> dict[str, Any]:
        return {"failureThreshold": 3, "initialDelaySeconds": delay, "periodSeconds": 10, "timeoutSeconds": 1,
                "httpGet.port": 8081, "httpGet.path": path}

    chart_context = {"allowPrivilegeEscalation": False, "capabilities.drop": ["ALL"], "readOnlyRootFilesystem": True,
                     "runAsNonRoot": True, "seccompProfile.type": "RuntimeDefault"}
    ports, names = ([8080], ["metrics"]) if name == "spark-operator-controller" else ([8080, 9443], ["metrics", "webhook"])
    return {
        f"containers.{name}.liveness": Differs({"httpGet.port": 8081, "httpGet.path": "/healthz"}, probe(10, "/healthz"),
                                               "explicit probe timings"),
        f"containers.{name}.readiness": Differs({"httpGet.port": 8081, "httpGet.path": "/readyz"}, probe(5, "/readyz"),
                                                "explicit probe timings"),
        f"containers.{name}.ports": Differs(ports, sorted([*ports, 8081]), "probe port declared and named"),
        f"containers.{name}.portNames": Differs(names, sorted([*names, "probes"]), "probe port named"),
        f"containers.{name}.resources": Differs(
            None, {"limits.memory": "512Mi", "requests.cpu": "100m", "requests.memory": "256Mi"}, HARDENING),
        f"containers.{name}.securityContext": Differs(
            {**chart_context, "privileged": False}, {**chart_context, "runAsGroup": 185, "runAsUser": 185}, HARDENING),
        "podSecurityContext": Differs({"fsGroup": 185}, {"fsGroup": 185, "runAsGroup": 185, "runAsNonRoot": True,
                                                         "runAsUser": 185, "seccompProfile.type": "RuntimeDefault"},
                                      HARDENING),
    }


DIFFERENCES: dict[tuple[str, str | None, str], dict[str, Differs]] = {
    ("ConfigMap", "technical-flink-operator", "flink-operator-config"): {
        "config.yaml": Differs(Where("the chart's six config.yaml settings", lambda v: set(v) == CHART_CONFIG_YAML),
                               None, "not mounted by the chart's Deployment (flink-conf.yaml is); not rendered"),
        "log4j-console.properties.appender.rolling": Differs(
            {"name": "RollingFileAppender", "type": "RollingFile", "append": "false", "fileName": "${sys:log.file}",
             "filePattern": "${sys:log.file}.%i", "layout.type": "PatternLayout",
             "layout.pattern": "%d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n", "policies.type": "Policies",
             "policies.size.type": "SizeBasedTriggeringPolicy", "policies.size.size": "100MB",
             "strategy.type": "DefaultRolloverStrategy", "strategy.max": "10"},
            None, "Flink pods log to stdout only"),
        "log4j-console.properties.rootLogger.appenderRef.rolling": Differs(
            {"ref": "RollingFileAppender"}, None, "Flink pods log to stdout only"),
        "log4j-operator.properties.logger.globalconf": Differs(
            None, {"name": "org.apache.flink.configuration.GlobalConfiguration", "level": "ERROR"},
            "the chart's two `logger.conf` entries overwrite each other"),
    },
    ("Service", "technical-flink-operator", "flink-operator-webhook-service"): {
        "ports": Differs([(443, "")], [(443, "webhook")], "port named")},
    ("Deployment", "technical-flink-operator", "flink-kubernetes-operator"): {
        "containers.flink-kubernetes-operator.env": Differs(
            ["AWS_ACCESS_KEY_ID", "AWS_REGION", "AWS_SECRET_ACCESS_KEY", "FLINK_CONF_DIR", "FLINK_PLUGINS_DIR", "HOST_IP",
             "JVM_ARGS", "LOG_CONFIG", "OPERATOR_NAME", "OPERATOR_NAMESPACE", "POD_IP", "POD_NAME"],
            ["AWS_ACCESS_KEY_ID", "AWS_REGION", "AWS_SECRET_ACCESS_KEY", "FLINK_CONF_DIR", "FLINK_PLUGINS_DIR", "HOST_IP",
             "LOG_CONFIG", "OPERATOR_NAME", "OPERATOR_NAMESPACE", "POD_IP", "POD_NAME"],
            "AWS_REGION from config, not a Secret; JVM_ARGS (null) left out"),
        "containers.flink-kubernetes-operator.liveness": Differs(
            {"initialDelaySeconds": 30, "periodSeconds": 10, "httpGet.port": 8085, "httpGet.path": "/"},
            {"failureThreshold": 3, "initialDelaySeconds": 30, "periodSeconds": 10, "timeoutSeconds": 1,
             "httpGet.port": 8085, "httpGet.path": "/"}, "explicit defaults"),
        "containers.flink-kubernetes-operator.startup": Differs(
            {"failureThreshold": 30, "periodSeconds": 10, "httpGet.port": 8085, "httpGet.path": "/"},
            {"failureThreshold": 30, "initialDelaySeconds": 0, "periodSeconds": 10, "timeoutSeconds": 1,
             "httpGet.port": 8085, "httpGet.path": "/"}, "explicit defaults"),
        "containers.flink-kubernetes-operator.readiness": Differs(
            None, {"failureThreshold": 3, "initialDelaySeconds": 10, "periodSeconds": 10, "timeoutSeconds": 1,
                   "httpGet.port": 8085, "httpGet.path": "/"}, HARDENING),
        "containers.flink-kubernetes-operator.resources": Differs(
            None, {"limits.memory": "1Gi", "requests.cpu": "250m", "requests.memory": "512Mi"}, HARDENING),
        "containers.flink-kubernetes-operator.securityContext": Differs({}, OPERATOR_CONTEXT, HARDENING),
        "containers.flink-webhook.env": Differs(
            ["FLINK_CONF_DIR", "FLINK_PLUGINS_DIR", "JVM_ARGS", "LOG_CONFIG", "OPERATOR_NAMESPACE", "WEBHOOK_KEYSTORE_FILE",
             "WEBHOOK_KEYSTORE_PASSWORD", "WEBHOOK_KEYSTORE_TYPE", "WEBHOOK_SERVER_PORT"],
            ["FLINK_CONF_DIR", "FLINK_PLUGINS_DIR", "LOG_CONFIG", "OPERATOR_NAMESPACE", "WEBHOOK_KEYSTORE_FILE",
             "WEBHOOK_KEYSTORE_PASSWORD", "WEBHOOK_KEYSTORE_TYPE", "WEBHOOK_SERVER_PORT"], "JVM_ARGS (null) left out"),
        "containers.flink-webhook.liveness": Differs(
            None, {"failureThreshold": 3, "initialDelaySeconds": 30, "periodSeconds": 20, "timeoutSeconds": 1,
                   "tcpSocket.port": 9443, "tcpSocket.path": None}, HARDENING),
        "containers.flink-webhook.readiness": Differs(
            None, {"failureThreshold": 3, "initialDelaySeconds": 10, "periodSeconds": 10, "timeoutSeconds": 1,
                   "tcpSocket.port": 9443, "tcpSocket.path": None}, HARDENING),
        "containers.flink-webhook.ports": Differs([], [9443], "webhook port declared and named for the Service"),
        "containers.flink-webhook.portNames": Differs([], ["webhook"], "webhook port declared and named for the Service"),
        "containers.flink-webhook.resources": Differs(
            None, {"limits.memory": "512Mi", "requests.cpu": "100m", "requests.memory": "256Mi"}, HARDENING),
        "containers.flink-webhook.securityContext": Differs({}, OPERATOR_CONTEXT, HARDENING),
        "podSecurityContext": Differs(
            {"runAsGroup": 9999, "runAsUser": 9999},
            {"fsGroup": 9999, "runAsGroup": 9999, "runAsNonRoot": True, "runAsUser": 9999,
             "seccompProfile.type": "RuntimeDefault"}, HARDENING),
    },
    **{("Deployment", "technical-spark-operator", name): spark_operator_differences(name)
       for name in ("spark-operator-controller", "spark-operator-webhook")},
}


def _key(obj: Manifest) -> tuple[str, str | None, str]:
    namespace = None if obj["kind"] in CLUSTER_SCOPED else obj["metadata"].get("namespace")
    if namespace is None and obj["kind"] not in CLUSTER_SCOPED:
        namespace = "technical-spark-operator"  # the spark chart renders some objects without a namespace
    return obj["kind"], namespace, obj["metadata"]["name"]


def flink_operator(doc: dict[str, Any]) -> list[Manifest]:
    """The Flink operator chart of environment document `doc`, alone."""
    config = settings(doc)
    props, s3 = flink_operator_props(config), s3_access(config)
    assert props is not None
    return synth(lambda app: FlinkOperatorChart(app, "10-flink-operator", namespace="technical-flink-operator",
                                                props=props, s3=s3))


@pytest.fixture(scope="module")
def reference_like() -> list[Manifest]:
    """Both operator charts with the reference's chart values."""
    config = settings(REFERENCE_VALUES)
    flink, spark = flink_operator_props(config), spark_operator_props(config)
    assert flink is not None and spark is not None

    def build(app: Any) -> None:
        FlinkOperatorChart(app, "10-flink-operator", namespace="technical-flink-operator", props=flink,
                           s3=s3_access(config))
        SparkOperatorChart(app, "15-spark-operator", namespace="technical-spark-operator", props=spark)

    return synth(build)


REFERENCE = reference_cases("upstream-rendered/flink-kubernetes-operator-1.14.0.yaml",
                            "upstream-rendered/spark-operator-2.5.2.yaml",
                            id_of=lambda o: "/".join(p or "-" for p in _key(o)))


@pytest.mark.parametrize("reference", REFERENCE)
def test_operator_parity(reference_like: list[Manifest], reference: Manifest) -> None:
    key = _key(reference)
    ours = [o for o in reference_like if _key(o) == key]
    assert_counterpart(reference, ours, dropped=key in DROPPED, documented=DIFFERENCES.get(key, {}))


def test_watched_namespaces_get_roles_and_webhook_selectors() -> None:
    objects = flink_operator(environment())
    assert not [o for o in objects if o["kind"] == "ClusterRole" and o["metadata"]["name"] == "flink-operator"]
    roles = {o["metadata"]["namespace"] for o in objects if o["kind"] == "Role" and o["metadata"]["name"] == "flink-operator"}
    assert roles == {"flink", "technical-flink-operator"}
    conf = find(objects, "ConfigMap", "flink-operator-config")["data"]["flink-conf.yaml"]
    assert "kubernetes.operator.watched.namespaces: flink\n" in conf
    hook = find(objects, "ValidatingWebhookConfiguration", "flink-operator-technical-flink-operator-webhook-configuration")
    assert hook["webhooks"][0]["namespaceSelector"]["matchExpressions"][0]["values"] == ["flink"]
    assert "namespace" not in hook["metadata"]


def test_leader_election_allows_replicas_and_rolling_updates() -> None:
    objects = flink_operator(environment(flinkOperator={"replicas": 2, "leaderElection": True}))
    spec = find(objects, "Deployment", "flink-kubernetes-operator")["spec"]
    assert spec["replicas"] == 2 and spec["strategy"] == {"type": "RollingUpdate"}
    conf = find(objects, "ConfigMap", "flink-operator-config")["data"]["flink-conf.yaml"]
    assert "kubernetes.operator.leader-election.enabled: true\n" in conf
    assert find(flink_operator(environment()), "Deployment", "flink-kubernetes-operator")["spec"]["strategy"] == {
        "type": "Recreate"}


def test_metrics_port_sets_the_reporter_the_scrape_annotation_and_the_container_port() -> None:
    objects = flink_operator(environment(flinkOperator={"metricsPort": 9249}))
    conf = find(objects, "ConfigMap", "flink-operator-config")["data"]["flink-conf.yaml"]
    assert "kubernetes.operator.metrics.reporter.prom.port: 9249\n" in conf
    template = find(objects, "Deployment", "flink-kubernetes-operator")["spec"]["template"]
    assert template["metadata"]["annotations"]["prometheus.io/port"] == "9249"
    assert {"name": "metrics", "containerPort": 9249, "protocol": "TCP"} in template["spec"]["containers"][0]["ports"]


def test_webhook_off_renders_no_webhook_objects() -> None:
    objects = flink_operator(environment(flinkOperator={"webhook": False}, certManager={"mode": "none"}))
    kinds = {o["kind"] for o in objects if "flink-operator" in o["metadata"]["name"]}
    assert not kinds & {"Certificate", "Issuer", "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"}
    containers = find(objects, "Deployment", "flink-kubernetes-operator")["spec"]["template"]["spec"]["containers"]
    assert [c["name"] for c in containers] == ["flink-kubernetes-operator"]


def test_operator_reaches_s3_through_the_in_cluster_store_in_local_and_the_iam_role_in_prod(rendered: dict[str, list[Manifest]]) -> None:
    conf = find(rendered["test-local"], "ConfigMap", "flink-operator-config")["data"]["flink-conf.yaml"]
    assert "s3.endpoint: http://minio.object-store.svc.cluster.local:9000\n" in conf
    account = find(rendered["test-prod"], "ServiceAccount", "flink-operator")
    assert account["metadata"]["annotations"]["eks.amazonaws.com/role-arn"].startswith("arn:aws:iam::")


@pytest.mark.parametrize(("overrides", "message"), [
    ({"flinkOperator": {"replicas": 2}},
     "flinkOperator.replicas: 2 replicas need flinkOperator.leaderElection: true"),
    ({"flinkOperator": {"watchNamespaces": ["flink", "analytics"]}},
     "flinkOperator.watchNamespaces[1]: 'analytics' is not a namespace the platform renders into"),
    ({"flinkOperator": {"watchNamespaces": ["polaris"]}},
     "flinkOperator.watchNamespaces: must include 'flink'"),
    ({"certManager": {"mode": "none"}},
     "flinkOperator.webhook: the webhook needs cert-manager for its certificate"),
    ({"sparkOperator": {"jobNamespaces": ["spark", "batch"]}},
     "sparkOperator.jobNamespaces[1]: 'batch' is not a namespace the platform renders into"),
])
def test_bad_operator_config(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match="^" + re.escape(f"environments/test.yaml: {message}")):
        parse_environment(environment(**overrides), source="environments/test.yaml", expected_name="test")


def test_props_defaults_are_the_schema_defaults() -> None:
    """Operators composed in Python are installed as in an environment that sets nothing."""
    from charts.operators.crd_sources import CrdSourcesProps
    from charts.operators.flink_operator import FlinkOperatorProps
    from charts.operators.spark_operator import SparkOperatorProps

    config = settings(environment())
    assert flink_operator_props(config) == FlinkOperatorProps()
    assert spark_operator_props(config) == SparkOperatorProps()
    assert crd_sources_props(config) == CrdSourcesProps()


def test_disabled_operators_and_prerequisites_have_no_props() -> None:
    config = settings(environment(flinkOperator={"enabled": False}, sparkOperator={"enabled": False},
                                  crds={"manage": False}, certManager={"mode": "assume-present"}))
    assert (flink_operator_props(config), spark_operator_props(config), crd_sources_props(config)) == (None, None, None)


def test_props_refuse_replicas_without_leader_election_and_an_operator_without_job_namespaces() -> None:
    from charts.operators.flink_operator import FlinkOperatorProps
    from charts.operators.spark_operator import SparkOperatorProps

    with pytest.raises(ValueError, match="Flink operator: 2 replicas need leader_election"):
        FlinkOperatorProps(image="flink-operator:1.14.0", replicas=2)
    assert FlinkOperatorProps(image="flink-operator:1.14.0", replicas=2, leader_election=True).replicas == 2
    with pytest.raises(ValueError, match="Spark operator: no job namespace"):
        SparkOperatorProps(job_namespaces=())


RESOURCE_VERBS = {"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"}
"""The verbs of the Kubernetes API on resources (https://kubernetes.io/docs/reference/access-authn-authz/authorization/#determine-the-request-verb)."""


def test_rbac_verbs_are_kubernetes_verbs_and_an_unknown_verb_is_refused(rendered: dict[str, list[Manifest]]) -> None:
    for env, objects in rendered.items():
        verbs = {v for o in objects if o["kind"] in ("Role", "ClusterRole") for r in o["rules"] for v in r["verbs"]}
        assert verbs and verbs <= RESOURCE_VERBS, env
    with pytest.raises(ValueError, match=r"unknown Kubernetes verbs \['edit'\]"):
        Rule(("",), ("pods",), ("get", "edit"))


def test_crds_come_from_pinned_sources_with_server_side_apply(rendered: dict[str, list[Manifest]]) -> None:
    apps = {o["metadata"]["name"]: o for o in rendered["test-dev"] if o["kind"] == "Application"
            and o["metadata"]["labels"]["app.kubernetes.io/instance"] == "crds"}  # not the app of apps'
    assert set(apps) == {"flink-kubernetes-operator-crds", "spark-operator-crds", "cert-manager"}
    flink = apps["flink-kubernetes-operator-crds"]["spec"]
    assert flink["source"] == {"repoURL": "https://github.com/apache/flink-kubernetes-operator.git",
                               "targetRevision": "release-1.14.0", "path": "helm/flink-kubernetes-operator/crds"}
    assert "ServerSideApply=true" in flink["syncPolicy"]["syncOptions"]
    assert flink["syncPolicy"]["automated"]["prune"] is False
    assert "finalizers" not in apps["flink-kubernetes-operator-crds"]["metadata"]
    assert apps["cert-manager"]["spec"]["source"]["targetRevision"] == "v1.18.2"
    assert not [o for env in rendered for o in rendered[env] if o["kind"] == "CustomResourceDefinition"]
    assert not [o for o in rendered["test-local"] if o["kind"] == "Application"]  # local is applied with kubectl


def test_no_argo_cd_application_when_crds_are_unmanaged_and_cert_manager_is_assumed() -> None:
    objects = render({**environment(crds={"manage": False}, certManager={"mode": "assume-present"}), "argoCd": None})
    assert not [o for o in objects if o["kind"] == "Application"]


def test_pinned_crds_match_their_checksums_in_the_crd_directory() -> None:
    from manifests.crds import read_pinned

    for file in PINS:
        assert read_pinned(file)  # raises CrdError on a checksum mismatch


def test_install_crds_applies_the_installed_pins_server_side(tmp_path: Path) -> None:
    command = install_command(tmp_path, "kubectl")
    assert command == ["kubectl", "apply", "--server-side", "--force-conflicts", "-f", str(tmp_path)]
    # the operators' CRDs; not cert-manager's (its release installs them), External Secrets' or Argo CD's
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "flink-kubernetes-operator-1.14.0_flinkbluegreendeployments.flink.apache.org-v1.yaml",
        "flink-kubernetes-operator-1.14.0_flinkdeployments.flink.apache.org-v1.yaml",
        "flink-kubernetes-operator-1.14.0_flinksessionjobs.flink.apache.org-v1.yaml",
        "flink-kubernetes-operator-1.14.0_flinkstatesnapshots.flink.apache.org-v1.yaml",
        "spark-operator-2.5.2_sparkoperator.k8s.io_scheduledsparkapplications.yaml",
        "spark-operator-2.5.2_sparkoperator.k8s.io_sparkapplications.yaml",
        "spark-operator-2.5.2_sparkoperator.k8s.io_sparkconnects.yaml",
    ]


def test_apply_order_crds_and_operators_before_workloads(rendered: dict[str, list[Manifest]]) -> None:
    waves = {(o["kind"], o["metadata"]["name"]): int(o["metadata"]["annotations"][SYNC_WAVE_ANNOTATION])
             for o in rendered["test-dev"] if SYNC_WAVE_ANNOTATION in (o["metadata"].get("annotations") or {})}
    assert waves[("Application", "flink-kubernetes-operator-crds")] < waves[("Deployment", "flink-kubernetes-operator")]
    assert waves[("Application", "cert-manager")] < waves[("Certificate", "flink-operator-serving-cert")]
    assert waves[("Deployment", "spark-operator-controller")] < waves[("SparkApplication", "ingest-campaign")]
    assert waves[("Deployment", "flink-kubernetes-operator")] < waves[("FlinkDeployment", "flink-session")]
