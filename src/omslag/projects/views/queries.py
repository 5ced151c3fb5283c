"""Reads these pages need that ``selectors.py`` does not offer yet.

Proposed for ``omslag.projects.selectors`` (the module is owned elsewhere); until then they
live here, written as selectors: plain queries over the public selectors and services, no
request, no rendering.
"""

from dataclasses import dataclass, replace

from django.db.models import Count, Q

from omslag.analysis.projects import ProjectFigures, project_figures
from omslag.organisations.models import Organisation
from omslag.organisations.selectors import organisation_subtree

from .. import selectors
from ..figures import figures_reports, snapshots
from ..models import Project, ProjectReport, ReferenceClass

NO_VALUE = "none"
SCATTER_LIMIT = 2000

# facet name: (the field it counts, the filters without that facet)
_FACETS = {
    "organisation": ("organisation__slug", lambda f: replace(f, organisation="")),
    "status": ("status", lambda f: replace(f, status=())),
    "colour": ("colour", lambda f: replace(f, colour=())),
    "cost_bucket": ("cost_bucket", lambda f: replace(f, cost_bucket=())),
    "review_advice": ("has_review_advice", lambda f: replace(f, review_advice="")),
}


def project_facet_counts(organisation, filters) -> dict[str, dict[str, int]]:
    """Per facet of the list, the number of projects per value under all *other* filters (so
    a count says what ticking that box would show); one grouped query per facet."""
    counts = {}
    for name, (field, without) in _FACETS.items():
        rows = (
            selectors.project_list(organisation, without(filters))
            .order_by()
            .values(field)
            .annotate(n=Count("pk"))
        )
        counts[name] = {_facet_value(row[field]): row["n"] for row in rows}
    return counts


def _facet_value(value) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return value or NO_VALUE


def subtree_organisations(organisation) -> list[tuple[Organisation, int]]:
    """The organisation and every live organisation below it, in tree order (siblings by
    name), with the depth below ``organisation``."""
    found = list(organisation_subtree(organisation))
    by_id = {o.pk: o for o in found}

    def names_along_path(item):
        return [by_id[i].name.lower() for i in item.ancestor_ids if i in by_id] + [
            item.name.lower()
        ]

    found.sort(key=names_along_path)
    return [(o, o.depth - organisation.depth) for o in found]


def project_figures_with_reports(project) -> tuple[ProjectFigures | None, list[ProjectReport]]:
    """The figures of ``selectors.project_figures_of`` and the reports they rest on (for the
    chart over the reports), from one query."""
    reports = figures_reports(project)
    if not reports:
        return None, []
    return project_figures(project.start_date, snapshots(reports)), reports


def colour_counts(organisation) -> dict[str, int]:
    """Projects per status colour ("none": no report yet), in one query."""
    rows = selectors.projects_of(organisation).order_by().values("colour").annotate(n=Count("pk"))
    return {row["colour"] or NO_VALUE: row["n"] for row in rows}


def currencies_of(organisation) -> dict[str, int]:
    """Projects with an estimate per currency: the portfolio forecast adds their amounts."""
    rows = (
        selectors.projects_of(organisation)
        .filter(current_estimate__isnull=False)
        .order_by()
        .values("currency")
        .annotate(n=Count("pk"))
    )
    return {row["currency"]: row["n"] for row in rows}


@dataclass(frozen=True)
class ScatterSet:
    """The projects of the portfolio scatter and what was left out of it."""

    projects: list[Project]
    measurable: int  # projects with two or more reports and both a cost and a date change
    single_report: int  # projects with one report: no change to show yet
    capped: bool


def portfolio_scatter(organisation, limit: int = SCATTER_LIMIT) -> ScatterSet:
    """The projects with a change against their original baseline in both cost and end date,
    at most ``limit`` of them with the largest current estimates; three queries."""
    scope = selectors.projects_of(organisation)
    measurable = scope.filter(
        report_count__gte=2,
        cost_change_pct__isnull=False,
        end_date_shift_months__isnull=False,
    )
    projects = list(
        measurable.only(
            "pk",
            "name",
            "organisation__name",
            "colour",
            "currency",
            "current_estimate",
            "cost_change_pct",
            "end_date_shift_months",
        ).order_by("-current_estimate", "pk")[:limit]
    )
    counted = measurable.order_by().aggregate(n=Count("pk"))["n"]
    single = scope.filter(report_count=1).count()
    return ScatterSet(projects, counted, single, counted > len(projects))


def reference_class_choice(organisation, pk, *, kind=ReferenceClass.Kind.COST):
    """The class with ``pk`` if the organisation may use it and it is of ``kind``, else None."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return (
        selectors.reference_classes_for(organisation)
        .filter(Q(pk=pk) & Q(kind=kind))
        .select_related("organisation")
        .first()
    )
