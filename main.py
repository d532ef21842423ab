"""Synthesize the platform: `python main.py [--env NAME ...] [--outdir DIR]`.

Without `--env`, every environment in `environments/` is rendered (what `cdk8s synth` runs). Each
environment goes to `<outdir>/<env>/`; nothing is written unless every requested environment builds.
Exit codes: 0 success, 2 configuration error (message on stderr).
"""

from __future__ import annotations

import argparse
import os
import sys

# jsii prints a banner on Node 20 (end of life); these machines run Node 20 (see DESIGN.md).
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from pathlib import Path  # noqa: E402

from charts.config import ENVIRONMENTS_DIR, ConfigError, available_environments  # noqa: E402
from charts.synth import synthesize  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env", action="append", dest="envs", metavar="NAME",
                        help="environment to render (repeatable; default: all of environments/*.yaml)")
    parser.add_argument("--outdir", default=os.environ.get("CDK8S_OUTDIR", "dist"),
                        help="output directory (default: $CDK8S_OUTDIR or dist)")
    parser.add_argument("--config-dir", type=Path, default=ENVIRONMENTS_DIR,
                        help="directory of <env>.yaml files (default: environments/)")
    args = parser.parse_args(argv)
    try:
        written = synthesize(args.envs or available_environments(args.config_dir), args.outdir, args.config_dir)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for path in written:
        print(f"synthesized {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
