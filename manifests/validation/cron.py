"""The schedule of a ScheduledSparkApplication, checked as the Spark operator's controller reads it.

The Spark operator 2.5.2 webhook does not look at `spec.schedule` or `spec.timeZone`; its controller does, at
reconcile time (`internal/controller/scheduledsparkapplication/controller.go`): a `timeZone` that
`time.LoadLocation` does not know, or a schedule that robfig/cron v3.0.1 `ParseStandard` rejects (after the
controller prefixed it with `CRON_TZ=<timeZone>`, `Local` by default), puts the application in state
`FailedValidation`, and it never runs. `schedule_problem` repeats both checks, with the controller's messages.

ParseStandard (`parser.go` at v3.0.1) accepts an optional `TZ=`/`CRON_TZ=` prefix, then either a descriptor
(`@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight`, `@hourly`, `@every <Go duration>`) or
exactly five fields (minute 0-59, hour 0-23, day of month 1-31, month 1-12 or `jan`-`dec`, day of week 0-6 or
`sun`-`sat`), each a comma-separated list of `*`, `?`, `N` or `N-M`, optionally followed by `/step`.
Time zones are looked up in Python's tz database (`zoneinfo`); without one (no system tzdata) they are not checked.
"""

from __future__ import annotations

import re
import zoneinfo
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
_NUMBER = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$")
_GO_DURATION = re.compile(r"^[+-]?(0|(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$")


_REFUSED = "the Spark operator's controller marks the application FailedValidation: no run starts"


class CronError(ValueError):
    """A schedule robfig/cron rejects; the message is its error."""


@cache
def _known_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def time_zone_problem(name: str) -> str | None:
    """Go's `time.LoadLocation` error for `name` (`unknown time zone X`), or None when it loads (`""`, `UTC`,
    `Local`, an IANA name) or when no tz database is available to tell."""
    if name in ("", "UTC", "Local") or not _known_zones() or name in _known_zones():
        return None
    return f"unknown time zone {name}"


def _int(text: str) -> int:
    if not _INT.match(text):
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
            duration = spec[len("@every "):]
            if not _GO_DURATION.match(duration):
                reason = "missing unit in duration" if _NUMBER.match(duration) else "invalid duration"
                raise CronError(f'failed to parse duration {spec}: time: {reason} "{duration}"')
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
    `schedule` in `time_zone` (`spec.timeZone`, empty for `Local`), or None."""
    if time_zone and (problem := time_zone_problem(time_zone)):
        return "spec.timeZone", f"Invalid timezone: {problem} ({_REFUSED})"
    if not schedule.startswith(("CRON_TZ=", "TZ=")):
        schedule = f"CRON_TZ={time_zone or 'Local'} {schedule}"
    try:
        parse_standard(schedule)
    except CronError as error:
        return "spec.schedule", f"{error} ({_REFUSED})"
    return None
