"""Log shipping: a Fluent Bit pod whose pipeline cannot start, read its files or ship.

Every schema passes these, and the pod runs, but Fluent Bit exits at start or ships nothing (Fluent Bit 4.0,
https://docs.fluentbit.io/manual/): a `--config` file that is not mounted; a parser (`parser`, `multiline.parser`
of an input, `parser` of a `parser` filter) that is neither built in (the multiline parsers `cri`, `docker`, `go`,
`python`, `java`, `ruby`) nor defined in the file's `parsers` / `multiline_parsers` sections ("parser ... not
registered": the input fails to initialize); a `tail` input whose `path` or `db` lies outside every volume mount of
the container (nothing to tail: the container's own empty directory), or whose `db` is on a read-only mount (the
offsets database cannot be opened); a `cloudwatch_logs` output without `region` or `log_group_name`, or with both or
neither of `log_stream_name` and `log_stream_prefix` (refused at init: `cb_cloudwatch_init` in
`plugins/out_cloudwatch_logs/cloudwatch_logs.c`), or whose pod has
no AWS credentials: neither its ServiceAccount's `eks.amazonaws.com/role-arn` (EKS IRSA) nor `AWS_ACCESS_KEY_ID` /
`AWS_ROLE_ARN` in its env (every PutLogEvents call fails, or falls back to the node's role); a `tail` path on an
emptyDir volume that no other container of the pod mounts (a sidecar's log directory nobody writes); a `${VAR}` in
the configuration that the container's env does not set (Fluent Bit puts an empty string there: a log group or
stream name it cannot use).

A Fluent Bit container is one whose image name ends in `fluent-bit` and that passes `--config=<file>` or `-c <file>`,
in a core workload's pod template or in a FlinkDeployment's (`spec.podTemplate`, `spec.jobManager.podTemplate`,
`spec.taskManager.podTemplate`; a role's pod is its template with the common one's containers and volumes, as the
operator merges them, and runs as `spec.serviceAccount`); its YAML configuration (`.yaml`/`.yml`; classic `.conf`
files are not read) comes from a rendered ConfigMap mounted at the file's directory.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from typing import Any

import yaml

from manifests.tree import FLINK_POD_TEMPLATES, pod_template
from manifests.validation.manifests import config_map_data
from manifests.validation.report import Finding, Layer, Manifest, finding

IRSA_ANNOTATION = "eks.amazonaws.com/role-arn"
BUILT_IN_MULTILINE_PARSERS = frozenset({"cri", "docker", "go", "python", "java", "ruby"})
"""Fluent Bit's built-in multiline parsers (https://docs.fluentbit.io/manual/administration/configuring-fluent-bit/multiline-parsing)."""
AWS_CREDENTIAL_ENV = ("AWS_ACCESS_KEY_ID", "AWS_ROLE_ARN")


def config_file(container: dict[str, Any]) -> str | None:
    """The configuration file a Fluent Bit container starts with (`--config=<file>`, `--config <file>`, `-c <file>`),
    or None when it is not a Fluent Bit container or names none."""
    reference = str(container.get("image", "")).split("@", 1)[0]
    repository = reference.rsplit(":", 1)[0] if ":" in reference.rsplit("/", 1)[-1] else reference
    if repository.rsplit("/", 1)[-1] != "fluent-bit":
        return None
    args = [str(a) for a in [*(container.get("command") or []), *(container.get("args") or [])]]
    for index, arg in enumerate(args):
        if arg.startswith("--config="):
            return arg.split("=", 1)[1]
        if arg in ("-c", "--config") and index + 1 < len(args):
            return args[index + 1]
    return None


def _mount(container: dict[str, Any], path: str) -> dict[str, Any] | None:
    """The volume mount of `container` holding `path` (the deepest one), or None."""
    best: dict[str, Any] | None = None
    for mount in container.get("volumeMounts") or []:
        root = str(mount.get("mountPath", "")).rstrip("/") or "/"
        if (path == root or path.startswith(root + "/") or root == "/") and (
                best is None or len(root) > len(str(best.get("mountPath", "")))):
            best = mount
    return best


