"""Helm packaging of rendered manifests: the text of a chart's templates, its `NOTES.txt` and its `Chart.yaml`.

The chart holds the objects of `dist/<env>/` plus Helm's own annotations: Argo CD's hooks become Helm hooks
(`helm_hook`), objects whose deletion loses state are kept on `helm uninstall` (`kept`).

A Helm chart's `templates/` are Go templates: Helm executes every file before it parses the YAML, so a rendered
value that holds `{{` (e.g. a hostname template `{{name}}.example.com`) would be run as a template action
(`function "name" not defined`) unless escaped."""

from __future__ import annotations

import hashlib
import re
from copy import deepcopy
from pathlib import Path
from typing import Any

import yaml

from upstream import argo_cd
from upstream.api_formats import api_group

Object = dict[str, Any]

_ESCAPED_OPEN = '{{ "{{" }}'
"""A template action whose output is the two characters `{{`. A closing `}}` outside an action is plain text."""

NOTES = "NOTES.txt"
"""The template Helm prints after `helm install` and `helm upgrade` (and `helm status` shows); not an object."""

CHART_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
"""Helm's chart name rule (lowercase letters, digits and dashes; `helm lint` and `helm create` check it)."""


def escape_template_delimiters(text: str) -> str:
    """`text` with every `{{` replaced by a template action that outputs `{{`, so that Helm's template engine
    gives back `text` unchanged (`helm template` of the chart renders the same YAML)."""
    return text.replace("{{", _ESCAPED_OPEN)


def write_chart_metadata(chart_dir: Path, *, name: str, description: str, app_version: str) -> dict[str, object]:
    """Set `name`, `description` and `appVersion` in `<chart_dir>/Chart.yaml` (the rest, e.g. `apiVersion` and
    `version` written by `cdk8s synth --format helm`, kept); returns the new content.

    Raises:
        FileNotFoundError: no `Chart.yaml` in `chart_dir`.
        ValueError: `name` is not a valid chart name (lowercase letters, digits, dashes).
    """
    if not CHART_NAME.fullmatch(name):
        raise ValueError(f"chart name {name!r}: lowercase letters, digits and dashes only")
    path = chart_dir / "Chart.yaml"
    chart = yaml.safe_load(path.read_text()) or {}
    chart.update(name=name, description=description, appVersion=app_version)
    path.write_text(yaml.safe_dump(chart, sort_keys=False, width=1000))
    return dict(chart)


# --- Helm's annotations: hooks and resource policies ---------------------------------------------------------------

HOOK_ANNOTATION = "helm.sh/hook"
HOOK_WEIGHT_ANNOTATION = "helm.sh/hook-weight"
HOOK_DELETE_POLICY_ANNOTATION = "helm.sh/hook-delete-policy"
RESOURCE_POLICY_ANNOTATION = "helm.sh/resource-policy"
KEEP = "keep"
"""`helm.sh/resource-policy: keep`: `helm uninstall` (and an upgrade whose chart no longer holds the object) leaves
the object in the cluster (helm v4.1.4 pkg/kube/resource_policy.go:19-27, pkg/action/resource_policy.go:26-46)."""

HOOK_EVENTS: dict[str, tuple[str, ...]] = {
    "PreSync": ("pre-install", "pre-upgrade"),
    "Sync": ("post-install", "post-upgrade"),
    "PostSync": ("post-install", "post-upgrade"),
    "PreDelete": ("pre-delete",),
    "PostDelete": ("post-delete",),
}
"""Argo CD hook phase -> the Helm hook events that run it at the same point of an install and of an upgrade.

PreSync and PostSync are the inverse of Argo CD's own reading of Helm hooks (gitops-engine v0.7.3
pkg/sync/hook/helm/type.go:27-32: pre-install and pre-upgrade are PreSync, post-install and post-upgrade PostSync).
Helm has no event during the apply of the templates (helm v4.1.4 pkg/release/v1/hook.go:28-37), so a `Sync` hook,
which Argo CD runs after the objects of the waves before its own (argo-cd docs, user-guide/sync-waves.md), becomes
post-install/post-upgrade: it runs once every template is applied (with `helm install --wait`, once they are ready),
so the setup Jobs find the servers they set up. A `pre-install` Job would wait for a server Helm creates only after
the hook succeeded. SyncFail and Skip have no Helm event: an object with them is refused (`HelmChartError`)."""

