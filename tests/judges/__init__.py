"""The upstream judges in the test suite: real upstream programs, built from the package registries, that decide what
our own checks only claim (README "Upstream judges")."""

from __future__ import annotations

import hashlib
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import pytest

from manifests.judges import JudgeError, failure_file
from manifests.judges import cache_dir as judges_cache


def judge_unavailable(reason: str) -> NoReturn:
    """Fail the test under `CI=true` (CI must run every judge), skip it elsewhere; both with `reason`."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"judge unavailable: {reason}", pytrace=False)
    pytest.skip(f"judge unavailable: {reason}")


ROOT = Path(__file__).resolve().parents[2]


def sources_digest(sources: Path, *extra_files: Path, salt: str = "") -> str:
    """SHA-256 (hex) of `salt`, every file under `sources` but Maven's `target/` output, and `extra_files`, each by
    its path relative to the repository and its bytes: a judge's build stamp, so it is rebuilt when its inputs
    change."""
    digest = hashlib.sha256(salt.encode())
    files = sorted(p for p in sources.rglob("*") if p.is_file() and "target" not in p.parts)
    for path in [*files, *extra_files]:
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class GoJudge:
    """A small Go judge program in `judges/<name>/`, whose go.mod pins the upstream module at `version`."""

    name: str
    version: str

    @property
    def sources(self) -> Path:
        """The program's folder, `judges/<name>/`."""
        return ROOT / "judges" / self.name

    def build(self) -> Path:
        """The binary `<name>`, built if missing or stale: `go build` into
        `${LAKEHOUSE_JUDGES_CACHE:-~/.cache/lakehouse-judges}/<name>-<version>/` (modules from the Go proxy, checked
        against the program's go.sum), rebuilt when the program's sources change (`.sources` holds their hash). A
        failed build leaves Go's own lines in `<name>-<version>.failed`.

        Raises:
            JudgeError: `go` is missing, the Go proxy refused a module, or the build failed (Go's last lines).
        """
        directory = judges_cache() / f"{self.name}-{self.version}"
        binary, stamp = directory / self.name, directory / ".sources"
        digest = sources_digest(self.sources)
        if os.access(binary, os.X_OK) and stamp.is_file() and stamp.read_text() == digest:
            return binary
        directory.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "GOFLAGS": "-mod=readonly -buildvcs=false -trimpath"}
        try:
            result = subprocess.run(["go", "build", "-o", str(binary), "."], cwd=self.sources, env=env,
                                    capture_output=True, text=True, check=False, timeout=600)
        except (OSError, subprocess.TimeoutExpired) as error:
            result = subprocess.CompletedProcess(["go"], 127, "", f"go build: {error}")
        if result.returncode != 0:
            reason = "\n".join((result.stderr.strip() or result.stdout.strip()).splitlines()[-15:])
            failure_file(directory).write_text(reason + "\n")
            raise JudgeError(f"go build of judges/{self.name} failed (exit {result.returncode}):\n{reason}")
        failure_file(directory).unlink(missing_ok=True)
        stamp.write_text(digest)
        return binary

    def binary(self) -> Path:
        """`build()` for a test: when it cannot be built the test fails under `CI=true` and is skipped elsewhere,
        with the reason (`judge_unavailable`)."""
        try:
            return self.build()
        except JudgeError as error:
            judge_unavailable(str(error))
