"""Pages of the scenarios: list and add, the scenario with its changes and its projection,
edit, delete."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from omslag.common.access import require
from omslag.common.errors import RuleViolation
from omslag.common.pages import confirmed_delete, form_errors_from, versioned_edit_page
from omslag.organisations.access import organisation_get_readable
from omslag.organisations.selectors import organisation_context

from .. import access, presentation, selectors, services
from ..forms import (
    CHANGE_FORMS,
    ScenarioForm,
)
from ..models import Scenario


@login_required
@require_http_methods(["GET", "POST"])
def scenario_list(request, slug):
    organisation = organisation_get_readable(request.user, slug)
    context = organisation_context(request.user, organisation, access.portfolio_can_change)
    form = ScenarioForm(
        request.POST or None,
        instance=Scenario(organisation=organisation),
        initial={"base_year": selectors.latest_actual_year(organisation)},
    )
    if request.method == "POST":
        require(context["can_change"])
        if form.is_valid():
            try:
                scenario = services.scenario_create(
                    actor=request.user, organisation=organisation, **form.changes()
                )
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                messages.success(request, _("%(name)s was added.") % {"name": scenario.name})
                return redirect("portfolio:scenario", pk=scenario.pk)
    return render(
        request,
        "portfolio/scenario_list.html",
        {**context, "scenarios": selectors.scenarios_of(organisation), "form": form},
    )


def _projection(scenario):
    """(no change, this scenario) projected from the scenario's base year, or the analysis
    core's explanation of why it cannot be projected."""
    try:
        projections = selectors.scenario_comparison(scenario.organisation, [scenario])
    except ValueError as error:
        return None, None, str(error)
    return projections[presentation.NO_CHANGE], projections[scenario.name], ""


@login_required
@require_http_methods(["GET", "POST"])
def scenario_detail(request, pk):
    scenario = access.scenario_get_readable(request.user, pk)
    organisation = scenario.organisation
    context = organisation_context(request.user, organisation, access.portfolio_can_change)
    posted_kind = request.POST.get("kind") if request.method == "POST" else None
    if request.method == "POST":
        require(context["can_change"])
        if posted_kind not in CHANGE_FORMS:
            raise BadRequest("Unknown kind of change.")
    change_forms = [
        form_class(request.POST if kind == posted_kind else None, scenario=scenario)
        for kind, form_class in CHANGE_FORMS.items()
    ]
    if posted_kind:
        form = next(f for f in change_forms if f.kind == posted_kind)
        if form.is_valid():
            try:
                # A change that makes the projection impossible (spend below zero, a year past
                # the horizon) is refused by the service: nothing is stored, the reason shown.
                services.scenario_change_add(
                    actor=request.user, scenario=scenario, **form.changes()
                )
            except ValidationError as error:
                form_errors_from(form, error)
            except RuleViolation as error:
                form.add_error(
                    None,
                    _("The change was not saved, because the projection fails: %(error)s")
                    % {"error": error.message},
                )
            else:
                messages.success(request, _("The change was added."))
                return redirect("portfolio:scenario", pk=scenario.pk)
    no_change, projection, projection_error = _projection(scenario)
    return render(
        request,
        "portfolio/scenario_detail.html",
        {
            **context,
            "scenario": scenario,
            "changes": selectors.scenario_changes(scenario),
            "change_forms": change_forms,
            "open_kind": posted_kind,
            "projection": projection,
            "projection_rows": list(zip(projection.years, no_change.years, strict=True))
            if projection
            else [],
            "projection_error": projection_error,
        },
    )


@login_required
@require_POST
def scenario_change_remove(request, pk):
    change = access.scenario_change_get_readable(request.user, pk)
    require(access.record_can_change(request.user, change))
    services.scenario_change_remove(actor=request.user, change=change)
    messages.success(request, _("The change %(change)s was removed.") % {"change": change})
    return redirect("portfolio:scenario", pk=change.scenario_id)


@login_required
@require_http_methods(["GET", "POST"])
def scenario_edit(request, pk):
    scenario = access.scenario_get_readable(request.user, pk)
    organisation = scenario.organisation
    require(access.portfolio_can_change(request.user, organisation))
    return versioned_edit_page(
        request,
        scenario,
        lambda data, record: ScenarioForm(data, instance=record),
        lambda **changes: services.scenario_update(
            actor=request.user, scenario=scenario, **changes
        ),
        template="portfolio/scenario_form.html",
        context=organisation_context(request.user, organisation, access.portfolio_can_change),
        record_name="scenario",
        saved_message=lambda saved: _("%(name)s was saved.") % {"name": saved.name},
        saved_url=reverse("portfolio:scenario", args=[scenario.pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def scenario_delete(request, pk):
    scenario = access.scenario_get_readable(request.user, pk)
    organisation = scenario.organisation
    require(access.portfolio_can_change(request.user, organisation))
    deletion = confirmed_delete(
        request,
        scenario,
        lambda **version: services.scenario_delete(
            actor=request.user, scenario=scenario, **version
        ),
    )
    if deletion.refused:
        return redirect("portfolio:scenario", pk=scenario.pk)
    if deletion.deleted:
        messages.success(
            request,
            _("%(name)s was deleted. It can be restored from its history.")
            % {"name": scenario.name},
        )
        return redirect("portfolio:scenarios", slug=organisation.slug)
    return render(
        request,
        "portfolio/scenario_delete.html",
        {
            **organisation_context(request.user, organisation, access.portfolio_can_change),
            "scenario": scenario,
            "form": deletion.form,
        },
    )
