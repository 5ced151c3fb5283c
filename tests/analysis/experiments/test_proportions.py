"""Difference in proportions against statsmodels on the same counts."""

import pytest
from scipy import stats
from statsmodels.stats import proportion as sm_proportion

from omslag.analysis.experiments import (
    ProportionSummary,
    proportion_difference_test,
    wilson_interval,
)

CONTROL = ProportionSummary(count=1200, successes=150, name="control")
TREATMENT = ProportionSummary(count=1150, successes=181, name="treatment")
STATSMODELS_ALTERNATIVE = {"two-sided": "two-sided", "greater": "larger", "less": "smaller"}


@pytest.mark.parametrize("alternative", ["two-sided", "greater", "less"])
def test_pooled_z_test_matches_statsmodels(alternative):
    result = proportion_difference_test(CONTROL, TREATMENT, alternative=alternative)

    # Reference 1: statsmodels' pooled two-proportion z-test (treatment listed first).
    z, p = sm_proportion.proportions_ztest(
        [TREATMENT.successes, CONTROL.successes],
        [TREATMENT.count, CONTROL.count],
        alternative=STATSMODELS_ALTERNATIVE[alternative],
    )
    assert result.statistic == pytest.approx(z, rel=1e-10)
    assert result.p_value == pytest.approx(p, rel=1e-9)
    # Reference 2: test_proportions_2indep, score method without correction (pooled under H0).
    score = sm_proportion.test_proportions_2indep(
        TREATMENT.successes,
        TREATMENT.count,
        CONTROL.successes,
        CONTROL.count,
        method="score",
        compare="diff",
        correction=False,
        alternative=STATSMODELS_ALTERNATIVE[alternative],
    )
    assert result.p_value == pytest.approx(score.pvalue, rel=1e-9)


def test_interval_is_the_unpooled_wald_interval_of_statsmodels():
    result = proportion_difference_test(CONTROL, TREATMENT, confidence=0.95)

    low, high = sm_proportion.confint_proportions_2indep(
        TREATMENT.successes,
        TREATMENT.count,
        CONTROL.successes,
        CONTROL.count,
        method="wald",
        compare="diff",
        alpha=0.05,
    )
    assert result.difference == pytest.approx(181 / 1150 - 150 / 1200, rel=1e-12)
    assert result.low == pytest.approx(low, rel=1e-10)
    assert result.high == pytest.approx(high, rel=1e-10)


def test_one_sided_interval_is_the_matching_bound_of_a_wider_two_sided_interval():
    greater = proportion_difference_test(CONTROL, TREATMENT, alternative="greater")

    # A one-sided 95% bound equals the bound of the two-sided 90% interval (statsmodels).
    low, _ = sm_proportion.confint_proportions_2indep(
        TREATMENT.successes,
        TREATMENT.count,
        CONTROL.successes,
        CONTROL.count,
        method="wald",
        compare="diff",
        alpha=0.10,
    )
    assert greater.low == pytest.approx(low, rel=1e-10)
    assert greater.high == float("inf")


def test_group_rates_carry_wilson_intervals_as_statsmodels():
    result = proportion_difference_test(CONTROL, TREATMENT, confidence=0.9)

    low, high = sm_proportion.proportion_confint(181, 1150, alpha=0.10, method="wilson")
    assert result.treatment_rate.low == pytest.approx(low, rel=1e-10)
    assert result.treatment_rate.high == pytest.approx(high, rel=1e-10)
    low, high = sm_proportion.proportion_confint(0, 30, alpha=0.05, method="wilson")
    edge = wilson_interval(ProportionSummary(30, 0))
    assert (edge.low, edge.high) == pytest.approx((low, high), abs=1e-12)


def test_relative_effect_and_chance_to_beat_control():
    result = proportion_difference_test(CONTROL, TREATMENT)

    # Reference: delta method for p_t / p_c - 1 with binomial variances, written out here.
    p_t, p_c = 181 / 1150, 150 / 1200
    var_t, var_c = p_t * (1 - p_t) / 1150, p_c * (1 - p_c) / 1200
    se = ((var_t / p_c**2) + (p_t**2 * var_c / p_c**4)) ** 0.5
    assert result.relative is not None
    assert result.relative.estimate == pytest.approx(p_t / p_c - 1, rel=1e-12)
    assert result.relative.standard_error == pytest.approx(se, rel=1e-10)
    # Flat-prior normal posterior of the difference, with the unpooled standard error.
    unpooled = (var_t + var_c) ** 0.5
    assert result.chance_to_beat_control == pytest.approx(
        stats.norm.cdf((p_t - p_c) / unpooled), rel=1e-12
    )


def test_no_successes_anywhere_cannot_be_tested():
    with pytest.raises(ValueError, match=r"no successes in both groups 'a' and 'b'"):
        proportion_difference_test(ProportionSummary(10, 0, "a"), ProportionSummary(12, 0, "b"))


def test_relative_effect_is_absent_when_control_has_no_successes():
    result = proportion_difference_test(ProportionSummary(50, 0), ProportionSummary(50, 5))

    assert result.relative is None
