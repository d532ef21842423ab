"""Entry point: `python main.py COMMAND ...` (`--help` lists the commands; synth of every environment when no
argument is given). See `cli/commands.py` for the commands and exit codes; run with a Python that lacks the
project's dependencies (the system `python3` before or without `make setup`), it says so and exits 2
(`cli/requirements.py`)."""

from __future__ import annotations

import os
import platform
import sys

# jsii prints a banner on Node 20 (end of life); these machines run Node 20 (see ../shared/DESIGN.md).
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")


def run() -> int:
    """`cli.commands.main`, or exit code 2 with a message when a dependency of `make setup` is missing."""
    try:
        from cli.commands import main

        return main()
    except ModuleNotFoundError as error:
        from cli.requirements import missing_dependency

        message = missing_dependency(error, sys.executable, platform.python_version())
        if message is None:
            raise
        print(message, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(run())
