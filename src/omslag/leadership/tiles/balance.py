"""Balance: run / change / innovate shares of the latest complete year, the target, the gap
in euro and the trend over five years."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from omslag.common import charts
from omslag.portfolio.figures import spend_items_stored_for
from omslag.portfolio.selectors import (
    BASELINE,
    organisations_behind_on_spend,
    scenario_comparison,
    spend_target_current,
    spend_totals_for,
)

from . import Chart, Freshness, Table, TileData

CENT = Decimal("0.01")
CATEGORIES = ("run", "change", "innovate")
TREND_YEARS = 5


def _share(part: Decimal, total: Decimal) -> float | None:
    return round(float(part / total * 100), 1) if total else None


def _scenario_target_years(organisation) -> list[dict]:
    """The year each of the organisation's scenarios (and no change: named "—" and marked
    ``baseline``, as the scenarios API names it) first meets the target, as the scenarios page
    projects them; none when a projection fails."""
    try:
        projections = scenario_comparison(organisation)
    except ValueError:
        return []
    return [
        {
            "name": "—" if name is BASELINE else name,
            "baseline": name is BASELINE,
            "targetMetIn": projection.first_year_target_met,
        }
        for name, projection in projections.items()
    ]


def balance_compute(organisation_ids, as_of: dt.date, *, organisation) -> TileData:
    """The latest complete year is the last calendar year before ``as_of`` with actual spend.

    The spend sums come from the stored balance figures (refreshed when spend changes, so
    500,000 spend lines are not summed again on every view), else from one grouped query."""
    stored = spend_items_stored_for(organisation, organisation_ids)
    if stored is None:
        totals = spend_totals_for(organisation_ids, kind="actual", before_year=as_of.year)
        pending = False
    else:
        items, state = stored
        pending = state.pending
        totals = {}
        for item in items:
            if item.kind == "actual" and item.year < as_of.year:
                year = totals.setdefault(item.year, dict.fromkeys(CATEGORIES, Decimal("0.00")))
                year[item.category] += item.amount
    years = sorted(totals)
    target = spend_target_current(organisation, today=as_of)
    target_innovate = (
        float(target.innovate_min_percent)
        if target is not None and target.innovate_min_percent is not None
        else None
    )
    target_run = (
        float(target.run_max_percent)
        if target is not None and target.run_max_percent is not None
        else None
    )
    complete_year = as_of.year - 1
    freshness = [
        Freshness(
            _("Spend (actuals)"),
            dt.date(years[-1], 12, 31) if years else None,
            stale=not years or years[-1] < complete_year,
            warning=_("No actual spend of %(year)s yet.") % {"year": complete_year}
            if not years or years[-1] < complete_year
            else "",
        )
    ]
    if len(organisation_ids) > 1 and years and years[-1] >= complete_year:
        # A roll-up has spend of the year when any organisation has; name those without.
        behind = organisations_behind_on_spend(organisation_ids, complete_year)
        if behind:
            freshness.append(
                Freshness(
                    _("Spend (actuals)"),
                    dt.date(complete_year, 12, 31),
                    stale=True,
                    warning=_("No actual spend of %(year)s yet from: %(names)s.")
                    % {"year": complete_year, "names": ", ".join(behind)},
                )
            )
    if pending:
        freshness.append(
            Freshness(
                _("Spend (actuals)"),
                timezone.localdate(stored[1].as_of),
                stale=True,
                warning=_("Being updated after a recent change to the spend."),
            )
        )
    if not years:
        return TileData(
            figures={
                "year": None,
                "run": None,
                "change": None,
                "innovate": None,
                "total": None,
                "runShare": None,
                "changeShare": None,
                "innovateShare": None,
                "targetInnovateShare": target_innovate,
                "targetRunShare": target_run,
                "targetYear": target.target_year if target else None,
                "gapInnovate": None,
                "trend": [],
                "scenarios": [],
            },
            summary=_("No actual spend recorded."),
            freshness=freshness,
        )
    year = years[-1]
    amounts = totals[year]
    total = sum(amounts.values(), Decimal("0.00"))
    shares = {c: _share(amounts[c], total) for c in CATEGORIES}
    gap = None
    if target_innovate is not None:
        needed = (total * Decimal(str(target_innovate)) / 100).quantize(CENT)
        gap = max(needed - amounts["innovate"], Decimal("0.00"))
    trend_years = years[-TREND_YEARS:]
    trend = []
    for trend_year in trend_years:
        year_total = sum(totals[trend_year].values(), Decimal("0.00"))
        trend.append(
            {
                "year": trend_year,
                **{f"{c}Share": _share(totals[trend_year][c], year_total) for c in CATEGORIES},
            }
        )
    rows = [
        [
            t["year"],
            totals[t["year"]]["run"],
            totals[t["year"]]["change"],
            totals[t["year"]]["innovate"],
            t["runShare"],
            t["changeShare"],
            t["innovateShare"],
        ]
        for t in trend
    ]
    chart = None
    if len(trend) >= 2:
        image = charts.lines(
            name="tile-balance",
            x=[t["year"] for t in trend],
            series=[
                charts.Series(_("run"), [t["runShare"] for t in trend], charts.BLUE, "", "-", "s"),
                charts.Series(
                    _("change"), [t["changeShare"] for t in trend], charts.ORANGE, "", "-.", "^"
                ),
                charts.Series(
                    _("innovate"), [t["innovateShare"] for t in trend], charts.GREEN, "", ":", "o"
                ),
            ],
            x_label=_("year"),
            y_label=_("share of actual ICT spend"),
        )
        chart = Chart(
            image,
            _("Line chart of the run, change and innovate shares from %(first)s to %(last)s.")
            % {"first": trend[0]["year"], "last": trend[-1]["year"]},
        )
    summary = _(
        "In %(year)s run was %(run)s%%, change %(change)s%% and innovate %(innovate)s%% "
        "of the actual ICT spend."
    ) % {"year": year, **{c: number_format(shares[c], 1) for c in CATEGORIES}}
    if target_innovate is not None:
        summary += " " + _("The target is innovate at least %(target)s%% by %(target_year)s.") % {
            "target": number_format(target_innovate, 1),
            "target_year": target.target_year,
        }
    return TileData(
        figures={
            "year": year,
            "run": amounts["run"],
            "change": amounts["change"],
            "innovate": amounts["innovate"],
            "total": total,
            "runShare": shares["run"],
            "changeShare": shares["change"],
            "innovateShare": shares["innovate"],
            "targetInnovateShare": target_innovate,
            "targetRunShare": target_run,
            "targetYear": target.target_year if target else None,
            "gapInnovate": gap,
            "trend": trend,
            "scenarios": _scenario_target_years(organisation),
        },
        summary=summary,
        table=Table(
            [
                _("Year"),
                _("Run"),
                _("Change"),
                _("Innovate"),
                _("Run %"),
                _("Change %"),
                _("Innovate %"),
            ],
            rows,
        ),
        chart=chart,
        freshness=freshness,
    )


def balance_link(organisation, with_children: bool) -> str:
    return reverse("portfolio:balance", args=[organisation.slug]) + (
        "?below=1" if with_children else "?below=0"
    )
