"""The Fluss judge: the pinned Fluss release boots from the rendered `server.yaml` (issue 19, item 4).

The real CoordinatorServer and TabletServer (`org.apache.fluss:fluss-server`, `upstream.capabilities.FLUSS.version`)
start in one JVM (`judges/fluss`, `FlussBootJudge`) with an embedded ZooKeeper 3.8, against loopback stand-ins for
what the cluster provides: an S3-compatible store and STS (moto's server mode) and Polaris' token and config
endpoints (`tests.fake_polaris`, which the coordinator's Iceberg REST catalog calls at start:
`LakeCatalogDynamicLoader` builds it eagerly, apache/fluss v0.9.1-incubating
fluss-server/.../coordinator/LakeCatalogDynamicLoader.java:52-58, and Iceberg's RESTCatalog fetches a token and
`/v1/config` in `initialize`).

Each server's `server.yaml` is what its pod would run with: the ConfigMap's file, then the lines the container's own
start script appends (the rendered `/bin/sh -c` script runs, with the pod's downward-API values on loopback), then
`loopback_overrides`, the one place that changes a key, each with its reason.

Build (once per machine and version): `build_judge` runs Maven on `judges/fluss/pom.xml` into
`$LAKEHOUSE_JUDGES_CACHE/fluss-<version>` (default `~/.cache/lakehouse-judges`) and fetches the two Fluss plugin jars
whose parent POMs the registry mirror lacks. `make judge-fluss` does the same from the command line.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from manifests.judges import cache_dir
from manifests.tree import config_entries
from tests.judges import sources_digest
from upstream import capabilities

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "judges" / "fluss"
VERSION = capabilities.FLUSS.version
MAVEN_REPOSITORY = os.environ.get("LAKEHOUSE_MAVEN_REPOSITORY", "https://repo.maven.apache.org/maven2")
"""Where the plugin jars that Maven cannot resolve come from (the registry Maven itself uses by default)."""

IMAGE_ARTIFACTS = ROOT / "images" / "fluss" / "artifacts.txt"
"""What the platform's Fluss image adds to apache/fluss (`url destination` lines, destinations under /opt/fluss)."""

DIST_PLUGINS = {"plugins/s3": "fluss-fs-s3", "plugins/iceberg": "fluss-lake-iceberg"}
"""Plugin folder -> the org.apache.fluss artifact the apache/fluss image has there (fluss-dist `plugins.xml`). Fetched
outside Maven: the mirror lacks their parent POMs (`org.apache.fluss:fluss-filesystems` and `fluss-lake` at
0.9.1-incubating answer 404), and Maven refuses an artifact whose parent it cannot resolve. Both jars are shaded."""

SECRET_VALUES = {
    "AWS_ACCESS_KEY_ID": "judge-access-key",
    "AWS_SECRET_ACCESS_KEY": "judge-secret-key",
    "ICEBERG_CATALOG_CREDENTIAL": "judge-client:judge-secret",
}
"""Test values of the Secret-backed variables the Fluss containers read (the Iceberg credential is Iceberg's
`client_id:client_secret`); a Secret-backed variable missing here is an error, so a new one is noticed."""

JAVA_OPTIONS = [
    "-Xmx1g", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
    # fluss-dist bin/fluss-daemon.sh:133 adds it on Java 17+ for Arrow
    "--add-opens=java.base/java.nio=org.apache.arrow.memory.core,ALL-UNNAMED",
]


class JudgeUnavailable(Exception):
    """The judge cannot be built or run on this machine (no Java or Maven, a registry refused an artifact); the
    message says exactly what."""


def judge_home() -> Path:
    """`$LAKEHOUSE_JUDGES_CACHE/fluss-<version>` (default `~/.cache/lakehouse-judges/fluss-<version>`)."""
    return cache_dir() / f"fluss-{VERSION}"


