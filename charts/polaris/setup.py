"""Declarative Polaris setup: realm bootstrap and catalog setup as Jobs, re-run on every sync.

1. `RealmBootstrap`: the Polaris admin tool bootstraps the realm and the root principal in PostgreSQL
   (credentials from Secrets); a realm that is already bootstrapped counts as success.
   https://polaris.apache.org/releases/1.3.0/admin-tool/
2. `CatalogSetup`: a POSIX shell script (`catalog-setup.sh`, curl only, no Python in the cluster)
   applies the desired state rendered from `SetupProps` (`plan`): catalogs, principal roles,
   catalog roles, catalog grants, role assignments, principals. Requests follow the Polaris 1.3 management
   API (`polaris-management-service.yml`); "already exists" is success; it retries while Polaris starts.
   Each request's body is a file of the setup ConfigMap named after what it creates (`1-catalog.<catalog>.json`,
   ...; `request_file`), its number the phase, so adding a catalog or a principal adds files and lines of
   `requests.tsv` and changes no other file.
   The consumer principal's generated credentials are written by the Job, as `clientId:clientSecret`,
   into the client-credential Secret of the fluss, flink and spark namespaces (RBAC limited to that Secret,
   except `create`, which Kubernetes cannot restrict by name).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import constructs
from cdk8s_plus_27 import k8s

from charts.blocks import container_env as env
from charts.blocks import pod_security
from charts.blocks.metadata import Component, SyncWave, image_tag, object_meta
from charts.blocks.rbac import Rule, binding, role
from charts.blocks.s3 import S3Access
from charts.blocks.secrets import SecretKeyRef
from charts.blocks.workloads import config_map, config_map_volume, empty_dir, pod_template, resources
from charts.polaris.server import DEFAULT_CATALOG, Polaris
from config.catalog_model import CatalogRoleSpec, CatalogSpec, PrincipalSpec, catalog_model_problems
from upstream.argo_cd import SYNC_HOOK

SCRIPT = Path(__file__).parent / "catalog-setup.sh"
SETUP_DIR = "/etc/polaris-setup"
JOB_TTL_SECONDS = 24 * 3600
DEFAULT_PRINCIPAL_ROLE = "rf_dev_etl"


@dataclass(frozen=True)
class SetupProps:
    """The realm bootstrap and the catalog setup: the desired state of the realm (a closed model: every name it
    refers to is declared in it) and what the Jobs run with.

    Attributes:
        admin_tool_image: the Polaris admin tool (realm bootstrap, https://polaris.apache.org/releases/1.3.0/admin-tool/).
        client_image: an image with `/bin/sh` and curl, for `catalog-setup.sh`.
        root_client_id, root_client_secret: Secret keys (namespace of Polaris) of the root principal's credential,
            which the bootstrap creates and the catalog setup logs in with.
        consumer_principal: the principal whose generated credential the catalog setup writes, as
            `clientId:clientSecret`, into the clients' credential Secret (`ServerProps.client_credential`) of each
            consumer namespace.
        catalogs: INTERNAL catalogs on S3, each under `base_path` of the Iceberg bucket.
        principal_roles: principal role names.
        catalog_roles: catalog roles with their catalog-level privileges (Polaris `CatalogPrivilege`) and the principal
            roles they are granted to.
        principals: principals and the principal roles assigned to them.

    Raises:
        ValueError: a catalog role of an undeclared catalog, an undeclared principal role, or a consumer principal that
            is not one of `principals` (the catalog setup would fail against Polaris or write no credential).
    """

    admin_tool_image: str = "apache/polaris-admin-tool:1.3.0-incubating"
    client_image: str = "curlimages/curl:8.11.1"
    root_client_id: SecretKeyRef = SecretKeyRef("polaris-root-credentials", "client-id")
    root_client_secret: SecretKeyRef = SecretKeyRef("polaris-root-credentials", "client-secret")
    consumer_principal: str = "fluss_user"
    catalogs: tuple[CatalogSpec, ...] = (CatalogSpec(DEFAULT_CATALOG, "", None),)
    principal_roles: tuple[str, ...] = (DEFAULT_PRINCIPAL_ROLE,)
    catalog_roles: tuple[CatalogRoleSpec, ...] = (
        CatalogRoleSpec(DEFAULT_CATALOG, "rt_dev_catalog_full", ("CATALOG_MANAGE_CONTENT",), (DEFAULT_PRINCIPAL_ROLE,)),)
    principals: tuple[PrincipalSpec, ...] = (PrincipalSpec("fluss_user", (DEFAULT_PRINCIPAL_ROLE,)),)

    def __post_init__(self) -> None:
        problems = [f"{p.path}: {p.message}" for p in catalog_model_problems(
            self.catalogs, self.principal_roles, self.catalog_roles, self.principals, self.consumer_principal)]
        if problems:
            raise ValueError(f"Polaris setup: {'; '.join(problems)}")


@dataclass(frozen=True)
class Request:
    """One management API request of the desired state: `kind` is `create` or `principal` (see the script); `file`
    names its body in the setup ConfigMap (`request_file`)."""

    method: str
    path: str
    body: dict[str, Any]
    file: str
    kind: str = "create"


CONFIG_MAP_KEY_MAX = 253
"""Longest ConfigMap data key: k8s.io/apimachinery pkg/util/validation/validation.go `IsConfigMapKey` (at most
DNS1123SubdomainMaxLength, 253, characters of `[-._a-zA-Z0-9]`)."""


def request_file(phase: int, what: str, *names: str) -> str:
    """The body file of a request: `<phase>-<what>.<name>[.<name>...].json`, e.g. `1-catalog.lake.json`,
    `4-catalog-grant.lake.reader.TABLE_READ_DATA.json`. Names are Polaris entity names (`[A-Za-z0-9_-]`, the config
    schema), so `.` separates them without ambiguity and the key is a valid ConfigMap key; `phase` (1-9) sorts the
    files in the order the setup applies them. A key longer than CONFIG_MAP_KEY_MAX (names of up to 256 characters)
    is cut and ends in 16 hex digits of its SHA-256, so it stays unique and stable."""
    key = ".".join((f"{phase}-{what}", *names, "json"))
    if len(key) <= CONFIG_MAP_KEY_MAX:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return f"{key[:CONFIG_MAP_KEY_MAX - len(digest) - 6]}.{digest}.json"


def _seg(name: str) -> str:
    return quote(name, safe="")


def plan(setup: SetupProps, s3: S3Access) -> list[Request]:
    """The desired state as requests in the order they apply (bodies per the Polaris 1.3 management API), phase by
    phase, so each refers only to what an earlier one created: catalogs, principal roles, catalog roles, their
    grants, catalog roles granted to principal roles, principals, principal roles assigned to principals."""
    requests: list[Request] = []
    for catalog in setup.catalogs:
        location = s3.uri(s3.buckets.iceberg, catalog.base_path)
        storage: dict[str, Any] = {"storageType": "S3", "allowedLocations": [location], "region": s3.region}
        if catalog.role_arn:
            storage["roleArn"] = catalog.role_arn
        if s3.endpoint:
            storage.update({"endpoint": s3.endpoint, "pathStyleAccess": s3.path_style, "stsUnavailable": True})
        requests.append(Request("POST", "/catalogs", {"catalog": {
            "name": catalog.name, "type": "INTERNAL",
            "properties": {"default-base-location": location}, "storageConfigInfo": storage}},
            request_file(1, "catalog", catalog.name)))
    for name in setup.principal_roles:
        requests.append(Request("POST", "/principal-roles", {"principalRole": {"name": name}},
                                request_file(2, "principal-role", name)))
    for catalog_role in setup.catalog_roles:
        requests.append(Request("POST", f"/catalogs/{_seg(catalog_role.catalog)}/catalog-roles",
                                {"catalogRole": {"name": catalog_role.name}},
                                request_file(3, "catalog-role", catalog_role.catalog, catalog_role.name)))
    for catalog_role in setup.catalog_roles:
        for privilege in catalog_role.privileges:
            requests.append(Request(
                "PUT", f"/catalogs/{_seg(catalog_role.catalog)}/catalog-roles/{_seg(catalog_role.name)}/grants",
                {"grant": {"type": "catalog", "privilege": privilege}},
                request_file(4, "catalog-grant", catalog_role.catalog, catalog_role.name, privilege)))
    for catalog_role in setup.catalog_roles:
        for principal_role in catalog_role.principal_roles:
            requests.append(Request(
                "PUT", f"/principal-roles/{_seg(principal_role)}/catalog-roles/{_seg(catalog_role.catalog)}",
                {"catalogRole": {"name": catalog_role.name}},
                request_file(5, "catalog-role-grant", principal_role, catalog_role.catalog, catalog_role.name)))
    for principal in setup.principals:
        kind = "principal" if principal.name == setup.consumer_principal else "create"
        requests.append(Request("POST", "/principals", {"principal": {"name": principal.name},
                                                        "credentialRotationRequired": False},
                                request_file(6, "principal", principal.name), kind))
    for principal in setup.principals:
        for principal_role in principal.principal_roles:
            requests.append(Request("PUT", f"/principals/{_seg(principal.name)}/principal-roles",
                                    {"principalRole": {"name": principal_role}},
                                    request_file(7, "principal-role-grant", principal.name, principal_role)))
    return requests


def desired_state_files(requests: list[Request]) -> dict[str, str]:
    """ConfigMap data: the script, `requests.tsv` (one line per request, in order: method, path, body file, kind)
    and each request's JSON body under its `file`.

    Raises:
        ValueError: two requests with one body file (the same entity declared twice).
    """
    files = {"catalog-setup.sh": SCRIPT.read_text()}
    lines = []
    for request in requests:
        if request.file in files:
            raise ValueError(f"Polaris setup: two requests write {request.file} (an entity declared twice)")
        files[request.file] = json.dumps(request.body, sort_keys=True) + "\n"
        lines.append(f"{request.method}\t{request.path}\t{request.file}\t{request.kind}\n")
    files["requests.tsv"] = "".join(lines)
    return files


class RealmBootstrap(constructs.Construct):
    """A Job running the Polaris admin tool's `bootstrap` for the realm, idempotently.

    Props: `namespace`; `props` (admin tool image, root credential); `polaris`, the server whose realm it
    bootstraps in the database the server persists to.
    """

    def __init__(self, scope: constructs.Construct, id: str, *, namespace: str, props: SetupProps, polaris: Polaris):
        super().__init__(scope, id)
        name = f"{polaris.name}-bootstrap"
        database = polaris.database
        component = Component("polaris", polaris.name, image_tag(props.admin_tool_image), "realm-bootstrap")
        script = (
            "set -u\n"
            'out=$(java -jar /deployments/polaris-admin-tool.jar bootstrap -r "$POLARIS_REALM" '
            '-c "$POLARIS_REALM,$ROOT_CLIENT_ID,$ROOT_CLIENT_SECRET" 2>&1)\n'
            "rc=$?\n"
            'printf "%s\\n" "$out" | grep -v -e "$ROOT_CLIENT_SECRET" || true\n'
            'if [ "$rc" -ne 0 ] && printf "%s" "$out" | grep -q "already been bootstrapped"; then\n'
            '  echo "realm $POLARIS_REALM is already bootstrapped"; exit 0\n'
            "fi\n"
            'exit "$rc"\n'
        )
        run_as = pod_security.POLARIS_ADMIN_TOOL
        container = k8s.Container(
            name="bootstrap",
            image=props.admin_tool_image,
            command=["/bin/sh", "-c", script],
            env=env.core([
                env.Env("POLARIS_REALM", value=polaris.realm),
                env.Env("ROOT_CLIENT_ID", secret=props.root_client_id),
                env.Env("ROOT_CLIENT_SECRET", secret=props.root_client_secret),
                env.Env("polaris.persistence.type", value="relational-jdbc"),
                env.Env("quarkus.datasource.username", secret=database.username),
                env.Env("quarkus.datasource.password", secret=database.password),
                env.Env("quarkus.datasource.jdbc.url", value=database.jdbc_url),
            ]),
            resources=resources({"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}}),
            security_context=pod_security.container_security_context(run_as),
            volume_mounts=[k8s.VolumeMount(name="tmp", mount_path="/tmp")],
        )
        k8s.KubeJob(self, "Job", metadata=object_meta(name, namespace, component, SyncWave.CATALOG,
                                                       extra_annotations=SYNC_HOOK),
                    spec=k8s.JobSpec(backoff_limit=6, ttl_seconds_after_finished=JOB_TTL_SECONDS,
                                     template=pod_template(component, run_as, [container], volumes=[empty_dir("tmp")],
                                                           restart_policy="OnFailure", automount_token=False)))


class CatalogSetup(constructs.Construct):
    """The catalog-setup Job, its ConfigMap (script and desired state), ServiceAccount and Secret-writing RBAC.

    Props: `namespace`; `props`; `polaris`, the server it configures (its API root, realm and the clients'
    credential Secret); `s3`, where the catalogs' storage is; `consumer_namespaces` (where the client-credential
    Secret is written).
    """

    def __init__(self, scope: constructs.Construct, id: str, *, namespace: str, props: SetupProps, polaris: Polaris,
                 s3: S3Access, consumer_namespaces: list[str]):
        super().__init__(scope, id)
        name = f"{polaris.name}-catalog-setup"
        component = Component("polaris", polaris.name, image_tag(props.client_image), "catalog-setup")
        wave = SyncWave.CATALOG_BOOTSTRAP
        desired_state = config_map(self, "ConfigMap", name=name, namespace=namespace, component=component, wave=wave,
                                   data=desired_state_files(plan(props, s3)))
        account = k8s.KubeServiceAccount(self, "ServiceAccount", metadata=object_meta(name, namespace, component, wave))
        credential = polaris.client_credential
        for consumer in consumer_namespaces:
            role(self, f"Role-{consumer}", name=name, namespace=consumer, component=component, wave=wave, rules=[
                Rule(("",), ("secrets",), ("get", "update", "patch"), (credential.name,)),
                Rule(("",), ("secrets",), ("create",)),
            ])
            binding(self, f"RoleBinding-{consumer}", name=name, namespace=consumer, component=component,
                    role_name=name, cluster_role=False, subjects=[(name, namespace)], wave=wave)
        run_as = pod_security.CURL
        container = k8s.Container(
            name="catalog-setup",
            image=props.client_image,
            command=["/bin/sh", f"{SETUP_DIR}/catalog-setup.sh"],
            env=env.core([
                env.Env("POLARIS_URI", value=polaris.base_uri),
                env.Env("POLARIS_REALM", value=polaris.realm),
                env.Env("SETUP_DIR", value=SETUP_DIR),
                env.Env("ROOT_CLIENT_ID", secret=props.root_client_id),
                env.Env("ROOT_CLIENT_SECRET", secret=props.root_client_secret),
                env.Env("CONSUMER_PRINCIPAL", value=props.consumer_principal),
                env.Env("CONSUMER_NAMESPACES", value=" ".join(consumer_namespaces)),
                env.Env("CREDENTIAL_SECRET_NAME", value=credential.name),
                env.Env("CREDENTIAL_SECRET_ITEM", value=credential.key),
            ]),
            resources=resources({"requests": {"cpu": "50m", "memory": "32Mi"}, "limits": {"memory": "64Mi"}}),
            security_context=pod_security.container_security_context(run_as),
            volume_mounts=[k8s.VolumeMount(name="setup", mount_path=SETUP_DIR, read_only=True),
                           k8s.VolumeMount(name="tmp", mount_path="/tmp")],
        )
        volumes = [config_map_volume("setup", desired_state.name), empty_dir("tmp")]
        k8s.KubeJob(self, "Job", metadata=object_meta(name, namespace, component, wave, extra_annotations=SYNC_HOOK),
                    spec=k8s.JobSpec(backoff_limit=4, ttl_seconds_after_finished=JOB_TTL_SECONDS,
                                     template=pod_template(component, run_as, [container], volumes=volumes,
                                                           service_account=account, restart_policy="OnFailure")))
