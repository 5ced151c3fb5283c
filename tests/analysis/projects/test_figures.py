"""Project figures against the original baseline and the last re-baseline, checked by hand."""

import subprocess
import sys
from datetime import date
from decimal import Decimal

import pytest

from omslag.analysis.projects import (
    ReportSnapshot,
    cost_bucket,
    end_date_shift_bucket,
    project_figures,
    review_threshold_met,
    status_colour,
    whole_months_between,
)

START = date(2020, 1, 1)
ORIGINAL = ReportSnapshot(
    peildatum=date(2020, 3, 31),
    total_cost_estimate=Decimal("10000000"),
    cumulative_actual_cost=Decimal("1000000"),
    estimated_end_date=date(2022, 12, 31),
)
REBASELINE = ReportSnapshot(
    peildatum=date(2021, 3, 31),
    total_cost_estimate=Decimal("12000000"),
    estimated_end_date=date(2023, 6, 30),
    is_rebaseline=True,
)
LATEST = ReportSnapshot(
    peildatum=date(2022, 3, 31),
    total_cost_estimate=Decimal("13800000"),
    cumulative_actual_cost=Decimal("9000000"),
    estimated_end_date=date(2024, 3, 31),
)


def report(
    cost: str,
    end: date | None = None,
    day: int = 1,
    *,
    cumulative_actual_cost: Decimal | None = None,
    is_rebaseline: bool = False,
) -> ReportSnapshot:
    return ReportSnapshot(
        peildatum=date(2021, 1, day),
        total_cost_estimate=Decimal(cost),
        cumulative_actual_cost=cumulative_actual_cost,
        estimated_end_date=end,
        is_rebaseline=is_rebaseline,
    )


def test_latest_report_against_the_original_baseline() -> None:
    figures = project_figures(START, [ORIGINAL, REBASELINE, LATEST])
    original = figures.against_original
    assert original.baseline_peildatum == date(2020, 3, 31)
    assert original.cost_change == Decimal("3800000")  # 13.8 M - 10 M
    assert original.cost_change_pct == pytest.approx(38.0)  # 3.8 / 10
    # Dec 2022 -> Mar 2024: (2024 - 2022) * 12 + (3 - 12) = 15 months, day 31 -> 31
    assert original.end_date_shift_months == 15
    assert original.end_date_shift_bucket == "later_over_1_year"
    # 2020-01-01 -> 2022-12-31 is 366 + 365 + 364 = 1,095 days;
    # 2020-01-01 -> 2024-03-31 is 366 + 365 + 365 + 365 + 31 + 29 + 30 = 1,551 days
    assert original.duration_change_pct == pytest.approx((1551 / 1095 - 1) * 100)


def test_latest_report_against_the_last_rebaseline() -> None:
    figures = project_figures(START, [ORIGINAL, REBASELINE, LATEST])
    rebaseline = figures.against_last_rebaseline
    assert rebaseline.baseline_peildatum == date(2021, 3, 31)
    assert rebaseline.cost_change == Decimal("1800000")  # 13.8 M - 12 M
    assert rebaseline.cost_change_pct == pytest.approx(15.0)  # 1.8 / 12
    # Jun 2023 -> Mar 2024: (2024 - 2023) * 12 + (3 - 6) = 9 months, day 30 -> 31
    assert rebaseline.end_date_shift_months == 9
    assert rebaseline.end_date_shift_bucket == "later_up_to_1_year"
    # 2020-01-01 -> 2023-06-30 is 366 + 365 + 365 + 31 + 28 + 31 + 30 + 31 + 29 = 1,276 days
    assert rebaseline.duration_change_pct == pytest.approx((1551 / 1276 - 1) * 100)
    assert figures.rebaseline_count == 1


def test_current_figures_of_the_latest_report() -> None:
    figures = project_figures(START, [LATEST, ORIGINAL, REBASELINE])  # order does not matter
    assert figures.peildatum == date(2022, 3, 31)
    assert figures.total_cost_estimate == Decimal("13800000")
    assert figures.forecast_remaining_cost == Decimal("4800000")  # 13.8 M - 9 M
    assert figures.cost_bucket == "10-20"
    assert status_colour(figures) == "red"  # +38 % against the original


def test_without_rebaseline_both_comparisons_use_the_original() -> None:
    figures = project_figures(START, [ORIGINAL, LATEST])
    assert figures.against_last_rebaseline == figures.against_original
    assert figures.rebaseline_count == 0


def test_the_latest_of_several_rebaselines_counts_and_a_flagged_first_report_is_original() -> None:
    first = report("100", is_rebaseline=True, day=1)
    second = report("150", is_rebaseline=True, day=2)
    third = report("180", is_rebaseline=True, day=3)
    latest = report("200", day=4)
    figures = project_figures(None, [first, second, third, latest])
    assert figures.against_original.cost_change == Decimal("100")
    assert figures.against_last_rebaseline.cost_change == Decimal("20")  # 200 - 180
    assert figures.rebaseline_count == 2


def test_a_latest_report_that_is_itself_a_rebaseline_shows_no_change_against_it() -> None:
    figures = project_figures(
        None, [report("100", day=1), report("130", day=2, is_rebaseline=True)]
    )
    assert figures.against_last_rebaseline.cost_change == Decimal("0")
    assert figures.against_original.cost_change_pct == pytest.approx(30.0)


def test_forecast_remaining_cost_never_below_zero_and_unknown_without_actuals() -> None:
    overspent = report("5000000", cumulative_actual_cost=Decimal("6000000"))
    assert project_figures(None, [overspent]).forecast_remaining_cost == Decimal("0")
    earlier_with_actuals = report("100", day=1, cumulative_actual_cost=Decimal("50"))
    latest_without = report("100", day=2)
    figures = project_figures(None, [earlier_with_actuals, latest_without])
    assert figures.forecast_remaining_cost is None