def plugin_jars() -> dict[str, str]:
    """Destination under the Fluss home -> Maven Central URL of every plugin jar the platform's image holds: the
    apache/fluss image's (`DIST_PLUGINS`) and those `images/fluss/artifacts.txt` adds (its URLs, on
    `MAVEN_REPOSITORY` when that is set)."""
    jars = {f"{folder}/{artifact}-{VERSION}.jar": f"{MAVEN_REPOSITORY}/org/apache/fluss/{artifact}/{VERSION}/"
                                                   f"{artifact}-{VERSION}.jar"
            for folder, artifact in DIST_PLUGINS.items()}
    for line in IMAGE_ARTIFACTS.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            url, destination = line.split()
            jars[destination] = re.sub(r"^https://repo1?\.maven\.(apache\.)?org/maven2", MAVEN_REPOSITORY, url)
    return jars


def build_judge(home: Path | None = None) -> Path:
    """Build the judge into `home` (default `judge_home()`) unless a build of the same sources is there; returns
    `home`. Layout: `lib/` (fluss-server, log4j, ZooKeeper), `build/fluss-judge.jar`, and `plugin_jars()` at
    their destinations (`plugins/s3`, `plugins/iceberg`), so the servers load the image's plugin folders.

    Raises:
        JudgeUnavailable: no `java` or `mvn` on PATH, Maven failed (its last output lines), or a plugin jar could
            not be fetched or failed its `.sha1` check (the URL and the error).
    """
    home = home or judge_home()
    stamp = home / ".built"
    digest = sources_digest(SOURCES, IMAGE_ARTIFACTS, salt=VERSION + MAVEN_REPOSITORY)
    if stamp.is_file() and stamp.read_text() == digest:
        return home
    for tool in ("java", "mvn"):
        if shutil.which(tool) is None:
            raise JudgeUnavailable(f"the Fluss judge needs `{tool}` on PATH (Java 17 and Maven 3.8)")
    shutil.rmtree(home / "lib", ignore_errors=True)  # copy-dependencies adds, never removes
    command = ["mvn", "-B", "-q", "-f", str(SOURCES / "pom.xml"), f"-Djudge.home={home}",
               f"-Dfluss.version={VERSION}", "package"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=1800)
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        raise JudgeUnavailable(f"Maven could not build the Fluss judge ({' '.join(command)}):\n{tail}")
    jars = plugin_jars()
    for stale in (home / "plugins").rglob("*") if (home / "plugins").exists() else []:
        if stale.is_file() and str(stale.relative_to(home)) not in jars:
            stale.unlink()  # a jar dropped from the image leaves the judge too
    for destination, url in jars.items():
        if not (home / destination).is_file():
            _fetch(url, home / destination)
    stamp.write_text(digest)
    return home


