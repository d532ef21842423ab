"""Spark pod settings that only the Spark operator's mutating webhook applies.

The Spark operator 2.5.2 submits a SparkApplication with `spark-submit`; settings Spark has no configuration for
reach the driver and executor pods through the operator's mutating webhook (internal/webhook/sparkpod_defaulter.go:
env and envFrom, pod and container security contexts, volumes and mounts, tolerations, affinity, sidecars, init
containers, DNS config, host network and aliases, termination grace period, lifecycle, a role's node selector,
priority class, scheduler, memory limit and GPU). The controller labels a pod
for the webhook unless the role has a pod `template` on Spark 3+ (internal/controller/sparkapplication/
submission.go), in which case Spark applies the template and the webhook leaves the pod alone. Without the webhook
those settings are silently dropped: the platform's restricted security contexts (so the namespace's restricted Pod
Security admission refuses the pods) and the Secret-backed env vars (the catalog credential, S3 keys).

The rule applies when the checked manifests include the Spark operator (its controller Deployment): an error for
each SparkApplication (or ScheduledSparkApplication template) role that needs the webhook when no mutating webhook
of the operator (`*.sparkoperator.k8s.io` on `pods`) is rendered with it.
"""

from __future__ import annotations

from typing import Any

from manifests.validation.report import Finding, Layer, Manifest, finding

WEBHOOK_FIELDS = ("env", "envFrom", "podSecurityContext", "securityContext", "volumeMounts", "tolerations", "affinity",
                  "nodeSelector", "sidecars", "initContainers", "dnsConfig", "hostNetwork", "hostAliases",
                  "terminationGracePeriodSeconds", "lifecycle", "shareProcessNamespace", "priorityClassName",
                  "schedulerName", "memoryLimit", "gpu")
"""Driver and executor fields the webhook applies (sparkpod_defaulter.go mutateSparkPod options; a role's
`nodeSelector` too: spark-submit takes only the application-level one, submission.go)."""
OPERATOR_IMAGE = "spark-operator/controller:"


def _operator_rendered(manifests: list[Manifest]) -> bool:
    return any(m.kind == "Deployment" and any(OPERATOR_IMAGE in str(c.get("image", "")) for c in (
        (m.obj.get("spec") or {}).get("template", {}).get("spec", {}).get("containers") or [])) for m in manifests)


def pod_webhooks(manifests: list[Manifest]) -> list[dict[str, Any]]:
    """The Spark operator's mutating webhooks on `pods` (`*.sparkoperator.k8s.io`) among `manifests`."""
    return [hook for m in manifests if m.kind == "MutatingWebhookConfiguration" for hook in m.obj.get("webhooks") or []
            if str(hook.get("name", "")).endswith(".sparkoperator.k8s.io")
            and any("pods" in (rule.get("resources") or []) for rule in hook.get("rules") or [])]


def _pod_webhook(manifests: list[Manifest]) -> bool:
    return bool(pod_webhooks(manifests))


def check(manifests: list[Manifest]) -> list[Finding]:
    """An error per Spark role that needs the operator's webhook when the operator is rendered without one."""
    if not _operator_rendered(manifests) or _pod_webhook(manifests):
        return []
    findings = []
    for m in manifests:
        spec: dict[str, Any] | None = None
        if m.kind == "SparkApplication":
            spec, path = m.obj.get("spec") or {}, "spec"
        elif m.kind == "ScheduledSparkApplication":
            spec, path = (m.obj.get("spec") or {}).get("template") or {}, "spec.template"
        if spec is None:
            continue
        for role in ("driver", "executor"):
            part = spec.get(role) or {}
            needed = [key for key in WEBHOOK_FIELDS if part.get(key) is not None]
            if needed and not part.get("template"):
                findings.append(finding(m, f"{path}.{role}", f"{', '.join(needed)} reach the {role} pod only through the "
                                        "Spark operator's mutating webhook, which is not rendered (sparkOperator.webhook: "
                                        "false): the pod would run without them", Layer.RULE))
    return findings
