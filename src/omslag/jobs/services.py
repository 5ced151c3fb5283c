"""Start, follow and cancel background jobs; run them in a worker; take over after a dead one.

Other apps use ``start`` to queue work, ``progress`` inside the work, ``JobFailed`` to end it
with problems, and ``cancel``. docs/jobs.md describes the whole life of a job.
"""

import logging
import time
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import OperationalError, connection, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from omslag.common.errors import ConflictError, RuleViolation
from omslag.common.tabular.importing import excerpt

from .kinds import job_kind
from .models import Job, WorkerHeartbeat

logger = logging.getLogger(__name__)

# A job keeps the first problems and counts the rest; each value is cut to an excerpt, so a
# 200 MB cell never reaches the database, a page or the API whole.
JOB_PROBLEMS_KEPT = 1000
PROBLEM_VALUE_CHARS = 200
# Progress is written at most this often (seconds), so a tight loop does not hammer the
# database; the last step (done == total) is always written.
PROGRESS_SECONDS = 0.5


class Cancelled(Exception):
    """Raised by ``progress`` when the job was cancelled: the work stops and its transaction
    rolls back."""


class JobFailed(Exception):
    """Raised by a job's work to end it as failed, with a message and the problems found."""

    def __init__(
        self, message: str, problems: Iterable[dict[str, Any]] = (), problems_total: int = 0
    ):
        super().__init__(message)
        self.message = message
        self.problems = list(problems)
        self.problems_total = max(problems_total, len(self.problems))


def in_work_transaction() -> bool:
    """Whether the caller is inside a transaction of its own (a test's wrapping one aside):
    then a job is queued at commit, and progress is not written (the row would stay locked)."""
    from django.db import connection

    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def problems_shortened(
    problems: Iterable[dict[str, Any]], limit: int = JOB_PROBLEMS_KEPT
) -> list[dict[str, Any]]:
    """The first ``limit`` problems, every value cut to a readable excerpt."""
    kept: list[dict[str, Any]] = []
    for problem in problems:
        if len(kept) >= limit:
            break
        kept.append(
            {
                str(key)[:50]: (
                    value
                    if isinstance(value, int | float | bool) or value is None
                    else excerpt(str(value), PROBLEM_VALUE_CHARS)
                )
                for key, value in problem.items()
            }
        )
    return kept


def start(kind: str, *, person: Any = None, organisation: Any = None, **params: Any) -> Job:
    """Queue work of a registered ``kind`` for ``person``; ``params`` (JSON values) reach the
    work as ``job.params``. Queued when the caller's transaction commits."""
    if job_kind(kind) is None:
        raise RuleViolation(_("Unknown kind of job: %(kind)s.") % {"kind": kind})
    # The work speaks the language of whoever asked (the page's, the API request's, the
    # command's), not the worker's locale: a worker under systemd has none and spoke English.
    params.setdefault("language", translation.get_language() or settings.LANGUAGE_CODE)
    job = Job.objects.create(
        kind=kind,
        person=person if getattr(person, "pk", None) else None,
        organisation=organisation,
        params=params,
    )
    if in_work_transaction():
        transaction.on_commit(lambda: _enqueue(job.pk))
    else:
        _enqueue(job.pk)
    job.refresh_from_db()
    return job


def _enqueue(job_id: int) -> None:
    result = job_run_task.enqueue(job_id)
    Job.objects.filter(pk=job_id, task_result_id="").update(task_result_id=str(result.id))


def progress(job: Job, done: int, total: int | None = None, *, message: str | None = None) -> None:
    """Record how far ``job`` is; raises Cancelled when someone cancelled it. Cheap to call per
    row: it reaches the database at most every PROGRESS_SECONDS."""
    now = time.monotonic()
    job.done, job.total = done, total
    if message is not None:
        job.message = message[:500]
    last = getattr(job, "_progress_at", None)
    if last is not None and now - last < PROGRESS_SECONDS and done != total:
        return
    job._progress_at = now  # type: ignore[attr-defined]  # kept on the instance between calls
    if not in_work_transaction():
        _progress_write(job, done, total)
    if Job.objects.filter(pk=job.pk, cancel_requested_at__isnull=False).exists():
        raise Cancelled