def _fetch(url: str, target: Path) -> None:
    """Download `url` to `target`, checked against the `.sha1` the repository publishes beside it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    try:
        with urllib.request.urlopen(url + ".sha1", timeout=60) as response:
            expected = response.read().decode().split()[0]
        with urllib.request.urlopen(url, timeout=600) as response, partial.open("wb") as out:
            shutil.copyfileobj(response, out)
    except OSError as error:
        raise JudgeUnavailable(f"could not fetch {url}: {error}") from error
    actual = hashlib.sha1(partial.read_bytes()).hexdigest()
    if actual != expected:
        partial.unlink()
        raise JudgeUnavailable(f"{url}: sha1 {actual} differs from the published {expected}")
    partial.rename(target)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass(frozen=True)
class Loopback:
    """Where the judge's stand-ins listen: `zookeeper_port`, `s3_endpoint` (moto: S3 and STS), `catalog_url`
    (the fake Polaris, `http://127.0.0.1:<port>`), and per server kind the INTERNAL and CLIENT ports."""

    zookeeper_port: int
    s3_endpoint: str
    catalog_url: str
    ports: dict[str, tuple[int, int]] = field(default_factory=lambda: {
        "coordinator": (free_port(), free_port()), "tablet": (free_port(), free_port())})


def loopback_overrides(server: str, rendered: dict[str, str], loopback: Loopback, data_dir: Path) -> dict[str, tuple[str, str]]:
    """Every key of `server.yaml` that the judge changes for `server` (`coordinator` or `tablet`) to run on
    loopback: key -> (new value, why). Keys the rendered file lacks are only added where the pod adds them too
    (the listeners, which the start script appends). Every other key stays as rendered.

    `rendered`: the pod's effective entries (ConfigMap file plus the script's lines).
    """
    internal, client = loopback.ports[server]
    overrides = {
        "zookeeper.address": (f"127.0.0.1:{loopback.zookeeper_port}",
                              "the ensemble's Service name resolves only in the cluster; the judge's ZooKeeper"),
        "bind.listeners": (f"INTERNAL://127.0.0.1:{internal}, CLIENT://127.0.0.1:{client}",
                           "the pod binds its own IP on fixed ports; two servers share loopback here"),
        "advertised.listeners": (f"CLIENT://127.0.0.1:{client}",
                                 "the pod advertises its headless-Service DNS name"),
        "data.dir": (str(data_dir), "the pod's volume mount"),
    }
    loopback_urls = {
        "s3.endpoint": (loopback.s3_endpoint, "the in-cluster store's Service; moto here"),
        "s3.assumed.role.sts.endpoint": (loopback.s3_endpoint, "the in-cluster store's STS; moto here"),
        "datalake.iceberg.s3.endpoint": (loopback.s3_endpoint, "the in-cluster store's Service; moto here"),
        "datalake.iceberg.uri": (f"{loopback.catalog_url}/api/catalog", "Polaris' Service; the fake Polaris here"),
        "datalake.iceberg.oauth2-server-uri": (f"{loopback.catalog_url}/api/catalog/v1/oauth/tokens",
                                               "Polaris' Service; the fake Polaris here"),
    }
    overrides.update({key: value for key, value in loopback_urls.items() if key in rendered})
    return overrides


@dataclass(frozen=True)
class ServerPod:
    """One Fluss server as rendered: its StatefulSet's `name`, `namespace`, main container and the data of the
    ConfigMaps its volumes mount (`mount path -> {file: text}`)."""

    name: str
    namespace: str
    container: dict[str, Any]
    mounted: dict[str, dict[str, str]]


def server_pods(objects: list[dict[str, Any]]) -> dict[str, ServerPod]:
    """`coordinator` and `tablet` -> the rendered Fluss StatefulSets (component label) of `objects`.

    Raises:
        AssertionError: a server kind is missing, or its pod mounts a ConfigMap the render lacks.
    """
    config_maps = {(o["metadata"].get("namespace"), o["metadata"]["name"]): o.get("data") or {}
                   for o in objects if o["kind"] == "ConfigMap"}
    pods: dict[str, ServerPod] = {}
    for obj in objects:
        labels = obj["metadata"].get("labels") or {}
        if obj["kind"] != "StatefulSet" or labels.get("app.kubernetes.io/name") != "fluss":
            continue
        kind = labels.get("app.kubernetes.io/component")
        namespace = obj["metadata"].get("namespace")
        spec = obj["spec"]["template"]["spec"]
        volumes = {v["name"]: v["configMap"]["name"] for v in spec.get("volumes") or [] if v.get("configMap")}
        container = spec["containers"][0]
        mounted = {}
        for mount in container.get("volumeMounts") or []:
            if mount["name"] in volumes:
                key = (namespace, volumes[mount["name"]])
                assert key in config_maps, f"{obj['metadata']['name']} mounts ConfigMap {key[1]}, which is not rendered"
                mounted[mount["mountPath"]] = config_maps[key]
        pods[str(kind)] = ServerPod(obj["metadata"]["name"], str(namespace), container, mounted)
    assert set(pods) == {"coordinator", "tablet"}, f"Fluss StatefulSets by component: {sorted(pods)}"
    return pods


def _pod_env(pod: ServerPod) -> dict[str, str]:
    """The container's environment on loopback: downward-API fields of replica 0, literal values, the test values
    of Secret-backed variables (`SECRET_VALUES`)."""
    fields = {"metadata.name": f"{pod.name}-0", "metadata.namespace": pod.namespace,
              "status.podIP": "127.0.0.1", "status.hostIP": "127.0.0.1"}
    env: dict[str, str] = {}
    for variable in pod.container.get("env") or []:
        name, source = variable["name"], variable.get("valueFrom") or {}
        if "value" in variable:
            env[name] = str(variable["value"])
        elif "fieldRef" in source:
            env[name] = fields[source["fieldRef"]["fieldPath"]]
        elif "secretKeyRef" in source:
            ref = source["secretKeyRef"]
            assert name in SECRET_VALUES, (f"{pod.name}: no test value for {name} (Secret {ref['name']} key "
                                           f"{ref['key']}); add one to SECRET_VALUES")
            env[name] = SECRET_VALUES[name]
    return env


def pod_server_yaml(pod: ServerPod, work: Path) -> tuple[str, dict[str, str]]:
    """The `server.yaml` the pod's container starts with, and the container environment used: the rendered
    start script (`command: [/bin/sh, -c, <script>]`) runs in `work` with the pod's mounts materialized under
    `work/mounts` (the script's mount paths rewritten to them, as the kubelet would mount them), `FLUSS_HOME` =
    `work/home` and a no-op `bin/<server>.sh`, so everything up to its `exec` happens as in the pod.

    Raises:
        AssertionError: the container is not a `/bin/sh -c` script, or the script fails (its stderr).
    """
    command = pod.container.get("command") or []
    assert command[:2] == ["/bin/sh", "-c"] and len(command) == 3, f"{pod.name}: command {command}"
    script = command[2]
    for mount, files in pod.mounted.items():
        local = work / "mounts" / mount.strip("/")
        local.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            (local / name).write_text(text)
        script = script.replace(f"{mount}/", f"{local}/")
    home = work / "home"
    (home / "conf").mkdir(parents=True, exist_ok=True)
    started = re.search(r"exec (bin/[\w.-]+\.sh)", script)
    assert started, f"{pod.name}: the start script does not exec a Fluss start script"
    stub = home / started.group(1)
    stub.parent.mkdir(parents=True, exist_ok=True)
    stub.write_text("#!/bin/sh\nexit 0\n")
    stub.chmod(0o755)
    env = _pod_env(pod)
    done = subprocess.run(["/bin/sh", "-c", script], cwd=home, capture_output=True, text=True, timeout=30,
                          env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "FLUSS_HOME": str(home), **env})
    assert done.returncode == 0, f"{pod.name}: the start script failed: {done.stderr.strip()}"
    return (home / "conf" / "server.yaml").read_text(), env


def apply_overrides(text: str, overrides: dict[str, tuple[str, str]]) -> str:
    """`text` (flat `key: value` lines) with each overridden key's last line replaced, and the other overridden
    keys appended; later lines win in Fluss' own parser (GlobalConfiguration.loadYAMLResource), so earlier
    duplicates of a key are dropped."""
    lines = text.splitlines()
    last = {key: index for index, (key, _) in ((i, _entry(line)) for i, line in enumerate(lines)) if key}
    out = []
    for index, line in enumerate(lines):
        key, _ = _entry(line)
        if key in overrides:
            if last[key] == index:
                out.append(f"{key}: {overrides[key][0]}")
            continue
        out.append(line)
    out += [f"{key}: {value}" for key, (value, _) in overrides.items() if key not in last]
    return "\n".join(out) + "\n"


def _entry(line: str) -> tuple[str | None, str | None]:
    found = list(config_entries(line, "server.yaml"))
    return found[0] if found else (None, None)


@dataclass(frozen=True)
class Verdict:
    """What the judge reported: `exit_code`; `failures` (`what -> Fluss's message`); the registered `coordinator`
    and `tablets` (`id -> endpoints` as Fluss prints them); `remote_write` (the probe's URI or None); `token`
    (the security token's additional infos, `scheme`, `credentials`); `log` (the servers' log file)."""

    exit_code: int
    failures: dict[str, str]
    coordinator: str | None
    tablets: dict[str, str]
    remote_write: str | None
    token: dict[str, str]
    log: Path

    def log_tail(self, lines: int = 40) -> str:
        """The last `lines` lines of the servers' log."""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:]) if self.log.is_file() else ""


def parse_report(exit_code: int, stdout: str, log: Path) -> Verdict:
    """The `Verdict` of the judge's stdout lines (`FlussBootJudge`'s report format)."""
    failures, tablets, token = {}, {}, {}
    coordinator = remote = None
    for line in stdout.splitlines():
        word, _, rest = line.partition(" ")
        if word == "FAILED":
            what, _, message = rest.partition(": ")
            failures[what] = message
        elif word == "COORDINATOR":
            coordinator = rest
        elif word == "TABLET":
            tablet_id, _, endpoints = rest.partition(" ")
            tablets[tablet_id] = endpoints
        elif word == "REMOTE-WRITE":
            remote = rest
        elif word == "TOKEN":
            token = dict(item.split("=", 1) for item in rest.split())
        elif word == "NOT-REGISTERED":
            failures["registration"] = rest
    return Verdict(exit_code, failures, coordinator, tablets, remote, token, log)


def run_judge(home: Path, objects: list[dict[str, Any]], loopback: Loopback, work: Path,
              timeout_seconds: int = 60) -> Verdict:
    """Boot both Fluss servers of the rendered `objects` on `loopback` and return the judge's `Verdict`.

    Writes `work/<server>/home/conf/server.yaml` (the effective file, overrides applied) and
    `work/<server>/overrides.txt` (each override and why); the servers' log is `work/fluss.log`.

    Raises:
        AssertionError: the render has no Fluss servers, or a start script fails.
        subprocess.TimeoutExpired: the judge did not finish in `timeout_seconds` plus two minutes.
    """
    conf_dirs = {}
    env: dict[str, str] = {}
    for server, pod in server_pods(objects).items():
        server_work = work / server
        text, pod_env = pod_server_yaml(pod, server_work)
        env.update(pod_env)
        overrides = loopback_overrides(server, dict(config_entries(text, "server.yaml")), loopback, server_work / "data")
        conf = server_work / "home" / "conf"
        (conf / "server.yaml").write_text(apply_overrides(text, overrides))
        (server_work / "overrides.txt").write_text("".join(f"{k}: {v}  # {why}\n" for k, (v, why) in overrides.items()))
        conf_dirs[server] = conf
    log = work / "fluss.log"
    classpath = os.pathsep.join([str(home / "build" / "fluss-judge.jar"), str(home / "lib" / "*")])
    command = ["java", *JAVA_OPTIONS, f"-Dlog4j2.configurationFile={SOURCES / 'log4j2-judge.properties'}",
               f"-Dfluss.judge.log={log}", "-cp", classpath, "lakehouse.judges.fluss.FlussBootJudge",
               "--work-dir", str(work), "--zookeeper-port", str(loopback.zookeeper_port),
               "--coordinator-conf", str(conf_dirs["coordinator"]), "--tablet-conf", str(conf_dirs["tablet"]),
               "--timeout-seconds", str(timeout_seconds)]
    # The container's variables (region, keys, the catalog credential the Iceberg catalog resolves with env:)
    # plus where the plugins are (bin/config.sh exports FLUSS_PLUGINS_DIR=$FLUSS_HOME/plugins).
    process_env = {**os.environ, **env, "FLUSS_PLUGINS_DIR": str(home / "plugins")}
    done = subprocess.run(command, capture_output=True, text=True, env=process_env, timeout=timeout_seconds + 120)
    (work / "judge.stderr").write_text(done.stderr)
    return parse_report(done.returncode, done.stdout, log)


def boot_problems(verdict: Verdict) -> Iterator[str]:
    """Why `verdict` is not a clean boot: Fluss's own messages first, then what is missing."""
    for what, message in verdict.failures.items():
        yield f"{what}: {message}"
    if verdict.exit_code != 0 and not verdict.failures:
        yield f"the judge exited {verdict.exit_code}; servers' log:\n{verdict.log_tail()}"


def main() -> int:
    """`python -m tests.judges.fluss_judge`: build the judge (make judge-fluss); prints where it is."""
    try:
        print(build_judge())
    except JudgeUnavailable as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
