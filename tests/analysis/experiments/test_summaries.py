"""Group summaries: validation and agreement with numpy on the raw observations."""

import numpy as np
import pytest

from omslag.analysis.experiments import (
    GroupSummary,
    ProportionSummary,
    summarise,
    summarise_by_group,
)


def test_summarise_agrees_with_numpy_on_raw_values():
    values = np.random.default_rng(1).normal(50.0, 7.0, size=333)

    summary = summarise(values, name="pilot")

    # Reference: numpy's own mean and variance (ddof=1) of the same array.
    assert summary.count == 333
    assert summary.mean == pytest.approx(np.mean(values), rel=1e-12)
    assert summary.variance == pytest.approx(np.var(values, ddof=1), rel=1e-9)
    assert summary.standard_error == pytest.approx(np.std(values, ddof=1) / np.sqrt(333), rel=1e-9)
    assert summary.name == "pilot"


def test_constant_values_have_exactly_zero_variance_despite_rounding():
    # 0.1 is not representable in binary; sum**2/n and the sum of squares differ by rounding.
    assert summarise(np.full(10, 0.1)).variance == 0.0


def test_a_group_needs_at_least_two_observations():
    with pytest.raises(ValueError, match=r"count of group 'pilot' must be at least 2; got 1"):
        GroupSummary(count=1, total=3.0, sum_of_squares=9.0, name="pilot")


def test_an_impossible_sum_of_squares_is_refused_naming_the_group():
    # Sum 100 over 10 units needs a sum of squares of at least 100**2 / 10 = 1000.
    with pytest.raises(ValueError, match=r"impossible variance in group 'region north'"):
        GroupSummary(count=10, total=100.0, sum_of_squares=500.0, name="region north")


def test_a_negative_sum_of_squares_is_refused():
    with pytest.raises(ValueError, match="impossible variance"):
        GroupSummary(count=5, total=0.0, sum_of_squares=-1.0)


@pytest.mark.parametrize(
    ("count", "total", "sum_of_squares", "message"),
    [
        (2.5, 1.0, 1.0, r"count of group 'g' must be a whole number; got 2\.5"),
        (True, 1.0, 1.0, "must be a whole number; got True"),
        (3, float("nan"), 1.0, "sum of group 'g' must be a finite number; got nan"),
        (3, 1.0, float("inf"), "sum of squares of group 'g' must be a finite number; got inf"),
    ],
)
def test_malformed_group_summaries_are_refused(count, total, sum_of_squares, message):
    with pytest.raises(ValueError, match=message):
        GroupSummary(count=count, total=total, sum_of_squares=sum_of_squares, name="g")


def test_proportion_summary_refuses_more_successes_than_units():
    with pytest.raises(
        ValueError, match=r"successes of group 'control' \(11\) must not exceed its count \(10\)"
    ):
        ProportionSummary(count=10, successes=11, name="control")


@pytest.mark.parametrize(
    ("count", "successes", "message"),
    [
        (0, 0, "count of group 'g' must be at least 1; got 0"),
        (10, -1, "successes of group 'g' must be at least 0; got -1"),
        (10, 2.5, r"successes of group 'g' must be a whole number; got 2\.5"),
    ],
)
def test_malformed_proportion_summaries_are_refused(count, successes, message):
    with pytest.raises(ValueError, match=message):
        ProportionSummary(count=count, successes=successes, name="g")


def test_proportion_summary_accepts_numpy_integers():
    summary = ProportionSummary(count=np.int64(40), successes=np.int32(10))

    assert summary.proportion == 0.25
    assert type(summary.count) is int


@pytest.mark.parametrize("labels", [["control", "treatment", "other"], [0, 1, 7], [-3, 2, 5]])
def test_summarise_by_group_matches_a_plain_loop_over_groups(labels):
    rng = np.random.default_rng(7)
    groups = np.array(labels)[rng.integers(0, 3, size=5_000)]
    values = rng.normal([1.0, 100.0, -5.0], [1.0, 20.0, 0.5], size=(5_000, 3))

    result = summarise_by_group(groups, values, metric_names=["visits", "minutes", "score"])

    # Reference: numpy on the rows of each group, selected with a boolean mask.
    assert list(result) == sorted(labels)
    for label in labels:
        rows = values[groups == label]
        for column, metric in enumerate(["visits", "minutes", "score"]):
            summary = result[label][metric]
            assert summary.count == rows.shape[0]
            assert summary.mean == pytest.approx(rows[:, column].mean(), rel=1e-10)
            assert summary.variance == pytest.approx(rows[:, column].var(ddof=1), rel=1e-8)
            assert summary.name == f"{label}/{metric}"


