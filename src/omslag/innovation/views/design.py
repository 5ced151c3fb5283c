"""The design page: every design field, and the sample-size helper. 'Calculate' and 'Use
this number' re-show the form with the answer (nothing is saved); 'Save' saves."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from omslag.common.access import require
from omslag.common.errors import ConflictError, RuleViolation
from omslag.common.pages import form_errors_from
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
    form = ExperimentDesignForm(request.POST or None, instance=experiment)
    status = 200
    if request.method == "POST":
        valid = form.is_valid()
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
        elif action == "save" and valid:
            try:
                services.experiment_update(
                    actor=request.user,
                    experiment=experiment,
                    expected_version=form.cleaned_data["version"],
                    **form.changes(),
                )
            except ConflictError as conflict:
                messages.error(request, conflict.message)
                experiment = conflict.current
                form = ExperimentDesignForm(instance=experiment)
                status = 409
            except RuleViolation as error:
                form.add_error(None, error.message)
                status = 422
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                messages.success(request, _("The design was saved."))
                return redirect(experiment_url(experiment, "design"))
    advice = sample_size_advice(_helper_values(form))
    return render(
        request,
        "innovation/experiment_design.html",
        {
            **organisation_context(request.user, organisation, access.pipeline_can_change),
            "experiment": experiment,
            "form": form,
            "advice": advice,
            "calculated": action in ("calculate", "use"),
            "conflict": status == 409,
        },
        status=status,
    )
