"""The project portfolio page: every project's cost change against its end-date shift, and the
Monte Carlo forecast of the total cost of the running projects with a reference class."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse

from omslag.organisations.access import organisation_get_readable
from omslag.organisations.selectors import organisation_context

from .. import access, presentation, selectors, services
from ..models import ReferenceClass
from .projects import thresholds

ITERATIONS = 5000
SEED = 0  # a fixed seed: the page shows the same figures every time it is opened
FURTHEST_SHOWN = 25


def _forecast(request, organisation):
    shipped = services.reference_class_shipped()  # created on first use
    classes = [
        c
        for c in selectors.reference_classes_usable(organisation)
        if c.kind == ReferenceClass.Kind.COST
    ]
    chosen = None
    if request.GET.get("reference-class"):
        chosen = selectors.reference_class_choice(organisation, request.GET["reference-class"])
    chosen = chosen or shipped
    include = request.GET.get("include-no-longer-reported") == "1"
    box = {
        "classes": classes,
        "chosen": chosen,
        "result": None,
        "chart": None,
        "bins": [],
        "include_no_longer_reported": include,
        "no_longer_reported": selectors.no_longer_reported_count(organisation),
    }
    forecast = selectors.portfolio_forecast_stored(
        organisation,
        chosen,
        iterations=ITERATIONS,
        seed=SEED,
        include_no_longer_reported=include,
    )
    box["computed_at"], box["pending"] = forecast.computed_at, forecast.pending
    # Every amount in the reporting currency at a stated rate, or nothing added at all.
    box["currency"], box["rates"] = forecast.currency, forecast.rates
    box["unconverted"], box["problem"] = forecast.unconverted, forecast.problem
    box["rates_url"] = reverse("projects:exchange-rates", args=[organisation.slug])
    result = forecast.result
    if result is None:  # no running project with an estimate, or a currency without a rate
        return box
    box["result"] = result
    box["chart"], box["bins"] = presentation.portfolio_fan_chart(result, chosen, forecast.currency)
    return box


@login_required
def project_portfolio(request, slug):
    organisation = organisation_get_readable(request.user, slug)
    counts = selectors.colour_counts(organisation)
    scatter = selectors.portfolio_scatter(organisation, limit=selectors.SCATTER_LIMIT)
    furthest = sorted(scatter.projects, key=lambda p: p.cost_change_pct, reverse=True)
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
            "scatter_chart": presentation.scatter_chart(scatter),
            "scatter_columns": [label for label, _low, _high in presentation.shift_bands()],
            "scatter_rows": presentation.scatter_rows(scatter.projects),
            "furthest": furthest[:FURTHEST_SHOWN],
            "forecast": _forecast(request, organisation),
            "iterations": ITERATIONS,
            "seed": SEED,
            "thresholds": thresholds(),
        },
    )