def test_summarise_by_group_names_metrics_by_position_by_default():
    result = summarise_by_group(["a", "a", "b", "b"], [1.0, 2.0, 3.0, 5.0])

    assert result["b"]["metric_0"].total == 8.0


def test_summarise_by_group_reports_the_first_non_finite_value():
    values = np.ones((4, 2))
    values[2, 1] = np.nan

    with pytest.raises(ValueError, match=r"row 2, metric 'cost' is nan"):
        summarise_by_group([0, 0, 1, 1], values, metric_names=["visits", "cost"])


def test_summarise_by_group_refuses_mismatched_shapes():
    with pytest.raises(ValueError, match=r"groups of shape \(3,\) and values of shape \(4, 1\)"):
        summarise_by_group([0, 0, 1], [1.0, 2.0, 3.0, 4.0])


def test_summarise_by_group_refuses_a_group_with_a_single_row():
    with pytest.raises(ValueError, match=r"count of group 'b/metric_0' must be at least 2"):
        summarise_by_group(["a", "a", "b"], [1.0, 2.0, 3.0])


def test_summarise_refuses_non_finite_values_naming_the_row():
    with pytest.raises(ValueError, match=r"values of group 'pilot' must be finite; row 1 is inf"):
        summarise([1.0, np.inf, 2.0], name="pilot")


def test_a_small_spread_beside_a_large_mean_is_exact_from_the_values():
    # Mean 1e9, standard deviation about 0.01: sums of squares cannot carry this variance
    # (1e-22 of the sum of squares), the values can.
    values = 1e9 + np.random.default_rng(7).normal(0.0, 0.01, size=500)

    summary = summarise(values, name="pilot")

    # Reference: numpy's two-pass variance of the same array, and by hand about a shift.
    shifted = values - 1e9
    assert summary.variance == pytest.approx(np.var(values, ddof=1), rel=1e-9)
    assert summary.variance == pytest.approx(np.var(shifted, ddof=1), rel=1e-6)
    by_group = summarise_by_group(np.zeros(500, dtype=int), values)[0]["metric_0"]
    assert by_group.variance == pytest.approx(np.var(values, ddof=1), rel=1e-9)


def test_sums_that_cannot_carry_the_variance_are_refused_saying_what_to_give_instead():
    # 50 values of mean 100,000 and standard deviation 1: sum 5e6, sum of squares
    # 49 + 50 * 1e10. The variance is 2e-10 of the sum of squares: lost in rounding.
    with pytest.raises(ValueError, match=r"too little precision in the sums of group 'late'"):
        GroupSummary(count=50, total=5e6, sum_of_squares=49.0 + 50 * 1e10, name="late")


def test_mean_and_standard_deviation_are_kept_exactly():
    summary = GroupSummary.from_mean_and_standard_deviation(50, 100_000.0, 1.0, name="late")

    assert summary.mean == 100_000.0
    assert summary.variance == 1.0
    assert summary.standard_error == pytest.approx(1 / np.sqrt(50))
    with pytest.raises(ValueError, match="standard deviation of group 'x' must not be negative"):
        GroupSummary.from_mean_and_standard_deviation(5, 1.0, -1.0, name="x")
    with pytest.raises(ValueError, match="too large to compute with"):
        GroupSummary.from_mean_and_standard_deviation(5, 1e300, 1.0, name="x")


def test_sums_of_a_spread_of_a_thousandth_of_the_mean_give_the_variance_exactly():
    # Count 10, values 1000 + (-4.5 .. 4.5 step 1): variance 55/6 by hand, about 1e-5 of
    # the sum of squares; computed exactly from the sums, not by cancelling floats.
    values = 1e3 + np.arange(-4.5, 5.0, 1.0)
    summary = GroupSummary(count=10, total=1e4, sum_of_squares=float(values @ values))
    assert summary.variance == pytest.approx(55 / 6, rel=1e-9)
