"""How the Flink operator 1.14's Java libraries read the values the validator looks at, with their messages.

The Flink Kubernetes Operator 1.14.0 runs on Java 17 with Flink 1.20.1 and fabric8 kubernetes-client 7.3.1. Its
validator's messages quote these libraries' exceptions, so each reader here raises `JavaError` with the message
the library gives (checked against Java 17):

- `memory_size_bytes`: Flink's `MemorySize.parseBytes` (`2048m`, `4 gb`; digits, then a unit).
- `quantity_bytes`: fabric8's `Quantity.parse` and `getAmountInBytes` (`2Gi`, `1.5G`, `1e3`), with `BigDecimal`
  and `Integer.parseInt` messages.
- `resource_memory_bytes`: the operator's `FlinkConfigBuilder.parseResourceMemoryString` followed by
  `MemorySize.parse`: a Flink memory size, or else a Kubernetes quantity whose byte count Flink then reads again
  (so `1.5g` fails: `1500000000.0` has the unit `.0`).
- `java_int`, `java_long`, `java_double`, `java_float`, `flink_boolean`, `flink_enum`, `flink_list`, `flink_map`:
  `Integer.parseInt`, `Long.parseLong`, `Double.parseDouble`, `Float.parseFloat`, and Flink's boolean, enum, list
  (`;`-separated, quotable) and map (`k:v,k:v`) option values.
- `flink_duration_nanos`: Flink's `TimeUtils.parseDuration` (`30 s`, `10min`, `500`).
- `url_problem`: what `new java.net.URL("http(s)://...")` refuses (the authority: port, IPv6 literal).
- `java_double_str`: `Double.toString`.

Why ports and not libraries: these are Java's and Flink's own readers, and no maintained Python package reads their
dialects. Python's built-in readers were measured against them and differ where it matters: `int` takes `1_000`
and ` 7 ` (surrounding spaces), which `Integer.parseInt` refuses; `float` takes `infinity` and `1_0.5` and refuses
`1d`, where `Double.parseDouble` does the opposite; `repr(1e10)` is `10000000000.0`, `Double.toString` gives
`1.0E10`. fabric8's `Quantity` is not Kubernetes' `ParseQuantity` (`upstream.api_formats.quantity`): it refuses
`Ki` and keeps `1.5n` exact. Running the real classes (a JVM with the jars, through JPype or a subprocess) would put
a JVM into config loading and `validate`; a judge does that in the tests instead: `tests/judges/
test_flink_values.py` runs Flink 1.20.3's own readers (durations, memory sizes, numbers, booleans, lists, maps,
enums) on generated inputs and compares value and message. fabric8's `Quantity`, `resource_memory_bytes`, `URL` and
`Double.toString` have no judge yet (fabric8 7.3.1 is not among the judge's jars). Nothing here depends on the
date, the locale or the machine.
"""

from __future__ import annotations

import ipaddress
import math
import re
import unicodedata
from decimal import ROUND_HALF_EVEN, Context, Decimal
from fractions import Fraction


class JavaError(ValueError):
    """What the Java library throws; `str()` is its message (`null` when it has none, as Java prints it)."""


_LONG_MAX = 2**63 - 1
_INT_RANGE = range(-(2**31), 2**31)
_MEMORY_UNITS: tuple[tuple[tuple[str, ...], int], ...] = (
    (("b", "bytes"), 1),
    (("k", "kb", "kibibytes"), 1024),
    (("m", "mb", "mebibytes"), 1024**2),
    (("g", "gb", "gibibytes"), 1024**3),
    (("t", "tb", "tebibytes"), 1024**4),
)
_ALL_UNITS = " / ".join("(" + " | ".join(names) + ")" for names, _ in _MEMORY_UNITS)


def java_trim(text: str) -> str:
    """`String.trim()`: drops leading and trailing characters up to U+0020."""
    start, end = 0, len(text)
    while start < end and text[start] <= " ":
        start += 1
    while end > start and text[end - 1] <= " ":
        end -= 1
    return text[start:end]


def java_whitespace(char: str) -> bool:
    """`Character.isWhitespace(char)`: a Unicode space, line or paragraph separator other than the non-breaking ones
    (U+00A0, U+2007, U+202F), or one of the controls tab, line feed, U+000B, form feed, carriage return, U+001C-U+001F."""
    return char in "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f" or (
        unicodedata.category(char) in ("Zs", "Zl", "Zp") and char not in "\u00a0\u2007\u202f")


