"""Reads of the public side: only approved, current, not withdrawn publications."""

from dataclasses import dataclass

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet

from omslag.organisations.models import Organisation

from .models import Kind, Publication

# URL segment of each kind's public list, and back.
KIND_SEGMENTS = {
    Kind.PROJECT: "projects",
    Kind.EXPERIMENT: "experiments",
    Kind.LESSON: "lessons",
    Kind.ALGORITHM: "algorithms",
    Kind.CHALLENGE: "challenges",
    Kind.BALANCE_YEAR: "balance-years",
}
SEGMENT_KINDS = {segment: kind for kind, segment in KIND_SEGMENTS.items()}


def published(organisation=None, kind=None) -> QuerySet:
    """The public versions: current and not withdrawn."""
    records = Publication.objects.filter(is_current=True, withdrawn_at__isnull=True)
    if organisation is not None:
        records = records.filter(organisation=organisation)
    if kind is not None:
        records = records.filter(kind=kind)
    return records


def published_source_ids(kind) -> QuerySet:
    """The ids of the records of ``kind`` whose current version is public (for a subquery)."""
    return published(kind=kind).values("source_id")


@dataclass
class PublicFilters:
    search: str = ""
    facet: str = ""


def published_list(organisation, kind, filters: PublicFilters) -> QuerySet:
    records = published(organisation, kind)
    if filters.search:
        records = records.filter(title__icontains=filters.search)
    if filters.facet:
        records = records.filter(facet=filters.facet)
    if kind == Kind.BALANCE_YEAR:
        return records.order_by("-source_id")
    return records.order_by("title", "source_id")


def published_facets(organisation, kind) -> list[str]:
    """The distinct filter values of a list (order_by() drops the model's ordering, which
    DISTINCT would otherwise count in)."""
    values = published(organisation, kind).order_by().values_list("facet", flat=True)
    return sorted(f for f in values.distinct() if f)


def publishing_organisations() -> QuerySet:
    """Organisations with at least one public record, with their counts per kind."""
    counts = {kind: Count("publications", filter=_public_of(kind)) for kind in Kind.values}
    return (
        Organisation.objects.annotate(total=Count("publications", filter=_public_of(None)))
        .filter(total__gt=0)
        .annotate(**{f"count_{k.replace('-', '_')}": c for k, c in counts.items()})
        .order_by("name")
    )


def _public_of(kind) -> Q:
    q = Q(publications__is_current=True, publications__withdrawn_at__isnull=True)
    if kind is not None:
        q &= Q(publications__kind=kind)
    return q


def publishing_organisation_get(slug: str) -> Organisation | None:
    """The organisation with ``slug`` if it has anything public (one indexed EXISTS)."""
    public = published().filter(organisation=OuterRef("pk"))
    return Organisation.objects.filter(Exists(public), slug=slug).first()


def kind_counts(organisation) -> dict[str, int]:
    rows = published(organisation).values("kind").annotate(n=Count("id"))
    return {row["kind"]: row["n"] for row in rows}


def published_versions(organisation, kind, source_id) -> list[Publication]:
    """Every approved version of a record, newest first."""
    return list(
        Publication.objects.filter(
            organisation=organisation,
            kind=kind,
            source_id=source_id,
            status=Publication.Status.APPROVED,
        ).order_by("-number")
    )


def withdrawn_notices(organisation) -> QuerySet:
    return Publication.objects.filter(
        organisation=organisation, is_current=True, withdrawn_at__isnull=False
    ).order_by("-withdrawn_at")


def last_change(organisation=None, kind=None):
    """When anything public (of the organisation and kind) last changed: for ETag and
    Last-Modified."""
    records = Publication.objects.filter(status=Publication.Status.APPROVED)
    if organisation is not None:
        records = records.filter(organisation=organisation)
    if kind is not None:
        records = records.filter(kind=kind)
    found = records.aggregate(at=Max("changed_at"), n=Count("id"))
    return found["at"], found["n"]


def proposals_waiting(organisation) -> QuerySet:
    return (
        Publication.objects.filter(organisation=organisation, status=Publication.Status.PROPOSED)
        .select_related("proposed_by")
        .order_by("proposed_at")
    )


def publications_of(organisation) -> QuerySet:
    """The current public versions and notices, for the organisation's own overview."""
    return Publication.objects.filter(organisation=organisation, is_current=True).order_by(
        "kind", "title"
    )


def publication_candidates(organisation) -> dict[str, list[tuple[int, str]]]:
    """Records that can be proposed, per kind: (source id, title)."""
    from omslag.algorithms.models import AlgorithmRecord
    from omslag.innovation.models import Challenge, Experiment, Lesson
    from omslag.portfolio.selectors import balance_overview
    from omslag.projects.models import Project

    return {
        Kind.PROJECT: list(
            Project.objects.filter(organisation=organisation).values_list("pk", "name")
        ),
        Kind.EXPERIMENT: list(
            Experiment.objects.filter(organisation=organisation).values_list("pk", "title")
        ),
        Kind.LESSON: [
            (pk, tried[:80])
            for pk, tried in Lesson.objects.filter(
                experiment__organisation=organisation
            ).values_list("pk", "tried")
        ],
        Kind.ALGORITHM: list(
            AlgorithmRecord.objects.filter(organisation=organisation).values_list("pk", "name")
        ),
        Kind.CHALLENGE: list(
            Challenge.objects.filter(
                organisation=organisation, visibility=Challenge.Visibility.PUBLIC
            ).values_list("pk", "title")
        ),
        Kind.BALANCE_YEAR: [(b.year, str(b.year)) for b in balance_overview(organisation).balances],
    }


def withdrawn_notices_of_record(slug, kind, source_id) -> list[Publication]:
    """The withdrawal notice of a record, if its latest published version is withdrawn."""
    latest = (
        Publication.objects.select_related("organisation")
        .filter(
            organisation__slug=slug,
            kind=kind,
            source_id=source_id,
            status=Publication.Status.APPROVED,
        )
        .order_by("-number")
        .first()
    )
    return [latest] if latest is not None and latest.is_withdrawn else []


def organisation_with_publications(slug) -> Organisation | None:
    """An organisation that has published anything, withdrawn or not."""
    return (
        Organisation.objects.filter(slug=slug, publications__status=Publication.Status.APPROVED)
        .distinct()
        .first()
    )
