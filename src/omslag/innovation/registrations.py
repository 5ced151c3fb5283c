"""What the innovation app offers the shared machinery: history, gate rules (in gates.py),
the measurements import and the experiments export."""

from django.db import transaction
from django.utils.translation import gettext_lazy

from omslag.common.errors import RuleViolation
from omslag.common.history import TrackedModel, history_register, restore_fields
from omslag.common.sections import (
    RegisterLink,
    organisation_link_register,
    organisation_section_register,
)
from omslag.common.stored_figures import organisation_subtrees_change_register
from omslag.common.subjects import AssessmentSubject, assessment_subject_register
from omslag.common.tabular.registry import (
    ExportSpec,
    TargetedImport,
    export_spec_register,
    targeted_import_register,
)

from . import access, gates, selectors, services  # noqa: F401  (gates registers the built-in rules)
from .models import (
    STAGE_ORDER,
    Challenge,
    Decision,
    Experiment,
    Idea,
    ImplementationTrack,
    Lesson,
    Stage,
)
from .services import pipeline
from .services.pipeline import CHALLENGE_FIELDS, IDEA_FIELDS, LESSON_FIELDS, TRACK_FIELDS


def _measurements(target_id, stream, filename, actor, dry_run, progress):
    experiment = Experiment.objects.filter(pk=target_id).first()
    if experiment is None:
        raise RuleViolation(f"No experiment with id {target_id}.")
    with transaction.atomic():
        upload = services.upload_save(
            actor=actor, experiment=experiment, stream=stream, filename=filename, progress=progress
        )
        if dry_run:
            transaction.set_rollback(True)
    verb = "Would import" if dry_run else "Imported"
    return (
        f"{verb} {upload.rows} row(s) for {experiment.title!r}: metrics "
        f"{', '.join(upload.metrics)}."
    )


targeted_import_register(
    TargetedImport(kind="measurements", target_option="experiment", run=_measurements)
)


def _latest_decision(experiment):
    decision = experiment.decisions.order_by("-decided_on", "-id").first()
    return decision.outcome if decision else ""


export_spec_register(
    ExportSpec(
        kind="experiments",
        label=gettext_lazy("Experiments"),
        columns=(
            ("id", lambda e: e.pk),
            ("title", lambda e: e.title),
            ("organisation", lambda e: e.organisation.slug),
            ("stage", lambda e: e.stage),
            ("owner_team", lambda e: e.owner_team),
            ("design_type", lambda e: e.design_type),
            ("primary_metric", lambda e: e.primary_metric),
            ("direction", lambda e: e.direction),
            ("sample_size_per_group", lambda e: e.sample_size_per_group or ""),
            ("planned_start", lambda e: e.planned_start.isoformat() if e.planned_start else ""),
            ("planned_end", lambda e: e.planned_end.isoformat() if e.planned_end else ""),
            ("budget", lambda e: e.budget if e.budget is not None else ""),
            ("evidence_level_aimed", lambda e: e.evidence_level_aimed or ""),
            ("latest_decision", _latest_decision),
            ("stopped_reason", lambda e: e.stopped_reason),
        ),
        rows=lambda person, organisation: selectors.experiments_of(organisation).order_by("title"),
        may_export=access.pipeline_can_read,
    )
)


def _restore(fields):
    def restore(*, actor, record, history_id):
        return restore_fields(actor=actor, record=record, history_id=history_id, fields=fields)

    return restore


for key, model, getter, fields in [
    ("challenge", Challenge, access.challenge_get_readable, CHALLENGE_FIELDS),
    ("idea", Idea, access.idea_get_readable, (*IDEA_FIELDS, "status", "status_reason")),
    (
        "decision",
        Decision,
        access.decision_get_readable,
        ("outcome", "rationale", "evidence_level"),
    ),
    ("implementation", ImplementationTrack, access.track_get_readable, TRACK_FIELDS),
    ("lesson", Lesson, access.lesson_get_readable, LESSON_FIELDS),
]:
    history_register(
        TrackedModel(
            key=key,
            model=model,
            get_readable=lambda person, pk, getter=getter: getter(person, pk, include_deleted=True),
            can_restore=access.record_can_change,
            restore=_restore(fields),
        )
    )
history_register(
    TrackedModel(
        key="experiment",
        model=Experiment,
        get_readable=lambda person, pk: access.experiment_get_readable(
            person, pk, include_deleted=True
        ),
        can_restore=access.record_can_change,
        restore=services.experiment_restore,
    )
)


# --- the links on the organisation page
organisation_section_register("innovation", gettext_lazy("Innovation"), 30)
organisation_link_register(
    RegisterLink(
        section="innovation",
        url_name="innovation:board",
        label=gettext_lazy("Experiments"),
        description=gettext_lazy(
            "The innovation pipeline: every experiment by stage, from idea to operation."
        ),
        order=10,
    )
)
organisation_link_register(
    RegisterLink(
        section="innovation",
        url_name="innovation:funnel",
        label=gettext_lazy("Funnel"),
        description=gettext_lazy(
            "How many experiments reach each stage, and what reaching practice costs."
        ),
        order=20,
    )
)
organisation_link_register(
    RegisterLink(
        section="innovation",
        url_name="innovation:challenges",
        label=gettext_lazy("Challenges"),
        description=gettext_lazy("Problems the organisation wants solved."),
        order=30,
    )
)
organisation_link_register(
    RegisterLink(
        section="innovation",
        url_name="innovation:ideas",
        label=gettext_lazy("Ideas"),
        description=gettext_lazy("Proposals, their status and what became of them."),
        order=40,
    )
)


# --- what an assessment can be about
assessment_subject_register(
    AssessmentSubject(
        key="experiment",
        label=gettext_lazy("Experiments"),
        model=Experiment,
        name_field="title",
        live=lambda organisation_ids: Experiment.objects.filter(
            organisation_id__in=organisation_ids
        ).exclude(stage=Stage.STOPPED),
        choosable=selectors.experiments_choosable,
        stages=lambda: [str(stage) for stage in STAGE_ORDER],
        ordered=True,
        order=10,
    )
)

# Its funnels over a subtree follow organisations moved, deleted or restored below.
organisation_subtrees_change_register(pipeline.organisation_subtrees_changed)
