"""The balance page: run / change / innovate against the target, legacy risk, TIME and the
scenarios side by side, each chart with its summary and table; editors set the target here."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from omslag.common.access import require
from omslag.common.pages import EXPORT_FORMATS, form_errors_from
from omslag.organisations.access import organisation_get_readable
from omslag.organisations.selectors import organisation_context

from .. import access, presentation, services
from ..forms import SpendTargetForm
from ..models import SpendTarget


def _age_label(bucket: str) -> str:
    if bucket == "unknown":
        return _("go-live year unknown")
    if bucket.endswith("+"):
        return _("%(n)s years or older") % {"n": bucket[:-1]}
    low, high = bucket.split("-")
    return _("%(low)s to %(high)s years") % {"low": low, "high": high}


def _scenario_rows(projections: dict, scenarios) -> tuple[list, list]:
    """(per scenario: name, scenario, projection) and (per year: year, innovate shares)."""
    by_name = {s.name: s for s in scenarios}
    named = [
        (presentation.scenario_label(name), by_name.get(name), projection)
        for name, projection in projections.items()
    ]
    if not named:
        return [], []
    years = [p.year for p in named[0][2].years]
    per_year = [
        (year, [projection.year(year) for _label, _scenario, projection in named]) for year in years
    ]
    return named, per_year


# A national landscape has hundreds of ageing systems; the page shows the most depended-on and
# links to the filtered application list for the rest.
LEGACY_ROWS_SHOWN = 50


@login_required
@require_http_methods(["GET", "POST"])
def balance(request, slug):
    organisation = organisation_get_readable(request.user, slug)
    context = organisation_context(request.user, organisation, access.portfolio_can_change)
    # A hidden below=0 comes before the checkbox's below=1; the last value wins.
    include_children = request.GET.get("below", "1") != "0"
    target_form = SpendTargetForm(
        request.POST or None, instance=SpendTarget(organisation=organisation)
    )
    if request.method == "POST":
        require(context["can_change"])
        if target_form.is_valid():
            try:
                services.spend_target_set(
                    actor=request.user, organisation=organisation, **target_form.cleaned_data
                )
            except ValidationError as error:
                form_errors_from(target_form, error)
            else:
                messages.success(request, _("The target was saved."))
                return redirect(reverse("portfolio:balance", args=[slug]) + "#target")
    page = presentation.balance_page(organisation, include_children=include_children)
    overview = page.overview
    if request.method != "POST" and overview.target is not None:
        target_form = SpendTargetForm(instance=overview.target)
    risk, projections = page.risk, page.projections
    named_projections, projection_years = _scenario_rows(projections, page.scenarios)
    return render(
        request,
        "portfolio/balance.html",
        {
            **context,
            "include_children": include_children,
            "overview": overview,
            "balance_state": page.balance_state,
            "risk_state": page.risk_state,
            "rows": page.rows,
            "balance_chart": page.balance_chart,
            "trends": [
                (
                    presentation.category_label(category),
                    overview.trends[("actual", category)],
                    overview.trends[("budget", category)],
                )
                for category in ("run", "change", "innovate")
            ],
            "target_form": target_form,
            "risk": risk,
            "risk_rows": risk.rows[:LEGACY_ROWS_SHOWN],
            "applications_count": len(risk.applications),
            "time_chart": page.time_chart,
            "time_grid": presentation.time_grid(risk.applications),
            "time_rows": [
                (presentation.time_label(p), risk.time_counts[p], risk.time_run_cost[p])
                for p in ("invest", "tolerate", "migrate", "eliminate")
            ],
            "age_rows": [(_age_label(bucket), count) for bucket, count in risk.age.items()],
            "scenarios": page.scenarios,
            "scenario_error": page.scenario_error,
            "scenario_chart": page.scenario_chart,
            "named_projections": named_projections,
            "projection_years": projection_years,
            "projection_target": next(iter(projections.values())).target if projections else None,
            "export_formats": EXPORT_FORMATS,
        },
    )
