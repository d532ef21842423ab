"""The API-server judge: how long it takes to build and to become ready (README "Upstream judges").

    .venv/bin/python bench/judges_bench.py [--runs N] [--cold]

- ready: etcd start to /health, kube-apiserver start to /readyz ok (the test fixture's start), median of N fresh
  pairs; the budget is 20 s.
- apply: one shipped environment (`local`) synced to a fresh API server as the judge tests do (dry run, apply,
  second apply), median of N.
- `--cold`: the first build of kube-apiserver and etcd with an empty Go build cache and an empty judges cache (temp
  folders; the Go module cache is kept, so downloads are not counted), as a new machine pays it once.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from manifests.judges import APISERVER_BUILD, CACHE_VARIABLE  # noqa: E402
from tests.judges.argo_sync import prepare, reapply, run_sync, sync_plan  # noqa: E402
from tests.judges.kube_apiserver import Etcd, KubeApiServer  # noqa: E402


def ready_times(runs: int) -> tuple[list[float], list[float], list[float]]:
    """(etcd ready s, kube-apiserver ready s, local environment synced s) of `runs` fresh pairs."""
    etcd_s, apiserver_s, sync_s = [], [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp, Etcd(Path(tmp)) as etcd:
            with KubeApiServer(Path(tmp), etcd) as server:
                etcd_s.append(etcd.ready_seconds)
                apiserver_s.append(server.ready_seconds)
                start = time.perf_counter()
                preinstalled, units = sync_plan(ROOT / "dist" / "local")
                prepare(server, "local", preinstalled)
                run = run_sync(server, units)
                reapply(server, run)
                sync_s.append(time.perf_counter() - start)
    return etcd_s, apiserver_s, sync_s


def cold_build() -> float:
    """Seconds of judges/apiserver/build.sh with empty build caches."""
    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as gocache:
        env = {**os.environ, CACHE_VARIABLE: cache, "GOCACHE": gocache}
        start = time.perf_counter()
        subprocess.run(["bash", str(APISERVER_BUILD)], env=env, check=True)
        return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cold", action="store_true", help="also time a cold build (minutes of both cores)")
    args = parser.parse_args()
    etcd_s, apiserver_s, sync_s = ready_times(args.runs)
    print(f"etcd ready            median {statistics.median(etcd_s):6.2f} s  {[round(s, 2) for s in etcd_s]}")
    print(f"kube-apiserver ready  median {statistics.median(apiserver_s):6.2f} s  {[round(s, 2) for s in apiserver_s]}")
    print(f"local: CRDs, sync, reapply median {statistics.median(sync_s):6.2f} s  {[round(s, 2) for s in sync_s]}")
    if args.cold:
        print(f"cold build            {cold_build():6.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
