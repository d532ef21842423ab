"""What each pinned component version can do, in one table that config rules and `validate` consult.

A version bump is one edit here: the platform's choices (static S3 keys for Fluss, the Flink version of the
image, the S3A credentials provider for web identity) and the checks that refuse an impossible combination
follow from these entries. Each entry cites the upstream source it was read from, at the pinned tag.
No cdk8s import: validation uses it.
"""

from __future__ import annotations

from dataclasses import dataclass

STATIC_KEYS = "static-keys"
"""S3 access with an access key id and secret from a Secret."""
WEB_IDENTITY = "web-identity"
"""S3 access with an IAM role for service accounts (EKS IRSA: AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE)."""


@dataclass(frozen=True)
class Capabilities:
    """One component at one version.

    Attributes:
        component: the component's name, as messages say it (`Fluss`).
        version: the pinned release.
        s3_credentials: S3 credential modes its S3 client supports (`STATIC_KEYS`, `WEB_IDENTITY`).
        s3_compatible_clients_limitation: what its clients (not only its servers) cannot do against an
            S3-compatible endpoint such as MinIO; None when they work.
        flink_versions: FlinkDeployment `flinkVersion`s it ships a Flink artifact for (connector or runtime).
        web_identity_provider: the S3A `aws.credentials.provider` class that makes its S3 client use web identity
            (Hadoop's default provider list has none, so without it S3A falls back to the node's role); None
            when it has no S3A client.
        evidence: where the entry was verified.
    """

    component: str
    version: str
    s3_credentials: frozenset[str] = frozenset({STATIC_KEYS, WEB_IDENTITY})
    s3_compatible_clients_limitation: str | None = None
    flink_versions: frozenset[str] = frozenset()
    web_identity_provider: str | None = None
    evidence: str = ""

    @property
    def label(self) -> str:
        """`<component> <version>`, as errors name it."""
        return f"{self.component} {self.version}"


FLUSS = Capabilities(
    "Fluss", "0.9.0-incubating",
    s3_credentials=frozenset({STATIC_KEYS}),
    s3_compatible_clients_limitation=(
        "clients cannot read remote data (tiered log segments, KV snapshots) from an S3-compatible store: their "
        "security token comes from AWS STS GetSessionToken without an endpoint override, and path-style access is "
        "not passed to them (fixed in 0.9.1-incubating); servers and tiering work"
    ),
    flink_versions=frozenset({"v1_18", "v1_19", "v1_20", "v2_2"}),
    evidence=(
        "apache/fluss v0.9.0-incubating: fluss-fs-s3 S3FileSystemPlugin treats a missing fs.s3a.access.key as a "
        "client and S3DelegationTokenReceiver throws NoAwsCredentialsException, which ServerBase.start turns into an "
        "exit (apache/fluss#3066; IRSA through s3.assumed.role.arn arrives in 0.9.1-incubating). Clients read remote "
        "data with a token from S3DelegationTokenProvider: STS GetSessionToken at AWS (no endpoint override) and no "
        "path-style setting (fixed in 0.9.1-incubating). Connectors: fluss-flink-1.18, -1.19, -1.20, -2.2."
    ),
)
ICEBERG = Capabilities(
    "Iceberg", "1.10.1",
    flink_versions=frozenset({"v1_19", "v1_20", "v2_0"}),
    evidence=(
        "apache/iceberg apache-iceberg-1.10.1: flink/v1.19, v1.20, v2.0 (gradle.properties knownFlinkVersions); no "
        "release ships a Flink 2.1+ runtime before 1.11 and none a 2.2 runtime. Fluss 0.9.0 bundles Iceberg 1.10.1 "
        "unrelocated (root pom iceberg.version), so the Flink image must carry the same Iceberg version."
    ),
)
POLARIS = Capabilities(
    "Polaris", "1.3.0-incubating",
    evidence=(
        "apache/polaris apache-polaris-1.3.0-incubating: AwsCredentialsStorageIntegration skips STS when the "
        "catalog's stsUnavailable is true and still passes endpoint and pathStyleAccess to its FileIO; "
        "SKIP_CREDENTIAL_SUBSCOPING_INDIRECTION=true would drop them (StorageAccessConfigProvider)."
    ),
)
FLINK_S3 = Capabilities(
    "Flink S3 filesystem (flink-s3-fs-hadoop)", "1.20",
    web_identity_provider="com.amazonaws.auth.WebIdentityTokenCredentialsProvider",
    evidence=(
        "apache/flink: flink-s3-fs-hadoop bundles Hadoop 3.3.4 with AWS SDK v1 (FLINK-29502; the 3.4/SDK v2 upgrade "
        "is unmerged), whose S3AUtils.STANDARD_AWS_PROVIDERS has no web-identity provider and loads only v1 classes; "
        "S3FileSystemFactory mirrors `s3.*` keys to `fs.s3a.*`. The Flink Kubernetes Operator 1.14.0 downloads a "
        "jarURI with the FileSystem initialized from its own default configuration (FlinkOperator, "
        "FileSystemBasedArtifactFetcher), so its ConfigMap needs the same setting."
    ),
)
FLINK = Capabilities(
    "Flink", "1.20.3",
    flink_versions=frozenset({"v1_20"}),
    evidence=(
        "The Flink release of the platform's images (flink-fluss-iceberg-s3:1.20.3). Its configuration keys come from "
        "its own jars (config/data/flink-1.20.3-options.json, `make flink-options`): flink-dist, the table API and "
        "runtime and the metric reporter plugins of the PyPI sdist apache-flink-libraries 1.20.3, and "
        "flink-sql-gateway 1.20.3 from Maven Central (Maven Central serves no flink-dist and no flink-kubernetes "
        "1.20.3)."
    ),
)
"""The Flink release whose options `flinkConfiguration` keys are checked against (`config.flink_keys`)."""
SPARK_S3 = Capabilities(
    "Spark S3A (hadoop-aws)", "3.4.1",
    web_identity_provider="software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider",
    evidence=(
        "Spark 4.0 builds on Hadoop 3.4.1, whose S3A uses AWS SDK v2 and loads any AwsCredentialsProvider with a "
        "static create() (CredentialProviderListFactory); the SDK v2 default chain includes web identity, the "
        "default S3A list does not."
    ),
)
WEB_IDENTITY_PROVIDERS = frozenset({
    "com.amazonaws.auth.WebIdentityTokenCredentialsProvider",
    "com.amazonaws.auth.DefaultAWSCredentialsProviderChain",
    "software.amazon.awssdk.auth.credentials.WebIdentityTokenFileCredentialsProvider",
    "software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider",
})
"""S3A credentials providers (AWS SDK v1 and v2) that read the web identity token of IRSA."""