def _progress_write(job: Job, done: int, total: int | None) -> None:
    """Write the progress; on SQLite skip a write the database refuses. Work that reads a
    register row by row (an export) keeps a read open on its connection while it reports, and
    SQLite refuses that connection's write at once ("database is locked", no waiting) once
    another connection wrote meanwhile (the worker's own heartbeat, every 5 s). The export
    failed and the worker died with it; the progress is only a sign of life, the next step or
    the end of the job writes it again."""
    try:
        Job.objects.filter(pk=job.pk).update(done=done, total=total, message=job.message)
    except OperationalError:
        if connection.vendor != "sqlite":
            raise
        if not getattr(job, "_progress_skipped", False):  # once per job, not twice a second
            job._progress_skipped = True  # type: ignore[attr-defined]
            logger.info("Job %s: progress not written while it reads (SQLite)", job.pk)


def cancel(job: Job) -> Job:
    """Cancel a queued job at once; ask a running one to stop (it rolls back at its next
    progress step). A finished job cannot be cancelled."""
    now = timezone.now()
    if Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED).update(
        status=Job.Status.CANCELLED,
        cancel_requested_at=now,
        finished_at=now,
        message=_("Cancelled before it started."),
    ):
        pass
    elif not Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
        cancel_requested_at=now
    ):
        raise ConflictError(_("This job has already finished."))
    job.refresh_from_db()
    return job


def job_run(job_id: int, worker_id: str = "") -> str:
    """Do the work of one job in this process (called by the task a worker picks up)."""
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
        status=Job.Status.RUNNING,
        started_at=timezone.now(),
        worker_id=worker_id[:64],
        attempts=F("attempts") + 1,
    )
    if not claimed:  # cancelled before it started, or taken over after a restart
        return "skipped"
    job = Job.objects.get(pk=job_id)
    with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
        return _job_work(job)


def _job_work(job: Job) -> str:
    """Run a claimed job's work and record how it ended (in the job's language)."""
    kind = job_kind(job.kind)
    try:
        if kind is None:
            raise JobFailed(_("Unknown kind of job: %(kind)s.") % {"kind": job.kind})
        result = kind.run(job) or {}
    except Cancelled:
        job_file_discard(job)
        _finish(job, Job.Status.CANCELLED, _("Cancelled; nothing was saved."))
        return "cancelled"
    except JobFailed as failure:
        job_file_discard(job)
        _finish(
            job,
            Job.Status.FAILED,
            failure.message,
            problems=failure.problems,
            problems_total=failure.problems_total,
        )
        return "failed"
    except Exception as error:  # the reason is kept for the person; the trace for the log
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        job_file_discard(job)
        reason = excerpt(f"{type(error).__name__}: {error}", PROBLEM_VALUE_CHARS)
        _finish(job, Job.Status.FAILED, _("The job failed: %(reason)s") % {"reason": reason})
        return "failed"
    _finish(job, Job.Status.DONE, job.message, result=result)
    return "done"


def job_file_save(job: Job, filename: str, content: bytes | IO[bytes]) -> None:
    """Keep ``content`` (bytes, or a binary file read from its start in pieces) as the job's
    file (a download for the person who asked). Saved last
    in the work, after its final progress step: a job cancelled or failed before it keeps no
    file, and ``job_run`` removes one a failing job had already written."""
    progress(job, job.total or job.done, job.total)  # a cancel that came meanwhile wins
    kept = ContentFile(content) if isinstance(content, bytes) else File(content)
    job.file.save(filename, kept, save=False)
    Job.objects.filter(pk=job.pk).update(file=job.file.name)


def job_file_discard(job: Job) -> None:
    """Remove the job's file from the storage and the job (a cancelled or failed job, or an
    old one past its retention)."""
    job.refresh_from_db(fields=["file"])
    if job.file:
        job.file.delete(save=False)
        Job.objects.filter(pk=job.pk).update(file="")


def job_files_purge(now: datetime | None = None) -> int:
    """Remove the files of jobs that finished more than JOB_FILE_RETENTION_DAYS ago; how many."""
    before = (now or timezone.now()) - timedelta(days=settings.JOB_FILE_RETENTION_DAYS)
    old = Job.objects.filter(finished_at__lt=before).exclude(file="")
    count = 0
    for job in old.only("pk", "file"):
        job_file_discard(job)
        count += 1
    return count


