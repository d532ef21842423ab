"""What `diff`'s state-safety rules report (`manifests.state_safety` and the rule modules beside it): a `Finding`, of
one of two kinds (`Kind`): a certain loss, which fails `diff --fail-on-unsafe`, or a change to review."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from manifests.diff import Key
from upstream.argo_cd import NO_PRUNE, sync_options

Objects = dict[Key, dict[str, Any]]
"""Rendered objects keyed as `manifests.diff` keys them."""

NON_RESTORED_STATE = ("Flink drops, without an error, the state of every operator the job no longer has, or whose uid "
                      "changed: its keyed state, windows and timers, a removed source's offsets "
                      "(StateAssignmentOperation: \"Skipped checkpoint state for operator\")")
"""What a restore with `allowNonRestoredState` discards (Flink 1.20 `StateAssignmentOperation.
checkStateMappingCompleteness`: the state of an operator id the new job graph does not have is skipped, logged at
INFO, instead of failing the restore)."""


class Kind(Enum):
    """How sure a finding is, from the two renderings alone.

    - `LOSS` ("certain loss"): whatever the JAR holds and whatever the cluster's storage holds, the change loses state
      (a job starts from empty state, a savepoint's files are disposed of, a volume goes) or certainly fails where
      state is at stake (a restore Flink refuses, an update the operator or Kubernetes refuses, an upgrade that does
      not take effect). `diff --fail-on-unsafe` exits 3 on one.
    - `REVIEW` ("review"): the outcome depends on what the rendering does not show (the operators of a new JAR, whether
      an old directory stays readable, what a batch writes when it reruns), or the change is safe only when done the
      way the finding says. Printed for the reviewer; it does not fail the check.
    """

    LOSS = "certain loss"
    REVIEW = "review"


LOSS = Kind.LOSS
REVIEW = Kind.REVIEW


@dataclass(frozen=True)
class Finding:
    """One change that puts state at stake: the object (`key`, as `manifests.diff` keys it), the field (or
    `removed`), why, and its `Kind`."""

    key: Key
    field: str
    reason: str
    kind: Kind

    @property
    def certain(self) -> bool:
        """A certain loss (`Kind.LOSS`)."""
        return self.kind is Kind.LOSS

    @property
    def line(self) -> str:
        """`env Kind/namespace/name: field: reason` (the report groups lines by kind, so the line carries none)."""
        env, kind, namespace, name = self.key
        ref = "/".join(p for p in (kind, namespace, name) if p)
        return f"{env} {ref}: {self.field}: {self.reason}"


def few(fields: list[str]) -> str:
    """The first three of `fields`, comma-separated, with `and N more` for the rest."""
    return ", ".join(fields[:3]) + (f" and {len(fields) - 3} more" if len(fields) > 3 else "")


def kept_by_argo_cd(obj: dict[str, Any]) -> str:
    """The preamble of a removal finding for an object Argo CD does not prune (`Prune=false`); "" otherwise."""
    if NO_PRUNE in sync_options(obj.get("metadata", {}).get("annotations")):
        return ("Argo CD does not prune it (Prune=false), so it keeps running unmanaged until someone deletes it; "
                "then ")
    return ""


