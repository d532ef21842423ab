"""Rollout: a long-running workload that reads ConfigMaps rolls when one of them changes.

Containers read env vars from ConfigMaps once, and most servers read their config files once, at start: without
a change to the pod template, a new ConfigMap leaves running pods on the old settings until they happen to
restart. The platform's pod templates carry `checksum/config` (`manifests.rollout.config_checksum` over every
ConfigMap the pod reads); this check recomputes it from the rendered ConfigMaps, so a missing or stale checksum
is caught. A workload from elsewhere may use any `checksum/*` annotation; only its presence is checked.
"""

from __future__ import annotations

from manifests.rollout import CHECKSUM_ANNOTATION, CHECKSUM_PREFIX, ROLLING_KINDS, config_checksum, pod_config_maps
from manifests.tree import pod_template
from manifests.validation.manifests import config_map_data
from manifests.validation.report import Finding, Layer, Manifest, finding


def check(manifests: list[Manifest]) -> list[Finding]:
    """A finding per Deployment, StatefulSet or DaemonSet that reads rendered ConfigMaps without a current
    checksum annotation on its pod template."""
    data = config_map_data(manifests)
    findings = []
    for m in manifests:
        found = pod_template(m.obj) if m.kind in ROLLING_KINDS else None
        if found is None:
            continue
        path, template = found
        read = [name for name in pod_config_maps(template.get("spec") or {}) if (m.namespace, name) in data]
        if not read:
            continue
        annotations = (template.get("metadata") or {}).get("annotations") or {}
        where = f"{path}.metadata.annotations.{CHECKSUM_ANNOTATION}"
        expected = config_checksum({name: data[(m.namespace, name)] for name in read})
        if CHECKSUM_ANNOTATION in annotations and annotations[CHECKSUM_ANNOTATION] != expected:
            findings.append(finding(m, where, f"is stale: the ConfigMaps the pods read ({', '.join(read)}) give "
                                    f"{expected}", Layer.RULE))
        elif not any(key.startswith(CHECKSUM_PREFIX) for key in annotations):
            findings.append(finding(m, where, f"missing: the pods read ConfigMap {', '.join(read)} at start and would "
                                    "not roll when it changes", Layer.RULE))
    return findings
