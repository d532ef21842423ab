"""The robfig/cron judge: `judges/robfig-cron` (a tiny Go program) calls robfig/cron v3.0.1's `cron.ParseStandard`,
the parser the Spark operator 2.5.2 and Karpenter 1.14.1 use, on one spec per line.

Build (once per machine): `go build` into `${LAKEHOUSE_JUDGES_CACHE:-~/.cache/lakehouse-judges}/robfig-cron-v3.0.1/`
(modules from the Go proxy, checked against judges/robfig-cron/go.sum), rebuilt when the program's sources change
(`.sources` holds their hash). A failed build raises `JudgeError` with Go's own lines and leaves them in
`robfig-cron-v3.0.1.failed`.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.judges import GoJudge

VERSION = "v3.0.1"
"""robfig/cron's version in judges/robfig-cron/go.mod, the Spark operator's and Karpenter's (their go.mod)."""
JUDGE = GoJudge("robfig-cron", VERSION)
"""The program (`tests.judges.GoJudge`: `JUDGE.build()`, or `JUDGE.binary()` in a test)."""


def parse_standard(binary: Path, specs: list[str]) -> list[str | None]:
    """For each of `specs` (no newlines), None when robfig/cron accepts it, else its error text."""
    result = subprocess.run([str(binary)], input="".join(f"{spec}\n" for spec in specs), capture_output=True,
                            text=True, check=True, timeout=120)
    lines = result.stdout.splitlines()
    assert len(lines) == len(specs), result.stderr
    return [None if line == "ok" else line.removeprefix("error ") for line in lines]
