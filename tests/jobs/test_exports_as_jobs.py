"""Exports of large registers as jobs: above OMSLAG_EXPORT_INLINE_ROWS the export page, the
API and the command line queue the export; a worker writes the file; the job page offers it
for download to the person who asked and the organisation's administrators only; a cancel
leaves no file; old files are purged; the export is audited as an immediate one is."""

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.files import File
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from omslag.accounts.services import api_token_issue
from omslag.audit.models import AuditEntry
from omslag.exchange import exports
from omslag.exchange import services as exchange
from omslag.jobs import services as jobs
from omslag.jobs.models import Job
from tests.api.calls import call, ok
from tests.factories import member

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
ROWS = 25
INLINE = 10


def amount(i: int) -> Decimal:
    return Decimal(1000 + 7 * i)


@pytest.fixture
def register(tree, settings):
    """A ministry with ROWS spend lines (imported through the service), an export threshold
    below that, and people: the owner of the export (a viewer), an administrator of the
    ministry, and an administrator of an unrelated municipality."""
    settings.EXPORT_INLINE_ROWS = INLINE
    ministry, _agency, municipality = tree
    lines = ["year,amount,kind,category,description"]
    lines += [f"2024,{amount(i)},actual,run,regel {i}" for i in range(ROWS)]
    report = exchange.import_file(
        actor=None,
        organisation=ministry,
        kind="spend",
        stream=io.BytesIO(("\n".join(lines) + "\n").encode()),
        filename="spend.csv",
    )
    assert report.ok and report.created == ROWS
    owner = member("viewer", ministry)
    admin = member("admin", ministry)
    stranger = member("admin", municipality)
    return ministry, owner, admin, stranger


