"""The Polaris catalog model: catalogs, catalog roles with their privileges and grants to principal roles, and
principals with their principal roles (Polaris management API:
https://polaris.apache.org/in-dev/unreleased/polaris-management-service/). Value types of both the `polaris.setup`
section and the catalog-setup construct's props, with the one check that the model is closed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from config.loading import Problem, undeclared


@dataclass(frozen=True)
class CatalogSpec:
    """An INTERNAL Polaris catalog on S3: `base_path` inside the Iceberg bucket; `role_arn` for AWS S3."""

    name: str
    """Catalog name."""

    base_path: str
    """Path inside the Iceberg bucket for default-base-location (empty: the bucket root). Default: `""`."""

    role_arn: str | None
    """IAM role Polaris assumes for the catalog's storage (AWS S3); null for the in-cluster store. Default: `null`."""


@dataclass(frozen=True)
class CatalogRoleSpec:
    """A catalog role of `catalog` with catalog-level `privileges`, granted to `principal_roles`."""

    catalog: str
    """Catalog."""

    name: str
    """Catalog role name."""

    privileges: tuple[str, ...]
    """Catalog privileges (Polaris CatalogPrivilege). Default: `[]`."""

    principal_roles: tuple[str, ...]
    """Principal roles granted this catalog role. Default: `[]`."""


@dataclass(frozen=True)
class PrincipalSpec:
    """A principal and the principal roles assigned to it."""

    name: str
    """Principal name."""

    principal_roles: tuple[str, ...]
    """Principal roles assigned. Default: `[]`."""


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
