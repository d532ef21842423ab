"""The Fluss judge's cost: its cold build and a warm run of its tests.

    .venv/bin/python bench/fluss_judge_bench.py [--cold] [--runs N]

`--cold` builds the judge into an empty cache with an empty Maven repository (`MAVEN_OPTS=-Dmaven.repo.local`), as
a fresh machine does: everything is downloaded (network needed). Warm: N runs of `pytest
tests/judges/test_fluss_boot.py` against the built judge (median, and the two tests' own durations). Timings are
printed, never asserted in tests.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def cold_build() -> float:
    """Seconds to build the judge from nothing (a temporary judge cache and Maven repository)."""
    with tempfile.TemporaryDirectory() as scratch:
        env = {**os.environ, "LAKEHOUSE_JUDGES_CACHE": f"{scratch}/judges",
               "MAVEN_OPTS": f"-Dmaven.repo.local={scratch}/m2"}
        start = time.perf_counter()
        subprocess.run([PY, "-m", "tests.judges.fluss_judge"], cwd=ROOT, env=env, check=True)
        return time.perf_counter() - start


def warm_run() -> tuple[float, dict[str, float]]:
    """Seconds of one pytest run of the judge's tests, and each test's call duration."""
    start = time.perf_counter()
    done = subprocess.run([PY, "-m", "pytest", "tests/judges/test_fluss_boot.py", "-q", "-p", "no:cacheprovider",
                           "--durations=0"], cwd=ROOT, capture_output=True, text=True, check=True)
    elapsed = time.perf_counter() - start
    calls = {name: float(seconds) for seconds, name in
             re.findall(r"^([\d.]+)s call\s+\S+::(\S+)$", done.stdout, re.MULTILINE)}
    return elapsed, calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cold", action="store_true", help="also build from an empty cache (network)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if args.cold:
        print(f"cold build: {cold_build():.1f} s")
    subprocess.run([PY, "-m", "tests.judges.fluss_judge"], cwd=ROOT, check=True, capture_output=True)
    runs = [warm_run() for _ in range(args.runs)]
    print(f"warm pytest run (median of {args.runs}): {statistics.median(r[0] for r in runs):.1f} s")
    for name in runs[0][1]:
        print(f"  {name}: {statistics.median(r[1].get(name, 0.0) for r in runs):.1f} s")


if __name__ == "__main__":
    main()
