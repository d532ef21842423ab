"""The API server's Pod Security warnings, read against the exceptions the platform declares.

Pod Security admission evaluates the pod template of every workload (Deployment, StatefulSet, DaemonSet, Job, ...)
against its namespace's `pod-security.kubernetes.io/warn` level and answers with one `Warning` header:
`would violate PodSecurity "restricted:latest": REASON (DETAIL), REASON (DETAIL), ...`
(k8s.io/pod-security-admission v0.33.13 admission/admission.go, `would violate PodSecurity %q: %s`; the list is
policy/checks.go `AggregateCheckResult.ForbiddenDetail`). A pod may break the restricted standard only where its
template declares an exception (`manifests.restricted.POD_SECURITY_EXCEPTION`), and then only as `validate` allows
(manifests/validation/rules.py `platform`): running as root (`runAsNonRoot != true`, `runAsUser=0`) and the host
paths it names (`restricted volume types` / `hostPath volumes` of hostPath volumes whose path the exception names).
"""

from __future__ import annotations

import re

from manifests.restricted import POD_SECURITY_EXCEPTION, declares_host_path
from manifests.tree import pod_template
from tests.judges.kube_apiserver import Object

PREFIX = re.compile(r'^would violate PodSecurity "(?P<level>[^"]+)": (?P<violations>.*)$', re.DOTALL)
ROOT_REASONS = frozenset({"runAsNonRoot != true", "runAsUser=0"})
HOST_PATH_REASONS = frozenset({"restricted volume types", "hostPath volumes"})


def violations(warning: str) -> list[tuple[str, str]] | None:
    """(reason, detail) of each violation a Pod Security warning lists, or None for another warning."""
    found = PREFIX.match(warning)
    if found is None:
        return None
    items, depth, current = [], 0, ""
    text = found["violations"]
    index = 0
    while index < len(text):
        char = text[index]
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and text.startswith(", ", index):
            items.append(current)
            current, index = "", index + 2
            continue
        current += char
        index += 1
    items.append(current)
    result = []
    for item in items:
        reason, _, detail = item.partition(" (")
        result.append((reason, detail.removesuffix(")")))
    return result


def exception_of(obj: Object) -> str | None:
    """The declared Pod Security exception of a workload (its pod template's annotation, else the object's)."""
    found = pod_template(obj)
    template_annotations = (found[1].get("metadata", {}).get("annotations") or {}) if found else {}
    object_annotations = obj.get("metadata", {}).get("annotations") or {}
    value = template_annotations.get(POD_SECURITY_EXCEPTION) or object_annotations.get(POD_SECURITY_EXCEPTION)
    return str(value) if value else None


def undeclared(obj: Object, warning: str) -> list[str]:
    """The violations of Pod Security `warning` about `obj` that no declared exception covers ([] when covered)."""
    found = violations(warning)
    if found is None:
        return []
    exception = exception_of(obj)
    template = pod_template(obj)
    volumes = {v["name"]: v for v in (template[1].get("spec", {}).get("volumes") or [])} if template else {}
    problems = []
    for reason, detail in found:
        if exception and reason in ROOT_REASONS:
            continue
        if exception and reason in HOST_PATH_REASONS:
            named = [token for token in re.findall(r'"([^"]+)"', detail) if token != "hostPath"]
            paths = [(volumes.get(name) or {}).get("hostPath", {}).get("path") for name in named]
            if paths and all(path and declares_host_path(exception, path) for path in paths):
                continue
        problems.append(f"{reason} ({detail})" if detail else reason)
    return problems
