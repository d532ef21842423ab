"""The example pull-request workflow (.github/workflows/rendered-diff.yml) runs a `diff` command line this CLI takes,
against the base branch, with the history and the least permissions it needs."""

from __future__ import annotations

import shlex
from pathlib import Path

import yaml

from cli.commands import parser

WORKFLOW = Path(__file__).resolve().parent.parent / ".github" / "workflows" / "rendered-diff.yml"


def test_the_workflow_runs_a_diff_this_cli_accepts() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text())
    assert workflow["permissions"] == {"contents": "read", "pull-requests": "write"}
    steps = workflow["jobs"]["diff"]["steps"]
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0  # the base ref must be in the clone
    diff_step = next(s for s in steps if s.get("id") == "diff")
    (command,) = [line for line in diff_step["run"].splitlines() if "main.py diff" in line]
    argv = shlex.split(command.split(">")[0])
    assert argv[:2] == [".venv/bin/python", "main.py"]
    args = parser().parse_args(argv[2:])
    assert (args.base, args.format, args.fail_on_unsafe) == ("$BASE", "markdown", True)
    assert diff_step["env"]["BASE"] == "origin/${{ github.base_ref }}"
