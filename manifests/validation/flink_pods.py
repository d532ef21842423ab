"""Plain sidecars in Flink TaskManager pods.

Flink's native Kubernetes integration (the operator's FlinkDeployments) creates each TaskManager pod itself, with
`restartPolicy: Never`, and deletes a pod as soon as any entry of its `containerStatuses` has terminated
(flink-kubernetes `KubernetesPod.isTerminated`; the ResourceManager then requests a new TaskManager and the job fails
over). A sidecar in the pod template's `containers` that exits (a crash, an OOM kill, a config error) therefore takes
the TaskManager, and the job, down with it, and a sidecar that keeps failing makes Flink create and delete
TaskManagers in a loop. A native sidecar (an `initContainers` entry with `restartPolicy: Always`, Kubernetes 1.29+) is
restarted by the kubelet and reported under `initContainerStatuses` instead. A warning per plain sidecar of a
FlinkDeployment's TaskManagers (the common pod template's and the TaskManager's).
"""

from __future__ import annotations

from typing import Any

from manifests.validation.report import Finding, Layer, Level, Manifest, finding
from upstream.flink_options import FLINK_MAIN_CONTAINER


def _containers(template: Any) -> list[dict[str, Any]]:
    spec = (template or {}).get("spec") if isinstance(template, dict) else None
    return [c for c in (spec or {}).get("containers") or [] if isinstance(c, dict)]


def check(manifests: list[Manifest]) -> list[Finding]:
    """A warning per plain sidecar container of a FlinkDeployment's TaskManager pods."""
    findings = []
    for m in manifests:
        if m.kind != "FlinkDeployment":
            continue
        spec = m.obj.get("spec") or {}
        for path, template in (("spec.podTemplate", spec.get("podTemplate")),
                               ("spec.taskManager.podTemplate", (spec.get("taskManager") or {}).get("podTemplate"))):
            for index, container in enumerate(_containers(template)):
                name = str(container.get("name"))
                if name != FLINK_MAIN_CONTAINER:
                    findings.append(finding(
                        m, f"{path}.spec.containers[{index}]",
                        f"sidecar {name} is a plain container of the TaskManager pods: Flink creates them with "
                        "restartPolicy Never and deletes one when any container ends, so its exit takes the TaskManager "
                        "down; make it a native sidecar (initContainers, restartPolicy: Always)", Layer.RULE,
                        Level.WARNING))
    return findings
