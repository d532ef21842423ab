"""Layer 6: references. Everything an object points at must be rendered, implied, or declared external.

Checked: Secrets and ConfigMaps (env, envFrom, volumes, projected volumes, image pull Secrets; Secret
keys, also the `items` of a Secret volume or projected source, when the Secret is rendered), ServiceAccounts, PersistentVolumeClaims, Namespaces, Roles and
RoleBinding subjects, StatefulSet governing Services, FlinkSessionJob session clusters, FlinkStateSnapshot jobs, in-cluster URLs
(`<service>.<namespace>.svc[.cluster.local][:port]`, port included), Service selectors (they must
select pods) and named ports (Service target ports and probes), volume mounts (the volume must exist).

Implied objects: the Flink operator creates `<FlinkDeployment>-rest` (port 8081) for each FlinkDeployment;
cert-manager writes each Certificate's `spec.secretName`.
In path mode (`validate PATHS`), a target outside the given files is a warning, not an error.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from config.external import ObjectKey
from manifests.tree import pod_containers, pod_template, walk
from manifests.validation.manifests import spark_application_spec
from manifests.validation.report import Finding, Layer, Level, Manifest, finding
from upstream.argo_cd import sync_wave

_URL = re.compile(r"(?<![\w.-])([a-z0-9](?:[-a-z0-9]*[a-z0-9])?)\.([a-z0-9](?:[-a-z0-9]*[a-z0-9])?)\.svc"
                  r"(?:\.cluster\.local)?(?::(\d+))?")
FLINK_REST_PORT = 8081


@dataclass
class Universe:
    """What exists: rendered objects, implied objects (with ports for Services), declared external ones."""

    objects: dict[ObjectKey, Manifest] = field(default_factory=dict)
    implied: dict[ObjectKey, str] = field(default_factory=dict)
    producers: dict[ObjectKey, Manifest] = field(default_factory=dict)
    """Implied objects -> the rendered object that makes them (its sync wave is theirs)."""
    external: dict[ObjectKey, str] = field(default_factory=dict)
    service_ports: dict[tuple[str | None, str], set[int]] = field(default_factory=dict)

    def has(self, key: ObjectKey) -> bool:
        return key in self.objects or key in self.implied or key in self.external

    def source(self, key: ObjectKey) -> Manifest | None:
        """The rendered object that is `key` or makes it; None for declared external objects."""
        return self.objects.get(key) or self.producers.get(key)


def universe(manifests: list[Manifest], external: dict[ObjectKey, str]) -> Universe:
    """Index `manifests` and what they imply."""
    u = Universe(external=dict(external))
    u.implied[("Service", "default", "kubernetes")] = "the Kubernetes API server"
    u.service_ports[("default", "kubernetes")] = {443}
    for m in manifests:
        u.objects[(m.kind, m.namespace, m.name)] = m
        if m.kind == "Service":
            u.service_ports[(m.namespace, m.name)] = {int(p["port"]) for p in m.obj.get("spec", {}).get("ports", [])}
        if m.kind == "ExternalSecret":
            target = m.obj.get("spec", {}).get("target", {}).get("name") or m.name
            u.implied[("Secret", m.namespace, target)] = f"written by the External Secrets Operator ({m.name})"
            u.producers[("Secret", m.namespace, target)] = m
        if m.kind == "Certificate" and m.obj.get("spec", {}).get("secretName"):
            u.implied[("Secret", m.namespace, m.obj["spec"]["secretName"])] = f"issued by cert-manager for {m.name}"
            u.producers[("Secret", m.namespace, m.obj["spec"]["secretName"])] = m
        if m.kind == "FlinkDeployment":
            rest = f"{m.name}-rest"
            u.implied[("Service", m.namespace, rest)] = f"created by the Flink operator for FlinkDeployment {m.name}"
            u.producers[("Service", m.namespace, rest)] = m
            u.service_ports[(m.namespace, rest)] = {FLINK_REST_PORT}
    return u


def _refs(node: Any, path: str) -> Iterator[tuple[str, str, str, str | None]]:
    """(path, kind, name, key) of Secret/ConfigMap/ServiceAccount/PVC references anywhere below `node`."""
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{path}.{key}" if path else key
            if (key in ("secretKeyRef", "configMapKeyRef", "passwordSecretRef") and isinstance(value, dict)
                    and not value.get("optional")):
                kind = "ConfigMap" if key == "configMapKeyRef" else "Secret"
                yield here, kind, str(value.get("name")), str(value.get("key"))
            elif key in ("secretRef", "configMapRef") and isinstance(value, dict) and not value.get("optional"):
                yield here, "Secret" if key == "secretRef" else "ConfigMap", str(value.get("name")), None
            elif key == "configMap" and isinstance(value, dict) and "name" in value and not value.get("optional"):
                yield here, "ConfigMap", str(value["name"]), None
            elif key == "secret" and isinstance(value, dict) and not value.get("optional"):
                name = value.get("secretName", value.get("name"))
                if name:  # a volume or projected source reads the keys it lists (the kubelet fails on a missing one)
                    for item in value.get("items") or [{}]:
                        yield here, "Secret", str(name), str(item["key"]) if item.get("key") else None
            elif key == "persistentVolumeClaim" and isinstance(value, dict) and "claimName" in value:
                yield here, "PersistentVolumeClaim", str(value["claimName"]), None
            elif key == "serviceAccountName" and isinstance(value, str) and value != "default":
                yield here, "ServiceAccount", value, None
            elif key == "imagePullSecrets" and isinstance(value, list):
                for index, item in enumerate(value):
                    yield f"{here}[{index}]", "Secret", str(item.get("name")), None
            if key not in ("data", "stringData"):
                yield from _refs(value, here)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _refs(item, f"{path}[{index}]")


def object_refs(m: Manifest) -> Iterator[tuple[str, str, str | None, str, str | None]]:
    """(path, kind, namespace, name, key) of every reference of `m`."""
    ns = m.namespace
    for path, kind, name, key in _refs(m.obj.get("spec", {}), "spec"):
        yield path, kind, ns, name, key
    spec = m.obj.get("spec", {})
    if m.kind == "FlinkDeployment" and spec.get("serviceAccount"):
        yield "spec.serviceAccount", "ServiceAccount", ns, str(spec["serviceAccount"]), None
    if spark := spark_application_spec(m):
        path, app = spark
        for role in ("driver", "executor"):
            account = (app.get(role) or {}).get("serviceAccount")
            if account:
                yield f"{path}.{role}.serviceAccount", "ServiceAccount", ns, str(account), None
    if m.kind == "FlinkSessionJob":
        yield "spec.deploymentName", "FlinkDeployment", ns, str(spec.get("deploymentName")), None
    job_reference = spec.get("jobReference") if m.kind == "FlinkStateSnapshot" else None
    if job_reference:
        yield "spec.jobReference", str(job_reference.get("kind")), ns, str(job_reference.get("name")), None
    if m.kind == "Certificate" and (spec.get("issuerRef") or {}).get("name"):
        issuer = spec["issuerRef"]
        kind = str(issuer.get("kind") or "Issuer")
        yield "spec.issuerRef", kind, ns if kind == "Issuer" else None, str(issuer["name"]), None
    if m.kind == "StatefulSet" and spec.get("serviceName"):
        yield "spec.serviceName", "Service", ns, str(spec["serviceName"]), None
    if m.kind in ("RoleBinding", "ClusterRoleBinding"):
        role = m.obj.get("roleRef", {})
        yield "roleRef", str(role.get("kind")), ns if role.get("kind") == "Role" else None, str(role.get("name")), None
        for index, subject in enumerate(m.obj.get("subjects") or []):
            if subject.get("kind") == "ServiceAccount":
                yield f"subjects[{index}]", "ServiceAccount", subject.get("namespace", ns), str(subject["name"]), None
    if ns is not None:
        yield "metadata.namespace", "Namespace", None, ns, None


def _consistency(m: Manifest, u: Universe, by_namespace: dict[str | None, list[Manifest]]) -> Iterator[tuple[str, str]]:
    """Internal checks: selectors, named ports, volume mounts."""
    template = pod_template(m.obj)
    if template is not None:
        volumes = {v["name"] for v in template[1].get("spec", {}).get("volumes") or []}
        volumes |= {t["metadata"]["name"] for t in m.obj.get("spec", {}).get("volumeClaimTemplates") or []}
        for path, container, _ in pod_containers(m.obj):
            names = {p.get("name") for p in container.get("ports") or [] if p.get("name")}
            for mi, mount in enumerate(container.get("volumeMounts") or []):
                if mount["name"] not in volumes:
                    yield (f"{path}.volumeMounts[{mi}]",
                           f"mounts volume {mount['name']!r}, which the pod does not define")
            for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
                action = (container.get(probe) or {})
                port = (action.get("httpGet") or action.get("tcpSocket") or {}).get("port")
                if isinstance(port, str) and port not in names:
                    yield f"{path}.{probe}", f"probes port {port!r}, which the container does not name"
    if m.kind == "Service":
        selector = m.obj.get("spec", {}).get("selector") or {}
        if not selector:
            return
        templates = [found[1] for w in by_namespace.get(m.namespace, []) if (found := pod_template(w.obj))]
        pods = [t for t in templates
                if all((t.get("metadata", {}).get("labels") or {}).get(k) == v for k, v in selector.items())]
        if not pods:
            yield "spec.selector", f"selects no pods of this namespace ({', '.join(f'{k}={v}' for k, v in selector.items())})"
            return
        for index, port in enumerate(m.obj["spec"].get("ports") or []):
            target = port.get("targetPort")
            if isinstance(target, str):
                named = {p.get("name") for template in pods for c in template.get("spec", {}).get("containers", [])
                         for p in c.get("ports") or []}
                if target not in named:
                    yield f"spec.ports[{index}].targetPort", f"no selected container has a port named {target!r}"


def _wave_order(m: Manifest, path: str, kind: str, name: str, target: Manifest | None) -> list[Finding]:
    """A finding when `m` refers to an object that a later sync wave renders (or makes): Argo CD applies `m` and
    waits for it to be healthy before that wave starts, so `m` waits for something that never comes."""
    if target is None or target is m:
        return []
    here, there = sync_wave(m.obj), sync_wave(target.obj)
    if there <= here:
        return []
    made = "" if target.kind == kind else f" (made by {target.ref})"
    return [finding(m, path, f"{kind} {name!r}{made} is in sync wave {there}, after this object's wave {here}: Argo CD "
                    "would wait for this object before creating it", Layer.REFERENCE)]


def check(manifests: list[Manifest], external: dict[ObjectKey, str], *, partial: bool) -> list[Finding]:
    """Reference findings. `partial` (path mode): unknown targets are warnings."""
    u = universe(manifests, external)
    missing_level = Level.WARNING if partial else Level.ERROR
    by_namespace: dict[str | None, list[Manifest]] = {}
    for m in manifests:
        by_namespace.setdefault(m.namespace, []).append(m)
    findings: list[Finding] = []
    for m in manifests:
        seen: set[tuple[str, ObjectKey]] = set()
        for path, kind, ns, name, key in object_refs(m):
            target = (kind, ns, name)
            if kind == "Secret" and key is not None and target in u.objects:
                secret = u.objects[target].obj
                if key not in {**(secret.get("data") or {}), **(secret.get("stringData") or {})}:
                    findings.append(finding(m, path, f"Secret {name!r} has no key {key!r}", Layer.REFERENCE))
            if (path, target) in seen:  # another key of one reference (the items of a Secret volume)
                continue
            seen.add((path, target))
            findings += _wave_order(m, path, kind, name, u.source(target))
            if not u.has(target):
                where = f" in namespace {ns}" if ns else ""
                findings.append(finding(m, path, f"{kind} {name!r}{where} is not rendered and not declared external",
                                        Layer.REFERENCE, missing_level))
            target_spec = u.objects[target].obj.get("spec", {}) if target in u.objects else {}
            if kind == "FlinkDeployment" and m.kind == "FlinkStateSnapshot" and target in u.objects \
                    and not target_spec.get("job"):
                findings.append(finding(m, path, f"{name!r} is a session cluster: it has no job to snapshot",
                                        Layer.REFERENCE))
            if kind == "FlinkDeployment" and m.kind == "FlinkSessionJob" and target_spec.get("job"):
                findings.append(finding(m, path, f"{name!r} is an application cluster, not a session cluster",
                                        Layer.REFERENCE))
        for path, text in walk(m.obj):
            if not isinstance(text, str) or path.startswith("metadata."):
                continue
            for match in _URL.finditer(text):
                service, ns, port = match.group(1), match.group(2), match.group(3)
                ports = u.service_ports.get((ns, service))
                if ports is None and not u.has(("Service", ns, service)):
                    findings.append(finding(m, path, f"URL host {match.group(0)!r}: Service {service!r} in namespace "
                                            f"{ns} is not rendered", Layer.REFERENCE, missing_level))
                elif port and ports is not None and int(port) not in ports:
                    findings.append(finding(m, path, f"URL {match.group(0)!r}: Service {service!r} has no port {port} "
                                            f"(ports: {', '.join(map(str, sorted(ports)))})", Layer.REFERENCE))
        findings += [finding(m, path, message, Layer.REFERENCE) for path, message in _consistency(m, u, by_namespace)]
    return findings
