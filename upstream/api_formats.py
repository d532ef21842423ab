"""Values whose syntax an API server or operator checks: Kubernetes quantities, Flink memory sizes and object names.

The configuration checks use them (errors then name the environment file) and so does `validate` (errors
name the rendered manifest), so the two can never disagree about what is valid.
"""

from __future__ import annotations

import re
from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, ROUND_UP, Context, Decimal

PINNED_IMAGE_PATTERN = (r"^(?:[A-Za-z0-9.-]+(?::[0-9]+)?/)?[a-z0-9]+(?:[._/-]+[a-z0-9]+)*(?::(?!latest(?:@|$))[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}(?:@sha256:[0-9a-f]{64})?|@sha256:[0-9a-f]{64})$")
"""An image reference pinned by a tag other than `latest` or by a digest, with an optional registry and port
(`registry.example.com:5000/flink:1.20.3`). The environment schema's `$defs/image` has the same pattern (a test
keeps them equal), and `validate` applies it to every rendered image."""
PINNED_IMAGE = re.compile(PINNED_IMAGE_PATTERN)

FLINK_DEPLOYMENT_NAME = re.compile(r"^[a-z]([-a-z\d]{0,43}[a-z\d])?$")
"""The Flink operator's FlinkDeployment name rule (`DefaultValidator.validateDeploymentName`): a DNS-1035 label
of at most 45 characters (the operator derives Service names from it)."""

DNS_1035_LABEL = re.compile(r"^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$")
"""A DNS-1035 label (Service names; the Spark operator's SparkApplication name rule)."""


class QuantityError(ValueError):
    """A text Kubernetes does not read as a quantity: `str()` is apimachinery's error (`ERR_FORMAT`, `ERR_NUMERIC`
    or `ERR_SUFFIX`) and the text."""


ERR_FORMAT = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
ERR_NUMERIC = "unable to parse numeric part of quantity"
ERR_SUFFIX = "unable to parse quantity's suffix"
"""apimachinery's `ErrFormatWrong`, `ErrNumeric` and `ErrSuffix` (`pkg/api/resource/quantity.go` lines 154-156)."""

_DECIMAL_SUFFIXES = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_BINARY_SUFFIXES = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_SUFFIX_CHARS = frozenset("eEinumkKMGTP")
_TRIMMED = " \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
"""What `Quantity.UnmarshalJSON`'s `strings.TrimSpace` removes from the JSON a client sends: Go's white space
(`unicode.IsSpace`) less what Go's `json.Marshal` escapes (`\\t`, `\\n`, `\\u000b`, `\\f`, `\\r`, `\\u2028`,
`\\u2029`: the escape is not white space, so the quantity fails)."""
_INT64_MAX = 2**63 - 1
_NANO = Decimal("1e-9")
_EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN)


def quantity(value: str) -> Decimal:
    """A Kubernetes quantity (`500m`, `1.5`, `512Mi`, `2G`, `1e3`) in base units (cores or bytes), read as the API
    server reads a quantity string a client sent as JSON: `Quantity.UnmarshalJSON` (surrounding white space trimmed,
    `_TRIMMED`) then `ParseQuantity` of k8s.io/apimachinery v0.33.13 (`pkg/api/resource/quantity.go`, lines
    160-390): an optional sign, digits with an optional `.` (none at all reads as 0: `+`, `.`, `Ki`), then a suffix:
    `n u m k M G T P E` (powers of 10), `Ki Mi Gi Ti Pi Ei` (powers of 2) or `e<N>` / `E<N>` (10 to the int32 N). A
    value with more than 9 decimal places is rounded away from zero to a multiple of 10^-9; a binary-suffixed value
    is capped at 2^63-1. Checked against the real `ParseQuantity` by `tests/judges/test_k8s_quantity.py`.

    The one reader of Kubernetes quantities: fabric8's `Quantity` (the Flink operator's Java reader,
    `upstream.java_values.quantity_bytes`) is another program with other rules (it refuses `Ki`, which reads as 0
    here, and keeps `1.5n` exact, which rounds up to `2n` here), so it keeps its own port. Hand-kept because no
    maintained Python library reads quantities as apimachinery does: the Kubernetes Python client's
    `kubernetes.utils.parse_quantity` (kubernetes 37.0.3, tried) accepts `1K`, `Infinity`, `NaN` and `1_000`, which
    the API server refuses, refuses `Ki`, `+` and `.`, which it reads as 0, neither rounds `1.5n` up to `2n` nor caps
    `9Ei`, and brings the whole client; cdk8s' `Quantity` only wraps the text.

    Raises:
        QuantityError: apimachinery refuses the text (its message, with the text).
    """
    text = value.strip(_TRIMMED)
    try:
        return _parse_quantity(text)
    except QuantityError as error:
        raise QuantityError(f"not a Kubernetes quantity: {value!r}: {error}") from None


