"""The Polaris catalog model: catalogs, catalog roles with their privileges and grants to principal roles, and
principals with their principal roles (Polaris management API:
https://polaris.apache.org/in-dev/unreleased/polaris-management-service/). Value types of both the `polaris.setup`
section and the catalog-setup construct's props, with the one check that the model is closed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from config.declaration import section, setting
from config.loading import Problem, undeclared


@section
class CatalogSpec:
    """An INTERNAL Polaris catalog on S3: `base_path` inside the Iceberg bucket; `role_arn` for AWS S3."""

    SCHEMA: ClassVar[Mapping[str, Any]] = {"description": "A catalog."}

    name: str = setting(
        pattern="^[A-Za-z0-9_-]{1,256}$", error="is not a Polaris entity name (letters, digits, '_' and '-')")
    """Catalog name."""

    base_path: str = setting("")
    """Path inside the Iceberg bucket for default-base-location (empty: the bucket root)."""

    role_arn: str | None = setting(None)
    """IAM role Polaris assumes for the catalog's storage (AWS S3); null for the in-cluster store."""


@section
class CatalogRoleSpec:
    """A catalog role of `catalog` with catalog-level `privileges`, granted to `principal_roles`."""

    SCHEMA: ClassVar[Mapping[str, Any]] = {"description": "A catalog role."}

    catalog: str = setting(
        pattern="^[A-Za-z0-9_-]{1,256}$", error="is not a Polaris entity name (letters, digits, '_' and '-')")
    """Catalog."""

    name: str = setting(
        pattern="^[A-Za-z0-9_-]{1,256}$", error="is not a Polaris entity name (letters, digits, '_' and '-')")
    """Catalog role name."""

    privileges: tuple[str, ...] = setting(
        [],
        items={"type": "string", "enum": ["CATALOG_MANAGE_ACCESS", "CATALOG_MANAGE_CONTENT", "CATALOG_MANAGE_METADATA", "CATALOG_READ_PROPERTIES", "CATALOG_WRITE_PROPERTIES", "NAMESPACE_CREATE", "TABLE_CREATE", "VIEW_CREATE", "NAMESPACE_DROP", "TABLE_DROP", "VIEW_DROP", "NAMESPACE_LIST", "TABLE_LIST", "VIEW_LIST", "NAMESPACE_READ_PROPERTIES", "TABLE_READ_PROPERTIES", "VIEW_READ_PROPERTIES", "NAMESPACE_WRITE_PROPERTIES", "TABLE_WRITE_PROPERTIES", "VIEW_WRITE_PROPERTIES", "TABLE_READ_DATA", "TABLE_WRITE_DATA", "NAMESPACE_FULL_METADATA", "TABLE_FULL_METADATA", "VIEW_FULL_METADATA"], "description": "A privilege."})
    """Catalog privileges (Polaris CatalogPrivilege)."""

    principal_roles: tuple[str, ...] = setting(
        [],
        items={"type": "string", "pattern": "^[A-Za-z0-9_-]{1,256}$", "x-error": "is not a Polaris entity name (letters, digits, '_' and '-')", "description": "A principal role name."})
    """Principal roles granted this catalog role."""


@section
class PrincipalSpec:
    """A principal and the principal roles assigned to it."""

    SCHEMA: ClassVar[Mapping[str, Any]] = {"description": "A principal."}

    name: str = setting(
        pattern="^[A-Za-z0-9_-]{1,256}$", error="is not a Polaris entity name (letters, digits, '_' and '-')")
    """Principal name."""

    principal_roles: tuple[str, ...] = setting(
        [],
        items={"type": "string", "pattern": "^[A-Za-z0-9_-]{1,256}$", "x-error": "is not a Polaris entity name (letters, digits, '_' and '-')", "description": "A principal role name."})
    """Principal roles assigned."""


def catalog_model_problems(catalogs: tuple[CatalogSpec, ...], principal_roles: tuple[str, ...],
                           catalog_roles: tuple[CatalogRoleSpec, ...], principals: tuple[PrincipalSpec, ...],
                           consumer_principal: str, *, prefix: str = "") -> Iterator[Problem]:
    """The model is closed: every catalog, principal role and principal it refers to is declared in it (else the
    catalog setup fails against Polaris, or writes no client credential). Paths start with `prefix`."""
    known_catalogs = {c.name for c in catalogs}
    unknown_role = f"unknown principal role '{{name}}' (declare it in {prefix}principalRoles)"
    for i, role in enumerate(catalog_roles):
        if role.catalog not in known_catalogs:
            yield Problem(f"{prefix}catalogRoles[{i}].catalog", f"unknown catalog '{role.catalog}'")
        yield from undeclared(f"{prefix}catalogRoles[{i}].principalRoles", role.principal_roles,
                              set(principal_roles), unknown_role)
    for i, principal in enumerate(principals):
        yield from undeclared(f"{prefix}principals[{i}].principalRoles", principal.principal_roles,
                              set(principal_roles), unknown_role)
    if consumer_principal not in {p.name for p in principals}:
        yield Problem(f"{prefix}consumerPrincipal", f"'{consumer_principal}' is not one of {prefix}principals")
