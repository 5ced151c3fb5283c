"""A job's life in one process (the immediate backend runs it when it is queued): progress,
result, problems kept short, cancel with a rollback, failures with their reason, take-over
after a silent worker, and who may see a job."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from omslag.common.errors import ConflictError
from omslag.jobs import selectors, services
from omslag.jobs.kinds import JobKind, job_kind_register
from omslag.jobs.models import Job, WorkerHeartbeat
from omslag.organisations.models import Organisation
from tests.api.calls import call, ok, problem
from tests.factories import PersonFactory, member, organisation

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def count_to(job):
    total = job.params["n"]
    for done in range(1, total + 1):
        services.progress(job, done, total, message=f"{done} counted")
    return {"counted": total}


def create_then_cancel(job):
    """Saves organisations in one transaction; someone cancels half-way."""
    with transaction.atomic():
        for index in range(4):
            organisation(f"half-{index}")
            if index == 1:
                services.cancel(Job.objects.get(pk=job.pk))
            services.progress(job, index + 1, 4)
    return {}


def fail_with_problems(job):
    huge = "x" * (5 * 1024 * 1024)  # a 5 MB cell
    problems = [
        {"row": row, "column": "name", "value": huge, "reason": "too long"} for row in range(1500)
    ]
    raise services.JobFailed("1500 problems", problems, 1500)


def break_down(job):
    raise ValueError("y" * 1_000_000)


for key, run in [
    ("test-count", count_to),
    ("test-cancel", create_then_cancel),
    ("test-problems", fail_with_problems),
    ("test-break", break_down),
]:
    job_kind_register(JobKind(key=key, label=key, run=run))


@pytest.fixture
def no_throttle(monkeypatch):
    monkeypatch.setattr(services, "PROGRESS_SECONDS", 0)


def test_a_job_runs_reports_progress_and_keeps_its_result(db, no_throttle):
    person = PersonFactory()
    job = services.start("test-count", person=person, n=7)
    assert job.status == Job.Status.DONE
    assert (job.done, job.total, job.percent) == (7, 7, 100)
    assert job.result == {"counted": 7}
    assert job.message == "7 counted"
    assert job.attempts == 1 and job.started_at <= job.finished_at
    assert job.task_result_id


def test_an_unknown_kind_is_refused(db):
    from omslag.common.errors import RuleViolation

    with pytest.raises(RuleViolation):
        services.start("no-such-kind", person=None)
    assert not Job.objects.exists()


def test_cancel_rolls_back_what_the_job_saved(db, no_throttle):
    before = Organisation.objects.count()
    job = services.start("test-cancel", person=PersonFactory())
    assert job.status == Job.Status.CANCELLED
    assert "nothing was saved" in job.message
    assert Organisation.objects.count() == before
    assert not Organisation.objects.filter(slug__startswith="half-").exists()


@override_settings(TASKS=DATABASE_BACKEND)
def test_a_queued_job_is_cancelled_at_once_and_never_runs(db):
    job = services.start("test-count", person=PersonFactory(), n=3)
    assert job.status == Job.Status.QUEUED
    job = services.cancel(job)
    assert job.status == Job.Status.CANCELLED and job.finished_at
    assert services.job_run(job.pk, "w1") == "skipped"
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED and job.done == 0
    with pytest.raises(ConflictError):
        services.cancel(job)


def test_problems_are_kept_short_and_counted(db):
    job = services.start("test-problems", person=PersonFactory())
    assert job.status == Job.Status.FAILED
    assert job.problems_total == 1500
    assert len(job.problems) == services.JOB_PROBLEMS_KEPT == 1000
    value = job.problems[0]["value"]
    assert value.startswith("x" * 200) and len(value) < 260
    assert "5,242,880 characters" in value
    assert job.problems[0]["row"] == 0  # numbers stay numbers
    # The whole row in the database is far below one copy of the cell.
    stored = Job.objects.filter(pk=job.pk).values_list("problems", flat=True).get()
    assert len(str(stored)) < 400_000


def test_an_unexpected_error_fails_the_job_with_a_short_reason(db):
    job = services.start("test-break", person=PersonFactory())
    assert job.status == Job.Status.FAILED
    assert job.message.startswith("The job failed: ValueError: yyy")
    assert len(job.message) <= 500


def test_progress_inside_the_works_transaction_is_not_written_but_sees_a_cancel(db, no_throttle):
    with override_settings(TASKS=DATABASE_BACKEND):
        job = services.start("test-count", person=PersonFactory(), n=3)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    with transaction.atomic():
        services.progress(job, 1, 3)
        assert Job.objects.get(pk=job.pk).done == 0
        Job.objects.filter(pk=job.pk).update(cancel_requested_at=timezone.now())
        with pytest.raises(services.Cancelled):
            services.progress(job, 2, 3)
    Job.objects.filter(pk=job.pk).update(cancel_requested_at=None)
    services.progress(job, 3, 3)
    assert Job.objects.get(pk=job.pk).done == 3


@override_settings(TASKS=DATABASE_BACKEND, WORKER_STALE_SECONDS=30, JOB_MAX_ATTEMPTS=2)
def test_a_silent_workers_job_is_queued_again_then_failed_with_the_reason(db):
    job = services.start("test-count", person=PersonFactory(), n=3)
    long_ago = timezone.now() - timedelta(seconds=120)
    WorkerHeartbeat.objects.create(worker_id="dead-1", host="h", pid=1, beat_at=long_ago)
    WorkerHeartbeat.objects.create(worker_id="alive-1", host="h", pid=2)
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, worker_id="dead-1", started_at=long_ago, attempts=1
    )
    recovered = services.workers_recover()
    assert [j.pk for j in recovered] == [job.pk]
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and job.worker_id == ""
    assert "dead-1 stopped during attempt 1" in job.message
    assert list(selectors.workers_alive().values_list("worker_id", flat=True)) == ["alive-1"]
    # The second attempt dies too: no more attempts, the job fails with the reason.
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, worker_id="dead-2", started_at=long_ago, attempts=2
    )
    services.workers_recover()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "dead-2 stopped during attempt 2 of 2" in job.message
    # A job of a live worker is left alone.
    other = services.start("test-count", person=PersonFactory(), n=3)
    Job.objects.filter(pk=other.pk).update(
        status=Job.Status.RUNNING, worker_id="alive-1", started_at=long_ago, attempts=1
    )
    assert services.workers_recover() == []


@pytest.fixture
def jobs_of_three(db, tree):
    ministry, agency, municipality = tree
    starter = member("editor", ministry)
    job = services.start("test-count", person=starter, organisation=ministry, n=2)
    return job, starter, ministry, municipality


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("starter", 200),
        ("admin", 200),
        ("superuser", 200),
        ("other-editor", 404),
        ("foreign-admin", 404),
    ],
)
def test_who_may_see_a_job(jobs_of_three, who, status):
    job, starter, ministry, municipality = jobs_of_three
    person = {
        "starter": lambda: starter,
        "admin": lambda: member("admin", ministry),
        "superuser": lambda: PersonFactory(is_superuser=True),
        "other-editor": lambda: member("editor", ministry),
        "foreign-admin": lambda: member("admin", municipality),
    }[who]()
    client = Client()
    client.force_login(person)
    assert client.get(f"/jobs/{job.pk}").status_code == status
    assert client.get(f"/jobs/{job.pk}/status").status_code == status


def test_job_page_shows_progress_and_result_and_the_list_shows_the_job(jobs_of_three):
    job, starter, *_ = jobs_of_three
    client = Client()
    client.force_login(starter)
    page = client.get(f"/jobs/{job.pk}").content.decode()
    assert "<progress" in page and 'value="2"' in page
    assert 'http-equiv="refresh"' not in page  # finished: no more refreshing
    listing = client.get("/jobs").content.decode()
    assert f'href="/jobs/{job.pk}"' in listing
    status = client.get(f"/jobs/{job.pk}/status").json()
    assert status["status"] == "done" and status["done"] == 2


@override_settings(TASKS=DATABASE_BACKEND)
def test_a_running_job_page_refreshes_without_javascript_and_can_be_cancelled(tree):
    ministry, *_ = tree
    starter = member("editor", ministry)
    job = services.start("test-count", person=starter, organisation=ministry, n=10)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, done=4, total=10)
    client = Client()
    client.force_login(starter)
    page = client.get(f"/jobs/{job.pk}").content.decode()
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert 'value="4"' in page and 'max="10"' in page
    assert 'href="?refresh=off"' in page
    off = client.get(f"/jobs/{job.pk}?refresh=off").content.decode()
    assert 'http-equiv="refresh"' not in off
    assert f'action="/jobs/{job.pk}/cancel"' in page
    assert "40% " in page  # its progress in per cent (4 of 10), whatever the job counts
    assert client.post(f"/jobs/{job.pk}/cancel").status_code == 302
    job.refresh_from_db()
    assert job.cancel_requested_at is not None and job.status == Job.Status.RUNNING
    # While it stops, the page says so and offers no second cancel.
    stopping = client.get(f"/jobs/{job.pk}").content.decode()
    assert f'action="/jobs/{job.pk}/cancel"' not in stopping
    # Someone who may not see the job cannot cancel it either.
    stranger = Client()
    stranger.force_login(member("editor", ministry))
    assert stranger.post(f"/jobs/{job.pk}/cancel").status_code == 404


@override_settings(TASKS=DATABASE_BACKEND)
def test_api_reads_and_cancels_a_job(tree, api_for):
    ministry, _agency, municipality = tree
    starter = member("editor", ministry)
    job = services.start("test-count", person=starter, organisation=ministry, n=3)
    body = ok(call(api_for(starter), "get", "/jobs/{id}", id=job.pk))
    assert body["status"] == "queued" and body["problemsTotal"] == 0
    body = ok(call(api_for(starter), "post", "/jobs/{id}/cancel", id=job.pk))
    assert body["status"] == "cancelled"
    problem(call(api_for(starter), "post", "/jobs/{id}/cancel", id=job.pk), 409)
    problem(call(api_for(member("admin", municipality)), "get", "/jobs/{id}", id=job.pk), 404)


def say_finished(job):
    from django.utils.translation import gettext

    services.progress(job, 1, 1, message=gettext("This job has already finished."))
    return {}


job_kind_register(JobKind(key="test-language", label="test-language", run=say_finished))


@override_settings(TASKS=DATABASE_BACKEND)
def test_a_job_speaks_the_language_of_whoever_started_it_not_the_workers(db):
    """A worker under systemd has no locale (English); a Dutch page's job still reports in
    Dutch, and a job started in English stays English on a worker in any language."""
    from django.utils import translation

    with translation.override("nl"):
        dutch = services.start("test-language", person=PersonFactory())
    with translation.override("en"):
        english = services.start("test-language", person=PersonFactory())
    assert (dutch.params["language"], english.params["language"]) == ("nl", "en")
    with translation.override("en"):  # the worker's own language
        services.job_run(dutch.pk, "w1")
    with translation.override("nl"):
        services.job_run(english.pk, "w1")
    dutch.refresh_from_db()
    english.refresh_from_db()
    assert dutch.status == english.status == Job.Status.DONE
    assert dutch.message == "Deze taak is al klaar."
    assert english.message == "This job has already finished."


def cancelled_too_late(job):
    """Someone cancels after the work's last progress step: the work finishes anyway."""
    services.cancel(Job.objects.get(pk=job.pk))
    return {"saved": 3}


job_kind_register(JobKind(key="test-too-late", label="test-too-late", run=cancelled_too_late))


def test_a_cancel_that_came_too_late_is_named_on_the_finished_job(db):
    from django.utils import translation

    with translation.override("nl"):
        job = services.start("test-too-late", person=PersonFactory())
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.result == {"saved": 3}
    assert job.cancel_requested_at is not None
    assert job.message == (
        "Het afbreken kwam te laat om dit werk te stoppen: het was klaar en is opgeslagen."
    )
