"""Figures computed once and stored, refreshed by a background task when their inputs change.

A stored figure carries two counters. A write to its inputs raises ``inputs_version`` (in the
write's own transaction); a refresh reads ``inputs_version`` *before* it computes and stores
that number as ``computed_version`` with the result. So a write that commits while a refresh
runs leaves ``inputs_version`` ahead: the figure stays marked pending (and the write's own
refresh, queued on commit, brings it up to date). A page shows a stored figure with
``computed_at`` and, when ``pending``, that a refresh is under way; it never shows a number
that may be stale without saying so.

The refresh itself runs as a django-tasks task enqueued by ``refresh_on_commit``: at once with
the ImmediateBackend, in a worker with a queue backend; the code here does not care which.
"""

import datetime as dt
from collections.abc import Callable

from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StoredFigure(models.Model):
    inputs_version = models.PositiveBigIntegerField(
        _("version of the inputs"), default=1, help_text=_("Raised by every write to the inputs.")
    )
    computed_version = models.PositiveBigIntegerField(
        _("version computed"), default=0, help_text=_("The inputs' version the figure is of.")
    )
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def pending(self) -> bool:
        """The inputs changed after the figure was computed; a refresh is queued."""
        return self.inputs_version > self.computed_version


def stored_figures_mark_changed(queryset) -> int:
    """Mark the stored figures of ``queryset`` as behind their inputs (one UPDATE)."""
    return queryset.update(inputs_version=F("inputs_version") + 1)


def stored_figure_save(model, key: dict, compute: Callable[[], dict]):
    """Compute ``compute()`` (the model's field values) and store it under ``key``, as of the
    inputs' version read before computing; creates the row on first use. Returns the row."""
    row = model.objects.filter(**key).only("pk", "inputs_version").first()
    version = row.inputs_version if row else 1
    started = timezone.now()
    values = compute()
    fields = {**values, "computed_version": version, "computed_at": started}
    if row is None:
        # Another process may create it at the same moment: then keep the one that won.
        with transaction.atomic():
            row, created = model.objects.get_or_create(
                **key, defaults={**fields, "inputs_version": version}
            )
        if created:
            return row
    # Never step back: a refresh of an older version that finishes last does not overwrite.
    model.objects.filter(pk=row.pk, computed_version__lte=version).update(**fields)
    return model.objects.get(pk=row.pk)


def refresh_on_commit(task, *args) -> None:
    """Enqueue ``task(*args, changed_at)`` once the current transaction commits (at once
    outside one), ``changed_at`` being that moment as ISO text. Robust: the write has
    committed by then, so a queue that cannot take the task leaves the figure pending (and
    logged) instead of failing the request."""
    transaction.on_commit(lambda: task.enqueue(*args, timezone.now().isoformat()), robust=True)


def stored_figure_behind(row, changed_at: str | None = None) -> bool:
    """Whether a refresh for a write that committed at ``changed_at`` must recompute ``row``:
    it is pending, or it was computed before that write committed (a row a reader created
    while the write was under way carries no mark of it). A row computed after the commit
    has seen the write, so a burst of writes is recomputed once, not once per write."""
    if row.pending or row.computed_at is None:
        return True
    return changed_at is not None and row.computed_at < dt.datetime.fromisoformat(changed_at)
