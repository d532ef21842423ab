"""The in-cluster S3-compatible object store of the local environment (MinIO), with its buckets.

Used only with `objectStore.type: in-cluster`. Every S3 client is pointed at `ObjectStore.endpoint`
with path-style access. One setup Job (an Argo CD Sync hook, re-run on each sync) creates the buckets
(`mc mb --ignore-existing`) and then copies the job artifacts (the JARs and Spark files the jobs reference)
from an artifacts image into the Flink bucket (`mc mirror --overwrite`: unchanged objects are skipped, changed
ones replaced), and single files of it into other buckets at the same path (`mc cp`: the Spark applications' main
files into the Spark bucket), so the local environment runs its jobs with no manual step. The artifacts image needs
a POSIX shell with `cp`; its `path` directory is laid out as the buckets (`<path>/job-artifacts/my-job.jar` becomes
`s3://<flink bucket>/job-artifacts/my-job.jar`).
MinIO: https://min.io/docs/minio/linux/reference/minio-server/minio-server.html; mc at the pinned client image's
release (minio/mc RELEASE.2025-04-16T18-13-26Z cmd/cp-url.go guessCopyURLType: one file to a target that is not a
folder is copied to exactly that object, "Type A").
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field

import constructs
from cdk8s_plus_27 import k8s

from charts.blocks import container_env as env
from charts.blocks import pod_security
from charts.blocks.component_chart import ComponentChart
from charts.blocks.metadata import Component, SyncWave, image_tag, object_meta
from charts.blocks.secrets import SecretKeyRef
from charts.blocks.workloads import (
    Port,
    empty_dir,
    http_probe,
    pod_template,
    pvc_template,
    resources,
    service,
    service_host,
    stateful_set,
)
from config.common import Resources, climbs_out
from upstream.argo_cd import SYNC_HOOK

S3_PORT = Port("s3", 9000)
CONSOLE_PORT = Port("console", 9001)
ARTIFACTS_DIR = "/artifacts-copy"


@dataclass(frozen=True)
class ArtifactCopy:
    """One file of the artifacts image copied into `bucket` at the same `path` (`<artifacts path>/<path>` becomes
    `s3://<bucket>/<path>`).

    Attributes:
        bucket: one of the store's buckets.
        path: relative to the artifacts image's `artifacts_path` and to the bucket's root, e.g.
            `job-artifacts/ingest.py`; no leading `/`, no `..` segment.
    """

    bucket: str
    path: str


@dataclass(frozen=True)
class ObjectStoreProps:
    """A single-node MinIO with its buckets and the job artifacts.

    Attributes:
        buckets: the bucket names the setup Job creates (`mc mb --ignore-existing`).
        artifacts_bucket: the bucket the job artifacts are copied to (`mc mirror --overwrite`), one of `buckets`.
        root_user, root_password: Secret keys used as MinIO's root credential (`MINIO_ROOT_USER`,
            `MINIO_ROOT_PASSWORD`): the static keys the S3 clients use (access key id, secret access key).
        name: StatefulSet and Service name (the endpoint's host) and the setup Job's prefix (`<name>-setup`).
        image: the MinIO server image, pinned.
        client_image: the MinIO client (`mc`) image of the setup Job.
        storage: data PVC size, a Kubernetes quantity (`10Gi`).
        storage_class_name: the PVC's StorageClass; None uses the cluster default.
        resources: server resources (cpu in cores or millicores, memory as a quantity).
        artifacts_image: the image holding the job artifacts under `artifacts_path`, laid out as in the bucket
            (`<artifacts_path>/job-artifacts/my-job.jar`); it needs a POSIX shell with `cp`.
        artifacts_path: an absolute directory of `artifacts_image`, without a trailing `/`, whose content is copied
            to the root of `artifacts_bucket`.
        artifact_copies: single files of the artifacts image copied, after the mirror, into other buckets at the
            same path (in this order; e.g. the Spark applications' main files into the Spark bucket).

    Raises:
        ValueError: an artifacts bucket, or a copy's bucket, that is not one of `buckets` (the setup Job would write
            into a bucket it did not create); a copy's path that is absolute or climbs out (`..`).
    """

    buckets: tuple[str, ...]
    artifacts_bucket: str
    root_user: SecretKeyRef = SecretKeyRef("aws-secret", "access_key_id")
    root_password: SecretKeyRef = SecretKeyRef("aws-secret", "secret_access_key")
    name: str = "minio"
    image: str = "quay.io/minio/minio:RELEASE.2025-04-22T22-12-26Z"
    client_image: str = "quay.io/minio/mc:RELEASE.2025-04-16T18-13-26Z"
    storage: str = "10Gi"
    storage_class_name: str | None = None
    resources: Resources = field(default_factory=lambda: Resources("100m", "256Mi", None, "1Gi"))
    artifacts_image: str = "lakehouse-job-artifacts:0.1.0"
    artifacts_path: str = "/artifacts"
    artifact_copies: tuple[ArtifactCopy, ...] = ()

    def __post_init__(self) -> None:
        known = f"buckets ({', '.join(sorted(set(self.buckets))) or 'none'})"
        if self.artifacts_bucket not in self.buckets:
            raise ValueError(f"object store {self.name}: artifacts bucket '{self.artifacts_bucket}' is not one of its "
                             f"{known}")
        for copy in self.artifact_copies:
            if copy.bucket not in self.buckets:
                raise ValueError(f"object store {self.name}: artifact {copy.path} is copied to bucket '{copy.bucket}', "
                                 f"which is not one of its {known}")
            if copy.path.startswith("/") or climbs_out(copy.path):
                raise ValueError(f"object store {self.name}: artifact path '{copy.path}' is not relative to the "
                                 "artifacts folder (no leading '/', no '..')")


class ObjectStore(constructs.Construct):
    """A single-node MinIO StatefulSet, its Service and the setup Job (buckets, then the job artifacts).

    Props: `namespace`; `props`. Exposes `endpoint`, the S3 endpoint every S3 client is pointed at.
    """

    def __init__(self, scope: constructs.Construct, id: str, *, namespace: str, props: ObjectStoreProps):
        super().__init__(scope, id)
        self.name = name = props.name
        self.namespace = namespace
        component = Component("minio", name, image_tag(props.image), "object-store")
        credentials = [env.Env("MINIO_ROOT_USER", secret=props.root_user),
                       env.Env("MINIO_ROOT_PASSWORD", secret=props.root_password)]
        service(self, "Service", name=name, namespace=namespace, component=component,
                ports=[S3_PORT, CONSOLE_PORT], wave=SyncWave.STORAGE)
        run_as = pod_security.MINIO
        server = k8s.Container(
            name="minio",
            image=props.image,
            args=["server", "/data", "--console-address", f":{CONSOLE_PORT.number}"],
            env=env.core(credentials),
            ports=[S3_PORT.container_port(), CONSOLE_PORT.container_port()],
            liveness_probe=http_probe("/minio/health/live", S3_PORT, initial_delay=10, period=10,
                                      failure_threshold=3, timeout=5),
            readiness_probe=http_probe("/minio/health/ready", S3_PORT, initial_delay=5, period=10,
                                       failure_threshold=3, timeout=5),
            resources=resources(props.resources.to_k8s()),
            security_context=pod_security.container_security_context(run_as),
            volume_mounts=[k8s.VolumeMount(name="data", mount_path="/data"),
                           k8s.VolumeMount(name="tmp", mount_path="/tmp")],
        )
        stateful_set(
            self, "StatefulSet", name=name, namespace=namespace, component=component, wave=SyncWave.STORAGE,
            service_name=name, replicas=1,
            template=pod_template(component, run_as, [server], volumes=[empty_dir("tmp")]),
            claims=[pvc_template("data", props.storage, props.storage_class_name)],
        )
        self._setup_job(props, component.with_component("setup"), credentials)

    @property
    def endpoint(self) -> str:
        """The S3 endpoint URL inside the cluster (`http://<service>.<namespace>.svc.cluster.local:9000`)."""
        return f"http://{service_host(self.name, self.namespace)}:{S3_PORT.number}"

    @staticmethod
    def _copy_line(copy: ArtifactCopy) -> str:
        """The setup script's line copying one file (`mc cp`); a file the artifacts image lacks is named on stderr and
        skipped, as the mirror skips it: the job that reads it fails, not the setup of every other bucket and job."""
        source, target = f"{ARTIFACTS_DIR}/{copy.path}", f"store/{copy.bucket}/{copy.path}"
        missing = f"warning: {copy.path} is not in the artifacts image; s3://{copy.bucket}/{copy.path} is not written"
        return (f"if [ -f {shlex.quote(source)} ]; then mc cp {shlex.quote(source)} {shlex.quote(target)}; "
                f"else echo {shlex.quote(missing)} >&2; fi\n")

    def _setup_job(self, props: ObjectStoreProps, component: Component, credentials: list[env.Env]) -> None:
        targets = " ".join(shlex.quote(f"store/{bucket}") for bucket in sorted(set(props.buckets)))
        script = (
            "set -eu\n"
            "attempt=0\n"
            f'until mc alias set store {shlex.quote(self.endpoint)} "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null; do\n'
            "  attempt=$((attempt + 1))\n"
            '  if [ "$attempt" -ge 30 ]; then echo "object store not reachable after 30 attempts" >&2; exit 1; fi\n'
            "  sleep 5\n"
            "done\n"
            f"mc mb --ignore-existing {targets}\n"
            f"mc mirror --overwrite {ARTIFACTS_DIR} {shlex.quote(f'store/{props.artifacts_bucket}')}\n"
            + "".join(self._copy_line(copy) for copy in props.artifact_copies)
        )
        run_as = pod_security.CURL
        copy_artifacts = k8s.Container(
            name="artifacts",
            image=props.artifacts_image,
            command=["/bin/sh", "-c", f"set -eu\ncp -R {shlex.quote(props.artifacts_path)}/. {ARTIFACTS_DIR}/\n"],
            resources=resources({"requests": {"cpu": "50m", "memory": "32Mi"}, "limits": {"memory": "64Mi"}}),
            security_context=pod_security.container_security_context(run_as),
            volume_mounts=[k8s.VolumeMount(name="artifacts", mount_path=ARTIFACTS_DIR)],
        )
        k8s.KubeJob(
            self,
            "CreateBuckets",
            metadata=object_meta(
                f"{self.name}-setup", self.namespace, component, SyncWave.STORAGE,
                extra_annotations=SYNC_HOOK,
            ),
            spec=k8s.JobSpec(
                backoff_limit=4,
                template=pod_template(component, run_as, [k8s.Container(
                    name="setup",
                    image=props.client_image,
                    command=["/bin/sh", "-c", script],
                    env=env.core([*credentials, env.Env("MC_CONFIG_DIR", value="/tmp/.mc")]),
                    resources=resources({"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"memory": "128Mi"}}),
                    security_context=pod_security.container_security_context(run_as),
                    volume_mounts=[k8s.VolumeMount(name="tmp", mount_path="/tmp"),
                                   k8s.VolumeMount(name="artifacts", mount_path=ARTIFACTS_DIR, read_only=True)],
                )], init_containers=[copy_artifacts], volumes=[empty_dir("tmp"), empty_dir("artifacts")],
                    restart_policy="OnFailure"),
            ),
        )


class ObjectStoreChart(ComponentChart):
    """The object-store namespace: one `ObjectStore` (props as `ObjectStore`'s)."""

    def __init__(self, scope: constructs.Construct, id: str, *, namespace: str, props: ObjectStoreProps):
        super().__init__(scope, id, namespace=namespace)
        self.store = ObjectStore(self, "ObjectStore", namespace=namespace, props=props)
