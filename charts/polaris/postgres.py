"""PostgreSQL for Polaris' relational-JDBC persistence (official `postgres` image, runs as uid 999).

https://hub.docker.com/_/postgres: POSTGRES_USER / POSTGRES_PASSWORD / POSTGRES_DB create the user and
database on first start; PGDATA points to a subdirectory of the volume (a fresh volume may hold `lost+found`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import constructs
from cdk8s_plus_27 import k8s

from charts.blocks import container_env as env
from charts.blocks import pod_security
from charts.blocks.metadata import Component, SyncWave, image_tag
from charts.blocks.secrets import SecretKeyRef
from charts.blocks.workloads import (
    Port,
    empty_dir,
    pod_template,
    pvc_template,
    resources,
    service,
    service_host,
    stateful_set,
)
from config.common import Resources

POSTGRES_PORT = Port("postgres", 5432)
DATA_DIR = "/var/lib/postgresql/data"


@dataclass(frozen=True)
class PostgresProps:
    """A single-instance PostgreSQL.

    Attributes:
        name: StatefulSet and Service name (the JDBC URL's host), `postgres` as in the reference.
        image: the official `postgres` image, pinned (https://hub.docker.com/_/postgres).
        database: the database created on first start (`POSTGRES_DB`).
        username, password: Secret keys of the user created on first start (`POSTGRES_USER`,
            `POSTGRES_PASSWORD`), which Polaris logs in with.
        storage: data PVC size, a Kubernetes quantity (`10Gi`).
        storage_class_name: the PVC's StorageClass; None uses the cluster default.
        resources: container resources (cpu in cores or millicores, memory as a quantity).
    """

    name: str = "postgres"
    image: str = "postgres:17.2"
    database: str = "POLARIS"
    username: SecretKeyRef = SecretKeyRef("polaris-persistence", "username")
    password: SecretKeyRef = SecretKeyRef("polaris-persistence", "password")
    storage: str = "10Gi"
    storage_class_name: str | None = None
    resources: Resources = field(default_factory=lambda: Resources("250m", "512Mi", None, "1Gi"))


class PostgreSQL(constructs.Construct):
    """A single-instance PostgreSQL StatefulSet (PVC-backed, protected from pruning) and its Service.

    Props: `namespace`; `props`. Exposes `username` and `password` (the Secret keys its clients log in with)
    and `jdbc_url`.
    """

    def __init__(self, scope: constructs.Construct, id: str, *, namespace: str, props: PostgresProps):
        super().__init__(scope, id)
        self.name = name = props.name
        self.namespace = namespace
        self.database = props.database
        self.username = props.username
        self.password = props.password
        component = Component("postgres", name, image_tag(props.image), "database")
        service(self, "Service", name=name, namespace=namespace, component=component, ports=[POSTGRES_PORT],
                wave=SyncWave.STORAGE)
        pg_isready = k8s.ExecAction(
            command=["/bin/sh", "-c", 'pg_isready -h 127.0.0.1 -U "$POSTGRES_USER" -d "$POSTGRES_DB"'])
        ready = k8s.Probe(exec=pg_isready, initial_delay_seconds=10, period_seconds=10, timeout_seconds=5,
                          failure_threshold=6)
        alive = k8s.Probe(exec=pg_isready, initial_delay_seconds=30, period_seconds=20, timeout_seconds=5,
                          failure_threshold=3)
        run_as = pod_security.POSTGRES
        container = k8s.Container(
            name="postgres",
            image=props.image,
            env=env.core([
                env.Env("POSTGRES_USER", secret=self.username),
                env.Env("POSTGRES_PASSWORD", secret=self.password),
                env.Env("POSTGRES_DB", value=props.database),
                env.Env("POSTGRES_INITDB_ARGS", value="--encoding UTF8 --data-checksums"),
                env.Env("PGDATA", value=f"{DATA_DIR}/pgdata"),
            ]),
            ports=[POSTGRES_PORT.container_port()],
            readiness_probe=ready,
            liveness_probe=alive,
            resources=resources(props.resources.to_k8s()),
            security_context=pod_security.container_security_context(run_as),
            volume_mounts=[
                k8s.VolumeMount(name="postgres-storage", mount_path=DATA_DIR),
                k8s.VolumeMount(name="run", mount_path="/var/run/postgresql"),
            ],
        )
        stateful_set(
            self, "StatefulSet", name=name, namespace=namespace, component=component, wave=SyncWave.STORAGE,
            service_name=name, replicas=1,
            template=pod_template(component, run_as, [container], volumes=[empty_dir("run")]),
            claims=[pvc_template("postgres-storage", props.storage, props.storage_class_name)],
        )

    @property
    def host(self) -> str:
        """The Service's cluster DNS name."""
        return service_host(self.name, self.namespace)

    @property
    def jdbc_url(self) -> str:
        """`jdbc:postgresql://<host>:5432/<database>` (no credentials: they come from the Secret)."""
        return f"jdbc:postgresql://{self.host}:{POSTGRES_PORT.number}/{self.database}"
