"""Iceberg's environment references: a catalog property value `env:NAME` stands for the environment variable NAME.

Iceberg's `RESTSessionCatalog.initialize` resolves every such value from the environment of the process that
builds the catalog, before it authenticates (`org.apache.iceberg.util.EnvironmentUtil.resolveAll`, Iceberg >= 0.14,
apache/iceberg#5018; Fluss 0.9 bundles Iceberg 1.10.1). A reference whose variable is unset is dropped, so the
catalog would then connect without a credential. This module has no cdk8s import: validation uses it too.
"""

from __future__ import annotations

PREFIX = "env:"


def reference(variable: str) -> str:
    """`env:<variable>`, the property value that Iceberg replaces with the variable's value."""
    return f"{PREFIX}{variable}"


def referenced_variable(value: str) -> str | None:
    """The variable an `env:NAME` value names, as Iceberg reads it (everything after the prefix), else None:
    `'env:X'` -> `'X'`; `'abc'`, `'env:'` -> None."""
    return value[len(PREFIX):] if value.startswith(PREFIX) and len(value) > len(PREFIX) else None
