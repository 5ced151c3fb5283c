"""Asymptotic confidence sequences: the boundary, its tuning, and time-uniform coverage."""

import math

import numpy as np
import pytest
from scipy import integrate, optimize, stats

from omslag.analysis.experiments import (
    GroupSummary,
    confidence_sequence_difference_in_means,
    normal_mixture_margin,
    normal_mixture_rho,
    summarise,
)

ALPHA = 0.05
RUNS = 500
# Monte Carlo error of a coverage estimate near 0.95 from 500 runs: sqrt(0.05 * 0.95 / 500)
# = 0.0097. We allow three of those below the nominal level.
ALLOWED_SHORTFALL = 3 * math.sqrt(ALPHA * (1 - ALPHA) / RUNS)


@pytest.mark.parametrize(("n", "alpha"), [(10, 0.05), (1_000, 0.05), (50_000, 0.01)])
def test_margin_is_where_the_normal_mixture_martingale_reaches_one_over_alpha(n, alpha):
    rho = normal_mixture_rho(2_000, alpha)
    sum_at_boundary = n * normal_mixture_margin(n, rho, alpha)

    # Reference: Robbins' mixture of exp(l S - l^2 n / 2) over l ~ N(0, rho^2), integrated
    # numerically. Ville's inequality makes {mixture >= 1/alpha} the alpha-level boundary.
    def integrand(lam: float) -> float:
        return math.exp(lam * sum_at_boundary - lam * lam * n / 2) * stats.norm.pdf(lam, 0, rho)

    peak = sum_at_boundary / (n + 1 / rho**2)
    spread = 10 / math.sqrt(n + 1 / rho**2)
    mixture, _ = integrate.quad(integrand, peak - spread, peak + spread, limit=200)
    assert mixture == pytest.approx(1 / alpha, rel=1e-6)


@pytest.mark.parametrize(("planned", "alpha"), [(200, 0.05), (10_000, 0.05), (4_000, 0.1)])
def test_rho_makes_the_boundary_nearly_tightest_at_the_planned_sample_size(planned, alpha):
    rho = normal_mixture_rho(planned, alpha)

    # Reference: numerical minimisation of the width at the planned n over log(rho).
    best = optimize.minimize_scalar(
        lambda log_rho: normal_mixture_margin(planned, math.exp(log_rho), alpha),
        bounds=(-20, 5),
        method="bounded",
        options={"xatol": 1e-10},
    )
    assert normal_mixture_margin(planned, rho, alpha) == pytest.approx(best.fun, rel=1e-4)


def _simulated_looks(control, treatment, look_sizes):
    """Cumulative (control, treatment) summaries after each look, from raw draws."""
    looks = []
    for size in look_sizes:
        looks.append(
            (summarise(control[:size], "control"), summarise(treatment[:size], "treatment"))
        )
    return looks


def _coverage(draw, look_sizes, planned_total_n, truth):
    rng = np.random.default_rng(2024)
    sequence_covers = naive_covers = 0
    z = stats.norm.ppf(1 - ALPHA / 2)
    for _ in range(RUNS):
        control, treatment = draw(rng, look_sizes[-1])
        looks = _simulated_looks(control, treatment, look_sizes)
        sequence = confidence_sequence_difference_in_means(
            looks, planned_total_n=planned_total_n, alpha=ALPHA
        )
        sequence_covers += all(look.low <= truth <= look.high for look in sequence.looks)
        # A fixed-n 95% interval recomputed at every look ("peeking"), written out with numpy.
        naive = []
        for size in look_sizes:
            se = math.sqrt(control[:size].var(ddof=1) / size + treatment[:size].var(ddof=1) / size)
            diff = treatment[:size].mean() - control[:size].mean()
            naive.append(abs(diff - truth) <= z * se)
        naive_covers += all(naive)
    return sequence_covers / RUNS, naive_covers / RUNS


def test_covers_the_true_difference_at_all_looks_under_the_null():
    look_sizes = list(range(100, 2_001, 100))  # 20 looks, per group

    def draw(rng, size):
        return rng.normal(10.0, 2.0, size), rng.normal(10.0, 3.0, size)

    sequence, naive = _coverage(draw, look_sizes, planned_total_n=4_000, truth=0.0)

    assert sequence >= 1 - ALPHA - ALLOWED_SHORTFALL
    # The same data show why the sequence is needed: repeated fixed-n intervals fail.
    assert naive < 1 - ALPHA - ALLOWED_SHORTFALL


def test_covers_a_non_zero_difference_with_skewed_data():
    look_sizes = list(range(200, 4_001, 200))

    def draw(rng, size):
        return rng.exponential(1.0, size), rng.exponential(1.5, size)

    sequence, _ = _coverage(draw, look_sizes, planned_total_n=8_000, truth=0.5)

    assert sequence >= 1 - ALPHA - ALLOWED_SHORTFALL


def test_is_wider_than_the_fixed_n_interval_at_the_planned_size():
    rng = np.random.default_rng(5)
    control, treatment = rng.normal(0, 1, 2_000), rng.normal(0.1, 1, 2_000)
    looks = [(summarise(control), summarise(treatment))]

    last = confidence_sequence_difference_in_means(looks, planned_total_n=4_000).looks[-1]

    # Reference: scipy's fixed-n Welch interval on the same raw data.
    fixed = stats.ttest_ind(treatment, control, equal_var=False).confidence_interval(0.95)
    ratio = (last.high - last.low) / (fixed.high - fixed.low)
    assert 1.0 < ratio < 2.0
    assert last.estimate == pytest.approx(treatment.mean() - control.mean(), rel=1e-10)


def test_is_tightest_when_planned_for_the_size_reached():
    rng = np.random.default_rng(6)
    looks = [(summarise(rng.normal(0, 1, 2_000)), summarise(rng.normal(0, 1, 2_000)))]

    def width(planned):
        look = confidence_sequence_difference_in_means(looks, planned_total_n=planned).looks[0]
        return look.high - look.low

    assert width(4_000) < width(400)
    assert width(4_000) < width(40_000)


def test_looks_must_be_cumulative():
    first = (GroupSummary(100, 10.0, 200.0), GroupSummary(100, 12.0, 210.0))
    second = (GroupSummary(90, 10.0, 200.0), GroupSummary(120, 12.0, 210.0))

    with pytest.raises(ValueError, match=r"look 1 has fewer units \(90 control, 120 treatment\)"):
        confidence_sequence_difference_in_means([first, second], planned_total_n=1_000)


def test_bad_tuning_is_refused():
    looks = [(GroupSummary(10, 1.0, 5.0), GroupSummary(10, 2.0, 6.0))]

    with pytest.raises(ValueError, match="planned_total_n must be at least 1; got 0"):
        confidence_sequence_difference_in_means(looks, planned_total_n=0)
    with pytest.raises(ValueError, match="alpha must lie strictly between 0 and 1; got 1.5"):
        confidence_sequence_difference_in_means(looks, planned_total_n=100, alpha=1.5)
    with pytest.raises(ValueError, match="rho must be positive; got -1"):
        normal_mixture_margin(10, -1, 0.05)
