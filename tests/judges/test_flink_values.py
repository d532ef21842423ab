"""Differential tests: the project's readers of Flink values (upstream.java_values, upstream.flink_keys.read_value) agree
with Flink 1.20.3's own (`TimeUtils.parseDuration`, `MemorySize.parse`, `Configuration.get` of a typed
`ConfigOption`, i.e. `ConfigurationUtils.convertValue`) on generated values: both accept or both refuse, with the
same value, and with Flink's message where the reader promises it.

One JVM for the session (`ValueJudge`); each hypothesis example is a batch of cases sent in one round trip.
"""

from __future__ import annotations

import functools
import json
import math
import re
import string
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from config.loading import schema
from tests.judges.flink_options import ValueJudge, judge_or_skip
from upstream.flink_keys import DATA_FILE, FlinkOption, flink_keys, read_value
from upstream.java_values import (
    JavaError,
    flink_boolean,
    flink_duration_nanos,
    flink_list,
    flink_map,
    java_double,
    java_float,
    java_int,
    java_long,
    memory_size_bytes,
)

BATCH = 60
EXAMPLES = 6
"""Cases per round trip and hypothesis examples per test: 360 generated texts per test, each read by every reader
of the test (about 4,000 comparisons in all)."""


@pytest.fixture(scope="session")
def value_judge() -> Iterator[ValueJudge]:
    """Flink's readers in one JVM for the session (skipped with the reason where the judge cannot be built; a
    failure under CI=true)."""
    judge = ValueJudge(judge_or_skip())
    yield judge
    judge.close()


def _java_value(value: Any) -> Any:
    """The judge's representation as the Python readers return it (floats from `Double.toString` text)."""
    if isinstance(value, list):
        return [_java_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _java_value(v) for k, v in value.items()}
    return value


def _same(ours: Any, theirs: Any, kind: str) -> bool:
    if kind in ("duration", "option:Duration"):
        return bool(ours == int(theirs))
    if kind in ("option:Float", "option:Double"):
        java = float(theirs.replace("Infinity", "inf"))
        return (math.isnan(ours) and math.isnan(java)) or (ours == java and math.copysign(1, ours) == math.copysign(1, java))
    return bool(ours == _java_value(theirs))


def differ(judge: ValueJudge, kind: str, reader: Callable[[str], Any], texts: list[str], *,
           messages: bool = True) -> list[str]:
    """The cases where `reader` and Flink (the judge's `kind`) disagree: accepting, the value, or the message when
    `messages`."""
    return differ_cases(judge, [(kind, reader, text) for text in texts], messages=messages)


def differ_cases(judge: ValueJudge, cases: list[tuple[str, Callable[[str], Any], str]], *,
                 messages: bool = True) -> list[str]:
    """`differ` for cases of several kinds and readers, in one round trip (lists and maps in the legacy syntax)."""
    results = judge.parse([(False, kind, text) for kind, _, text in cases])
    problems = []
    for (kind, reader, text), result in zip(cases, results, strict=True):
        try:
            ours, error = reader(text), None
        except JavaError as problem:
            ours, error = None, str(problem)
        if result["ok"] and error is not None:
            problems.append(f"{text!r}: Flink reads {result['value']!r}, ours refuses: {error}")
        elif not result["ok"] and error is None:
            problems.append(f"{text!r}: Flink refuses ({result['cause']}), ours reads {ours!r}")
        elif result["ok"] and not _same(ours, result["value"], kind):
            problems.append(f"{text!r}: Flink reads {result['value']!r}, ours {ours!r}")
        elif not result["ok"] and messages and not str(result["cause"]).endswith(f": {error}"):
            problems.append(f"{text!r}: Flink says {result['cause']!r}, ours {error!r}")
    return problems


SPACE = st.sampled_from(["", " ", "  ", "\t", "\n", "\u00a0", "\u2003", "\x0b", "\x1f"])
DIGITS = st.one_of(st.integers(0, 10**6).map(str), st.integers(0, 2**70).map(str), st.just("0" * 25 + "7"),
                   st.sampled_from(["", "-1", "+1", "1.5", "1e3", "\u0663", "٣٣"]))


def _cased(word: str) -> st.SearchStrategy[str]:
    """`word` with each letter in either case."""
    return st.lists(st.booleans(), min_size=len(word), max_size=len(word)).map(
        lambda flips: "".join(c.upper() if f else c for c, f in zip(word, flips, strict=True)))


def _amounts(units: list[str]) -> st.SearchStrategy[str]:
    """`<space><digits><space><unit><space>`, the unit one of `units` in any case or an arbitrary word."""
    unit = st.one_of(st.sampled_from(units).flatmap(_cased), st.text(max_size=4), st.just(""))
    return st.tuples(SPACE, DIGITS, SPACE, unit, SPACE).map("".join)


def _cases(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
    mixed = st.one_of(strategy, strategy, strategy, st.text(max_size=12))
    return st.lists(mixed, min_size=BATCH, max_size=BATCH)


RUN = settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
               suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                      HealthCheck.data_too_large])
DURATION_UNITS = ["d", "day", "days", "h", "hour", "hours", "min", "m", "minute", "minutes", "s", "sec", "secs",
                  "second", "seconds", "ms", "milli", "millis", "millisecond", "milliseconds", "\u00b5s", "micro",
                  "micros", "microsecond", "microseconds", "ns", "nano", "nanos", "nanosecond", "nanoseconds", "mins",
                  "us", "hrs", "\u03bcs"]
