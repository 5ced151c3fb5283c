"""Web imports as jobs: the upload returns at once with the work queued, the import page
follows the job, the check's problems are kept short on the job, a cancelled check or import
saves nothing, and the command line can queue or wait."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client, override_settings

from omslag.exchange import services as exchange
from omslag.exchange.models import ImportJob
from omslag.jobs import services as jobs
from omslag.jobs.models import Job
from omslag.portfolio.models import SpendLine
from tests.api.calls import call, ok
from tests.factories import member

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def spend_csv(rows: int) -> bytes:
    lines = ["year,amount,kind,category,description"]
    lines += [f"2024,{100 + i},actual,run,regel {i}" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def admin_client(tree):
    ministry, *_ = tree
    admin = member("admin", ministry)
    client = Client()
    client.force_login(admin)
    return client, ministry, admin


def upload(client, organisation, name, content, kind="spend"):
    return client.post(
        f"/organisations/{organisation.slug}/import",
        {"kind": kind, "file": SimpleUploadedFile(name, content), "mapping": ""},
    )


@override_settings(TASKS=DATABASE_BACKEND)
def test_upload_returns_at_once_and_the_page_follows_the_check_then_the_import(admin_client):
    client, ministry, _admin = admin_client
    response = upload(client, ministry, "spend.csv", spend_csv(30))
    assert response.status_code == 302
    import_job = ImportJob.objects.get()
    assert import_job.status == ImportJob.Status.CHECKING and import_job.report == {}
    work = import_job.job
    assert work.status == Job.Status.QUEUED and work.kind == exchange.JOB_IMPORT_CHECK
    page = client.get(response["Location"]).content.decode()
    assert "<progress" in page and f'href="/jobs/{work.pk}"' in page
    assert '<noscript><meta http-equiv="refresh"' in page
    assert jobs.job_run(work.pk, "worker-1") == "done"
    import_job.refresh_from_db()
    assert import_job.status == ImportJob.Status.CHECKED
    page = client.get(response["Location"]).content.decode()
    assert "Nu importeren" in page and 'http-equiv="refresh"' not in page
    # Confirming queues the import; the rows arrive when a worker has done it.
    assert client.post(f"/imports/{import_job.pk}/confirm").status_code == 302
    import_job.refresh_from_db()
    assert import_job.status == ImportJob.Status.IMPORTING
    assert SpendLine.objects.count() == 0
    # A second confirmation while it runs queues nothing more.
    client.post(f"/imports/{import_job.pk}/confirm")
    assert Job.objects.filter(kind=exchange.JOB_IMPORT).count() == 1
    assert jobs.job_run(import_job.job_id, "worker-1") == "done"
    import_job.refresh_from_db()
    assert import_job.status == ImportJob.Status.IMPORTED
    assert SpendLine.objects.filter(organisation=ministry).count() == 30
    assert import_job.job.result["created"] == 30


def test_a_file_with_a_multi_megabyte_cell_is_reported_in_short(admin_client, api_for):
    client, ministry, admin = admin_client
    cell = "z" * (4 * 1024 * 1024)  # a 4 MB value
    records = [{"year": 2024, "amount": 1, "kind": "actual", "category": cell}]
    records += [
        {"year": 2024, "amount": 1, "kind": "actual", "category": "spaceship"} for _ in range(1499)
    ]
    response = upload(client, ministry, "spend.json", json.dumps(records).encode())
    assert response.status_code == 302
    work = ImportJob.objects.get().job
    assert work.status == Job.Status.FAILED
    assert work.problems_total == 1500 and len(work.problems) == 1000
    first = work.problems[0]
    assert first["row"] == 1 and first["column"] == "category"
    assert first["value"].startswith("z" * 100) and len(first["value"]) < 250
    assert "4,194,304 characters" in first["value"]
    # Neither the job page nor the API repeats the cell: both stay small.
    page = client.get(f"/jobs/{work.pk}")
    assert page.status_code == 200 and len(page.content) < 200_000
    assert "Pagina 1 van 10" in page.content.decode()
    answer = call(api_for(admin), "get", "/jobs/{id}", id=work.pk)
    assert len(answer.content) < 400_000
    assert ok(answer)["problemsTotal"] == 1500
    assert SpendLine.objects.count() == 0


def test_a_cancelled_check_saves_nothing_and_says_so(admin_client, monkeypatch):
    client, ministry, admin = admin_client
    monkeypatch.setattr(jobs, "PROGRESS_SECONDS", 0)
    real_progress = jobs.progress

    def cancel_half_way(job, done, total=None, **kwargs):
        if done and total and done > total // 2:
            jobs.cancel(Job.objects.get(pk=job.pk))
        return real_progress(job, done, total, **kwargs)

    monkeypatch.setattr(jobs, "progress", cancel_half_way)
    upload(client, ministry, "spend.csv", spend_csv(3000))
    import_job = ImportJob.objects.get()
    assert import_job.job.status == Job.Status.CANCELLED
    assert import_job.status == ImportJob.Status.PROBLEMS
    # Said in the language of the request that ran it (Dutch here).
    assert import_job.report["file_problem"] in (
        "The check was cancelled; upload the file again.",
        "De controle is afgebroken; upload het bestand opnieuw.",
    )
    assert SpendLine.objects.count() == 0


def test_a_cancel_that_comes_while_the_rows_are_saved_rolls_them_back(admin_client, monkeypatch):
    """The import's last progress step is inside its transaction, after every row is saved:
    a cancel seen there takes every row back, and the file may be imported again."""
    client, ministry, admin = admin_client
    monkeypatch.setattr(jobs, "PROGRESS_SECONDS", 0)
    real_progress = jobs.progress

    def cancel_when_saved(job, done, total=None, **kwargs):
        if SpendLine.objects.filter(organisation=ministry).exists():
            jobs.cancel(Job.objects.get(pk=job.pk))
        return real_progress(job, done, total, **kwargs)

    upload(client, ministry, "spend.csv", spend_csv(50))
    import_job = ImportJob.objects.get()
    assert import_job.status == ImportJob.Status.CHECKED
    monkeypatch.setattr(jobs, "progress", cancel_when_saved)
    client.post(f"/imports/{import_job.pk}/confirm")
    import_job.refresh_from_db()
    assert import_job.job.status == Job.Status.CANCELLED
    assert SpendLine.objects.count() == 0
    assert import_job.status == ImportJob.Status.CHECKED  # may be imported again


def test_command_line_queue_prints_the_job_and_wait_follows_it(tree, tmp_path, capsys):
    ministry, *_ = tree
    path = tmp_path / "spend.csv"
    path.write_bytes(spend_csv(12))
    with override_settings(TASKS=DATABASE_BACKEND):
        call_command("import", "spend", str(path), "--org", ministry.slug, "--queue")
    work = Job.objects.get()
    assert f"Queued as job {work.pk}" in capsys.readouterr().out
    assert work.status == Job.Status.QUEUED and SpendLine.objects.count() == 0
    # --wait: here the immediate backend has done the job before the command looks.
    path.write_bytes(spend_csv(12).replace(b"regel", b"lijn"))
    call_command("import", "spend", str(path), "--org", ministry.slug, "--wait")
    out = capsys.readouterr().out
    assert "Imported 12 row(s): 12 created" in out
    assert SpendLine.objects.count() == 12


def test_command_line_wait_reports_the_problems_and_fails(tree, tmp_path, capsys):
    from django.core.management.base import CommandError

    ministry, *_ = tree
    path = tmp_path / "spend.csv"
    path.write_bytes(b"year,amount,kind,category\n2024,1,actual,spaceship\n")
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import", "spend", str(path), "--org", ministry.slug, "--wait")
    assert "row 2, column category" in capsys.readouterr().err


def test_the_streamed_upload_keeps_its_csrf_protection(tree):
    """The import page sets its upload handler before the CSRF check reads the form (so it is
    exempt from the middleware), and checks the token itself."""
    ministry, *_ = tree
    client = Client(enforce_csrf_checks=True)
    client.force_login(member("admin", ministry))
    response = upload(client, ministry, "spend.csv", spend_csv(3))
    assert response.status_code == 403
    assert not ImportJob.objects.exists()
    token = client.get(f"/organisations/{ministry.slug}/import").cookies["csrftoken"].value
    response = client.post(
        f"/organisations/{ministry.slug}/import",
        {
            "kind": "spend",
            "file": SimpleUploadedFile("spend.csv", spend_csv(3)),
            "mapping": "",
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 302 and ImportJob.objects.count() == 1


def test_the_upload_is_written_to_a_temporary_file_whatever_its_size(admin_client, monkeypatch):
    from django.core.files.uploadedfile import TemporaryUploadedFile

    client, ministry, _admin = admin_client
    seen = []
    real_upload = exchange.import_upload

    def spy(**kwargs):
        seen.append(type(kwargs["upload"]))
        return real_upload(**kwargs)

    monkeypatch.setattr(exchange, "import_upload", spy)
    upload(client, ministry, "spend.csv", spend_csv(3))  # 100 bytes: memory by default
    assert seen == [TemporaryUploadedFile]
