"""Difference in proportions between treatment and control (conversion-type metrics).

The test is the classical two-proportion z-test with the pooled standard error under the null
hypothesis p_treatment = p_control (identical to Pearson's chi-square test of the 2x2 table
without continuity correction; statsmodels `proportions_ztest`, and `test_proportions_2indep`
with method="score", correction=False). The interval uses the unpooled Wald standard error
(statsmodels `confint_proportions_2indep` with method="wald"), because away from the null the
two proportions are no longer assumed equal. Near the significance boundary the two can
therefore disagree slightly; docs/analysis-experiments.md explains the choice.
"""

from __future__ import annotations

import dataclasses
import math

from scipy import stats

from omslag.analysis.experiments.means import (
    RelativeEffect,
    chance_to_beat_control,
    interval,
    p_value,
    relative_effect,
)
from omslag.analysis.experiments.summaries import (
    Alternative,
    ExperimentResult,
    ProportionSummary,
    check_alternative,
    check_probability_level,
)

PROPORTIONS_METHOD = "two-proportion-z-test"
PROPORTIONS_METHOD_VERSION = "1"


@dataclasses.dataclass(frozen=True)
class RateInterval(ExperimentResult):
    """One group's proportion with its Wilson score interval."""

    proportion: float
    low: float
    high: float


@dataclasses.dataclass(frozen=True)
class ProportionDifferenceResult(ExperimentResult):
    """Test of p(treatment) - p(control); `low`/`high` bound the difference (Wald, unpooled).

    `statistic` and `p_value` use the pooled standard error `test_standard_error`;
    `standard_error` is the unpooled one used for the interval and the chance to beat control.
    One-sided alternatives give one-sided intervals, as in `welch_test`.
    """

    control: ProportionSummary
    treatment: ProportionSummary
    alternative: Alternative
    confidence: float
    difference: float
    standard_error: float
    test_standard_error: float
    statistic: float
    p_value: float
    low: float
    high: float
    control_rate: RateInterval
    treatment_rate: RateInterval
    relative: RelativeEffect | None
    chance_to_beat_control: float
    method: str = PROPORTIONS_METHOD
    method_version: str = PROPORTIONS_METHOD_VERSION


def proportion_difference_test(
    control: ProportionSummary,
    treatment: ProportionSummary,
    *,
    alternative: Alternative = "two-sided",
    confidence: float = 0.95,
) -> ProportionDifferenceResult:
    """Two-proportion z-test (pooled SE) with an unpooled Wald interval for the difference."""
    alternative = check_alternative(alternative)
    confidence = check_probability_level(confidence, "confidence")
    pooled = (control.successes + treatment.successes) / (control.count + treatment.count)
    if pooled in (0.0, 1.0):
        outcome = "no successes" if pooled == 0.0 else "only successes"
        raise ValueError(
            f"{outcome} in both groups {control.name!r} and {treatment.name!r}: "
            "the difference in proportions cannot be tested"
        )
    test_standard_error = math.sqrt(
        pooled * (1.0 - pooled) * (1.0 / control.count + 1.0 / treatment.count)
    )
    p_control, p_treatment = control.proportion, treatment.proportion
    control_se = _binomial_standard_error(control)
    treatment_se = _binomial_standard_error(treatment)
    standard_error = math.hypot(control_se, treatment_se)
    difference = p_treatment - p_control
    statistic = difference / test_standard_error
    if standard_error == 0.0:
        # Both groups all-or-nothing (0/n against m/m): the Wald interval would have width
        # zero, a certainty the data do not give. Refuse rather than show it as a result.
        raise ValueError(
            f"each group is all-or-nothing ({control.name!r}: {control.successes} of "
            f"{control.count}, {treatment.name!r}: {treatment.successes} of {treatment.count}):"
            " the interval of the difference would have width zero; collect more units"
        )
    low, high = interval(difference, standard_error, alternative, confidence, stats.norm)
    return ProportionDifferenceResult(
        control=control,
        treatment=treatment,
        alternative=alternative,
        confidence=confidence,
        difference=difference,
        standard_error=standard_error,
        test_standard_error=test_standard_error,
        statistic=statistic,
        p_value=p_value(statistic, alternative, stats.norm),
        low=low,
        high=high,
        control_rate=wilson_interval(control, confidence=confidence),
        treatment_rate=wilson_interval(treatment, confidence=confidence),
        relative=relative_effect(
            p_control,
            control_se,
            p_treatment,
            treatment_se,
            alternative=alternative,
            confidence=confidence,
        ),
        chance_to_beat_control=chance_to_beat_control(difference, standard_error, alternative),
    )


def wilson_interval(summary: ProportionSummary, *, confidence: float = 0.95) -> RateInterval:
    """Two-sided Wilson score interval for one group's proportion (Wilson 1927)."""
    confidence = check_probability_level(confidence, "confidence")
    z = float(stats.norm.ppf(0.5 + confidence / 2.0))
    n, p = summary.count, summary.proportion
    denominator = 1.0 + z * z / n
    centre = (p + z * z / (2.0 * n)) / denominator
    half_width = z * math.sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n)) / denominator
    return RateInterval(
        proportion=p, low=max(0.0, centre - half_width), high=min(1.0, centre + half_width)
    )


def _binomial_standard_error(summary: ProportionSummary) -> float:
    p = summary.proportion
    return math.sqrt(p * (1.0 - p) / summary.count)
