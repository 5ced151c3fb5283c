"""What the safeguards pages share: the permission check and the organisation's context."""

from django.core.exceptions import PermissionDenied

from omslag.organisations.selectors import organisation_ancestors


def require(allowed: bool) -> None:
    """Refuse with 403 (the page says the role does not allow it)."""
    if not allowed:
        raise PermissionDenied


def organisation_context(organisation) -> dict:
    return {"organisation": organisation, "ancestors": organisation_ancestors(organisation)}
