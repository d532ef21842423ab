"""How the state-gate tests read findings: each with its kind, so that every assertion checks the classification."""

from __future__ import annotations

from collections.abc import Iterable

from manifests.state_finding import Finding


def labelled(findings: Iterable[Finding]) -> list[str]:
    """Each finding as `kind: line`, e.g. `review: prod FlinkDeployment/flink/x: spec.job.jarURI: ...`."""
    return [f"{finding.kind.value}: {finding.line}" for finding in findings]
