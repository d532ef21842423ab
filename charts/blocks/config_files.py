"""Flat configuration files rendered into ConfigMaps: one `key<separator>value` line per setting.

Every configuration file the platform writes has this shape: Polaris' `application.properties` (Quarkus,
`key=value`), Fluss' `server.yaml`, the Flink operator's `flink-conf.yaml` and Flink's catalog store files
(flat YAML, `key: value`), and the operator's log4j2 `.properties` (`key = value`, as the upstream chart
writes them). Values are written as given, unquoted and unescaped: each is a plain scalar in its format.
`manifests.tree.config_entries` reads such lines back for `validate`.
"""

from __future__ import annotations

from collections.abc import Mapping

PROPERTIES = "="
"""Separator of Java/Quarkus `.properties` files."""
FLAT_YAML = ": "
"""Separator of flat YAML files (`server.yaml`, `flink-conf.yaml`, catalog store files)."""


def config_file(settings: Mapping[str, str | int], separator: str, *, sort_keys: bool = True) -> str:
    """`settings` as text, one `<key><separator><value>` line each, every line ending in a newline: sorted by
    key, or in the order of `settings` when `sort_keys` is False (to keep an upstream chart's order)."""
    keys = sorted(settings) if sort_keys else list(settings)
    return "".join(f"{key}{separator}{settings[key]}\n" for key in keys)
