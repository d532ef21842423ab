"""Pinned CustomResourceDefinitions: where they come from and how to verify them.

CRDs are never copied into this repository. They are read from a CRD directory: `$CRD_DIR` if set,
else `../shared/crds` where it exists, else downloaded from their pinned upstream URLs into
`build/crd-cache/`, each checked against its sha256. `python main.py crds prepare OUT_DIR` writes one
multi-document file per API group (the form `cdk8s import` needs) for the generated bindings.
"""

from __future__ import annotations

import hashlib
import os
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from config.loading import ROOT


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

IMPORT_GROUPS: dict[str, list[str]] = {
    "flink": [
        "flink-kubernetes-operator-1.14.0_flinkdeployments.flink.apache.org-v1.yaml",
        "flink-kubernetes-operator-1.14.0_flinksessionjobs.flink.apache.org-v1.yaml",
        "flink-kubernetes-operator-1.14.0_flinkstatesnapshots.flink.apache.org-v1.yaml",
    ],
    "sparkoperator": ["spark-operator-2.5.2_sparkoperator.k8s.io_sparkapplications.yaml"],
}
"""Bindings generated by `cdk8s import`: only the kinds the charts use (each costs import time)."""


class CrdError(Exception):
    """A pinned CRD is missing or does not match its checksum."""


CRD_DIR_HINT = ("set CRD_DIR to a directory holding the pinned CRD files by their names in manifests/crds.py PINS "
                "(README, \"Requirements\")")
"""What an error about a CRD the machine cannot get tells the user to do."""


def crd_dir() -> Path | None:
    """The CRD directory: `$CRD_DIR`, else `../shared/crds` next to the repository, else None (download).

    Raises:
        CrdError: `$CRD_DIR` names no directory.
    """
    if os.environ.get("CRD_DIR"):
        directory = Path(os.environ["CRD_DIR"])
        if not directory.is_dir():
            raise CrdError(f"CRD_DIR={directory}: not a directory; {CRD_DIR_HINT}")
        return directory
    shared = ROOT.parent / "shared" / "crds"
    return shared if shared.is_dir() else None


def read_pinned(file: str) -> bytes:
    """The bytes of pinned CRD `file`, from the CRD directory or its upstream URL, checksum verified.

    Raises:
        CrdError: unknown pin, file missing, download failure or checksum mismatch.
    """
    pin = PINS.get(file)
    if pin is None:
        raise CrdError(f"{file}: not a pinned CRD (see manifests/crds.py PINS)")
    directory = crd_dir()
    if directory is None and not pin.downloadable:
        raise CrdError(f"{file}: upstream publishes it only inside a release manifest, not as a file to download; "
                       f"{CRD_DIR_HINT}")
    if directory is not None:
        path = directory / file
        if not path.is_file():
            raise CrdError(f"{path}: pinned CRD missing from the CRD directory "
                           f"({'$CRD_DIR' if os.environ.get('CRD_DIR') else '../shared/crds'})")
        data = path.read_bytes()
    else:
        cache = ROOT / "build" / "crd-cache" / file
        if cache.is_file():
            data = cache.read_bytes()
        else:
            try:
                with urllib.request.urlopen(pin.url, timeout=60) as response:  # noqa: S310 (pinned https URL)
                    data = response.read()
            except OSError as error:
                raise CrdError(f"{pin.url}: download failed ({error}); offline, {CRD_DIR_HINT}") from error
            cache.parent.mkdir(parents=True, exist_ok=True)
            cache.write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    if digest != pin.sha256:
        raise CrdError(f"{file}: sha256 {digest} does not match the pin {pin.sha256}")
    return data


def prepare(out_dir: Path) -> list[Path]:
    """Write `<group>.yaml` (the group's CRDs as one multi-document file) into `out_dir` for each import group."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for group, files in IMPORT_GROUPS.items():
        target = out_dir / f"{group}.yaml"
        documents = [read_pinned(f).decode().strip() for f in files]
        target.write_text("\n---\n".join(documents) + "\n")
        written.append(target)
    return written


def write_installed(out_dir: Path) -> list[Path]:
    """Write every installed pin (checksum verified) into `out_dir`, one file each (`CrdPin.file`); returns them.

    Raises:
        CrdError: as `read_pinned`.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for pin in PINS.values():
        if pin.installed:
            (out_dir / pin.file).write_bytes(read_pinned(pin.file))
            written.append(out_dir / pin.file)
    return written


def install_command(out_dir: Path, kubectl: str = "kubectl") -> list[str]:
    """Write every installed pin (checksum verified) into `out_dir`; the kubectl command that applies them
    with server-side apply (these CRDs exceed the client-side last-applied annotation limit)."""
    write_installed(out_dir)
    return [kubectl, "apply", "--server-side", "--force-conflicts", "-f", str(out_dir)]


def cert_manager_command(version: str, kubectl: str = "kubectl") -> list[str]:
    """kubectl command installing cert-manager release `version` (an environment's `certManager.version`)."""
    url = f"https://github.com/cert-manager/cert-manager/releases/download/{version}/cert-manager.yaml"
    return [kubectl, "apply", "--server-side", "-f", url]
