"""In-cluster addresses that job arguments may refer to by name, e.g. `${fluss.bootstrapServers}`.

The values come from the constructs that own the Services, so a job never types an address twice.
"""

from __future__ import annotations

from dataclasses import dataclass

from config.common import JOB_ARGUMENT_PLACEHOLDERS, PLACEHOLDER, unknown_placeholders


@dataclass(frozen=True)
class PlatformEndpoints:
    """Addresses of the platform's services: Fluss bootstrap servers, Polaris catalog URI and token endpoint."""

    fluss_bootstrap_servers: str
    polaris_catalog_uri: str
    polaris_token_endpoint: str

    def values(self) -> dict[str, str]:
        """Placeholder name (`config.common.JOB_ARGUMENT_PLACEHOLDERS`) -> address."""
        values = {
            "fluss.bootstrapServers": self.fluss_bootstrap_servers,
            "polaris.catalogUri": self.polaris_catalog_uri,
            "polaris.tokenEndpoint": self.polaris_token_endpoint,
        }
        assert set(values) == set(JOB_ARGUMENT_PLACEHOLDERS)
        return values

    def substitute(self, text: str) -> str:
        """`text` with every `${name}` replaced by its address.

        Raises:
            ValueError: an unknown placeholder (the configuration checks report those against the environment file,
                `config.flink.SessionJobConfig.problems`, before anything is built).
        """
        unknown = unknown_placeholders(text)
        if unknown:
            raise ValueError(f"unknown placeholders in {text!r}: {', '.join(unknown)}")
        known = self.values()
        return PLACEHOLDER.sub(lambda match: known[match.group(1)], text)
