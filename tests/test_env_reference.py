"""Iceberg environment references: the form Iceberg resolves (`EnvironmentUtil.resolveAll`: prefix `env:`,
the rest is the variable name)."""

from __future__ import annotations

from charts.blocks.iceberg_catalog import CREDENTIAL_REFERENCE
from manifests.iceberg_env_reference import reference, referenced_variable


def test_reference_round_trip() -> None:
    assert reference("ICEBERG_CATALOG_CREDENTIAL") == "env:ICEBERG_CATALOG_CREDENTIAL" == CREDENTIAL_REFERENCE
    assert referenced_variable(CREDENTIAL_REFERENCE) == "ICEBERG_CATALOG_CREDENTIAL"


def test_only_the_prefixed_form_is_a_reference() -> None:
    assert referenced_variable("client:secret") is None
    assert referenced_variable("env:") is None
    assert referenced_variable("ENV:X") is None
    assert referenced_variable("$ICEBERG_CATALOG_CREDENTIAL") is None