def _parse_quantity(text: str) -> Decimal:
    """`ParseQuantity(text)` as a Decimal (`quantity`, without the trim)."""
    if not text:
        raise QuantityError(ERR_FORMAT)
    negative, number, num, denom, suffix = _split_quantity(text)
    if suffix in _BINARY_SUFFIXES:
        base, exponent = 2, _BINARY_SUFFIXES[suffix]
    elif suffix in _DECIMAL_SUFFIXES:
        base, exponent = 10, _DECIMAL_SUFFIXES[suffix]
    elif len(suffix) > 1 and suffix[0] in "eE" and re.fullmatch(r"[+-]?[0-9]+", suffix[1:]) \
            and -(2**63) <= int(suffix[1:]) <= _INT64_MAX:
        base, exponent = 10, (int(suffix[1:]) + 2**31) % 2**32 - 2**31  # Go's int32(parsed) wraps
    else:
        raise QuantityError(ERR_SUFFIX)
    if not any(c.isdigit() for c in number) and not _int64_path(base, exponent, num, denom):
        raise QuantityError(ERR_NUMERIC)  # inf.Dec.SetString needs a digit; the int64 path reads none as 0
    amount = Decimal(f"{num}.{denom}" if denom else num)
    amount = amount.scaleb(exponent, _EXACT) if base == 10 else _EXACT.multiply(amount, Decimal(2**exponent))
    if amount and amount.as_tuple().exponent < -9:  # type: ignore[operator]
        amount = amount.quantize(_NANO, rounding=ROUND_UP, context=_EXACT)
    if base == 2 and amount > _INT64_MAX:
        amount = Decimal(_INT64_MAX)
    return -amount if negative and amount else amount


def _split_quantity(text: str) -> tuple[bool, str, str, str, str]:
    """`parseQuantityString`: (negative, the number as written with its sign, integer digits, fraction digits,
    suffix), the integer digits `0` when none.

    Raises:
        QuantityError: `ERR_FORMAT`, text after the suffix that is not a signed exponent.
    """
    match = re.match(r"([+-]?)([0-9]*)(?:\.([0-9]*))?", text)
    assert match is not None  # every part is optional
    sign, num, denom = match[1], match[2].lstrip("0") or "0", match[3] or ""
    rest = text[match.end():]
    letters = len(rest) - len(rest.lstrip("".join(_SUFFIX_CHARS)))
    if not re.fullmatch(r"[+-]?[0-9]*", rest[letters:]):
        raise QuantityError(ERR_FORMAT)
    return sign == "-", text[:match.end()], num, denom, rest


def _int64_path(base: int, exponent: int, num: str, denom: str) -> bool:
    """Whether `ParseQuantity` takes its int64 path (lines 295-345), which reads a number without digits as 0."""
    if base == 2:
        if exponent < 0 or denom:
            return False
        precision, scale, mantissa = 15 - len(num) - exponent * 3 // 10 - 1, 0, 2**exponent
    else:
        precision, scale, mantissa = 18 - len(num) - len(denom), exponent, 1
    return precision >= 0 and scale - len(denom) >= -9 and int(num + denom) * mantissa <= _INT64_MAX


def flink_memory_problem(value: str) -> str | None:
    """Why the Flink operator cannot read `value` as a JobManager/TaskManager memory, or None: it takes a Flink
    `MemorySize` (`2048m`, `2g`, `4 GB`) or a Kubernetes quantity (`2Gi`) and reads it as a whole number of bytes
    (`FlinkConfigBuilder.parseResourceMemoryString`, operator 1.14; `1.5g` fails there). The same reading as
    `validate`'s (`upstream.java_values`)."""
    from upstream.java_values import JavaError, resource_memory_bytes

    try:
        resource_memory_bytes(value)
    except JavaError as error:
        return str(error)
    return None


