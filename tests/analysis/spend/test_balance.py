"""Run / change / innovate balance: sums, shares, trend and gap to a target.

Every expected figure below is worked out by hand in the comment next to it.
"""

from decimal import Decimal

import numpy as np
import pytest
from scipy import stats

from omslag.analysis.spend import (
    SpendItem,
    Target,
    balance_by_year,
    gap_to_target,
    roll_up,
    share_trend,
)

D = Decimal


def actual(year: int, run: str, change: str, innovate: str) -> list[SpendItem]:
    return [
        SpendItem(year, D(run), "actual", "run"),
        SpendItem(year, D(change), "actual", "change"),
        SpendItem(year, D(innovate), "actual", "innovate"),
    ]


# -- balance_by_year ---------------------------------------------------------------------------


def test_shares_are_each_category_over_the_total_of_its_kind() -> None:
    items = [
        # actual run 400,000 + 300,000 = 700,000; change 200,000; innovate 100,000
        SpendItem(2024, D("400000.00"), "actual", "run"),
        SpendItem(2024, D("300000.00"), "actual", "run"),
        SpendItem(2024, D("200000.00"), "actual", "change"),
        SpendItem(2024, D("100000.00"), "actual", "innovate"),
        # budget 650,000 / 250,000 / 100,000, total 1,000,000
        SpendItem(2024, D("650000.00"), "budget", "run"),
        SpendItem(2024, D("250000.00"), "budget", "change"),
        SpendItem(2024, D("100000.00"), "budget", "innovate"),
    ]
    [balance] = balance_by_year(items)
    assert balance.year == 2024
    assert (balance.actual.run, balance.actual.change, balance.actual.innovate) == (
        D("700000"),
        D("200000"),
        D("100000"),
    )
    assert balance.actual.total == D("1000000")
    # 700,000 / 1,000,000 = 0.7; 200,000 / 1,000,000 = 0.2; 100,000 / 1,000,000 = 0.1
    assert balance.actual.run_share == pytest.approx(0.7)
    assert balance.actual.change_share == pytest.approx(0.2)
    assert balance.actual.innovate_share == pytest.approx(0.1)
    # 650,000 / 1,000,000 = 0.65; 250,000 / 1,000,000 = 0.25
    assert balance.budget.share("run") == pytest.approx(0.65)
    assert balance.budget.share("change") == pytest.approx(0.25)
    assert balance.split("budget").total == D("1000000")


def test_years_come_out_sorted_whatever_the_input_order() -> None:
    items = actual(2026, "1.00", "1.00", "1.00") + actual(2024, "1.00", "1.00", "1.00")
    items += actual(2025, "1.00", "1.00", "1.00")
    assert [b.year for b in balance_by_year(items)] == [2024, 2025, 2026]


def test_a_kind_without_spend_has_zero_amounts_and_zero_shares_not_an_error() -> None:
    [balance] = balance_by_year([SpendItem(2030, D("500.00"), "budget", "run")])
    assert balance.actual.total == 0
    assert (balance.actual.run_share, balance.actual.change_share) == (0.0, 0.0)
    assert balance.actual.innovate_share == 0.0
    # budget: 500 of 500 is run
    assert balance.budget.run_share == 1.0
    assert balance.preferred_kind == "budget"


def test_no_items_give_no_balances() -> None:
    assert balance_by_year([]) == []


def test_amounts_are_added_in_exact_cents() -> None:
    # 0.10 + 0.20 = 0.30 exactly; in floats it would be 0.30000000000000004
    [balance] = balance_by_year(
        [
            SpendItem(2024, D("0.10"), "actual", "run"),
            SpendItem(2024, D("0.20"), "actual", "run"),
        ]
    )
    assert balance.actual.run == D("0.30")
    assert str(balance.actual.run) == "0.30"


