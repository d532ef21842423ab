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

from config.flink_rules import autoscaler_problems
from manifests.validation.flink_config import FlinkConf, Option
from upstream.java_values import JavaError, flink_list, java_double
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
RANGED = (MAX_SCALE_DOWN_FACTOR, MAX_SCALE_UP_FACTOR, UTILIZATION_TARGET, TARGET_UTILIZATION_BOUNDARY, UTILIZATION_MAX,
          UTILIZATION_MIN, OBSERVED_SCALABILITY_COEFFICIENT_MIN)
"""The options whose ranges the validator checks, in its order (`config.flink_rules.AUTOSCALER_RANGES`)."""
VERTEX_BOUNDS = (_option("vertex.min-parallelism", None), _option("vertex.max-parallelism", None))
"""The vertex parallelism bounds, which the platform checks in order after the validator's checks."""


def _value(conf: FlinkConf, option: Option) -> tuple[str, float | None] | tuple[str, str]:
    """The option's key (as found, or its own) and its number (None: unset without a default), or the key and the
    operator's message for a value it cannot read (`validateNumber` catches the parse error)."""
    found = conf.find(option)
    key, text = found if found else (option.key, option.default)
    if text is None:
        return key, None
    try:
        return key, java_double(text)
    except JavaError:
        return key, f"Invalid value in the autoscaler config {option.key}"


def autoscaler_problem(conf: FlinkConf) -> tuple[str, str] | None:
    """The first autoscaler problem of `conf` as (field path, message), or None (also when the autoscaler is off):
    the validator's chain (the ranges of `config.flink_rules.autoscaler_problems` in its order, with the operator's
    message, an unreadable number at its place in that order, then the excluded periods), then the platform's check
    of the vertex parallelism bounds (readable integers only; the operator does not read them here).

    Raises:
        ConfigValueError: `enabled`, the utilization target or the excluded periods cannot be read (the
            validator throws instead of reporting).
    """
    if not conf.boolean(ENABLED):
        return None
    conf.read(UTILIZATION_TARGET, java_double)  # read before the checks: a bad value throws
    periods = conf.read(EXCLUDED_PERIODS, flink_list) or []
    read = {option.key: _value(conf, option) for option in (*RANGED, *VERTEX_BOUNDS)}
    numbers = {key: value for key, (_, value) in read.items() if not isinstance(value, str)}
    problems = {problem.where: problem for problem in autoscaler_problems(numbers)}
    for option in RANGED:
        key, value = read[option.key]
        if isinstance(value, str):
            return conf.path(key), value
        if option.key in problems:
            return conf.path(key), problems[option.key].upstream or problems[option.key].message
    found = conf.find(EXCLUDED_PERIODS)
    period = next(((conf.path(found[0]) if found else "spec.flinkConfiguration", message) for expression in periods
                   if (message := excluded_period_problem(expression))), None)
    vertex = problems.get(VERTEX_BOUNDS[0].key)
    return period or (vertex and (conf.path(read[VERTEX_BOUNDS[0].key][0]), vertex.message))