@task(takes_context=True)
def job_run_task(context: Any, job_id: int) -> str:
    """The one task on the queue: run a job (its kind says what the work is)."""
    worker_ids = context.task_result.worker_ids
    return job_run(job_id, worker_id=worker_ids[-1] if worker_ids else "")


def _finish(
    job: Job,
    status: str,
    message: str,
    *,
    result: dict[str, Any] | None = None,
    problems: Iterable[dict[str, Any]] = (),
    problems_total: int = 0,
) -> None:
    text: Any = Value(str(message)[:500])
    if status == Job.Status.DONE:
        # A cancel that came after the work's last look at it (an SQLite import that had begun
        # saving runs to its end): say that everything was done, not just "Done" after "Stopping…".
        too_late = _("The cancel came too late to stop this work: it was finished and saved.")
        if message:
            too_late = f"{too_late} {message}"
        text = Case(
            When(cancel_requested_at__isnull=False, then=Value(too_late[:500])), default=text
        )
    # Only the worker that runs the job may end it: after a take-over, a late one changes nothing.
    Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, worker_id=job.worker_id).update(
        status=status,
        message=text,
        result=result or {},
        problems=problems_shortened(problems),
        problems_total=problems_total,
        done=F("total") if status == Job.Status.DONE and job.total else job.done,
        total=job.total,
        finished_at=timezone.now(),
    )


def done_in_work(job: Job, result: dict[str, Any]) -> None:
    """Mark ``job`` done from inside the work's own transaction, as its last write before the
    commit: the rows and the job's "done" are committed together. A worker killed after the
    commit thus never leaves the job running, to be marked failed ("nothing was saved") by
    another worker next to rows that were saved. ``job_run`` then finds it finished already."""
    _finish(job, Job.Status.DONE, job.message, result=result)


def worker_beat(worker_id: str, host: str, pid: int) -> None:
    """Record that the worker is alive (a row per worker)."""
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(beat_at=timezone.now())
    if not updated:
        WorkerHeartbeat.objects.create(worker_id=worker_id, host=host[:255], pid=pid)


def worker_leave(worker_id: str) -> None:
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def workers_recover() -> list[Job]:
    """Jobs left running by a worker that fell silent: queued again while attempts remain,
    otherwise marked failed with the reason. What the dead worker had not committed was rolled
    back by the database, so nothing of it is half-saved. Safe to run in every worker at once."""
    stale_before = timezone.now() - timedelta(seconds=settings.WORKER_STALE_SECONDS)
    alive = WorkerHeartbeat.objects.filter(beat_at__gte=stale_before).values("worker_id")
    orphans = Job.objects.filter(status=Job.Status.RUNNING, started_at__lt=stale_before).exclude(
        Q(worker_id__in=alive)
    )
    recovered = []
    for job in orphans:
        recovered.extend(_job_recover(job))
    WorkerHeartbeat.objects.filter(beat_at__lt=stale_before).delete()
    return recovered


def _job_recover(job: Job) -> list[Job]:
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    worker = job.worker_id or _("an unknown worker")
    still_running = Job.objects.filter(
        pk=job.pk, status=Job.Status.RUNNING, worker_id=job.worker_id
    )
    if job.cancel_requested_at is None and job.attempts < settings.JOB_MAX_ATTEMPTS:
        message = _(
            "The worker %(worker)s stopped during attempt %(n)s; nothing of it was saved. "
            "Queued again."
        ) % {"worker": worker, "n": job.attempts}
        if not still_running.update(
            status=Job.Status.QUEUED, worker_id="", task_result_id="", message=message
        ):
            return []
        _enqueue(job.pk)
    else:
        message = (
            _("Cancelled; nothing was saved.")
            if job.cancel_requested_at
            else _(
                "The worker %(worker)s stopped during attempt %(n)s of %(max)s; the job was not "
                "finished and nothing of it was saved."
            )
            % {"worker": worker, "n": job.attempts, "max": settings.JOB_MAX_ATTEMPTS}
        )
        status = Job.Status.CANCELLED if job.cancel_requested_at else Job.Status.FAILED
        if not still_running.update(status=status, message=message, finished_at=now):
            return []
    if job.task_result_id:
        DBTaskResult.objects.filter(pk=job.task_result_id, status="RUNNING").update(
            status="FAILED", finished_at=now
        )
    logger.warning("Job %s: %s", job.pk, message)
    job.refresh_from_db()
    return [job]
