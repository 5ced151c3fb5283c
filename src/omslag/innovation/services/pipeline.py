"""Writes of challenges, ideas, experiments and their stages, decisions, implementation
tracks and lessons: atomic, validated, recorded in history."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from omslag.common.errors import RuleViolation
from omslag.common.history import restore_fields, save_with_history
from omslag.common.locking import version_claim
from omslag.common.records import fields_check, record_soft_delete, record_update
from omslag.common.stored_figures import refresh_on_commit, stored_figures_mark_changed
from omslag.common.subjects import assessment_subjects_changed
from omslag.organisations.models import Organisation

from .. import stored, tasks
from ..gates import gate_problems
from ..models import (
    Challenge,
    Decision,
    Evaluation,
    Experiment,
    FunnelFiguresStored,
    Idea,
    ImplementationTrack,
    Lesson,
    PipelineSettings,
    Stage,
    StageTransition,
)

CHALLENGE_FIELDS = (
    "title",
    "problem_statement",
    "offer",
    "owner",
    "visibility",
    "opens_on",
    "closes_on",
)
IDEA_FIELDS = ("title", "description", "challenge", "author", "author_name", "source")
EXPERIMENT_FIELDS = (
    "title",
    "idea",
    "owner",
    "owner_team",
    "hypothesis",
    "intervention",
    "primary_metric",
    "metric_type",
    "metric_unit",
    "direction",
    "baseline_value",
    "minimum_detectable_effect",
    "standard_deviation",
    "secondary_metrics",
    "design_type",
    "alpha",
    "power",
    "sample_size_per_group",
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
TRACK_FIELDS = (
    "owner_name",
    "owner_unit",
    "same_team_reason",
    "funding_source",
    "funding_note",
    "replaces_application",
    "adoption_target",
    "adoption_measured",
    "go_live_date",
    "realised_benefits",
)
LESSON_FIELDS = ("tried", "happened", "differently", "reusable_assets")

NEXT = {
    Stage.IDEA: {Stage.DESIGN},
    Stage.DESIGN: {Stage.RUNNING},
    Stage.RUNNING: {Stage.EVALUATION},
    Stage.EVALUATION: {Stage.DECISION},
    Stage.DECISION: {Stage.IMPLEMENTATION, Stage.DESIGN},  # design again: iterate
    Stage.IMPLEMENTATION: {Stage.IN_OPERATION},
}


class GateRefused(RuleViolation):
    """A transition refused by gate rules; ``problems`` lists what is missing."""

    def __init__(self, to_stage: str, problems: list[str]):
        super().__init__(
            _("The experiment cannot move to %(stage)s: %(problems)s")
            % {"stage": Stage(to_stage).label, "problems": " ".join(problems)}
        )
        self.problems = problems


# --- challenges and ideas ------------------------------------------------------------------


@transaction.atomic
def challenge_create(*, actor: Any, organisation: Organisation, **fields: Any) -> Challenge:
    fields_check(fields, CHALLENGE_FIELDS)
    challenge = Challenge(organisation=organisation, **fields)
    save_with_history(challenge, actor=actor)
    return challenge


@transaction.atomic
def challenge_update(
    *, actor: Any, challenge: Challenge, expected_version: int, **changes: Any
) -> Challenge:
    return record_update(
        challenge,
        actor=actor,
        expected_version=expected_version,
        allowed=CHALLENGE_FIELDS,
        changes=changes,
    )


def pipeline_changed(organisation_id: int) -> None:
    """Ideas, experiments, their stages or decisions of this organisation changed: the stored
    funnel figures over it are marked behind, and refreshed by a task once this commits."""
    stored_figures_mark_changed(
        FunnelFiguresStored.objects.filter(stored.funnel_affected([organisation_id]))
    )
    refresh_on_commit(tasks.funnel_figures_refresh, [organisation_id])
    assessment_subjects_changed([organisation_id])  # experiments are assessment subjects


def organisation_subtrees_changed(organisation_ids: Iterable[int]) -> None:
    """Organisations were moved, deleted or restored below these: the stored funnel figures
    over their subtrees are marked behind and refreshed once this commits."""
    ids = sorted(organisation_ids)
    stored_figures_mark_changed(
        FunnelFiguresStored.objects.filter(organisation_id__in=ids, with_children=True)
    )
    refresh_on_commit(tasks.funnel_figures_refresh, ids)


@transaction.atomic
def idea_submit(*, actor: Any, organisation: Organisation, **fields: Any) -> Idea:
    """A new idea from staff, or (source='public') a proposal to a public challenge."""
    fields_check(fields, IDEA_FIELDS)
    challenge = fields.get("challenge")
    if challenge is not None and challenge.organisation_id != organisation.pk:
        raise RuleViolation(_("The challenge belongs to another organisation."))
    idea = Idea(organisation=organisation, **fields)
    save_with_history(idea, actor=actor)
    pipeline_changed(organisation.pk)
    return idea


@transaction.atomic
def idea_update(*, actor: Any, idea: Idea, expected_version: int, **changes: Any) -> Idea:
    _same_organisation(idea.organisation, challenge=changes.get("challenge"))
    return record_update(
        idea, actor=actor, expected_version=expected_version, allowed=IDEA_FIELDS, changes=changes
    )


@transaction.atomic
def idea_review(
    *,
    actor: Any,
    idea: Idea,
    expected_version: int,
    status: str,
    reason: str = "",
    merged_into: Idea | None = None,
) -> Idea:
    """Put an idea under review, decline it or merge it (with a reason the author sees)."""
    if status not in (Idea.Status.UNDER_REVIEW, Idea.Status.DECLINED, Idea.Status.MERGED):
        raise RuleViolation(_("Use 'accept' to turn an idea into an experiment."))
    if merged_into is not None and merged_into.organisation_id != idea.organisation_id:
        raise RuleViolation(_("Ideas can only be merged within one organisation."))
    version_claim(idea, expected_version)
    idea.status, idea.status_reason = status, reason
    idea.merged_into = merged_into if status == Idea.Status.MERGED else None
    save_with_history(idea, actor=actor, reason=_status_label(idea))
    return idea


@transaction.atomic
def idea_accept(
    *, actor: Any, idea: Idea, expected_version: int, owner: Any = None, owner_team: str = ""
) -> Experiment:
    """Turn an idea into an experiment in the idea stage."""
    if idea.status in (Idea.Status.DECLINED, Idea.Status.MERGED, Idea.Status.ACCEPTED):
        raise RuleViolation(_("This idea is %(status)s.") % {"status": _status_label(idea)})
    version_claim(idea, expected_version)
    idea.status, idea.status_reason = Idea.Status.ACCEPTED, ""
    save_with_history(idea, actor=actor, reason=_status_label(idea))
    return experiment_create(
        actor=actor,
        organisation=idea.organisation,
        title=idea.title,
        idea=idea,
        owner=owner or actor_or_none(actor),
        owner_team=owner_team,
        hypothesis="",
        intervention=idea.description[:4000],
    )


def _status_label(idea: Idea) -> str:
    """The idea's status as people read it (what Django's get_status_display gives)."""
    return str(Idea.Status(idea.status).label)


def actor_or_none(actor: Any) -> Any:
    """The person, or None for an actor without a record (a command run by the system)."""
    return actor if getattr(actor, "pk", None) else None


# --- experiments -----------------------------------------------------------------------------


def _same_organisation(organisation: Organisation, **records: Idea | Challenge | None) -> None:
    for name, record in records.items():
        if record is not None and record.organisation_id != organisation.pk:
            raise RuleViolation(_("The %(what)s belongs to another organisation.") % {"what": name})


@transaction.atomic
def experiment_create(*, actor: Any, organisation: Organisation, **fields: Any) -> Experiment:
    fields_check(fields, EXPERIMENT_FIELDS)
    _same_organisation(organisation, idea=fields.get("idea"))
    now = timezone.now()
    experiment = Experiment(
        organisation=organisation, stage=Stage.IDEA, stage_changed_at=now, **fields
    )
    save_with_history(experiment, actor=actor)
    StageTransition.objects.create(
        experiment=experiment,
        from_stage="",
        to_stage=Stage.IDEA,
        actor=actor_or_none(actor),
        at=now,
    )
    pipeline_changed(organisation.pk)
    return experiment


@transaction.atomic
def experiment_update(
    *, actor: Any, experiment: Experiment, expected_version: int, **changes: Any
) -> Experiment:
    if experiment.stage in (Stage.STOPPED, Stage.IN_OPERATION):
        raise RuleViolation(_("A stopped experiment or one in operation no longer changes."))
    _same_organisation(experiment.organisation, idea=changes.get("idea"))
    updated = record_update(
        experiment,
        actor=actor,
        expected_version=expected_version,
        allowed=EXPERIMENT_FIELDS,
        changes=changes,
    )
    pipeline_changed(experiment.organisation_id)
    return updated


@transaction.atomic
def experiment_delete(
    *, actor: Any, experiment: Experiment, expected_version: int | None = None
) -> None:
    record_soft_delete(experiment, actor=actor, expected_version=expected_version)
    pipeline_changed(experiment.organisation_id)


@transaction.atomic
def experiment_restore(*, actor: Any, record: Experiment, history_id: int) -> Experiment:
    # The stage is not restored: stages change only through moves, which the funnel counts.
    restored: Experiment = restore_fields(
        actor=actor, record=record, history_id=history_id, fields=EXPERIMENT_FIELDS
    )
    pipeline_changed(record.organisation_id)
    return restored


def allowed_moves(experiment: Experiment) -> list[str]:
    moves = list(NEXT.get(experiment.stage, ()))
    if experiment.stage not in (Stage.STOPPED, Stage.IN_OPERATION):
        moves.append(Stage.STOPPED)
    return [stage for stage in Stage.values if stage in moves]


@transaction.atomic
def experiment_move(
    *, actor: Any, experiment: Experiment, to_stage: str, expected_version: int, reason: str = ""
) -> Experiment:
    """Move to another stage if the move is allowed and every gate rule is met.

    Stopping is a valid outcome at any point and needs a reason.
    """
    if to_stage not in allowed_moves(experiment):
        raise RuleViolation(
            _("From %(from)s the experiment can go to: %(to)s.")
            % {
                "from": Stage(experiment.stage).label,
                "to": ", ".join(str(Stage(s).label) for s in allowed_moves(experiment)) or "—",
            }
        )
    if to_stage == Stage.STOPPED:
        if not reason.strip():
            raise RuleViolation(
                _("Say why the experiment stops; stopping is a result worth keeping.")
            )
    else:
        problems = gate_problems(experiment, to_stage)
        if problems:
            raise GateRefused(to_stage, problems)
    version_claim(experiment, expected_version)
    now = timezone.now()
    StageTransition.objects.create(
        experiment=experiment,
        from_stage=experiment.stage,
        to_stage=to_stage,
        actor=actor_or_none(actor),
        at=now,
        reason=reason,
    )
    experiment.stage, experiment.stage_changed_at = to_stage, now
    if to_stage == Stage.STOPPED:
        experiment.stopped_reason = reason
    save_with_history(experiment, actor=actor, reason=str(Stage(to_stage).label))
    pipeline_changed(experiment.organisation_id)
    return experiment


# --- decisions, implementation, lessons -------------------------------------------------------


@transaction.atomic
def decision_record(
    *,
    actor: Any,
    experiment: Experiment,
    outcome: str,
    rationale: str,
    evidence_level: int,
    decided_on: dt.date | None = None,
    evaluation: Evaluation | None = None,
    decided_by: Any = None,
) -> Decision:
    """Record a gate decision. 'stop' also stops the experiment; 'iterate' at the decision stage
    sends it back to design."""
    if experiment.stage in (Stage.STOPPED, Stage.IN_OPERATION):
        raise RuleViolation(_("A stopped experiment or one in operation takes no more decisions."))
    if evaluation is not None and evaluation.experiment_id != experiment.pk:
        raise RuleViolation(_("The evaluation belongs to another experiment."))
    decision = Decision(
        experiment=experiment,
        stage=experiment.stage,
        outcome=outcome,
        rationale=rationale,
        evidence_level=evidence_level,
        decided_on=decided_on or timezone.localdate(),
        evaluation=evaluation,
        decided_by=decided_by or actor_or_none(actor),
    )
    save_with_history(decision, actor=actor)
    pipeline_changed(experiment.organisation_id)
    if outcome == Decision.Outcome.STOP:
        experiment_move(
            actor=actor,
            experiment=experiment,
            to_stage=Stage.STOPPED,
            expected_version=experiment.version,
            reason=rationale,
        )
    elif outcome == Decision.Outcome.ITERATE and experiment.stage == Stage.DECISION:
        experiment_move(
            actor=actor,
            experiment=experiment,
            to_stage=Stage.DESIGN,
            expected_version=experiment.version,
            reason=rationale,
        )
    return decision


@transaction.atomic
def implementation_open(
    *, actor: Any, experiment: Experiment, **fields: Any
) -> ImplementationTrack:
    """Open the implementation track after a scale decision and move the experiment into the
    implementation stage; the move checks every gate rule and a refusal rolls the track back."""
    fields_check(fields, TRACK_FIELDS)
    if ImplementationTrack.objects.filter(experiment=experiment).exists():
        raise RuleViolation(_("This experiment already has an implementation track."))
    if experiment.stage != Stage.DECISION:
        raise RuleViolation(_("An implementation track is opened at the decision stage."))
    track = ImplementationTrack(experiment=experiment, **fields)
    save_with_history(track, actor=actor)
    experiment_move(
        actor=actor,
        experiment=experiment,
        to_stage=Stage.IMPLEMENTATION,
        expected_version=experiment.version,
    )
    return track


@transaction.atomic
def implementation_update(
    *, actor: Any, track: ImplementationTrack, expected_version: int, **changes: Any
) -> ImplementationTrack:
    return record_update(
        track, actor=actor, expected_version=expected_version, allowed=TRACK_FIELDS, changes=changes
    )


@transaction.atomic
def lesson_add(*, actor: Any, experiment: Experiment, **fields: Any) -> Lesson:
    fields_check(fields, LESSON_FIELDS)
    lesson = Lesson(experiment=experiment, **fields)
    save_with_history(lesson, actor=actor)
    return lesson


@transaction.atomic
def lesson_update(*, actor: Any, lesson: Lesson, expected_version: int, **changes: Any) -> Lesson:
    return record_update(
        lesson,
        actor=actor,
        expected_version=expected_version,
        allowed=LESSON_FIELDS,
        changes=changes,
    )


@transaction.atomic
def lesson_delete(*, actor: Any, lesson: Lesson, expected_version: int | None = None) -> None:
    record_soft_delete(lesson, actor=actor, expected_version=expected_version)


@transaction.atomic
def pipeline_settings_set(
    *, actor: Any, organisation: Organisation, stuck_after_months: int
) -> PipelineSettings:
    """How many months after a positive evaluation an experiment without an implementation
    track is flagged as stuck after pilot (also for the organisations below)."""
    settings, _created = PipelineSettings.objects.get_or_create(organisation=organisation)
    settings.stuck_after_months = stuck_after_months
    settings.full_clean()
    settings.save()
    return settings
