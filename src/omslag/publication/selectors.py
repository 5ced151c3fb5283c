"""Reads of the public side: only approved, current, not withdrawn publications."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from hashlib import sha256
from time import monotonic
from typing import Any, TypedDict, cast, overload

from django.core.cache import cache
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Subquery

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
# How long figures kept under a list's last change stay in the cache (a new change makes
# new keys; this only bounds what old keys cost).
FIGURES_KEPT = 24 * 3600
# The same figures also in this process's memory: a value under a key (which names the list's
# latest change) never changes, so a process may keep it, and a page of the public API then
# needs no round trip to the shared cache. At most this many, each at most FIGURES_KEPT.
PROCESS_KEPT = 2048
# A figure is a count or a list's filter values.
Figure = int | list[str]
_kept: dict[str, tuple[float, Figure]] = {}


def published(
    organisation: Organisation | None = None, kind: str | None = None
) -> QuerySet[Publication]:
    """The public versions: current and not withdrawn."""
    records = Publication.objects.filter(is_current=True, withdrawn_at__isnull=True)
    if organisation is not None:
        records = records.filter(organisation=organisation)
    if kind is not None:
        records = records.filter(kind=kind)
    return records


def published_source_ids(kind: str) -> QuerySet[Publication, dict[str, Any]]:
    """The ids of the records of ``kind`` whose current version is public (for a subquery)."""
    return published(kind=kind).values("source_id")


@dataclass
class PublicFilters:
    search: str = ""
    facet: str = ""


def published_list(
    organisation: Organisation, kind: str, filters: PublicFilters
) -> QuerySet[Publication]:
    records = published(organisation, kind)
    if filters.search:
        records = records.filter(title__icontains=filters.search)
    if filters.facet:
        records = records.filter(facet=filters.facet)
    if kind == Kind.BALANCE_YEAR:
        return records.order_by("-source_id")
    return records.order_by("title", "source_id")


class NumberedRows:
    """A public list for Django's Paginator (``count()`` and slices), for numbered pages far
    into a list: a slice first reads the record ids of its rows past the OFFSET from the
    list's index alone, then only those rows (the OFFSET rows' JSON is never read).

    ``key`` gives the record id of a row of ``records`` (a model instance or a tuple);
    ``count``, when known (``list_figures``), saves counting the list."""

    def __init__(
        self,
        records: QuerySet[Any, Any],
        key: Callable[[Any], int] = lambda row: row.source_id,
        count: int | None = None,
    ):
        self.records, self.key, self.known_count = records, key, count

    def count(self) -> int:
        return self.records.count() if self.known_count is None else self.known_count

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, part: int) -> object: ...

    @overload
    def __getitem__(self, part: slice) -> list[object]: ...

    def __getitem__(self, part: int | slice) -> object:
        ids = list(self.records.values_list("source_id", flat=True)[part])
        rows = {self.key(row): row for row in self.records.order_by().filter(source_id__in=ids)}
        found = [rows[i] for i in ids if i in rows]
        return found if isinstance(part, slice) else found[0]


def published_facets(organisation: Organisation, kind: str) -> list[str]:
    """The distinct filter values of a list (order_by() drops the model's ordering, which
    DISTINCT would otherwise count in)."""
    values = published(organisation, kind).order_by().values_list("facet", flat=True)
    return sorted(f for f in values.distinct() if f)


def publishing_organisations() -> QuerySet[Organisation]:
    """Organisations with at least one public record, with their counts per kind."""
    counts = {kind: Count("publications", filter=_public_of(kind)) for kind in Kind.values}
    return (
        Organisation.objects.annotate(total=Count("publications", filter=_public_of(None)))
        .filter(total__gt=0)
        .annotate(**{f"count_{k.replace('-', '_')}": c for k, c in counts.items()})
        .order_by("name")
    )


def _public_of(kind: str | None) -> Q:
    q = Q(publications__is_current=True, publications__withdrawn_at__isnull=True)
    if kind is not None:
        q &= Q(publications__kind=kind)
    return q


def publishing_organisation_get(slug: str, kind: str | None = None) -> Organisation | None:
    """The organisation with ``slug`` if it has anything public (one indexed EXISTS); with
    ``kind``, in the same query the time of the latest change of that list
    (``list_changed_at``, for ``list_figures``)."""
    public = published().filter(organisation=OuterRef("pk"))
    return _with_change_of(Organisation.objects.filter(Exists(public), slug=slug), kind).first()


def _with_change_of(
    organisations: QuerySet[Organisation], kind: str | None
) -> QuerySet[Organisation]:
    if kind is None:
        return organisations
    latest = (
        Publication.objects.filter(
            organisation=OuterRef("pk"), kind=kind, status=Publication.Status.APPROVED
        )
        .order_by("-changed_at")
        .values("changed_at")[:1]
    )
    return organisations.annotate(list_changed_at=Subquery(latest))


def kind_counts(organisation: Organisation) -> dict[str, int]:
    rows = published(organisation).values("kind").annotate(n=Count("id"))
    return {row["kind"]: row["n"] for row in rows}


def published_versions(organisation: Organisation, kind: str, source_id: int) -> list[Publication]:
    """Every approved version of a record, newest first."""
    return list(
        Publication.objects.filter(
            organisation=organisation,
            kind=kind,
            source_id=source_id,
            status=Publication.Status.APPROVED,
        ).order_by("-number")
    )


def withdrawn_notices(organisation: Organisation) -> QuerySet[Publication]:
    return Publication.objects.filter(
        organisation=organisation, is_current=True, withdrawn_at__isnull=False
    ).order_by("-withdrawn_at")


def last_change(
    organisation: Organisation | None = None, kind: str | None = None
) -> tuple[dt.datetime | None, int]:
    """When anything public (of the organisation and kind) last changed, and how many
    approved versions there are: for ETag and Last-Modified."""
    records = Publication.objects.filter(status=Publication.Status.APPROVED)
    if organisation is not None:
        records = records.filter(organisation=organisation)
    if kind is not None:
        records = records.filter(kind=kind)
    found = records.aggregate(at=Max("changed_at"), n=Count("*"))
    at: dt.datetime | None = found["at"]
    count: int = found["n"]
    return at, count


class ListFigures(TypedDict):
    at: dt.datetime | None
    approved: int | None
    count: int
    facets: list[str] | None


def list_figures(
    organisation: Organisation,
    kind: str,
    filters: PublicFilters,
    records: QuerySet[Any, Any],
    facets: bool = False,
) -> ListFigures:
    """A public list's stamp (``at`` and ``approved``, as ``last_change``), the count of
    ``records`` (the list with ``filters``) and, with ``facets``, its filter values instead
    of the count of approved versions (the pages have no ETag).

    Every change of the public side saves an approved row (a new version, a withdrawal, the
    previous version no longer current), so the time of the latest change moves with each.
    It is one look-up in the list's index; the counts and facets are kept in the cache under
    it, so that a page of a list of 25,000 rows neither counts nor scans them again until
    something of the list is published or withdrawn."""
    approved = Publication.objects.filter(
        organisation=organisation, kind=kind, status=Publication.Status.APPROVED
    )
    at: dt.datetime | None
    if "list_changed_at" in vars(organisation):  # annotated by _with_change_of
        at = vars(organisation)["list_changed_at"]
    else:
        at = approved.aggregate(at=Max("changed_at"))["at"]
    figures: dict[str, Callable[[], Figure]] = {
        f"count|{filters.search}|{filters.facet}": records.count
    }
    if facets:
        figures["facets"] = lambda: published_facets(organisation, kind)
    else:
        figures["approved"] = approved.count
    stamp = at.isoformat() if at is not None else "-"
    keys = {
        name: "open:" + sha256(f"{organisation.pk}|{kind}|{stamp}|{name}".encode()).hexdigest()
        for name in figures
    }
    now = monotonic()
    found: dict[str, Figure] = {
        key: kept[1] for key in keys.values() if (kept := _kept.get(key)) and kept[0] > now
    }
    missing = [key for key in keys.values() if key not in found]
    if missing:
        found.update(cache.get_many(missing))
    computed = {name: figures[name]() for name, key in keys.items() if key not in found}
    if computed:
        cache.set_many({keys[name]: value for name, value in computed.items()}, FIGURES_KEPT)
    if missing:
        if len(_kept) + len(missing) > PROCESS_KEPT:
            _kept.clear()
        for name, key in keys.items():
            if key in missing:
                value = computed[name] if name in computed else found[key]
                _kept[key] = (now + FIGURES_KEPT, value)
    values = {name: found[key] if key in found else computed[name] for name, key in keys.items()}
    # Each figure's name says what it is: the counts are ints, the facets a list.
    return {
        "at": at,
        "approved": cast(int | None, values.get("approved")),
        "count": cast(int, values[f"count|{filters.search}|{filters.facet}"]),
        "facets": cast(list[str] | None, values.get("facets")),
    }


def proposals_waiting(organisation: Organisation) -> QuerySet[Publication]:
    return (
        Publication.objects.filter(organisation=organisation, status=Publication.Status.PROPOSED)
        .select_related("proposed_by")
        .order_by("proposed_at")
    )


def publications_of(organisation: Organisation) -> QuerySet[Publication]:
    """The current public versions and notices, for the organisation's own overview."""
    return Publication.objects.filter(organisation=organisation, is_current=True).order_by(
        "kind", "title"
    )


def publication_candidates(organisation: Organisation) -> dict[str, list[tuple[int, str]]]:
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


def withdrawn_notices_of_record(slug: str, kind: str, source_id: int) -> list[Publication]:
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


def organisation_with_publications(slug: str, kind: str | None = None) -> Organisation | None:
    """An organisation that has published anything, withdrawn or not; with ``kind``, as
    ``publishing_organisation_get``, with the time of that list's latest change."""
    approved = Publication.objects.filter(
        organisation=OuterRef("pk"), status=Publication.Status.APPROVED
    )
    return _with_change_of(Organisation.objects.filter(Exists(approved), slug=slug), kind).first()
