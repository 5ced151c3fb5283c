"""Legacy: applications past or within 12 months of the end of support, their run cost, and
the five highest legacy risks (past support first, then the highest run cost)."""

import datetime as dt
from types import SimpleNamespace

from django.urls import reverse
from django.utils.translation import gettext as _

from omslag.common import charts
from omslag.common.templatetags.formatting import euro
from omslag.organisations.models import Organisation
from omslag.portfolio.legacy_tile import legacy_tile

from . import Chart, Table, TileData, stored_freshness


def legacy_compute(organisation_ids, as_of: dt.date, *, organisation) -> TileData:
    """Run cost is the actual run spend booked on the application in the year before
    ``as_of`` (the latest complete year).

    Today's figures come from the portfolio's stored rows, one per organisation, added up
    (``portfolio.legacy_tile``: refreshed when applications or spend change); an earlier
    as-of date is counted in the database now. No application is loaded but the five shown."""
    figures = legacy_tile(organisation_ids, as_of)
    year = figures.run_cost_year
    run_cost = figures.run_cost
    shown = {r.organisation_id for r in figures.highest}
    organisations = (
        {
            pk: SimpleNamespace(slug=slug, name=name)
            for pk, slug, name in Organisation.all_objects.filter(pk__in=shown).values_list(
                "pk", "slug", "name"
            )
        }
        if shown
        else {}
    )
    ranked = [
        SimpleNamespace(
            name=r.name,
            end_of_support=r.end_of_support,
            run_cost=r.run_cost,
            organisation=organisations[r.organisation_id],
        )
        for r in figures.highest
    ]
    applications_count, past_count = figures.applications, figures.past
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
    if applications_count:
        within = applications_count - past_count
        image = charts.funnel_bars(
            name="tile-legacy",
            labels=[_("support ended"), _("ends within 12 months")],
            values=[past_count, within],
            notes=["", ""],
            x_label=_("applications"),
        )
        chart = Chart(
            image,
            _(
                "Bar chart: %(past)s applications past end of support, %(within)s ending within "
                "12 months."
            )
            % {"past": past_count, "within": within},
        )
    return TileData(
        figures={
            "applications": applications_count,
            "pastEndOfSupport": past_count,
            "withinTwelveMonths": applications_count - past_count,
            "runCost": run_cost,
            "runCostYear": year,
            # When the stored figures were computed (None: computed now for an earlier date)
            # and whether a refresh after a change is queued.
            "computedAt": figures.computed_at,
            "pending": figures.pending,
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
        % {"count": applications_count, "year": year, "cost": euro(run_cost)},
        table=Table(
            [_("Application"), _("Organisation"), _("End of support"), _("Support"), _("Run cost")],
            rows,
        ),
        chart=chart,
        freshness=stored_freshness(
            _("Legacy figures (computed)"),
            figures.computed_at,
            figures.pending,
            _("Being updated after a recent change to the applications or spend."),
        ),
    )


def legacy_link(organisation, with_children: bool) -> str:
    return reverse("portfolio:applications", args=[organisation.slug]) + (
        "?end_of_support=until-12-months" + ("&below=on" if with_children else "")
    )