HOOK_DELETE_POLICIES = {
    "BeforeHookCreation": "before-hook-creation",
    "HookSucceeded": "hook-succeeded",
    "HookFailed": "hook-failed",
}
"""Argo CD hook delete policy -> Helm's (gitops-engine v0.7.3 pkg/sync/hook/helm/delete_policy.go:23-27 reads them
the other way; helm v4.1.4 pkg/release/v1/hook.go:46-50). Both tools default to the first one (Argo CD:
user-guide/resource_hooks.md; Helm: pkg/action/hooks.go:237-245); the chart spells it out."""

STATEFUL_KINDS = frozenset({
    ("flink.apache.org", "FlinkDeployment"),
    ("flink.apache.org", "FlinkSessionJob"),
    ("flink.apache.org", "FlinkStateSnapshot"),
    ("flink.apache.org", "FlinkBlueGreenDeployment"),
    ("", "PersistentVolumeClaim"),
})
"""(API group, kind) of objects whose deletion loses state: a running Flink job with its checkpoints and savepoint
history, a snapshot's record, a volume. The chart keeps them on `helm uninstall`."""
RUN_UNDER_KINDS = frozenset({
    ("", "ServiceAccount"),
    ("rbac.authorization.k8s.io", "Role"),
    ("rbac.authorization.k8s.io", "RoleBinding"),
    ("", "ConfigMap"),
    ("", "Secret"),
    ("external-secrets.io", "ExternalSecret"),
    ("", "Service"),
})
"""(API group, kind) of what the pods of a kept object run under in its namespace: their identity and rights (a
JobManager renews its HA leader lease with its ServiceAccount's Role; a deleted ServiceAccount invalidates the pods'
tokens), the files and credentials they mount (an ExternalSecret owns the Secret it writes, which goes with it), and the
Services their peers and clients resolve (a StatefulSet's governing Service). Kept in every namespace that holds a
kept object, so that `helm uninstall` does not stop what it keeps."""


class HelmChartError(ValueError):
    """A rendered object the Helm chart cannot express (e.g. an Argo CD hook phase Helm has no event for)."""


def _ref(obj: Object) -> str:
    meta = obj.get("metadata", {})
    return f"{obj.get('kind')} {meta.get('namespace', '')}/{meta.get('name')}".replace(" /", " ")


def _annotations(obj: Object) -> dict[str, str]:
    return dict(obj.get("metadata", {}).get("annotations") or {})


