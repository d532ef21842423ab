"""The Kubernetes quantity judge: `judges/k8s-quantity` (a tiny Go program) decodes each line, a JSON string, into
k8s.io/apimachinery v0.33.13's `resource.Quantity` as the API server decodes a quantity field
(`Quantity.UnmarshalJSON`, then `ParseQuantity`), and prints the exact value or the error.

Build (once per machine, `tests.judges.GoJudge.build`): into
`${LAKEHOUSE_JUDGES_CACHE:-~/.cache/lakehouse-judges}/k8s-quantity-v0.33.13/`, modules from the Go proxy checked
against judges/k8s-quantity/go.sum.
"""

from __future__ import annotations

import json
import subprocess
from decimal import Decimal
from pathlib import Path

from tests.judges import GoJudge

VERSION = "v0.33.13"
"""k8s.io/apimachinery's version in judges/k8s-quantity/go.mod: the Kubernetes minor the project pins
(`upstream.capabilities.KUBERNETES`), as the kube-apiserver judge builds it."""
JUDGE = GoJudge("k8s-quantity", VERSION)
"""The program (`tests.judges.GoJudge`: `JUDGE.build()`, or `JUDGE.binary()` in a test)."""


def parse_quantities(binary: Path, texts: list[str]) -> list[Decimal | str]:
    """For each of `texts`, the value apimachinery reads (a Decimal, exact) or its error text."""
    result = subprocess.run([str(binary)], input="".join(json.dumps(text) + "\n" for text in texts),
                            capture_output=True, text=True, check=True, timeout=120)
    lines = result.stdout.splitlines()
    assert len(lines) == len(texts), result.stderr
    return [Decimal(line.removeprefix("ok ")) if line.startswith("ok ") else line.removeprefix("error ")
            for line in lines]
