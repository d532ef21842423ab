"""Cron schedules in robfig/cron v3.0.1's standard dialect, and IANA time zones as Go's `time.LoadLocation` reads
them: the one parser that config (at load) and `validate` (on rendered manifests) share.

Who reads this dialect:
- the Spark operator 2.5.2's controller reads a ScheduledSparkApplication's `spec.schedule` and `spec.timeZone` at
  reconcile time (kubeflow/spark-operator v2.5.2, `internal/controller/scheduledsparkapplication/controller.go`
  lines 136-168; its webhook does not look at either): a `timeZone` that `time.LoadLocation` does not know, or a
  schedule that `cron.ParseStandard` rejects (after the controller prefixed it with `CRON_TZ=<timeZone>`, `Local` by
  default), puts the application in state `FailedValidation`, and it never runs (`schedule_problem`);
- Karpenter 1.14.1 reads a disruption budget's `schedule` as `cron.ParseStandard("TZ=UTC " + schedule)`
  (kubernetes-sigs/karpenter v1.14.1, `pkg/apis/v1/nodepool.go` `Budget.IsActive`, line 416) after the CRD's pattern
  let it through (same file, line 143); a schedule the pattern takes but the parser refuses makes the budget fail
  with "invariant violated, invalid cron" at every disruption decision (`budget_schedule_problem`).

ParseStandard (`parser.go` at v3.0.1) accepts an optional `TZ=`/`CRON_TZ=` prefix, then either a descriptor
(`@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight`, `@hourly`, `@every <Go duration>`) or
exactly five fields (minute 0-59, hour 0-23, day of month 1-31, month 1-12 or `jan`-`dec`, day of week 0-6 or
`sun`-`sat`), each a comma-separated list of `*`, `?`, `N` or `N-M`, optionally followed by `/step`.

Why a port and not a library: the maintained Python cron parsers each accept what robfig refuses (measured with
croniter 7.0.0, cronsim 2.8 and cron-converter 2.0.2): croniter and cronsim take six fields (`0 0 * * * *`),
`L` and `#` (`0 0 L * *`, `0 0 * * 1#2`) and a day of week 7; cron-converter takes the day of week 7 too, while it
refuses `?`, every descriptor and `@every`; none reads `@every 1h30m`, and all refuse `1,,2 * * * *`, which robfig
accepts (it skips empty list entries). A library more lenient than the operator would let a schedule through that
never runs, so this module follows robfig's parser itself (`parse_standard`); a judge test compares it with the real
Go package (tests/judges/test_robfig_cron.py).

Time zones are looked up in the IANA database of the pinned `tzdata` package (requirements.txt), never the machine's,
so the answer is the same everywhere; the Spark operator's binary embeds Go's own copy (`_ "time/tzdata"`,
controller.go line 27), so it knows every IANA name, backward links included (`US/Pacific`).
"""

from __future__ import annotations

import difflib
import importlib.resources
import re
from functools import cache

_BOUNDS: tuple[tuple[int, int, dict[str, int]], ...] = (
    (0, 59, {}),
    (0, 23, {}),
    (1, 31, {}),
    (1, 12, {name: index + 1 for index, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))}),
    (0, 6, {name: index for index, name in enumerate(("sun", "mon", "tue", "wed", "thu", "fri", "sat"))}),
)
"""Minute, hour, day of month, month, day of week: (minimum, maximum, names) as in robfig/cron's `spec.go`."""
_DESCRIPTORS = frozenset({"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"})
_INT = re.compile(r"^[+-]?[0-9]+$")
_GO_UNITS = frozenset({"ns", "us", "µs", "μs", "ms", "s", "m", "h"})
_GO_DURATION_PART = re.compile(r"([0-9]*)(\.[0-9]*)?([^0-9.]*)")


_REFUSED = "the Spark operator's controller marks the application FailedValidation: no run starts"


class CronError(ValueError):
    """A schedule robfig/cron rejects; the message is its error."""


@cache
def known_zones() -> frozenset[str]:
    """Every IANA time zone name of the pinned `tzdata` package (its `zones` list: canonical zones and backward
    links)."""
    return frozenset(importlib.resources.files("tzdata").joinpath("zones").read_text().split())


def time_zone_problem(name: str) -> str | None:
    """Go's `time.LoadLocation` error for `name` (`unknown time zone X`), or None when it loads (`""` and `UTC`:
    UTC; `Local`: the process's zone; an IANA name)."""
    if name in ("", "UTC", "Local") or name in known_zones():
        return None
    return f"unknown time zone {name}"


def closest_zone(name: str) -> str | None:
    """The known time zone name closest to `name` (`Europe/Stockholm` for `Europe/Stokholm`), or None."""
    closest = difflib.get_close_matches(name, sorted(known_zones()), n=1, cutoff=0.6)
    return closest[0] if closest else None


def _int(text: str) -> int:
    if not _INT.fullmatch(text):
        raise CronError(f'failed to parse int from {text}: strconv.Atoi: parsing "{text}": invalid syntax')
    number = int(text)
    if number < 0:
        raise CronError(f"negative number ({number}) not allowed: {text}")
    return number


def _int_or_name(text: str, names: dict[str, int]) -> int:
    named = names.get(text.lower())
    return _int(text) if named is None else named


