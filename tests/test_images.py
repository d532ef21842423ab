"""The Dockerfiles of the custom images (images/) agree with what config names and what config/capabilities.py
records: base image versions, every downloaded artifact's version, and the paths the rendered objects read. They
cannot be built here (no container engine); this is what can be checked without one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from charts.operators.flink_operator import VERSION as FLINK_OPERATOR_VERSION
from charts.spark.applications import ICEBERG_JARS
from config import EnvironmentConfig, parse_environment
from config.capabilities import (
    FLUSS,
    FLUSS_IMAGE_ICEBERG_MODULES,
    FLUSS_IMAGE_NAME,
    ICEBERG,
    LAKEHOUSE_FLINK_VERSIONS,
    SPARK_S3,
)

IMAGES = Path(__file__).resolve().parent.parent / "images"
MAVEN = "https://repo1.maven.org/maven2/"


def build_args(image: str) -> dict[str, str]:
    """ARG name -> default of `images/<image>/Dockerfile`."""
    text = (IMAGES / image / "Dockerfile").read_text()
    return dict(re.findall(r"^ARG (\w+)=(\S+)$", text, re.MULTILINE))


def artifacts(image: str) -> dict[str, str]:
    """Destination -> URL of `images/<image>/artifacts.txt`."""
    lines = [line.split() for line in (IMAGES / image / "artifacts.txt").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    assert all(len(fields) == 2 for fields in lines), lines
    assert len({dest for _, dest in lines}) == len(lines)
    return {dest: url for url, dest in lines}


def maven_version(url: str) -> tuple[str, str]:
    """(artifact id, version) of a Maven Central URL, checked to be the artifact's own file name."""
    assert url.startswith(MAVEN), url
    *_, artifact, version, file = url.removeprefix(MAVEN).split("/")
    assert file == f"{artifact}-{version}.jar", url
    return artifact, version


@pytest.fixture(scope="module")
def defaults() -> EnvironmentConfig:
    """An environment of defaults only."""
    from tests.conftest import environment

    return parse_environment(environment(), source="environments/test.yaml", expected_name="test")


def tag(image: str) -> str:
    return image.rsplit(":", 1)[1]


def test_the_flink_images_build_the_flink_version_config_names(defaults: EnvironmentConfig) -> None:
    flink = build_args("flink")["FLINK_VERSION"]
    assert flink == tag(defaults.flink.image) == build_args("flink-operator")["FLINK_VERSION"]
    assert "v" + "_".join(flink.split(".")[:2]) in LAKEHOUSE_FLINK_VERSIONS
    assert build_args("flink-operator")["OPERATOR_VERSION"] == FLINK_OPERATOR_VERSION


def test_the_flink_image_holds_what_the_rendered_clusters_load_from_opt() -> None:
    """The S3 filesystem as a plugin (every cluster), the queryable-state runtime in lib/ (standalone clusters with
    queryableState: the examples have one)."""
    text = (IMAGES / "flink" / "Dockerfile").read_text()
    assert "cp /opt/flink/opt/flink-s3-fs-hadoop-${FLINK_VERSION}.jar /opt/flink/plugins/s3-fs-hadoop/" in text
    assert "cp /opt/flink/opt/flink-queryable-state-runtime-${FLINK_VERSION}.jar /opt/flink/lib/" in text
    assert "queryableState: true" in (IMAGES.parent / "environments" / "examples.yaml").read_text()


def test_the_flink_jars_are_the_versions_of_the_capabilities_table() -> None:
    flink_minor = ".".join(build_args("flink")["FLINK_VERSION"].split(".")[:2])
    versions = dict(maven_version(url) for url in artifacts("flink").values())
    assert versions[f"fluss-flink-{flink_minor}"] == versions["fluss-lake-iceberg"] == FLUSS.version
    assert versions[f"iceberg-flink-runtime-{flink_minor}"] == versions["iceberg-aws-bundle"] == ICEBERG.version
    assert all(dest.startswith("lib/") for dest in artifacts("flink"))


def test_the_spark_image_holds_the_jars_every_spark_application_lists(defaults: EnvironmentConfig) -> None:
    jars = artifacts("spark")
    assert sorted(f"local:///opt/spark/{dest}" for dest in jars if dest.startswith("extra-jars/")) == sorted(ICEBERG_JARS)
    versions = dict(maven_version(url) for url in jars.values())
    assert versions["hadoop-aws"] == SPARK_S3.version
    assert versions["iceberg-spark-runtime-4.0_2.13"] == versions["iceberg-aws-bundle"] == ICEBERG.version
    assert build_args("spark")["SPARK_VERSION"] == defaults.spark.spark_version


def test_the_fluss_image_is_the_fluss_version_with_the_iceberg_version_it_bundles(defaults: EnvironmentConfig) -> None:
    assert build_args("fluss")["FLUSS_VERSION"] == FLUSS.version
    assert tag(defaults.fluss.image) == FLUSS.version.removesuffix("-incubating")
    versions = dict(maven_version(url) for url in artifacts("fluss").values())
    assert versions["iceberg-aws-bundle"] == versions["iceberg-aws"] == ICEBERG.version
    assert all(dest.startswith("plugins/iceberg/") for dest in artifacts("fluss"))
    # what validate assumes the platform's image carries (manifests/validation/components.py)
    assert {a for a in versions if a.startswith("iceberg-")} == FLUSS_IMAGE_ICEBERG_MODULES
    assert defaults.fluss.image.rpartition(":")[0] == FLUSS_IMAGE_NAME


def test_the_fluss_judge_builds_the_pinned_fluss_version() -> None:
    """judges/fluss/pom.xml's default is the capabilities table's version (the harness passes that one)."""
    pom = (IMAGES.parent / "judges" / "fluss" / "pom.xml").read_text()
    assert re.search(r"<fluss.version>([^<]+)</fluss.version>", pom)[1] == FLUSS.version  # type: ignore[index]


@pytest.mark.parametrize("image", ["flink", "spark", "fluss"])
def test_downloads_are_checked_against_recorded_checksums(image: str, defaults: EnvironmentConfig) -> None:
    text = (IMAGES / image / "Dockerfile").read_text()
    assert "COPY artifacts.txt artifacts.sha256 /tmp/" in text
    assert "sha256sum -c /tmp/artifacts.sha256" in text
    assert re.search(r"^FROM \$\{CURL_IMAGE\} AS fetch$", text, re.MULTILINE)
    assert build_args(image)["CURL_IMAGE"] == defaults.polaris.setup.client_image  # the one pinned curl image
