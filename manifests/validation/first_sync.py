"""Argo CD's first sync: every custom resource whose CRD is not part of the same sync skips the dry run.

Argo CD dry-runs the whole sync before applying anything. A custom resource whose CRD does not exist yet (it comes
from another Application, e.g. the CRD Applications of `05-crds`, or from an operator installed outside the
platform: cert-manager, External Secrets) fails that dry run, and with it the whole sync, unless it carries
`argocd.argoproj.io/sync-options: SkipDryRunOnMissingResource=true`
(https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/#skip-dry-run-for-new-custom-resources-types).
Built-in kinds and Argo CD's own kinds (their CRDs exist wherever Argo CD syncs) are exempt, and so is a kind
whose CustomResourceDefinition is among the checked manifests.
"""

from __future__ import annotations

from manifests.validation.report import Finding, Layer, Manifest, finding
from upstream.api_formats import api_group
from upstream.argo_cd import ARGO_CD_GROUP, SKIP_DRY_RUN, SYNC_OPTIONS_ANNOTATION, sync_options

BUILT_IN_GROUPS = frozenset({
    "", "admissionregistration.k8s.io", "apiextensions.k8s.io", "apiregistration.k8s.io", "apps",
    "authentication.k8s.io", "authorization.k8s.io", "autoscaling", "batch", "certificates.k8s.io",
    "coordination.k8s.io", "discovery.k8s.io", "events.k8s.io", "flowcontrol.apiserver.k8s.io",
    "internal.apiserver.k8s.io", "networking.k8s.io", "node.k8s.io", "policy", "rbac.authorization.k8s.io",
    "resource.k8s.io", "scheduling.k8s.io", "storage.k8s.io", "storagemigration.k8s.io",
})
"""API groups the Kubernetes 1.33 API server serves without a CRD."""


def check(manifests: list[Manifest]) -> list[Finding]:
    """A finding per custom resource without `SkipDryRunOnMissingResource=true` whose CRD is not rendered."""
    rendered_crds = {(str(m.obj.get("spec", {}).get("group")), str(m.obj.get("spec", {}).get("names", {}).get("kind")))
                     for m in manifests if m.kind == "CustomResourceDefinition"}
    findings = []
    for m in manifests:
        group = api_group(str(m.obj.get("apiVersion", "")))
        if group in BUILT_IN_GROUPS or group == ARGO_CD_GROUP or (group, m.kind) in rendered_crds:
            continue
        if SKIP_DRY_RUN not in sync_options(m.obj.get("metadata", {}).get("annotations")):
            findings.append(finding(
                m, f"metadata.annotations.{SYNC_OPTIONS_ANNOTATION}",
                f"{m.kind} ({group}) comes from a CRD outside this sync: without {SKIP_DRY_RUN} Argo CD's dry run of "
                "the first sync fails before the CRD exists, and nothing is applied", Layer.RULE))
    return findings
