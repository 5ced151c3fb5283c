"""The task queue as an operator sees it: readiness fails while jobs wait and no worker is
alive, and the metrics give the queue's depth, the oldest waiting job's age and the workers
alive."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from omslag.jobs.models import Job, WorkerHeartbeat

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
TOKEN = "scrape-secret-0123456789"


def _waiting(minutes_ago: int) -> Job:
    return Job.objects.create(
        kind="test-count", created_at=timezone.now() - dt.timedelta(minutes=minutes_ago)
    )


def test_ready_fails_while_jobs_wait_for_a_worker_that_is_not_there(client, settings):
    settings.TASKS = DATABASE_QUEUE
    assert client.get("/health/ready").json()["checks"]["workers"]["ok"] is True  # none wait
    _waiting(3)
    answer = client.get("/health/ready")
    assert answer.status_code == 503
    assert "1 job(s) waiting" in answer.json()["checks"]["workers"]["detail"]
    WorkerHeartbeat.objects.create(worker_id="w-1", host="web-2", pid=42)
    answer = client.get("/health/ready")
    assert answer.status_code == 200
    assert answer.json()["checks"]["workers"]["detail"] == "1 worker(s) alive"
    stale = timezone.now() - dt.timedelta(seconds=settings.WORKER_STALE_SECONDS + 5)
    WorkerHeartbeat.objects.filter(worker_id="w-1").update(beat_at=stale)
    assert client.get("/health/ready").status_code == 503


def test_the_metrics_give_depth_age_and_workers(client, settings):
    settings.METRICS_TOKEN = TOKEN
    _waiting(10)
    _waiting(2)
    Job.objects.create(kind="test-count", status=Job.Status.RUNNING)
    Job.objects.create(kind="test-count", status=Job.Status.DONE)
    WorkerHeartbeat.objects.create(worker_id="w-1", host="web-2", pid=42)
    text = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).content.decode()
    assert re.search(r'^omslag_jobs\{status="queued"\} 2\.0$', text, re.M)
    assert re.search(r'^omslag_jobs\{status="running"\} 1\.0$', text, re.M)
    age = float(re.search(r"^omslag_jobs_oldest_queued_seconds (\S+)$", text, re.M).group(1))
    assert 600 <= age < 660  # the job queued ten minutes ago
    assert re.search(r"^omslag_workers_alive 1\.0$", text, re.M)
