"""Large imports through the API run as jobs: 202 Accepted with the job as Location, the
import's report once a worker has done it; small files are still answered in the request."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from omslag.exchange.models import ImportJob
from omslag.jobs import services as jobs
from omslag.jobs.models import Job
from omslag.portfolio.models import SpendLine
from tests.api.calls import call, ok, problem
from tests.factories import member

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def spend_csv(rows: int, bad_row: int | None = None) -> bytes:
    lines = ["year,amount,kind,category,description"]
    for i in range(rows):
        category = "spaceship" if i == bad_row else "run"
        lines.append(f"{2020 + i % 5},{10 + i}.25,actual,{category},regel {i}")
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def admin(tree, api_for):
    ministry, *_ = tree
    return api_for(member("admin", ministry)), ministry


def post(client, organisation, content: bytes, **fields):
    body = {
        "organisation": organisation.slug,
        "kind": "spend",
        "file": SimpleUploadedFile("spend.csv", content, content_type="text/csv"),
        **fields,
    }
    return call(client, "post", "/imports", body, multipart=True)


@override_settings(TASKS=DATABASE_BACKEND, IMPORT_API_SYNC_MAX_BYTES=1000)
def test_a_file_above_the_limit_is_queued_and_followed_as_a_job(admin):
    client, ministry = admin
    content = spend_csv(100)
    assert len(content) > 1000
    response = post(client, ministry, content)
    body = ok(response, 202)
    work = Job.objects.get()
    assert response["Location"] == f"/api/v1/jobs/{work.pk}"
    assert body["job"] == work.pk and body["status"] == ImportJob.Status.IMPORTING
    assert SpendLine.objects.count() == 0  # nothing before a worker did it
    assert ok(call(client, "get", "/jobs/{id}", id=work.pk))["status"] == "queued"
    assert jobs.job_run(work.pk, "worker-1") == "done"
    job = ok(call(client, "get", "/jobs/{id}", id=work.pk))
    assert job["status"] == "done" and job["result"]["created"] == 100
    report = ok(call(client, "get", "/imports/{id}", id=body["id"]))
    assert report["status"] == "imported" and report["report"]["created"] == 100
    # The amounts of the file, summed here: 100 × 10.25 plus 0 + 1 + … + 99.
    total = sum(line.amount for line in SpendLine.objects.filter(organisation=ministry))
    assert str(total) == f"{100 * 10.25 + sum(range(100)):.2f}"


@override_settings(TASKS=DATABASE_BACKEND, IMPORT_API_SYNC_MAX_BYTES=1000)
def test_a_queued_file_with_a_bad_row_fails_with_the_problem_and_saves_nothing(admin):
    client, ministry = admin
    body = ok(post(client, ministry, spend_csv(100, bad_row=99)), 202)
    assert jobs.job_run(body["job"], "worker-1") == "failed"
    job = ok(call(client, "get", "/jobs/{id}", id=body["job"]))
    assert job["status"] == "failed" and job["problemsTotal"] == 1
    assert (job["problems"][0]["row"], job["problems"][0]["column"]) == (101, "category")
    assert SpendLine.objects.count() == 0


@override_settings(TASKS=DATABASE_BACKEND, IMPORT_API_SYNC_MAX_BYTES=1000)
def test_a_dry_run_is_checked_by_a_job_and_its_confirmation_queues_the_import(admin):
    client, ministry = admin
    body = ok(post(client, ministry, spend_csv(80), dryRun="true"), 202)
    assert jobs.job_run(body["job"], "worker-1") == "done"
    checked = ok(call(client, "get", "/imports/{id}", id=body["id"]))
    assert checked["status"] == "checked" and checked["report"]["created"] == 80
    assert SpendLine.objects.count() == 0
    response = call(client, "post", "/imports/{id}/confirm", id=body["id"])
    confirmed = ok(response, 202)
    assert confirmed["job"] != body["job"]
    assert response["Location"] == f"/api/v1/jobs/{confirmed['job']}"
    assert jobs.job_run(confirmed["job"], "worker-1") == "done"
    assert SpendLine.objects.filter(organisation=ministry).count() == 80


def test_a_small_file_is_answered_in_the_request_unless_a_job_is_asked_for(admin):
    client, ministry = admin
    body = ok(post(client, ministry, spend_csv(5)), 201)
    assert body["status"] == "imported" and body["job"] is None
    assert SpendLine.objects.count() == 5
    with override_settings(TASKS=DATABASE_BACKEND):
        queued = ok(post(client, ministry, spend_csv(3), background="true"), 202)
    assert Job.objects.get(pk=queued["job"]).status == Job.Status.QUEUED
    problem(post(client, ministry, spend_csv(3, bad_row=1)), 422)


@override_settings(TASKS=DATABASE_BACKEND, IMPORT_API_SYNC_MAX_BYTES=1000)
def test_the_import_marks_its_job_done_in_the_transaction_of_its_rows(admin):
    """A worker that dies just after the import's commit, before job_run ends the job, must not
    leave it running (another worker would mark it failed, "nothing saved", next to the rows):
    the import's work itself commits the job as done together with the rows."""
    from omslag.exchange import services as exchange

    client, ministry = admin
    body = ok(post(client, ministry, spend_csv(50)), 202)
    # Claimed by a worker as job_run does, then only the work runs: job_run never finishes it.
    Job.objects.filter(pk=body["job"]).update(
        status=Job.Status.RUNNING, worker_id="worker-1", attempts=1, started_at=timezone.now()
    )
    exchange.import_run_job(Job.objects.get(pk=body["job"]))
    work = Job.objects.get(pk=body["job"])
    assert (work.status, work.result["created"]) == (Job.Status.DONE, 50)
    assert SpendLine.objects.filter(organisation=ministry).count() == 50
    # A heartbeat finding the worker silent changes nothing: the job is finished.
    with override_settings(WORKER_STALE_SECONDS=0):
        assert jobs.workers_recover() == []
    assert Job.objects.get(pk=body["job"]).status == Job.Status.DONE


@override_settings(TASKS=DATABASE_BACKEND, IMPORT_API_SYNC_MAX_BYTES=1000)
def test_an_import_with_a_bad_row_leaves_its_job_running_for_job_run_to_fail(admin):
    from omslag.exchange import services as exchange

    client, ministry = admin
    body = ok(post(client, ministry, spend_csv(50, bad_row=49)), 202)
    Job.objects.filter(pk=body["job"]).update(
        status=Job.Status.RUNNING, worker_id="worker-1", attempts=1
    )
    with pytest.raises(jobs.JobFailed):
        exchange.import_run_job(Job.objects.get(pk=body["job"]))
    assert Job.objects.get(pk=body["job"]).status == Job.Status.RUNNING
    assert SpendLine.objects.count() == 0