def _static_dir(pattern: str) -> str:
    """The directory part of a glob before its first wildcard (`/var/log/containers/*_x_*.log` -> `/var/log/containers`)."""
    return posixpath.dirname(re.split(r"[*?\[]", pattern, maxsplit=1)[0])


def _names(value: Any) -> list[str]:
    return [part.strip() for part in str(value).split(",") if part.strip()] if value is not None else []


ENV_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
"""`${VAR}` in a Fluent Bit configuration value: the environment variable's value."""


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


def pipeline_problems(config: dict[str, Any], container: dict[str, Any], credentials: bool | None,
                      pod: dict[str, Any] | None = None) -> Iterator[tuple[str, str]]:
    """(where, message) for each fault of a parsed Fluent Bit YAML `config` run by `container`; `credentials`: whether
    the pod has AWS credentials (None: unknown, e.g. its ServiceAccount is not among the manifests); `pod`, the pod
    spec (`volumes`, `containers`, `initContainers`) whose other containers may write what a tail path reads."""
    env = {str(e.get("name")) for e in container.get("env") or []}
    for name in sorted({m for text in _strings(config) for m in ENV_REFERENCE.findall(text)} - env):
        yield f"${{{name}}}", (f"is not set in the env of container {container.get('name')}: Fluent Bit puts an empty "
                               "string there")
    volumes = {str(v.get("name")): v for v in (pod or {}).get("volumes") or []}
    others = [c for key in ("initContainers", "containers") for c in (pod or {}).get(key) or []
              if c.get("name") != container.get("name")]
    defined = {str(p.get("name")) for section in ("parsers", "multiline_parsers")
               for p in (config.get(section) or []) if isinstance(p, dict)}
    pipeline = config.get("pipeline") or {}
    for index, plugin in enumerate(pipeline.get("inputs") or []):
        where = f"pipeline.inputs[{index}]"
        for key in ("parser", "multiline.parser"):
            for name in _names(plugin.get(key)):
                known = defined | (BUILT_IN_MULTILINE_PARSERS if key == "multiline.parser" else set())
                if name not in known:
                    yield f"{where}.{key}", (f"parser {name!r} is neither built in nor defined in the configuration's "
                                             "parsers/multiline_parsers: Fluent Bit fails to initialize the input")
        if str(plugin.get("name")) != "tail":
            continue
        for pattern in _names(plugin.get("path")):
            mount = _mount(container, _static_dir(pattern))
            if mount is None:
                yield f"{where}.path", (f"{pattern} is not under a volume mount of container {container.get('name')}: "
                                        "Fluent Bit tails the container's own file system, where there is nothing")
            elif "emptyDir" in volumes.get(str(mount.get("name")), {}) and not any(
                    m.get("name") == mount.get("name") for c in others for m in c.get("volumeMounts") or []):
                yield f"{where}.path", (f"{pattern} is on emptyDir volume {mount.get('name')}, which no other "
                                        "container of the pod mounts: nothing writes the files it tails")
        if plugin.get("db") is not None:
            db = str(plugin["db"])
            mount = _mount(container, posixpath.dirname(db))
            if mount is None or mount.get("readOnly"):
                yield f"{where}.db", (f"{db} is not on a writable volume mount of container {container.get('name')}: "
                                      "the tail input cannot open its offsets database" if mount is None else
                                      f"{db} is on read-only mount {mount.get('name')}: the tail input cannot open "
                                      "its offsets database")
    for index, plugin in enumerate(pipeline.get("filters") or []):
        if str(plugin.get("name")) == "parser":
            for name in _names(plugin.get("parser")):
                if name not in defined:
                    yield f"pipeline.filters[{index}].parser", (f"parser {name!r} is not defined in the "
                                                                "configuration's parsers")
    for index, plugin in enumerate(pipeline.get("outputs") or []):
        if str(plugin.get("name")) != "cloudwatch_logs":
            continue
        where = f"pipeline.outputs[{index}]"
        for key in ("region", "log_group_name"):
            if not plugin.get(key):
                yield f"{where}.{key}", f"cloudwatch_logs needs {key}: Fluent Bit refuses the output at start"
        if bool(plugin.get("log_stream_name")) == bool(plugin.get("log_stream_prefix")):
            yield where, ("cloudwatch_logs needs exactly one of log_stream_name and log_stream_prefix: Fluent Bit "
                          "refuses the output at start")
        if credentials is False:
            yield where, ("cloudwatch_logs without AWS credentials: the pod's ServiceAccount has no "
                          f"{IRSA_ANNOTATION} and its container no {' or '.join(AWS_CREDENTIAL_ENV)}")


