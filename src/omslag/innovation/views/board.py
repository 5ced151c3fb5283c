"""The experiment board (a column per stage), the list of one stage, and a new experiment
(similar experiments and ideas are shown first)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from omslag.common.access import require
from omslag.common.pages import filters_of, form_errors_from, paginate
from omslag.organisations.access import (
    organisation_can_manage_members,
    organisation_get_readable,
)
from omslag.organisations.selectors import organisation_context

from .. import access, selectors, services
from ..forms import ExperimentCreateForm, ExperimentFilterForm, SearchForm
from ..models import Experiment, Stage

# The most recently moved of each stage; the rest are one link away (the list of the stage).
# Twenty cards a column stay readable, and 160 cards instead of 400 are a third of the CPU.
BOARD_PER_STAGE = 20


@login_required
@require_GET
def board(request, slug):
    organisation = organisation_get_readable(request.user, slug)
    form = SearchForm(request.GET or None)
    search = filters_of(form).get("q", "")
    columns = selectors.board(organisation, search=search, per_stage=BOARD_PER_STAGE)
    stuck = list(selectors.experiments_stuck_after_pilot(organisation))
    return render(
        request,
        "innovation/board.html",
        {
            **organisation_context(request.user, organisation, access.pipeline_can_change),
            "form": form,
            "search": search,
            "columns": [{"stage": stage, **column} for stage, column in columns.items()],
            "total": sum(column["count"] for column in columns.values()),
            "stuck": stuck,
            "stuck_months": selectors.stuck_after_months(organisation) if stuck else None,
            "can_manage_pipeline": organisation_can_manage_members(request.user, organisation),
        },
    )


@login_required
@require_GET
def experiment_list(request, slug):
    organisation = organisation_get_readable(request.user, slug)
    form = ExperimentFilterForm(request.GET or None)
    filters = filters_of(form)
    page = paginate(
        request,
        selectors.experiments_recently_moved(
            organisation, search=filters.get("q", ""), stage=filters.get("stage", "")
        ),
    )
    stage = filters.get("stage", "")
    return render(
        request,
        "innovation/experiment_list.html",
        {
            **organisation_context(request.user, organisation, access.pipeline_can_change),
            "form": form,
            "filtered": bool(filters),
            "stage_label": Stage(stage).label if stage else "",
            "page": page,
        },
    )


def similar_records(person, title: str) -> dict:
    """Experiments and ideas whose titles share words with ``title``."""
    return {
        "similar_experiments": [e for e, _score in selectors.similar_experiments(person, title)],
        "similar_ideas": [i for i, _score in selectors.similar_ideas(person, title)],
    }


@login_required
@require_http_methods(["GET", "POST"])
def experiment_add(request, slug):
    organisation = organisation_get_readable(request.user, slug)
    require(access.pipeline_can_change(request.user, organisation))
    form = ExperimentCreateForm(
        request.POST or None, instance=Experiment(organisation=organisation)
    )
    similar = {}
    if request.method == "POST" and form.is_valid():
        similar = similar_records(request.user, form.cleaned_data["title"])
        if form.create_anyway or not any(similar.values()):
            try:
                experiment = services.experiment_create(
                    actor=request.user,
                    organisation=organisation,
                    owner=request.user,
                    **{name: form.cleaned_data[name] for name in form._meta.fields},
                )
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                messages.success(request, _("%(title)s was created.") % {"title": experiment.title})
                return redirect("innovation:experiment", pk=experiment.pk)
    return render(
        request,
        "innovation/experiment_form.html",
        {
            **organisation_context(request.user, organisation, access.pipeline_can_change),
            "form": form,
            **similar,
        },
    )
