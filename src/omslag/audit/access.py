"""Who may read the audit log of an organisation: its auditors and administrators (a role
on the organisation or above it) and platform administrators."""

from omslag.common.access import require
from omslag.organisations.access import organisation_get_readable, person_roles
from omslag.organisations.models import Role

AUDIT_READ_ROLES = frozenset({Role.AUDITOR, Role.ADMIN})


def audit_can_read(person, organisation) -> bool:
    return bool(person.is_superuser or person_roles(person, organisation) & AUDIT_READ_ROLES)


def audit_organisation_get(person, slug: str):
    """The organisation whose audit log the person asks for: 404 when it is unreadable,
    403 when the person's roles do not include auditor or administrator."""
    organisation = organisation_get_readable(person, slug)
    require(audit_can_read(person, organisation))
    return organisation


def audit_can_read_all(person) -> bool:
    """The log of the whole installation (with failed sign-ins of unknown addresses): platform
    administrators only."""
    return bool(person.is_authenticated and person.is_superuser)
