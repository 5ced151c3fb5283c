"""Scenarios: planned changes projected year by year onto the base year's balance.

Baseline throughout: actual spend in 2025 of run 700,000, change 200,000, innovate 100,000
(total 1,000,000), projected over 2026-2035.
"""

from decimal import Decimal

import pytest

from omslag.analysis.spend import (
    ChangeInnovateBudget,
    RetireApplication,
    ScenarioChange,
    ScenarioProjection,
    SpendItem,
    StartProject,
    StopProject,
    Target,
    compare_scenarios,
    project_scenario,
    scenario_baseline,
)

D = Decimal
BASE_YEAR = 2025
BASELINE = [
    SpendItem(2025, D("700000.00"), "actual", "run"),
    SpendItem(2025, D("200000.00"), "actual", "change"),
    SpendItem(2025, D("100000.00"), "actual", "innovate"),
    # the budget of the same year differs and must be ignored while actuals exist
    SpendItem(2025, D("900000.00"), "budget", "run"),
    # other years do not affect the baseline
    SpendItem(2024, D("5000000.00"), "actual", "run"),
]


def run_by_year(projection: ScenarioProjection) -> dict[int, Decimal]:
    return {p.year: p.split.run for p in projection.years}


def test_without_changes_every_year_equals_the_base_year() -> None:
    projection = project_scenario(BASELINE, [], BASE_YEAR)
    assert [p.year for p in projection.years] == list(range(2026, 2036))  # 10 years
    assert projection.baseline_kind == "actual"
    for projected in projection.years:
        split = projected.split
        assert (split.run, split.change, split.innovate) == (
            D("700000"),
            D("200000"),
            D("100000"),
        )
        # 700,000 / 1,000,000 = 0.7 and so on
        assert (split.run_share, split.change_share, split.innovate_share) == pytest.approx(
            (0.7, 0.2, 0.1)
        )
    assert projection.first_year_target_met is None
    assert projection.years[0].target_gap is None


def test_retiring_an_application_lowers_run_from_that_year_on_and_not_before() -> None:
    projection = project_scenario(
        BASELINE, [RetireApplication("mainframe", 2027, D("120000.00"))], BASE_YEAR
    )
    runs = run_by_year(projection)
    assert runs[2026] == D("700000.00")  # before the retirement: unchanged
    # from 2027: 700,000 - 120,000 = 580,000, in every year up to 2035
    assert {runs[year] for year in range(2027, 2036)} == {D("580000.00")}
    # total 580,000 + 200,000 + 100,000 = 880,000; run share 580/880 = 29/44
    assert projection.year(2027).split.total == D("880000.00")
    assert projection.year(2027).split.run_share == pytest.approx(29 / 44)


def test_a_replacement_brings_its_own_run_cost() -> None:
    retire = RetireApplication("mainframe", 2027, D("120000.00"), D("30000.00"))
    projection = project_scenario(BASELINE, [retire], BASE_YEAR)
    # 700,000 - 120,000 + 30,000 = 610,000
    assert projection.year(2027).split.run == D("610000.00")


def test_projects_add_change_for_their_years_and_stopping_one_removes_it() -> None:
    changes: list[ScenarioChange] = [
        StartProject(2027, 2029, D("50000.00"), project_id="P1"),
        StopProject(2031, D("80000.00"), project_id="legacy renewal"),
    ]
    projection = project_scenario(BASELINE, changes, BASE_YEAR)
    change = {p.year: p.split.change for p in projection.years}
    # 2026: 200,000; 2027-2029 (both ends included): 200,000 + 50,000 = 250,000;
    # 2030: 200,000 again; from 2031: 200,000 - 80,000 = 120,000
    assert change[2026] == D("200000.00")
    assert [change[y] for y in (2027, 2028, 2029)] == [D("250000.00")] * 3
    assert change[2030] == D("200000.00")
    assert {change[y] for y in range(2031, 2036)} == {D("120000.00")}


def test_innovate_budget_grows_from_its_year_on() -> None:
    projection = project_scenario(BASELINE, [ChangeInnovateBudget(2026, D("50000.00"))], BASE_YEAR)
    # 100,000 + 50,000 = 150,000 of 1,050,000 = 1/7
    assert projection.year(2026).split.innovate == D("150000.00")
    assert projection.year(2035).split.innovate_share == pytest.approx(1 / 7)


def test_first_year_the_target_is_met() -> None:
    target = Target(2030, innovate_min_share=0.15, run_max_share=0.65)
    changes: list[ScenarioChange] = [
        RetireApplication("mainframe", 2027, D("120000.00")),
        ChangeInnovateBudget(2028, D("70000.00")),
    ]
    projection = project_scenario(BASELINE, changes, BASE_YEAR, target=target)
    # 2026: run 700,000 / 1,000,000 = 70% > 65%: not met
    # 2027: run 580,000 / 880,000 = 65.9% > 65%: not met
    # 2028: run 580,000 / 950,000 = 61.1% <= 65%, innovate 170,000 / 950,000 = 17.9% >= 15%
    met = {p.year: p.target_gap.met for p in projection.years if p.target_gap}
    assert (met[2026], met[2027], met[2028]) == (False, False, True)
    assert projection.first_year_target_met == 2028
    # the 2027 gap on run: 580,000 - 0.65 x 880,000 = 580,000 - 572,000 = 8,000 too much
    run_gap = projection.year(2027).target_gap.bounds[1]  # type: ignore[union-attr]
    assert run_gap.difference_amount == D("8000.00")


