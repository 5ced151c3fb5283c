"""Legacy: applications past or within 12 months of the end of support, their run cost, and
the five highest legacy risks (past support first, then the highest run cost)."""

import datetime as dt
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _

from omslag.analysis.projects.figures import add_months
from omslag.common import charts
from omslag.common.templatetags.formatting import euro
from omslag.portfolio.selectors import applications_for

from . import Chart, Table, TileData

WINDOW_MONTHS = 12
TOP = 5


def legacy_compute(organisation_ids, as_of: dt.date, *, organisation) -> TileData:
    """Run cost is the actual run spend booked on the application in the year before
    ``as_of`` (the latest complete year)."""
    window_end = add_months(as_of, WINDOW_MONTHS)
    applications = list(
        applications_for(organisation_ids, run_cost_year=as_of.year - 1)
        .filter(end_of_support__isnull=False, end_of_support__lte=window_end)
        .select_related("organisation")
        .only("name", "end_of_support", "organisation__slug", "organisation__name")
    )
    past = [a for a in applications if a.end_of_support < as_of]
    run_cost = sum((a.run_cost for a in applications), Decimal("0.00"))
    ranked = sorted(
        applications,
        key=lambda a: (a.end_of_support >= as_of, -a.run_cost, a.end_of_support, a.name),
    )[:TOP]
    rows = [
        [
            a.name,
            a.organisation.name,
            a.end_of_support,
            _("past") if a.end_of_support < as_of else _("within 12 months"),
            a.run_cost,
        ]
        for a in ranked
    ]
    chart = None
    if applications:
        within = len(applications) - len(past)
        image = charts.funnel_bars(
            name="tile-legacy",
            labels=[_("support ended"), _("ends within 12 months")],
            values=[len(past), within],
            notes=["", ""],
            x_label=_("applications"),
        )
        chart = Chart(
            image,
            _(
                "Bar chart: %(past)s applications past end of support, %(within)s ending within "
                "12 months."
            )
            % {"past": len(past), "within": within},
        )
    return TileData(
        figures={
            "applications": len(applications),
            "pastEndOfSupport": len(past),
            "withinTwelveMonths": len(applications) - len(past),
            "runCost": run_cost,
            "runCostYear": as_of.year - 1,
            "highestRisks": [
                {
                    "name": a.name,
                    "organisation": a.organisation.slug,
                    "endOfSupport": a.end_of_support.isoformat(),
                    "runCost": a.run_cost,
                }
                for a in ranked
            ],
        },
        summary=_(
            "%(count)s applications are past or within 12 months of the end of support; "
            "their run cost in %(year)s was %(cost)s."
        )
        % {"count": len(applications), "year": as_of.year - 1, "cost": euro(run_cost)},
        table=Table(
            [_("Application"), _("Organisation"), _("End of support"), _("Support"), _("Run cost")],
            rows,
        ),
        chart=chart,
    )


def legacy_link(organisation, with_children: bool) -> str:
    return reverse("portfolio:applications", args=[organisation.slug]) + (
        "?end_of_support=until-12-months" + ("&below=on" if with_children else "")
    )
