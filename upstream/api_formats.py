"""Values whose syntax an API server or operator checks: Kubernetes quantities, Flink memory sizes and object names.

The configuration checks use them (errors then name the environment file) and so does `validate` (errors
name the rendered manifest), so the two can never disagree about what is valid.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_QUANTITY = re.compile(r"^([+-]?[0-9.]+)([eE][+-]?[0-9]+|Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?$")
_SUFFIX: dict[str, Decimal] = {
    "": Decimal(1), "m": Decimal("0.001"), "k": Decimal(10**3), "M": Decimal(10**6), "G": Decimal(10**9),
    "T": Decimal(10**12), "P": Decimal(10**15), "E": Decimal(10**18), "Ki": Decimal(2**10), "Mi": Decimal(2**20),
    "Gi": Decimal(2**30), "Ti": Decimal(2**40), "Pi": Decimal(2**50), "Ei": Decimal(2**60)}


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


def quantity(value: str) -> Decimal:
    """A Kubernetes quantity (`500m`, `1.5`, `512Mi`, `2G`, `1e3`) in base units (cores or bytes).

    https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/

    Raises:
        ValueError: not a quantity.
    """
    match = _QUANTITY.match(value.strip())
    if not match:
        raise ValueError(f"not a Kubernetes quantity: {value!r}")
    number, suffix = match.group(1), match.group(2) or ""
    try:
        if suffix[:1] in ("e", "E") and len(suffix) > 1:
            return Decimal(number + suffix)
        return Decimal(number) * _SUFFIX[suffix]
    except InvalidOperation as error:
        raise ValueError(f"not a Kubernetes quantity: {value!r}") from error


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
    if kind == "Service" and not DNS_1035_LABEL.match(name):
        return f"{name!r} is not a Service name: {_LABEL_NAMED[kind]} (lower-case letters, digits and '-', starting " \
               "with a letter, at most 63 characters)"
    if kind in ("Namespace", "Job") and not DNS_1123_LABEL.match(name):
        return f"{name!r} is not a {kind} name: {_LABEL_NAMED[kind]}"
    if kind == "StatefulSet" and len(name) > STATEFUL_SET_NAME_MAX:
        return (f"StatefulSet name {name!r} has {len(name)} characters: more than {STATEFUL_SET_NAME_MAX}, so its "
                "pods' controller-revision-hash label would exceed 63 and no pod would be created")
    if not DNS_1123_SUBDOMAIN.match(name):
        return f"{name!r} is not a {kind} name: a DNS-1123 subdomain (lower-case letters, digits, '-' and '.')"
    return None


def api_group(api_version: str) -> str:
    """The API group of an object's `apiVersion`: `apps/v1` -> `apps`, `v1` -> `` (the core group, whose
    apiVersion is the bare version; https://kubernetes.io/docs/reference/using-api/#api-groups)."""
    return api_version.split("/", 1)[0] if "/" in api_version else ""
