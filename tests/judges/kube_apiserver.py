"""A real kube-apiserver with its etcd, started as controller-runtime's envtest starts them, and a small client.

The binaries are the API-server judge of `make judges` (`manifests.judges.kube_apiserver_dir()`: kube-apiserver
and etcd of `upstream.capabilities.KUBERNETES`, built from Go modules by judges/apiserver/build.sh).

Flags, as sigs.k8s.io/controller-runtime v0.21.0 pkg/internal/testing/controlplane starts them:
- etcd (etcd.go, `defaultArgs`): client URL on a free loopback port, a peer URL on another, a data dir in a temp
  dir, `--unsafe-no-fsync`.
- kube-apiserver (apiserver.go, `defaultArgs` and `APIServerDefaultArgs`): `--advertise-address=127.0.0.1`, the
  secure port on a free loopback port (`--bind-address=127.0.0.1`), `--cert-dir` in the temp dir (it writes a
  self-signed serving certificate there), `--service-cluster-ip-range=10.0.0.0/24`, `--allow-privileged=true`,
  `--disable-admission-plugins=ServiceAccount` (no controller creates the default ServiceAccounts),
  `--authorization-mode=RBAC`, and a service-account issuer and key. envtest's admin is a client certificate; here
  it is a static token of the `system:masters` group (`--token-auth-file`), which the kubeconfig carries too.
`--etcd-prefix` separates servers that share one etcd (one per environment: there is no namespace controller, so a
deleted namespace never goes away).

Nothing leaves the machine: `--egress-selector-config-file` sends the server's `cluster` and `controlplane` traffic
(admission webhooks by Service or by URL, the `proxy` subresources, the kubelet) through a Unix socket that does not
exist, so such a call fails locally instead of dialling a Service IP (10.0.0.0/24) or a host name
(k8s.io/apiserver v0.33.13 pkg/util/webhook/authentication.go: a webhook Service dials through the `cluster` egress, a
webhook URL through `controlplane`; pkg/server/egressselector/config.go: HTTPConnect over UDS).
"""

from __future__ import annotations

import copy
import hashlib
import http.client
import json
import re
import secrets
import shutil
import socket
import ssl
import subprocess
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from manifests.judges import built, kube_apiserver_dir

Object = dict[str, Any]
START_TIMEOUT = 90.0
"""Seconds a process may take to become ready before the fixture gives up (the budget is 20 s: bench/ measures)."""

