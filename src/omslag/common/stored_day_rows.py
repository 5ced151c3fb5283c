"""Stored figures kept as one row per organisation and day (a ``StoredFigure`` model with the
fields ``organisation``, ``day`` and ``figures``), for figures a roll-up can add up from the
organisations' own rows: the board dashboard's legacy and safeguard figures.

``day_rows_read`` reads the rows of a set of organisations in one query; those without a
computed row of that day are computed together by the caller's ``compute_many(ids, day)`` (a
fixed number of grouped queries) and stored, so the number of queries does not grow with the
number of organisations. ``day_rows_mark_changed`` marks an organisation's rows behind in a
write's transaction (making today's row when missing, so that a first computation running at
the same moment cannot store figures without the write as current). ``day_row_refresh``
recomputes a row that is behind with ``stored_figure_save``."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from .stored_figures import stored_figure_behind, stored_figure_save, stored_figures_mark_changed

ComputeMany = Callable[[list[int], dt.date], dict[int, dict]]


@dataclass
class DayRows:
    figures: dict[int, dict]  # organisation id: its figures
    computed_at: dt.datetime | None  # the oldest row's time
    pending: bool  # a row read is behind its inputs: a refresh is queued


def day_rows_read(model, organisation_ids, day: dt.date, compute_many: ComputeMany) -> DayRows:
    ids = sorted(set(organisation_ids))
    stored = list(
        model.objects.filter(organisation_id__in=ids, day=day).only(
            "organisation_id", "figures", "inputs_version", "computed_version", "computed_at"
        )
    )
    figures = {row.organisation_id: row.figures for row in stored if row.computed_at}
    times = [row.computed_at for row in stored if row.computed_at]
    pending = any(row.pending for row in stored if row.computed_at)
    missing = [pk for pk in ids if pk not in figures]
    if missing:
        # Rows a write made a moment ago and its refresh has not computed yet: stored with the
        # version read before computing (a write meanwhile leaves them behind).
        unfinished = {row.organisation_id: row for row in stored if not row.computed_at}
        started = timezone.now()
        computed = compute_many(missing, day)
        model.objects.bulk_create(
            [
                model(
                    organisation_id=pk,
                    day=day,
                    figures=values,
                    inputs_version=1,
                    computed_version=1,
                    computed_at=started,
                )
                for pk, values in computed.items()
                if pk not in unfinished
            ],
            # Made by a write meanwhile: it stays behind, and that write's refresh follows.
            ignore_conflicts=True,
        )
        for pk, row in unfinished.items():
            model.objects.filter(pk=row.pk, computed_version__lte=row.inputs_version).update(
                figures=computed[pk], computed_version=row.inputs_version, computed_at=started
            )
        figures.update(computed)
        times.append(started)
    return DayRows(figures, min(times) if times else None, pending)


def day_rows_mark_changed(model, organisation_ids, *, create: bool = True) -> None:
    """Raise the inputs' version of these organisations' rows (one UPDATE, on every write, so
    that a row is marked behind even if a refresh gets lost); with ``create``, first make
    today's row where missing (once per transaction suffices)."""
    ids = sorted(set(organisation_ids))
    if create:
        today = timezone.localdate()
        model.objects.bulk_create(
            [model(organisation_id=pk, day=today) for pk in ids], ignore_conflicts=True
        )
    stored_figures_mark_changed(model.objects.filter(organisation_id__in=ids))


def day_row_refresh(
    model, organisation_id: int, compute_many: ComputeMany, changed_at: str | None = None
) -> bool:
    """Recompute the organisation's row of today when it is behind its inputs (or older than
    the write that committed at ``changed_at``); rows of earlier days are no longer read and
    go. Whether it recomputed."""
    today = timezone.localdate()
    model.objects.filter(organisation_id=organisation_id, day__lt=today).delete()
    row = model.objects.filter(organisation_id=organisation_id, day=today).first()
    if row is None or not stored_figure_behind(row, changed_at):
        return False
    stored_figure_save(
        model,
        {"organisation_id": organisation_id, "day": today},
        lambda: {"figures": compute_many([organisation_id], today)[organisation_id]},
    )
    return True
