"""The experiment page: stage and moves, design, measurements, results, decisions,
implementation and lessons. The forms on it post to their own addresses (moves.py,
measurements.py, decisions.py); a refused or invalid post renders this page again with the
problems next to the form that caused them."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from omslag.organisations.selectors import organisation_context

from .. import access, selectors, services
from ..forms import (
    DecisionForm,
    ImplementationForm,
    LessonForm,
    MoveForm,
    SummariesForm,
    UploadForm,
)
from ..models import STAGE_ORDER, Decision, Experiment, Stage
from ..presentation import experiment_results

DESIGN_FACTS = (
    "hypothesis",
    "intervention",
    "design_type",
    "primary_metric",
    "metric_type",
    "metric_unit",
    "direction",
    "baseline_value",
    "minimum_detectable_effect",
    "standard_deviation",
    "alpha",
    "power",
    "sample_size_per_group",
    "secondary_metrics",
    "planned_start",
    "planned_end",
    "budget",
    "partners",
    "evidence_level_aimed",
    "processes_personal_data",
    "public_facing",
    "control_label",
    "treatment_label",
)
CLOSED_STAGES = (Stage.STOPPED, Stage.IN_OPERATION)


def _design_facts(experiment: Experiment) -> list[tuple[str, object, str]]:
    """(label, value, field name) of each design field, choices as their labels."""
    facts = []
    for name in DESIGN_FACTS:
        field = Experiment._meta.get_field(name)
        value = getattr(experiment, name)
        if field.choices and value not in (None, ""):
            value = getattr(experiment, f"get_{name}_display")()
        facts.append((field.verbose_name, value, name))
    return facts


def _move_forms(experiment: Experiment, bound: MoveForm | None) -> list[dict]:
    moves = []
    for stage in services.allowed_moves(experiment):
        if stage == Stage.IMPLEMENTATION:
            continue  # opening the implementation track makes this move (see the track form)
        if bound is not None and bound.data.get("to_stage") == stage:
            form = bound
        else:
            form = MoveForm(
                initial={"to_stage": stage, "version": experiment.version},
                auto_id=f"move-{stage}-%s",
            )
        moves.append(
            {
                "stage": stage,
                "label": Stage(stage).label,
                "form": form,
                "is_stop": stage == Stage.STOPPED,
                "is_back": stage == Stage.DESIGN and experiment.stage == Stage.DECISION,
            }
        )
    return moves


def _with_means(cells: list) -> list:
    for cell in cells:
        cell.mean = cell.total / cell.count if cell.count else None
    return cells


def _stage_steps(experiment: Experiment, transitions) -> list[dict]:
    reached = {t.to_stage for t in transitions} | {experiment.stage}
    return [
        {
            "stage": stage,
            "label": Stage(stage).label,
            "current": experiment.stage == stage,
            "reached": stage in reached,
        }
        for stage in STAGE_ORDER
    ]


def experiment_context(request, experiment: Experiment, **overrides) -> dict:
    """Everything the experiment page shows; ``overrides`` replace the blank forms with bound
    ones and add the problems of a refused post."""
    person = request.user
    organisation = experiment.organisation
    context = organisation_context(person, organisation, access.pipeline_can_change)
    can_change = context["can_change"] and experiment.stage not in CLOSED_STAGES
    can_decide = (
        access.pipeline_can_decide(person, organisation) and experiment.stage not in CLOSED_STAGES
    )
    transitions = selectors.experiment_transitions(experiment)
    decisions = list(selectors.decisions_of(experiment))
    track = selectors.implementation_of(experiment)
    latest_decision = decisions[0] if decisions else None
    evaluations = selectors.latest_evaluations(experiment)
    metric_results, adjustments = experiment_results(experiment, evaluations)
    show_track_form = context["can_change"] and (
        track is not None
        or (
            latest_decision is not None
            and latest_decision.outcome == Decision.Outcome.SCALE
            and experiment.stage == Stage.DECISION
        )
    )
    context.update(
        {
            "experiment": experiment,
            "idea": selectors.idea_of_experiment(experiment),
            "steps": _stage_steps(experiment, transitions),
            "transitions": transitions,
            "moves": _move_forms(experiment, overrides.pop("move_form", None))
            if context["can_change"]
            else [],
            "design_facts": _design_facts(experiment),
            "can_edit": can_change,
            "can_decide": can_decide,
            "summaries": _with_means(selectors.experiment_cells(experiment)),
            "uploads": selectors.experiment_uploads(experiment),
            "upload_form": UploadForm(experiment=experiment),
            "summaries_form": SummariesForm(experiment=experiment),
            "metric_results": metric_results,
            "adjustments": adjustments,
            "decisions": decisions,
            "latest_decision": latest_decision,
            "decision_form": DecisionForm(experiment=experiment) if can_decide else None,
            "track": track,
            "track_form": ImplementationForm(experiment=experiment, track=track)
            if show_track_form
            else None,
            "lessons": list(selectors.lessons_of(experiment)),
            "lesson_form": LessonForm() if context["can_change"] else None,
        }
    )
    context.update(overrides)
    return context


def render_experiment(request, experiment: Experiment, *, status: int = 200, **overrides):
    return render(
        request,
        "innovation/experiment_detail.html",
        experiment_context(request, experiment, **overrides),
        status=status,
    )


@login_required
@require_GET
def experiment_detail(request, pk):
    return render_experiment(request, access.experiment_get_readable(request.user, pk))
