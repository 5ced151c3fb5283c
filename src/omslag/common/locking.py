"""Optimistic locking: a save must name the version it was based on."""

from typing import Any

from django.db.models import F
from django.utils.translation import gettext as _

from .errors import ConflictError


def version_claim(instance: Any, expected_version: int) -> None:
    """Raise the stored version of ``instance`` by one if it still is ``expected_version``.

    Done as one conditional UPDATE, so two processes can never both win. Call inside the
    transaction that then saves the new field values.
    """
    model = type(instance)
    claimed = model.all_objects.filter(pk=instance.pk, version=expected_version).update(
        version=F("version") + 1
    )
    if not claimed:
        current = model.all_objects.get(pk=instance.pk)
        raise ConflictError(
            _(
                "Somebody else saved this record after you opened it (your version %(yours)s, "
                "now version %(theirs)s). Your changes were not saved; the form shows the "
                "current values."
            )
            % {"yours": expected_version, "theirs": current.version},
            current=current,
        )
    instance.version = expected_version + 1
