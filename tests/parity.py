"""Parity helpers: reduce an object to the settings that matter, flattened to `path -> value`.

Settings compared: images, ports and port names, probes (ports resolved to numbers), volume mounts,
env var names, config file keys and values, security contexts, args, custom resource essentials.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

Flat = dict[str, Any]


def flatten(node: Any, prefix: str = "") -> Flat:
    """Nested dicts to `a.b.c -> leaf` (lists stay values)."""
    if isinstance(node, dict) and node:
        out: Flat = {}
        for key, value in node.items():
            out.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    return {prefix: node}


def _config_text(text: str) -> dict[str, str]:
    """`key: value` or `key=value` lines (YAML, properties) to a dict of strings."""
    result: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        sep = "=" if ("=" in line and (":" not in line or line.index("=") < line.index(":"))) else ":"
        key, _, value = line.partition(sep)
        result[key.strip()] = value.strip().strip('"')
    return result


def _probe(probe: dict[str, Any] | None, ports: dict[str, int]) -> Any:
    if not probe:
        return None
    out = {k: v for k, v in probe.items() if k not in ("httpGet", "tcpSocket", "exec")}
    for kind in ("httpGet", "tcpSocket"):
        if kind in probe:
            port = probe[kind]["port"]
            out[kind] = {"port": ports.get(port, port), "path": probe[kind].get("path")}
    if "exec" in probe:
        out["exec"] = "exec"
    return out


def _containers(pod: dict[str, Any]) -> dict[str, Any]:
    result = {}
    for c in pod.get("containers", []):
        ports = {p["name"]: p["containerPort"] for p in c.get("ports", []) if "name" in p}
        result[c["name"]] = {
            "image": c.get("image"),
            "ports": sorted(p["containerPort"] for p in c.get("ports", [])),
            "portNames": sorted(p.get("name", "") for p in c.get("ports", []) if p.get("name")),
            "mounts": sorted((m["mountPath"], m.get("subPath", "")) for m in c.get("volumeMounts", [])),
            "env": sorted(e["name"] for e in c.get("env", [])),
            "envFromConfigMaps": sorted(e["configMapRef"]["name"] for e in c.get("envFrom", []) if "configMapRef" in e),
            "command": c.get("command"),
            "args": c.get("args"),
            "liveness": _probe(c.get("livenessProbe"), ports),
            "readiness": _probe(c.get("readinessProbe"), ports),
            "startup": _probe(c.get("startupProbe"), ports),
            "securityContext": c.get("securityContext"),
            "resources": c.get("resources") or None,
        }
    return result


def _workload(obj: dict[str, Any]) -> dict[str, Any]:
    spec = obj["spec"]
    pod = spec["template"]["spec"]
    return {
        "replicas": spec.get("replicas"),
        "containers": _containers(pod),
        "podSecurityContext": pod.get("securityContext"),
        "volumeClaimTemplates": sorted(
            (t["metadata"]["name"], t["spec"]["resources"]["requests"]["storage"])
            for t in spec.get("volumeClaimTemplates", [])
        ),
    }


def _service(obj: dict[str, Any]) -> dict[str, Any]:
    spec = obj["spec"]
    return {
        "ports": sorted((p["port"], p.get("name", "")) for p in spec["ports"]),
        "headless": spec.get("clusterIP") == "None",
    }


def _config_map(obj: dict[str, Any]) -> dict[str, Any]:
    data = obj.get("data", {})
    parsed: dict[str, Any] = {}
    for key, value in data.items():
        if key.endswith((".yaml", ".properties")) or "\n" in value:
            parsed[key] = _config_text(value)
        else:
            parsed[key] = value
    return parsed


def _flink_deployment(obj: dict[str, Any]) -> dict[str, Any]:
    spec = obj["spec"]
    return {
        "image": spec["image"], "flinkVersion": spec["flinkVersion"], "serviceAccount": spec["serviceAccount"],
        "flinkConfiguration": {k: str(v) for k, v in spec.get("flinkConfiguration", {}).items()},
        "jobManager.resource": spec["jobManager"]["resource"], "taskManager.resource": spec["taskManager"]["resource"],
        "jobManager.mounts": sorted(
            m["mountPath"] for c in spec["jobManager"].get("podTemplate", {}).get("spec", {}).get("containers", [])
            for m in c.get("volumeMounts", [])),
    }


def _session_job(obj: dict[str, Any]) -> dict[str, Any]:
    job = obj["spec"]["job"]
    args = job.get("args", [])
    return {
        "deploymentName": obj["spec"]["deploymentName"],
        "jar": job["jarURI"].rsplit("/", 1)[-1],
        "parallelism": job.get("parallelism"),
        "args": {args[i]: args[i + 1] for i in range(0, len(args) - 1, 2)},
    }


def _spark_application(obj: dict[str, Any]) -> dict[str, Any]:
    spec = obj["spec"]
    return {
        "type": spec["type"], "mode": spec["mode"], "image": spec["image"], "sparkVersion": spec["sparkVersion"],
        "mainApplicationFile": spec["mainApplicationFile"].rsplit("/", 1)[-1],
        "jars": spec.get("deps", {}).get("jars"), "sparkConf": spec.get("sparkConf", {}),
        **{f"{role}.{k}": spec[role].get(k) for role in ("driver", "executor")
           for k in ("cores", "memory", "instances", "serviceAccount", "securityContext")},
        **{f"{role}.env": sorted(e["name"] for e in spec[role].get("env", [])) for role in ("driver", "executor")},
    }


def _role(obj: dict[str, Any]) -> dict[str, Any]:
    """Rules as a set of (apiGroup, resource, verb, resourceName) grants."""
    return {"rules": sorted((g, r, v, n) for rule in obj["rules"] for g in rule["apiGroups"]
                            for r in rule["resources"] for v in rule["verbs"]
                            for n in (rule.get("resourceNames") or ["*"]))}


def _webhooks(obj: dict[str, Any]) -> dict[str, Any]:
    result = {}
    for hook in obj.get("webhooks", []):
        service = hook["clientConfig"].get("service", {})
        result[hook["name"]] = {
            "path": service.get("path"), "service": (service.get("namespace"), service.get("name")),
            "port": service.get("port", 443), "failurePolicy": hook.get("failurePolicy"),
            "sideEffects": hook.get("sideEffects"), "namespaceSelector": hook.get("namespaceSelector"),
            "objectSelector": hook.get("objectSelector"),
            "rules": sorted((g, v, r, o) for rule in hook.get("rules", []) for g in rule["apiGroups"]
                            for v in rule["apiVersions"] for r in rule["resources"] for o in rule["operations"]),
        }
    annotations = {k: v for k, v in (obj["metadata"].get("annotations") or {}).items() if not k.startswith("argocd.")}
    return {"webhooks": result, "annotations": annotations or None}


def _binding(obj: dict[str, Any]) -> dict[str, Any]:
    return {"roleRef": obj["roleRef"]["name"],
            "subjects": sorted((s["kind"], s["name"]) for s in obj.get("subjects", []))}


ESSENTIALS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "Deployment": _workload, "StatefulSet": _workload, "Service": _service, "ConfigMap": _config_map,
    "FlinkDeployment": _flink_deployment, "FlinkSessionJob": _session_job, "SparkApplication": _spark_application,
    "Role": _role, "RoleBinding": _binding, "ClusterRole": _role, "ClusterRoleBinding": _binding,
    "MutatingWebhookConfiguration": _webhooks, "ValidatingWebhookConfiguration": _webhooks,
    "Issuer": lambda o: {"spec": o["spec"]}, "Certificate": lambda o: {"spec": o["spec"]},
    "Namespace": lambda o: {"description": o["metadata"].get("annotations", {}).get("description", "").strip()},
    "ServiceAccount": lambda o: {},
}


def essentials(obj: dict[str, Any]) -> Flat:
    """The compared settings of `obj`, flattened."""
    return flatten(ESSENTIALS[obj["kind"]](obj))


def value_at(flat: Flat, path: str) -> Any:
    """The compared value at `path`: the setting itself, or every setting under it as `{relative path: value}`
    (e.g. `podSecurityContext` -> `{"runAsUser": 999, "seccompProfile.type": "RuntimeDefault"}`); None if absent."""
    if path in flat:
        return flat[path]
    return {p[len(path) + 1:]: v for p, v in flat.items() if p.startswith(path + ".")} or None


def _under(path: str, declared: str) -> bool:
    return path == declared or path.startswith(declared + ".")


@dataclass(frozen=True)
class Where:
    """A value too long to write out, checked by `check`; `claim` says what it checks."""

    claim: str
    check: Callable[[Any], bool]

    def __repr__(self) -> str:
        return f"<{self.claim}>"


@dataclass(frozen=True)
class Differs:
    """A declared difference at one compared path: the reference's value there, ours (each exact, or a `Where`),
    and why. The value at a path is the whole subtree under it (`value_at`), so any other change under the path
    fails."""

    reference: Any
    ours: Any
    reason: str

    def holds(self, reference: Any, ours: Any) -> bool:
        return _matches(self.reference, reference) and _matches(self.ours, ours)


def _matches(expected: Any, actual: Any) -> bool:
    return expected.check(actual) if isinstance(expected, Where) else bool(expected == actual)


def assert_counterpart(reference: dict[str, Any], ours: list[dict[str, Any]], *, dropped: bool,
                       documented: dict[str, Differs]) -> None:
    """The parity contract: a dropped object has no counterpart; otherwise exactly one, differing from the
    reference exactly where `documented` says (path -> the reference's value and ours), and nowhere else."""
    if dropped:
        assert ours == [], "listed as dropped but rendered"
        return
    assert len(ours) == 1, "no counterpart"
    a, b = essentials(reference), essentials(ours[0])
    differing = {k: (a.get(k), b.get(k)) for k in sorted(a.keys() | b.keys()) if a.get(k) != b.get(k)}
    undocumented = {p: v for p, v in differing.items() if not any(_under(p, d) for d in documented)}
    assert undocumented == {}, "differences no declaration covers"
    unexpected = {path: {"reference": value_at(a, path), "ours": value_at(b, path)}
                  for path, declared in documented.items() if not declared.holds(value_at(a, path), value_at(b, path))}
    assert unexpected == {}, "declared differences whose values are not the declared ones"
    stale = [d for d in documented if not any(_under(p, d) for p in differing)]
    assert stale == [], "documented differences that no longer differ"


def load_yaml_documents(text: str) -> list[dict[str, Any]]:
    """The mapping documents of a YAML stream."""
    return [d for d in yaml.safe_load_all(text) if isinstance(d, dict)]
