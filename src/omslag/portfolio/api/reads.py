"""Reads the API needs that ``portfolio.selectors`` does not offer yet. They belong there (the
web pages need the same); until they move, they live here and nowhere else."""

from django.db.models import QuerySet

from .. import selectors
from ..models import Application, SpendLine, SpendTarget


def applications_choosable(organisation) -> QuerySet:
    """The live applications a record of ``organisation`` may point to: its own only."""
    return Application.objects.filter(organisation=organisation)


def application_with_figures(application) -> Application:
    """``application`` annotated like the list (``time``, ``run_cost``)."""
    return selectors.applications_of(application.organisation).get(pk=application.pk)


def spend_lines_of(organisation, *, year=None, kind=None, category=None) -> QuerySet:
    queryset = SpendLine.objects.filter(organisation=organisation).select_related(
        "organisation", "application"
    )
    if year is not None:
        queryset = queryset.filter(year=year)
    if kind:
        queryset = queryset.filter(kind=kind)
    if category:
        queryset = queryset.filter(category=category)
    return queryset.order_by("-year", "kind", "category", "id")


def spend_targets_of(organisation) -> QuerySet:
    return SpendTarget.objects.filter(organisation=organisation).select_related("organisation")