def client_of(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def csv_rows(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def downloaded(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_a_small_export_is_downloaded_at_once(register, settings):
    ministry, owner, _admin, _stranger = register
    settings.EXPORT_INLINE_ROWS = ROWS  # exactly at the threshold: still at once
    response = client_of(owner).post(
        f"/organisations/{ministry.slug}/export", {"kind": "spend", "format": "csv"}
    )
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert response.streaming  # sent as it is written
    assert len(csv_rows(b"".join(response.streaming_content))) == ROWS
    assert not Job.objects.exists()


@override_settings(TASKS=DATABASE_BACKEND)
def test_a_large_export_from_the_page_is_a_job_with_a_download(register):
    ministry, owner, _admin, _stranger = register
    client = client_of(owner)
    response = client.post(
        f"/organisations/{ministry.slug}/export", {"kind": "spend", "format": "csv"}
    )
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}"
    assert job.status == Job.Status.QUEUED and job.kind == exports.JOB_EXPORT
    assert job.person == owner and job.organisation == ministry
    page = client.get(response["Location"]).content.decode()
    # Without JavaScript: a progress bar and a page that refreshes itself, no download yet.
    assert "<progress" in page and '<noscript><meta http-equiv="refresh"' in page
    assert f"/jobs/{job.pk}/download" not in page
    assert client.get(f"/jobs/{job.pk}/download").status_code == 404
    assert jobs.job_run(job.pk, "worker-1") == "done"
    job.refresh_from_db()
    assert job.done == job.total == ROWS and job.result["rows"] == ROWS
    page = client.get(f"/jobs/{job.pk}").content.decode()
    assert f'href="/jobs/{job.pk}/download"' in page and 'http-equiv="refresh"' not in page
    response = client.get(f"/jobs/{job.pk}/download")
    assert response.status_code == 200
    assert f'filename="spend-{ministry.slug}-' in response["Content-Disposition"]
    rows = csv_rows(downloaded(response))
    assert len(rows) == ROWS
    assert sum(Decimal(row["amount"]) for row in rows) == sum(amount(i) for i in range(ROWS))
    # Audited like an immediate export, by the person who asked.
    entry = AuditEntry.objects.get(event="register_exported")
    assert entry.person == owner and entry.organisation == ministry
    assert entry.detail["rows"] == str(ROWS) and entry.detail["kind"] == "spend"


def test_a_get_of_a_large_export_queues_nothing_and_offers_the_button(register):
    ministry, owner, _admin, _stranger = register
    response = client_of(owner).get(
        f"/organisations/{ministry.slug}/export", {"kind": "spend", "format": "csv"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'method="post"' in page and "Bestand klaarzetten" in page
    assert not Job.objects.exists()


def test_the_download_is_for_the_owner_and_the_administrators_only(register, make_member):
    ministry, owner, admin, stranger = register
    client_of(owner).post(
        f"/organisations/{ministry.slug}/export", {"kind": "spend", "format": "csv"}
    )
    job = Job.objects.get()
    assert job.status == Job.Status.DONE  # the immediate backend ran it
    address = f"/jobs/{job.pk}/download"
    assert client_of(owner).get(address).status_code == 200
    assert client_of(admin).get(address).status_code == 200
    assert client_of(stranger).get(address).status_code == 404
    other_viewer = make_member("viewer", ministry)
    assert client_of(other_viewer).get(address).status_code == 404
    assert Client().get(address).status_code == 302  # to the sign-in


def test_a_cancelled_export_leaves_no_file(register, monkeypatch, settings):
    ministry, owner, _admin, _stranger = register
    monkeypatch.setattr(jobs, "PROGRESS_SECONDS", 0)
    real_progress = jobs.progress

    def cancel_half_way(job, done, total=None, **kwargs):
        if total and done > total // 2:
            jobs.cancel(Job.objects.get(pk=job.pk))
        return real_progress(job, done, total, **kwargs)

    monkeypatch.setattr(jobs, "progress", cancel_half_way)
    client_of(owner).post(
        f"/organisations/{ministry.slug}/export", {"kind": "spend", "format": "xlsx"}
    )
    job = Job.objects.get()
    assert job.status == Job.Status.CANCELLED and not job.file
    assert list((settings.MEDIA_ROOT).rglob("*.xlsx")) == []
    assert client_of(owner).get(f"/jobs/{job.pk}/download").status_code == 404


def test_a_file_written_before_a_late_cancel_is_removed(register, monkeypatch, settings):
    """The cancel is looked at once more when the file is kept: a cancel that came while the
    file was written still wins, and the written file goes."""
    ministry, owner, _admin, _stranger = register
    real_save = jobs.job_file_save

    def save_then_cancel(job, filename, content):
        jobs.cancel(Job.objects.get(pk=job.pk))
        job.file.save(filename, File(content), save=False)
        content.seek(0)  # the export's file, written on disk: read once more below
        Job.objects.filter(pk=job.pk).update(file=job.file.name)
        return real_save(job, filename, content)

    monkeypatch.setattr(jobs, "job_file_save", save_then_cancel)
    client_of(owner).post(
        f"/organisations/{ministry.slug}/export", {"kind": "spend", "format": "csv"}
    )
    job = Job.objects.get()
    assert job.status == Job.Status.CANCELLED and not job.file
    assert [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()] == []


def test_the_api_answers_202_with_the_job_and_its_file(register, api_for, settings):
    ministry, owner, _admin, stranger = register
    api = api_for(owner)
    # Small, but asked to respond asynchronously.
    settings.EXPORT_INLINE_ROWS = 1000
    preferring = APIClient()
    _token, secret = api_token_issue(person=owner, name="async")
    preferring.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_PREFER="respond-async")
    with override_settings(TASKS=DATABASE_BACKEND):
        response = call(
            preferring,
            "get",
            "/exports/{kind}",
            kind="spend",
            query={"organisation": ministry.slug, "format": "csv"},
        )
    body = ok(response, 202)
    job = Job.objects.get()
    assert response["Location"] == f"/api/v1/jobs/{job.pk}"
    assert body["id"] == job.pk and body["status"] == "queued" and body["fileUrl"] is None
    jobs.job_run(job.pk, "worker-1")
    body = ok(call(api, "get", "/jobs/{id}", id=job.pk))
    assert body["status"] == "done" and body["fileUrl"] == f"/api/v1/jobs/{job.pk}/file"
    assert body["result"]["rows"] == ROWS
    file = call(api, "get", "/jobs/{id}/file", id=job.pk)
    assert file.status_code == 200 and len(csv_rows(downloaded(file))) == ROWS
    assert call(api_for(stranger), "get", "/jobs/{id}/file", id=job.pk).status_code == 404
    # Above the threshold a plain GET is queued too; POST always queues.
    settings.EXPORT_INLINE_ROWS = INLINE
    query = {"organisation": ministry.slug, "format": "json"}
    response = call(api, "get", "/exports/{kind}", kind="spend", query=query)
    assert response.status_code == 202 and Job.objects.count() == 2
    settings.EXPORT_INLINE_ROWS = 1000
    response = call(api, "post", "/exports/{kind}", kind="spend", query=query)
    assert response.status_code == 202 and Job.objects.count() == 3
    # Small and without the preference: the file itself.
    response = call(api, "get", "/exports/{kind}", kind="spend", query=query)
    assert response.status_code == 200
    assert len(json.loads(b"".join(response.streaming_content))) == ROWS


def test_the_command_line_queues_or_waits(register, tmp_path, capsys):
    ministry, *_ = register
    with override_settings(TASKS=DATABASE_BACKEND):
        call_command("export", "spend", "--org", ministry.slug, "--queue")
    job = Job.objects.get()
    assert f"Queued as job {job.pk}" in capsys.readouterr().out
    assert job.status == Job.Status.QUEUED and job.params["operator"] is True
    assert jobs.job_run(job.pk, "worker-1") == "done"
    # --wait: the immediate backend has done it before the command looks; the file is written.
    output = tmp_path / "spend.csv"
    call_command("export", "spend", "--org", ministry.slug, "--wait", "-o", str(output))
    assert len(csv_rows(output.read_bytes())) == ROWS
    assert f"Wrote {ROWS} row(s)" in capsys.readouterr().err


def test_old_files_are_purged_after_the_retention_period(register, settings, capsys):
    ministry, owner, _admin, _stranger = register
    settings.JOB_FILE_RETENTION_DAYS = 7
    client = client_of(owner)
    for _ in range(2):
        client.post(f"/organisations/{ministry.slug}/export", {"kind": "spend", "format": "csv"})
    old, recent = Job.objects.order_by("pk")
    Job.objects.filter(pk=old.pk).update(finished_at=timezone.now() - dt.timedelta(days=8))
    old_path = settings.MEDIA_ROOT / old.file.name
    assert old_path.exists()
    call_command("jobs", "purge")
    assert "Removed the files of 1 finished job(s)." in capsys.readouterr().out
    old.refresh_from_db()
    recent.refresh_from_db()
    assert not old.file and not old_path.exists()
    assert recent.file and (settings.MEDIA_ROOT / recent.file.name).exists()
    assert client.get(f"/jobs/{old.pk}/download").status_code == 404
    assert client.get(f"/jobs/{recent.pk}/download").status_code == 200
