"""Flink workloads in team namespaces (#12): `flink.teamNamespaces` (created or existing) and
`flink.deployments[].namespace`; each team namespace gets a chart `51-flink-<name>` with the job ServiceAccount, the
catalog store, its clusters, their session jobs and snapshots, and the catalog credential from the catalog setup."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from config import parse_environment
from config.external import declared_external, required_secrets
from tests.conftest import LOCAL_STORE, Manifest, config_errors, environment, find, render_charts, validate_errors
from tests.test_flink_deployments import APPLICATION, config_error

TEAMS: dict[str, Any] = {
    "teamNamespaces": [{"name": "team-a"}, {"name": "team-b", "create": False}],
    "deployments": [{**APPLICATION, "namespace": "team-a"}, {"name": "adhoc-b", "namespace": "team-b"},
                    {"name": "adhoc", "job": None}],
    "jobs": [{"name": "on-adhoc-b", "jarPath": "a/j.jar", "sessionCluster": "adhoc-b"},
             {"name": "on-adhoc", "jarPath": "a/k.jar", "sessionCluster": "adhoc"}],
    "snapshots": [{"name": "before-upgrade", "job": "orders-enrichment"},
                  {"name": "b-savepoint", "job": "on-adhoc-b"}],
}
WATCH = {"watchNamespaces": ["flink", "team-a", "team-b"]}


def teams_doc(**overrides: Any) -> dict[str, Any]:
    return environment(flink=TEAMS, flinkOperator=WATCH, **overrides)


def where(charts: dict[str, list[Manifest]], kind: str, name: str) -> tuple[str, str | None]:
    """(chart id, namespace) of the one object `kind`/`name`."""
    hits = [(chart, obj["metadata"].get("namespace")) for chart, objects in charts.items() for obj in objects
            if obj["kind"] == kind and obj["metadata"]["name"] == name]
    assert len(hits) == 1, hits
    return hits[0]


def test_team_workloads_render_in_their_namespaces_and_charts() -> None:
    charts = render_charts(teams_doc())
    assert [c for c in charts if c.startswith("5")] == ["50-flink", "51-flink-team-a", "51-flink-team-b"]
    assert where(charts, "FlinkDeployment", "orders-enrichment") == ("51-flink-team-a", "team-a")
    assert where(charts, "FlinkDeployment", "adhoc-b") == ("51-flink-team-b", "team-b")
    assert where(charts, "FlinkDeployment", "adhoc") == ("50-flink", "flink")
    assert where(charts, "FlinkSessionJob", "on-adhoc-b") == ("51-flink-team-b", "team-b")
    assert where(charts, "FlinkSessionJob", "on-adhoc") == ("50-flink", "flink")
    assert where(charts, "FlinkStateSnapshot", "before-upgrade") == ("51-flink-team-a", "team-a")
    assert where(charts, "FlinkStateSnapshot", "b-savepoint") == ("51-flink-team-b", "team-b")
    base = [("ConfigMap", "fluss-iceberg"), ("ConfigMap", "rest-iceberg-catalog"), ("Role", "flink-role"),
            ("RoleBinding", "flink-role-binding"), ("ServiceAccount", "flink")]
    expected = {"team-a": [("FlinkDeployment", "orders-enrichment"), ("FlinkStateSnapshot", "before-upgrade")],
                "team-b": [("FlinkDeployment", "adhoc-b"), ("FlinkSessionJob", "on-adhoc-b"),
                           ("FlinkStateSnapshot", "b-savepoint")]}
    for team, workloads in expected.items():
        objects = charts[f"51-flink-{team}"]
        assert sorted((o["kind"], o["metadata"]["name"]) for o in objects) == sorted(base + workloads)
        assert {o["metadata"].get("namespace") for o in objects} == {team}
    assert "flink-session" not in {o["metadata"]["name"] for o in charts["51-flink-team-a"]}
    namespaces = {o["metadata"]["name"]: o for o in charts["00-namespaces"]}
    assert "team-a" in namespaces and "team-b" not in namespaces
    assert namespaces["team-a"]["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"


def test_catalog_setup_writes_the_credential_into_team_namespaces() -> None:
    charts = render_charts(teams_doc())
    roles = {(o["kind"], o["metadata"]["namespace"]) for o in charts["30-polaris"]
             if o["metadata"]["name"] == "polaris-catalog-setup" and o["kind"] in ("Role", "RoleBinding")}
    assert roles == {(kind, ns) for kind in ("Role", "RoleBinding")
                     for ns in ("fluss", "flink", "spark", "team-a", "team-b")}
    config = parse_environment(teams_doc(), source="environments/test.yaml", expected_name="test")
    declared = declared_external(config)
    assert ("Secret", "team-b", config.polaris.client_credential_secret) in declared
    assert ("Namespace", None, "team-b") in declared and ("Namespace", None, "team-a") not in declared
    assert {(s.namespace, s.name) for s in required_secrets(config)} >= {("team-a", "aws-secret"),
                                                                         ("team-b", "aws-secret")}


def teams_validate_errors(doc: dict[str, Any], tmp_path: Path) -> list[str]:
    """Every error `validate` finds in the whole render of `doc`, references outside it only to its declared
    externals."""
    config = parse_environment(doc, source="environments/test.yaml", expected_name="test")
    objects = [obj for objects in render_charts(doc).values() for obj in objects]
    return validate_errors(objects, tmp_path, partial=False, external=declared_external(config))


def test_validate_finds_every_reference_with_existing_and_dev_secrets(tmp_path: Path) -> None:
    assert teams_validate_errors(teams_doc(), tmp_path) == []
    local = teams_doc(objectStore=LOCAL_STORE, secrets={"generateDevSecrets": True},
                      polaris={"tokenBroker": {"type": "symmetric-key"}})
    charts = render_charts(local)
    assert find(charts["51-flink-team-b"], "Secret", "aws-secret", "team-b")
    assert teams_validate_errors(local, tmp_path) == []


def test_config_refuses_unknown_and_platform_namespaces_and_unwatched_teams() -> None:
    assert config_error({"deployments": [{"name": "x", "namespace": "nowhere"}]}) == [
        "flink.deployments[x].namespace: 'nowhere' is not a team namespace (expected one of: none; null: the Flink "
        "namespace)"]
    assert config_error({"teamNamespaces": [{"name": "team-a"}, {"name": "team-a"}]}) == [
        "flink.teamNamespaces: duplicate team namespace 'team-a'"]
    assert config_error({"teamNamespaces": [{"name": "spark"}]}) == [
        "flink.teamNamespaces[spark].name: 'spark' is a platform namespace (namespaces.*); a team namespace is another "
        "one"]
    assert config_error({"teamNamespaces": [{"name": "team-a"}, {"name": "team-b"}],
                         "deployments": [{"name": "x", "namespace": "team-a"}]}) == [
        "flinkOperator.watchNamespaces: must include 'team-a', the team namespace of flink.deployments entries "
        "(else the operator never sees them)"]


def test_an_operator_watching_all_namespaces_or_team_namespaces_is_accepted() -> None:
    from tests.bare import settings

    doc = {"teamNamespaces": [{"name": "team-a"}], "deployments": [{"name": "x", "namespace": "team-a"}]}
    assert settings(environment(flink=doc, flinkOperator={"watchNamespaces": []})).flink.team_namespaces
    assert settings(environment(flink=doc, flinkOperator={"watchNamespaces": ["flink", "team-a"]}))


def test_flink_props_without_a_session_cluster_refuse_a_sql_gateway() -> None:
    import pytest

    from charts.flink.chart import FlinkProps
    from charts.flink.sql_gateway import SqlGatewayProps

    assert FlinkProps(session_cluster=None).clusters == ()
    with pytest.raises(ValueError, match="no session cluster to front"):
        FlinkProps(session_cluster=None, sql_gateway=SqlGatewayProps())


def test_team_namespaces_are_flink_namespaces_only() -> None:
    """A team namespace holds Flink workloads: the Spark operator may not be pointed at it."""
    lines = config_errors(teams_doc(sparkOperator={"jobNamespaces": ["spark", "team-a"]}))
    assert [line for line in lines if line.startswith("sparkOperator")] == [
        "sparkOperator.jobNamespaces[1]: 'team-a' is not a namespace the platform renders into (expected one of: "
        "flink, fluss, polaris, spark, technical-flink-operator, technical-spark-operator)"]
