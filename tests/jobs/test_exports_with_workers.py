"""Exports and board reports for real: queued in PostgreSQL, done by an `omslag worker`
process, their files kept in the shared media folder and downloaded through the web by the
person who asked."""

import io

from django.test import Client, override_settings

from omslag.exchange import exports
from omslag.exchange import services as exchange
from omslag.jobs.models import Job
from omslag.leadership.report_job import board_report_start
from tests.conftest import skip_unless
from tests.factories import member, organisation

from .test_workers import DATABASE_BACKEND, on_postgres, run_omslag, worker_env

ROWS = 120


def test_a_worker_makes_the_export_and_the_board_report(transactional_db, tmp_path, settings):
    skip_unless(on_postgres(), "needs PostgreSQL (DATABASE_URL) for worker processes")
    ministry = organisation("ministerie-export", kind="ministry", name="Ministerie van Export")
    lines = ["year,amount,kind,category,description"]
    lines += [f"2024,{500 + i},actual,run,regel {i}" for i in range(ROWS)]
    report = exchange.import_file(
        actor=None,
        organisation=ministry,
        kind="spend",
        stream=io.BytesIO(("\n".join(lines) + "\n").encode()),
        filename="spend.csv",
    )
    assert report.ok
    person = member("admin", ministry)
    with override_settings(TASKS=DATABASE_BACKEND):
        export = exports.export_start(person=person, organisation=ministry, kind="spend", fmt="csv")
        board = board_report_start(
            person=person, organisation=ministry, with_children=False, as_of=None, fmt="xlsx"
        )
    assert export.status == board.status == Job.Status.QUEUED
    run_omslag("worker", "--batch", env=worker_env(tmp_path))
    export.refresh_from_db()
    board.refresh_from_db()
    assert export.status == Job.Status.DONE, export.message
    assert board.status == Job.Status.DONE, board.message
    assert export.worker_id and export.result["rows"] == ROWS
    assert (settings.MEDIA_ROOT / export.file.name).is_file()
    client = Client()
    client.force_login(person)
    response = client.get(f"/jobs/{export.pk}/download")
    body = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert len(body) == ROWS + 1
    assert sum(int(line.split(",")[1]) for line in body[1:]) == sum(500 + i for i in range(ROWS))
    response = client.get(f"/jobs/{board.pk}/download")
    assert response.status_code == 200 and b"".join(response.streaming_content)[:2] == b"PK"
