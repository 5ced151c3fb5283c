"""Derived figures of a large ICT project, always against the original baseline.

A project's reports (dated snapshots, "peildatum") are compared with the first report (the
original baseline) and with the latest report flagged as a re-baseline ("herijking"). Money stays
``Decimal``; percentages are ``float`` in percent (20.0 means +20 %). See docs/analysis-projects.md.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

EndDateShiftBucket = Literal["earlier", "unchanged", "later_up_to_1_year", "later_over_1_year"]
StatusColour = Literal["green", "amber", "red"]

MILLION = Decimal(1_000_000)
# Cost buckets of the national ICT dashboard, in million euro: (label, lower, upper).
# The lower bound is inclusive and the upper bound exclusive: exactly EUR 10 million is "10-20".
COST_BUCKETS: tuple[tuple[str, Decimal, Decimal | None], ...] = (
    ("0-10", Decimal(0), Decimal(10)),
    ("10-20", Decimal(10), Decimal(20)),
    ("20-30", Decimal(20), Decimal(30)),
    ("30-40", Decimal(30), Decimal(40)),
    ("40-50", Decimal(40), Decimal(50)),
    ("50-100", Decimal(50), Decimal(100)),
    ("100+", Decimal(100), None),
)

# The AcICT reviews projects whose ICT component is at least EUR 5 million.
REVIEW_THRESHOLD_EUR = Decimal(5_000_000)

# Status colour thresholds, applied to the change against the ORIGINAL baseline. A re-baseline
# never resets the colour. The worse of cost and schedule wins.
RED_COST_CHANGE_PCT = 25.0  # red when the cost estimate rose by 25 % or more
AMBER_COST_CHANGE_PCT = 10.0  # amber when it rose by 10 % or more
RED_END_DATE_SHIFT_MONTHS = 12  # red when the end date moved more than 12 months later
AMBER_END_DATE_SHIFT_MONTHS = 3  # amber when it moved more than 3 months later


@dataclass(frozen=True, slots=True)
class ReportSnapshot:
    """One report of a project at its peildatum, as input to the figures."""

    peildatum: date
    total_cost_estimate: Decimal
    cumulative_actual_cost: Decimal | None = None
    estimated_end_date: date | None = None
    is_rebaseline: bool = False

    def __post_init__(self) -> None:
        _check_amount("total_cost_estimate", self.total_cost_estimate, self.peildatum)
        if self.cumulative_actual_cost is not None:
            _check_amount("cumulative_actual_cost", self.cumulative_actual_cost, self.peildatum)


@dataclass(frozen=True, slots=True)
class BaselineComparison:
    """The latest report compared with one baseline report."""

    baseline_peildatum: date
    baseline_cost: Decimal
    baseline_end_date: date | None
    cost_change: Decimal
    cost_change_pct: float | None  # None when the baseline cost is zero
    end_date_shift_months: int | None  # None when either end date is unknown
    end_date_shift_bucket: EndDateShiftBucket | None
    duration_change_pct: float | None  # None when unknown or baseline end <= start


@dataclass(frozen=True, slots=True)
class ProjectFigures:
    """Figures of the latest report against the original baseline and the last re-baseline."""

    start_date: date | None
    peildatum: date
    total_cost_estimate: Decimal
    cumulative_actual_cost: Decimal | None
    estimated_end_date: date | None
    forecast_remaining_cost: Decimal | None
    cost_bucket: str
    rebaseline_count: int
    against_original: BaselineComparison
    against_last_rebaseline: BaselineComparison


def project_figures(start_date: date | None, reports: Sequence[ReportSnapshot]) -> ProjectFigures:
    """Compare the latest report with the first one and with the last re-baseline.

    Reports are ordered by peildatum; reports on the same peildatum keep the caller's order.
    """
    if not reports:
        raise ValueError("reports: at least one report is needed")
    ordered = sorted(reports, key=lambda report: report.peildatum)
    original, current = ordered[0], ordered[-1]
    rebaselines = [report for report in ordered[1:] if report.is_rebaseline]
    last_rebaseline = rebaselines[-1] if rebaselines else original
    remaining = None
    if current.cumulative_actual_cost is not None:
        remaining = max(current.total_cost_estimate - current.cumulative_actual_cost, Decimal(0))
    return ProjectFigures(
        start_date=start_date,
        peildatum=current.peildatum,
        total_cost_estimate=current.total_cost_estimate,
        cumulative_actual_cost=current.cumulative_actual_cost,
        estimated_end_date=current.estimated_end_date,
        forecast_remaining_cost=remaining,
        cost_bucket=cost_bucket(current.total_cost_estimate),
        rebaseline_count=len(rebaselines),
        against_original=_compare(start_date, original, current),
        against_last_rebaseline=_compare(start_date, last_rebaseline, current),
    )


def cost_bucket(total_cost_estimate: Decimal) -> str:
    """The national dashboard's cost bucket (million euro, lower bound inclusive)."""
    _check_amount("total_cost_estimate", total_cost_estimate)
    millions = total_cost_estimate / MILLION
    for label, lower, upper in COST_BUCKETS:
        if millions >= lower and (upper is None or millions < upper):
            return label
    raise AssertionError("unreachable: the last bucket has no upper bound")


