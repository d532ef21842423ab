"""The upstream judges' binaries: where they live and how they are built (no cdk8s import: validation uses it).

Every judge is built from a package registry into `${LAKEHOUSE_JUDGES_CACHE:-~/.cache/lakehouse-judges}`, one
folder per judge and version (`kube-apiserver-v1.33.13/`, `kubeconform-v0.7.0/`), outside the clone, so CI on the
same machine reuses it and a new machine pays the first build once. The versions are those of
`upstream.capabilities` (KUBERNETES, KUBECONFORM). `python main.py judges build NAME` (`make judges`) builds one;
a failed build leaves its reason in `<folder>.failed`, which the tests that need the judge report (a failure under
`CI=true`, a skip elsewhere).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from config.loading import ROOT
from upstream.capabilities import KUBECONFORM, KUBERNETES

CACHE_VARIABLE = "LAKEHOUSE_JUDGES_CACHE"
APISERVER_BUILD = ROOT / "judges" / "apiserver" / "build.sh"
"""Builds kube-apiserver and etcd from judges/apiserver/go.mod (see the script's header)."""
KUBECONFORM_PACKAGE = "github.com/yannh/kubeconform/cmd/kubeconform"


class JudgeError(Exception):
    """A judge could not be built or is not built; the message says why (the build's own error where it ran)."""


def cache_dir() -> Path:
    """`$LAKEHOUSE_JUDGES_CACHE`, else `~/.cache/lakehouse-judges`."""
    value = os.environ.get(CACHE_VARIABLE)
    return Path(value) if value else Path.home() / ".cache" / "lakehouse-judges"


def kube_apiserver_dir() -> Path:
    """`<cache>/kube-apiserver-v<KUBERNETES.version>/`, holding `kube-apiserver` and `etcd` once built."""
    return cache_dir() / f"kube-apiserver-v{KUBERNETES.version}"


def kubeconform_path() -> Path:
    """`<cache>/kubeconform-v<KUBECONFORM.version>/kubeconform` (the `go install` of the pinned version)."""
    return cache_dir() / f"kubeconform-v{KUBECONFORM.version}" / "kubeconform"


def failure_file(directory: Path) -> Path:
    """`<directory>.failed`: where a judge's failed build leaves its reason, beside the judge's cache folder."""
    return directory.with_name(directory.name + ".failed")


def _run_build(directory: Path, command: list[str], env: dict[str, str]) -> Path:
    """Run `command`; on failure write its output to `<directory>.failed` and raise; on success remove that file."""
    failure = failure_file(directory)
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except OSError as error:  # no `go` or `bash` on PATH
        result = subprocess.CompletedProcess(command, 127, "", f"{command[0]}: {error}")
    if result.returncode != 0:
        reason = (result.stderr.strip() or result.stdout.strip()).splitlines()[-15:]
        failure.parent.mkdir(parents=True, exist_ok=True)
        failure.write_text("\n".join(reason) + "\n")
        raise JudgeError(f"{' '.join(command)} failed (exit {result.returncode}):\n" + "\n".join(reason))
    failure.unlink(missing_ok=True)
    if result.stdout.strip():
        print(result.stdout.strip())
    return directory


def build_kube_apiserver() -> Path:
    """Build kube-apiserver and etcd of `KUBERNETES.version` (judges/apiserver/build.sh); returns their folder.

    Raises:
        JudgeError: judges/apiserver/go.mod pins another k8s.io/kubernetes, a module was refused by the Go proxy,
            or the build failed (the message ends with the tool's own lines).
    """
    env = {**os.environ, CACHE_VARIABLE: str(cache_dir()), "KUBERNETES_VERSION": f"v{KUBERNETES.version}"}
    return _run_build(kube_apiserver_dir(), ["bash", str(APISERVER_BUILD)], env)


def build_kubeconform() -> Path:
    """`go install` kubeconform at `KUBECONFORM.version` into its cache folder (GOBIN); returns the binary.

    Raises:
        JudgeError: the Go proxy refused the module or the build failed.
    """
    binary = kubeconform_path()
    if os.access(binary, os.X_OK):
        return binary
    env = {**os.environ, "GOBIN": str(binary.parent), "GOFLAGS": "-buildvcs=false -trimpath"}
    version = f"v{KUBECONFORM.version}"
    # main.version is what `kubeconform -v` prints (yannh/kubeconform cmd/kubeconform/main.go; its releases set it)
    command = ["go", "install", f"-ldflags=-s -w -X main.version={version}", f"{KUBECONFORM_PACKAGE}@{version}"]
    _run_build(binary.parent, command, env)
    return binary


def built(directory: Path, *names: str) -> list[Path]:
    """The executables `names` in `directory`.

    Raises:
        JudgeError: one is missing; the message gives the recorded build failure, or the make target to run.
    """
    paths = [directory / name for name in names]
    missing = [p for p in paths if not os.access(p, os.X_OK)]
    if not missing:
        return paths
    failure = failure_file(directory)
    reason = (f"its build failed:\n{failure.read_text().strip()}" if failure.is_file()
              else "not built (run `make judges`)")
    raise JudgeError(f"{', '.join(map(str, missing))}: {reason}")
