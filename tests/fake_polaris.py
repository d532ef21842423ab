"""A loopback fake of Polaris 1.3 (token endpoint and the management API the setup script uses) and of
the Kubernetes Secrets API, for running the real catalog-setup script in tests.

Every request is checked against the OpenAPI specs (`tests.polaris_spec`); a violation is recorded in
`violations` and answered with 400. Behaviour switches: `unavailable_token_requests` (answer 503 that many
times first), `fail_path` (answer 500 for requests whose path contains it), `realm_header_required` (a token
request without `Polaris-Realm` is a violation; Polaris itself falls back to its default realm, so Iceberg clients
that send no header are served with it off). Iceberg clients' `GET /api/catalog/v1/config` is answered with empty
defaults and recorded in `config_requests` (its query parameters).
"""

from __future__ import annotations

import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote

from tests.polaris_spec import ICEBERG_REST, check_request, require_specs, spec

REALM = "POLARIS"
TOKEN = "fake-access-token"
SA_TOKEN = "fake-service-account-token"


class FakePolaris:
    """State and behaviour of the fake; `url` is `http://127.0.0.1:<port>`."""

    def __init__(self, root_id: str, root_secret: str):
        require_specs()
        self.root = (root_id, root_secret)
        self.catalogs: dict[str, dict[str, Any]] = {}
        self.principal_roles: set[str] = set()
        self.catalog_roles: set[tuple[str, str]] = set()
        self.grants: set[tuple[str, str, str]] = set()
        self.catalog_role_assignments: set[tuple[str, str, str]] = set()
        self.principals: dict[str, tuple[str, str]] = {}
        self.principal_role_assignments: set[tuple[str, str]] = set()
        self.secrets: dict[tuple[str, str], dict[str, str]] = {}
        self.violations: list[str] = []
        self.creations = 0
        self.unavailable_token_requests = 0
        self.fail_path: str | None = None
        self.realm_header_required = True
        self.config_requests: list[dict[str, str]] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        # serve_forever polls for shutdown every poll_interval (0.5 s by default), which each test waited at exit.
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> FakePolaris:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- routing ---------------------------------------------------------------------------------------
    def handle(self, method: str, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, Any]:
        if path == "/api/catalog/v1/oauth/tokens":
            return self._token(headers, raw)
        if path.partition("?")[0] == "/api/catalog/v1/config":
            return self._catalog_config(path, headers)
        if path.startswith("/api/v1/namespaces/"):
            if headers.get("authorization") != f"Bearer {SA_TOKEN}":
                return 401, {"kind": "Status", "code": 401}
            return self._kube(method, path, raw)
        if not path.startswith("/api/management/v1"):
            return 404, {"error": {"message": f"no route {path}"}}
        if headers.get("authorization") != f"Bearer {TOKEN}":
            return 401, {"error": {"message": "unauthorized", "code": 401}}
        if headers.get("polaris-realm") != REALM:
            self.violations.append(f"{method} {path}: missing Polaris-Realm header")
        if self.fail_path and self.fail_path in path:
            return 500, {"error": {"message": "internal server error", "code": 500}}
        body = json.loads(raw) if raw else None
        api_path = path.removeprefix("/api/management/v1")
        problems = check_request(method, api_path, body)
        if problems:
            self.violations += problems
            return 400, {"error": {"message": "; ".join(problems), "code": 400}}
        return self._management(method, [unquote(p) for p in api_path.strip("/").split("/")], body)

    def _token(self, headers: dict[str, str], raw: bytes) -> tuple[int, Any]:
        if self.unavailable_token_requests > 0:
            self.unavailable_token_requests -= 1
            return 503, {"error": "starting"}
        form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
        problems = check_request("POST", "/v1/oauth/tokens", form, spec(str(ICEBERG_REST)))
        if headers.get("polaris-realm", None if self.realm_header_required else REALM) != REALM:
            problems.append("token request without Polaris-Realm header")
        if form.get("scope") != "PRINCIPAL_ROLE:ALL":
            problems.append(f"token request scope {form.get('scope')!r}")
        if problems:
            self.violations += problems
            return 400, {"error": "invalid_request"}
        if (form.get("client_id"), form.get("client_secret")) != self.root:
            return 401, {"error": "unauthorized_client", "error_description": "invalid client credentials"}
        return 200, {"access_token": TOKEN, "token_type": "bearer", "expires_in": 3600,
                     "issued_token_type": "urn:ietf:params:oauth:token-type:access_token"}

    def _catalog_config(self, path: str, headers: dict[str, str]) -> tuple[int, Any]:
        if headers.get("authorization") != f"Bearer {TOKEN}":
            return 401, {"error": {"message": "unauthorized", "code": 401}}
        problems = check_request("GET", "/v1/config", None, spec(str(ICEBERG_REST)))
        if problems:
            self.violations += problems
            return 400, {"error": {"message": "; ".join(problems), "code": 400}}
        self.config_requests.append({k: v[0] for k, v in parse_qs(path.partition("?")[2]).items()})
        return 200, {"defaults": {}, "overrides": {}}

    def _created(self, collection: set[Any] | dict[Any, Any], key: Any, value: Any = None) -> tuple[int, Any]:
        if key in collection:
            return 409, {"error": {"message": f"{key} already exists", "code": 409}}
        if isinstance(collection, dict):
            collection[key] = value
        else:
            collection.add(key)
        self.creations += 1
        return 201, {}

    def _management(self, method: str, parts: list[str], body: Any) -> tuple[int, Any]:
        if parts == ["catalogs"] and method == "POST":
            return self._created(self.catalogs, body["catalog"]["name"], body["catalog"])
        if parts == ["principal-roles"] and method == "POST":
            return self._created(self.principal_roles, body["principalRole"]["name"])
        if len(parts) == 3 and parts[0] == "catalogs" and parts[2] == "catalog-roles" and method == "POST":
            if parts[1] not in self.catalogs:
                return 404, {"error": {"message": "no such catalog", "code": 404}}
            return self._created(self.catalog_roles, (parts[1], body["catalogRole"]["name"]))
        if len(parts) == 5 and parts[0] == "catalogs" and parts[4] == "grants" and method == "PUT":
            if (parts[1], parts[3]) not in self.catalog_roles:
                return 404, {"error": {"message": "no such catalog role", "code": 404}}
            self.grants.add((parts[1], parts[3], body["grant"]["privilege"]))
            return 201, {}
        if len(parts) == 4 and parts[0] == "principal-roles" and parts[2] == "catalog-roles" and method == "PUT":
            if parts[1] not in self.principal_roles or (parts[3], body["catalogRole"]["name"]) not in self.catalog_roles:
                return 404, {"error": {"message": "no such role", "code": 404}}
            self.catalog_role_assignments.add((parts[1], parts[3], body["catalogRole"]["name"]))
            return 201, {}
        if parts == ["principals"] and method == "POST":
            name = body["principal"]["name"]
            if name in self.principals:
                return 409, {"error": {"message": f"principal {name} already exists", "code": 409}}
            self.principals[name] = (secrets.token_hex(8), secrets.token_hex(16))
            self.creations += 1
            return 201, {"principal": {"name": name, "clientId": self.principals[name][0]},
                         "credentials": {"clientId": self.principals[name][0],
                                         "clientSecret": self.principals[name][1]}}
        if len(parts) == 3 and parts[0] == "principals" and parts[2] == "reset" and method == "POST":
            if parts[1] not in self.principals:
                return 404, {"error": {"message": "no such principal", "code": 404}}
            client_id = self.principals[parts[1]][0]
            self.principals[parts[1]] = (client_id, secrets.token_hex(16))
            return 200, {"principal": {"name": parts[1]},
                         "credentials": {"clientId": client_id, "clientSecret": self.principals[parts[1]][1]}}
        if len(parts) == 3 and parts[0] == "principals" and parts[2] == "principal-roles" and method == "PUT":
            if parts[1] not in self.principals or body["principalRole"]["name"] not in self.principal_roles:
                return 404, {"error": {"message": "no such principal or role", "code": 404}}
            self.principal_role_assignments.add((parts[1], body["principalRole"]["name"]))
            return 201, {}
        self.violations.append(f"{method} /{'/'.join(parts)}: not served by the fake")
        return 404, {"error": {"message": "not found", "code": 404}}

    def _kube(self, method: str, path: str, raw: bytes) -> tuple[int, Any]:
        parts = path.strip("/").split("/")  # api v1 namespaces <ns> secrets [<name>]
        namespace = parts[3]
        if method == "GET" and len(parts) == 6:
            found = self.secrets.get((namespace, parts[5]))
            return (200, {"kind": "Secret"}) if found is not None else (404, {"kind": "Status", "code": 404})
        body = json.loads(raw)
        name = body["metadata"]["name"]
        if method == "PUT" and len(parts) == 6:
            if (namespace, name) not in self.secrets:
                return 404, {"kind": "Status", "code": 404}
            self.secrets[(namespace, name)] = body["stringData"]
            return 200, body
        if method == "POST" and len(parts) == 5:
            self.secrets[(namespace, name)] = body["stringData"]
            return 201, body
        return 405, {"kind": "Status", "code": 405}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, payload = fake.handle(self.command, self.path, headers, raw)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = _serve

            def log_message(self, format: str, *args: Any) -> None:
                return

        return Handler
