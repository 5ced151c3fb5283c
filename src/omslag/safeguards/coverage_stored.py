"""The board dashboard's safeguard figures, stored per organisation and day.

``CoverageFigures`` (a ``common.stored_figures`` row) holds one organisation's own figures:
per kind of subject the number and how many have every approved assessment its rules
require, the open high risks and the mitigations overdue on that day. A roll-up adds the rows
of the organisations in scope (each organisation is measured against its own rules, so the
sums equal ``selectors.coverage_for`` over the scope) in one query, whatever their number;
organisations without a row of today are computed together in a fixed number of grouped
queries and stored. A write of an assessment, risk, mitigation or rule (the services here) or
of a subject (the owning apps' services, through ``common.subjects``) marks the row of its
organisation behind; a task queued on commit (through ``refresh_enqueue_coalesced``, the
queue ``refresh_on_commit`` uses, once per transaction) recomputes it. An earlier
as-of date is computed fresh, with the same queries."""

import datetime as dt
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django_tasks import task

from omslag.common.stored_day_rows import day_row_refresh, day_rows_mark_changed, day_rows_read
from omslag.common.stored_figures import refresh_enqueue_coalesced
from omslag.common.subjects import assessment_subjects

from .gates import open_high_risks, requirements_by_organisation
from .models import CoverageFigures
from .selectors import Coverage, SubjectCoverage, _uncovered_in_groups, overdue_mitigations


@dataclass
class CoverageStored:
    coverage: Coverage
    computed_at: dt.datetime | None  # the oldest stored row's time; None: computed now
    pending: bool  # a refresh after a change is queued


def _compute_many(organisation_ids, day: dt.date) -> dict[int, dict]:
    ids = sorted(set(organisation_ids))
    groups = requirements_by_organisation(ids)
    result = {pk: {"subjects": {}, "openHighRisks": 0, "overdueMitigations": 0} for pk in ids}
    for subject in assessment_subjects():
        for pk in ids:
            result[pk]["subjects"][subject.key] = [0, 0]
        uncovered = _uncovered_in_groups(subject.key, groups, single=False)
        counted = subject.live(ids).order_by().values("organisation_id")
        if uncovered is None:
            counted = counted.annotate(total=Count("pk"))
        else:
            counted = counted.annotate(total=Count("pk"), uncovered=Count("pk", filter=uncovered))
        for row in counted:
            total = row["total"]
            result[row["organisation_id"]]["subjects"][subject.key] = [
                total,
                total - row.get("uncovered", 0),
            ]
    for row in (
        open_high_risks({"organisation_id__in": ids})
        .order_by()
        .values("assessment__organisation_id")
        .annotate(n=Count("pk"))
    ):
        result[row["assessment__organisation_id"]]["openHighRisks"] = row["n"]
    for row in (
        overdue_mitigations(None, day, ids)
        .order_by()
        .values("risk__assessment__organisation_id")
        .annotate(n=Count("pk"))
    ):
        result[row["risk__assessment__organisation_id"]]["overdueMitigations"] = row["n"]
    return result


def _coverage_from(rows) -> Coverage:
    subjects = []
    for subject in assessment_subjects():
        total = covered = 0
        for figures in rows:
            subject_total, subject_covered = figures["subjects"].get(subject.key, [0, 0])
            total += subject_total
            covered += subject_covered
        subjects.append(SubjectCoverage(subject.key, total, covered))
    return Coverage(
        subjects=subjects,
        open_high_risks=sum(f["openHighRisks"] for f in rows),
        overdue_mitigations=sum(f["overdueMitigations"] for f in rows),
        uses_defaults=False,  # not asked of a roll-up
    )


def coverage_stored(organisation_ids, as_of: dt.date) -> CoverageStored:
    """The safeguard figures over ``organisation_ids`` as of ``as_of``: today's from the
    stored rows, an earlier date's computed now."""
    ids = sorted(set(organisation_ids))
    if as_of != timezone.localdate():
        return CoverageStored(_coverage_from(list(_compute_many(ids, as_of).values())), None, False)
    rows = day_rows_read(CoverageFigures, ids, as_of, _compute_many)
    return CoverageStored(
        _coverage_from(list(rows.figures.values())), rows.computed_at, rows.pending
    )


# --- on write and in the task --------------------------------------------------------------


class _RefreshOnCommit:
    """The refresh queued when the transaction commits: one per transaction, whatever the
    number of writes in it (an import of 5,000 applications queues one), holding the
    organisations it changed."""

    def __init__(self, organisation_ids: set[int]):
        self.organisation_ids = organisation_ids
        self.done = False

    def __call__(self) -> None:
        self.done = True
        refresh_enqueue_coalesced(coverage_figures_refresh, sorted(self.organisation_ids))


def _registered() -> _RefreshOnCommit | None:
    return next(
        (
            func
            for _savepoints, func, _robust in connection.run_on_commit
            if isinstance(func, _RefreshOnCommit) and not func.done
        ),
        None,
    )


def coverage_changed(organisation_ids) -> None:
    """Subjects, assessments, risks, mitigations or rules of these organisations changed:
    their stored rows are behind (today's made, not yet computed, when missing, so that a
    first computation running meanwhile cannot store figures without this change as current),
    and a refresh is queued for when this commits (``refresh_on_commit``'s coalescing queue;
    once per transaction: marking a row behind once in it suffices)."""
    ids = set(organisation_ids)
    registered = _registered() if connection.in_atomic_block else None
    if registered is not None:
        ids -= registered.organisation_ids
    if not ids:
        return
    day_rows_mark_changed(CoverageFigures, ids)
    if registered is not None:
        registered.organisation_ids |= ids
    else:
        transaction.on_commit(_RefreshOnCommit(ids), robust=True)


def coverage_refresh(organisation_ids, changed_at: str | None = None) -> list[int]:
    """Recompute today's rows of these organisations that are behind their inputs (or older
    than the write that committed at ``changed_at``); the ids recomputed."""
    return [
        pk
        for pk in organisation_ids
        if day_row_refresh(CoverageFigures, pk, _compute_many, changed_at)
    ]


@task()
def coverage_figures_refresh(organisation_ids: list[int], changed_at: str | None = None) -> None:
    """The background task (queued on commit; see ``common.stored_figures``): refresh the
    stored safeguard figures of these organisations that are behind. It lives beside the
    figures, as portfolio's does, so the module and its task do not import each other."""
    coverage_refresh(organisation_ids, changed_at)
