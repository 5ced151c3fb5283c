"""Reads the API needs that ``innovation.selectors`` does not offer yet. They belong there (the
web pages need the same); until they move, they live here and nowhere else."""

from django.db.models import QuerySet

from .. import selectors
from ..models import (
    Challenge,
    Decision,
    Evaluation,
    Idea,
    ImplementationTrack,
    MeasurementSummary,
    MeasurementUpload,
)


def experiments_filtered(organisation, *, stages=(), search="") -> QuerySet:
    """The experiments of the organisation and those below it, in the given stages, whose
    title contains ``search``; by title."""
    queryset = selectors.experiments_of(organisation)
    if stages:
        queryset = queryset.filter(stage__in=stages)
    if search:
        queryset = queryset.filter(title__icontains=search)
    return queryset.order_by("title", "pk")


def challenges_filtered(organisation, *, visibility="", search="") -> QuerySet:
    queryset = selectors.challenges_of(organisation).select_related("owner")
    if visibility:
        queryset = queryset.filter(visibility=visibility)
    if search:
        queryset = queryset.filter(title__icontains=search)
    return queryset.order_by("-opens_on", "title", "pk")


def ideas_filtered(organisation, *, statuses=(), challenge=None, search="") -> QuerySet:
    queryset = selectors.ideas_of(organisation).select_related("organisation")
    if statuses:
        queryset = queryset.filter(status__in=statuses)
    if challenge is not None:
        queryset = queryset.filter(challenge_id=challenge)
    if search:
        queryset = queryset.filter(title__icontains=search)
    return queryset.order_by("-created_at", "-pk")


def challenges_choosable(organisation) -> QuerySet:
    """The challenges an idea of ``organisation`` may answer: its own only."""
    return Challenge.objects.filter(organisation=organisation)


def ideas_choosable(organisation) -> QuerySet:
    """The ideas an experiment (or a merge) of ``organisation`` may point to: its own only."""
    return Idea.objects.filter(organisation=organisation)


def measurement_summaries(experiment) -> QuerySet:
    return MeasurementSummary.objects.filter(experiment=experiment).order_by(
        "metric", "period", "group", "pk"
    )


def measurement_uploads_choosable(experiment) -> QuerySet:
    return MeasurementUpload.objects.filter(experiment=experiment)


def evaluations_choosable(experiment) -> QuerySet:
    return Evaluation.objects.filter(experiment=experiment)


def evaluations_of(experiment, *, latest=False):
    """Every evaluation, newest first; with ``latest`` the newest of each metric and method."""
    if latest:
        return selectors.latest_evaluations(experiment)
    return selectors.experiment_evaluations(experiment)


def decisions_of(experiment) -> QuerySet:
    return Decision.objects.filter(experiment=experiment).select_related("decided_by")


def lessons_of(experiment) -> QuerySet:
    return experiment.lessons.select_related("experiment__organisation").order_by(
        "-created_at", "-pk"
    )


def implementation_of(experiment) -> ImplementationTrack | None:
    return ImplementationTrack.objects.filter(experiment=experiment).first()
