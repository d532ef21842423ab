"""Props built from the config section whose fields have the same names (the typed settings groups)."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

Props = TypeVar("Props", bound="DataclassInstance")


def same_fields(props: type[Props], section: object) -> Props:
    """`props` built from the config `section` of the same field names (a config field props do not have, such as
    an `enabled` switch the mapping has already read, is left out)."""
    return props(**{f.name: getattr(section, f.name) for f in dataclasses.fields(props)})
