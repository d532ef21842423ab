"""Schedules and time zones are refused when the config loads, at their line, so `dist/` is never written with a
schedule an operator would not run: Spark operator cron and time zones (robfig/cron v3), Karpenter budget schedules,
the Flink operator's periodic snapshot intervals (log4j's CronExpression) and the autoscaler's excluded periods
(Quartz 2.4.0)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import LOCATED, config_errors, environment, located_errors
from upstream.cron import budget_schedule_problem, known_zones, schedule_problem
from upstream.quartz import LOG4J, QUARTZ, cron_valid, snapshot_interval_problem

REFUSED = "(the Spark operator's controller marks the application FailedValidation: no run starts)"


def scheduled(schedule: dict[str, Any]) -> dict[str, Any]:
    """An environment with one scheduled Spark application, `nightly`."""
    return environment(spark={"applications": [{"name": "nightly", "mainApplicationFile": "jobs/n.py",
                                                "schedule": schedule}]})


@pytest.mark.parametrize(("cron", "error"), [
    ("0 25 * * *", "end of range (25) above maximum (23): 25"),
    ("0 0 2 * * ?", "expected exactly 5 fields, found 6: [0 0 2 * * ?]"),
    ("0 0 L * *", 'failed to parse int from L: strconv.Atoi: parsing "L": invalid syntax'),
    ("0 0 * * 7", "end of range (7) above maximum (6): 7"),
    ("@every 90", 'failed to parse duration @every 90: time: missing unit in duration "90"'),
    ("@reboot", "unrecognized descriptor: @reboot"),
])
def test_a_spark_schedule_the_operator_refuses_is_a_config_error(cron: str, error: str) -> None:
    assert config_errors(scheduled({"cron": cron})) == [
        f"spark.applications[nightly].schedule.cron: {cron!r}: {error} {REFUSED}"]


def test_the_error_names_the_line_of_the_schedule() -> None:
    doc = scheduled({"cron": "0 0 2 * * ?", "timeZone": "Europe/Stockholm"})
    text = yaml.safe_dump(doc, sort_keys=False)
    (line,) = located_errors(doc)
    match = LOCATED.match(line)
    assert match is not None
    row, column = int(match[1]), int(match[2])
    assert text.splitlines()[row - 1][column - 1:] == "cron: 0 0 2 * * ?"


def test_an_unknown_time_zone_names_the_closest_and_the_schedule_is_checked_too() -> None:
    assert sorted(config_errors(scheduled({"cron": "0 0 * * * *", "timeZone": "Europe/Stokholm"}))) == sorted([
        "spark.applications[nightly].schedule.timeZone: 'Europe/Stokholm': Invalid timezone: unknown time zone "
        f"Europe/Stokholm {REFUSED}; did you mean 'Europe/Stockholm'?",
        f"spark.applications[nightly].schedule.cron: '0 0 * * * *': expected exactly 5 fields, found 6: [0 0 * * * *] "
        f"{REFUSED}"])


@pytest.mark.parametrize(("cron", "zone"), [
    ("0 2 * * *", None), ("0 2 * * *", "UTC"), ("0 2 * * *", "Local"), ("0 2 * * *", "Europe/Stockholm"),
    ("0 2 * * *", "US/Pacific"), ("@daily", None), ("@every 1h30m", "UTC"), ("*/15 9-17 * jan-mar mon-fri", None),
    ("CRON_TZ=Asia/Tokyo 0 2 * * *", None), ("0 0 ? * sun", None), ("1,,2 * * * *", None)])
def test_what_the_operator_accepts_loads_and_renders(cron: str, zone: str | None) -> None:
    from tests.conftest import render

    objects = render(scheduled({"cron": cron, "timeZone": zone}))
    (app,) = [o for o in objects if o["kind"] == "ScheduledSparkApplication"]
    assert app["spec"]["schedule"] == cron and app["spec"].get("timeZone") == zone


def test_time_zones_come_from_the_pinned_tzdata_not_the_machine() -> None:
    import importlib.metadata

    assert importlib.metadata.version("tzdata") == next(
        line.split("==")[1] for line in (Path(__file__).parent.parent / "requirements.txt").read_text().splitlines()
        if line.startswith("tzdata=="))
    assert {"Europe/Stockholm", "US/Pacific", "Etc/GMT+1"} <= known_zones() and "Europe/Stokholm" not in known_zones()
    assert schedule_problem("@daily", "Mars/Olympus_Mons") == (
        "spec.timeZone", f"Invalid timezone: unknown time zone Mars/Olympus_Mons {REFUSED}")


@pytest.mark.parametrize(("schedule", "error"), [
    ("0 0 0 * * *", "'0 0 0 * * *': expected exactly 5 fields, found 6: [0 0 0 * * *] (Karpenter's cron parser, "
                    "robfig/cron v3, refuses it: the budget never applies)"),
    ("0 9 * * 1-7", "'0 9 * * 1-7': end of range (7) above maximum (6): 1-7 (Karpenter's cron parser, robfig/cron v3, "
                    "refuses it: the budget never applies)"),
    ("TZ=Europe/Paris 0 9 * * *", "'TZ=Europe/Paris 0 9 * * *': Karpenter's schedules are in UTC and take no time "
                                  "zone"),
])
def test_a_budget_schedule_karpenter_cannot_parse_is_a_config_error(schedule: str, error: str) -> None:
    pool = {"name": "batch", "nodeClass": "default",
            "disruption": {"budgets": [{"nodes": "0", "schedule": schedule, "duration": "8h"}]}}
    assert config_errors(environment(nodePools=[pool])) == [
        f"nodePools[batch].disruption.budgets[0].schedule: {error}"]
    assert budget_schedule_problem("@daily") is None and budget_schedule_problem("0 9 * * mon-fri") is None


def test_a_periodic_snapshot_interval_the_operator_cannot_read_is_a_config_error() -> None:
    cluster = {"name": "orders", "job": {"jarPath": "a/b.jar", "parallelism": 2},
               "periodicSnapshots": {"savepointInterval": "0 0 25 * * ?", "checkpointInterval": "0 0 * * * *"}}
    never = "it logs \"neither a valid Duration, nor a cron expression\" and never triggers the snapshot"
    assert config_errors(environment(flink={"deployments": [cluster]})) == [
        f"flink.deployments[orders].periodicSnapshots.savepointInterval: '0 0 25 * * ?' is not a cron expression the "
        f"Flink operator reads (Quartz syntax, seconds first; log4j's CronExpression refuses it): {never}",
        f"flink.deployments[orders].periodicSnapshots.checkpointInterval: '0 0 * * * *' is not a cron expression the "
        f"Flink operator reads (Quartz syntax, seconds first; log4j's CronExpression refuses it): {never}"]
    assert snapshot_interval_problem("0 0 */6 * * ?") is None and snapshot_interval_problem("10 min") is None


def test_log4j_takes_a_step_after_a_number_that_quartz_refuses() -> None:
    """log4j 2.23.1's `checkNext` has no `checkIncrementRange` after `N/step` (Quartz 2.4.0's has)."""
    assert cron_valid("0 0/90 * * * ?", LOG4J) and not cron_valid("0 0/90 * * * ?", QUARTZ)
    assert not cron_valid("0 */90 * * * ?", LOG4J)  # after `*` both check it
    assert snapshot_interval_problem("0 0/90 * * * ?") is None


def test_years_do_not_depend_on_the_date() -> None:
    """Quartz's MAX_YEAR is the year it loads + 100; here a fixed 2125."""
    assert cron_valid("0 0 0 1 1 ? 2125/5") and not cron_valid("0 0 0 1 1 ? 2126/5")


