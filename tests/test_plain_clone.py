"""A plain clone (no `../shared` beside it): the pinned CRDs come from `$CRD_DIR` or from their pinned URLs, each
checked against its sha256, and every way of not getting one says what to set; the tests that read the seed's
reference skip with the reason, or fail under CI=true."""

from __future__ import annotations

import io
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from manifests import crds
from manifests.crds import CrdError, read_pinned
from tests import conftest
from upstream.crd_pins import PINS

FLINK = "flink-kubernetes-operator-1.14.0_flinksessionjobs.flink.apache.org-v1.yaml"
CERT_MANAGER = "cert-manager-1.18.2_certificates.yaml"
HINT = "set CRD_DIR to a directory holding the pinned CRD files by their names in upstream/crd_pins.py PINS"


@pytest.fixture(scope="module")
def upstream() -> bytes:
    """The pinned Flink session-job CRD, read the way this checkout reads it (before `plain_clone`)."""
    return read_pinned(FLINK)


@pytest.fixture
def plain_clone(upstream: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A clone at `<tmp>/clone` with no `shared/` beside it and no `$CRD_DIR`; returns the clone."""
    monkeypatch.delenv("CRD_DIR", raising=False)
    monkeypatch.setattr(crds, "ROOT", tmp_path / "clone")
    return tmp_path / "clone"


def serve(monkeypatch: pytest.MonkeyPatch, answer: bytes | Exception) -> list[str]:
    """Answer every `urlopen` with `answer` (its bytes, or raise it); returns the URLs asked for."""
    asked: list[str] = []

    def urlopen(url: str, timeout: float) -> io.BytesIO:
        asked.append(url)
        if isinstance(answer, Exception):
            raise answer
        return io.BytesIO(answer)

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    return asked


def test_without_a_crd_directory_the_pinned_url_is_downloaded_checked_and_cached(
        plain_clone: Path, upstream: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    asked = serve(monkeypatch, upstream)
    assert read_pinned(FLINK) == upstream
    assert asked == [PINS[FLINK].url]
    assert (plain_clone / "build" / "crd-cache" / FLINK).read_bytes() == upstream
    assert read_pinned(FLINK) == upstream and asked == [PINS[FLINK].url]  # the second read is the cache's


def test_a_download_that_is_not_the_pinned_file_is_refused(plain_clone: Path, upstream: bytes,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    serve(monkeypatch, upstream + b"# changed upstream\n")
    with pytest.raises(CrdError, match=rf"^{FLINK}: sha256 [0-9a-f]{{64}} does not match the pin {PINS[FLINK].sha256}$"):
        read_pinned(FLINK)


def test_offline_the_error_names_the_url_and_the_variable(plain_clone: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    serve(monkeypatch, urllib.error.URLError("Name or service not known"))
    with pytest.raises(CrdError) as error:
        read_pinned(FLINK)
    assert str(error.value) == (f"{PINS[FLINK].url}: download failed (<urlopen error Name or service not known>); "
                                f"offline, {HINT} (README, \"Requirements\")")


def test_a_crd_only_published_inside_a_release_manifest_needs_the_directory(
        plain_clone: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asked = serve(monkeypatch, b"")
    with pytest.raises(CrdError, match=rf"^{CERT_MANAGER}: upstream publishes it only inside a release manifest, not "
                                       rf"as a file to download; {HINT}"):
        read_pinned(CERT_MANAGER)
    assert asked == []


def test_crd_dir_is_the_one_source_when_set(plain_clone: Path, upstream: bytes, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / FLINK).write_bytes(upstream)
    asked = serve(monkeypatch, urllib.error.URLError("offline"))
    monkeypatch.setenv("CRD_DIR", str(mirror))
    assert read_pinned(FLINK) == (mirror / FLINK).read_bytes()
    with pytest.raises(CrdError, match=rf"^{mirror / CERT_MANAGER}: pinned CRD missing from the CRD directory "
                                       r"\(\$CRD_DIR\)$"):
        read_pinned(CERT_MANAGER)
    (mirror / CERT_MANAGER).write_text("kind: CustomResourceDefinition\n")
    with pytest.raises(CrdError, match=rf"^{CERT_MANAGER}: sha256 [0-9a-f]{{64}} does not match the pin"):
        read_pinned(CERT_MANAGER)
    monkeypatch.setenv("CRD_DIR", str(tmp_path / "typo"))
    with pytest.raises(CrdError, match=rf"^CRD_DIR={tmp_path / 'typo'}: not a directory; {HINT}"):
        read_pinned(FLINK)
    assert asked == []


@pytest.mark.parametrize("ci", [False, True], ids=["developer", "CI"])
def test_a_missing_reference_skips_with_the_reason_and_fails_in_ci(ci: bool, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conftest, "REFERENCE", tmp_path / "reference")
    monkeypatch.setattr(conftest, "CI", ci)
    reason = (f"the seed's reference deployment is not here: {tmp_path / 'reference' / 'seed-lakehouse/k8s'} missing "
              f"(a checkout beside shared/ has it, or set SHARED_DIR to the folder holding reference/)")
    assert conftest.reference_missing("seed-lakehouse/k8s") == reason
    outcome: Any = pytest.fail.Exception if ci else pytest.skip.Exception
    with pytest.raises(outcome, match=r"^the seed's reference deployment is not here: "):
        conftest.reference_objects("seed-lakehouse/k8s")
    if ci:
        with pytest.raises(pytest.fail.Exception):
            conftest.reference_cases("seed-lakehouse/k8s", id_of=str)
    else:
        [case] = conftest.reference_cases("seed-lakehouse/k8s", id_of=str)
        assert case.id == "reference-missing" and [m.kwargs["reason"] for m in case.marks] == [reason]
    (tmp_path / "reference" / "seed-lakehouse" / "k8s").mkdir(parents=True)
    (tmp_path / "reference" / "seed-lakehouse" / "k8s" / "a.yaml").write_text("kind: Namespace\nmetadata: {name: a}\n")
    assert conftest.reference_missing("seed-lakehouse/k8s") is None
    assert [case.id for case in conftest.reference_cases("seed-lakehouse/k8s", id_of=lambda o: o["metadata"]["name"])] == [
        "a"]
