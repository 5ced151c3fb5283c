"""Difference-in-differences against statsmodels OLS on the same data."""

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats

from omslag.analysis.experiments import did_from_cells, did_from_panel, summarise


@pytest.fixture
def panel():
    """An unbalanced panel: 40 units (15 pilot), 6 periods each, some rows missing."""
    rng = np.random.default_rng(42)
    units = np.repeat([f"unit-{i:02d}" for i in range(40)], 6)
    treated = np.repeat((np.arange(40) < 15).astype(int), 6)
    post = np.tile([0, 0, 0, 1, 1, 1], 40)
    unit_effect = np.repeat(rng.normal(0, 2, 40), 6)
    value = 5 + unit_effect + 0.8 * post + 1.5 * treated * post + rng.normal(0, 1, 240)
    keep = rng.random(240) > 0.1
    return units[keep], treated[keep], post[keep], value[keep]


def _statsmodels_fit(units, treated, post, value, use_t):
    design = np.column_stack([np.ones_like(value), treated, post, treated * post])
    codes = np.unique(units, return_inverse=True)[1]
    return sm.OLS(value, design).fit(cov_type="cluster", cov_kwds={"groups": codes}, use_t=use_t)


def test_panel_estimate_and_clustered_standard_error_match_statsmodels(panel):
    result = did_from_panel(*panel)

    # Reference: statsmodels OLS(...).fit(cov_type="cluster", cov_kwds={"groups": unit}).
    reference = _statsmodels_fit(*panel, use_t=None)
    assert result.estimate == pytest.approx(reference.params[3], rel=1e-10)
    assert result.standard_error == pytest.approx(reference.bse[3], rel=1e-10)
    assert result.clusters == 40
    assert (result.treated_units, result.control_units) == (15, 25)


@pytest.mark.parametrize("alternative", ["two-sided", "greater", "less"])
def test_panel_p_value_and_interval_match_statsmodels_with_t_and_g_minus_1_df(panel, alternative):
    result = did_from_panel(*panel, alternative=alternative, confidence=0.95)

    # Reference: the same fit with use_t=True (t distribution, G - 1 = 39 degrees of freedom).
    reference = _statsmodels_fit(*panel, use_t=True)
    test = reference.t_test(np.array([[0, 0, 0, 1.0]]))
    two_sided = float(test.pvalue)
    t_value = float(np.squeeze(test.tvalue))
    expected = {
        "two-sided": two_sided,
        "greater": two_sided / 2 if t_value > 0 else 1 - two_sided / 2,
        "less": two_sided / 2 if t_value < 0 else 1 - two_sided / 2,
    }[alternative]
    assert result.degrees_of_freedom == 39
    assert result.p_value == pytest.approx(expected, rel=1e-9)
    if alternative == "two-sided":
        low, high = reference.conf_int(alpha=0.05)[3]
        assert (result.low, result.high) == pytest.approx((low, high), rel=1e-10)


def test_panel_estimate_is_the_difference_of_cell_mean_differences(panel):
    units, treated, post, value = panel

    result = did_from_panel(units, treated, post, value)

    def cell(d, p):
        return value[(treated == d) & (post == p)].mean()

    expected = (cell(1, 1) - cell(1, 0)) - (cell(0, 1) - cell(0, 0))
    assert result.estimate == pytest.approx(expected, rel=1e-10)
    assert [c.name for c in result.cells] == [
        "control/before",
        "control/after",
        "treated/before",
        "treated/after",
    ]


def test_cells_estimate_and_standard_error_match_ols_with_hc2_on_independent_samples():
    rng = np.random.default_rng(3)
    sizes = {(0, 0): 120, (0, 1): 95, (1, 0): 60, (1, 1): 70}
    spreads = {(0, 0): 1.0, (0, 1): 2.0, (1, 0): 1.5, (1, 1): 3.0}
    samples = {
        key: rng.normal(10 + 2 * key[0] + key[1] + 1.2 * key[0] * key[1], spreads[key], size)
        for key, size in sizes.items()
    }

    result = did_from_cells(
        summarise(samples[0, 0], "control/before"),
        summarise(samples[0, 1], "control/after"),
        summarise(samples[1, 0], "treated/before"),
        summarise(samples[1, 1], "treated/after"),
    )

    # Reference: the saturated OLS on the raw data with HC2 errors, which for cell dummies
    # equals sqrt(sum of s^2 / n over the cells) exactly.
    rows = [(d, p, y) for (d, p), ys in samples.items() for y in ys]
    d, p, y = (np.array(column, dtype=float) for column in zip(*rows, strict=True))
    fit = sm.OLS(y, np.column_stack([np.ones_like(y), d, p, d * p])).fit(cov_type="HC2")
    assert result.estimate == pytest.approx(fit.params[3], rel=1e-10)
    assert result.standard_error == pytest.approx(fit.bse[3], rel=1e-10)
    # Welch-Satterthwaite degrees of freedom over four cells, and the t p-value, with numpy/scipy.
    parts = np.array([samples[k].var(ddof=1) / sizes[k] for k in sizes])
    counts = np.array(list(sizes.values()))
    df = parts.sum() ** 2 / np.sum(parts**2 / (counts - 1))
    assert result.degrees_of_freedom == pytest.approx(df, rel=1e-10)
    expected_p = 2 * stats.t.sf(abs(fit.params[3] / fit.bse[3]), df)
    assert result.p_value == pytest.approx(expected_p, rel=1e-8)
    assert result.clusters is None


def test_a_unit_in_both_groups_is_refused(panel):
    units, treated, post, value = panel
    treated = treated.copy()
    treated[np.flatnonzero(units == "unit-20")[0]] = 1

    with pytest.raises(ValueError, match="unit 'unit-20' appears as both treated and control"):
        did_from_panel(units, treated, post, value)


def test_indicators_must_be_zero_or_one(panel):
    units, treated, post, value = panel
    post = post.copy()
    post[4] = 2

    with pytest.raises(ValueError, match=r"post must be 0 or 1; row 4 is 2\.0"):
        did_from_panel(units, treated, post, value)


def test_one_pilot_unit_is_too_few_for_clustered_errors():
    units = np.repeat(np.arange(6), 4)
    treated = (units == 0).astype(int)
    post = np.tile([0, 0, 1, 1], 6)
    value = np.random.default_rng(0).normal(size=24)

    with pytest.raises(ValueError, match="at least 2 treated and 2 control units; got 1 treated"):
        did_from_panel(units, treated, post, value)


def test_every_cell_needs_observations():
    units = np.repeat(np.arange(6), 2)
    treated = (units < 3).astype(int)
    post = np.where(treated == 1, 0, np.tile([0, 1], 6))
    value = np.arange(12, dtype=float)

    with pytest.raises(ValueError, match="cell treated/after has 0 observations"):
        did_from_panel(units, treated, post, value)


def test_mismatched_lengths_are_refused():
    with pytest.raises(ValueError, match="must be 1-D and of equal length; treated has shape"):
        did_from_panel([1, 2, 3], [0, 1], [0, 1, 0], [1.0, 2.0, 3.0])


def test_cells_with_no_variance_at_all_are_refused():
    constant = summarise(np.full(4, 1.0), "c")

    with pytest.raises(ValueError, match="zero variance in all four cells"):
        did_from_cells(constant, constant, constant, constant)