def test_autoscaler_excluded_periods_are_checked_at_load() -> None:
    cluster = {"name": "orders", "job": {"jarPath": "a/b.jar", "parallelism": 2}, "autoscaler": {"enabled": True},
               "flinkConfiguration": {"job.autoscaler.excluded.periods": "9:00-10:00;0 0 * * * *"}}
    assert config_errors(environment(flink={"deployments": [cluster]})) == [
        "flink.deployments[orders].flinkConfiguration.job.autoscaler.excluded.periods: Invalid value 0 0 * * * * in "
        "the autoscaler config job.autoscaler.excluded.periods, the value is neither a valid daily expression nor a "
        "valid cron expression"]
    cluster["flinkConfiguration"] = {"job.autoscaler.excluded.periods": "9:00-10:00;0 0 * ? * MON-FRI && 8:00-18:00"}
    from tests.conftest import render

    assert render(environment(flink={"deployments": [cluster]}))


def test_synth_writes_nothing_for_a_bad_schedule(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from cli.commands import main as cli_main

    envs = tmp_path / "environments"
    envs.mkdir()
    text = yaml.safe_dump({**scheduled({"cron": "0 25 * * *"}), "environment": "bad"}, sort_keys=False)
    (envs / "bad.yaml").write_text(text)
    out = tmp_path / "dist"
    assert cli_main(["--env", "bad", "--outdir", str(out), "--config-dir", str(envs)]) == 2
    row = next(i for i, line in enumerate(text.splitlines(), 1) if "0 25 * * *" in line)
    assert f"bad.yaml:{row}:" in capsys.readouterr().err
    assert not (out / "bad").exists()
