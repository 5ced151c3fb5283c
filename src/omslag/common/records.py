"""The steps every service takes on a domain record: refuse unknown fields, change with the
expected version, soft-delete. Each app's services call these instead of their own copies."""

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import RuleViolation
from .history import save_with_history
from .locking import version_claim

R = TypeVar("R", bound=Model)


def fields_check(changes: Mapping[str, Any], allowed: Iterable[str]) -> None:
    """RuleViolation naming every field that may not be set through this service."""
    unknown = set(changes) - set(allowed)
    if unknown:
        raise RuleViolation(
            _("These fields cannot be changed: %(f)s") % {"f": ", ".join(sorted(unknown))}
        )


def record_update(
    record: R,
    *,
    actor: Any,
    expected_version: int,
    allowed: Iterable[str],
    changes: Mapping[str, Any],
) -> R:
    """Set ``changes`` if the stored version is still ``expected_version``; history records it."""
    fields_check(changes, allowed)
    version_claim(record, expected_version)
    for name, value in changes.items():
        setattr(record, name, value)
    save_with_history(record, actor=actor)
    return record


def record_soft_delete(record: Any, *, actor: Any, expected_version: int | None = None) -> None:
    if expected_version is not None:
        version_claim(record, expected_version)
    record.deleted_at = timezone.now()
    save_with_history(record, actor=actor, reason=_("deleted"))
