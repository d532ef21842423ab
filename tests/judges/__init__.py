"""The upstream judges in the test suite: real upstream programs, built from the package registries, that decide what
our own checks only claim (README "Upstream judges")."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def judge_unavailable(reason: str) -> NoReturn:
    """Fail the test under `CI=true` (CI must run every judge), skip it elsewhere; both with `reason`."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"judge unavailable: {reason}", pytrace=False)
    pytest.skip(f"judge unavailable: {reason}")
