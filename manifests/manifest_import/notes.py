"""What an import gives back: the config fragment and a note per input field it could not express."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Note:
    """What import could not express, replaced or added for one field of one input object: `where` (`kind/name`),
    `path` (the input field, dotted, list items by name: `spec.podTemplate.spec.volumes[logs]`) and `message`."""

    where: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.path}: {self.message}"

class Notes(list[Note]):
    """The notes of one import, added with `add`."""

    def add(self, where: str, path: str, message: str) -> None:
        """Note `message` on field `path` of object `where`."""
        self.append(Note(where, path, message))

@dataclass
class Imported:
    """The config fragment (`flink`, `spark`) and what import reports: `notes` (one per input field it could not
    express, replaced or added)."""

    flink: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    spark: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    notes: Notes = field(default_factory=Notes)

    def fragment(self) -> dict[str, Any]:
        """The config fragment: the `flink` and `spark` sections that hold anything."""
        return {key: value for key, value in (("flink", self.flink), ("spark", self.spark)) if value}
