"""In-cluster addresses that job arguments may refer to by name, e.g. `${fluss.bootstrapServers}`.

The values come from the constructs that own the Services, so a job never types an address twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from config.loading import ConfigError

_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")


@dataclass(frozen=True)
class PlatformEndpoints:
    """Addresses of the platform's services: Fluss bootstrap servers, Polaris catalog URI and token endpoint."""

    fluss_bootstrap_servers: str
    polaris_catalog_uri: str
    polaris_token_endpoint: str

    def values(self) -> dict[str, str]:
        """Placeholder name -> address."""
        return {
            "fluss.bootstrapServers": self.fluss_bootstrap_servers,
            "polaris.catalogUri": self.polaris_catalog_uri,
            "polaris.tokenEndpoint": self.polaris_token_endpoint,
        }

    def substitute(self, text: str, *, where: str) -> str:
        """`text` with every `${name}` replaced.

        Raises:
            ConfigError: an unknown placeholder; the message names `where` (file and field) and the known names.
        """
        known = self.values()

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in known:
                raise ConfigError(
                    f"{where}: unknown placeholder '${{{name}}}' (expected one of: "
                    + ", ".join(f"${{{k}}}" for k in sorted(known)) + ")"
                )
            return known[name]

        return _PLACEHOLDER.sub(replace, text)
