"""Large projects: count, original budget, current estimate, cost and schedule change against
the original baseline, the portfolio's P80 exposure, red projects and open review advice.

The figures per project are those its register keeps from its published reports (the first
report is the original baseline, the latest the current estimate)."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from omslag.analysis.projects.figures import add_months
from omslag.common import charts
from omslag.projects.models import Project, ReferenceClass
from omslag.projects.selectors import (
    open_review_advice_count,
    portfolio_forecast_stored,
    projects_board_figures,
    projects_board_totals,
    projects_largest,
    reference_classes_usable,
)
from omslag.projects.templatetags.projects_format import money as money_in

from . import Chart, Freshness, Table, TileData

STALE_MONTHS = 6
CENT = Decimal("0.01")
P80_ITERATIONS = 4_000
P80_SEED = 80  # the same data gives the same exposure on the page, the API and the report


def _p80_reference_class(organisation):
    """The reference class the P80 exposure is drawn from: the first cost class (by name)
    the organisation may use (its own or one omslag ships) that has pairs; None without."""
    return (
        reference_classes_usable(organisation)
        .filter(kind=ReferenceClass.Kind.COST, pair_count__gt=0)
        .first()
    )


def _p80_exposure(
    organisation, with_children: bool, reference_class
) -> tuple[Decimal | None, object]:
    """What the P80 of the portfolio lies above the sum of the running projects' current
    estimates: a Monte Carlo that draws, per project, one later/earlier ratio of the reference
    class's pairs (its uplifts) and sums estimate x ratio; from the stored forecast (computed
    once, refreshed when a project changes); and that stored forecast."""
    if reference_class is None:
        return None, None
    stored = portfolio_forecast_stored(
        organisation,
        reference_class,
        iterations=P80_ITERATIONS,
        seed=P80_SEED,
        include_no_longer_reported=True,
        with_children=with_children,
    )
    if stored.result is None:  # nothing to forecast, or a currency without a stated rate
        return None, stored
    result = stored.result
    p80 = result.values[list(result.quantiles).index(0.8)]
    return Decimal(p80 - result.total_estimate).quantize(Decimal("1")), stored


def _forecast_freshness(forecast) -> list[Freshness]:
    """When the stored forecast behind the P80 exposure was computed, and whether a refresh
    is under way."""
    if forecast is None or forecast.computed_at is None:
        return []
    return [
        Freshness(
            _("P80 exposure (forecast computed)"),
            timezone.localdate(forecast.computed_at),
            stale=forecast.pending,
            warning=_("Being updated after a recent change to the projects.")
            if forecast.pending
            else "",
        )
    ]


def _own_currency(amount, currency):
    """A project's amount in its own currency: euro as a number (the table writes euro), any
    other currency as text naming it, so that nothing reads as euro that is not."""
    if amount is None or currency == "EUR":
        return amount
    return money_in(amount, currency)


def _summary(board, original, current, currency, unconverted) -> str:
    if unconverted:
        listed = ", ".join(
            ngettext(
                "%(currency)s (%(count)s project)", "%(currency)s (%(count)s projects)", u.projects
            )
            % {"currency": u.currency, "count": u.projects}
            for u in unconverted
        )
        return _(
            "%(count)s projects; %(red)s red. Their amounts are not added up: no exchange "
            "rate to %(reporting)s is stated for %(currencies)s."
        ) % {
            "count": board["count"],
            "red": board["red"],
            "reporting": currency,
            "currencies": listed,
        }
    return _(
        "%(count)s projects; together %(current)s now against %(original)s at "
        "their first report; %(red)s red."
    ) % {
        "count": board["count"],
        "current": money_in(current, currency),
        "original": money_in(original, currency),
        "red": board["red"],
    }


def _of_today(as_of: dt.date) -> str:
    """With an earlier as-of date: say that these figures are not of that date."""
    if as_of == timezone.localdate():
        return ""
    return " " + _(
        "These figures are of today, not of the chosen date: the register keeps each "
        "project's current state."
    )


def projects_compute(organisation_ids, as_of: dt.date, *, organisation) -> TileData:
    # Aggregates in the database and the few projects shown: the tile never loads every
    # project of a ministry (25,000 at national scale).
    stale_before = add_months(as_of, -STALE_MONTHS)
    board = projects_board_figures(organisation_ids, stale_before=stale_before)
    totals = projects_board_totals(organisation_ids, organisation, as_of)
    currency = totals.current.currency
    # Amounts in several currencies are added only at a stated rate; without one, no total.
    unconverted = totals.current.unconverted
    original = current = None
    if not unconverted:
        original = totals.original.total.quantize(CENT)
        current = totals.current.total.quantize(CENT)
    reference_class = _p80_reference_class(organisation)
    exposure, forecast = _p80_exposure(
        organisation, list(organisation_ids) != [organisation.pk], reference_class
    )
    chart = None
    if board["count"]:
        labels = [_("green"), _("amber"), _("red"), _("no report yet")]
        values = [board["green"], board["amber"], board["red"], board["unreported"]]
        chart = Chart(
            charts.funnel_bars(
                name="tile-projects",
                labels=labels,
                values=values,
                notes=[""] * 4,
                x_label=_("projects"),
            ),
            _("Bar chart of projects by status: ")
            + ", ".join(f"{label} {value}" for label, value in zip(labels, values, strict=True)),
        )
    cost_change = None if unconverted else current - original
    return TileData(
        figures={
            "count": board["count"],
            "currency": currency,
            "exchangeRates": [rate.as_data() for rate in totals.current.rates_used],
            "unconvertedCurrencies": [item.as_data() for item in unconverted],
            "originalBudget": original,
            "currentEstimate": current,
            "costChange": cost_change,
            "costChangePercent": round(float(cost_change / original * 100), 1)
            if original
            else None,
            "scheduleChangeMonths": round(board["shift_sum"] / board["shift_count"], 1)
            if board["shift_count"]
            else None,
            "p80Exposure": exposure,
            # The reference class the exposure is drawn from (None without one).
            "p80ReferenceClass": reference_class.name if reference_class is not None else None,
            "red": board["red"],
            "openReviewAdvice": open_review_advice_count(organisation_ids),
            "staleReports": board["stale"],
        },
        summary=_summary(board, original, current, currency, unconverted) + _of_today(as_of),
        table=Table(
            [_("Project"), _("Original"), _("Current"), _("Months later"), _("Status")],
            [
                [
                    p.name,
                    _own_currency(p.original_estimate, p.currency),
                    _own_currency(p.current_estimate, p.currency),
                    p.end_date_shift_months,
                    p.get_colour_display() if p.colour else "—",
                ]
                for p in projects_largest(organisation_ids, 10)
            ],
        ),
        chart=chart,
        freshness=[
            Freshness(
                _("Project reports"),
                board["latest"],
                stale=bool(board["stale"]),
                warning=_("%(count)s running projects have no report of the last six months.")
                % {"count": board["stale"]}
                if board["stale"]
                else "",
            ),
            *_forecast_freshness(forecast),
        ],
    )


def projects_link(organisation, with_children: bool) -> str:
    statuses = "&".join(
        f"status={status}" for status in Project.Status.values if status != Project.Status.CANCELLED
    )
    url = reverse("projects:project-list", args=[organisation.slug]) + "?" + statuses
    return url if with_children else f"{url}&organisation={organisation.slug}"
