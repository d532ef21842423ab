"""The judges' harness cleans up after itself: a process it starts (etcd, kube-apiserver) does not outlive a failed
or interrupted start, and a judge JVM that does not end when asked (`ValueJudge`) is killed. A Python sleeper stands
in for the process where the judge is not needed. The chart build's timeout is tested in test_apiserver.py, the Fluss
judge's own end in test_fluss_boot.py."""

from __future__ import annotations

import subprocess
import time
import uuid
from pathlib import Path

import pytest

from manifests.judges import JudgeError, built, kube_apiserver_dir
from tests.judges import judge_unavailable
from tests.judges.flink_options import ValueJudge
from tests.judges.kube_apiserver import Etcd, KubeApiServer, start_process
from tests.judges.processes import left_running, running, sleeper


def test_a_start_that_never_gets_ready_ends_its_process(tmp_path: Path) -> None:
    marker = f"judge-harness-{uuid.uuid4()}"
    with pytest.raises(RuntimeError, match=r"sleeper not ready after 0 s"):
        start_process(sleeper(marker), tmp_path / "sleeper.log", lambda: False, "sleeper", timeout=0.3)
    assert left_running(marker) == []


def test_a_start_interrupted_while_waiting_ends_its_process(tmp_path: Path) -> None:
    marker = f"judge-harness-{uuid.uuid4()}"

    def interrupted() -> bool:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        start_process(sleeper(marker), tmp_path / "sleeper.log", interrupted, "sleeper")
    assert left_running(marker) == []


def test_a_process_that_gets_ready_keeps_running(tmp_path: Path) -> None:
    """The counterpart: a successful start hands back the running process."""
    marker = f"judge-harness-{uuid.uuid4()}"
    process, _ = start_process(sleeper(marker), tmp_path / "sleeper.log", lambda: True, "sleeper")
    try:
        deadline = time.monotonic() + 10
        while not running(marker) and time.monotonic() < deadline:
            time.sleep(0.05)  # its command line reads empty until its exec is through
        assert running(marker) == [process.pid]
    finally:
        process.kill()
        process.wait()


def test_a_failed_etcd_or_kube_apiserver_start_leaves_no_process_behind(tmp_path: Path) -> None:
    """The real binaries (`make judge-apiserver`), given no time to get ready: each start fails, and neither leaves
    its process running (their command lines name the test's directory)."""
    try:
        built(kube_apiserver_dir(), "etcd", "kube-apiserver")
    except JudgeError as error:
        judge_unavailable(str(error))
    etcd = Etcd(tmp_path / "etcd", start_timeout=0)
    etcd.directory.mkdir()
    with pytest.raises(RuntimeError, match="etcd not ready after 0 s"):
        etcd.__enter__()
    apiserver = KubeApiServer(tmp_path / "apiserver", etcd, start_timeout=0)
    apiserver.directory.mkdir()
    with pytest.raises(RuntimeError, match="kube-apiserver not ready after 0 s"):
        apiserver.__enter__()
    assert left_running(str(tmp_path)) == []



def test_a_value_judge_whose_jvm_does_not_end_is_killed() -> None:
    """`ValueJudge.close` ends its input, then kills a process that does not end on it (a sleeper stands in for a hung
    JVM)."""
    marker = f"judge-harness-{uuid.uuid4()}"
    judge = ValueJudge.__new__(ValueJudge)
    judge._process = subprocess.Popen(sleeper(marker), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    judge.close(timeout=0.3)
    assert judge._process.returncode is not None
    assert left_running(marker) == []
