"""Who may read and change the innovation pipeline: every role of the organisation (or an
ancestor) reads; editors and administrators change; board members also record gate
decisions. Records of organisations a person may not read are not found."""

from django.http import Http404

from omslag.organisations.access import (
    organisation_can_change,
    organisation_can_read,
    person_roles,
)

from .models import Challenge, Decision, Evaluation, Experiment, Idea, ImplementationTrack, Lesson

DECIDING_ROLES = frozenset({"editor", "admin", "board"})


def pipeline_can_read(person, organisation) -> bool:
    return organisation_can_read(person, organisation)


def pipeline_can_change(person, organisation) -> bool:
    return organisation_can_change(person, organisation)


def pipeline_can_decide(person, organisation) -> bool:
    return bool(person_roles(person, organisation) & DECIDING_ROLES)


def _get(model, person, pk, *, path="organisation", include_deleted=False):
    manager = (
        model.all_objects if include_deleted and hasattr(model, "all_objects") else model.objects
    )
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("Not found.") from None
    records = manager.select_related(path).filter(pk=pk)
    if path.startswith("experiment__") and not include_deleted:
        records = records.filter(experiment__deleted_at__isnull=True)
    record = records.first()
    if record is None:
        raise Http404("Not found.")
    organisation = record
    for part in path.split("__"):
        organisation = getattr(organisation, part)
    if not organisation_can_read(person, organisation):
        raise Http404("Not found.")
    return record


def challenge_get_readable(person, pk, *, include_deleted=False) -> Challenge:
    return _get(Challenge, person, pk, include_deleted=include_deleted)


def idea_get_readable(person, pk, *, include_deleted=False) -> Idea:
    """An idea of a readable organisation, or one the person wrote: its author can always
    follow what became of it."""
    try:
        return _get(Idea, person, pk, include_deleted=include_deleted)
    except Http404:
        manager = Idea.all_objects if include_deleted else Idea.objects
        idea = (
            manager.filter(pk=pk, author_id=getattr(person, "pk", None)).first()
            if str(pk).isdigit()
            else None
        )
        if idea is None or not person.is_authenticated:
            raise
        return idea


def idea_can_submit(person, organisation) -> bool:
    """Every role may propose an idea; reviewing and accepting it is for editors."""
    return organisation_can_read(person, organisation)


def experiment_get_readable(person, pk, *, include_deleted=False) -> Experiment:
    return _get(Experiment, person, pk, include_deleted=include_deleted)


def evaluation_get_readable(person, pk) -> Evaluation:
    return _get(Evaluation, person, pk, path="experiment__organisation")


def decision_get_readable(person, pk, *, include_deleted=False) -> Decision:
    return _get(
        Decision, person, pk, path="experiment__organisation", include_deleted=include_deleted
    )


def track_get_readable(person, pk, *, include_deleted=False) -> ImplementationTrack:
    return _get(
        ImplementationTrack,
        person,
        pk,
        path="experiment__organisation",
        include_deleted=include_deleted,
    )


def lesson_get_readable(person, pk, *, include_deleted=False) -> Lesson:
    return _get(
        Lesson, person, pk, path="experiment__organisation", include_deleted=include_deleted
    )


def record_organisation(record):
    if isinstance(record, Challenge | Idea | Experiment):
        return record.organisation
    return record.experiment.organisation


def record_can_change(person, record) -> bool:
    return organisation_can_change(person, record_organisation(record))