FLINK_OPERATOR_VERSIONS = frozenset({"v1_19", "v1_20", "v2_0", "v2_1", "v2_2"})
"""Non-deprecated FlinkVersion values of the Flink Kubernetes Operator 1.14.0 (FlinkVersion.java)."""

LAKEHOUSE_FLINK_VERSIONS = FLUSS.flink_versions & ICEBERG.flink_versions & FLINK_OPERATOR_VERSIONS
"""Flink versions with a Fluss connector, an Iceberg Flink runtime and operator support: v1_19, v1_20."""


STATE_OPTION_NAMES_FLINK_VERSIONS = frozenset({"v1_20", "v2_0", "v2_1", "v2_2"})
"""Flink versions that read the checkpoint and savepoint options by the names the platform writes (Flink 1.20
renamed them: `state.checkpoints.dir` became `execution.checkpointing.dir`, FLINK-34482)."""


def flink_version_problem(version: str) -> str | None:
    """Why `version` (a FlinkDeployment `flinkVersion`) cannot run the platform's Fluss and Iceberg catalogs, or
    None when it can."""
    for capabilities in (ICEBERG, FLUSS):
        if version not in capabilities.flink_versions:
            return (f"{capabilities.label} has no Flink artifact for {version} (it has: "
                    f"{', '.join(sorted(capabilities.flink_versions))}); use one of: "
                    f"{', '.join(sorted(LAKEHOUSE_FLINK_VERSIONS))}")
    if version not in FLINK_OPERATOR_VERSIONS:
        return f"the Flink Kubernetes Operator 1.14.0 does not support {version}"
    if version not in STATE_OPTION_NAMES_FLINK_VERSIONS:
        return (f"the platform writes Flink 1.20's state option names (execution.checkpointing.dir, ...; FLINK-34482), "
                f"which {version} ignores, so its checkpoints and savepoints would go nowhere; use one of: "
                f"{', '.join(sorted(STATE_OPTION_NAMES_FLINK_VERSIONS))}")
    return None


def s3_credentials_problem(capabilities: Capabilities, mode: str) -> str | None:
    """Why `capabilities`' component cannot reach S3 with credential `mode`, or None when it can."""
    if mode in capabilities.s3_credentials:
        return None
    return (f"{capabilities.label} cannot reach S3 with {mode} credentials (it supports: "
            f"{', '.join(sorted(capabilities.s3_credentials))})")


def s3_compatible_clients_warning(capabilities: Capabilities) -> str | None:
    """What breaks when `capabilities`' clients use an S3-compatible endpoint, or None when nothing does."""
    limitation = capabilities.s3_compatible_clients_limitation
    return f"{capabilities.label} {limitation}" if limitation else None