def check(manifests: list[Manifest]) -> list[Finding]:
    """A finding per fault of each Fluent Bit container's pipeline among `manifests`."""
    data = config_map_data(manifests)
    accounts = {(m.namespace, m.name): m.obj for m in manifests if m.kind == "ServiceAccount"}
    findings: list[Finding] = []
    for m in manifests:
        for path, spec, account_name in _pods(m.obj):
            findings += _pod_findings(m, path, spec, accounts.get((m.namespace, account_name)), data)
    return findings


def _pods(obj: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], str]]:
    """(path, pod spec, ServiceAccount name) of each pod template of `obj`: a core workload's; a FlinkDeployment's
    role templates with the common template's containers and volumes added (by name, the role's winning), and the
    common one alone."""
    found = pod_template(obj)
    if found is not None:
        path, template = found
        spec = template.get("spec") or {}
        yield f"{path}.spec", spec, str(spec.get("serviceAccountName") or "default")
        return
    if obj.get("kind") != "FlinkDeployment":
        return
    flink = obj.get("spec") or {}
    account = str(flink.get("serviceAccount") or "default")
    common = (flink.get("podTemplate") or {}).get("spec") or {}
    for path in FLINK_POD_TEMPLATES:
        node: Any = obj
        for part in path.split("."):
            node = (node or {}).get(part) if isinstance(node, dict) else None
        spec = (node or {}).get("spec") or {}
        if not spec:
            continue
        merged = dict(spec)
        for key in ("containers", "initContainers", "volumes"):
            by_name = {str(i.get("name")): i for i in common.get(key) or []}
            by_name.update({str(i.get("name")): i for i in spec.get(key) or []})
            merged[key] = list(by_name.values())
        yield f"{path}.spec", merged, account


def _pod_findings(m: Manifest, path: str, spec: dict[str, Any], account: dict[str, Any] | None,
                  data: dict[tuple[str | None, str], dict[str, str]]) -> list[Finding]:
    """The findings of the Fluent Bit containers of pod spec `spec` at `path` of `m`, run as `account` (None: not
    among the manifests)."""
    findings: list[Finding] = []
    volumes = {str(v.get("name")): v for v in spec.get("volumes") or []}
    for group, index, container in ((g, i, c) for g in ("containers", "initContainers")
                                    for i, c in enumerate(spec.get(g) or [])):
        file = config_file(container)
        if file is None:
            continue
        where = f"{path}.{group}[{index}]"
        mount = _mount(container, posixpath.dirname(file))
        source = (volumes.get(str(mount.get("name"))) or {}).get("configMap") if mount else None
        key = posixpath.relpath(file, str(mount.get("mountPath"))) if mount else None
        text = data.get((m.namespace, str(source.get("name")))) if source else None
        if text is None or key not in text:
            findings.append(finding(m, where, f"Fluent Bit's configuration {file} is not a key of a rendered "
                                    "ConfigMap mounted at its directory: Fluent Bit exits at start", Layer.RULE))
            continue
        if not file.endswith((".yaml", ".yml")):
            continue
        try:
            config = yaml.safe_load(text[key]) or {}
        except yaml.YAMLError as error:
            findings.append(finding(m, where, f"{file} is not YAML: {error}", Layer.RULE))
            continue
        env = {str(e.get("name")) for e in container.get("env") or []}
        credentials = None if account is None else (
            IRSA_ANNOTATION in ((account.get("metadata") or {}).get("annotations") or {})
            or bool(env & set(AWS_CREDENTIAL_ENV)))
        findings += [finding(m, f"{where} {file}: {field}", message, Layer.RULE)
                     for field, message in pipeline_problems(config, container, credentials, spec)]
    return findings