def test_roll_up_combines_the_spend_of_a_ministry_and_its_agency() -> None:
    ministry = [
        SpendItem(2024, D("500000.00"), "actual", "run"),
        SpendItem(2024, D("50000.00"), "actual", "innovate"),
    ]
    agency = actual(2024, "300000.00", "100000.00", "50000.00")
    [balance] = balance_by_year(roll_up(ministry, agency))
    # run 500,000 + 300,000 = 800,000; change 100,000; innovate 50,000 + 50,000 = 100,000
    # total 1,000,000: shares 0.8 / 0.1 / 0.1
    assert balance.actual.run == D("800000")
    assert balance.actual.innovate == D("100000")
    assert balance.actual.run_share == pytest.approx(0.8)
    assert balance.actual.change_share == pytest.approx(0.1)
    assert balance.actual.innovate_share == pytest.approx(0.1)


# -- share_trend --------------------------------------------------------------------------------


def test_trend_is_the_least_squares_slope_in_percentage_points_per_year() -> None:
    # innovate share 5%, 6%, 8%, 9% in 2021-2024 (total 100,000 each year)
    items = []
    for year, innovate in [(2021, 5000), (2022, 6000), (2023, 8000), (2024, 9000)]:
        items += actual(year, str(100000 - innovate - 20000), "20000", str(innovate))
    # x - mean(x) = -1.5, -0.5, 0.5, 1.5; y - mean(y) = 5-7, 6-7, 8-7, 9-7 = -2, -1, 1, 2
    # slope = (3 + 0.5 + 0.5 + 3) / (2.25 + 0.25 + 0.25 + 2.25) = 7 / 5 = 1.4 points per year
    slope = share_trend(balance_by_year(items), "innovate", "actual")
    assert slope == pytest.approx(1.4)
    # and the change share stays at 20%: slope 0
    assert share_trend(balance_by_year(items), "change", "actual") == pytest.approx(0.0, abs=1e-9)


def test_trend_matches_scipy_linregress_on_the_same_points() -> None:
    rng = np.random.default_rng(7)
    years = list(range(2010, 2026))
    items = []
    for year in years:
        run, change, innovate = (int(v) for v in rng.integers(10_000, 1_000_000, size=3))
        items += actual(year, str(run), str(change), str(innovate))
    balances = balance_by_year(items)
    # the reference: the run share in percent, recomputed from the amounts, fitted by scipy
    shares = [100 * float(b.actual.run) / float(b.actual.total) for b in balances]
    expected = stats.linregress(years, shares).slope
    assert share_trend(balances, "run", "actual") == pytest.approx(expected, rel=1e-9)


def test_trend_skips_years_without_spend_of_that_kind() -> None:
    # actual innovate 10% (2022) and 12% (2023); 2024 has only a budget and must not count
    # as 0%: slope over two points = (12 - 10) / (2023 - 2022) = 2 points per year
    items = actual(2022, "70000", "20000", "10000") + actual(2023, "68000", "20000", "12000")
    items.append(SpendItem(2024, D("100000.00"), "budget", "run"))
    assert share_trend(balance_by_year(items), "innovate", "actual") == pytest.approx(2.0)


def test_trend_needs_two_years() -> None:
    assert share_trend(balance_by_year(actual(2024, "1", "1", "1")), "run", "actual") is None
    assert share_trend([], "run", "actual") is None


# -- gap_to_target ------------------------------------------------------------------------------


def test_gap_says_how_many_points_and_euro_each_bound_is_missed_by() -> None:
    [balance] = balance_by_year(actual(2024, "700000.00", "200000.00", "100000.00"))
    gap = gap_to_target(balance, Target(2030, innovate_min_share=0.12, run_max_share=0.65))
    innovate, run = gap.bounds
    # innovate: 10% against at least 12% -> 2 points short;
    # 12% of 1,000,000 = 120,000; 100,000 - 120,000 = -20,000
    assert (innovate.category, innovate.bound) == ("innovate", "min")
    assert innovate.difference_points == pytest.approx(-2.0)
    assert innovate.difference_amount == D("-20000.00")
    assert innovate.amount_to_close == D("20000.00")
    assert innovate.points_to_close == pytest.approx(2.0)
    assert not innovate.met
    # run: 70% against at most 65% -> 5 points over; 700,000 - 650,000 = 50,000 too much
    assert (run.category, run.bound) == ("run", "max")
    assert run.difference_points == pytest.approx(5.0)
    assert run.difference_amount == D("50000.00")
    assert run.amount_to_close == D("50000.00")
    assert not run.met
    assert gap.met is False
    assert (gap.year, gap.kind) == (2024, "actual")