def test_scenarios_are_compared_on_the_same_baseline() -> None:
    target = Target(2030, innovate_min_share=0.15, run_max_share=0.65)
    retire = RetireApplication("mainframe", 2027, D("120000.00"))
    projections = compare_scenarios(
        BASELINE,
        {
            "baseline": [],
            "retire only": [retire],
            "retire and reinvest": [retire, ChangeInnovateBudget(2028, D("70000.00"))],
        },
        BASE_YEAR,
        years=5,
        target=target,
    )
    assert list(projections) == ["baseline", "retire only", "retire and reinvest"]
    # retire only: innovate 100,000 / 880,000 = 11.4% < 15%, never met
    assert {name: p.first_year_target_met for name, p in projections.items()} == {
        "baseline": None,
        "retire only": None,
        "retire and reinvest": 2028,
    }
    assert [p.year for p in projections["baseline"].years] == [2026, 2027, 2028, 2029, 2030]


def test_baseline_falls_back_to_budget_when_the_base_year_has_no_actuals() -> None:
    items = [
        SpendItem(2026, D("800000.00"), "budget", "run"),
        SpendItem(2026, D("200000.00"), "budget", "innovate"),
    ]
    kind, split = scenario_baseline(items, 2026)
    assert kind == "budget"
    assert (split.run, split.change, split.innovate) == (D("800000"), D("0"), D("200000"))
    with pytest.raises(ValueError, match="no spend .* in base year 2023"):
        scenario_baseline(items, 2023)


def test_changes_dated_before_the_horizon_apply_from_its_first_year() -> None:
    changes: list[ScenarioChange] = [
        RetireApplication("old", 2020, D("100000.00")),
        StartProject(2019, 2021, D("999999.00")),  # over before 2026: no effect
    ]
    projection = project_scenario(BASELINE, changes, BASE_YEAR)
    # run 700,000 - 100,000 = 600,000 already in 2026; change untouched
    assert projection.year(2026).split.run == D("600000.00")
    assert projection.year(2026).split.change == D("200000.00")


def test_a_change_after_the_horizon_is_refused() -> None:
    # 10 years after 2025: 2026-2035; 2035 is still inside, 2036 is not
    project_scenario(BASELINE, [ChangeInnovateBudget(2035, D("1.00"))], BASE_YEAR)
    with pytest.raises(ValueError, match="from_year 2036 is after the last projected year 2035"):
        project_scenario(BASELINE, [ChangeInnovateBudget(2036, D("1.00"))], BASE_YEAR)


def test_a_scenario_that_drives_spend_below_zero_names_the_change_and_year() -> None:
    retire = RetireApplication("mainframe", 2027, D("800000.00"))
    # 700,000 - 800,000 = -100,000 in 2027
    with pytest.raises(
        ValueError,
        match=r"retire application 'mainframe' from 2027: makes run spend negative in 2027 "
        r"\(€-100,000.00, baseline €700,000.00\)",
    ):
        project_scenario(BASELINE, [retire], BASE_YEAR)
    with pytest.raises(ValueError, match=r"^scenario 'too much': retire application"):
        compare_scenarios(BASELINE, {"fine": [], "too much": [retire]}, BASE_YEAR)


def test_only_the_net_result_of_a_year_must_be_non_negative() -> None:
    # innovate 100,000 - 150,000 + 100,000 = 50,000: fine in whichever order
    cut, grow = (
        ChangeInnovateBudget(2027, D("-150000.00")),
        ChangeInnovateBudget(2027, D("100000.00")),
    )
    for changes in ([cut, grow], [grow, cut]):
        projection = project_scenario(BASELINE, changes, BASE_YEAR)
        assert projection.year(2027).split.innovate == D("50000.00")


def test_bad_changes_and_horizons_are_refused() -> None:
    with pytest.raises(ValueError, match=r"run_cost must not be negative, got Decimal\('-1.00'\)"):
        RetireApplication("x", 2027, D("-1.00"))
    with pytest.raises(ValueError, match="annual_change_cost must be a Decimal"):
        StartProject(2027, 2028, 50000.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="to_year 2026 is before from_year 2027"):
        StartProject(2027, 2026, D("1.00"))
    with pytest.raises(ValueError, match="years must be a whole number >= 1, got 0"):
        project_scenario(BASELINE, [], BASE_YEAR, years=0)
    with pytest.raises(KeyError):
        project_scenario(BASELINE, [], BASE_YEAR).year(2040)
