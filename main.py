"""Entry point: `python main.py COMMAND ...` (`--help` lists the commands; synth of every environment when no
argument is given, which is what `cdk8s synth` runs). See `cli/commands.py` for the commands and exit codes."""

from __future__ import annotations

import os
import sys

# jsii prints a banner on Node 20 (end of life); these machines run Node 20 (see ../shared/DESIGN.md).
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from cli.commands import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
