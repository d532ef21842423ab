"""Secrets that must exist before the first sync, in namespaces that sync creates.

An environment without a Secret source (neither `secrets.externalSecrets` nor `secrets.generateDevSecrets`) only
references its Secrets (`config.external.required_secrets`, declared external as `EXISTING_SECRET`). In a namespace
the platform itself renders, no such Secret can exist before the first sync on a fresh cluster: the namespace does
not exist yet. `kubectl apply` creates the namespace and the workloads in one pass, and Argo CD creates the namespace
only a sync wave before them; a pod that reads a missing Secret does not start (CreateContainerConfigError, or
ContainerCreating for a volume), and Argo CD's wave waits for its health. So the namespace and those Secrets are a
manual step before the first sync, or the platform renders them (ExternalSecrets).

The rule lists them: a warning per rendered Namespace whose objects read Secrets declared external as existing, with
the keys read (a whole-Secret reference, `envFrom` or a volume, lists no key). Secrets written at run time (the
Polaris catalog-setup Job's) and namespaces that exist before (not rendered: a team namespace with `create: false`)
are not listed. Without declared externals (validate PATHS) there is nothing to list.
"""

from __future__ import annotations

from config.external import EXISTING_SECRET, ObjectKey
from manifests.validation.references import object_refs
from manifests.validation.report import Finding, Layer, Level, Manifest, finding


def check(manifests: list[Manifest], external: dict[ObjectKey, str]) -> list[Finding]:
    """A warning per rendered Namespace listing the Secrets (name and keys read) its objects reference that must
    exist before apply (`external` reasons beginning with `EXISTING_SECRET`) and that nothing renders."""
    namespaces = {m.name: m for m in manifests if m.kind == "Namespace"}
    rendered = {(m.kind, m.namespace, m.name) for m in manifests}
    needed: dict[str, dict[str, set[str]]] = {}
    for m in manifests:
        for _, kind, namespace, name, key in object_refs(m):
            target = (kind, namespace, name)
            if kind != "Secret" or namespace not in namespaces or target in rendered \
                    or not external.get(target, "").startswith(EXISTING_SECRET):
                continue
            keys = needed.setdefault(namespace, {}).setdefault(name, set())
            if key is not None:
                keys.add(key)
    findings = []
    for namespace, secrets in sorted(needed.items()):
        listed = ", ".join(f"{name} ({', '.join(sorted(keys))})" if keys else name
                           for name, keys in sorted(secrets.items()))
        findings.append(finding(
            namespaces[namespace], "-",
            f"this sync creates namespace {namespace}, whose workloads read Secrets that nothing renders: {listed}; "
            f"on a fresh cluster create the namespace and these Secrets before the first sync (kubectl create "
            f"namespace {namespace}; kubectl -n {namespace} create secret generic <name> --from-literal=<key>=<value>), "
            "or let the platform render them (secrets.externalSecrets)", Layer.RULE, Level.WARNING))
    return findings
