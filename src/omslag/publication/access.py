"""Who may propose, approve, withdraw and configure publications.

Editors and administrators propose; only an administrator approves, rejects or withdraws, and
never a publication they proposed themselves (four eyes). Everyone who reads the organisation
sees the proposals and their previews.
"""

from django.http import Http404

from omslag.organisations.access import (
    ADMIN_ROLES,
    CHANGE_ROLES,
    organisation_can_read,
    person_roles,
)

from .models import Publication


def publication_can_read(person, organisation) -> bool:
    return organisation_can_read(person, organisation)


def publication_can_propose(person, organisation) -> bool:
    return bool(person_roles(person, organisation) & CHANGE_ROLES)


def publication_can_decide(person, organisation) -> bool:
    """Approve, reject and withdraw: the administrator role (platform administrators too)."""
    if person is not None and person.is_authenticated and person.is_superuser:
        return True
    return bool(person_roles(person, organisation) & ADMIN_ROLES)


def publication_can_approve(person, publication: Publication) -> bool:
    """An administrator who did not propose it."""
    return (
        publication_can_decide(person, publication.organisation)
        and publication.proposed_by_id != person.pk
    )


def publication_can_configure(person, organisation) -> bool:
    return publication_can_decide(person, organisation)


def publication_get_readable(person, pk) -> Publication:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("No publication matches the given query.") from None
    publication = Publication.objects.select_related("organisation").filter(pk=pk).first()
    if publication is None or not publication_can_read(person, publication.organisation):
        raise Http404("No publication matches the given query.")
    return publication