def _range(expr: str, low: int, high: int, names: dict[str, int]) -> None:
    range_and_step = expr.split("/")
    low_and_high = range_and_step[0].split("-")
    if low_and_high[0] in ("*", "?"):
        start, end = low, high
    else:
        start = _int_or_name(low_and_high[0], names)
        if len(low_and_high) == 1:
            end = start
        elif len(low_and_high) == 2:
            end = _int_or_name(low_and_high[1], names)
        else:
            raise CronError(f"too many hyphens: {expr}")
    step = 1
    if len(range_and_step) == 2:
        step = _int(range_and_step[1])
        if len(low_and_high) == 1:
            end = high
    elif len(range_and_step) > 2:
        raise CronError(f"too many slashes: {expr}")
    if start < low:
        raise CronError(f"beginning of range ({start}) below minimum ({low}): {expr}")
    if end > high:
        raise CronError(f"end of range ({end}) above maximum ({high}): {expr}")
    if start > end:
        raise CronError(f"beginning of range ({start}) beyond end of range ({end}): {expr}")
    if step == 0:
        raise CronError(f"step of range should be a positive number: {expr}")


def go_duration_problem(text: str) -> str | None:
    """Go's `time.ParseDuration` error for `text` (Go 1.24 `src/time/format.go`: an optional sign, then numbers each
    with a unit of ns, us, µs, ms, s, m or h; a bare `0`), or None. Overflow is not checked."""
    quoted = f'"{text}"'
    rest = text[1:] if text[:1] in ("+", "-") else text
    if rest == "0":
        return None
    if not rest:
        return f"time: invalid duration {quoted}"
    while rest:
        match = _GO_DURATION_PART.match(rest)
        assert match is not None  # every part of the pattern may be empty
        whole, fraction, unit = match.groups()
        if not whole and (fraction is None or fraction == "."):
            return f"time: invalid duration {quoted}"
        if not unit:
            return f"time: missing unit in duration {quoted}"
        if unit not in _GO_UNITS:
            return f'time: unknown unit "{unit}" in duration {quoted}'
        rest = rest[match.end():]
    return None


def parse_standard(spec: str) -> None:
    """Raise `CronError` where robfig/cron v3.0.1 `ParseStandard` returns an error for `spec`."""
    if not spec:
        raise CronError("empty spec string")
    if spec.startswith(("TZ=", "CRON_TZ=")):
        zone, space, rest = spec.partition(" ")
        zone = zone.split("=", 1)[1]
        if not space:  # robfig/cron slices up to the first space: without one it panics
            raise CronError(f"no schedule after the time zone: {spec}")
        problem = time_zone_problem(zone)
        if problem:
            raise CronError(f"provided bad location {zone}: {problem}")
        spec = rest.strip()
    if spec.startswith("@"):
        if spec in _DESCRIPTORS:
            return
        if spec.startswith("@every "):
            problem = go_duration_problem(spec[len("@every "):])
            if problem:
                raise CronError(f"failed to parse duration {spec}: {problem}")
            return
        raise CronError(f"unrecognized descriptor: {spec}")
    fields = spec.split()
    if len(fields) != len(_BOUNDS):
        raise CronError(f"expected exactly {len(_BOUNDS)} fields, found {len(fields)}: [{' '.join(fields)}]")
    for field, (low, high, names) in zip(fields, _BOUNDS, strict=True):
        for expr in (part for part in field.split(",") if part):
            _range(expr, low, high, names)


def schedule_problem(schedule: str, time_zone: str) -> tuple[str, str] | None:
    """(field, message) of what makes the Spark operator's controller refuse a ScheduledSparkApplication's
    `schedule` in `time_zone` (`spec.timeZone`, empty for `Local`), or None. An unknown zone's message names the
    closest known one."""
    if time_zone and (problem := time_zone_problem(time_zone)):
        closest = closest_zone(time_zone)
        hint = f"; did you mean '{closest}'?" if closest else ""
        return "spec.timeZone", f"Invalid timezone: {problem} ({_REFUSED}){hint}"
    if not schedule.startswith(("CRON_TZ=", "TZ=")):
        schedule = f"CRON_TZ={time_zone or 'Local'} {schedule}"
    try:
        parse_standard(schedule)
    except CronError as error:
        return "spec.schedule", f"{error} ({_REFUSED})"
    return None


def budget_schedule_problem(schedule: str) -> str | None:
    """Why Karpenter 1.14.1 cannot use `schedule`, which the NodePool CRD's pattern let through (the environment
    schema holds the same pattern), as a disruption budget's schedule: `cron.ParseStandard("TZ=UTC " + schedule)`
    refuses it, which Karpenter reports as "invariant violated, invalid cron" and then never applies the budget; or
    None. Karpenter's schedules are in UTC: a time zone prefix is refused."""
    if schedule.startswith(("TZ=", "CRON_TZ=")):
        return f"{schedule!r}: Karpenter's schedules are in UTC and take no time zone"
    try:
        parse_standard(f"TZ=UTC {schedule}")
    except CronError as error:
        return f"{schedule!r}: {error} (Karpenter's cron parser, robfig/cron v3, refuses it: the budget never applies)"
    return None
