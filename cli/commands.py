"""The project's command line, `python main.py COMMAND ...` (synth when no command is given, which is what
`cdk8s synth` runs). `python main.py --help` lists the commands, `python main.py COMMAND --help` their options.

Exit codes: synth 0/2; helm 0/2; import 0/2; validate 0 (no error), 1 (errors), 2 (could not run); diff 0 (no
change), 1 (changes), 2 (could not run), 3 (a certain loss of state, with --fail-on-unsafe); crds, docs, schemas and
judges 0/2. Heavy imports (cdk8s, the generated bindings)
happen only for the commands that render (synth, and diff of the working tree).
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from config import ENVIRONMENTS_DIR, ConfigError, available_environments, load_environment

COMMANDS = ("synth", "helm", "validate", "diff", "import", "crds", "docs", "schemas", "judges")
PROJECT = Path(__file__).resolve().parent.parent
"""The project root: where cdk8s.yaml, node_modules/ and pyproject.toml are."""


def _error(message: object) -> int:
    """Print `message` to stderr, each of its lines as `error: <line>` (a ConfigError holds one problem a line);
    return exit code 2."""
    print("\n".join(f"error: {line}" for line in str(message).splitlines() or [""]), file=sys.stderr)
    return 2


def _is_helm_templates_dir(outdir: Path) -> bool:
    """`cdk8s synth --format helm` runs the app with CDK8S_OUTDIR=<chart>/templates, after writing <chart>/Chart.yaml."""
    return outdir.name == "templates" and (outdir.parent / "Chart.yaml").is_file()


def _copy_for_cdk8s_cli(written: list[Path], cli_outdir: Path) -> None:
    """Copy the rendered `<outdir>/<env>/` folders into cdk8s-cli's output folder (`$CDK8S_OUTDIR`), replacing what
    is there, so that the CLI lists the manifests (and its validation plugins, if configured, read them). The CLI
    deletes that folder before it runs the app and fails when the app did not create it (cdk8s-cli 2.207
    `lib/cli/cmds/synth.js`: `fs.rmSync(outdir)`; `lib/util.js` `synthApp`: "app expected to create")."""
    cli_outdir.mkdir(parents=True, exist_ok=True)
    for folder in written:
        target = cli_outdir / folder.name
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(folder, target)


def _synth(args: argparse.Namespace) -> int:
    from charts.synth import synthesize, synthesize_helm_templates
    from manifests.helm import HelmChartError
    from upstream.file_dialects import LineFileError

    cli_outdir = os.environ.get("CDK8S_OUTDIR")
    try:
        if args.helm_templates:
            if len(args.envs or []) != 1:
                return _error("--helm-templates: a Helm chart holds one environment; give exactly one --env")
            written = synthesize_helm_templates(args.envs[0], args.outdir, args.config_dir)
        elif any(_is_helm_templates_dir(Path(folder)) for folder in (args.outdir, cli_outdir) if folder):
            return _error(f"{cli_outdir or args.outdir} is a Helm chart's templates folder (cdk8s synth --format "
                          "helm): a chart holds one environment; run `make helm ENV=<env>` (python main.py helm "
                          "--env <env>)")
        else:
            written = synthesize(args.envs or available_environments(args.config_dir), args.outdir, args.config_dir)
            if cli_outdir and Path(cli_outdir).resolve() != Path(args.outdir).resolve():
                _copy_for_cdk8s_cli(written, Path(cli_outdir))
    except (ConfigError, HelmChartError, LineFileError) as error:
        return _error(error)
    for path in written:
        print(f"synthesized {path}")
    return 0


def _helm(args: argparse.Namespace) -> int:
    import tomllib

    from manifests.crds import CrdError, write_installed
    from manifests.helm import templates_digest, write_chart_metadata

    envs = args.envs or available_environments(args.config_dir)
    try:
        for env in envs:
            load_environment(env, args.config_dir)  # an unknown or invalid environment fails before cdk8s runs
    except ConfigError as error:
        return _error(error)
    version = args.chart_version or tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]["version"]
    cdk8s = PROJECT / "node_modules" / ".bin" / "cdk8s"
    if not cdk8s.is_file():
        return _error(f"{cdk8s}: the pinned cdk8s-cli is not installed (run `make setup`)")
    env_vars = {**os.environ, "CDK8S_CHECK_UPGRADE": "false", "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
    for env in envs:
        chart = (Path(args.outdir) / env).resolve()
        # -O as in cdk8s.yaml's app (skips the bindings' argument type checks; same output)
        app = shlex.join([sys.executable, "-O", "main.py", "synth", "--helm-templates", "--env", env,
                          "--config-dir", str(args.config_dir.resolve())])
        command = [str(cdk8s), "synth", "--format", "helm", "--chart-version", version, "--output", str(chart),
                   "--app", app]
        result = subprocess.run(command, cwd=PROJECT, env=env_vars, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            sys.stderr.write(result.stdout + result.stderr)
            return _error(f"{env}: cdk8s synth --format helm failed (exit {result.returncode})")
        try:
            write_chart_metadata(chart, name=f"lakehouse-{env}",
                                 description=f"The streaming lakehouse platform, environment {env} (dist/{env}/), "
                                             "rendered by cdk8s",
                                 app_version=templates_digest(chart / "templates"))
            # cdk8s-cli puts cdk8s.yaml's imports into crds/: only the kinds the bindings need. Helm installs crds/
            # before the templates, so it gets every CRD the platform installs (the set of `make install-crds`).
            shutil.rmtree(chart / "crds", ignore_errors=True)
            write_installed(chart / "crds")
        except (ValueError, CrdError) as error:
            return _error(f"{env}: {error}")
        print(f"wrote Helm chart {Path(args.outdir) / env}")
    return 0


def _validate(args: argparse.Namespace) -> int:
    from manifests.judges import kubeconform_path
    from manifests.validation.command import validate_environments, validate_paths
    from manifests.validation.strict_schemas import SchemaStore, SchemaVersionError, default_dir, kubernetes_version

    try:
        store = SchemaStore(args.schema_dir or default_dir(), kubernetes_version(args.kubernetes_version))
        kubeconform = None if args.no_kubeconform else str(kubeconform_path())
        if args.paths:
            report = validate_paths(args.paths, store, kubeconform)
        else:
            report = validate_environments(args.envs or available_environments(args.config_dir), args.dist, store,
                                           kubeconform, config_dir=args.config_dir)
    except (ConfigError, FileNotFoundError, SchemaVersionError) as error:
        return _error(error)
    sys.stdout.write(report.render())
    return report.exit_code


def _diff(args: argparse.Namespace) -> int:
    from manifests.diff import DiffError, compare, objects_in_directory, render, render_markdown, rendered_at_ref
    from manifests.state_safety import check

    try:
        base = rendered_at_ref(args.base, args.envs)
        if args.head:
            head = rendered_at_ref(args.head, args.envs)
        else:
            from charts.synth import synthesize

            envs = args.envs or available_environments(args.config_dir)
            with tempfile.TemporaryDirectory() as out:
                synthesize(envs, out, args.config_dir)
                head = objects_in_directory(Path(out), envs)
    except (DiffError, ConfigError) as error:
        return _error(error)
    changes = compare(base, head, unified=args.unified)
    findings = check(base, head)
    loss = [finding.line for finding in findings if finding.certain]
    review = [finding.line for finding in findings if not finding.certain]
    sys.stdout.write((render_markdown if args.format == "markdown" else render)(changes, loss, review))
    return 3 if loss and args.fail_on_unsafe else 1 if changes else 0


def _import(args: argparse.Namespace) -> int:
    import yaml

    from config.environment_edit import fragment_text, merge_into
    from manifests.manifest_import.documents import import_manifests

    documents = []
    for path in args.files:
        try:
            documents += [d for d in yaml.safe_load_all(path.read_text()) if isinstance(d, dict)]
        except OSError as error:
            return _error(f"{path}: cannot read: {error}")
        except yaml.YAMLError as error:
            return _error(f"{path}: not valid YAML: {error}")
    imported = import_manifests(documents)
    for note in imported.notes:
        print(f"note: {note}", file=sys.stderr)
    if args.into is None:
        sys.stdout.write(fragment_text(imported.fragment()))
        return 0
    try:
        merge_into(args.into, imported.fragment())
    except ConfigError as error:
        return _error(error)
    print(f"merged into {args.into}: {_count(imported.fragment())}")
    return 0


def _count(fragment: dict[str, dict[str, list[object]]]) -> str:
    """`2 flink.deployments, 1 spark.applications`: how many entries of each list a fragment adds."""
    return ", ".join(f"{len(items)} {section}.{key}" for section, lists in fragment.items()
                     for key, items in lists.items()) or "nothing"


def _crds(args: argparse.Namespace) -> int:
    from manifests.crds import CrdError, cert_manager_command, install_command, prepare

    kubectl = os.environ.get("KUBECTL", "kubectl")
    if args.action == "strip-casts":
        from manifests.bindings import strip_runtime_casts

        print(f"rewrote {strip_runtime_casts(args.out_dir or Path('imports'))} typing.cast lines")
        return 0
    try:
        if args.action == "prepare":
            for path in prepare(args.out_dir or Path("build/crds")):
                print(f"prepared {path}")
            return 0
        if args.action == "install":
            command = install_command(args.out_dir or Path("build/crds-install"), kubectl)
        else:
            command = cert_manager_command(load_environment(args.env).cert_manager.version, kubectl)
    except (CrdError, ConfigError) as error:
        return _error(error)
    print(" ".join(command))
    return 0 if args.dry_run else subprocess.call(command)


def _docs(args: argparse.Namespace) -> int:
    from config.docs import PAGE, page_with_reference, reference_table
    from config.loading import SCHEMA_PATH, schema
    from config.schema_gen import write_schema

    if args.write:
        if write_schema():  # the schema first: the reference is made from it
            schema.cache_clear()
            print(f"wrote {SCHEMA_PATH.relative_to(Path.cwd()) if SCHEMA_PATH.is_relative_to(Path.cwd()) else SCHEMA_PATH}")
        PAGE.write_text(page_with_reference(PAGE.read_text()))
    else:
        sys.stdout.write(reference_table())
    return 0


def _schemas(args: argparse.Namespace) -> int:
    from manifests.validation.strict_schemas import SchemaVersionError, default_dir, export, kubernetes_version

    try:
        print(export(args.out_dir or default_dir(), kubernetes_version(args.kubernetes_version)))
    except SchemaVersionError as error:
        return _error(error)
    return 0


def _judges(args: argparse.Namespace) -> int:
    from manifests.judges import JudgeError, build_kube_apiserver, build_kubeconform

    builders = {"kube-apiserver": build_kube_apiserver, "kubeconform": build_kubeconform}
    unknown = sorted(set(args.names) - set(builders))
    if unknown:
        return _error(f"unknown judge {', '.join(unknown)} (known: {', '.join(sorted(builders))})")
    for name in args.names or sorted(builders):
        try:
            print(f"{name}: {builders[name]()}")
        except JudgeError as error:
            return _error(f"judge {name}: {error}")
    return 0


def _env_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--env", action="append", dest="envs", metavar="NAME",
                        help=f"environment to {what} (repeatable; default: every environments/*.yaml)")
    parser.add_argument("--config-dir", type=Path, default=ENVIRONMENTS_DIR,
                        help="directory of <env>.yaml files (default: environments/)")


def parser() -> argparse.ArgumentParser:
    """The command-line parser: one sub-command per task."""
    from manifests.crd_schemas import KUBERNETES_VERSION

    root = argparse.ArgumentParser(
        prog="main.py", description="Render, validate and review the streaming lakehouse platform.",
        epilog="Without a command, main.py runs synth (this is what `cdk8s synth` calls).")
    commands = root.add_subparsers(dest="command", metavar="COMMAND", required=True)

    synth = commands.add_parser("synth", help="render environments into <outdir>/<env>/ (atomically)",
                                description="Render environments into <outdir>/<env>/; nothing is written on error.")
    _env_option(synth, "render")
    synth.add_argument("--outdir", default=os.environ.get("CDK8S_OUTDIR", "dist"),
                       help="output directory (default: $CDK8S_OUTDIR or dist); run by cdk8s-cli ($CDK8S_OUTDIR set, "
                            "cdk8s.yaml passes --outdir dist), the rendered folders are also copied into "
                            "$CDK8S_OUTDIR, where the CLI lists them")
    synth.add_argument("--helm-templates", action="store_true",
                       help="write one environment as a Helm chart's templates: its files directly in OUTDIR, "
                            "`{{` escaped, no kustomization.yaml (what `main.py helm` has cdk8s-cli run)")
    synth.set_defaults(run=_synth)

    helm = commands.add_parser(
        "helm", help="write a Helm chart of each environment into <outdir>/<env>/ (cdk8s synth --format helm)",
        description="Write a Helm chart per environment through the pinned cdk8s-cli (`cdk8s synth --format helm`): "
                    "Chart.yaml (name lakehouse-<env>), templates/ (the files of dist/<env>/), crds/ (the pinned "
                    "Flink and Spark operator CRDs, as `make install-crds` applies them; Helm installs them before "
                    "the templates unless --skip-crds, and never upgrades or deletes them).")
    _env_option(helm, "package")
    helm.add_argument("--outdir", default="build/helm", help="output directory (default: build/helm)")
    helm.add_argument("--chart-version", default=None,
                      help="chart version, SemVer (default: the project version of pyproject.toml)")
    helm.set_defaults(run=_helm)

    validate = commands.add_parser("validate", help="validate rendered manifests (schemas, rules, references)",
                                   description="Validate rendered manifests in layers: strict schemas (Kubernetes "
                                               "kinds and the pinned CRDs), the operators' and the platform's rules, "
                                               "references between objects, then kubeconform. Exit 0 when nothing is "
                                               "wrong, 1 on errors, 2 when it could not run.")
    validate.add_argument("paths", nargs="*", type=Path, help="manifest files or folders (default: dist/<env>/)")
    _env_option(validate, "validate")
    validate.add_argument("--dist", type=Path, default=Path("dist"), help="rendered environments (default: dist)")
    validate.add_argument("--kubernetes-version", default=KUBERNETES_VERSION,
                          help=f"Kubernetes schema version, e.g. 1.30 (default: {KUBERNETES_VERSION})")
    validate.add_argument("--schema-dir", type=Path, default=None, help="exported schemas (default: build/schemas)")
    validate.add_argument("--no-kubeconform", action="store_true",
                          help="do not run kubeconform (otherwise the pinned kubeconform of `make judge-kubeconform` "
                               "runs, and one that is not built, fails or checks fewer objects is an error)")
    validate.set_defaults(run=_validate)

    diff = commands.add_parser("diff", help="rendered change between git refs or a ref and the working tree",
                               description="The rendered change, object by object, then the state gate's findings: "
                                           "certain losses of state first, then changes to review (exit 1 when "
                                           "anything changed, 3 with --fail-on-unsafe on a certain loss; see "
                                           "docs/operations/state-safety-gate.md).")
    diff.add_argument("--base", default="HEAD", help="git ref to compare against (default: HEAD)")
    diff.add_argument("--head", default=None, help="git ref to compare (default: the working tree, rendered)")
    _env_option(diff, "compare")
    diff.add_argument("--unified", action="store_true", help="add a unified YAML diff per changed object")
    diff.add_argument("--format", choices=("text", "markdown"), default="text",
                      help="text (default) or markdown, for a pull-request comment "
                           "(docs/operations/state-safety-gate.md)")
    diff.add_argument("--fail-on-unsafe", action="store_true",
                      help="exit 3 on a certain loss of state (a line under `certain loss of state`); changes "
                           "to review are printed and do not fail")
    diff.set_defaults(run=_diff)

    importer = commands.add_parser(
        "import", help="turn existing Flink and Spark manifests into environment config (print it, or --into a file)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Read FlinkDeployment, FlinkSessionJob, FlinkStateSnapshot, SparkApplication and "
                    "ScheduledSparkApplication manifests (multi-document files too; other kinds are noted and "
                    "skipped) and turn them into a `flink:` / `spark:` config fragment that loads and renders the "
                    "same objects. Every input field is in the render with the same value or named in a note on "
                    "stderr (what the platform owns or renders instead, what the config cannot express).",
        epilog="examples:\n"
               "  python main.py import team/orders.yaml                # print the fragment, notes on stderr\n"
               "  python main.py import team/*.yaml --into environments/dev.yaml\n"
               "\nWithout --into the fragment is printed in the environment files' indentation, to paste into a "
               "file that\nhas no flink: or spark: section yet. With --into it is merged into the file: mappings "
               "merged, lists\nappended, only lines added (every line of the file stays as it is); an entry whose "
               "name the file\nholds already is an error, and the file is written only when the result loads as "
               "config.\nExit 0, or 2 (unreadable input, a name clash, a result that does not load; nothing "
               "written).")
    importer.add_argument("files", nargs="+", type=Path, metavar="FILE", help="manifest files (YAML, multi-document)")
    importer.add_argument("--into", type=Path, default=None, metavar="ENV_FILE",
                          help="merge into this environment file in place (e.g. environments/dev.yaml) instead of "
                               "printing")
    importer.set_defaults(run=_import)

    crds = commands.add_parser("crds", help="prepare the pinned CRDs for cdk8s import, or install them",
                               description="The pinned CRDs (upstream/crd_pins.py; read from $CRD_DIR, ../shared/crds or "
                                             "their pinned URLs, sha256 checked): prepare them for `cdk8s import`, "
                                             "apply them to the current cluster (kubectl, server-side), or apply an "
                                             "environment's pinned cert-manager release.")
    crds.add_argument("action", choices=["prepare", "install", "cert-manager", "strip-casts"],
                      help="prepare: one file per API group for `cdk8s import`; install: apply the pinned CRDs with "
                           "kubectl (server-side); cert-manager: apply the environment's pinned cert-manager release; "
                           "strip-casts: drop the run-time typing.cast of the generated bindings in OUT_DIR (imports)")
    crds.add_argument("out_dir", type=Path, nargs="?", default=None,
                      help="where to write the CRD files (default: build/crds for prepare, build/crds-install)")
    crds.add_argument("--env", default="local", help="cert-manager: environment whose pinned version to install")
    crds.add_argument("--dry-run", action="store_true", help="install, cert-manager: print the kubectl command only")
    crds.set_defaults(run=_crds)

    docs = commands.add_parser(
        "docs", help="print the configuration reference (docs/reference/configuration.md), or --write it and "
                     "environments/config.schema.json, generated from the config declarations",
        description="Print the configuration reference (every environment setting: path, type, default, "
                    "description), generated from the settings declared in config/. With --write, write "
                    "environments/config.schema.json from the declarations, then the reference into "
                    "docs/reference/configuration.md.")
    docs.add_argument("--write", action="store_true", help="write environments/config.schema.json and "
                      "docs/reference/configuration.md")
    docs.set_defaults(run=_docs)

    schemas = commands.add_parser(
        "schemas", help="export the strict schemas in kubeconform's layout",
        description="Export standalone strict JSON schemas (the Kubernetes core kinds of one version and the custom "
                    "resources of the pinned CRDs, unknown fields rejected) into OUT_DIR in kubeconform's layout, "
                    "for `kubeconform -schema-location`; prints the folder written.")
    schemas.add_argument("out_dir", type=Path, nargs="?", default=None, help="default: build/schemas")
    schemas.add_argument("--kubernetes-version", default=KUBERNETES_VERSION, help="e.g. 1.30")
    schemas.set_defaults(run=_schemas)

    judges = commands.add_parser(
        "judges", help="build the upstream judges (kube-apiserver and etcd, kubeconform) into the judges cache",
        description="Build the pinned upstream programs from the Go module proxy into $LAKEHOUSE_JUDGES_CACHE "
                    "(default ~/.cache/lakehouse-judges), once per version; a failed build leaves its reason there.")
    judges.add_argument("action", choices=["build"])
    judges.add_argument("names", nargs="*", metavar="NAME",
                        help="kube-apiserver, kubeconform (default: both)")
    judges.set_defaults(run=_judges)
    return root


def main(argv: list[str] | None = None) -> int:
    """Run a command; synth when the first argument is neither a command nor `--help`."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or (args[0] not in COMMANDS and args[0] not in ("-h", "--help")):
        args.insert(0, "synth")
    namespace = parser().parse_args(args)
    result: int = namespace.run(namespace)
    return result
