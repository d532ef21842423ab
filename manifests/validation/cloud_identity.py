"""Cloud identity: an S3 client without static keys uses an IAM role for service accounts, and asks for it.

On EKS (IRSA) a pod receives a web identity only through its ServiceAccount's `eks.amazonaws.com/role-arn`
annotation; without it, or without an S3A credentials provider that reads the token (Hadoop's default provider
list has none, `upstream.capabilities`), the client silently falls back to the node's instance role.
An S3 client is a container that sets the AWS SDK's `AWS_REGION` or `AWS_ACCESS_KEY_ID` (`S3Access.env`);
it has static keys when it sets `AWS_ACCESS_KEY_ID`. Checked: core workloads, FlinkDeployment main containers,
SparkApplication drivers and executors (also a ScheduledSparkApplication's `spec.template`); for Flink processes (FlinkDeployment configuration, `-D` options, a
mounted `flink-conf.yaml`/`config.yaml`), Fluss servers (a mounted `server.yaml`, whose `s3.*` keys Fluss mirrors to
`fs.s3a.*` as Flink does) and Spark (`spark.hadoop.fs.s3a.aws.credentials.provider`), the provider too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from manifests.restricted import pod_specs
from manifests.rollout import pod_config_maps
from manifests.tree import config_entries, pod_template
from manifests.validation.manifests import config_map_data, spark_application_spec
from manifests.validation.report import Finding, Layer, Manifest, finding
from upstream.capabilities import WEB_IDENTITY_PROVIDERS

IRSA_ANNOTATION = "eks.amazonaws.com/role-arn"
AWS_ENV = ("AWS_REGION", "AWS_ACCESS_KEY_ID")
FLINK_PROVIDER_KEYS = ("s3.aws.credentials.provider", "s3a.aws.credentials.provider", "fs.s3a.aws.credentials.provider")
SPARK_PROVIDER_KEY = "spark.hadoop.fs.s3a.aws.credentials.provider"
FLINK_CONFIG_FILES = ("flink-conf.yaml", "config.yaml")
FLUSS_CONFIG_FILE = "server.yaml"


def _env(container: dict[str, Any]) -> set[str]:
    return {str(e.get("name")) for e in container.get("env") or []}


def _keyless_s3_client(containers: list[dict[str, Any]]) -> bool:
    """Whether some container reaches S3 (AWS SDK env) and none of them has static keys."""
    names: set[str] = set().union(*(_env(c) for c in containers))
    return bool(names & set(AWS_ENV)) and "AWS_ACCESS_KEY_ID" not in names


def _web_identity(value: str | None) -> bool:
    return value is not None and any(p.strip() in WEB_IDENTITY_PROVIDERS for p in value.split(","))


def _provider_problem(settings: dict[str, str], keys: tuple[str, ...], where: str) -> str | None:
    value = next((settings[k] for k in keys if k in settings), None)
    if _web_identity(value):
        return None
    found = f"{value!r}" if value else "unset"
    return (f"{where}: the S3A credentials provider is {found}; with the IAM role it must read the web identity "
            f"token (one of: {', '.join(sorted(WEB_IDENTITY_PROVIDERS))}), or S3A falls back to the node's role")


def _workload_clients(m: Manifest, config_maps: dict[tuple[str | None, str], dict[str, str]]
                      ) -> Iterator[tuple[str, str | None, str | None]]:
    """(path, ServiceAccount, provider problem) of each keyless S3 client pod `m` renders."""
    spec = m.obj.get("spec") or {}
    found = pod_template(m.obj)
    if found is not None:
        path, template = found
        pod = template.get("spec") or {}
        containers = pod.get("containers") or []
        if not _keyless_s3_client(containers):
            return
        settings: dict[str, str] = {}
        flink = fluss = False
        for container in containers:
            for arg in [*(container.get("command") or []), *(container.get("args") or [])]:
                if str(arg).startswith("-D") and "=" in str(arg):
                    key, value = str(arg)[2:].split("=", 1)
                    settings[key] = value
                    flink = flink or key.startswith("s3.") or key.startswith("execution.")
        for name in pod_config_maps(pod):
            files = config_maps.get((m.namespace, name), {})
            for file_name in (*FLINK_CONFIG_FILES, FLUSS_CONFIG_FILE):
                text = files.get(file_name)
                if text is not None:
                    flink, fluss = flink or file_name != FLUSS_CONFIG_FILE, fluss or file_name == FLUSS_CONFIG_FILE
                    settings.update(dict(config_entries(text, file_name)))
        process = "Flink" if flink else "Fluss" if fluss else None
        problem = _provider_problem(settings, FLINK_PROVIDER_KEYS, process) if process else None
        yield f"{path}.spec.serviceAccountName", pod.get("serviceAccountName") or "default", problem
    elif m.kind == "FlinkDeployment":
        containers = [c for pod in pod_specs(m.obj).values() for c in pod.get("containers") or []]
        if _keyless_s3_client(containers):
            conf = {str(k): str(v) for k, v in (spec.get("flinkConfiguration") or {}).items()}
            yield ("spec.serviceAccount", spec.get("serviceAccount"),
                   _provider_problem(conf, FLINK_PROVIDER_KEYS, "spec.flinkConfiguration"))
    elif spark := spark_application_spec(m):
        path, app = spark
        conf = {str(k): str(v) for k, v in (app.get("sparkConf") or {}).items()}
        for role in ("driver", "executor"):
            if _keyless_s3_client([app.get(role) or {}]):
                account = (app.get(role) or {}).get("serviceAccount") or (app.get("driver") or {}).get("serviceAccount")
                yield (f"{path}.{role}.serviceAccount", account,
                       _provider_problem(conf, (SPARK_PROVIDER_KEY,), f"{path}.sparkConf"))


def check(manifests: list[Manifest]) -> list[Finding]:
    """Findings for keyless S3 clients whose rendered ServiceAccount has no IAM role, and for those with the role
    whose S3A client is not configured for web identity. ServiceAccounts outside `manifests` are left to the
    references layer."""
    accounts = {(m.namespace, m.name): m for m in manifests if m.kind == "ServiceAccount"}
    config_maps = config_map_data(manifests)
    findings = []
    for m in manifests:
        for path, account, problem in _workload_clients(m, config_maps):
            sa = accounts.get((m.namespace, str(account)))
            if sa is None:
                continue
            if IRSA_ANNOTATION not in (sa.obj.get("metadata", {}).get("annotations") or {}):
                findings.append(finding(m, path, f"reaches S3 without static keys, but ServiceAccount {account!r} has no "
                                        f"{IRSA_ANNOTATION}: its pods would use the node's role", Layer.RULE))
            elif problem:
                findings.append(finding(m, path, problem, Layer.RULE))
    return findings
