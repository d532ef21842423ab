"""The config's node-pool requirement rules against the CEL rules of the pinned Karpenter NodePool CRD, run by the
real API server: for every generated requirement, the configuration refuses it exactly when the server refuses the
NodePool the platform would render from it (config/node_pools.py mirrors karpenter-1.14.1 karpenter.sh_nodepools.yaml
`x-kubernetes-validations` and the field's schema).

One declared difference: the CRD gives `values` a label-value `pattern`, but on the array, not on its items, so the API
server checks no value against it (a requirement `In ["-1"]` is stored, and matches no node); the configuration
checks each value against that pattern and refuses such a requirement."""

from __future__ import annotations

import copy
import itertools
import re
from typing import Any

import pytest

from charts.karpenter.node_pools import NodeRequirement
from config import ConfigError, parse_environment
from tests.conftest import environment, find, render
from tests.judges.argo_sync import pinned_crds
from tests.judges.kube_apiserver import KubeApiServer, Object
from upstream.crd_pins import PINS

POOL = {"name": "orders", "nodeClass": "flink-nodes"}
OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt", "Gte", "Lte")
VALUES: tuple[tuple[str, ...], ...] = ((), ("4",), ("4", "8"), ("-1",), ("+5",), ("x",))
MIN_VALUES = (None, 1, 2, 3)
KEYS = ("karpenter.k8s.aws/instance-cpu", "karpenter.sh/capacity-type", "karpenter.sh/nodepool",
        "kubernetes.io/hostname", "team.karpenter.sh/x", "node.kubernetes.io/instance-type")


def _cases() -> list[tuple[str, str, tuple[str, ...], int | None]]:
    """Every operator with every value list and minValues on one key, then every key with a valid `In`."""
    by_operator = [(KEYS[0], op, values, least) for op, values, least in itertools.product(OPERATORS, VALUES, MIN_VALUES)]
    return by_operator + [(key, "In", ("4",), None) for key in KEYS[1:]]


def _config_errors(requirement: dict[str, Any]) -> str:
    """The configuration's errors about a pool with `requirement` ('' when it accepts it)."""
    doc = environment(nodePools=[{**POOL, "requirements": {"additional": [requirement]}}])
    try:
        parse_environment(doc, source="environments/test.yaml", expected_name="test")
    except ConfigError as error:
        return str(error)
    return ""


def _values_pattern(crd: Object) -> str:
    """The `pattern` the NodePool CRD sets on a requirement's `values` array."""
    schema = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
    requirement = schema["properties"]["spec"]["properties"]["template"]["properties"]["spec"]["properties"][
        "requirements"]["items"]["properties"]
    assert requirement["values"]["type"] == "array" and "pattern" not in requirement["values"]["items"]
    return str(requirement["values"]["pattern"])


@pytest.fixture(scope="module")
def base_pool(kube_apiserver: KubeApiServer) -> Object:
    """The NodePool of a fixture environment, with the pinned NodePool CRD installed on the server."""
    kube_apiserver.install_crds(pinned_crds([PINS["karpenter-1.14.1_nodepools.yaml"]]))
    return find(render(environment(nodePools=[POOL])), "NodePool", "orders")


def test_the_config_refuses_a_requirement_exactly_when_karpenter_s_crd_does(kube_apiserver: KubeApiServer,
                                                                            base_pool: Object) -> None:
    (crd,) = pinned_crds([PINS["karpenter-1.14.1_nodepools.yaml"]])
    pattern = _values_pattern(crd)
    disagreements, refused, declared = [], 0, 0
    for key, operator, values, least in _cases():
        requirement: dict[str, Any] = {"key": key, "operator": operator, "values": list(values)}
        if least is not None:
            requirement["minValues"] = least
        pool = copy.deepcopy(base_pool)
        rendered = NodeRequirement(key, operator, values, least).to_spec()  # type: ignore[arg-type]
        pool["spec"]["template"]["spec"]["requirements"] = [rendered]
        response = kube_apiserver.apply(pool, dry_run=True)
        server_accepts = response.status < 300
        refused += not server_accepts
        config = _config_errors(requirement)
        if server_accepts and config and any(not re.fullmatch(pattern, v) for v in values) and pattern in config:
            declared += 1  # the declared difference (module docstring)
        elif server_accepts != (config == ""):
            disagreements.append(f"{requirement}: server {'accepts' if server_accepts else response.message}; "
                                 f"config {config or 'accepts'}")
    assert disagreements == [], "\n".join(disagreements)
    assert refused >= 50 and declared > 0  # the cases reach every rule and the declared difference
