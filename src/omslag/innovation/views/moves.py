"""Moving an experiment between stages, and evaluating it. A move the gate rules refuse
shows what is missing (422); a stale page gets the current state (409)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from omslag.common.access import require
from omslag.common.errors import ConflictError, RuleViolation

from .. import access, services
from ..forms import MoveForm
from ..models import Experiment, Stage
from .experiment import render_experiment


def _writable(request, pk) -> Experiment:
    experiment = access.experiment_get_readable(request.user, pk)
    require(access.pipeline_can_change(request.user, experiment.organisation))
    return experiment


def experiment_url(experiment, section: str = "") -> str:
    return reverse("innovation:experiment", args=[experiment.pk]) + (
        f"#{section}" if section else ""
    )


@login_required
@require_POST
def experiment_move(request, pk):
    experiment = _writable(request, pk)
    form = MoveForm(request.POST, auto_id=f"move-{request.POST.get('to_stage', '')}-%s")
    if not form.is_valid():
        return render_experiment(request, experiment, status=400, move_form=form)
    data = form.cleaned_data
    try:
        services.experiment_move(
            actor=request.user,
            experiment=experiment,
            to_stage=data["to_stage"],
            expected_version=data["version"],
            reason=data["reason"],
        )
    except services.GateRefused as refusal:
        return render_experiment(
            request,
            access.experiment_get_readable(request.user, pk),
            status=422,
            refused={"stage": Stage(data["to_stage"]).label, "problems": refusal.problems},
        )
    except RuleViolation as error:
        if data["to_stage"] == Stage.STOPPED:
            form.add_error("reason", error.message)
            return render_experiment(request, experiment, status=422, move_form=form)
        return render_experiment(request, experiment, status=422, move_error=error.message)
    except ConflictError as conflict:
        messages.error(request, conflict.message)
        return render_experiment(request, conflict.current, status=409)
    messages.success(
        request,
        _("%(title)s moved to %(stage)s.")
        % {"title": experiment.title, "stage": Stage(data["to_stage"]).label},
    )
    return redirect(experiment_url(experiment, "stage"))


@login_required
@require_POST
def experiment_evaluate(request, pk):
    experiment = _writable(request, pk)
    upload = None
    if experiment.design_type == Experiment.DesignType.PILOT_CONTROL:
        upload = experiment.uploads.order_by("-created_at", "-id").first()
    try:
        stored = services.experiment_evaluate(
            actor=request.user, experiment=experiment, upload=upload
        )
    except RuleViolation as error:
        return render_experiment(request, experiment, status=422, evaluate_error=error.message)
    messages.success(
        request,
        _("The experiment was evaluated: %(n)s results stored.") % {"n": len(stored)},
    )
    return redirect(experiment_url(experiment, "results"))
