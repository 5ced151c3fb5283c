"""The board report from the web is a job: the dashboard's buttons queue it, a worker computes
the dashboard tile by tile (the job's progress names each section) and writes the file; the
job's page offers the file to the person who asked and the organisation's administrators; a
cancel leaves no file; the command line can queue it too."""

import datetime as dt
import io
import json

from django.core.management import call_command
from django.test import Client, override_settings

from omslag.jobs import services as jobs
from omslag.jobs.models import Job
from omslag.leadership.report_job import JOB_BOARD_REPORT
from omslag.leadership.selectors import dashboard_for
from omslag.leadership.tiles import tiles_registered
from omslag.organisations.models import Role
from tests.factories import member

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
REPORT = "/organisations/ministerie/dashboard/report"


def client_for(person, language="en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(person)
    return client


def content(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_page_offers_the_report_as_buttons_of_a_form(world):
    page = client_for(world["board"]).get("/organisations/ministerie/dashboard?below=1")
    html = page.content.decode()
    assert '<form method="post" class="actions board-report">' in html
    for fmt in ("pdf", "xlsx", "ods", "json"):
        assert f'formaction="{REPORT}.{fmt}"' in html
    # An old link (a GET) goes back to the dashboard with its selection and queues nothing.
    response = client_for(world["board"]).get(f"{REPORT}.pdf?below=1")
    assert response.status_code == 302
    assert response["Location"] == "/organisations/ministerie/dashboard?below=1"
    assert not Job.objects.exists()


@override_settings(TASKS=DATABASE_BACKEND)
def test_the_report_is_queued_and_its_progress_follows_the_sections(world, monkeypatch):
    board = world["board"]
    client = client_for(board)
    response = client.post(f"{REPORT}.json", {"below": "1", "as_of": "2026-06-01"})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}"
    assert job.kind == JOB_BOARD_REPORT and job.status == Job.Status.QUEUED
    assert job.params["with_children"] is True and job.params["as_of"] == "2026-06-01"
    page = client.get(f"/jobs/{job.pk}").content.decode()
    assert "<progress" in page and '<noscript><meta http-equiv="refresh"' in page
    # Every progress step the worker writes: one per tile (named after it), then the file.
    steps = []
    monkeypatch.setattr(jobs, "PROGRESS_SECONDS", 0)
    real_progress = jobs.progress

    def recording(work, done, total=None, *, message=None):
        steps.append((done, total, message))
        return real_progress(work, done, total, message=message)

    monkeypatch.setattr(jobs, "progress", recording)
    assert jobs.job_run(job.pk, "worker-1") == "done"
    titles = [str(tile.title()) for tile in tiles_registered()]
    tiles = len(titles)
    assert steps[:tiles] == [(i, tiles + 1, title) for i, title in enumerate(titles)]
    assert steps[tiles] == (tiles, tiles + 1, "Writing the JSON")
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.done == job.total == tiles + 1
    page = client.get(f"/jobs/{job.pk}").content.decode()
    assert f'href="/jobs/{job.pk}/download"' in page
    assert 'href="/organisations/ministerie/dashboard?below=1"' in page  # back to the page
    document = json.loads(content(client.get(f"/jobs/{job.pk}/download")))
    expected = dashboard_for(
        person=board,
        organisation=world["ministry"],
        with_children=True,
        as_of=dt.date(2026, 6, 1),
    )
    assert document["asOf"] == "2026-06-01" and document["withChildren"] is True
    assert document["organisations"] == len(expected.organisation_ids) == 3
    assert document["projects"]["count"] == expected.tile("projects").data.figures["count"]
    assert len(document["decisionsWaiting"]) == len(expected.decisions)


def test_the_file_is_for_the_person_who_asked_and_the_administrators(world):
    board = world["board"]
    client_for(board).post(f"{REPORT}.xlsx", {"below": "0"})
    job = Job.objects.get()
    assert job.status == Job.Status.DONE
    address = f"/jobs/{job.pk}/download"
    response = client_for(board).get(address)
    assert response.status_code == 200 and content(response)[:2] == b"PK"
    admin = member(Role.ADMIN, world["ministry"])
    assert client_for(admin).get(address).status_code == 200
    other_board_member = member(Role.BOARD, world["ministry"])
    assert client_for(other_board_member).get(address).status_code == 404
    assert client_for(world["outsider"]).get(address).status_code == 404
    assert client_for(world["auditor"]).get(address).status_code == 404


def test_a_date_in_the_future_is_said_on_the_page_and_queues_nothing(world):
    client = client_for(world["board"])
    response = client.post(f"{REPORT}.pdf", {"below": "0", "as_of": "2027-01-01"}, follow=True)
    assert "lies in the future" in response.content.decode()
    assert not Job.objects.exists()


def test_a_cancelled_report_leaves_no_file(world, monkeypatch, settings):
    monkeypatch.setattr(jobs, "PROGRESS_SECONDS", 0)
    real_progress = jobs.progress

    def cancel_at_the_third_section(work, done, total=None, **kwargs):
        if done == 2:
            jobs.cancel(Job.objects.get(pk=work.pk))
        return real_progress(work, done, total, **kwargs)

    monkeypatch.setattr(jobs, "progress", cancel_at_the_third_section)
    client_for(world["board"]).post(f"{REPORT}.ods", {"below": "1"})
    job = Job.objects.get()
    assert job.status == Job.Status.CANCELLED and not job.file
    assert [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()] == []
    assert client_for(world["board"]).get(f"/jobs/{job.pk}/download").status_code == 404


def test_the_report_is_written_in_the_language_of_the_request(world):
    from openpyxl import load_workbook

    client_for(world["board"], language="nl").post(f"{REPORT}.xlsx", {"below": "0"})
    job = Job.objects.get()
    response = client_for(world["board"]).get(f"/jobs/{job.pk}/download")
    workbook = load_workbook(io.BytesIO(content(response)))
    assert workbook.sheetnames[0] == "Cijfers"  # "Figures", in the Dutch of the request


def test_the_command_line_queues_the_report(world, capsys):
    with override_settings(TASKS=DATABASE_BACKEND):
        call_command("report", "board", "--org", "ministerie", "--format", "pdf", "--queue")
    job = Job.objects.get()
    assert f"Queued as job {job.pk}" in capsys.readouterr().out
    assert job.person is None and job.params["operator"] is True
    assert jobs.job_run(job.pk, "worker-1") == "done"
    job.refresh_from_db()
    assert job.file and job.result["filename"] == "board-report-ministerie-2026-06-15.pdf"
