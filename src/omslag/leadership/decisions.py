"""The decisions waiting for the board, counted and ordered in the database.

Four kinds: gate decisions pending, scale decisions without an implementation owner, projects
above the review threshold without independent advice and pilots stuck after a positive
result. Each kind is a queryset of the same columns (kind, record id, subject, organisation,
since), so the dashboard counts each kind and takes its oldest few with a LIMIT, and the full
list page is their UNION, sorted and paged by the database: neither loads every record of a
ministry (1,300 waiting decisions at national scale)."""

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.db.models import CharField, DateField, F, QuerySet, Value
from django.db.models.functions import Cast, TruncDate
from django.urls import reverse
from django.utils.translation import gettext as _

from omslag.innovation.selectors import (
    experiments_stuck_after_pilot,
    gate_decisions_pending,
    scaled_without_owner_queryset,
)
from omslag.projects.selectors import projects_awaiting_review_advice

from .tiles import DecisionWaiting

KINDS = ("gate", "scale-owner", "review-advice", "stuck-pilot")
COLUMNS = ("d_kind", "d_id", "d_subject", "d_organisation", "d_organisation_name", "d_since")

# Sort keys of the list page -> columns of the union (the oldest first by default).
SORTS = {
    "since": ("d_since", "d_kind", "d_id"),
    "-since": ("-d_since", "d_kind", "d_id"),
    "subject": ("d_subject", "d_id"),
    "-subject": ("-d_subject", "d_id"),
    "organisation": ("d_organisation_name", "d_since", "d_id"),
    "-organisation": ("-d_organisation_name", "d_since", "d_id"),
    "kind": ("d_kind", "d_since", "d_id"),
    "-kind": ("-d_kind", "d_since", "d_id"),
}
DEFAULT_SORT = "since"


def kind_label(kind: str) -> str:
    return {
        "gate": _("Gate decision pending"),
        "scale-owner": _("Scale decision without an implementation owner"),
        "review-advice": _("Above the review threshold without independent advice"),
        "stuck-pilot": _("Pilot stuck: positive result, no implementation"),
    }[kind]


def _columns(queryset: QuerySet, kind: str, subject: str, since) -> QuerySet:
    # One annotate call in COLUMNS order: every part of the union selects the same columns
    # in the same order, with the same types.
    return (
        queryset.order_by()
        .annotate(
            d_kind=Value(kind, output_field=CharField()),
            d_id=F("pk"),
            d_subject=Cast(F(subject), CharField()),
            d_organisation=F("organisation__slug"),
            d_organisation_name=F("organisation__name"),
            d_since=since,
        )
        .values(*COLUMNS)
    )


def decisions_by_kind(organisation_ids: Sequence[int], as_of: dt.date, *, organisation) -> dict:
    """kind -> queryset of the waiting decisions of that kind (rows of COLUMNS)."""
    stuck = experiments_stuck_after_pilot(organisation, today=as_of).filter(
        organisation_id__in=organisation_ids
    )
    return {
        "gate": _columns(
            gate_decisions_pending(organisation_ids),
            "gate",
            "title",
            TruncDate("stage_changed_at", output_field=DateField()),
        ),
        "scale-owner": _columns(
            scaled_without_owner_queryset(organisation_ids),
            "scale-owner",
            "title",
            Cast(F("scaled_on"), DateField()),
        ),
        "review-advice": _columns(
            projects_awaiting_review_advice(organisation_ids),
            "review-advice",
            "name",
            TruncDate("created_at", output_field=DateField()),
        ),
        "stuck-pilot": _columns(
            stuck, "stuck-pilot", "title", TruncDate("stage_changed_at", output_field=DateField())
        ),
    }


def decisions_all(
    organisation_ids: Sequence[int],
    as_of: dt.date,
    *,
    organisation,
    kind: str = "",
    sort: str = DEFAULT_SORT,
) -> QuerySet:
    """Every waiting decision (of one kind, or of all four as a UNION), sorted: rows of
    COLUMNS, to page or to iterate."""
    parts = decisions_by_kind(organisation_ids, as_of, organisation=organisation)
    if kind:
        combined = parts[kind]
    else:
        first, *others = parts.values()
        combined = first.union(*others, all=True)
    return combined.order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT]))


@dataclass
class DecisionsSummary:
    counts: dict[str, int]  # kind -> number waiting
    oldest: list[DecisionWaiting]  # the oldest few of each kind, the longest waiting first

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def decision_waiting(row: dict, as_of: dt.date) -> DecisionWaiting:
    """A row of COLUMNS as the dashboard, the API and the reports show it."""
    since = row["d_since"]
    if isinstance(since, dt.datetime):  # some databases return the truncated date as a datetime
        since = since.date()
    if isinstance(since, str):
        since = dt.date.fromisoformat(since[:10])
    if row["d_kind"] == "review-advice":
        url = reverse("projects:project", args=[row["d_id"]])
    else:
        url = reverse("innovation:experiment", args=[row["d_id"]])
    return DecisionWaiting(
        row["d_kind"],
        kind_label(row["d_kind"]),
        row["d_subject"],
        row["d_organisation"],
        since,
        (as_of - since).days if since is not None else None,
        url,
    )


def decisions_summary(
    organisation_ids: Sequence[int], as_of: dt.date, *, organisation, per_kind: int
) -> DecisionsSummary:
    """The number waiting of each kind and the ``per_kind`` oldest of each (two queries per
    kind, whatever the number of organisations or decisions)."""
    counts: dict[str, int] = {}
    oldest: list[DecisionWaiting] = []
    for kind, rows in decisions_by_kind(organisation_ids, as_of, organisation=organisation).items():
        counts[kind] = rows.count()
        if counts[kind]:
            oldest += [
                decision_waiting(row, as_of)
                for row in rows.order_by(*SORTS[DEFAULT_SORT])[:per_kind]
            ]
    oldest.sort(key=lambda d: (-(d.age_days or 0), d.subject))
    return DecisionsSummary(counts, oldest)


def decisions_iter(
    organisation_ids: Sequence[int], as_of: dt.date, *, organisation
) -> Iterator[DecisionWaiting]:
    """Every waiting decision, the longest waiting first (the XLSX/ODS report, the CSV)."""
    rows = decisions_all(organisation_ids, as_of, organisation=organisation)
    for row in rows.iterator(chunk_size=2000):
        yield decision_waiting(row, as_of)
