"""Welch's test from summaries against scipy.stats.ttest_ind(equal_var=False) on raw arrays."""

import numpy as np
import pytest
from scipy import stats

from omslag.analysis.experiments import (
    GroupSummary,
    relative_effect,
    summarise,
    welch_test,
)

SCIPY_ALTERNATIVE = {"two-sided": "two-sided", "greater": "greater", "less": "less"}


@pytest.fixture
def samples():
    rng = np.random.default_rng(20240501)
    control = rng.normal(100.0, 15.0, size=40)
    treatment = rng.normal(108.0, 25.0, size=65)
    return control, treatment


@pytest.mark.parametrize("alternative", ["two-sided", "greater", "less"])
def test_statistic_p_value_and_interval_match_scipy(samples, alternative):
    control, treatment = samples

    result = welch_test(
        summarise(control, "control"),
        summarise(treatment, "treatment"),
        alternative=alternative,
        confidence=0.90,
    )

    # Reference: scipy on the raw observations (treatment first: it tests treatment - control).
    reference = stats.ttest_ind(treatment, control, equal_var=False, alternative=alternative)
    interval = reference.confidence_interval(confidence_level=0.90)
    assert result.statistic == pytest.approx(reference.statistic, rel=1e-10)
    assert result.p_value == pytest.approx(reference.pvalue, rel=1e-9)
    assert result.degrees_of_freedom == pytest.approx(reference.df, rel=1e-10)
    assert result.low == pytest.approx(interval.low, rel=1e-9)
    assert result.high == pytest.approx(interval.high, rel=1e-9)


def test_one_sided_alternatives_give_one_sided_intervals(samples):
    control, treatment = samples
    summaries = summarise(control, "control"), summarise(treatment, "treatment")

    greater = welch_test(*summaries, alternative="greater")
    less = welch_test(*summaries, alternative="less")

    assert greater.high == np.inf
    assert less.low == -np.inf


def test_standard_error_and_degrees_of_freedom_follow_welch_satterthwaite(samples):
    control, treatment = samples

    result = welch_test(summarise(control), summarise(treatment))

    # Reference: the Welch (1947) / Satterthwaite (1946) formulas evaluated with numpy.
    v_c = np.var(control, ddof=1) / control.size
    v_t = np.var(treatment, ddof=1) / treatment.size
    df = (v_c + v_t) ** 2 / (v_c**2 / (control.size - 1) + v_t**2 / (treatment.size - 1))
    assert result.difference == pytest.approx(treatment.mean() - control.mean(), rel=1e-12)
    assert result.standard_error == pytest.approx(np.sqrt(v_c + v_t), rel=1e-10)
    assert result.degrees_of_freedom == pytest.approx(df, rel=1e-10)


@pytest.mark.filterwarnings("ignore:Precision loss occurred:RuntimeWarning")  # scipy, on constants
def test_zero_variance_in_one_group_is_allowed_and_still_matches_scipy():
    control = np.full(12, 4.0)
    treatment = np.array([4.0, 5.0, 6.0, 5.5, 4.5, 5.0, 6.5, 3.5])

    result = welch_test(summarise(control), summarise(treatment))

    reference = stats.ttest_ind(treatment, control, equal_var=False)
    assert result.p_value == pytest.approx(reference.pvalue, rel=1e-9)


def test_zero_variance_in_both_groups_is_an_error_naming_them():
    with pytest.raises(ValueError, match=r"zero variance in both groups 'control' and 'pilot'"):
        welch_test(summarise(np.full(5, 2.0), "control"), summarise(np.full(6, 3.0), "pilot"))


def test_relative_effect_uses_the_delta_method(samples):
    control, treatment = samples

    result = welch_test(summarise(control), summarise(treatment), confidence=0.95)

    # Reference: the delta method evaluated with a numerical gradient of g(T, C) = T / C - 1
    # and the diagonal covariance of two independent sample means.
    means = np.array([treatment.mean(), control.mean()])
    covariance = np.diag(
        [treatment.var(ddof=1) / treatment.size, control.var(ddof=1) / control.size]
    )
    step = 1e-6
    gradient = np.array(
        [
            ((means[0] + step) / means[1] - (means[0] - step) / means[1]) / (2 * step),
            (means[0] / (means[1] + step) - means[0] / (means[1] - step)) / (2 * step),
        ]
    )
    standard_error = np.sqrt(gradient @ covariance @ gradient)
    assert result.relative is not None
    assert result.relative.estimate == pytest.approx(means[0] / means[1] - 1, rel=1e-12)
    assert result.relative.standard_error == pytest.approx(standard_error, rel=1e-6)
    z = stats.norm.ppf(0.975)
    assert result.relative.low == pytest.approx(
        result.relative.estimate - z * standard_error, rel=1e-6
    )


def test_delta_method_standard_error_agrees_with_simulation():
    # Reference: the spread of T/C - 1 over 4000 simulated experiments (seeded). With 4000
    # replicates the Monte Carlo error of a standard deviation is about 1.1%; allow 5%.
    rng = np.random.default_rng(11)
    control = rng.normal(50.0, 10.0, size=(4000, 200))
    treatment = rng.normal(55.0, 12.0, size=(4000, 300))
    simulated = treatment.mean(axis=1) / control.mean(axis=1) - 1

    relative = relative_effect(50.0, 10.0 / np.sqrt(200), 55.0, 12.0 / np.sqrt(300))

    assert relative is not None
    assert relative.standard_error == pytest.approx(simulated.std(ddof=1), rel=0.05)


def test_relative_effect_is_absent_when_the_control_mean_is_zero():
    result = welch_test(summarise([-1.0, 1.0, 0.0]), summarise([1.0, 2.0, 3.0]))

    assert result.relative is None


@pytest.mark.parametrize("alternative", ["two-sided", "greater", "less"])
def test_chance_to_beat_control_is_the_flat_prior_posterior(samples, alternative):
    control, treatment = samples

    result = welch_test(summarise(control), summarise(treatment), alternative=alternative)

    # Reference: the normal posterior N(difference, SE^2) under a flat prior; "less" means a
    # decrease is the improvement, so the chance is P(difference < 0).
    higher = stats.norm.cdf(result.difference / result.standard_error)
    expected = 1 - higher if alternative == "less" else higher
    assert result.chance_to_beat_control == pytest.approx(expected, rel=1e-12)


def test_bad_alternative_and_confidence_are_refused():
    a, b = GroupSummary(3, 3.0, 5.0), GroupSummary(3, 6.0, 14.0)

    with pytest.raises(ValueError, match="alternative must be one of two-sided, greater, less"):
        welch_test(a, b, alternative="bigger")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="confidence must lie strictly between 0 and 1; got 95"):
        welch_test(a, b, confidence=95)
