"""Secret references and dev-only Secrets.

Every credential the platform renders is a `SecretKeyRef` (a Secret name and key in the consumer's
namespace), never a literal in a ConfigMap, an argument or an env value. Where a Secret comes from is the
environment's choice (`secrets.*`): it exists before apply (only referenced), an External Secrets Operator
`ExternalSecret` makes it (`ExternalSecretSource`), or, in the local environment only, a dev-only Secret with
well-known values (`DevSecret`, labelled `lakehouse.dev/dev-only: "true"`) is rendered.
"""

from __future__ import annotations

from dataclasses import dataclass

import constructs
from cdk8s_plus_27 import k8s

from charts.blocks.custom_objects import custom_object
from charts.blocks.metadata import MANAGED_BY, PART_OF, Component, SyncWave, argo_annotations

DEV_ONLY_LABEL = "lakehouse.dev/dev-only"


@dataclass(frozen=True)
class SecretKeyRef:
    """One key of a Secret in the consumer's namespace."""

    name: str
    key: str


class ExternalSecretSource(constructs.Construct):
    """An External Secrets Operator `ExternalSecret` (external-secrets.io/v1) that makes the operator write
    Secret `name` in `namespace` with `keys`, each read from property `<key>` of remote key
    `<key_prefix>/<namespace>/<name>` in the configured store.
    https://external-secrets.io/latest/api/externalsecret/
    """

    def __init__(self, scope: constructs.Construct, id: str, *, name: str, namespace: str, keys: tuple[str, ...],
                 store_kind: str, store_name: str, key_prefix: str, refresh_interval: str):
        super().__init__(scope, id)
        custom_object(self, "Resource", api_version="external-secrets.io/v1", kind="ExternalSecret", name=name,
                      namespace=namespace, component=Component("external-secret", name, "v1", "secrets"),
                      wave=SyncWave.PREREQUISITES, spec={
                          "refreshInterval": refresh_interval,
                          "secretStoreRef": {"kind": store_kind, "name": store_name},
                          "target": {"name": name, "creationPolicy": "Owner"},
                          "data": [{"secretKey": key, "remoteRef": {"key": f"{key_prefix}/{namespace}/{name}",
                                                                     "property": key}} for key in keys],
                      })


class DevSecret(constructs.Construct):
    """A dev-only Opaque Secret with fixed, well-known values, for laptop clusters only.

    Rendered in the prerequisites sync wave, before any workload that reads it. Never use for a shared cluster: the
    values are in git. Props: `name`, `namespace`, `values` (key -> non-secret dev value).
    """

    def __init__(self, scope: constructs.Construct, id: str, *, name: str, namespace: str, values: dict[str, str]):
        super().__init__(scope, id)
        k8s.KubeSecret(
            self,
            "Resource",
            metadata=k8s.ObjectMeta(
                name=name,
                namespace=namespace,
                labels={DEV_ONLY_LABEL: "true", "app.kubernetes.io/part-of": PART_OF,
                        "app.kubernetes.io/managed-by": MANAGED_BY},
                annotations=argo_annotations(
                    SyncWave.PREREQUISITES,
                    extra={"lakehouse.dev/description": "dev-only credentials with well-known values; never for a shared cluster"},
                ),
            ),
            type="Opaque",
            string_data=dict(sorted(values.items())),
        )
