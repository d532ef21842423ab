"""Component capabilities: settings a pinned component version cannot run with (`upstream.capabilities`).

- Polaris: `SKIP_CREDENTIAL_SUBSCOPING_INDIRECTION=true` in `application.properties` drops the catalog's
  endpoint and path-style settings from Polaris' own FileIO, which then writes to AWS instead of the
  S3-compatible store.
- Fluss (a pod that mounts a `server.yaml` with an `s3://` `remote.data.dir`): without static keys (in the file or
  as `AWS_ACCESS_KEY_ID`, which the start script appends) the server needs `s3.assumed.role.arn`, or its S3 plugin
  exits at start; with an `s3.endpoint` (an S3-compatible store) it needs `s3.assumed.role.arn` and
  `s3.assumed.role.sts.endpoint`, or clients that read remote data (KV snapshots, tiered logs) get no credentials,
  since the CoordinatorServer would ask AWS STS; an Iceberg class that `datalake.iceberg.*-impl` names must be in the
  image's `plugins/iceberg` (the lake plugin bundles iceberg-core only): an error for the platform's image, which
  lacks it, a warning naming the module for any other image. The Fluss judge (tests/judges) boots the real servers.
- FlinkDeployment that reads the Fluss or Iceberg catalogs (its session jobs tier to a lake, or it mounts a
  catalog file of type `fluss` or `iceberg`): its `flinkVersion` needs a Fluss connector and an Iceberg Flink
  runtime of the pinned versions.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from manifests.restricted import pod_specs
from manifests.rollout import pod_config_maps
from manifests.tree import config_entries, pod_template
from manifests.validation.manifests import config_map_data
from manifests.validation.report import Finding, Layer, Level, Manifest, finding
from upstream import capabilities

POLARIS_SKIP_FLAG = 'polaris.features."SKIP_CREDENTIAL_SUBSCOPING_INDIRECTION"'
LAKE_CATALOG_TYPES = {"fluss", "iceberg"}

ConfigFiles = dict[tuple[str | None, str], dict[str, dict[str, str]]]
"""(namespace, ConfigMap) -> data key -> its config entries."""


def _polaris(m: Manifest) -> Iterator[tuple[str, str, Level]]:
    for key, text in (m.obj.get("data") or {}).items():
        entries = {k.replace('"', ""): v for k, v in config_entries(str(text), key)}
        if entries.get(POLARIS_SKIP_FLAG.replace('"', ""), "").lower() == "true":
            yield (f"data.{key}", f"{POLARIS_SKIP_FLAG}=true: {capabilities.POLARIS.label} then drops the catalog's "
                   "endpoint and pathStyleAccess from its own FileIO, which writes to AWS instead; leave it false and "
                   "give S3-compatible catalogs stsUnavailable: true", Level.ERROR)


def _fluss(m: Manifest, files: ConfigFiles) -> Iterator[tuple[str, str, Level]]:
    found = pod_template(m.obj)
    if found is None:
        return
    path, template = found
    pod = template.get("spec") or {}
    servers = [entries for name in pod_config_maps(pod)
               if (entries := files.get((m.namespace, name), {}).get("server.yaml"))
               and entries.get("remote.data.dir", "").startswith(("s3://", "s3a://"))]
    if not servers:
        return
    env = {str(e.get("name")) for c in pod.get("containers") or [] for e in c.get("env") or []}
    settings = {k: v for s in servers for k, v in s.items()}
    label, role, sts = capabilities.FLUSS.label, capabilities.FLUSS_ROLE_ARN_KEY, capabilities.FLUSS_STS_ENDPOINT_KEY
    static_keys = "AWS_ACCESS_KEY_ID" in env or any(k in settings for k in ("s3.access-key", "s3.access.key"))
    if not static_keys:
        problem = capabilities.s3_credentials_problem(capabilities.FLUSS, capabilities.WEB_IDENTITY)
        if problem:
            yield f"{path}.spec", f"{problem}: its S3 plugin exits at start without static keys", Level.ERROR
        elif role not in settings:
            yield (f"{path}.spec", f"{label} without static keys needs {role} in server.yaml (the role whose "
                   "credentials it hands clients), or its S3 plugin exits at start (NoAwsCredentialsException)",
                   Level.ERROR)
    if "s3.endpoint" in settings and not (role in settings and sts in settings):
        yield (f"{path}.spec", f"{label} with s3.endpoint (an S3-compatible store) needs {role} and {sts} (the store's "
               "endpoint): clients that read remote data (KV snapshots, tiered logs) get their credentials from the "
               "CoordinatorServer, which otherwise asks AWS STS for a session token the store cannot use", Level.ERROR)
    yield from ((f"{path}.spec", message, level) for message, level in _fluss_lake_classes(settings, pod))


def _fluss_lake_classes(settings: dict[str, str], pod: dict[str, Any]) -> Iterator[tuple[str, Level]]:
    """An Iceberg class of `datalake.iceberg.*-impl` from a module the Fluss image's plugins/iceberg lacks."""
    images = [str(c.get("image") or "") for c in pod.get("containers") or []]
    platform_image = any(i.rpartition(":")[0].rpartition("/")[2] == capabilities.FLUSS_IMAGE_NAME for i in images)
    for key, value in sorted(settings.items()):
        if not (key.startswith("datalake.iceberg.") and key.endswith("-impl")):
            continue
        module = next((m for prefix, m in capabilities.ICEBERG_CLASS_MODULES.items() if value.startswith(prefix)), None)
        if module is None or (platform_image and module in capabilities.FLUSS_IMAGE_ICEBERG_MODULES):
            continue
        where = (f"the platform's image {capabilities.FLUSS_IMAGE_NAME} has no {module} in plugins/iceberg"
                 if platform_image else f"the image must carry {module} in plugins/iceberg")
        yield (f"{key} {value}: the Fluss lake plugin bundles iceberg-core only and {where}; the CoordinatorServer "
               "cannot start its lake catalog without it", Level.ERROR if platform_image else Level.WARNING)


