"""Legacy: applications past or within 12 months of the end of support, their run cost, and
the five highest legacy risks (past support first, then the highest run cost)."""

import datetime as dt
from decimal import Decimal

from django.db.models import Case, Count, FilteredRelation, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from omslag.analysis.projects.figures import add_months
from omslag.common import charts
from omslag.common.templatetags.formatting import euro
from omslag.portfolio.models import Application, SpendLine

from . import Chart, Table, TileData

WINDOW_MONTHS = 12
TOP = 5


def legacy_compute(organisation_ids, as_of: dt.date, *, organisation) -> TileData:
    """Run cost is the actual run spend booked on the application in the year before
    ``as_of`` (the latest complete year).

    Counted and summed in the database (a national landscape has tens of thousands of
    applications and hundreds of thousands of spend lines): one query for the counts and
    the run cost, one for the five highest risks; no application is loaded but those five."""
    window_end = add_months(as_of, WINDOW_MONTHS)
    year = as_of.year - 1
    near_end = Application.objects.filter(
        organisation_id__in=organisation_ids,
        end_of_support__isnull=False,
        end_of_support__lte=window_end,
    )
    past_end = Q(end_of_support__lt=as_of)
    counts = near_end.aggregate(applications=Count("pk"), past=Count("pk", filter=past_end))
    run_cost = SpendLine.objects.filter(
        application__in=near_end.values("pk"), year=year, kind="actual", category="run"
    ).aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
    # The run cost of each application from a join with only that year's actual run lines
    # (not a subquery per application), then the order: past support first, highest run
    # cost, earliest end, name.
    ranked = list(
        near_end.alias(
            run_lines=FilteredRelation(
                "spend_lines",
                condition=Q(
                    spend_lines__year=year,
                    spend_lines__kind="actual",
                    spend_lines__category="run",
                ),
            )
        )
        .annotate(
            run_cost=Coalesce(Sum("run_lines__amount"), Value(Decimal("0.00"))),
            supported=Case(When(past_end, then=Value(1)), default=Value(2)),
        )
        .select_related("organisation")
        .only("name", "end_of_support", "organisation__slug", "organisation__name")
        .order_by("supported", "-run_cost", "end_of_support", "name")[:TOP]
    )
    applications_count, past_count = counts["applications"], counts["past"]
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
    )


def legacy_link(organisation, with_children: bool) -> str:
    return reverse("portfolio:applications", args=[organisation.slug]) + (
        "?end_of_support=until-12-months" + ("&below=on" if with_children else "")
    )
