"""The design page: every design field, and the sample-size helper. 'Calculate' and 'Use
this number' re-show the form with the answer (nothing is saved); 'Save' saves."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from omslag.common.access import require
from omslag.common.errors import RuleViolation
from omslag.common.pages import VersionedEdit, versioned_edit
from omslag.organisations.selectors import organisation_context

from .. import access, services
from ..forms import ExperimentDesignForm
from .experiment import CLOSED_STAGES
from .moves import experiment_url
from .power import sample_size_advice

HELPER_FIELDS = (
    "metric_type",
    "baseline_value",
    "minimum_detectable_effect",
    "standard_deviation",
    "alpha",
    "power",
    "direction",
)


def _helper_values(form) -> dict:
    """The values the helper needs: as typed when they are valid, else as saved."""
    values = {name: getattr(form.instance, name) for name in HELPER_FIELDS}
    if form.is_bound:
        for name in HELPER_FIELDS:
            if name in form.cleaned_data and name not in form.errors:
                values[name] = form.cleaned_data[name]
    return values


@login_required
@require_http_methods(["GET", "POST"])
def experiment_design(request, pk):
    experiment = access.experiment_get_readable(request.user, pk)
    organisation = experiment.organisation
    require(access.pipeline_can_change(request.user, organisation))
    if experiment.stage in CLOSED_STAGES:
        messages.error(request, _("A stopped experiment or one in operation no longer changes."))
        return redirect(experiment_url(experiment, "design"))
    action = request.POST.get("action", "save")
    if request.method == "POST" and action != "save":
        edit = VersionedEdit(_design_calculated(request, experiment, action), experiment)
    else:
        edit = versioned_edit(
            request,
            experiment,
            lambda data, record: ExperimentDesignForm(data, instance=record),
            lambda **changes: services.experiment_update(
                actor=request.user, experiment=experiment, **changes
            ),
            refusals=(RuleViolation,),
        )
        if edit.saved:
            messages.success(request, _("The design was saved."))
            return redirect(experiment_url(experiment, "design"))
    return render(
        request,
        "innovation/experiment_design.html",
        {
            **organisation_context(request.user, organisation, access.pipeline_can_change),
            "experiment": edit.record,
            "form": edit.form,
            "advice": sample_size_advice(_helper_values(edit.form)),
            "calculated": action in ("calculate", "use"),
            "conflict": edit.conflict,
        },
        status=edit.status,
    )


def _design_calculated(request, experiment, action):
    """The design form as sent, for 'Calculate' (nothing changes) or 'Use this number' (the
    helper's sample size filled in); nothing is saved."""
    form = ExperimentDesignForm(request.POST, instance=experiment)
    form.is_valid()
    advice = sample_size_advice(_helper_values(form))
    if action == "use" and advice.units_per_group is not None:
        data = request.POST.copy()
        data["sample_size_per_group"] = str(advice.units_per_group)
        form = ExperimentDesignForm(data, instance=experiment)
        form.is_valid()
        messages.info(
            request,
            _("%(n)s units per group is filled in below; save the design to keep it.")
            % {"n": advice.units_per_group},
        )
    return form
