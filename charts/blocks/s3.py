"""How workloads reach S3: region, endpoint, path-style access and credentials.

One `S3Access` is built per environment by the platform and handed to every S3 client (Polaris,
Fluss, Flink, Spark). Cloud environments use AWS S3 with static keys from a Secret or an IAM role for
service accounts (EKS IRSA, https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html);
the local environment points every client at the in-cluster store with path-style access.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from charts.blocks.container_env import Env
from charts.blocks.secrets import SecretKeyRef
from config.common import Buckets, S3Keys, is_uri
from upstream import capabilities

IRSA_ANNOTATION = "eks.amazonaws.com/role-arn"


@dataclass(frozen=True)
class S3Access:
    """S3 settings shared by every client.

    Attributes:
        region: AWS region (also sent to S3-compatible stores, which ignore it).
        buckets: bucket names.
        endpoint: `http(s)://host:port` of an S3-compatible store; None for AWS S3.
        keys: static keys from a Secret; None with an IAM role.
        iam_role_arn: the IRSA role; None with static keys.
    """

    region: str
    buckets: Buckets
    endpoint: str | None
    keys: S3Keys | None
    iam_role_arn: str | None

    @property
    def path_style(self) -> bool:
        """Path-style addressing (`endpoint/bucket/key`), needed by in-cluster stores."""
        return self.endpoint is not None

    def endpoint_settings(self, endpoint_key: str, path_style_key: str) -> dict[str, str]:
        """The S3-compatible store's endpoint and path-style access under one client's key names (Hadoop S3A
        `endpoint`/`path.style.access`, Iceberg S3FileIO `s3.endpoint`/`s3.path-style-access`); empty for AWS S3,
        where clients use the region's virtual-hosted endpoint. Every client takes the pair from here."""
        if self.endpoint is None:
            return {}
        return {endpoint_key: self.endpoint, path_style_key: str(self.path_style).lower()}

    @property
    def vended_credentials(self) -> bool:
        """Whether clients ask Polaris for vended (STS) credentials; only with AWS S3."""
        return self.endpoint is None

    def with_static_keys(self, keys: S3Keys | None) -> S3Access:
        """The same access with static `keys` instead of the environment's credentials (for a component that
        cannot use an IAM role, `upstream.capabilities`); unchanged when `keys` is None."""
        return self if keys is None else replace(self, keys=keys, iam_role_arn=None)

    def access_key_id(self) -> SecretKeyRef | None:
        """The Secret key with the access key id, if static keys are used."""
        return SecretKeyRef(self.keys.secret_name, self.keys.access_key_id_key) if self.keys else None

    def secret_access_key(self) -> SecretKeyRef | None:
        """The Secret key with the secret access key, if static keys are used."""
        return SecretKeyRef(self.keys.secret_name, self.keys.secret_access_key_key) if self.keys else None

    def env(self) -> list[Env]:
        """The AWS SDK's standard variables: keys from the Secret (if any) and the region."""
        envs: list[Env] = []
        key_id, secret = self.access_key_id(), self.secret_access_key()
        if key_id and secret:
            envs += [Env("AWS_ACCESS_KEY_ID", secret=key_id), Env("AWS_SECRET_ACCESS_KEY", secret=secret)]
        envs.append(Env("AWS_REGION", value=self.region))
        return envs

    def service_account_annotations(self) -> dict[str, str]:
        """IRSA annotation for ServiceAccounts of S3 clients; empty with static keys."""
        return {IRSA_ANNOTATION: self.iam_role_arn} if self.iam_role_arn else {}

    def s3a(self, web_identity_provider: str | None) -> dict[str, str]:
        """Hadoop S3A settings without their prefix (`endpoint`, `path.style.access`, `aws.credentials.provider`):
        the in-cluster endpoint with path-style access, and, with an IAM role and no static keys,
        `web_identity_provider` (`upstream.capabilities`; Hadoop's default provider list has no web identity)."""
        settings = self.endpoint_settings("endpoint", "path.style.access")
        if self.iam_role_arn and not self.keys and web_identity_provider:
            settings["aws.credentials.provider"] = web_identity_provider
        return settings

    def flink_conf(self) -> dict[str, str]:
        """Flink's `s3.*` options (mirrored to `fs.s3a.*` by flink-s3-fs-hadoop) for every Flink process: the
        session cluster, the SQL Gateway and the operator, which downloads job JARs."""
        return {f"s3.{key}": value for key, value in self.s3a(capabilities.FLINK_S3.web_identity_provider).items()}

    def artifact_uri(self, path_or_uri: str, scheme: str = "s3", bucket: str | None = None) -> str:
        """A job artifact's URI: `path_or_uri` as is when it has a scheme (`s3://other/a.jar`, `https://...`,
        `local:///opt/app.py`), else `<scheme>://<bucket>/<path>` (`bucket`: the Flink bucket when None; Spark's
        files live in the Spark bucket, `ObjectStoreConfig.spark_bucket`)."""
        if is_uri(path_or_uri):
            return path_or_uri
        return self.uri(self.buckets.flink if bucket is None else bucket, path_or_uri, scheme)

    def uri(self, bucket: str, path: str = "", scheme: str = "s3") -> str:
        """`<scheme>://<bucket>/<path>` (Flink and Fluss use `s3`, Spark's Hadoop S3A `s3a`)."""
        return f"{scheme}://{bucket}/{path}".rstrip("/") if path else f"{scheme}://{bucket}/"
