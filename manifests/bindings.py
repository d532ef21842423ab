"""A build step over the bindings `cdk8s import` generates (`imports/`): drop the run-time `typing.cast` of every
struct property getter.

Each getter of a generated struct ends in `return typing.cast(typing.Optional[...], result)`. `typing.cast` returns
its argument unchanged, but its first argument, a subscripted type, is built on every call; serializing one
SparkApplication to the jsii runtime reads a few hundred properties, so a thousand applications spent about 2 s
building types nobody uses (README "Performance"). Rewriting those lines to `return result` changes no value: the
annotations, the classes and the runtime type checks of the constructors stay as generated.
"""

from __future__ import annotations

import re
from pathlib import Path

RUNTIME_CAST = re.compile(r"return typing\.cast\([^\n]*?, result\)\n")
REPLACEMENT = "return result  # typing.cast(...) removed: a no-op at run time (manifests/bindings.py)\n"


def strip_runtime_casts(directory: Path) -> int:
    """Rewrite every `return typing.cast(<type>, result)` line of the Python files under `directory`; the number of
    lines rewritten (0 when already done: the step is idempotent)."""
    count = 0
    for path in sorted(directory.rglob("*.py")):
        text = path.read_text()
        rewritten, changed = RUNTIME_CAST.subn(REPLACEMENT, text)
        if changed:
            path.write_text(rewritten)
            count += changed
    return count