def _csv(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def helm_hook(obj: Object) -> dict[str, str]:
    """The Helm hook annotations of `obj` from its Argo CD ones (`HOOK_EVENTS`, `HOOK_DELETE_POLICIES`; the weight
    is the sync wave, as Argo CD reads `helm.sh/hook-weight` as a sync wave: gitops-engine v0.7.3
    pkg/sync/hook/helm/weight.go:9-18); `{}` when `obj` is no Argo CD hook.

    Raises:
        HelmChartError: a hook phase or delete policy with no Helm equivalent (naming the object).
    """
    annotations = _annotations(obj)
    if argo_cd.HOOK_ANNOTATION not in annotations:
        return {}
    events: list[str] = []
    for phase in _csv(annotations[argo_cd.HOOK_ANNOTATION]):
        if phase not in HOOK_EVENTS:
            raise HelmChartError(f"{_ref(obj)}: Argo CD hook {phase!r} has no Helm hook event (expected one of "
                                 f"{', '.join(HOOK_EVENTS)})")
        events += [event for event in HOOK_EVENTS[phase] if event not in events]
    policies = []
    for policy in _csv(annotations.get(argo_cd.HOOK_DELETE_POLICY_ANNOTATION, "BeforeHookCreation")):
        if policy not in HOOK_DELETE_POLICIES:
            raise HelmChartError(f"{_ref(obj)}: Argo CD hook delete policy {policy!r} has no Helm equivalent "
                                 f"(expected one of {', '.join(HOOK_DELETE_POLICIES)})")
        policies.append(HOOK_DELETE_POLICIES[policy])
    return {HOOK_ANNOTATION: ",".join(events), HOOK_WEIGHT_ANNOTATION: str(argo_cd.sync_wave(obj)),
            HOOK_DELETE_POLICY_ANNOTATION: ",".join(policies)}


def _group(obj: Object) -> str:
    """The API group of `obj` (`upstream.api_formats.api_group` of its apiVersion)."""
    return api_group(str(obj.get("apiVersion", "")))


def is_stateful(obj: Object) -> bool:
    """Whether deleting `obj` loses state: a `STATEFUL_KINDS` object, a StatefulSet with volume claim templates,
    or an object Argo CD never prunes (`Prune=false`, the platform's mark of such objects) that it may delete
    (not a partial object with `Delete=false`, which is not the platform's)."""
    if (_group(obj), obj.get("kind")) in STATEFUL_KINDS:
        return True
    if obj.get("kind") == "StatefulSet" and (obj.get("spec") or {}).get("volumeClaimTemplates"):
        return True
    options = argo_cd.sync_options(_annotations(obj))
    return argo_cd.NO_PRUNE in options and argo_cd.NO_DELETE not in options


def kept(objects: list[Object]) -> list[Object]:
    """The objects of `objects` the chart keeps on `helm uninstall`: the stateful ones (`is_stateful`), what their
    pods run under in their namespaces (`RUN_UNDER_KINDS`, except partial objects marked `Delete=false`, which are
    not the platform's), and the Namespaces that hold one, since deleting a namespace deletes everything in it."""
    stateful = {id(o): o for o in objects if is_stateful(o)}
    namespaces = {o["metadata"].get("namespace") for o in stateful.values()} - {None}

    def run_under(obj: Object) -> bool:
        return ((_group(obj), obj.get("kind")) in RUN_UNDER_KINDS and obj["metadata"].get("namespace") in namespaces
                and argo_cd.NO_DELETE not in argo_cd.sync_options(_annotations(obj)))

    return [o for o in objects if id(o) in stateful or run_under(o)
            or (o.get("kind") == "Namespace" and _group(o) == "" and o["metadata"]["name"] in namespaces)]


def with_helm_annotations(objects: list[Object]) -> list[Object]:
    """Copies of `objects` with Helm's annotations added (annotations sorted by key, the rest unchanged): the
    hooks of `helm_hook`, and `helm.sh/resource-policy: keep` on the objects of `kept`. Argo CD's annotations stay:
    where both exist Argo CD uses its own (gitops-engine v0.7.3 pkg/sync/hook/hook.go:36-38).

    Raises:
        HelmChartError: as `helm_hook`.
    """
    keep = {id(o) for o in kept(objects)}
    result = []
    for obj in objects:
        added = helm_hook(obj) | ({RESOURCE_POLICY_ANNOTATION: KEEP} if id(obj) in keep else {})
        copy = deepcopy(obj)
        if added:
            copy["metadata"]["annotations"] = dict(sorted((_annotations(obj) | added).items()))
        result.append(copy)
    return result


class _TemplateDumper(yaml.SafeDumper):
    """YAML as cdk8s writes it: sequences indented under their key, multi-line strings as literal blocks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


_TemplateDumper.add_representer(str, _str)


def template_text(objects: list[Object]) -> str:
    """The text of one template file holding `objects` (YAML documents, `{{` escaped: `escape_template_delimiters`),
    which `helm template` gives back as `objects`."""
    return escape_template_delimiters(yaml.dump_all(objects, Dumper=_TemplateDumper, sort_keys=False,
                                                    width=1 << 30, allow_unicode=True))


def templates_digest(templates_dir: Path) -> str:
    """The first 12 hex digits of the SHA-256 of the chart's object templates (`*.yaml` of `templates_dir`, by name):
    the same for the same rendered objects, different when any object changes."""
    digest = hashlib.sha256()
    for path in sorted(templates_dir.glob("*.yaml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


_WORKLOADS = ("Deployment", "StatefulSet", "DaemonSet")
_JOBS = ("FlinkDeployment", "FlinkSessionJob", "FlinkStateSnapshot", "SparkApplication", "ScheduledSparkApplication")


def _names(objects: list[Object], kind: str) -> str:
    return ", ".join(sorted(f"{o['metadata'].get('namespace', '')}/{o['metadata']['name']}".lstrip("/")
                            for o in objects if o["kind"] == kind))


def notes(env: str, objects: list[Object]) -> str:
    """The text of the chart's `templates/NOTES.txt` (Helm prints it after an install or upgrade, and `helm status`
    shows it): environment `env`, its namespaces, workloads per namespace, Flink and Spark jobs, the setup hooks in
    the order Helm runs them, what `helm uninstall` keeps, and commands to check. `objects` are the chart's objects
    with their Helm annotations (`with_helm_annotations`)."""
    lines = [f"The streaming lakehouse, environment {env}: release {{{{ .Release.Name }}}} (chart "
             "{{ .Chart.Name }} {{ .Chart.Version }}, render {{ .Chart.AppVersion }}).", ""]
    namespaces = sorted(o["metadata"]["name"] for o in objects if o["kind"] == "Namespace")
    lines += [f"Namespaces: {', '.join(namespaces)}", "", "Workloads:"]
    by_namespace: dict[str, list[str]] = {}
    for obj in objects:
        if obj["kind"] in _WORKLOADS:
            by_namespace.setdefault(obj["metadata"].get("namespace", ""), []).append(
                f"{obj['kind']} {obj['metadata']['name']}")
    lines += [f"  {namespace}: {', '.join(sorted(items))}" for namespace, items in sorted(by_namespace.items())]
    jobs = [(kind, names) for kind in _JOBS if (names := _names(objects, kind))]
    if jobs:
        lines += ["", "Jobs:"] + [f"  {kind}: {names}" for kind, names in jobs]
    hooks = sorted((o for o in objects if HOOK_ANNOTATION in _annotations(o)),
                   key=lambda o: (int(_annotations(o)[HOOK_WEIGHT_ANNOTATION]), o["metadata"]["name"]))
    if hooks:
        lines += ["", "Setup Jobs (Helm hooks; they run again on every `helm upgrade`, in this order):"]
        lines += [f"  {_ref(o)}: {_annotations(o)[HOOK_ANNOTATION]}, weight {_annotations(o)[HOOK_WEIGHT_ANNOTATION]}"
                  for o in hooks]
    keep = [o for o in objects if _annotations(o).get(RESOURCE_POLICY_ANNOTATION) == KEEP]
    if keep:
        counts: dict[str, int] = {}
        for obj in keep:
            counts[obj["kind"]] = counts.get(obj["kind"], 0) + 1
        lines += ["", f"`helm uninstall` keeps {len(keep)} objects, the state and what it runs under "
                      f"({', '.join(f'{kind} {n}' for kind, n in sorted(counts.items()))}): "
                      "delete them by hand when their state may go."]
    lines += ["", "Check:", "  helm status {{ .Release.Name }} --namespace {{ .Release.Namespace }}",
              "  kubectl get pods --all-namespaces --selector app.kubernetes.io/part-of=lakehouse"]
    if jobs:
        lines.append("  kubectl get " + ",".join(kind.lower() for kind, _ in jobs) + " --all-namespaces")
    for namespace in sorted({o["metadata"]["namespace"] for o in hooks}):
        lines.append(f"  kubectl get jobs --namespace {namespace}")
    return "\n".join(lines) + "\n"
