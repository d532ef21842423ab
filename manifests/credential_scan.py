"""Finds credential literals in rendered manifests (outside Secret objects).

A credential must reach a workload through a Secret reference. This scan flags literal values where
credentials usually hide: env vars whose name ends so (`*PASSWORD`, `*SECRET`, `*TOKEN`,
`*CREDENTIAL`, `*ACCESS_KEY`, `*SECRET_KEY`), keys of config files and properties with such names, program
arguments following such flags, and `user:password@` in URLs. Not literals: shell expansions (`$VAR`) and
Iceberg environment references (`env:NAME`, `manifests.iceberg_env_reference`).
"""

from __future__ import annotations

import re
from typing import Any

from manifests.iceberg_env_reference import referenced_variable
from manifests.tree import config_entries, object_name, walk

_SENSITIVE = re.compile(
    r"(^|[-_])(password|passwd|secret|token|credentials?|access[-_]?key|secret[-_]?key|private[-_]?key)$",
    re.IGNORECASE,
)
_URL_USERINFO = re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@", re.IGNORECASE)


def _sensitive_key(key: str) -> bool:
    """True when the last segment of a (dotted) key names a credential, e.g. `s3.secret-key`, `DB_PASSWORD`."""
    return bool(_SENSITIVE.search(key.rsplit(".", 1)[-1]))


def _literal(value: str) -> bool:
    """True for a non-empty value that is neither a shell expansion nor an Iceberg environment reference."""
    return bool(value) and "$" not in value and referenced_variable(value) is None


def scan(obj: dict[str, Any]) -> list[str]:
    """Findings for one object: `Kind/namespace/name: field: reason`. Secret objects are skipped."""
    if obj.get("kind") == "Secret":
        return []
    name = object_name(obj)
    findings: list[str] = []
    for path, node in walk(obj):
        if isinstance(node, dict) and "name" in node and "value" in node and isinstance(node.get("value"), str):
            if _sensitive_key(node["name"]) and node["value"]:
                findings.append(f"{name}: {path}: env {node['name']} has a literal value")
        if isinstance(node, list) and all(isinstance(item, str) for item in node):
            for index, item in enumerate(node[:-1]):
                if item.startswith("-") and _sensitive_key(item.lstrip("-").split("=")[0]) and _literal(node[index + 1]):
                    findings.append(f"{name}: {path}[{index + 1}]: argument after {item} is a literal")
        if isinstance(node, str):
            if _URL_USERINFO.search(node):
                findings.append(f"{name}: {path}: URL with user:password")
            file_name = path.removeprefix("data.") if path.startswith("data.") else None
            for key, value in config_entries(node, file_name):
                if _sensitive_key(key) and _literal(value):
                    findings.append(f"{name}: {path}: '{key}' set to a literal")
            if path.startswith("data.") or ".flinkConfiguration." in f".{path}" or ".sparkConf." in f".{path}":
                key = path.rsplit(".", 1)[-1]
                if _sensitive_key(key) and _literal(node):
                    findings.append(f"{name}: {path}: literal value")
    return findings
