"""Reads of jobs and workers."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from .models import Job, WorkerHeartbeat


def jobs_of_person(person: Any) -> QuerySet[Job]:
    """The jobs a person started, newest first."""
    return Job.objects.filter(person=person).select_related("organisation")


def workers_alive() -> QuerySet[WorkerHeartbeat]:
    """Workers that gave a sign of life within WORKER_STALE_SECONDS (for a health check)."""
    since = timezone.now() - timedelta(seconds=settings.WORKER_STALE_SECONDS)
    return WorkerHeartbeat.objects.filter(beat_at__gte=since).order_by("host", "pid")


def job_status(job: Job) -> dict[str, Any]:
    """What a page or a client polls: how far the job is and how it ended."""
    return {
        "id": job.pk,
        "kind": job.kind,
        "status": job.status,
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "message": job.message,
        "cancelling": job.cancelling,
        "problems_total": job.problems_total,
        "result": job.result,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
    }
