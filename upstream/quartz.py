"""Quartz cron expressions (seconds first, six or seven fields) and daily periods, as the Flink operator 1.14 reads
them: whether an expression parses. The one parser that config (at load) and `validate` share, in two dialects:
- `QUARTZ`: Quartz 2.4.0's `org.quartz.CronExpression` (quartz-scheduler/quartz v2.4.0,
  `quartz/src/main/java/org/quartz/CronExpression.java`), which the autoscaler's excluded periods use
  (`job.autoscaler.excluded.periods`: `CronCalendar`, flink-kubernetes-operator release-1.14.0
  `flink-autoscaler/.../utils/CalendarUtils.java` `interpretAsCron`; quartz 2.4.0 in the operator's pom.xml);
- `LOG4J`: log4j 2.23.1's copy of it, `org.apache.logging.log4j.core.util.CronExpression` (apache/logging-log4j2
  rel/2.23.1), which the operator's periodic savepoints and checkpoints use
  (`kubernetes.operator.periodic.{savepoint,checkpoint}.interval`: `SnapshotUtils.interpretAsCron`, release-1.14.0
  `flink-kubernetes-operator/.../utils/SnapshotUtils.java` line 296). It is Quartz's parser but for one check:
  after a number, `N/step` takes any step (Quartz 2.4.0's `checkNext` calls `checkIncrementRange`, log4j's does
  not), so `0/90 * * * * ?` loads there and not in Quartz.
An expression neither dialect reads is not an error the operator reports: it logs "neither a valid Duration, nor a
cron expression" and never triggers the snapshot, which is why config refuses it at load.

`cron_valid` follows `CronExpression.buildExpression` step by step, quirks included (it reads six or seven fields,
seconds first, and ignores what follows a value it has read; exactly one of day-of-month and day-of-week must be
`?`); every exception the parser meets makes the expression invalid. `daily_valid` follows
`DailyCalendar(String, String)`: `HH:MM[:SS[:mmm]]` twice, the first before the second.

Why a port and not a library: no Python package reads Quartz's dialect (croniter and cronsim read Unix cron with
optional seconds, where `?`, `L`, `W` and `#` mean other things or nothing, and day-of-week 1 is Monday, not Sunday);
Quartz itself is Java. Both classes compute `MAX_YEAR` as the current year + 100 when they load; here it is fixed at
its value for 2025 (2125), so no answer depends on the date: an open year range starting after 2125 (`2200/5`) is
refused, as the operator of today refuses it.
"""

from __future__ import annotations

import re
from typing import Literal

from upstream.java_values import JavaError, java_int, java_trim

