"""What `diff`'s state-safety rules report (`manifests.state_safety` and the rule modules beside it): a `Finding`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from manifests.argo_cd import NO_PRUNE, sync_options
from manifests.diff import Key

Objects = dict[Key, dict[str, Any]]
"""Rendered objects keyed as `manifests.diff` keys them."""

NON_RESTORED_STATE = ("Flink drops, without an error, the state of every operator the job no longer has, or whose uid "
                      "changed: its keyed state, windows and timers, a removed source's offsets "
                      "(StateAssignmentOperation: \"Skipped checkpoint state for operator\")")
"""What a restore with `allowNonRestoredState` discards (Flink 1.20 `StateAssignmentOperation.
checkStateMappingCompleteness`: the state of an operator id the new job graph does not have is skipped, logged at
INFO, instead of failing the restore)."""


@dataclass(frozen=True)
class Finding:
    """One state-unsafe change: the object, the field (or `removed`), why; `warning` when it may be harmless."""

    key: Key
    field: str
    reason: str
    warning: bool = False

    @property
    def line(self) -> str:
        """`env Kind/namespace/name: field: reason` (`warning: ` before the reason of a warning)."""
        env, kind, namespace, name = self.key
        ref = "/".join(p for p in (kind, namespace, name) if p)
        return f"{env} {ref}: {self.field}: {'warning: ' if self.warning else ''}{self.reason}"


def few(fields: list[str]) -> str:
    """The first three of `fields`, comma-separated, with `and N more` for the rest."""
    return ", ".join(fields[:3]) + (f" and {len(fields) - 3} more" if len(fields) > 3 else "")


def kept_by_argo_cd(obj: dict[str, Any]) -> str:
    """The preamble of a removal finding for an object Argo CD does not prune (`Prune=false`); "" otherwise."""
    if NO_PRUNE in sync_options(obj.get("metadata", {}).get("annotations")):
        return ("Argo CD does not prune it (Prune=false), so it keeps running unmanaged until someone deletes it; "
                "then ")
    return ""