def _number_and_unit(text: str) -> tuple[int, str]:
    """What Flink's `MemorySize.parseBytes` and `TimeUtils.parseDuration` both read first: the trimmed text's leading
    ASCII digits as a 64-bit number, and the rest, trimmed, in lower case.

    Raises:
        JavaError: Flink's message (blank text, no leading digit, more than a long).
    """
    trimmed = java_trim(text)
    if not trimmed:
        raise JavaError("argument is an empty- or whitespace-only string")
    pos = 0
    while pos < len(trimmed) and "0" <= trimmed[pos] <= "9":
        pos += 1
    number, unit = trimmed[:pos], java_trim(trimmed[pos:]).lower()
    if not number:
        raise JavaError("text does not start with a number")
    if int(number) > _LONG_MAX:
        raise JavaError(f"The value '{number}' cannot be re represented as 64bit number (numeric overflow).")
    return int(number), unit


def memory_size_bytes(text: str) -> int:
    """Flink `MemorySize.parseBytes`: ASCII digits, then an optional unit (`b`, `k`/`kb`, `m`/`mb`, `g`/`gb`,
    `t`/`tb` and their long names, case-insensitive).

    Raises:
        JavaError: Flink's message.
    """
    value, unit = _number_and_unit(text)
    multiplier = next((m for names, m in _MEMORY_UNITS if unit in names), None)
    if multiplier is None and unit:
        raise JavaError(f"Memory size unit '{unit}' does not match any of the recognized units: {_ALL_UNITS}")
    result = value * (multiplier or 1)
    if result > _LONG_MAX:
        raise JavaError(f"The value '{text}' cannot be re represented as 64bit number of bytes (numeric overflow).")
    return result


def java_int(text: str) -> int:
    """`Integer.parseInt(text)`.

    Raises:
        JavaError: `For input string: "<text>"`.
    """
    if re.fullmatch(r"[+-]?\d+", text) and int(text) in _INT_RANGE:
        return int(text)
    raise JavaError(f'For input string: "{text}"')


_DECIMAL64 = Context(prec=16, rounding=ROUND_HALF_EVEN, Emax=999999999, Emin=-999999999)
_EXACT = Context(prec=100000, Emax=999999999, Emin=-999999999)


def _big_decimal(text: str) -> Decimal:
    """`new BigDecimal(text)` for what fabric8 passes it (no exponent: `e` and `E` start the unit).

    Raises:
        JavaError: Java 17's message.
    """
    if not text:
        raise JavaError("null")  # an ArrayIndexOutOfBoundsException turned into a NumberFormatException, no message
    digits = text[1:] if text[0] in "+-" else text
    if digits.count(".") > 1:
        raise JavaError("Character array contains more than one decimal point.")
    bad = next((char for char in digits if char != "." and not char.isdecimal()), None)
    if bad is not None:
        if len(digits) > 18:  # BigDecimal's path for numbers that do not fit a long
            raise JavaError('Character array is missing "e" notation exponential mark.')
        raise JavaError(f'Character {bad} is neither a decimal digit number, decimal point, nor "e" notation '
                        "exponential mark.")
    if not any(char.isdecimal() for char in digits):
        raise JavaError("No digits found.")
    value = Decimal(text)
    return value.copy_abs() if value.is_zero() else value  # BigDecimal has no negative zero


_UNIT_START = frozenset("eEinumkKMGTP")
_QUANTITY_MULTIPLES = {
    "Ki": (2, 10), "Mi": (2, 20), "Gi": (2, 30), "Ti": (2, 40), "Pi": (2, 50), "Ei": (2, 60),
    "n": (10, -9), "u": (10, -6), "m": (10, -3), "": (10, 0),
    "k": (10, 3), "M": (10, 6), "G": (10, 9), "T": (10, 12), "P": (10, 15), "E": (10, 18),
}


def _quantity_parse(text: str) -> tuple[str, str]:
    """fabric8 `Quantity.parse`: (amount, format), split at the first unit character."""
    if not text:
        raise JavaError("Invalid quantity string format passed.")
    index = next((i for i, char in enumerate(text) if char in _UNIT_START), len(text))
    amount, unit = text[:index], text[index:]
    if any(c.isdecimal() for c in unit) and unit[-1].isalpha():
        raise JavaError("Invalid quantity string format passed")
    return amount, unit


def _quantity_multiple(unit: str) -> Decimal:
    if any(c.isdecimal() for c in unit) and len(unit) > 1:
        exponent = java_int(unit[1:])
        if abs(exponent) > 999999999:
            raise JavaError("Invalid operation")  # an ArithmeticException in Java, not caught by the validator
        return _DECIMAL64.power(Decimal(10), exponent)
    if unit not in _QUANTITY_MULTIPLES:
        raise JavaError("Invalid quantity format passed to parse")
    base, exponent = _QUANTITY_MULTIPLES[unit]
    return _DECIMAL64.power(Decimal(base), exponent)


