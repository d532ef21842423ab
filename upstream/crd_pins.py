"""The CustomResourceDefinitions the platform is pinned to: each file's upstream repository, tag, path and sha256.

Flink Kubernetes Operator 1.14.0 and Spark operator 2.5.2 (installed by the platform: Argo CD Applications,
`make install-crds`); cert-manager 1.18.2, External Secrets 1.3.2, Karpenter 1.14.1 and Argo CD 3.5.1 (installed
with their own charts: pinned only to validate what the platform renders of their kinds). Reading, downloading and
checking the files is `manifests.crds`'s.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CrdPin:
    """One pinned CRD file: local `file` name in the CRD directory, upstream `repo`, `tag`, `path`, `sha256`.

    `installed` pins are the CRDs the platform installs (Argo CD Applications, `make install-crds`); the
    others (cert-manager, Argo CD, Karpenter's NodePool: each installed with its own chart) are pinned only to validate the objects the platform renders of
    their kinds. `downloadable` is False where the upstream file is a template (cert-manager's CRDs come
    rendered in its release manifest): those are read from the CRD directory only.
    """

    file: str
    repo: str
    tag: str
    path: str
    sha256: str
    installed: bool = True
    downloadable: bool = True

    @property
    def url(self) -> str:
        """The pinned download URL."""
        return f"https://raw.githubusercontent.com/{self.repo}/{self.tag}/{self.path}"

    @property
    def directory(self) -> str:
        """The upstream folder holding the file (what an Argo CD Application points at)."""
        return self.path.rsplit("/", 1)[0]


_FLINK = ("apache/flink-kubernetes-operator", "release-1.14.0", "helm/flink-kubernetes-operator/crds")
_SPARK = ("kubeflow/spark-operator", "v2.5.2", "charts/spark-operator-chart/crds")

PINS: dict[str, CrdPin] = {
    pin.file: pin
    for pin in [
        *[CrdPin(f"flink-kubernetes-operator-1.14.0_{name}-v1.yaml", _FLINK[0], _FLINK[1],
                 f"{_FLINK[2]}/{name}-v1.yml", digest)
          for name, digest in (
              ("flinkdeployments.flink.apache.org", "ceb6e70bd1cbf813d66b2da4ddf761f27b3669a590c081322421617b3be81be6"),
              ("flinksessionjobs.flink.apache.org", "f06cc09cbd11897c5120df8c8aae31558d5eb901ea550e9c476b21dd234f99b1"),
              ("flinkstatesnapshots.flink.apache.org",
               "b4d9e65e4465c74ff8526cfc46d823a4a5198d51e0e08a9f0f5a8c6f4380e399"),
              ("flinkbluegreendeployments.flink.apache.org",
               "1e6595166e20fcfbc937cb30eda814dedac3e43ddbc1ff224b48c911a64fe760"),
          )],
        *[CrdPin(f"spark-operator-2.5.2_{name}.yaml", _SPARK[0], _SPARK[1], f"{_SPARK[2]}/{name}.yaml", digest)
          for name, digest in (
              ("sparkoperator.k8s.io_sparkapplications", "ecd9c14fcadb9d5f8ced4c4ee31920548ea53a892e0a69c3e43aa758bfca6d94"),
              ("sparkoperator.k8s.io_scheduledsparkapplications",
               "5dc6654b2ad9157421ddf177737795420088fbe70338e45602bacf22ce25cc99"),
              ("sparkoperator.k8s.io_sparkconnects", "e80c54cc086e7f0a4ed39de713138f5c9aa5506219584b528cc1a00e65163986"),
          )],
        *[CrdPin(f"cert-manager-1.18.2_{kind}.yaml", "cert-manager/cert-manager", "v1.18.2",
                 f"deploy/crds/crd-{kind}.yaml", digest, installed=False, downloadable=False)
          for kind, digest in (
              ("certificates", "a0b0f9a30edcf9965666ae806b2654965c8917919883317ff9363985247b0b15"),
              ("issuers", "9589d6e85ce62b368af46777b2ffa37b9e3949343f4be634b34ae283aa98ea0d"),
              ("clusterissuers", "b8df0988135fd83fc01b30472be43ca11100879c7189b0b173af3009dcc43d3d"))],
        CrdPin("external-secrets-1.3.2_externalsecrets.yaml", "external-secrets/external-secrets", "v1.3.2",
               "config/crds/bases/external-secrets.io_externalsecrets.yaml",
               "690dbc0d51b5f9bc5266b450b533cfd22c5273268e8569102e528a39519cd4ba", installed=False),
        CrdPin("karpenter-1.14.1_nodepools.yaml", "kubernetes-sigs/karpenter", "v1.14.1",
               "pkg/apis/crds/karpenter.sh_nodepools.yaml",
               "62990043212a239704c0195bbd37abd0fddad90a586f5b37dfb403a0a0aefe1e", installed=False),
        CrdPin("argo-cd-3.5.1_applications.yaml", "argoproj/argo-cd", "v3.5.1",
               "manifests/crds/application-crd.yaml",
               "5dde0e229249b6b707beb98674c1deae3949d5c319a6c45b9f5a80c99618e40c", installed=False),
        CrdPin("argo-cd-3.5.1_appprojects.yaml", "argoproj/argo-cd", "v3.5.1",
               "manifests/crds/appproject-crd.yaml",
               "ab225266944322750136f1198d93786e4a79a0e43c8d149abfba44da30a3eac8", installed=False),
    ]
}