def _reads_lake(m: Manifest, files: ConfigFiles, tiering_clusters: set[tuple[str | None, str]]) -> bool:
    if (m.namespace, m.name) in tiering_clusters:
        return True
    for pod in pod_specs(m.obj).values():
        for name in pod_config_maps(pod):
            for entries in files.get((m.namespace, name), {}).values():
                if entries.get("type") in LAKE_CATALOG_TYPES:
                    return True
    return False


def _flink(m: Manifest, files: ConfigFiles, tiering: set[tuple[str | None, str]]) -> Iterator[tuple[str, str, Level]]:
    version = str((m.obj.get("spec") or {}).get("flinkVersion"))
    if _reads_lake(m, files, tiering):
        problem = capabilities.flink_version_problem(version)
        if problem:
            yield "spec.flinkVersion", f"{version} cannot read the platform's Fluss and Iceberg catalogs: {problem}", \
                Level.ERROR


def _tiering_clusters(manifests: list[Manifest]) -> set[tuple[str | None, str]]:
    """Session clusters that run a job with `--datalake.format` (the Fluss tiering service)."""
    result = set()
    for m in manifests:
        spec: dict[str, Any] = m.obj.get("spec") or {}
        if m.kind == "FlinkSessionJob" and "--datalake.format" in ((spec.get("job") or {}).get("args") or []):
            result.add((m.namespace, str(spec.get("deploymentName"))))
    return result


def check(manifests: list[Manifest]) -> list[Finding]:
    """Findings for settings that the pinned component versions cannot run with."""
    files: ConfigFiles = {key: {name: dict(config_entries(text, name)) for name, text in data.items()}
                          for key, data in config_map_data(manifests).items()}
    tiering = _tiering_clusters(manifests)
    findings = []
    for m in manifests:
        if m.kind == "ConfigMap":
            found = _polaris(m)
        elif m.kind == "FlinkDeployment":
            found = _flink(m, files, tiering)
        else:
            found = _fluss(m, files)
        findings += [finding(m, path, message, Layer.RULE, level) for path, message, level in found]
    return findings
