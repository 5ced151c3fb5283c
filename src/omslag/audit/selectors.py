"""Reads of the audit log."""

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet

from omslag.organisations.models import Membership

from .models import AuditEntry


def audit_entries_of(
    organisation,
    *,
    event: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    person: str | None = None,
) -> QuerySet[AuditEntry]:
    """The entries of ``organisation`` and the organisations below it, newest first.
    Events of a person alone (signing in, tokens, resets) belong to the organisations the
    person is a live member of, so they show there and nowhere else."""
    member_here = Membership.objects.filter(
        person=OuterRef("person"),
        organisation__path__startswith=organisation.path,
        organisation__deleted_at__isnull=True,
    )
    entries = AuditEntry.objects.filter(
        Q(organisation__path__startswith=organisation.path)
        | Q(organisation__isnull=True, person__isnull=False) & Q(Exists(member_here))
    ).select_related("person", "organisation")
    if event:
        entries = entries.filter(event=event)
    if since:
        entries = entries.filter(at__date__gte=since)
    if until:
        entries = entries.filter(at__date__lte=until)
    if person:
        entries = entries.filter(person__email__icontains=person.strip())
    return entries


EXPORT_HEADERS = ["when", "event", "person", "organisation", "detail"]


def audit_export_rows(entries) -> list[list[str]]:
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
