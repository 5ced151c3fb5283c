"""Reads these pages need that ``selectors.py`` does not offer yet.

Proposed for ``omslag.innovation.selectors`` (the module is owned elsewhere); until then they
live here, written as selectors: plain queries, no request, no rendering.
"""

from django.db.models import Count, Q, QuerySet

from .. import selectors
from ..models import Challenge, Experiment, Idea, MeasurementUpload


def experiment_list(organisation, *, search: str = "", stage: str = "") -> QuerySet:
    """The organisation's experiments (and those of the organisations below), most recently
    moved first, optionally of one stage and with ``search`` in the title."""
    experiments = selectors.experiments_of(organisation)
    if search:
        experiments = experiments.filter(title__icontains=search)
    if stage:
        experiments = experiments.filter(stage=stage)
    return experiments.order_by("-stage_changed_at", "title", "id")


def challenge_list(organisation) -> QuerySet:
    """Challenges with the number of live ideas each."""
    return (
        selectors.challenges_of(organisation)
        .annotate(idea_count=Count("ideas", filter=Q(ideas__deleted_at__isnull=True)))
        .order_by("-opens_on", "title", "id")
    )


def idea_experiments(idea) -> list[Experiment]:
    return list(idea.experiments.order_by("title"))


def challenge_with_organisation(pk) -> Challenge | None:
    return Challenge.objects.select_related("organisation").filter(pk=pk).first()


def experiment_decisions(experiment) -> list:
    return list(experiment.decisions.select_related("decided_by", "evaluation"))


def experiment_lessons(experiment) -> list:
    return list(experiment.lessons.order_by("-created_at", "-id"))


def experiment_transitions(experiment) -> list:
    return list(experiment.transitions.select_related("actor").order_by("at", "id"))


def experiment_uploads(experiment) -> list[MeasurementUpload]:
    return list(experiment.uploads.select_related("created_by").order_by("-created_at", "-id"))


def experiment_track(experiment):
    """The implementation track (with the application it replaces), or None."""
    from ..models import ImplementationTrack

    return (
        ImplementationTrack.objects.select_related("replaces_application")
        .filter(experiment=experiment)
        .first()
    )


def idea_of_experiment(experiment) -> Idea | None:
    if experiment.idea_id is None:
        return None
    return Idea.objects.filter(pk=experiment.idea_id).first()
