"""Findings and the validation report (a stable, line-oriented format).

One line per finding, sorted by file, object and field:

    ERROR   schema     dist/local/50-flink.k8s.yaml  FlinkDeployment/flink/flink-session  spec.jobManager  <message>
    WARNING reference  a.yaml  Deployment/x/y  spec.template.spec.containers[0].env[1]  <message>

columns separated by two spaces: level, layer, file, object, field (`-` when none), message. A summary line
closes the report: `N errors, M warnings in K objects (F files)`.
Exit codes: 0 no error (warnings allowed), 1 at least one error, 2 the command could not run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from manifests.tree import object_name


class Level(StrEnum):
    """Severity: an ERROR fails validation; a WARNING is reported only."""

    ERROR = "ERROR"
    WARNING = "WARNING"


class Layer(StrEnum):
    """Which validation layer produced a finding."""

    SCHEMA = "schema"
    RULE = "rule"
    REFERENCE = "reference"
    KUBECONFORM = "kubeconform"


@dataclass(frozen=True)
class Manifest:
    """One object read from a file: `file` (as given) and `obj`."""

    file: str
    obj: dict[str, Any]

    @property
    def kind(self) -> str:
        return str(self.obj.get("kind", "?"))

    @property
    def namespace(self) -> str | None:
        value = self.obj.get("metadata", {}).get("namespace")
        return str(value) if value is not None else None

    @property
    def name(self) -> str:
        return str(self.obj.get("metadata", {}).get("name", "?"))

    @property
    def ref(self) -> str:
        """`Kind/namespace/name` (or `Kind/name` for cluster-scoped objects)."""
        return object_name(self.obj)


@dataclass(frozen=True, order=True)
class Finding:
    """One problem: where (file, object, field) and what (message), at a level, from a layer."""

    file: str
    object: str
    field: str
    message: str
    level: Level = Level.ERROR
    layer: Layer = Layer.RULE

    def line(self) -> str:
        """The report line of this finding."""
        return "  ".join([f"{self.level.value:7}", f"{self.layer.value:10}", self.file, self.object,
                          self.field or "-", self.message])


def finding(manifest: Manifest, path: str, message: str, layer: Layer, level: Level = Level.ERROR) -> Finding:
    """A finding about `manifest` at field `path`."""
    return Finding(manifest.file, manifest.ref, path, message, level, layer)


@dataclass
class Report:
    """All findings of one run, plus what was checked and any notes (e.g. kubeconform not run)."""

    findings: list[Finding] = field(default_factory=list)
    objects: int = 0
    files: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.level is Level.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.level is Level.WARNING)

    @property
    def exit_code(self) -> int:
        """0 without errors, 1 with."""
        return 1 if self.errors else 0

    def render(self) -> str:
        """The report text: sorted finding lines, notes, and the summary line."""
        lines = [f.line() for f in sorted(set(self.findings))]
        lines += [f"note: {note}" for note in self.notes]
        lines.append(f"{self.errors} errors, {self.warnings} warnings in {self.objects} objects ({self.files} files)")
        return "\n".join(lines) + "\n"