def test_unknown_dates_leave_schedule_figures_empty() -> None:
    figures = project_figures(None, [report("100", date(2022, 1, 1), 1), report("100", None, 2)])
    assert figures.against_original.end_date_shift_months is None
    assert figures.against_original.end_date_shift_bucket is None
    assert figures.against_original.duration_change_pct is None
    with_dates = project_figures(
        None, [report("1", date(2022, 1, 1), 1), report("1", date(2023, 1, 1), 2)]
    )
    assert with_dates.against_original.end_date_shift_months == 12
    assert with_dates.against_original.duration_change_pct is None  # no start date


def test_zero_baseline_cost_has_no_percentage_and_any_increase_is_red() -> None:
    figures = project_figures(None, [report("0", day=1), report("1", day=2)])
    assert figures.against_original.cost_change_pct is None
    assert status_colour(figures) == "red"


@pytest.mark.parametrize(
    ("amount", "bucket"),
    [
        ("0", "0-10"),
        ("9999999.99", "0-10"),
        ("10000000", "10-20"),  # lower bound inclusive
        ("19999999.99", "10-20"),
        ("20000000", "20-30"),
        ("30000000", "30-40"),
        ("49999999", "40-50"),
        ("50000000", "50-100"),
        ("99999999.99", "50-100"),
        ("100000000", "100+"),
        ("2500000000", "100+"),
    ],
)
def test_cost_buckets_of_the_national_dashboard(amount: str, bucket: str) -> None:
    assert cost_bucket(Decimal(amount)) == bucket


@pytest.mark.parametrize(
    ("current", "bucket"),
    [
        (date(2024, 6, 29), "earlier"),
        (date(2024, 6, 30), "unchanged"),
        (date(2024, 7, 1), "later_up_to_1_year"),
        (date(2025, 6, 30), "later_up_to_1_year"),  # exactly one year later
        (date(2025, 7, 1), "later_over_1_year"),
    ],
)
def test_end_date_shift_buckets(current: date, bucket: str) -> None:
    assert end_date_shift_bucket(date(2024, 6, 30), current) == bucket


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2024, 1, 15), date(2024, 2, 14), 0),  # one day short of a month
        (date(2024, 1, 15), date(2024, 2, 15), 1),
        (date(2024, 1, 31), date(2024, 2, 29), 1),  # 31 January clips to the end of February
        (date(2023, 1, 31), date(2023, 2, 28), 1),
        (date(2024, 3, 31), date(2024, 2, 29), -1),
        (date(2024, 5, 10), date(2024, 2, 11), -2),  # truncated toward zero
        (date(2022, 12, 31), date(2024, 3, 31), 15),
        (date(2024, 6, 30), date(2024, 6, 30), 0),
    ],
)
def test_whole_calendar_months_between_dates(start: date, end: date, months: int) -> None:
    assert whole_months_between(start, end) == months


def test_review_threshold_is_five_million_inclusive() -> None:
    assert review_threshold_met(Decimal("4999999.99")) is False
    assert review_threshold_met(Decimal("5000000")) is True
    with pytest.raises(ValueError, match="ict_cost"):
        review_threshold_met(Decimal("-1"))


@pytest.mark.parametrize(
    ("latest_cost", "colour"),
    [("109.99", "green"), ("110", "amber"), ("124.99", "amber"), ("125", "red"), ("80", "green")],
)
def test_status_colour_from_cost_change_against_the_original(latest_cost: str, colour: str) -> None:
    figures = project_figures(None, [report("100", day=1), report(latest_cost, day=2)])
    assert status_colour(figures) == colour


@pytest.mark.parametrize(
    ("latest_end", "colour"),
    [
        (date(2024, 1, 31), "green"),  # earlier
        (date(2024, 5, 29), "green"),  # exactly 3 months after 29 February
        (date(2024, 5, 30), "amber"),
        (date(2025, 2, 28), "amber"),  # exactly 12 months later: 29 February clips to the 28th
        (date(2025, 3, 1), "red"),
    ],
)
def test_status_colour_from_end_date_shift(latest_end: date, colour: str) -> None:
    original = report("100", date(2024, 2, 29), day=1)
    figures = project_figures(None, [original, report("100", latest_end, day=2)])
    assert status_colour(figures) == colour


def test_a_rebaseline_does_not_reset_the_status_colour() -> None:
    reports = [report("100", day=1), report("130", day=2, is_rebaseline=True), report("130", day=3)]
    figures = project_figures(None, reports)
    assert figures.against_last_rebaseline.cost_change_pct == pytest.approx(0.0)
    assert status_colour(figures) == "red"


def test_the_worse_of_cost_and_schedule_sets_the_colour() -> None:
    original = report("100", date(2024, 1, 1), day=1)
    figures = project_figures(None, [original, report("111", date(2026, 1, 1), day=2)])
    assert status_colour(figures) == "red"


def test_negative_amounts_are_refused_naming_the_field() -> None:
    with pytest.raises(ValueError, match="total_cost_estimate must not be negative.*2024-01-01"):
        ReportSnapshot(peildatum=date(2024, 1, 1), total_cost_estimate=Decimal("-0.01"))
    with pytest.raises(ValueError, match="cumulative_actual_cost must not be negative"):
        ReportSnapshot(
            peildatum=date(2024, 1, 1),
            total_cost_estimate=Decimal("10"),
            cumulative_actual_cost=Decimal("-0.01"),
        )


def test_no_reports_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one report"):
        project_figures(START, [])


def test_the_package_imports_nothing_of_django() -> None:
    code = (
        "import sys, omslag.analysis.projects; "
        "sys.exit(any(name.split('.')[0] == 'django' for name in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
