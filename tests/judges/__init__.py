"""The upstream judges in the test suite: real upstream programs, built from the package registries, that decide what
our own checks only claim (README "Upstream judges")."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import NoReturn

import pytest


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