MEMORY_UNITS = ["b", "bytes", "k", "kb", "kibibytes", "m", "mb", "mebibytes", "g", "gb", "gibibytes", "t", "tb",
                "tebibytes", "kib", "mi", "gi", "p", "byte"]


@RUN
@given(texts=_cases(_amounts(DURATION_UNITS)))
def test_durations_read_as_flink_reads_them(value_judge: ValueJudge, texts: list[str]) -> None:
    assert differ(value_judge, "duration", flink_duration_nanos, texts) == []
    assert differ(value_judge, "option:Duration", flink_duration_nanos, texts) == []


FLINK_DURATION = re.compile(schema()["$defs"]["flinkDuration"]["pattern"])


@RUN
@given(texts=st.lists(st.one_of(_amounts(DURATION_UNITS), st.tuples(
    st.integers(0, 10**20).map(str), st.sampled_from(["", " "]), st.sampled_from(DURATION_UNITS)).map("".join)),
    min_size=BATCH, max_size=BATCH))
def test_the_schemas_durations_are_durations_flink_reads(value_judge: ValueJudge, texts: list[str]) -> None:
    """The environment schema's `flinkDuration` (stricter by design: a unit, lower case, one space at most) accepts
    only what Flink reads."""
    accepted = [text for text in texts if FLINK_DURATION.fullmatch(text)]
    results = value_judge.parse([(False, "duration", text) for text in accepted])
    assert [(text, r["cause"]) for text, r in zip(accepted, results, strict=True) if not r["ok"]] == []


@RUN
@given(texts=_cases(_amounts(MEMORY_UNITS)))
def test_memory_sizes_read_as_flink_reads_them(value_judge: ValueJudge, texts: list[str]) -> None:
    assert differ(value_judge, "memory", memory_size_bytes, texts) == []
    assert differ(value_judge, "option:MemorySize", memory_size_bytes, texts) == []


NUMBER = st.one_of(
    st.integers(-(2**65), 2**65).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.floats(width=32).map(lambda f: f"{f:.9e}"),
    st.floats(allow_infinity=False, allow_nan=False).map(float.hex),
    st.tuples(SPACE, st.sampled_from(["", "+", "-"]), st.text("0123456789.eE+-xXpPaAfFdDNnIiy", max_size=10),
              st.sampled_from(["", "f", "d", "F", "D"]), SPACE).map("".join),
    st.sampled_from(["NaN", "-Infinity", "Infinity", "+Infinity", "1e400", "-1e-400", "0x1p-1074", "1.4e-45",
                     "3.4028235e38", "3.4028236e38", "0x.8p1", ".5", "5.", "1_000", "٣"]),
)


@RUN
@given(texts=_cases(NUMBER))
def test_numbers_read_as_flink_reads_them(value_judge: ValueJudge, texts: list[str]) -> None:
    for kind, reader in (("option:Integer", java_int), ("option:Long", java_long), ("option:Double", java_double),
                         ("option:Float", java_float)):
        assert differ(value_judge, kind, reader, texts) == [], kind


@RUN
@given(texts=_cases(st.tuples(SPACE, st.sampled_from(["true", "false", "yes", "1", "TRUE", "ſalse"]).flatmap(_cased),
                              SPACE).map("".join)))
def test_booleans_read_as_flink_reads_them(value_judge: ValueJudge, texts: list[str]) -> None:
    assert differ(value_judge, "option:Boolean", flink_boolean, texts) == []


STRUCTURED = st.text(st.sampled_from(list("ab ;,:'\"\t") + ["\u00a0", "\u2003", "\x1c"]), max_size=14)


@RUN
@given(texts=_cases(STRUCTURED))
def test_lists_and_maps_read_as_flink_reads_them_in_the_legacy_syntax(value_judge: ValueJudge,
                                                                      texts: list[str]) -> None:
    assert differ(value_judge, "option:list:String", flink_list, texts) == []
    assert differ(value_judge, "option:Map", flink_map, texts) == []


def _enum_options() -> list[tuple[str, FlinkOption]]:
    """(enum class, option) of every enum option of the release, one per class."""
    classes = {o["key"]: o["enumClass"] for o in json.loads(DATA_FILE.read_text())["options"] if o.get("enumClass")}
    options = {classes[key]: option for key, option in flink_keys().options.items() if key in classes}
    return sorted(options.items())


ENUMS = _enum_options()


@RUN
@given(cases=st.lists(st.sampled_from(ENUMS).flatmap(lambda pair: st.tuples(
    st.just(pair), st.one_of(st.sampled_from(pair[1].enum).flatmap(_cased),
                             st.tuples(SPACE, st.sampled_from(pair[1].enum), SPACE).map("".join),
                             st.text(string.ascii_letters + "_-ıİ", max_size=8)))), min_size=BATCH, max_size=BATCH))
def test_enums_read_as_flink_reads_them(value_judge: ValueJudge, cases: list[tuple[tuple[str, FlinkOption], str]]) -> None:
    """Every enum option class of the release, values in any case (Flink: `toString()` upper-cased, Locale.ROOT);
    lists of them too. The messages differ (Flink names the class), so only the readings are compared."""
    readers: list[tuple[str, Callable[[str], Any], str]] = [
        (f"option:{'list:' if option.is_list else ''}enum:{enum_class}", functools.partial(read_value, option), text)
        for (enum_class, option), text in cases]
    assert differ_cases(value_judge, readers, messages=False) == []

