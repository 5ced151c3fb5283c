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
import hashlib
import json
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


def figures_state(computed_at: dt.datetime | None, pending: bool, stored: bool) -> dict:
    """How old figures are, as the API and the command line say it (``figures``): as of when
    (ISO 8601 in the site's time zone), whether a refresh is under way, and whether they were
    read from the stored figures or computed for this request."""
    return {
        "asOf": timezone.localtime(computed_at).isoformat() if computed_at else None,
        "pending": bool(pending),
        "stored": bool(stored),
    }


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
    without a queue runs it now, as the tests' immediate backend does).

    The decision is one transaction on the figures' ``RefreshWaiting`` row: INSERT … ON
    CONFLICT DO NOTHING makes it exist, SELECT … FOR UPDATE locks it (on SQLite the
    transaction holds the database's write lock from its start), and the refresh it names is
    joined if still waiting, or a new one queued and named, before the lock is released. Two
    processes queueing at the same moment therefore leave exactly one refresh waiting."""
    changed_at = timezone.now().isoformat()
    backend = task.get_backend()
    if not backend.supports_defer:
        task.enqueue(*args, changed_at)
        return "immediate"
    from django_tasks import TaskResultStatus
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    run_after = timezone.now() + dt.timedelta(seconds=COALESCE_SECONDS)
    if not isinstance(backend, DatabaseBackend):  # a queue this code cannot look into
        task.using(run_after=run_after).enqueue(*args, changed_at)
        return "queued"

    from .models import RefreshWaiting

    wanted = list(args)
    key = refresh_key(task, wanted)
    for _attempt in range(3):
        with transaction.atomic():
            RefreshWaiting.objects.bulk_create(
                [RefreshWaiting(key=key, task_path=task.module_path)], ignore_conflicts=True
            )
            claim = RefreshWaiting.objects.select_for_update().filter(key=key).first()
            if claim is None:  # an old row, removed between the two statements: again
                continue
            if claim.task_result_id:
                joined = DBTaskResult.objects.filter(
                    pk=claim.task_result_id, status=TaskResultStatus.READY
                ).update(args_kwargs={"args": [*wanted, changed_at], "kwargs": {}})
                if joined:
                    return "joined"
            result = task.using(run_after=run_after).enqueue(*args, changed_at)
            claim.task_result_id = str(result.id)
            claim.queued_at = timezone.now()
            claim.save(update_fields=["task_result_id", "queued_at"])
        _refresh_waiting_forget(claim.queued_at - REFRESH_WAITING_KEPT)
        return "queued"
    task.using(run_after=timezone.now()).enqueue(*args, changed_at)  # never lose a refresh
    return "queued"


def _refresh_waiting_forget(before) -> None:
    """Remove the rows of refreshes queued before ``before`` (one per set of figures ever
    written would only accumulate); rows another process holds are left for a later pass."""
    from .models import RefreshWaiting

    with transaction.atomic():
        old = list(
            RefreshWaiting.objects.select_for_update(skip_locked=True)
            .filter(queued_at__lt=before)
            .values_list("pk", flat=True)[:1000]
        )
        if old:
            RefreshWaiting.objects.filter(pk__in=old).delete()


# A refresh queued longer ago than this has run (or its queue is so far behind that another
# refresh of the same figures costs nothing): its row goes.
REFRESH_WAITING_KEPT = dt.timedelta(hours=1)


def refresh_key(task, args: list) -> str:
    """The figures a refresh brings up to date, as a short text: its task and arguments."""
    text = json.dumps([task.module_path, args], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def stored_figure_behind(row, changed_at: str | None = None) -> bool:
    """Whether a refresh for a write that committed at ``changed_at`` must recompute ``row``:
    it is pending, or it was computed before that write committed (a row a reader created
    while the write was under way carries no mark of it). A row computed after the commit
    has seen the write, so a burst of writes is recomputed once, not once per write."""
    if row.pending or row.computed_at is None:
        return True
    return changed_at is not None and row.computed_at < dt.datetime.fromisoformat(changed_at)


# --- the organisation tree ------------------------------------------------------------------

_SUBTREE_MARKS: list[Callable[[list[int]], None]] = []


def organisation_subtrees_change_register(mark: Callable[[list[int]], None]) -> None:
    """An app whose stored figures add up an organisation with those below it registers
    ``mark(organisation_ids)`` (in its registrations): it marks its figures over those
    organisations' subtrees behind, in the caller's transaction, and refreshes them on
    commit."""
    if mark not in _SUBTREE_MARKS:
        _SUBTREE_MARKS.append(mark)


def organisation_subtrees_changed(organisation_ids) -> None:
    """Organisations were moved, deleted or restored below these organisations (the tree's
    services call this in their transaction): every registered app marks its rolled-up
    figures over them behind and refreshes them once the transaction commits."""
    ids = sorted(set(organisation_ids))
    if ids:
        for mark in _SUBTREE_MARKS:
            mark(ids)
