"""The project's command line: `python main.py [synth|validate|diff] ...` (synth when no command is given).

    python main.py [synth] [--env NAME ...] [--outdir DIR] [--config-dir DIR]
    python main.py validate [--env NAME ...] [--kubernetes-version V] [--no-kubeconform] [PATHS ...]
    python main.py diff [--base REF] [--head REF] [--env NAME ...]

Exit codes: synth 0/2; validate 0 (no error), 1 (errors), 2 (could not run); diff 0 (no change),
1 (changes), 2 (could not run). Heavy imports (cdk8s, the generated bindings) happen only for synth.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from charts.config import ENVIRONMENTS_DIR, ConfigError, available_environments

COMMANDS = ("synth", "validate", "diff")


def _synth(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="main.py synth", description="Render environments into <outdir>/<env>/.")
    parser.add_argument("--env", action="append", dest="envs", metavar="NAME",
                        help="environment to render (repeatable; default: all of environments/*.yaml)")
    parser.add_argument("--outdir", default=os.environ.get("CDK8S_OUTDIR", "dist"),
                        help="output directory (default: $CDK8S_OUTDIR or dist)")
    parser.add_argument("--config-dir", type=Path, default=ENVIRONMENTS_DIR,
                        help="directory of <env>.yaml files (default: environments/)")
    args = parser.parse_args(argv)
    from charts.synth import synthesize

    try:
        written = synthesize(args.envs or available_environments(args.config_dir), args.outdir, args.config_dir)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for path in written:
        print(f"synthesized {path}")
    return 0


def _validate(argv: list[str]) -> int:
    from charts.schemas import KUBERNETES_VERSION
    from charts.validation.command import kubeconform_binary, validate_environments, validate_paths
    from charts.validation.schemas import SchemaStore, default_dir

    parser = argparse.ArgumentParser(prog="main.py validate", description="Validate rendered manifests in layers.")
    parser.add_argument("paths", nargs="*", type=Path, help="manifest files or folders (default: dist/<env>/)")
    parser.add_argument("--env", action="append", dest="envs", metavar="NAME",
                        help="environment to validate (repeatable; default: all)")
    parser.add_argument("--dist", type=Path, default=Path("dist"), help="rendered environments (default: dist)")
    parser.add_argument("--kubernetes-version", default=KUBERNETES_VERSION,
                        help=f"Kubernetes schema version (default: {KUBERNETES_VERSION})")
    parser.add_argument("--schema-dir", type=Path, default=None, help="exported schemas (default: build/schemas)")
    parser.add_argument("--no-kubeconform", action="store_true", help="do not run kubeconform even if found")
    args = parser.parse_args(argv)
    try:
        store = SchemaStore(args.schema_dir or default_dir(), args.kubernetes_version)
        kubeconform = None if args.no_kubeconform else kubeconform_binary()
        if args.paths:
            report = validate_paths(args.paths, store, kubeconform)
        else:
            report = validate_environments(args.envs or available_environments(), args.dist, store, kubeconform)
    except (ConfigError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    sys.stdout.write(report.render())
    return report.exit_code


def _diff(argv: list[str]) -> int:
    from charts.diff import main as diff_main

    result: int = diff_main(argv)
    return result


def main(argv: list[str] | None = None) -> int:
    """Dispatch to a command; synth when the first argument is not a command name."""
    args = list(sys.argv[1:] if argv is None else argv)
    command = args.pop(0) if args and args[0] in COMMANDS else "synth"
    return {"synth": _synth, "validate": _validate, "diff": _diff}[command](args)
