"""Layer 3 and 4 schemas, exported as standalone JSON files in kubeconform's directory layout.

`export(out_dir, version)` writes:
- `<out>/v<version>-standalone-strict/<kind>-<group>-<version>.json`: the Kubernetes schemas shipped by
  `kubernetes-validate` (`-local-strict`, unknown fields rejected), each made standalone by inlining the
  `$defs` it references (kubeconform cannot follow the shared `_definitions.json`);
- `<out>/<group>/<kind>_<version>.json`: the pinned CRDs' `openAPIV3Schema`, made strict
  (`manifests.crd_schemas.strict_crd_schema`), the CRDs-catalog layout.

A user's CI then runs kubeconform offline with the same schemas (README, "Validation"):

    kubeconform -strict -summary -kubernetes-version 1.33.0 \\
      -schema-location '<out>/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json' \\
      -schema-location '<out>/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json' dist/local/

`SchemaStore` validates objects with the exported files (one compiled validator per kind, cached).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate

from manifests.crd_schemas import KUBERNETES_VERSION, pinned_crd_schemas
from manifests.tree import field_path
from upstream.crd_pins import PINS

_REF = re.compile(r"^(?:/api/_definitions\.json)?#/\$defs/(.+)$")
STAMP = ".export-stamp"


class SchemaVersionError(ValueError):
    """A Kubernetes version for which no schemas ship with `kubernetes-validate`."""


def supported_kubernetes_versions() -> list[str]:
    """The Kubernetes versions whose strict schemas ship with `kubernetes-validate`, e.g. `['1.25.0', ...]`."""
    root = Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema"
    names = (p.name.removeprefix("v").removesuffix("-local-strict") for p in root.glob("v*-local-strict"))
    return sorted(names, key=lambda v: tuple(int(part) for part in v.split(".")))


def kubernetes_version(requested: str) -> str:
    """`requested` as a supported full version: `1.30`, `v1.30` and `1.30.0` all give `1.30.0`.

    Raises:
        SchemaVersionError: no schemas for that version; the message lists the supported ones.
    """
    version = requested.removeprefix("v")
    if version.count(".") == 1:
        version += ".0"
    supported = supported_kubernetes_versions()
    if version not in supported:
        raise SchemaVersionError(f"--kubernetes-version {requested}: no schemas for that version (supported: "
                                 f"{', '.join(v.removesuffix('.0') for v in supported)})")
    return version


def core_schema_dir(version: str) -> Path:
    """kubernetes-validate's strict, non-standalone schemas for `version` (e.g. `1.33.0`)."""
    return Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema" / f"v{version}-local-strict"


def core_file_name(api_version: str, kind: str) -> str:
    """`deployment-apps-v1.json` for `apps/v1` `Deployment` (kubeconform's `ResourceKind` + `KindSuffix`)."""
    group, _, version = api_version.rpartition("/")
    suffix = f"-{group.split('.')[0]}" if group else ""
    return f"{kind.lower()}{suffix}-{version}.json"


def crd_file_name(api_version: str, kind: str) -> str:
    """`<group>/<kind>_<version>.json` (the CRDs-catalog layout kubeconform reads)."""
    group, _, version = api_version.rpartition("/")
    return f"{group}/{kind.lower()}_{version}.json"


def _stamp(version: str) -> str:
    pins = "".join(sorted(p.sha256 for p in PINS.values()))
    return hashlib.sha256(f"{version} {kubernetes_validate.__version__} {pins} 3".encode()).hexdigest()


def _inline(schema: dict[str, Any], definitions: dict[str, Any]) -> dict[str, Any]:
    """A standalone copy of `schema` with the `$defs` it needs, refs rewritten to `#/$defs/<name>`."""
    needed: dict[str, Any] = {}

    def rewrite(node: Any) -> Any:
        if isinstance(node, dict):
            result = {}
            for key, value in node.items():
                if key == "$ref" and isinstance(value, str) and (match := _REF.fullmatch(value)):
                    name = match.group(1)
                    if name not in needed:
                        needed[name] = None
                        needed[name] = rewrite(definitions[name])
                    result[key] = f"#/$defs/{name}"
                else:
                    result[key] = rewrite(value)
            return result
        if isinstance(node, list):
            return [rewrite(item) for item in node]
        return node

    standalone: dict[str, Any] = rewrite(schema)
    standalone.pop("$id", None)
    standalone["$defs"] = dict(sorted(needed.items()))
    return standalone


def export(out_dir: Path, version: str = KUBERNETES_VERSION) -> Path:
    """Write the standalone core and CRD schemas under `out_dir` (skipped when already current)."""
    stamp = out_dir / STAMP
    if stamp.is_file() and stamp.read_text() == _stamp(version):
        return out_dir
    source = core_schema_dir(version)
    definitions = json.loads((source / "_definitions.json").read_text())["$defs"]
    core_out = out_dir / f"v{version}-standalone-strict"
    core_out.mkdir(parents=True, exist_ok=True)
    for definition in definitions.values():
        for gvk in definition.get("x-kubernetes-group-version-kind", []):
            api_version = f"{gvk['group']}/{gvk['version']}" if gvk["group"] else gvk["version"]
            name = core_file_name(api_version, gvk["kind"])
            path = source / name
            if path.is_file():
                schema = _inline(json.loads(path.read_text()), definitions)
                (core_out / name).write_text(json.dumps(schema, separators=(",", ":"), sort_keys=True))
    for api_version, kind, schema in pinned_crd_schemas():
        target = out_dir / crd_file_name(api_version, kind)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(schema, separators=(",", ":"), sort_keys=True))
    stamp.write_text(_stamp(version))
    return out_dir


def default_dir(version: str = KUBERNETES_VERSION) -> Path:
    """Where schemas are exported: `$SCHEMA_DIR`, else `build/schemas` in the repository."""
    from config import ROOT

    return Path(os.environ.get("SCHEMA_DIR", ROOT / "build" / "schemas"))


class SchemaStore:
    """Strict validators for core objects and custom resources, from an exported schema directory."""

    def __init__(self, directory: Path, version: str = KUBERNETES_VERSION):
        self.directory = export(directory, version)
        self.version = version

    @cache  # noqa: B019 (one store per run; caching per kind is the point)
    def validator(self, api_version: str, kind: str) -> jsonschema.protocols.Validator | None:
        """The compiled validator for `apiVersion`/`kind`, or None when no schema is known."""
        for path in (self.directory / f"v{self.version}-standalone-strict" / core_file_name(api_version, kind),
                     self.directory / crd_file_name(api_version, kind)):
            if path.is_file():
                schema = json.loads(path.read_text())
                cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
                validator: jsonschema.protocols.Validator = cls(schema)
                return validator
        return None

    def errors(self, obj: dict[str, Any]) -> list[tuple[str, str]] | None:
        """(field path, message) for each schema violation of `obj`; None when there is no schema for it."""
        validator = self.validator(str(obj.get("apiVersion", "")), str(obj.get("kind", "")))
        if validator is None:
            return None
        found = sorted(validator.iter_errors(obj), key=lambda e: [str(p) for p in e.absolute_path])
        return [(field_path(error.absolute_path), _message(error)) for error in found]


def _message(error: jsonschema.ValidationError) -> str:
    message = error.message
    return message if len(message) <= 300 else message[:297] + "..."
