"""Portfolio Monte Carlo against independent facts: class quantiles and the law of large numbers."""

import itertools
import math
import tracemalloc

import numpy as np
import pytest

from omslag.analysis.projects import portfolio_monte_carlo

# A fixed, fat-tailed class of 500 ratios drawn here, independently of the code under test.
CLASS = np.random.default_rng(20110901).lognormal(mean=0.15, sigma=0.5, size=500)


def test_constant_ratios_give_exactly_ratio_times_the_total_in_every_iteration() -> None:
    # 3,000 projects make chunks of 349 iterations, so 1,000 iterations end with a partial chunk.
    estimates = np.arange(1, 3001, dtype=np.float64) * 1000.0
    result = portfolio_monte_carlo(estimates, [1.2] * 10, iterations=1000, seed=1)
    expected = 1.2 * 1000.0 * 3000 * 3001 / 2  # 1.2 x sum of 1,000 .. 3,000,000
    assert result.totals.shape == (1000,)
    np.testing.assert_allclose(result.totals, expected, rtol=1e-12)
    assert result.mean == pytest.approx(expected, rel=1e-12)
    assert result.total_estimate == pytest.approx(expected / 1.2, rel=1e-12)
    assert result.probability_over_estimate == 1.0


@pytest.mark.parametrize("quantile", [0.5, 0.8, 0.9])
def test_one_project_portfolio_approaches_the_class_quantiles(quantile: float) -> None:
    iterations = 10_000
    result = portfolio_monte_carlo([250.0], CLASS, iterations=iterations, seed=7)
    simulated_ratio = result.value_at(quantile) / 250.0
    # A sample quantile of N bootstrap draws lies, with overwhelming probability, within
    # 4 standard errors sqrt(q(1-q)/N) in rank of the true one; 1/n more covers the class's
    # discreteness. So the simulated ratio must fall between these class quantiles:
    spread = 4 * math.sqrt(quantile * (1 - quantile) / iterations) + 1 / CLASS.size
    lower = float(np.quantile(CLASS, quantile - spread))
    upper = float(np.quantile(CLASS, quantile + spread))
    assert lower <= simulated_ratio <= upper
    # ... which for this class is within 3 % of the class quantile itself.
    assert simulated_ratio == pytest.approx(float(np.quantile(CLASS, quantile)), rel=0.03)


def test_many_projects_mean_approaches_total_estimate_times_mean_ratio() -> None:
    estimates = np.random.default_rng(3).lognormal(mean=15.0, sigma=1.0, size=2000)
    iterations = 10_000
    result = portfolio_monte_carlo(estimates, CLASS, iterations=iterations, seed=11)
    expected_mean = float(estimates.sum() * CLASS.mean())
    # Each iteration's total has variance sum(e_j^2) x Var(ratio) (bootstrap: ddof=0); the mean
    # of N iterations has standard error sqrt(that / N). Allow 4 standard errors.
    total_sd = math.sqrt(float((estimates**2).sum()) * float(CLASS.var()))
    assert abs(result.mean - expected_mean) <= 4 * total_sd / math.sqrt(iterations)
    # The spread of the totals matches too; a sample s.d. of 10,000 near-normal totals is
    # within 1 % with high probability, so 5 % is a generous bound.
    assert float(result.totals.std()) == pytest.approx(total_sd, rel=0.05)
    assert result.values == pytest.approx(tuple(np.quantile(result.totals, (0.5, 0.8, 0.9))))


@pytest.mark.parametrize("quantile", [0.5, 0.8, 0.9])
def test_portfolio_quantiles_match_the_exact_distribution_enumerated_here(quantile: float) -> None:
    """Three projects and a class of five ratios: the portfolio total has 5^3 = 125 equally
    likely outcomes, enumerated here without the code under test. The simulated P50/P80/P90
    must lie where a sample quantile of N draws lies with overwhelming probability: between
    the exact distribution's quantiles 4 standard errors (in rank) either side."""
    estimates = [100.0, 250.0, 1_000.0]
    ratios = [0.9, 1.0, 1.3, 2.0, 4.5]
    iterations = 20_000
    outcomes = np.sort(
        [
            sum(e * r for e, r in zip(estimates, draw, strict=True))
            for draw in itertools.product(ratios, repeat=len(estimates))
        ]
    )
    assert outcomes.size == 125
    # each ratio twice: the same distribution, and the ten pairs a class needs at least
    result = portfolio_monte_carlo(estimates, ratios * 2, iterations=iterations, seed=3)
    simulated = dict(zip(result.quantiles, result.values, strict=True))[quantile]
    spread = 4 * math.sqrt(quantile * (1 - quantile) / iterations)

    # the exact distribution's quantile function: the smallest outcome with F(x) >= q
    def exact(q: float) -> float:
        return float(outcomes[min(outcomes.size - 1, max(0, math.ceil(q * outcomes.size) - 1))])

    assert exact(quantile - spread) <= simulated <= exact(quantile + spread)


def test_the_same_seed_reproduces_and_another_seed_differs() -> None:
    estimates = [1e6, 2e6, 5e5, 3e7]
    first = portfolio_monte_carlo(estimates, CLASS, iterations=2000, seed=42)
    again = portfolio_monte_carlo(estimates, CLASS, iterations=2000, seed=42)
    other = portfolio_monte_carlo(estimates, CLASS, iterations=2000, seed=43)
    np.testing.assert_array_equal(first.totals, again.totals)
    assert first == again  # totals are left out of equality; the summary must match
    assert not np.array_equal(first.totals, other.totals)


def test_a_class_of_more_than_65536_ratios_draws_from_all_of_them() -> None:
    ratios = np.arange(70_000, dtype=np.float64)  # ratio = its own index
    result = portfolio_monte_carlo([1.0], ratios, iterations=10_000, seed=5)
    # 4,464 of 70,000 ratios lie above 65,535: about 640 of 10,000 draws should.
    assert int((result.totals > 65_535).sum()) > 400
    assert result.totals.max() <= 69_999


def test_memory_stays_flat_because_iterations_are_chunked() -> None:
    estimates = np.full(25_000, 1e6)
    tracemalloc.start()
    try:
        portfolio_monte_carlo(estimates, CLASS, iterations=1000, seed=1)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # All draws at once would be 25,000 x 1,000 x 8 bytes = 200 MB; chunks keep it near 10 MB.
    assert peak < 40_000_000


def test_bad_input_is_refused_with_what_and_where() -> None:
    with pytest.raises(ValueError, match="at least one project"):
        portfolio_monte_carlo([], CLASS, iterations=10, seed=1)
    with pytest.raises(ValueError, match=r"estimates\[1\]"):
        portfolio_monte_carlo([1.0, -2.0], CLASS, iterations=10, seed=1)
    with pytest.raises(ValueError, match="too little to forecast: 3 pairs, at least 10 needed"):
        portfolio_monte_carlo([1.0], [1.0, 1.1, 1.2], iterations=10, seed=1)
    with pytest.raises(ValueError, match="iterations"):
        portfolio_monte_carlo([1.0], CLASS, iterations=0, seed=1)