def end_date_shift_bucket(original_end: date, current_end: date) -> EndDateShiftBucket:
    """The national dashboard's end-date shift bucket; one year is 12 calendar months."""
    if current_end < original_end:
        return "earlier"
    if current_end == original_end:
        return "unchanged"
    if current_end <= add_months(original_end, 12):
        return "later_up_to_1_year"
    return "later_over_1_year"


def whole_months_between(start: date, end: date) -> int:
    """Whole calendar months from start to end, truncated toward zero (negative when earlier).

    (y2 - y1) * 12 + (m2 - m1), minus one when adding that many months to start passes end;
    a day past the end of the target month counts as its last day (31 Jan -> 29 Feb is 1).
    """
    if end < start:
        return -whole_months_between(end, start)
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if add_months(start, months) > end:
        months -= 1
    return months


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later, clipped to the end of the month."""
    year, month_index = divmod(day.year * 12 + day.month - 1 + months, 12)
    last_day = calendar.monthrange(year, month_index + 1)[1]
    return date(year, month_index + 1, min(day.day, last_day))


def review_threshold_met(ict_cost: Decimal) -> bool:
    """Whether the ICT component reaches the AcICT review threshold of EUR 5 million."""
    _check_amount("ict_cost", ict_cost)
    return ict_cost >= REVIEW_THRESHOLD_EUR


def status_colour(figures: ProjectFigures) -> StatusColour:
    """Green, amber or red from cost and end-date change against the original baseline."""
    comparison = figures.against_original
    colours: list[StatusColour] = [_cost_colour(comparison)]
    if comparison.baseline_end_date is not None and figures.estimated_end_date is not None:
        colours.append(_schedule_colour(comparison.baseline_end_date, figures.estimated_end_date))
    if "red" in colours:
        return "red"
    return "amber" if "amber" in colours else "green"


def _cost_colour(comparison: BaselineComparison) -> StatusColour:
    pct = comparison.cost_change_pct
    if pct is None:  # baseline cost zero: any increase is unbounded
        return "red" if comparison.cost_change > 0 else "green"
    if pct >= RED_COST_CHANGE_PCT:
        return "red"
    if pct >= AMBER_COST_CHANGE_PCT:
        return "amber"
    return "green"


def _schedule_colour(original_end: date, current_end: date) -> StatusColour:
    if current_end > add_months(original_end, RED_END_DATE_SHIFT_MONTHS):
        return "red"
    if current_end > add_months(original_end, AMBER_END_DATE_SHIFT_MONTHS):
        return "amber"
    return "green"


def _compare(
    start_date: date | None, baseline: ReportSnapshot, current: ReportSnapshot
) -> BaselineComparison:
    cost_change = current.total_cost_estimate - baseline.total_cost_estimate
    cost_change_pct: float | None = None
    if baseline.total_cost_estimate > 0:
        cost_change_pct = float(cost_change * 100 / baseline.total_cost_estimate)
    base_end, current_end = baseline.estimated_end_date, current.estimated_end_date
    shift_months: int | None = None
    shift_bucket: EndDateShiftBucket | None = None
    duration_pct: float | None = None
    if base_end is not None and current_end is not None:
        shift_months = whole_months_between(base_end, current_end)
        shift_bucket = end_date_shift_bucket(base_end, current_end)
        if start_date is not None and base_end > start_date:
            base_days = (base_end - start_date).days
            duration_pct = ((current_end - start_date).days - base_days) * 100 / base_days
    return BaselineComparison(
        baseline_peildatum=baseline.peildatum,
        baseline_cost=baseline.total_cost_estimate,
        baseline_end_date=base_end,
        cost_change=cost_change,
        cost_change_pct=cost_change_pct,
        end_date_shift_months=shift_months,
        end_date_shift_bucket=shift_bucket,
        duration_change_pct=duration_pct,
    )


def _check_amount(field: str, value: Decimal, peildatum: date | None = None) -> None:
    where = f" (report of {peildatum.isoformat()})" if peildatum is not None else ""
    if not value.is_finite():
        raise ValueError(f"{field} must be a finite amount, got {value}{where}")
    if value < 0:
        raise ValueError(f"{field} must not be negative, got {value}{where}")
