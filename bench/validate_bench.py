"""Validation speed: the whole `local` environment, and 1,000 FlinkSessionJobs.

    .venv/bin/python bench/validate_bench.py [--runs N]

Each measurement is a fresh `python main.py validate ...` process (median of N; schemas already exported),
with and without kubeconform, and the budget (1,000 jobs within 1 s) with pass or fail. Timings are printed, never
asserted in tests.
"""

from __future__ import annotations

import argparse
import copy
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
BUDGET_S = 1.0
"""`validate` of 1,000 FlinkSessionJobs (with kubeconform) within 1 s (issue 22)."""


def wall(command: list[str]) -> float:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):
        raise SystemExit(f"{command} failed: {result.stderr}")
    return elapsed


def session_jobs(directory: Path, count: int) -> Path:
    """The local environment plus `count` FlinkSessionJobs on its session cluster, in `directory`."""
    for path in (ROOT / "dist" / "local").glob("*.k8s.yaml"):
        (directory / path.name).write_text(path.read_text())
    template = next(d for d in yaml.safe_load_all((ROOT / "dist" / "local" / "50-flink.k8s.yaml").read_text())
                    if d["kind"] == "FlinkSessionJob" and d["metadata"]["name"] == "bronze-ingest-event")
    jobs = []
    for index in range(count):
        job = copy.deepcopy(template)
        job["metadata"]["name"] = f"ingest-{index:04d}"
        jobs.append(job)
    target = directory / "70-jobs.k8s.yaml"
    target.write_text(yaml.safe_dump_all(jobs, sort_keys=False))
    return directory


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    subprocess.run([PY, "-c", "from manifests.validation.strict_schemas import export, default_dir; export(default_dir())"],
                   cwd=ROOT, check=True)
    with tempfile.TemporaryDirectory() as tmp:
        jobs_dir = session_jobs(Path(tmp), 1000)
        cases = {
            "validate local (no kubeconform)": [PY, "main.py", "validate", "--env", "local", "--no-kubeconform"],
            "validate local (with kubeconform)": [PY, "main.py", "validate", "--env", "local"],
            "1,000 FlinkSessionJobs (no kubeconform)": [PY, "main.py", "validate", "--no-kubeconform", str(jobs_dir)],
            "1,000 FlinkSessionJobs (with kubeconform)": [PY, "main.py", "validate", str(jobs_dir)],
        }
        samples: dict[str, list[float]] = {label: [] for label in cases}
        for _ in range(args.runs):
            for label, command in cases.items():
                samples[label].append(wall(command))
    print(f"{'measurement':44} {'wall s':>8}")
    for label, values in samples.items():
        print(f"{label:44} {statistics.median(values):8.2f}")
    jobs = statistics.median(samples["1,000 FlinkSessionJobs (with kubeconform)"])
    print(f"budget: validate of 1,000 jobs (with kubeconform) within {BUDGET_S:.0f} s: {jobs:.2f} s "
          f"{'pass' if jobs <= BUDGET_S else 'FAIL'}")
    print(f"\nmedian of {args.runs} interleaved runs; {os.cpu_count()} cores; {time.strftime('%Y-%m-%d')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
