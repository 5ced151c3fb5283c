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


# A refresh waits this long in the queue before a worker takes it, so that the writes of a
# burst (an edit form, a script, several people in the same organisation) share one refresh.
COALESCE_SECONDS = 1.0


def refresh_on_commit(task, *args) -> None:
    """Enqueue ``task(*args, changed_at)`` once the current transaction commits (at once
    outside one), ``changed_at`` being that moment as ISO text. Robust: the write has
    committed by then, so a queue that cannot take the task leaves the figure pending (and
    logged) instead of failing the request. With a queue that can defer (the database
    backend) the writes to the same figures coalesce: see ``refresh_enqueue_coalesced``."""
    transaction.on_commit(lambda: refresh_enqueue_coalesced(task, *args), robust=True)


def refresh_enqueue_coalesced(task, *args) -> str:
    """Queue one refresh of ``task(*args)`` for a write that has just committed: a refresh of
    the same figures that waits in the queue, not yet started, takes this write as well (its
    ``changed_at`` moves to now, one UPDATE); otherwise a new one is queued to run
    COALESCE_SECONDS from now. So a write never computes the figures itself, and several
    writes within a second cost one refresh. A waiting refresh reads the inputs when it runs,
    after this commit, so it misses nothing. "queued", "joined" or "immediate" (a backend
    without a queue runs it now, as the tests' immediate backend does)."""
    changed_at = timezone.now().isoformat()
    if not task.get_backend().supports_defer:
        task.enqueue(*args, changed_at)
        return "immediate"
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    wanted = list(args)
    waiting = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path=task.module_path
    ).only("pk", "args_kwargs")
    for result in waiting:
        if result.args_kwargs.get("args", [])[:-1] != wanted:
            continue
        args_kwargs = {"args": [*wanted, changed_at], "kwargs": {}}
        joined = DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.READY).update(
            args_kwargs=args_kwargs
        )
        if joined:
            return "joined"
    run_after = timezone.now() + dt.timedelta(seconds=COALESCE_SECONDS)
    task.using(run_after=run_after).enqueue(*args, changed_at)
    return "queued"


def stored_figure_behind(row, changed_at: str | None = None) -> bool:
    """Whether a refresh for a write that committed at ``changed_at`` must recompute ``row``:
    it is pending, or it was computed before that write committed (a row a reader created
    while the write was under way carries no mark of it). A row computed after the commit
    has seen the write, so a burst of writes is recomputed once, not once per write."""
    if row.pending or row.computed_at is None:
        return True
    return changed_at is not None and row.computed_at < dt.datetime.fromisoformat(changed_at)
