"""Gate decisions (board members and editors), the implementation track after a decision to
scale, and lessons."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from omslag.common.access import require
from omslag.common.errors import ConflictError, RuleViolation
from omslag.common.pages import form_errors_from

from .. import access, selectors, services
from ..forms import DecisionForm, ImplementationForm, LessonForm
from .experiment import render_experiment
from .moves import _writable, experiment_url


@login_required
@require_POST
def decision_add(request, pk):
    experiment = access.experiment_get_readable(request.user, pk)
    require(access.pipeline_can_decide(request.user, experiment.organisation))
    form = DecisionForm(request.POST, experiment=experiment)
    status = 200
    if form.is_valid():
        try:
            decision = services.decision_record(
                actor=request.user, experiment=experiment, **form.changes()
            )
        except (RuleViolation, ConflictError) as error:
            form.add_error(None, error.message)
            status = 422
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(
                request,
                _("The decision was recorded: %(outcome)s.")
                % {"outcome": decision.get_outcome_display()},
            )
            return redirect(experiment_url(experiment, "decisions"))
    return render_experiment(
        request,
        access.experiment_get_readable(request.user, pk),
        status=status,
        decision_form=form,
    )


@login_required
@require_POST
def implementation_save(request, pk):
    experiment = _writable(request, pk)
    track = selectors.implementation_of(experiment)
    form = ImplementationForm(request.POST, experiment=experiment, track=track)
    status = 200
    if form.is_valid():
        try:
            if track is None:
                services.implementation_open(
                    actor=request.user, experiment=experiment, **form.changes()
                )
            else:
                services.implementation_update(
                    actor=request.user,
                    track=track,
                    expected_version=form.cleaned_data["version"],
                    **form.changes(),
                )
        except services.GateRefused as refusal:
            form.add_error(None, refusal.problems)
            status = 422
        except ConflictError as conflict:
            messages.error(request, conflict.message)
            return render_experiment(
                request,
                experiment,
                status=409,
                track_form=ImplementationForm(experiment=experiment, track=conflict.current),
            )
        except RuleViolation as error:
            form.add_error(None, error.message)
            status = 422
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The implementation track was saved."))
            return redirect(experiment_url(experiment, "implementation"))
    return render_experiment(
        request, access.experiment_get_readable(request.user, pk), status=status, track_form=form
    )


@login_required
@require_POST
def lesson_add(request, pk):
    experiment = access.experiment_get_readable(request.user, pk)
    require(access.pipeline_can_change(request.user, experiment.organisation))
    form = LessonForm(request.POST)
    if form.is_valid():
        try:
            services.lesson_add(actor=request.user, experiment=experiment, **form.cleaned_data)
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The lesson was added."))
            return redirect(experiment_url(experiment, "lessons"))
    return render_experiment(request, experiment, lesson_form=form)
