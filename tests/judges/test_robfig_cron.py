"""Our robfig/cron port (`upstream.cron.parse_standard`), which config and `validate` use for Spark schedules and
Karpenter budgets, against the real Go package (`tests/judges/robfig_cron.py`) on a few hundred generated specs:
the same specs accepted, the same error text for the others."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.judges import robfig_cron as judge
from upstream.cron import CronError, parse_standard

ATOMS = ("*", "*", "*", "?", "0", "0", "1", "2", "3", "5", "5", "7", "12", "23", "24", "31", "32", "59", "60", "-1", "+3", "jan", "DEC", "mon", "sun",
         "sat", "x", "", "L", "1#2", "15W")
DESCRIPTORS = ("@daily", "@hourly", "@yearly", "@annually", "@monthly", "@weekly", "@midnight", "@reboot", "@every 1h",
               "@every 1h30m", "@every 90", "@every 1.5h", "@every -5m", "@every 0", "@every 1d", "@every", "@every .5s",
               "@every 5.m", "@every .h", "@every 1h-2m", "@every 300ms", "@every 1us", "@every +2h", "@every 5 m", "@Daily")
ZONES = ("", "", "", "CRON_TZ=UTC ", "TZ=Europe/Stockholm ", "CRON_TZ=Europe/Stokholm ", "TZ=Local ", "CRON_TZ= ",
         "TZ=US/Pacific ")


def _field(rng: random.Random) -> str:
    """A cron field: `*`, a number or name, or (from ATOMS, valid or not) a list of ranges with optional steps."""
    if rng.random() < 0.85:
        return rng.choice(("*", "*/5", "0", "1", "3-5", "mon-fri", "jan", "1,15", "?"))
    parts = []
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        part = rng.choice(ATOMS)
        if rng.random() < 0.3:
            part += "-" + rng.choice(ATOMS)
        if rng.random() < 0.25:
            part += "/" + rng.choice(("0", "1", "2", "15", "60", "x", ""))
        parts.append(part)
    return ",".join(parts)


def specs(count: int = 400, seed: int = 20261207) -> list[str]:
    """`count` specs: mostly four to six generated fields, some descriptors, some with a time zone prefix."""
    rng = random.Random(seed)
    result = []
    for _ in range(count):
        if rng.random() < 0.15:
            body = rng.choice(DESCRIPTORS)
        else:
            body = " ".join(_field(rng) for _ in range(rng.choice((4, 5, 5, 5, 5, 6))))
        result.append(rng.choice(ZONES) + body)
    return result


@pytest.fixture(scope="module")
def binary() -> Path:
    return judge.JUDGE.binary()


def ours(spec: str) -> str | None:
    try:
        parse_standard(spec)
    except CronError as error:
        return str(error)
    return None


def test_our_port_accepts_and_refuses_what_robfig_cron_does(binary: Path) -> None:
    cases = [*specs(), "0 25 * * *", "0 0 0 * * ?", "1,,2 * * * *", "0 0 * * 7", "CRON_TZ=UTC 0 2 * * *"]
    theirs = judge.parse_standard(binary, cases)
    assert [(spec, ours(spec), answer) for spec, answer in zip(cases, theirs, strict=True)
            if ours(spec) != answer] == []
    accepted = sum(answer is None for answer in theirs)
    assert 40 <= accepted <= len(cases) - 40  # both answers are well represented
