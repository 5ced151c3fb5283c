"""The store of the audit log: the recorder that ``omslag.common.audit.record`` calls."""

from collections.abc import Mapping
from typing import Any

from django.contrib.auth import get_user_model

from .models import AuditEntry, Event

DETAIL_VALUE_MAX = 500


def _text(value: object) -> str:
    return str(value)[:DETAIL_VALUE_MAX]


def audit_entry_add(
    event: str,
    *,
    person: Any = None,
    organisation: Any = None,
    detail: Mapping[str, object] | None = None,
) -> AuditEntry:
    """Add one entry. The detail's values are kept as short text, so an entry never holds a
    large or unserialisable object; an unknown event is a programming error (ValueError)."""
    if event not in Event.values:
        raise ValueError(f"Unknown audit event: {event}")
    if person is not None and not isinstance(person, get_user_model()):
        person = None  # AnonymousUser: nobody to name
    return AuditEntry.objects.create(
        event=event,
        person=person if person is None or person.pk else None,
        organisation=organisation,
        detail={str(key): _text(value) for key, value in (detail or {}).items()},
    )
