"""Rolling workloads when the configuration they read at start changes (no cdk8s import: validation uses it).

A pod reads a ConfigMap's env vars once, and most servers read their config files once, at start (ZooKeeper's
`ZOO_*` variables, Fluss' `server.yaml`, Polaris' `application.properties`, the Flink operator's
`flink-conf.yaml`). Changing the ConfigMap alone leaves the running pods on the old settings. The pod template
therefore carries `checksum/config`, a digest of every ConfigMap the pod reads: a change of any of them changes
the template, and the controller rolls the pods (the pattern Helm charts use,
https://helm.sh/docs/howto/charts_tips_and_tricks/#automatically-roll-deployments).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from manifests.tree import volume_config_maps

CHECKSUM_ANNOTATION = "checksum/config"
CHECKSUM_PREFIX = "checksum/"
ROLLING_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet"})
"""Long-running core workloads whose pods roll when their template changes."""


def config_checksum(config_maps: Mapping[str, Mapping[str, str]]) -> str:
    """sha256 (hex) of `{ConfigMap name: data}` as canonical JSON (keys sorted): the value of `checksum/config`
    for a pod that reads exactly these ConfigMaps."""
    canonical = json.dumps({name: dict(data) for name, data in config_maps.items()}, sort_keys=True,
                           separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def pod_config_maps(pod: dict[str, Any]) -> list[str]:
    """Names of the ConfigMaps a pod spec reads (volumes, projected volumes, `env` and `envFrom` of every
    container and init container), sorted, without duplicates."""
    names: set[str] = set()
    for volume in pod.get("volumes") or []:
        names.update(volume_config_maps(volume))
    for key in ("initContainers", "containers"):
        for container in pod.get(key) or []:
            for source in container.get("envFrom") or []:
                if source.get("configMapRef"):
                    names.add(str(source["configMapRef"].get("name")))
            for variable in container.get("env") or []:
                ref = (variable.get("valueFrom") or {}).get("configMapKeyRef")
                if ref:
                    names.add(str(ref.get("name")))
    return sorted(names)


def checksum_annotations(config_maps: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    """The pod-template annotation `{checksum/config: <config_checksum>}` for a pod reading `config_maps`."""
    return {CHECKSUM_ANNOTATION: config_checksum(config_maps)}
