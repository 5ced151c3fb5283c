"""Reads of the audit log."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from omslag.organisations.models import Membership

from .models import AuditEntry


def audit_entries_of(
    organisation: Any = None,
    *,
    event: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    person: str | None = None,
) -> QuerySet[AuditEntry]:
    """The entries of ``organisation`` and the organisations below it, newest first (of the
    whole installation when ``organisation`` is None). Events of a person alone (signing in,
    tokens, resets) belong to the organisations the person is a live member of, so they show
    there and nowhere else; failed sign-ins with an unknown address only installation-wide."""
    entries = AuditEntry.objects.select_related("person", "organisation")
    if organisation is not None:
        entries = entries.filter(_within(organisation))
    if event:
        entries = entries.filter(event=event)
    if since:
        entries = entries.filter(at__date__gte=since)
    if until:
        entries = entries.filter(at__date__lte=until)
    if person:
        entries = entries.filter(person__email__icontains=person.strip())
    return entries


def _within(organisation: Any) -> Q:
    member_here = Membership.objects.filter(
        person=OuterRef("person"),
        organisation__path__startswith=organisation.path,
        organisation__deleted_at__isnull=True,
    )
    return Q(organisation__path__startswith=organisation.path) | Q(
        organisation__isnull=True, person__isnull=False
    ) & Q(Exists(member_here))


EXPORT_HEADERS = ["when", "event", "person", "organisation", "detail"]


def audit_export_rows(entries: Iterable[AuditEntry]) -> list[list[str]]:
    """The rows of an export of ``entries`` (under ``EXPORT_HEADERS``)."""
    return [
        [
            entry.at.isoformat(timespec="seconds"),
            entry.event,
            entry.person.email if entry.person else "",
            entry.organisation.slug if entry.organisation else "",
            entry.detail_text,
        ]
        for entry in entries
    ]
