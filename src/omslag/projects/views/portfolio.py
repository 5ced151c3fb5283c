"""The project portfolio page: every project's cost change against its end-date shift, and the
Monte Carlo forecast of the total cost of the running projects with a reference class."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse

from omslag.organisations.access import organisation_get_readable
from omslag.organisations.selectors import organisation_context

from .. import access, presentation, selectors
from .projects import thresholds

FURTHEST_SHOWN = 25


@login_required
def project_portfolio(request, slug):
    organisation = organisation_get_readable(request.user, slug)
    page = presentation.portfolio_page(
        organisation,
        reference_class=request.GET.get("reference-class", ""),
        include_no_longer_reported=request.GET.get("include-no-longer-reported") == "1",
    )
    # After the charts: a request for a chart's image ends where that chart is built
    # (common.chartimages), without this count it does not show.
    counts = selectors.colour_counts(organisation)
    scatter = page.scatter
    furthest = sorted(scatter.projects, key=lambda p: p.cost_change_pct, reverse=True)
    forecast = {
        **page.forecast,
        "rates_url": reverse("projects:exchange-rates", args=[organisation.slug]),
    }
    return render(
        request,
        "projects/portfolio.html",
        {
            **organisation_context(request.user, organisation, access.projects_can_change),
            "colour_rows": [
                (colour, presentation.colour_label(colour), counts.get(colour, 0))
                for colour in (*presentation.COLOUR_ORDER, "none")
            ],
            "project_count": sum(counts.values()),
            "colour_summary": presentation.colour_summary(counts),
            "scatter": scatter,
            "scatter_limit": selectors.SCATTER_LIMIT,
            "scatter_chart": page.scatter_chart,
            "scatter_columns": [label for label, _low, _high in presentation.shift_bands()],
            "scatter_rows": presentation.scatter_rows(scatter.projects),
            "furthest": furthest[:FURTHEST_SHOWN],
            "forecast": forecast,
            "iterations": presentation.PORTFOLIO_ITERATIONS,
            "seed": presentation.PORTFOLIO_SEED,
            "thresholds": thresholds(),
        },
    )
