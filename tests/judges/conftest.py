"""Fixtures of the upstream judges: one etcd for the session, and a real kube-apiserver on it.

A judge that is not built (no Go, a module the Go proxy refused, `make judges` not run) fails its tests under
`CI=true` with the build's own reason and skips them elsewhere, with the same reason.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from manifests.judges import JudgeError, built, kube_apiserver_dir
from tests.judges import judge_unavailable
from tests.judges.kube_apiserver import Etcd, KubeApiServer


@pytest.fixture(scope="session")
def etcd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Etcd]:
    """One etcd for the session's API servers (each under its own key prefix)."""
    try:
        built(kube_apiserver_dir(), "etcd", "kube-apiserver")
    except JudgeError as error:
        judge_unavailable(str(error))
    with Etcd(tmp_path_factory.mktemp("etcd")) as server:
        yield server


@pytest.fixture(scope="session")
def kube_apiserver(etcd: Etcd, tmp_path_factory: pytest.TempPathFactory) -> Iterator[KubeApiServer]:
    """A kube-apiserver of the pinned release with nothing installed, for tests that make their own objects."""
    with KubeApiServer(tmp_path_factory.mktemp("kube-apiserver"), etcd, prefix="/registry-shared") as server:
        yield server
