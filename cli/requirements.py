"""What to tell a user who runs `main.py` with a Python that lacks the project's dependencies (the system `python3`
instead of `.venv/bin/python`, or a checkout before `make setup`). Standard library only: `main.py` imports this
module when importing anything else has failed."""

from __future__ import annotations

OWN_PACKAGES = frozenset({"cli", "charts", "config", "manifests", "upstream", "tests", "bench"})
"""The project's own top-level packages: a missing module inside them is a fault of the project, not of the setup,
and keeps its traceback."""

GENERATED = frozenset({"imports"})
"""Top-level packages that `make setup` generates (the cdk8s bindings of the pinned CRDs, `make imports`)."""


def missing_dependency(error: ModuleNotFoundError, executable: str, version: str) -> str | None:
    """The message for `error` when it means "this Python lacks what `make setup` installs", else None.

    Args:
        error: raised while `main.py` imported or ran a command; `error.name` is the dotted module name.
        executable: the running interpreter (`sys.executable`), named in the message.
        version: its version, e.g. "3.11.2" (`platform.python_version()`).

    Returns:
        One line per sentence, without a trailing newline: which module is missing for which interpreter, and the two
        ways out (`make setup`, then `.venv/bin/python main.py ...` or `make synth`). None when the missing module is
        one of the project's own packages (OWN_PACKAGES), whose error should surface unchanged.
    """
    name = error.name or ""
    top = name.split(".")[0]
    if not top or top in OWN_PACKAGES:
        return None
    what = ("the generated cdk8s bindings (imports/, written by `make setup`) are missing" if top in GENERATED
            else f"Python module '{top}' is not installed for {executable} (Python {version})")
    return (f"error: {what}.\n"
            "main.py needs the project's virtual environment: run `make setup` once, then use `.venv/bin/python "
            "main.py ...` (or `make synth`, or activate it with `. .venv/bin/activate`).")