def flink_memory_valid(value: str) -> bool:
    """Whether the Flink operator can read `value` as a JobManager/TaskManager memory (`flink_memory_problem`)."""
    return flink_memory_problem(value) is None


DNS_1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
DNS_1123_SUBDOMAIN = re.compile(r"^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
STATEFUL_SET_NAME_MAX = 52
"""A StatefulSet's pods carry `controller-revision-hash: <name>-<hash of up to 10 characters>`, a label value of at
most 63 characters, so a longer name creates no pod (kubernetes/kubernetes#64023)."""

_LABEL_NAMED = {"Service": "a DNS-1035 label", "Namespace": "a DNS-1123 label", "Job": "at most 63 characters "
                "(the `batch.kubernetes.io/job-name` label of its pods)"}


def object_name_problem(kind: str, name: str) -> str | None:
    """Why the API server (or the controller that makes its pods) refuses an object of `kind` named `name`, or
    None. Services are DNS-1035 labels, Namespaces DNS-1123 labels, Jobs at most 63 characters, StatefulSets at most
    `STATEFUL_SET_NAME_MAX`; every other name a DNS-1123 subdomain
    (https://kubernetes.io/docs/concepts/overview/working-with-objects/names/)."""
    if kind == "Service" and not DNS_1035_LABEL.fullmatch(name):
        return f"{name!r} is not a Service name: {_LABEL_NAMED[kind]} (lower-case letters, digits and '-', starting " \
               "with a letter, at most 63 characters)"
    if kind in ("Namespace", "Job") and not DNS_1123_LABEL.fullmatch(name):
        return f"{name!r} is not a {kind} name: {_LABEL_NAMED[kind]}"
    if kind == "StatefulSet" and len(name) > STATEFUL_SET_NAME_MAX:
        return (f"StatefulSet name {name!r} has {len(name)} characters: more than {STATEFUL_SET_NAME_MAX}, so its "
                "pods' controller-revision-hash label would exceed 63 and no pod would be created")
    if not DNS_1123_SUBDOMAIN.fullmatch(name):
        return f"{name!r} is not a {kind} name: a DNS-1123 subdomain (lower-case letters, digits, '-' and '.')"
    return None


def api_group(api_version: str) -> str:
    """The API group of an object's `apiVersion`: `apps/v1` -> `apps`, `v1` -> `` (the core group, whose
    apiVersion is the bare version; https://kubernetes.io/docs/reference/using-api/#api-groups)."""
    return api_version.split("/", 1)[0] if "/" in api_version else ""


LABEL_VALUE_PATTERN = r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$"
"""A label value's characters (k8s.io/apimachinery `validation.IsValidLabelValue`; at most 63 of them), as a JSON
Schema pattern (ECMA-262) and, with `fullmatch`, a Python one."""
_LABEL_VALUE = re.compile(LABEL_VALUE_PATTERN)


def toleration_problems(key: str | None, operator: str | None, value: str | None, effect: str | None,
                        toleration_seconds: int | None) -> list[tuple[str, str]]:
    """(field, message) for each rule of a Toleration the API server refuses (k8s.io/kubernetes v1.33.13
    pkg/apis/core/validation/validation.go `ValidateTolerations`, lines 4020-4060; an empty operator means Equal):
    an empty key needs operator Exists, `tolerationSeconds` needs effect NoExecute, Exists takes no value, and an
    Equal value is a label value (at most 63 characters, alphanumerics with `-`, `_`, `.` inside)."""
    problems = []
    if not key and operator != "Exists":
        problems.append(("operator", "must be Exists when key is empty (which tolerates every taint)"))
    if toleration_seconds is not None and effect != "NoExecute":
        problems.append(("effect", "must be NoExecute when tolerationSeconds is set"))
    if operator == "Exists" and value:
        problems.append(("value", "must be empty when operator is Exists"))
    elif operator in (None, "", "Equal") and value and (len(value) > 63 or not _LABEL_VALUE.fullmatch(value)):
        problems.append(("value", f"{value!r} is not a label value (at most 63 characters: letters, digits, '-', "
                                  "'_' and '.', starting and ending with a letter or digit)"))
    return problems