def quantity_bytes(text: str) -> Decimal:
    """fabric8 `Quantity.getAmountInBytes(Quantity.parse(text))`: the amount times the unit's multiple (binary
    units as powers of 2, decimal units and `e<N>` exponents as powers of 10, each rounded to 16 digits).

    Raises:
        JavaError: fabric8's (or `BigDecimal`'s, `Integer.parseInt`'s) message.
    """
    amount, unit = _quantity_parse(text)
    value = amount + unit
    if not value:
        raise JavaError("Invalid quantity value passed to parse")
    amount, unit = _quantity_parse("0" + value if value.startswith(".") else value)
    digit = _big_decimal(amount)
    return _EXACT.multiply(digit, _quantity_multiple(unit))


def resource_memory_bytes(memory: str) -> int:
    """What the operator's validator reads from `spec.jobManager/taskManager.resource.memory`:
    `MemorySize.parse(FlinkConfigBuilder.parseResourceMemoryString(memory))`.

    Raises:
        JavaError: the message the validator quotes after `<component> resource memory parse error: `.
    """
    try:
        return memory_size_bytes(memory)
    except JavaError:
        pass
    normalized = re.sub(r"\s", "", java_trim(memory)).upper()
    normalized = normalized[:-1] if normalized.endswith("B") else normalized
    normalized = normalized[:-1] + "i" if normalized.endswith("I") else normalized
    return memory_size_bytes(str(quantity_bytes(normalized)))  # BigDecimal.toString: Decimal's notation


_JAVA_DOUBLE = re.compile(r"[+-]?(NaN|Infinity|(([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?)[fFdD]?)")
_JAVA_HEX_DOUBLE = re.compile(r"([+-]?)0[xX](([0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)[pP][+-]?[0-9]+)[fFdD]?")


def java_double(text: str) -> float:
    """`Double.parseDouble(text)` (what Flink reads a `double` option with).

    Raises:
        JavaError: the value is not a Java double literal.
    """
    trimmed = java_trim(text)
    if _JAVA_DOUBLE.fullmatch(trimmed):
        return float(trimmed.rstrip("fFdD") if "Infinity" not in trimmed else trimmed.replace("Infinity", "inf"))
    hexadecimal = _JAVA_HEX_DOUBLE.fullmatch(trimmed)
    if hexadecimal:
        return float.fromhex(hexadecimal.group(1) + "0x" + hexadecimal.group(2))
    raise JavaError(f'For input string: "{trimmed}"' if trimmed else "empty String")


def java_double_str(value: float) -> str:
    """`Double.toString(value)`: `0.7`, `1.0`, `1.0E7`, `1.0E-4`, `NaN`, `Infinity`."""
    if value != value or value in (float("inf"), float("-inf")):
        return {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}[repr(value)]
    if value == 0 or 1e-3 <= abs(value) < 1e7:
        text = repr(value)
        return text if "." in text else text + ".0"
    sign, digits, exponent = Decimal(repr(value)).normalize().as_tuple()
    mantissa = "".join(map(str, digits))
    return f"{'-' if sign else ''}{mantissa[0]}.{mantissa[1:] or '0'}E{len(digits) - 1 + int(exponent)}"


def flink_boolean(text: str) -> bool:
    """Flink's boolean option value: `true` or `false`, case-insensitive.

    Raises:
        JavaError: any other text.
    """
    if text.upper() == "TRUE":
        return True
    if text.upper() == "FALSE":
        return False
    raise JavaError(f"Unrecognized option for boolean: {text}. Expected either true or false(case insensitive)")


_DURATION_UNITS: tuple[tuple[str, tuple[str, ...], int], ...] = (
    ("DAYS", ("d", "day", "days"), 86400 * 10**9),
    ("HOURS", ("h", "hour", "hours"), 3600 * 10**9),
    ("MINUTES", ("min", "m", "minute", "minutes"), 60 * 10**9),
    ("SECONDS", ("s", "sec", "secs", "second", "seconds"), 10**9),
    ("MILLISECONDS", ("ms", "milli", "millis", "millisecond", "milliseconds"), 10**6),
    ("MICROSECONDS", ("\u00b5s", "micro", "micros", "microsecond", "microseconds"), 10**3),
    ("NANOSECONDS", ("ns", "nano", "nanos", "nanosecond", "nanoseconds"), 1),
)
_DURATION_LABELS = ", ".join(f"{name}: ({' | '.join(labels)})" for name, labels, _ in _DURATION_UNITS)


