"""Difference in means between treatment and control: Welch's two-sample t-test from summaries.

Welch (1947) does not assume equal variances; its degrees of freedom are the
Welch-Satterthwaite approximation (Satterthwaite 1946). The relative effect uses the delta
method; the chance to beat control is the posterior probability under a flat prior on the
difference with a normal likelihood. Formulas and assumptions: docs/analysis-experiments.md.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from scipy import stats

from omslag.analysis.experiments.summaries import (
    Alternative,
    ExperimentResult,
    GroupSummary,
    check_alternative,
    check_probability_level,
)

WELCH_METHOD = "welch-t-test"
WELCH_METHOD_VERSION = "1"


@dataclasses.dataclass(frozen=True)
class RelativeEffect(ExperimentResult):
    """treatment / control - 1, its delta-method standard error and normal-theory interval."""

    estimate: float
    standard_error: float
    low: float
    high: float


@dataclasses.dataclass(frozen=True)
class WelchResult(ExperimentResult):
    """Welch test of mean(treatment) - mean(control); `low`/`high` bound the difference.

    For alternative "greater" the interval is one-sided, [low, +inf); for "less" it is
    (-inf, high]. `relative` is None when the control mean is zero (or so small beside the
    other numbers that the ratio leaves the floating-point range).
    """

    control: GroupSummary
    treatment: GroupSummary
    alternative: Alternative
    confidence: float
    difference: float
    standard_error: float
    degrees_of_freedom: float
    statistic: float
    p_value: float
    low: float
    high: float
    relative: RelativeEffect | None
    chance_to_beat_control: float
    method: str = WELCH_METHOD
    method_version: str = WELCH_METHOD_VERSION


def welch_test(
    control: GroupSummary,
    treatment: GroupSummary,
    *,
    alternative: Alternative = "two-sided",
    confidence: float = 0.95,
) -> WelchResult:
    """Welch's t-test of the difference mean(treatment) - mean(control), from group summaries."""
    alternative = check_alternative(alternative)
    confidence = check_probability_level(confidence, "confidence")
    if control.variance == 0.0 and treatment.variance == 0.0:
        raise ValueError(
            f"zero variance in both groups {control.name!r} and {treatment.name!r}: "
            "the Welch test needs variation in at least one group"
        )
    control_part = control.variance / control.count
    treatment_part = treatment.variance / treatment.count
    variance = control_part + treatment_part
    standard_error = math.sqrt(variance)
    degrees_of_freedom = welch_satterthwaite(
        (control_part, treatment_part), (control.count, treatment.count)
    )
    difference = treatment.mean - control.mean
    statistic = difference / standard_error
    distribution = stats.t(degrees_of_freedom)
    low, high = interval(difference, standard_error, alternative, confidence, distribution)
    return WelchResult(
        control=control,
        treatment=treatment,
        alternative=alternative,
        confidence=confidence,
        difference=difference,
        standard_error=standard_error,
        degrees_of_freedom=degrees_of_freedom,
        statistic=statistic,
        p_value=p_value(statistic, alternative, distribution),
        low=low,
        high=high,
        relative=relative_effect(
            control.mean,
            control.standard_error,
            treatment.mean,
            treatment.standard_error,
            alternative=alternative,
            confidence=confidence,
        ),
        chance_to_beat_control=chance_to_beat_control(difference, standard_error, alternative),
    )


def welch_satterthwaite(parts: tuple[float, ...], counts: tuple[int, ...]) -> float:
    """(sum of parts)**2 / sum(part**2 / (count - 1)), each part a variance / count; the parts
    are scaled by their sum first, so that very large variances do not overflow."""
    scale = sum(parts)
    return 1.0 / sum(
        (part / scale) ** 2 / (count - 1) for part, count in zip(parts, counts, strict=True)
    )


def relative_effect(
    control_mean: float,
    control_standard_error: float,
    treatment_mean: float,
    treatment_standard_error: float,
    *,
    alternative: Alternative = "two-sided",
    confidence: float = 0.95,
) -> RelativeEffect | None:
    """treatment / control - 1 with a delta-method standard error, for independent groups.

    Var(T/C) ~ se_T**2 / C**2 + T**2 * se_C**2 / C**4; the interval uses the normal
    distribution (one-sided for one-sided alternatives). None when the control mean is zero.
    """
    if control_mean == 0.0:
        return None
    try:
        ratio = treatment_mean / control_mean
        standard_error = math.hypot(
            treatment_standard_error / control_mean, ratio * control_standard_error / control_mean
        )
    except OverflowError:
        return None
    estimate = ratio - 1.0
    if not (math.isfinite(estimate) and math.isfinite(standard_error)):
        return None  # a control mean vanishingly small beside the treatment or the errors
    low, high = interval(estimate, standard_error, alternative, confidence, stats.norm)
    return RelativeEffect(estimate=estimate, standard_error=standard_error, low=low, high=high)


def chance_to_beat_control(
    difference: float, standard_error: float, alternative: Alternative = "two-sided"
) -> float:
    """Posterior P(treatment better than control) with a flat prior: Phi(difference / SE).

    "Better" means higher, except for alternative "less" (a metric where lower is better),
    where it is Phi(-difference / SE). With a zero standard error the answer is 1, 0 or 1/2.
    """
    signed = -difference if alternative == "less" else difference
    if standard_error == 0.0:
        return 1.0 if signed > 0 else 0.0 if signed < 0 else 0.5
    return float(stats.norm.cdf(signed / standard_error))


def p_value(statistic: float, alternative: Alternative, null_distribution: Any) -> float:
    """P-value of a test statistic under a frozen scipy null distribution (t or normal)."""
    if alternative == "greater":
        return float(null_distribution.sf(statistic))
    if alternative == "less":
        return float(null_distribution.cdf(statistic))
    return float(min(1.0, 2.0 * null_distribution.sf(abs(statistic))))


def interval(
    estimate: float,
    standard_error: float,
    alternative: Alternative,
    confidence: float,
    distribution: Any,
) -> tuple[float, float]:
    """Two-sided interval, or the one-sided bound at the same confidence for one-sided tests.

    `distribution` is the frozen scipy distribution of (estimate - truth) / standard_error.
    """
    if alternative == "two-sided":
        margin = float(distribution.ppf(0.5 + confidence / 2.0)) * standard_error
        return estimate - margin, estimate + margin
    margin = float(distribution.ppf(confidence)) * standard_error
    if alternative == "greater":
        return estimate - margin, math.inf
    return -math.inf, estimate + margin
