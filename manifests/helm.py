"""Helm packaging of rendered manifests: the text of a chart's templates and its `Chart.yaml`.

A Helm chart's `templates/` are Go templates: Helm executes every file before it parses the YAML, so a rendered
value that holds `{{` (e.g. a hostname template `{{name}}.example.com`) would be run as a template action
(`function "name" not defined`) unless escaped."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

_ESCAPED_OPEN = '{{ "{{" }}'
"""A template action whose output is the two characters `{{`. A closing `}}` outside an action is plain text."""

CHART_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
"""Helm's chart name rule (lowercase letters, digits and dashes; `helm lint` and `helm create` check it)."""


def escape_template_delimiters(text: str) -> str:
    """`text` with every `{{` replaced by a template action that outputs `{{`, so that Helm's template engine
    gives back `text` unchanged (`helm template` of the chart renders the same YAML)."""
    return text.replace("{{", _ESCAPED_OPEN)


def write_chart_metadata(chart_dir: Path, *, name: str, description: str) -> dict[str, object]:
    """Set `name` and `description` in `<chart_dir>/Chart.yaml` (the rest, e.g. `apiVersion` and `version`
    written by `cdk8s synth --format helm`, kept); returns the new content.

    Raises:
        FileNotFoundError: no `Chart.yaml` in `chart_dir`.
        ValueError: `name` is not a valid chart name (lowercase letters, digits, dashes).
    """
    if not CHART_NAME.match(name):
        raise ValueError(f"chart name {name!r}: lowercase letters, digits and dashes only")
    path = chart_dir / "Chart.yaml"
    chart = yaml.safe_load(path.read_text()) or {}
    chart.update(name=name, description=description)
    path.write_text(yaml.safe_dump(chart, sort_keys=False, width=1000))
    return dict(chart)
