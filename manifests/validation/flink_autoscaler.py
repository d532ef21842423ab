"""The Flink autoscaler's option checks, as the operator 1.14's validator runs them on a FlinkDeployment's (and a
session job's) effective configuration: `AutoscalerValidator.validateAutoscalerOptions` and
`CalendarUtils.validateExcludedPeriods` (`flink-autoscaler` at release-1.14.0).

Only with `job.autoscaler.enabled: true`: the scale-down and scale-up factors at least 0, the utilization target
within [0, 1], the (deprecated) target utilization boundary at least 0, `utilization.max` within [target, 1],
`utilization.min` within [0, target], the observed scalability coefficient minimum within [0.01, 1], and each
excluded period (`job.autoscaler.excluded.periods`, a list) a Quartz cron expression, a daily `HH:MM-HH:MM`, or
one of each joined by `&&` (`upstream.quartz.excluded_period_problem`, which config also runs at load). Each option
is also read from its `kubernetes.operator.job.autoscaler.` key.
"""

from __future__ import annotations

from manifests.validation.flink_config import FlinkConf, Option
from upstream.java_values import JavaError, flink_list, java_double, java_double_str
from upstream.quartz import excluded_period_problem


def _option(name: str, default: str | None, *old_names: str) -> Option:
    """An autoscaler option: `job.autoscaler.<name>`, falling back to `kubernetes.operator.job.autoscaler.<name>`
    (and older names)."""
    return Option(f"job.autoscaler.{name}", tuple(f"kubernetes.operator.job.autoscaler.{n}" for n in (name, *old_names)),
                  default)


ENABLED = _option("enabled", "false")
MAX_SCALE_DOWN_FACTOR = _option("scale-down.max-factor", "0.6")
MAX_SCALE_UP_FACTOR = _option("scale-up.max-factor", "100000.0")
UTILIZATION_TARGET = Option("job.autoscaler.utilization.target",
                            ("kubernetes.operator.job.autoscaler.utilization.target",
                             "kubernetes.operator.job.autoscaler.target.utilization",
                             "job.autoscaler.target.utilization"), "0.7")
TARGET_UTILIZATION_BOUNDARY = _option("target.utilization.boundary", "0.3")
UTILIZATION_MAX = _option("utilization.max", None)
UTILIZATION_MIN = _option("utilization.min", None)
OBSERVED_SCALABILITY_COEFFICIENT_MIN = _option("observed-scalability.coefficient-min", "0.5")
EXCLUDED_PERIODS = _option("excluded.periods", None)


def _number(conf: FlinkConf, option: Option, low: float | None, high: float | None) -> tuple[str, str] | None:
    """`validateNumber`: the option's value within [low, high] (None: unbounded)."""
    found = conf.find(option)
    key, text = found if found else (option.key, option.default)
    if text is None:
        return None
    try:
        value = java_double(text)
    except JavaError:
        return conf.path(key), f"Invalid value in the autoscaler config {option.key}"
    if (low is not None and value < low) or (high is not None and value > high):
        return conf.path(key), (f"The AutoScalerOption {option.key} is invalid, it should be a value within the range "
                      f"[{'-Infinity' if low is None else java_double_str(low)}, "
                      f"{'+Infinity' if high is None else java_double_str(high)}]")
    return None


def autoscaler_problem(conf: FlinkConf) -> tuple[str, str] | None:
    """The first autoscaler problem of `conf` as (field path, message), or None (also when the autoscaler is off).

    Raises:
        ConfigValueError: `enabled`, the utilization target or the excluded periods cannot be read (the
            validator throws instead of reporting).
    """
    if not conf.boolean(ENABLED):
        return None
    target = conf.read(UTILIZATION_TARGET, java_double)  # read before the checks: a bad value throws
    periods = conf.read(EXCLUDED_PERIODS, flink_list) or []
    checks = (
        _number(conf, MAX_SCALE_DOWN_FACTOR, 0.0, None),
        _number(conf, MAX_SCALE_UP_FACTOR, 0.0, None),
        _number(conf, UTILIZATION_TARGET, 0.0, 1.0),
        _number(conf, TARGET_UTILIZATION_BOUNDARY, 0.0, None),
        _number(conf, UTILIZATION_MAX, target, 1.0),
        _number(conf, UTILIZATION_MIN, 0.0, target),
        _number(conf, OBSERVED_SCALABILITY_COEFFICIENT_MIN, 0.01, 1.0),
    )
    problem = next((c for c in checks if c), None)
    if problem:
        return problem
    found = conf.find(EXCLUDED_PERIODS)
    return next(((conf.path(found[0]) if found else "spec.flinkConfiguration", message) for expression in periods
                 if (message := excluded_period_problem(expression))), None)