SOURCE_DIGEST = "judge.lakehouse.dev/source-sha256"
"""Annotation of an installed CRD: the SHA-256 of the document it was installed from."""
_WARNING = re.compile(r'^\d{3} \S+ "((?:[^"\\]|\\.)*)"')


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now (envtest's addr.Suggest: bind port 0, read it, close)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(ready: Callable[[], bool], process: subprocess.Popen[bytes], log: Path, what: str,
          timeout: float) -> float:
    """Poll `ready()` until true; seconds taken. Raises RuntimeError with the log's tail if the process exits or
    `timeout` seconds pass."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}:\n{_tail(log)}")
        try:
            if ready():
                return time.monotonic() - start
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{what} not ready after {timeout:.0f} s:\n{_tail(log)}")


def start_process(args: list[str], log: Path, ready: Callable[[], bool], what: str,
                  timeout: float = START_TIMEOUT) -> tuple[subprocess.Popen[bytes], float]:
    """Start `args` (stdout and stderr to `log`) and wait until `ready()`; (the process, seconds to ready).

    A start that fails ends the process before the error propagates (any exception, an interrupt too), so nothing
    outlives a failed start.

    Raises:
        RuntimeError: the process exited or was not ready in `timeout` seconds (the log's tail);
        OSError: it could not be started.
    """
    with log.open("wb") as out:
        process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
    try:
        return process, _wait(ready, process, log, what, timeout)
    except BaseException:
        stop(process)
        raise


def _tail(log: Path, lines: int = 25) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.is_file() else "(no log)"


def stop(process: subprocess.Popen[Any] | None) -> None:
    """End `process` if it runs: SIGTERM, then SIGKILL after 15 s; returns once it is reaped."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=15)


class Etcd:
    """An etcd on loopback with its data in `directory/etcd`; `url` is its client URL. Use as a context manager;
    `start_timeout`: seconds it may take to become healthy (a failed start ends the process and raises RuntimeError)."""

    def __init__(self, directory: Path, start_timeout: float = START_TIMEOUT):
        self.directory = directory
        self.url = f"http://127.0.0.1:{free_port()}"
        self.start_timeout = start_timeout
        self.process: subprocess.Popen[bytes] | None = None
        self.ready_seconds = 0.0

    def __enter__(self) -> Etcd:
        (etcd,) = built(kube_apiserver_dir(), "etcd")
        data, log = self.directory / "etcd", self.directory / "etcd.log"
        args = [str(etcd), "--name", "judge", "--data-dir", str(data), "--listen-client-urls", self.url,
                "--advertise-client-urls", self.url, "--listen-peer-urls", f"http://127.0.0.1:{free_port()}",
                "--unsafe-no-fsync", "--log-level", "warn"]

        def healthy() -> bool:
            connection = http.client.HTTPConnection(self.url.removeprefix("http://"), timeout=2)
            try:
                connection.request("GET", "/health")
                return b'"health":"true"' in connection.getresponse().read()
            finally:
                connection.close()

        self.process, self.ready_seconds = start_process(args, log, healthy, "etcd", self.start_timeout)
        return self

    def __exit__(self, *exc: object) -> None:
        stop(self.process)
        shutil.rmtree(self.directory / "etcd", ignore_errors=True)  # 64 MB of preallocated WAL


@dataclass
class Response:
    """One API response: HTTP `status`, the decoded JSON `body` (a Status on errors) and the `warnings` (the
    texts of the `Warning` headers: Pod Security, deprecations, unknown fields under fieldValidation=Warn)."""

    status: int
    body: Object
    warnings: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        """The API server's own message of an error (the Status' `message`), else ''."""
        return str(self.body.get("message", "")) if self.status >= 400 else ""


class ApiError(Exception):
    """A request the API server refused; `response` holds its Status."""

    def __init__(self, what: str, response: Response):
        super().__init__(f"{what}: HTTP {response.status}: {response.message or response.body}")
        self.response = response


class KubeApiServer:
    """kube-apiserver on loopback over `etcd` (`prefix`: its etcd key prefix), with a `system:masters` token.

    Attributes after start: `url` (https://127.0.0.1:PORT), `token`, `ca_file` (the self-signed serving
    certificate), `kubeconfig` (for kubectl and helm), `ready_seconds` (start to /readyz ok). `start_timeout`: seconds
    it may take to become ready (a failed start ends the process and raises RuntimeError).
    """

    def __init__(self, directory: Path, etcd: Etcd, prefix: str = "/registry", start_timeout: float = START_TIMEOUT):
        self.directory, self.etcd, self.prefix = directory, etcd, prefix
        self.start_timeout = start_timeout
        self.port = free_port()
        self.url = f"https://127.0.0.1:{self.port}"
        self.token = secrets.token_hex(24)
        self.cert_dir = directory / "certs"
        self.ca_file = self.cert_dir / "apiserver.crt"
        self.kubeconfig = directory / "kubeconfig"
        self.log = directory / "kube-apiserver.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.ready_seconds = 0.0
        self._connection: http.client.HTTPSConnection | None = None
        self._resources: dict[str, dict[str, tuple[str, bool]]] = {}

    def __enter__(self) -> KubeApiServer:
        (apiserver,) = built(kube_apiserver_dir(), "kube-apiserver")
        self.cert_dir.mkdir(parents=True, exist_ok=True)
        tokens = self.directory / "tokens.csv"
        tokens.write_text(f'{self.token},judge-admin,judge-admin,"system:masters"\n')
        service_account_key = self._service_account_key()
        egress = self.directory / "egress-selector.yaml"
        egress.write_text(json.dumps(_no_egress(self.directory / "no-egress.sock")))
        args = [
            str(apiserver), "--advertise-address=127.0.0.1", "--bind-address=127.0.0.1", f"--secure-port={self.port}",
            f"--etcd-servers={self.etcd.url}", f"--etcd-prefix={self.prefix}", f"--cert-dir={self.cert_dir}",
            "--service-cluster-ip-range=10.0.0.0/24", "--allow-privileged=true",
            "--disable-admission-plugins=ServiceAccount", "--authorization-mode=RBAC",
            f"--token-auth-file={tokens}", f"--service-account-issuer={self.url}/",
            f"--service-account-key-file={service_account_key}",
            f"--service-account-signing-key-file={service_account_key}",
            f"--egress-selector-config-file={egress}",
        ]
        try:
            self.process, self.ready_seconds = start_process(args, self.log, self._ready, "kube-apiserver",
                                                             self.start_timeout)
            self._write_kubeconfig()
        except BaseException:
            self.__exit__()  # the readiness probe's connection, and the process if it started
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        stop(self.process)

    def _service_account_key(self) -> Path:
        """An RSA key for `--service-account-{key,signing-key}-file` (openssl; envtest makes one in Go)."""
        key = self.cert_dir / "sa.key"
        openssl = shutil.which("openssl")
        if openssl is None:
            raise RuntimeError("openssl is not on PATH: kube-apiserver needs a service-account signing key")
        subprocess.run([openssl, "genrsa", "-out", str(key), "2048"], check=True, capture_output=True)
        return key

    def _ready(self) -> bool:
        if not self.ca_file.is_file():
            return False
        response = self.request("GET", "/readyz")
        return response.status == 200

    def _write_kubeconfig(self) -> None:
        config = {
            "apiVersion": "v1", "kind": "Config", "current-context": "judge",
            "clusters": [{"name": "judge", "cluster": {"server": self.url, "certificate-authority": str(self.ca_file)}}],
            "users": [{"name": "judge-admin", "user": {"token": self.token}}],
            "contexts": [{"name": "judge", "context": {"cluster": "judge", "user": "judge-admin"}}],
        }
        self.kubeconfig.write_text(json.dumps(config))

    # --- requests ---------------------------------------------------------------------------------------------

    def request(self, method: str, path: str, body: Object | None = None, *,
                content_type: str = "application/json", **params: str) -> Response:
        """One request with the admin token; `params` become the query string. Never raises on an HTTP error."""
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        if data is not None:
            headers["Content-Type"] = content_type
        for attempt in (1, 2):  # a kept-alive connection the server closed: reconnect once
            connection = self._connection or self._connect()
            try:
                connection.request(method, path + query, body=data, headers=headers)
                raw = connection.getresponse()
                payload = raw.read()
                break
            except (http.client.HTTPException, ConnectionError):
                connection.close()
                self._connection = None
                if attempt == 2:
                    raise
        warnings = [_warning_text(value) for value in raw.headers.get_all("Warning") or []]
        try:
            decoded = json.loads(payload) if payload else {}
        except json.JSONDecodeError:
            decoded = {"message": payload.decode(errors="replace")}
        return Response(raw.status, decoded if isinstance(decoded, dict) else {"items": decoded}, warnings)

    def _connect(self) -> http.client.HTTPSConnection:
        context = ssl.create_default_context(cafile=str(self.ca_file))
        self._connection = http.client.HTTPSConnection("127.0.0.1", self.port, context=context, timeout=60)
        return self._connection

    def resource(self, api_version: str, kind: str) -> tuple[str, bool] | None:
        """(plural, namespaced) of `kind` in `api_version` from the server's discovery, or None if it serves no
        such kind (a custom resource whose CRD is not installed)."""
        if api_version not in self._resources:
            path = f"/api/{api_version}" if "/" not in api_version else f"/apis/{api_version}"
            response = self.request("GET", path)
            if response.status == 404:
                return None
            if response.status != 200:
                raise ApiError(f"discovery of {api_version}", response)
            self._resources[api_version] = {
                r["kind"]: (r["name"], r["namespaced"]) for r in response.body["resources"] if "/" not in r["name"]}
        return self._resources[api_version].get(kind)

    def forget_discovery(self) -> None:
        """Drop the discovery cache (after installing CRDs)."""
        self._resources.clear()

    def path(self, obj: Object, *, collection: bool = False) -> str:
        """The REST path of `obj` (or of its collection). A kind the server does not serve yields a path under its
        group anyway, so the request gets the server's own 404."""
        api_version, kind, metadata = obj["apiVersion"], obj["kind"], obj.get("metadata", {})
        found = self.resource(api_version, kind)
        plural, namespaced = found if found else (kind.lower() + "s", "namespace" in metadata)
        base = f"/api/{api_version}" if "/" not in api_version else f"/apis/{api_version}"
        if namespaced:
            base += f"/namespaces/{metadata.get('namespace', 'default')}"
        return f"{base}/{plural}" if collection else f"{base}/{plural}/{metadata['name']}"

    def apply(self, obj: Object, *, dry_run: bool = False, manager: str = "argocd-controller") -> Response:
        """Server-side apply of `obj` with strict field validation (unknown or duplicate fields are errors);
        `dry_run`: `dryRun=All` (admission and validation run, nothing is stored)."""
        params = {"fieldManager": manager, "fieldValidation": "Strict"}
        if dry_run:
            params["dryRun"] = "All"
        return self.request("PATCH", self.path(obj), obj, content_type="application/apply-patch+yaml", **params)

    def get(self, obj: Object) -> Response:
        """GET the live object of `obj`."""
        return self.request("GET", self.path(obj))

    def install_crds(self, crds: list[Object], timeout: float = 180.0) -> None:
        """Apply `crds` and wait until each is Established (its kind is then served).

        Raises:
            ApiError: the server refused one; RuntimeError: one did not become Established in `timeout` s.
        """
        for crd in crds:
            # a CRD already installed from the same document is not applied again (a large one costs seconds)
            digest = hashlib.sha256(json.dumps(crd, sort_keys=True).encode()).hexdigest()
            live = self.get(crd).body
            if (live.get("metadata", {}).get("annotations") or {}).get(SOURCE_DIGEST) == digest:
                continue
            stamped = copy.deepcopy(crd)
            stamped["metadata"].setdefault("annotations", {})[SOURCE_DIGEST] = digest
            response = self.apply(stamped, manager="judge-crds")
            if response.status >= 300:
                raise ApiError(f"CustomResourceDefinition {crd['metadata']['name']}", response)
        deadline = time.monotonic() + timeout
        for crd in crds:
            while True:
                live = self.get(crd).body
                conditions = {c["type"]: c["status"] for c in (live.get("status") or {}).get("conditions") or []}
                if conditions.get("Established") == "True":
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"CustomResourceDefinition {crd['metadata']['name']} not Established: "
                                       f"{live.get('status')}")
                time.sleep(0.1)
        self.forget_discovery()

    def delete_crds(self, crds: list[Object], timeout: float = 180.0) -> None:
        """Delete `crds` (their custom resources go with them, removed by the server's own CRD finalizer) and wait
        until they are gone.

        Raises:
            ApiError: the server refused a deletion; RuntimeError: one still exists after `timeout` s.
        """
        for crd in crds:
            response = self.request("DELETE", _crd_path(crd))
            if response.status >= 300 and response.status != 404:
                raise ApiError(f"delete CustomResourceDefinition {crd['metadata']['name']}", response)
        deadline = time.monotonic() + timeout
        for crd in crds:
            while self.request("GET", _crd_path(crd)).status != 404:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"CustomResourceDefinition {crd['metadata']['name']} not deleted")
                time.sleep(0.1)
        self.forget_discovery()


def _crd_path(crd: Object) -> str:
    return f"/apis/apiextensions.k8s.io/v1/customresourcedefinitions/{crd['metadata']['name']}"


def _no_egress(socket_path: Path) -> Object:
    """An EgressSelectorConfiguration that routes `cluster` and `controlplane` traffic to `socket_path`, which is never
    created: every such connection fails on this machine."""
    connection = {"proxyProtocol": "HTTPConnect", "transport": {"uds": {"udsName": str(socket_path)}}}
    return {"apiVersion": "apiserver.k8s.io/v1beta1", "kind": "EgressSelectorConfiguration",
            "egressSelections": [{"name": name, "connection": connection} for name in ("cluster", "controlplane")]}


def _warning_text(header: str) -> str:
    """The text of one `Warning` header (RFC 7234: `299 - "text"`), unescaped."""
    found = _WARNING.match(header)
    return re.sub(r"\\(.)", r"\1", found.group(1)) if found else header