def test_a_share_exactly_on_the_bound_meets_it() -> None:
    # innovate 100,000 of 1,000,000 = exactly 10%; run 650,000 = exactly 65%
    [balance] = balance_by_year(actual(2024, "650000.00", "250000.00", "100000.00"))
    gap = gap_to_target(balance, Target(2030, innovate_min_share=0.10, run_max_share=0.65))
    assert [b.met for b in gap.bounds] == [True, True]
    assert [b.difference_amount for b in gap.bounds] == [D("0.00"), D("0.00")]
    assert [b.amount_to_close for b in gap.bounds] == [D("0.00"), D("0.00")]
    assert gap.met


def test_change_can_have_a_lower_and_an_upper_bound() -> None:
    # change 200,000 of 1,000,000 = 20%: 5 points above a 15% floor, 5 below a 25% ceiling
    [balance] = balance_by_year(actual(2024, "700000.00", "200000.00", "100000.00"))
    gap = gap_to_target(balance, Target(2030, change_min_share=0.15, change_max_share=0.25))
    low, high = gap.bounds
    assert low.bound == "min"
    assert low.difference_points == pytest.approx(5.0)
    assert low.difference_amount == D("50000.00")
    assert high.bound == "max"
    assert high.difference_points == pytest.approx(-5.0)
    assert high.difference_amount == D("-50000.00")
    assert gap.met


def test_gap_uses_actual_when_there_is_any_else_budget_unless_told() -> None:
    items = actual(2024, "700000.00", "200000.00", "100000.00")
    items.append(SpendItem(2025, D("1000.00"), "budget", "innovate"))
    with_actual, budget_only = balance_by_year(items)
    target = Target(2030, innovate_min_share=0.5)
    assert gap_to_target(with_actual, target).kind == "actual"
    assert gap_to_target(budget_only, target).kind == "budget"
    # 2025 budget: 1,000 of 1,000 innovate = 100% >= 50%
    assert gap_to_target(budget_only, target).met
    # 2024 has no budget: total 0, so a floor of 50% is 50 points short and 0 euro
    empty = gap_to_target(with_actual, target, kind="budget")
    assert empty.kind == "budget"
    assert empty.bounds[0].difference_points == pytest.approx(-50.0)
    assert empty.bounds[0].difference_amount == D("0.00")
    assert not empty.met


# -- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"amount": D("-1.00")}, r"amount must not be negative, got Decimal\('-1.00'\)"),
        ({"amount": 12.5}, r"amount must be a Decimal amount in euro, got 12.5"),
        ({"amount": D("0.125")}, r"amount must be in whole cents .* got Decimal\('0.125'\)"),
        ({"amount": D("NaN")}, r"amount must be a finite amount"),
        (
            {"category": "maintenance"},
            r"category must be one of run, change, innovate, got 'maintenance'",
        ),
        ({"kind": "forecast"}, r"kind must be one of budget, actual, got 'forecast'"),
        ({"year": 20277}, r"year must be a year from 1900 to 2200, got 20277"),
    ],
)
def test_bad_spend_items_are_refused_with_what_and_which_value(
    kwargs: dict[str, object], message: str
) -> None:
    fields: dict[str, object] = {
        "year": 2024,
        "amount": D("1.00"),
        "kind": "actual",
        "category": "run",
    }
    with pytest.raises(ValueError, match=message):
        SpendItem(**(fields | kwargs))  # type: ignore[arg-type]


def test_bad_targets_are_refused() -> None:
    with pytest.raises(
        ValueError, match=r"innovate_min_share must be a share from 0 to 1 .* got 10"
    ):
        Target(2030, innovate_min_share=10)  # 10 percent written as 10, not 0.10
    with pytest.raises(ValueError, match="at least one bound"):
        Target(2030)
    with pytest.raises(ValueError, match="change_min_share 0.3 is above change_max_share 0.2"):
        Target(2030, change_min_share=0.3, change_max_share=0.2)
