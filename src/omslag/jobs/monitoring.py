"""What an operator sees of the task queue: a readiness probe that fails while jobs wait and no
worker is alive, and the queue's depth and the age of its oldest waiting job as metrics. Both
read the database, so any web process answers for every worker."""

import logging

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Count
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily

from omslag.common.health import ProbeFailed

from . import selectors
from .models import Job

logger = logging.getLogger(__name__)


def probe_workers() -> str | None:
    """Ready when a worker gave a sign of life, or when nothing waits for one; with the
    immediate backend (tests, scripts) there are no workers to wait for."""
    if settings.TASKS["default"]["BACKEND"].endswith("ImmediateBackend"):
        return "tasks run at once (no worker needed)"
    alive = selectors.workers_alive().count()
    if alive:
        return f"{alive} worker(s) alive"
    waiting = Job.objects.filter(status=Job.Status.QUEUED).count()
    if waiting:
        raise ProbeFailed(
            f"{waiting} job(s) waiting and no worker seen for "
            f"{int(settings.WORKER_STALE_SECONDS)} s"
        )
    return "no worker alive, nothing waiting"


class QueueCollector:
    """Jobs per status, the oldest queued job's age and the workers alive, read at each
    scrape."""

    def collect(self):
        try:
            yield from self._collect()
        except DatabaseError as error:  # a scrape never fails on the queue's figures
            logger.warning("Queue metrics not read: %r", error)

    def _collect(self):
        counts = GaugeMetricFamily(
            "omslag_jobs", "Background jobs by status (queued, running, …)", labels=["status"]
        )
        by_status = dict(
            Job.objects.filter(status__in=[Job.Status.QUEUED, Job.Status.RUNNING])
            .order_by()
            .values_list("status")
            .annotate(n=Count("pk"))
        )
        for status in (Job.Status.QUEUED, Job.Status.RUNNING):
            counts.add_metric([status], by_status.get(status, 0))
        yield counts
        oldest = (
            Job.objects.filter(status=Job.Status.QUEUED)
            .order_by("created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        age = GaugeMetricFamily(
            "omslag_jobs_oldest_queued_seconds", "Age of the oldest job waiting for a worker"
        )
        age.add_metric([], (timezone.now() - oldest).total_seconds() if oldest else 0.0)
        yield age
        workers = GaugeMetricFamily("omslag_workers_alive", "Workers with a recent heartbeat")
        workers.add_metric([], selectors.workers_alive().count())
        yield workers