SECOND, MINUTE, HOUR, DAY_OF_MONTH, MONTH, DAY_OF_WEEK, YEAR = range(7)
ALL_SPEC, NO_SPEC = 99, 98
_MONTHS = {name: index for index, name in enumerate(
    ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"))}
_DAYS = {name: index + 1 for index, name in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"))}
_RANGES = {SECOND: (0, 59), MINUTE: (0, 59), HOUR: (0, 23), DAY_OF_MONTH: (1, 31), MONTH: (1, 12), DAY_OF_WEEK: (1, 7)}
_WRAP = {SECOND: 60, MINUTE: 60, HOUR: 24, MONTH: 12, DAY_OF_WEEK: 7, DAY_OF_MONTH: 31}
_MAX_YEAR = 2125
"""`CronExpression.MAX_YEAR`: the last year a `*` or open range of years reaches (the current year + 100 in Java;
fixed here, see the module's docstring)."""
Dialect = Literal["quartz", "log4j"]
QUARTZ: Dialect = "quartz"
LOG4J: Dialect = "log4j"
_INCREMENT_MAX = {SECOND: 59, MINUTE: 59, HOUR: 23, DAY_OF_MONTH: 31, DAY_OF_WEEK: 7, MONTH: 12}


class _Invalid(Exception):
    """The parser threw (a `ParseException`, or any exception `buildExpression` turns into one)."""


def _char(s: str, i: int) -> str:
    """`s.charAt(i)`."""
    if not 0 <= i < len(s):
        raise _Invalid(f"index {i}")
    return s[i]


def _substring(s: str, start: int, end: int | None = None) -> str:
    """`s.substring(start, end)`."""
    end = len(s) if end is None else end
    if not 0 <= start <= end <= len(s):
        raise _Invalid(f"range {start}-{end}")
    return s[start:end]


def _int(text: str) -> int:
    """`Integer.parseInt(text)`."""
    try:
        return java_int(text)
    except JavaError as error:
        raise _Invalid(str(error)) from error


def _is_digit(c: str) -> bool:
    return "0" <= c <= "9"


class _Parser:
    """The state `CronExpression` keeps while it parses: a set per field and the flags that later fields read."""

    def __init__(self, dialect: Dialect) -> None:
        self.sets: dict[int, set[int]] = {field: set() for field in range(7)}
        self.last_day_of_month = False
        self.dialect = dialect

    def add(self, val: int, end: int, incr: int, kind: int) -> None:
        """`addToSet`: the range checks, then the values (of years only what fails: nothing reads them)."""
        exempt = (ALL_SPEC, NO_SPEC) if kind in (DAY_OF_MONTH, DAY_OF_WEEK) else (ALL_SPEC,)
        if kind in _RANGES and val not in exempt:
            low, high = _RANGES[kind]
            if (val == 0 if kind == DAY_OF_WEEK else val < low) or val > high or end > high:
                raise _Invalid("value out of range")
        values = self.sets[kind]
        if incr in (0, -1) and val != ALL_SPEC:
            values.add(val if val != -1 else NO_SPEC)
            return
        if val == ALL_SPEC and incr <= 0:
            incr = 1
            values.add(ALL_SPEC)
        if kind == YEAR:
            start, stop = 1970 if val in (-1, ALL_SPEC) else val, _MAX_YEAR if end == -1 else end
            if stop < start:
                raise _Invalid("Start year must be less than stop year")
            return
        low, high = _RANGES[kind]
        start, stop = low if val in (-1, ALL_SPEC) else val, high if end == -1 else end
        wrap = _WRAP[kind] if stop < start else 0
        for value in range(start, stop + wrap + 1, incr):
            if wrap and value % wrap == 0 and kind in (MONTH, DAY_OF_WEEK, DAY_OF_MONTH):
                values.add(wrap)
            else:
                values.add(value % wrap if wrap else value)

    @staticmethod
    def value(v: int, s: str, i: int) -> tuple[int, int]:
        """`getValue`: the digits from `i` appended to `v`, and the position after them."""
        c = _char(s, i)
        digits = str(v)
        while _is_digit(c):
            digits += c
            i += 1
            if i >= len(s):
                break
            c = s[i]
        return _int(digits), (i if i < len(s) else i + 1)

    def store(self, s: str, kind: int) -> None:
        """`storeExpressionVals(0, s, kind)` (what it returns is not used)."""
        i = 0
        while i < len(s) and s[i] in " \t":
            i += 1
        if i >= len(s):
            return
        c = s[i]
        if "A" <= c <= "Z" and s not in ("L", "LW") and not re.fullmatch(r"L-[0-9]*W?", s):
            self._names(s, i, kind)
        elif c == "?":
            self._no_spec(s, i + 1, kind)
        elif c in "*/":
            self._every(s, i, kind)
        elif c == "L":
            self._last(s, i + 1, kind)
        elif _is_digit(c):
            val, i = int(c), i + 1
            if i >= len(s):
                self.add(val, -1, -1, kind)
                return
            if _is_digit(s[i]):
                val, i = self.value(val, s, i)
            self.next(i, s, val, kind)
        else:
            raise _Invalid(f"Unexpected character: {c}")

    def _names(self, s: str, i: int, kind: int) -> None:
        sub, end, incr = _substring(s, i, i + 3), -1, 0
        if kind == MONTH:
            start = _MONTHS.get(sub, -1) + 1
            if start <= 0:
                raise _Invalid(f"Invalid Month value: '{sub}'")
            if len(s) > i + 3 and s[i + 3] == "-":
                end = _MONTHS.get(_substring(s, i + 4, i + 7), -1) + 1
                if end <= 0:
                    raise _Invalid("Invalid Month value")
        elif kind == DAY_OF_WEEK:
            start = _DAYS.get(sub, -1)
            if start < 0:
                raise _Invalid(f"Invalid Day-of-Week value: '{sub}'")
            if len(s) > i + 3 and s[i + 3] == "-":
                end = _DAYS.get(_substring(s, i + 4, i + 7), -1)
                if end < 0:
                    raise _Invalid("Invalid Day-of-Week value")
            elif len(s) > i + 3 and s[i + 3] == "#" and not 1 <= _nth(_substring(s, i + 4)) <= 5:
                raise _Invalid("A numeric value between 1 and 5 must follow the '#' option")
        else:
            raise _Invalid(f"Illegal characters for this position: '{sub}'")
        self.add(start, end, 1 if end != -1 else incr, kind)

    def _no_spec(self, s: str, i: int, kind: int) -> None:
        if i + 1 < len(s) and s[i] != " " and s[i + 1] != "\t":
            raise _Invalid("Illegal character after '?'")
        if kind not in (DAY_OF_WEEK, DAY_OF_MONTH):
            raise _Invalid("'?' can only be specified for Day-of-Month or Day-of-Week.")
        if kind == DAY_OF_WEEK and not self.last_day_of_month:
            if not self.sets[DAY_OF_MONTH]:
                raise _Invalid("NoSuchElementException")
            if max(self.sets[DAY_OF_MONTH]) == NO_SPEC:
                raise _Invalid("'?' can only be specified for Day-of-Month -OR- Day-of-Week.")
        self.add(NO_SPEC, -1, 0, kind)

    def _every(self, s: str, i: int, kind: int) -> None:
        if s[i] == "*" and i + 1 >= len(s):
            self.add(ALL_SPEC, -1, 0, kind)
            return
        if s[i] == "/" and (i + 1 >= len(s) or s[i + 1] in " \t"):
            raise _Invalid("'/' must be followed by an integer.")
        if s[i] == "*":
            i += 1
        incr = 1
        if s[i] == "/":
            i += 1
            if i >= len(s):
                raise _Invalid("Unexpected end of string.")
            incr = _int(s[i:])  # getNumericValue reads to the end of the field
            _check_increment(incr, kind)
        self.add(ALL_SPEC, -1, incr, kind)

    def _last(self, s: str, i: int, kind: int) -> None:
        if kind == DAY_OF_MONTH:
            self.last_day_of_month = True
        if kind == DAY_OF_WEEK:
            self.add(7, 7, 0, kind)
        if kind == DAY_OF_MONTH and len(s) > i:
            if s[i] == "-":
                offset, i = self.value(0, s, i + 1)
                if offset > 30:
                    raise _Invalid("Offset from last day must be <= 30")

    def next(self, i: int, s: str, val: int, kind: int) -> None:
        """`checkNext`: what follows a number (`L`, `W`, `#n`, `-end`, `/step`)."""
        if i >= len(s):
            self.add(val, -1, -1, kind)
            return
        c = s[i]
        if c == "L":
            if kind != DAY_OF_WEEK or not 1 <= val <= 7:
                raise _Invalid("'L' option is not valid here.")
            self.sets[kind].add(val)
        elif c == "W":
            if kind != DAY_OF_MONTH or val > 31:
                raise _Invalid("'W' option is not valid here.")
            self.sets[kind].add(val)
        elif c == "#":
            if kind != DAY_OF_WEEK or not 1 <= _nth(s[i + 1:]) <= 5:
                raise _Invalid("'#' option is not valid here.")
            self.sets[kind].add(val)
        elif c == "-":
            self._range(i + 1, s, val, kind)
        elif c == "/":
            if i + 1 >= len(s) or s[i + 1] in " \t":
                raise _Invalid("'/' must be followed by an integer.")
            step, i = _int(s[i + 1]), i + 2
            if i < len(s):
                if not _is_digit(s[i]):
                    raise _Invalid(f"Unexpected character '{s[i]}' after '/'")
                step, i = self.value(step, s, i)
            if self.dialect == QUARTZ:  # log4j's copy has no increment check here
                _check_increment(step, kind)
            self.add(val, -1, step, kind)
        else:
            self.add(val, -1, 0, kind)

    def _range(self, i: int, s: str, val: int, kind: int) -> None:
        end, i = _int(_char(s, i)), i + 1
        if i >= len(s):
            self.add(val, end, 1, kind)
            return
        if _is_digit(s[i]):
            end, i = self.value(end, s, i)
        if not (i < len(s) and s[i] == "/"):
            self.add(val, end, 1, kind)
            return
        step, i = _int(_char(s, i + 1)), i + 2
        if i < len(s) and _is_digit(s[i]):
            step, i = self.value(step, s, i)
        self.add(val, end, step, kind)


def _nth(text: str) -> int:
    """The number after `#` (`Integer.parseInt` of the rest of the field); 0 when it is not a number."""
    try:
        return java_int(text)
    except JavaError:
        return 0


def _check_increment(incr: int, kind: int) -> None:
    if kind in _INCREMENT_MAX and incr > _INCREMENT_MAX[kind]:
        raise _Invalid(f"Increment > {_INCREMENT_MAX[kind] + 1} : {incr}")


def java_split(text: str, separator: str) -> list[str]:
    """`String.split` of a literal separator: trailing empty strings dropped."""
    if separator not in text:
        return [text]
    parts = text.split(separator)
    while parts and parts[-1] == "":
        parts.pop()
    return parts


def cron_valid(expression: str, dialect: Dialect = QUARTZ) -> bool:
    """Whether `new CronExpression(expression)` parses: Quartz 2.4.0's, or log4j 2.23.1's copy (`dialect`)."""
    parser = _Parser(dialect)
    fields = [field for field in re.split(r"[ \t]", expression.upper()) if field]
    try:
        for kind, field in enumerate(fields[:YEAR + 1]):
            field = java_trim(field)
            if kind in (DAY_OF_MONTH, DAY_OF_WEEK) and "L" in field and len(field) > 1 and "," in field:
                return False
            if kind == DAY_OF_WEEK and field.count("#") > 1:
                return False
            for value in (v for v in field.split(",") if v):
                parser.store(value, kind)
        if len(fields) <= DAY_OF_WEEK:
            return False
        if len(fields) <= YEAR:
            parser.store("*", YEAR)
    except _Invalid:
        return False
    return (NO_SPEC in parser.sets[DAY_OF_MONTH]) != (NO_SPEC in parser.sets[DAY_OF_WEEK])


def _time_of_day(text: str) -> tuple[int, int, int, int]:
    parts = [p for p in text.split(":") if p]
    if not 2 <= len(parts) <= 4:
        raise _Invalid(f"Invalid time string '{text}'")
    hour, minute, second, millis = (_int(p) for p in (parts + ["0", "0"])[:4])
    if not (0 <= hour <= 23 and 0 <= minute <= 59 and 0 <= second <= 59 and 0 <= millis <= 999):
        raise _Invalid("out of range")
    return hour, minute, second, millis


def daily_valid(expression: str) -> bool:
    """Whether the Flink autoscaler reads `expression` as a daily period `<start>-<end>` (`new DailyCalendar(start,
    end)`: each `HH:MM[:SS[:mmm]]`, the start before the end)."""
    bounds = java_split(expression, "-")
    if len(bounds) != 2:
        return False
    try:
        return _time_of_day(bounds[0]) < _time_of_day(bounds[1])
    except _Invalid:
        return False


EXCLUDED_PERIODS_KEY = "job.autoscaler.excluded.periods"
"""The autoscaler option holding the excluded periods (a list; also read under `kubernetes.operator.` in front)."""


def excluded_period_problem(expression: str) -> str | None:
    """`CalendarUtils.validateExcludedExpression` (flink-kubernetes-operator release-1.14.0): a daily period, a Quartz
    cron expression, or one of each joined by `&&`; the operator's message, or None."""
    key = EXCLUDED_PERIODS_KEY
    parts = java_split(expression, "&&")
    if len(parts) > 2:
        return f"Invalid value {expression} in the autoscaler config {key}"
    daily = cron = False
    for part in (p.strip() for p in parts):
        is_daily, is_cron = daily_valid(part), cron_valid(part)
        daily, cron = daily or is_daily, cron or is_cron
        if not is_daily and not is_cron:
            return (f"Invalid value {expression} in the autoscaler config {key}, the value is neither a valid daily "
                    "expression nor a valid cron expression")
    if len(parts) == 2 and not (daily and cron):
        return (f"Invalid value {expression} in the autoscaler config {key}, the value can not be configured as "
                "dailyExpression && dailyExpression or cronExpression && cronExpression")
    return None


def snapshot_interval_problem(value: str) -> str | None:
    """Why the Flink operator 1.14 never triggers a periodic snapshot with interval `value` (not a Flink duration,
    which the environment schema checks, and a cron expression log4j's `CronExpression` refuses), or None. Only
    six- or seven-field values are read as cron expressions here (the schema's other branch)."""
    if len(value.split()) < 6 or cron_valid(value, LOG4J):
        return None
    return (f"{value!r} is not a cron expression the Flink operator reads (Quartz syntax, seconds first; log4j's "
            "CronExpression refuses it): it logs \"neither a valid Duration, nor a cron expression\" and never "
            "triggers the snapshot")
