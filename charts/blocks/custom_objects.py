"""Small custom resources rendered without generated bindings (Argo CD Application, cert-manager Issuer and
Certificate, External Secrets Operator ExternalSecret): their fields are few and every rendered object is validated against the pinned CRD's strict
schema (`make validate`, `tests/test_schemas.py`); generating bindings for them would add import time to
every synth for a handful of fields."""

from __future__ import annotations

from typing import Any

import cdk8s
import constructs

from charts.blocks.metadata import Component, api_object_meta
from upstream.argo_cd import ARGO_CD_GROUP


def custom_object(scope: constructs.Construct, id: str, *, api_version: str, kind: str, name: str,
                  namespace: str | None, component: Component, wave: int, spec: dict[str, Any],
                  annotations: dict[str, str] | None = None) -> cdk8s.ApiObject:
    """An ApiObject with `spec` (plain data, camelCase as in the CRD) in `namespace` (None: a cluster-scoped kind) and
    sync `wave` (a `SyncWave`, or an Application's file number); every kind but Argo CD's own skips the first sync's
    dry run (`api_object_meta`)."""
    argo_cd_kind = api_version.startswith(f"{ARGO_CD_GROUP}/")
    meta = api_object_meta(name, namespace, component, wave, crd_from_elsewhere=not argo_cd_kind,
                           extra_annotations=annotations)
    obj = cdk8s.ApiObject(scope, id, api_version=api_version, kind=kind, metadata=meta)
    obj.add_json_patch(cdk8s.JsonPatch.add("/spec", spec))
    return obj
