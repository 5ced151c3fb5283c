"""The one way to turn an access decision into a refusal, for pages and the API alike. What a
person may do is decided in each app's ``access.py``; this only says no."""

from django.core.exceptions import PermissionDenied


def require(allowed: bool) -> None:
    """Refuse with 403 unless the access check allowed it (a page says the role does not
    allow it; the API answers with a problem)."""
    if not allowed:
        raise PermissionDenied
