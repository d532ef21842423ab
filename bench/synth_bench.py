"""Synth speed and memory, as a ratio to the import floor measured in the same run.

    .venv/bin/python bench/synth_bench.py [--runs N] [--counts 1000,5000] [--baseline DIR]

Measures (median of N cold runs, each a fresh process; peak RSS is the largest process of the run,
Python or the jsii Node.js child):
  floor        import cdk8s + cdk8s_plus_27 + the generated Flink and Spark bindings, nothing else
  breakdown    cdk8s + cdk8s_plus_27 alone; + Flink bindings; + Spark bindings
  synth        `python -O main.py --env local` (what `make synth ENV=local` runs after setup: -O skips the
               generated bindings' argument type checks, which never change the render)
  make synth   the make target itself: every shipped environment into dist/ (one process; setup checks included)
  scale        `local` plus N FlinkSessionJobs, plus N SparkApplications, for each N of `--counts` (default 1,000
               and 5,000): the per-object slope is (scale - synth local) / N, and equal slopes at 1,000 and 5,000
               mean linear growth; the 1,000 SparkApplications once more without -O (type checks on, as in
               tests), to show what the checks cost
Then each budget (docs/performance.md) with pass or fail: local within 1.3x the floor; 1,000 FlinkSessionJobs within
the floor + 1 s and 1,000 SparkApplications within the floor + 2 s; growth linear to 5,000 (the per-object cost at
5,000 at most 1.25x that at 1,000); peak memory at most 300 MiB.
With `--baseline DIR` (another checkout of the project, set up with `make setup`, e.g. a `git worktree` of main),
every synth runs there too, in the same rounds, and each is printed with its change against the baseline: a change's
effect, paired, on a noisy machine.
Timings are printed, never asserted in tests.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
ENV = {**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}

SYNTH = [PY, "-O", "main.py"]
IMPORTS = {
    "cdk8s + cdk8s_plus_27": "import cdk8s, cdk8s_plus_27",
    "+ Flink bindings": "import cdk8s, cdk8s_plus_27; import imports.flink.org.apache.flink",
    "floor (+ Spark bindings)": (
        "import cdk8s, cdk8s_plus_27; import imports.flink.org.apache.flink; import imports.io.k8s.sparkoperator"
    ),
}


def measure(command: list[str], cwd: Path = ROOT) -> tuple[float, float]:
    """(wall seconds, peak RSS MiB of the largest process) of one run of `command` in a fresh process in `cwd`."""
    wrapper = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter(); rc = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
        "wall = time.perf_counter() - t\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "print(wall, peak, rc)\n"
    )
    out = subprocess.run([PY, "-c", wrapper, *command], cwd=cwd, env=ENV, capture_output=True, text=True, check=True)
    wall, peak, rc = out.stdout.split()
    if rc != "0":
        raise SystemExit(f"{command} failed with exit code {rc}: {out.stderr.strip()[-2000:]}")
    return float(wall), float(peak)


def scaled_environments(directory: Path, counts: tuple[int, ...]) -> Path:
    """`<directory>` with `local.yaml` plus, for each `count` of `counts`, `jobs-<count>.yaml` (`count` further
    FlinkSessionJobs) and `apps-<count>.yaml` (`count` further SparkApplications), copies of local otherwise."""
    import yaml

    local = yaml.safe_load((ROOT / "environments" / "local.yaml").read_text())
    (directory / "local.yaml").write_text(yaml.safe_dump(local, sort_keys=False))
    for count in counts:
        for name, document in scaled(local, count).items():
            (directory / f"{name}.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    return directory


def scaled(local: dict[str, Any], count: int) -> dict[str, dict[str, Any]]:
    """`jobs-<count>` and `apps-<count>`: `local` with `count` further FlinkSessionJobs (on its session cluster),
    and with `count` further SparkApplications."""
    jobs = {**local, "environment": f"jobs-{count}", "flink": {**local.get("flink", {}), "jobs": [
        {"name": f"bench-job-{i}", "jarPath": "job-artifacts/generate-fake-data-0.1.0.jar",
         "args": ["--pipeline.name", f"bench-{i}", "--fluss.bootstrap.servers", "${fluss.bootstrapServers}"]}
        for i in range(count)]}}
    apps = {**local, "environment": f"apps-{count}", "spark": {**local.get("spark", {}), "applications": [
        {"name": f"bench-app-{i}", "type": "Python", "mainApplicationFile": "job-artifacts/ingest_campaign.py"}
        for i in range(count)]}}
    return {f"jobs-{count}": jobs, f"apps-{count}": apps}


LOCAL_RATIO = 1.3
ABOVE_FLOOR = {"FlinkSessionJobs": 1.0, "SparkApplications": 2.0}
"""Seconds above the floor that 1,000 objects of each kind may add."""
LINEAR = 1.25
PEAK_MIB = 300


def budgets(samples: dict[str, list[tuple[float, float]]], scale: dict[str, tuple[int, list[str]]],
            floor_label: str) -> list[str]:
    """One line per budget that `samples` (label -> (wall s, peak MiB) per round) measure, with its figure and `pass`
    or `FAIL`; wall figures are medians of per-round differences or ratios to the floor."""
    def median(label: str, of: Callable[[tuple[float, float], tuple[float, float]], float]) -> float:
        return float(statistics.median(of(v, f) for v, f in zip(samples[label], samples[floor_label], strict=True)))

    def verdict(ok: bool) -> str:
        return "pass" if ok else "FAIL"

    lines = []
    ratio = median("synth local (main.py)", lambda v, f: v[0] / f[0])
    lines.append(f"budget: synth local within {LOCAL_RATIO}x the floor: {ratio:.2f}x {verdict(ratio <= LOCAL_RATIO)}")
    slopes: dict[str, dict[int, float]] = {}
    for label, (count, _) in scale.items():
        if "type checks" in label:
            continue
        kind = label.split()[-1]
        above = median(label, lambda v, f: v[0] - f[0])
        local = statistics.median(v[0] for v in samples["synth local (main.py)"])
        slopes.setdefault(kind, {})[count] = (statistics.median(v[0] for v in samples[label]) - local) / count
        if count == 1000 and kind in ABOVE_FLOOR:
            lines.append(f"budget: 1,000 {kind} within floor + {ABOVE_FLOOR[kind]:.0f} s: floor + {above:.2f} s "
                         f"{verdict(above <= ABOVE_FLOOR[kind])}")
    for kind, by_count in slopes.items():
        if 1000 in by_count and 5000 in by_count:
            growth = by_count[5000] / by_count[1000] if by_count[1000] > 0 else float("inf")
            lines.append(f"budget: {kind} linear to 5,000 (per-object cost at 5,000 within {LINEAR}x that at 1,000): "
                         f"{growth:.2f}x {verdict(growth <= LINEAR)}")
    peak = max(p for label, values in samples.items() if not label.endswith("[baseline]") for _, p in values)
    lines.append(f"budget: peak memory at most {PEAK_MIB} MiB: {peak:.0f} MiB {verdict(peak <= PEAK_MIB)}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--counts", default="1000,5000", help="comma-separated numbers of added objects")
    parser.add_argument("--baseline", type=Path, help="another checkout to run every synth in too, paired")
    args = parser.parse_args()
    counts = tuple(int(count) for count in args.counts.split(","))
    with tempfile.TemporaryDirectory() as out, tempfile.TemporaryDirectory() as envs:
        directory = str(scaled_environments(Path(envs), counts))
        scale: dict[str, tuple[int, list[str]]] = {}
        for count in counts:
            scale[f"+ {count:,} FlinkSessionJobs"] = (count, [*SYNTH, "--env", f"jobs-{count}", "--outdir", out,
                                                              "--config-dir", directory])
            scale[f"+ {count:,} SparkApplications"] = (count, [*SYNTH, "--env", f"apps-{count}", "--outdir", out,
                                                               "--config-dir", directory])
        if 1000 in counts:
            scale["  1,000 apps, type checks on"] = (1000, [PY, "main.py", "--env", "apps-1000", "--outdir", out,
                                                           "--config-dir", directory])
        commands = {
            **{label: [PY, "-O", "-c", code] for label, code in IMPORTS.items()},
            "synth local (main.py)": [*SYNTH, "--env", "local", "--outdir", out],
            "make synth": ["make", "--no-print-directory", "synth"],
            **{label: command for label, (_, command) in scale.items()},
        }
        baseline = {} if args.baseline is None else {
            f"{label} [baseline]": [str(args.baseline / ".venv" / "bin" / "python"), *command[1:]]
            for label, command in commands.items() if command[0] == PY and "main.py" in command}
        # Interleaved rounds: every command once per round, so machine noise hits floor and synth alike.
        samples: dict[str, list[tuple[float, float]]] = {label: [] for label in {**commands, **baseline}}
        for _ in range(args.runs):
            for label, command in commands.items():
                samples[label].append(measure(command))
                if f"{label} [baseline]" in baseline:
                    samples[f"{label} [baseline]"].append(measure(baseline[f"{label} [baseline]"], args.baseline))
    floor_label = list(IMPORTS)[-1]
    width = max(map(len, samples))
    print(f"{'measurement':{width}} {'wall s':>8} {'x floor':>8} {'peak MiB':>9}")
    for label, values in samples.items():
        ratios = [v[0] / f[0] for v, f in zip(values, samples[floor_label], strict=True)]
        wall = statistics.median(v[0] for v in values)
        print(f"{label:{width}} {wall:8.2f} {statistics.median(ratios):8.2f} {max(v[1] for v in values):9.0f}")
    local = statistics.median(v[0] for v in samples["synth local (main.py)"])
    floor = statistics.median(v[0] for v in samples[floor_label])
    for label, (count, _) in scale.items():
        wall = statistics.median(v[0] for v in samples[label])
        print(f"{label.strip()}: floor + {wall - floor:.2f} s; "
              f"{(wall - local) * 1000 / count:.2f} ms per object above synth local")
    for line in budgets(samples, scale, floor_label):
        print(line)
    for label in (label for label in commands if f"{label} [baseline]" in samples):
        changes = [v[0] / b[0] - 1 for v, b in zip(samples[label], samples[f"{label} [baseline]"], strict=True)]
        print(f"{label.strip()}: {statistics.median(changes):+.0%} against the baseline (median of per-round changes)")
    print(f"\nmedian of {args.runs} interleaved rounds (ratio: median of per-round ratios); "
          f"{os.cpu_count()} cores; {time.strftime('%Y-%m-%d')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