def flink_duration_nanos(text: str) -> int:
    """Flink `TimeUtils.parseDuration` (Flink 1.20.3), in nanoseconds: ASCII digits, then an optional unit (`ms` when
    none; `d`, `h`, `min`/`m`, `s`, `ms`, `\u00b5s`, `ns` and their long names, case-insensitive), e.g. `30 s`,
    `10min`, `500`.

    Raises:
        JavaError: Flink's message (`Duration.of`'s `long overflow` for too many days, hours or minutes).
    """
    value, label = _number_and_unit(text)
    nanos = 10**6 if not label else next((n for _, labels, n in _DURATION_UNITS if label in labels), None)
    if nanos is None:
        raise JavaError(f"Time interval unit label '{label}' does not match any of the recognized units: "
                        f"{_DURATION_LABELS}")
    if nanos >= 10**9 and value * (nanos // 10**9) > _LONG_MAX:
        raise JavaError("long overflow")  # Math.multiplyExact in Duration.of
    return value * nanos


def java_long(text: str) -> int:
    """`Long.parseLong(text)` (what Flink reads a `long` option with).

    Raises:
        JavaError: `For input string: "<text>"`.
    """
    if re.fullmatch(r"[+-]?\d+", text) and -(2**63) <= int(text) <= _LONG_MAX:
        return int(text)
    raise JavaError(f'For input string: "{text}"')


def java_float(text: str) -> float:
    """`Float.parseFloat(text)` (what Flink reads a `float` option with): the decimal rounded once to the nearest
    single-precision value (as a Python float).

    Raises:
        JavaError: the value is not a Java floating-point literal.
    """
    value = java_double(text)  # the grammar, and NaN, infinities and zeros
    if value != value or value in (float("inf"), float("-inf")) or value == 0:
        return value
    trimmed = java_trim(text).rstrip("fFdD")
    hexadecimal = _JAVA_HEX_DOUBLE.fullmatch(java_trim(text))
    exact = Fraction(*float.fromhex(hexadecimal.group(1) + "0x" + hexadecimal.group(2)).as_integer_ratio()) \
        if hexadecimal else Fraction(Decimal(trimmed))
    return _float32(exact)


def _float32(exact: Fraction) -> float:
    """`exact` rounded to the nearest IEEE 754 single (ties to even), overflowing to an infinity."""
    sign, magnitude = (-1 if exact < 0 else 1), abs(exact)
    exponent = magnitude.numerator.bit_length() - magnitude.denominator.bit_length()
    exponent += 1 if Fraction(2) ** exponent <= magnitude else 0  # 2**(exponent-1) <= magnitude < 2**exponent
    quantum = Fraction(2) ** (max(exponent, -125) - 24)  # 24 significant bits; subnormals below 2**-126
    steps = magnitude / quantum
    rounded = math.floor(steps)
    if steps - rounded > Fraction(1, 2) or (steps - rounded == Fraction(1, 2) and rounded % 2):
        rounded += 1
    result = rounded * quantum
    return sign * (float(result) if result < Fraction(2) ** 128 else float("inf"))


def flink_enum(text: str, values: tuple[str, ...]) -> str:
    """Flink's enum option value (`ConfigurationUtils.convertToEnum`): the constant whose `toString()` equals
    `text`, both upper-cased (`Locale.ROOT`); returns that constant's `toString()`.

    Raises:
        JavaError: no constant matches.
    """
    upper = text.upper()
    match = next((value for value in values if value.upper() == upper), None)
    if match is None:
        raise JavaError(f"Could not parse value for enum. Expected one of: [{', '.join(values)}]")
    return match


def flink_map(text: str) -> dict[str, str]:
    """Flink's map option value in the legacy syntax (`ConfigurationUtils.convertToPropertiesWithLegacyPattern`):
    `,`-separated `key:value` pairs, each part optionally quoted (`split_escaped`).

    Raises:
        JavaError: an item that is not exactly a key and a value, a key given twice (`Collectors.toMap`), or bad
            quoting.
    """
    result: dict[str, str] = {}
    for item in split_escaped(text, ","):  # one item at a time, as Java's stream reads them
        pair = split_escaped(item, ":")
        if len(pair) != 2:
            raise JavaError("Map item is not a key-value pair (missing ':'?)")
        key, value = pair
        if key in result:
            raise JavaError(f"Duplicate key {key} (attempted merging values {result[key]} and {value})")
        result[key] = value
    return result


def split_escaped(text: str, delimiter: str) -> list[str]:
    """Flink's `StructuredOptionsSplitter.splitEscaped(text, delimiter)`: `delimiter`-separated items, each optionally
    in single or double quotes (a doubled quote escapes itself); unquoted items trimmed (`String.trim`), whitespace
    before an item skipped (`Character.isWhitespace`).

    Raises:
        JavaError: an unclosed quote, or text after a closing quote.
    """
    tokens: list[tuple[str, str, int]] = []  # (type, text, position)
    cursor = 0
    while cursor < len(text):
        char = text[cursor]
        if char in "'\"":
            builder, i = [], cursor + 1
            while True:
                if i >= len(text):
                    raise JavaError("Could not split string. Quoting was not closed properly.")
                if text[i] == char:
                    if i + 1 < len(text) and text[i + 1] == char:
                        builder.append(char)
                        i += 2
                        continue
                    break
                builder.append(text[i])
                i += 1
            tokens.append(("quoted", "".join(builder), cursor))
            cursor = i + 1
        elif char == delimiter:
            tokens.append(("delimiter", char, cursor))
            cursor += 1
        elif java_whitespace(char):
            cursor += 1
        else:
            end = text.find(delimiter, cursor)
            end = len(text) if end < 0 else end
            tokens.append(("unquoted", java_trim(text[cursor:end]), cursor))
            cursor = end
    items: list[str] = []
    for index, (kind, value, _) in enumerate(tokens):
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if kind == "quoted" and following and following[0] != "delimiter":
            raise JavaError(f"Could not split string. Illegal quoting at position: {following[2] - 1}")
        if kind != "delimiter":
            items.append(value)
        elif following and following[0] == "delimiter":
            items.append("")
    return items


def flink_list(text: str) -> list[str]:
    """Flink's list-of-strings option value in an operator that reads a `flink-conf.yaml` (Flink's legacy syntax):
    `;`-separated items, each optionally in single or double quotes (a doubled quote escapes itself), as
    `StructuredOptionsSplitter.splitEscaped` reads them.

    Raises:
        JavaError: an unclosed quote, or text after a closing quote.
    """
    return split_escaped(text, ";")


def _port_problem(text: str) -> str | None:
    """`Integer.parseInt(host, begin, end, 10)` (Java 17) of a URL's port, then `parseURL`'s port check."""
    limit, negative, start = -(2**31 - 1), False, 0
    if text[0] < "0":
        if text[0] == "-":
            negative, limit = True, -(2**31)
        elif text[0] != "+":
            return f'Error at index 0 in: "{text}"'
        start = 1
        if start == len(text):
            return f'Error at index 1 in: "{text}"'
    multiple_limit, result = -(-limit // 10), 0
    for index in range(start, len(text)):
        digit = int(text[index]) if text[index].isdecimal() else -1
        if digit < 0 or result < multiple_limit or result * 10 < limit + digit:
            return f'Error at index {index} in: "{text}"'
        result = result * 10 - digit
    port = result if negative else -result
    return f"Invalid port number :{port}" if port < -1 else None


def url_problem(url: str) -> str | None:
    """Why `new java.net.URL(url)` (Java 17) refuses a URL with a protocol, or None: what
    `URLStreamHandler.parseURL` checks in the authority (an IPv6 literal in brackets, the port)."""
    spec = java_trim(url)
    protocol = re.match(r"(?i)(url:)?[a-z][a-z0-9+.-]*:", spec)
    rest = spec[protocol.end():] if protocol else spec
    rest = rest.split("#", 1)[0].split("?", 1)[0]
    if not rest.startswith("//") or rest.startswith("////"):
        return None
    authority = rest[2:].split("/", 1)[0]
    if authority.count("@") > 1:
        return None
    host = authority.split("@", 1)[-1]
    if not host.startswith("["):
        colon = host.find(":")
        return _port_problem(host[colon + 1:]) if 0 <= colon < len(host) - 1 else None
    end = host.find("]")
    if end <= 2:
        return f"Invalid authority field: {authority}"
    try:
        if host[end - 1] == "%":
            raise ValueError(host)
        ipaddress.IPv6Address(host[1:end])
    except ValueError:
        return f"Invalid host: {host[:end + 1]}"
    tail = host[end + 1:]
    if tail and tail[0] != ":":
        return f"Invalid authority field: {authority}"
    return _port_problem(tail[1:]) if len(tail) > 1 else None
