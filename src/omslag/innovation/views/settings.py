"""The organisation's pipeline settings: when a pilot counts as stuck."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from omslag.common.access import require
from omslag.organisations.access import organisation_can_manage_members, organisation_get_readable
from omslag.organisations.selectors import organisation_context

from .. import access, selectors, services


class PipelineSettingsForm(forms.Form):
    stuck_after_months = forms.IntegerField(
        label=gettext_lazy("Stuck after pilot: months"),
        min_value=1,
        max_value=60,
        help_text=gettext_lazy(
            "Months after a positive evaluation without an implementation track before an "
            "experiment is flagged as stuck after pilot. Holds for the organisations below too."
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def pipeline_settings(request, slug):
    organisation = organisation_get_readable(request.user, slug)
    require(organisation_can_manage_members(request.user, organisation))
    form = PipelineSettingsForm(
        request.POST or None,
        initial={"stuck_after_months": selectors.stuck_after_months(organisation)},
    )
    if request.method == "POST" and form.is_valid():
        services.pipeline_settings_set(
            actor=request.user, organisation=organisation, **form.cleaned_data
        )
        messages.success(request, _("The settings were saved."))
        return redirect("innovation:board", slug=slug)
    return render(
        request,
        "innovation/pipeline_settings.html",
        {
            **organisation_context(request.user, organisation, access.pipeline_can_change),
            "form": form,
        },
    )
