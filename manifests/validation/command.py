"""`validate`: all layers over rendered environments or any manifest files and folders.

    python main.py validate                 every environment: dist/<env>/, with its config's external objects
    python main.py validate --env prod      one environment
    python main.py validate a.yaml some/dir any manifests (references outside them are warnings)

Exit codes: 0 no error, 1 errors found, 2 the command could not run (missing path, unknown environment).
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path
from typing import IO

from config import ENVIRONMENTS_DIR, load_environment
from config.external import ObjectKey, declared_external
from manifests.validation import (
    app_of_apps,
    cloud_identity,
    components,
    config_files,
    first_sync,
    flink_keys,
    flink_parallelism,
    flink_pods,
    flink_standalone,
    iceberg_env_references,
    log_shipping,
    metrics,
    node_pools,
    presync_secrets,
    references,
    rollout,
    rules,
    spark_submission,
    spark_webhook,
    suspended,
)
from manifests.validation.manifests import load, yaml_files
from manifests.validation.report import Finding, Layer, Level, Manifest, Report, finding
from manifests.validation.strict_schemas import SchemaStore, core_file_name, crd_file_name

KUBECONFORM_TIMEOUT = 600
"""Seconds kubeconform may take over the files before it is ended (and its run is an error)."""


def kubeconform_command(binary: str, schema_dir: Path, version: str, files: list[Path]) -> list[str]:
    """The kubeconform invocation over the exported schemas (also documented for users' CI)."""
    return [binary, "-strict", "-summary", "-output", "json", "-kubernetes-version", version,
            "-schema-location", f"{schema_dir}/{{{{ .NormalizedKubernetesVersion }}}}-standalone{{{{ .StrictSuffix }}}}"
                                "/{{ .ResourceKind }}{{ .KindSuffix }}.json",
            "-schema-location", f"{schema_dir}/{{{{ .Group }}}}/{{{{ .ResourceKind }}}}_{{{{ .ResourceAPIVersion }}}}.json",
            *map(str, files)]


class KubeconformRun:
    """kubeconform started over `files` (which hold `objects` objects), writing into temporary files so it never waits
    on a full pipe while the other layers run; `findings()` waits for it and reads its result, `stop()` kills it.

    Its findings: its invalid and error results, and an error finding for a run that did not check them all: the
    binary could not be started (not built, not executable), it ran out of time (`KUBECONFORM_TIMEOUT`, counted from
    the wait), printed no JSON summary (a crash), exited otherwise than its results say (kubeconform v0.7.0
    cmd/kubeconform/main.go: exit 1 when a resource is invalid or an error, else 0), or its summary counts fewer
    valid, invalid and error resources than `objects` (pkg/output/json.go: `summary` counts every resource but the
    empty ones)."""

    def __init__(self, binary: str, store: SchemaStore, files: list[Path], objects: int) -> None:
        self.binary, self.objects = binary, objects
        self.stdout, self.stderr = tempfile.TemporaryFile(), tempfile.TemporaryFile()
        self.process: subprocess.Popen[bytes] | None = None
        self.failure: str | None = None
        try:
            self.process = subprocess.Popen(kubeconform_command(binary, store.directory, store.version, files),
                                            stdout=self.stdout, stderr=self.stderr)
        except OSError as error:
            self.failure = (f"could not run {binary}: {error.strerror or error} (build it with "
                            "`make judge-kubeconform`, or pass --no-kubeconform)")

    def stop(self) -> None:
        """Kill the run (when a layer failed) and close its files."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.stdout.close()
        self.stderr.close()

    def findings(self) -> list[Finding]:
        """Wait for the run and return its findings (see the class)."""
        try:
            return self._findings()
        finally:
            self.stop()

    def _findings(self) -> list[Finding]:
        binary = self.binary
        if self.process is None:
            return [_kubeconform_error(self.failure or f"could not run {binary}")]
        try:
            returncode = self.process.wait(timeout=KUBECONFORM_TIMEOUT)
        except subprocess.TimeoutExpired:
            return [_kubeconform_error(f"{binary} did not finish in {KUBECONFORM_TIMEOUT} s")]
        stdout, stderr = (self._read(self.stdout), self._read(self.stderr))
        return _kubeconform_result(binary, self.objects, returncode, stdout, stderr)

    @staticmethod
    def _read(file: IO[bytes]) -> str:
        file.seek(0)
        return file.read().decode(errors="replace")


def _kubeconform_result(binary: str, objects: int, returncode: int, stdout: str, stderr: str) -> list[Finding]:
    """The findings of a finished kubeconform run (its exit code and output; `KubeconformRun`)."""
    said = (stderr.strip() or stdout.strip() or "no output").splitlines()[-5:]
    try:
        output = json.loads(stdout)
        counts = {key: int(output["summary"][key]) for key in ("valid", "invalid", "errors", "skipped")}
        results = list(output["resources"])
    except (ValueError, KeyError, TypeError):
        return [_kubeconform_error(f"{binary} exited {returncode} without its JSON summary: "
                                   + " / ".join(said))]
    findings = []
    for item in results:
        if item.get("status") in ("statusInvalid", "statusError"):
            obj = f"{item.get('kind')}/{item.get('name')}"
            findings.append(Finding(item.get("filename", "?"), obj, "-", item.get("msg", "").strip(),
                                    Level.ERROR, Layer.KUBECONFORM))
    failed = counts["invalid"] + counts["errors"]
    if returncode != (1 if failed else 0):
        findings.append(_kubeconform_error(f"{binary} exited {returncode} with the summary {counts}: "
                                           + " / ".join(said)))
    if counts["valid"] + failed < objects:
        findings.append(_kubeconform_error(f"kubeconform checked {counts['valid'] + failed} of the {objects} "
                                           f"objects (summary {counts})"))
    return findings


def _kubeconform_error(message: str) -> Finding:
    """An error finding about the kubeconform run itself (no file or object of its own)."""
    return Finding("-", "-", "-", message, Level.ERROR, Layer.KUBECONFORM)


def schema_findings(manifests: list[Manifest], store: SchemaStore) -> list[Finding]:
    """Layer 3/4 findings; an object with no known schema is an error (strict)."""
    findings = []
    for m in manifests:
        errors = store.errors(m.obj)
        if errors is None:
            findings.append(finding(m, "-", f"no schema for {m.obj.get('apiVersion')} {m.kind} (looked for "
                                    f"{core_file_name(str(m.obj.get('apiVersion')), m.kind)} and "
                                    f"{crd_file_name(str(m.obj.get('apiVersion')), m.kind)})", Layer.SCHEMA))
            continue
        findings += [finding(m, path, message, Layer.SCHEMA) for path, message in errors]
    return findings


def validate(files: list[Path], store: SchemaStore, *, external: dict[ObjectKey, str], partial: bool,
             kubeconform: str | None) -> Report:
    """Every layer over `files`; kubeconform too when its binary is given (`KubeconformRun`: a binary that is
    missing or does not check every object is an error finding), else the report's note says it was turned off
    (`--no-kubeconform`). kubeconform runs while the other layers do (its own process), so on two cores its time
    hides behind theirs; its findings still come last. A layer that raises kills the kubeconform run first."""
    manifests, problems = load(files)
    run = KubeconformRun(kubeconform, store, files, len(manifests)) if kubeconform else None
    try:
        report = _layers(manifests, problems, files, store, external=external, partial=partial)
    except BaseException:
        if run is not None:
            run.stop()
        raise
    checked = run.findings() if run is not None else []
    if kubeconform:
        report.findings += checked
        if not any(f.file == "-" for f in checked):  # the run itself went wrong: its finding says how
            report.notes.append(f"kubeconform ran ({kubeconform})")
    else:
        report.notes.append("kubeconform was not run: --no-kubeconform")
    return report


def _layers(manifests: list[Manifest], problems: list[Finding], files: list[Path], store: SchemaStore, *,
            external: dict[ObjectKey, str], partial: bool) -> Report:
    """The report of every layer but kubeconform over `manifests` (read from `files`, with their `problems`)."""
    report = Report(findings=problems, objects=len(manifests), files=len(files))
    report.findings += schema_findings(manifests, store)
    report.findings += rules.check(manifests)
    report.findings += references.check(manifests, external, partial=partial)
    report.findings += presync_secrets.check(manifests, external)
    report.findings += iceberg_env_references.check(manifests)
    report.findings += config_files.check(manifests)
    for runtime_check in (first_sync.check, app_of_apps.check, rollout.check, cloud_identity.check,
                          components.check, metrics.check, spark_webhook.check, spark_submission.check,
                          flink_standalone.check, flink_pods.check, flink_parallelism.check, flink_keys.check,
                          log_shipping.check, suspended.check):
        report.findings += runtime_check(manifests)
    report.findings += node_pools.check(manifests, partial=partial)
    return report


def validate_environments(envs: list[str], dist: Path, store: SchemaStore, kubeconform: str | None, *,
                          config_dir: Path = ENVIRONMENTS_DIR) -> Report:
    """Validate `dist/<env>/` for each of `envs`, references checked against each env's declared externals.

    Raises:
        FileNotFoundError: `dist/<env>` does not exist (run `make synth ENV=<env>`).
        ConfigError: unknown environment or invalid config.
    """
    total = Report()
    for env in envs:
        config = load_environment(env, config_dir)  # an unknown environment fails here, naming the known ones
        directory = dist / env
        if not directory.is_dir():
            raise FileNotFoundError(f"{directory}: not rendered (run `make synth ENV={env}`)")
        report = validate(yaml_files([directory]), store, external=declared_external(config),
                          partial=False, kubeconform=kubeconform)
        total.findings += report.findings
        total.objects += report.objects
        total.files += report.files
        total.notes = report.notes
    return total


def validate_paths(paths: list[Path], store: SchemaStore, kubeconform: str | None) -> Report:
    """Validate any manifest files and folders; references outside them are warnings.

    Raises:
        FileNotFoundError: a path does not exist.
    """
    return validate(yaml_files(paths), store, external={}, partial=True, kubeconform=kubeconform)
