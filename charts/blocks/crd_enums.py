"""Members of the enums that `cdk8s import` generates for CRD fields, found by the CRD's own value.

`cdk8s import` names an enum member after its value: `_` spelled `_UNDERSCORE_`, `-` spelled `_HYPHEN_`, a
camel-case hump split with `_`, then upper-cased (`v1_20` is `V1_UNDERSCORE_20`, `last-state` is `LAST_HYPHEN_STATE`,
`FlinkDeployment` is `FLINK_DEPLOYMENT`), and jsii writes the original value when it renders. This is the one place
that knows the spelling.
"""

from __future__ import annotations

import enum
import re
from typing import TypeVar

E = TypeVar("E", bound=enum.Enum)

_SPELLING = (("_", "_UNDERSCORE_"), ("-", "_HYPHEN_"))


def member(enum_type: type[E], value: str) -> E:
    """The member of the generated `enum_type` whose CRD value is `value` (e.g. `v1_20`, `savepoint`, `Python`).

    Raises:
        ValueError: `value` is not one of the CRD's values; the message lists them (in the generated spelling,
            de-escaped and lower-cased).
    """
    name = value
    for character, spelled in _SPELLING:
        name = name.replace(character, spelled)
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).upper()
    try:
        return enum_type[name]
    except KeyError:
        known = ", ".join(crd_value(m) for m in enum_type)
        raise ValueError(f"{value!r} is not a value of {enum_type.__name__} (expected one of: {known})") from None


def crd_value(item: enum.Enum) -> str:
    """The CRD value of a generated enum member, lower-cased (`V1_UNDERSCORE_20` is `v1_20`)."""
    name = item.name
    for character, spelled in _SPELLING:
        name = name.replace(spelled, character)
    return name.lower()
