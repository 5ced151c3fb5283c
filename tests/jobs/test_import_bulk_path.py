"""The fast path of a spend import as a job: the check writes nothing, the import writes the
lines with COPY on PostgreSQL (bulk_create on SQLite) in batches, and it saves exactly the rows
of the file, each with its first history row; a row that no longer fits, a failure in the
last batch or a cancel leaves nothing saved. Expected values are computed here from the rows
the test writes, never read back from the code."""

import csv
import io
import random
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from omslag.common.tabular import importing
from omslag.exchange.models import ImportJob
from omslag.jobs import services as jobs
from omslag.jobs.models import Job
from omslag.portfolio import registrations
from omslag.portfolio.models import Application, SpendLine
from tests.conftest import skip_unless
from tests.factories import member
from tests.portfolio.factories import application

CATEGORIES = ("run", "change", "innovate")
COST_TYPES = ("licences", "hosting", "staff", "")


def spend_rows(count: int, applications: list[str], seed: int = 7) -> list[dict]:
    """Rows as a person would write them: Dutch amounts, empty cost types, quotes, references
    on some lines, an application on others."""
    rng = random.Random(seed)  # noqa: S311
    rows = []
    for i in range(count):
        cents = rng.randint(0, 99_999_999)
        rows.append(
            {
                "year": 2015 + i % 11,
                "amount": Decimal(cents) / 100,
                "kind": rng.choice(("actual", "budget")),
                "category": rng.choice(CATEGORIES),
                "cost_type": rng.choice(COST_TYPES),
                "application": applications[i % len(applications)] if i % 3 == 0 else "",
                # Quotes, a tab, a backslash and a line break: COPY's text format escapes them.
                "description": f'regel {i}, "Ø" {rng.randint(0, 9)}'
                + ("\tmet\\tab\nen regel" if i % 50 == 7 else ""),
                "reference": f"FIN-{i:05d}" if i % 4 == 0 else "",
            }
        )
    return rows


def dutch(amount: Decimal) -> str:
    whole, cents = f"{amount:.2f}".split(".")
    groups = f"{int(whole):,}".replace(",", ".")
    return f"{groups},{cents}"


def as_csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(
        ["year", "amount", "kind", "category", "cost_type", "application"]
        + ["description", "reference"]
    )
    for row in rows:
        writer.writerow(
            [
                row["year"],
                dutch(row["amount"]),
                row["kind"],
                row["category"],
                row["cost_type"],
                row["application"],
                row["description"],
                row["reference"],
            ]
        )
    return out.getvalue().encode()


def expected(rows: list[dict]) -> list[tuple]:
    return sorted(
        (
            r["year"],
            r["amount"],
            r["kind"],
            r["category"],
            r["cost_type"] or "other",
            r["application"],
            r["description"],
            r["reference"],
        )
        for r in rows
    )


def saved(organisation) -> list[tuple]:
    return sorted(
        (
            line.year,
            line.amount,
            line.kind,
            line.category,
            line.cost_type,
            line.application.name if line.application_id else "",
            line.description,
            line.reference,
        )
        for line in SpendLine.objects.filter(organisation=organisation).select_related(
            "application"
        )
    )


@pytest.fixture
def setting(tree, monkeypatch):
    ministry, *_ = tree
    admin = member("admin", ministry)
    client = Client()
    client.force_login(admin)
    names = ["Zaaksysteem", "Basisregistratie", "Portaal"]
    for name in names:
        application(ministry, name=name)
    # Small batches and chunks, so a file of a few hundred rows crosses several of them.
    monkeypatch.setattr(registrations, "INSERT_BATCH", 37)
    monkeypatch.setattr(registrations.SpendImport, "chunk_rows", 50)
    monkeypatch.setattr(importing, "CHUNK_PAUSE_SECONDS", 0)
    return client, ministry, admin, names


def upload(client, organisation, content: bytes) -> ImportJob:
    response = client.post(
        f"/organisations/{organisation.slug}/import",
        {"kind": "spend", "file": SimpleUploadedFile("spend.csv", content), "mapping": ""},
    )
    assert response.status_code == 302
    return ImportJob.objects.filter(organisation=organisation).latest("pk")


def confirm(client, import_job: ImportJob) -> ImportJob:
    client.post(f"/imports/{import_job.pk}/confirm")
    import_job.refresh_from_db()
    return import_job


def test_the_job_saves_exactly_the_rows_of_the_file_with_their_history(setting):
    client, ministry, admin, names = setting
    rows = spend_rows(301, names)
    with CaptureQueriesContext(connection) as check_queries:
        import_job = upload(client, ministry, as_csv(rows))
    assert import_job.status == ImportJob.Status.CHECKED, import_job.report
    # The check counts what the import would do and writes no line.
    assert import_job.report["created"] == 301
    assert not any(
        "portfolio_spendline" in q["sql"] and "INSERT" in q["sql"] for q in check_queries
    )
    assert not SpendLine.all_objects.exists() and not SpendLine.history.exists()

    import_job = confirm(client, import_job)
    assert import_job.status == ImportJob.Status.IMPORTED
    assert import_job.job.result["created"] == 301
    assert saved(ministry) == expected(rows)
    assert sum(line.amount for line in SpendLine.objects.all()) == sum(r["amount"] for r in rows)
    # Each line has one history row: created, by the person who imported it, as an import,
    # with the line's own values.
    history = SpendLine.history.all()
    assert history.count() == 301
    assert {(h.history_type, h.history_user_id, h.history_change_reason) for h in history} == {
        ("+", admin.pk, "import")
    }
    lines = {line.pk: line for line in SpendLine.objects.all()}
    for record in history:
        line = lines[record.id]
        assert (record.year, record.amount, record.description, record.reference) == (
            line.year,
            line.amount,
            line.description,
            line.reference,
        )
        assert record.organisation_id == ministry.pk and line.version == 1
    # The ids came from the table's own sequence: a line made afterwards gets a new one.
    later = SpendLine.objects.create(
        organisation=ministry, year=2030, amount=1, kind="actual", category="run"
    )
    assert later.pk not in lines


def test_the_same_file_again_is_unchanged_and_a_changed_reference_updates(setting):
    client, ministry, _admin, names = setting
    rows = spend_rows(120, names)
    confirm(client, upload(client, ministry, as_csv(rows)))
    again = confirm(client, upload(client, ministry, as_csv(rows)))
    assert again.status == ImportJob.Status.IMPORTED
    assert (again.report["created"], again.report["unchanged"]) == (0, 120)
    rows[0]["amount"] += Decimal("1.00")  # row 0 has a reference: the line is updated
    third = confirm(client, upload(client, ministry, as_csv(rows)))
    assert (third.report["created"], third.report["updated"], third.report["unchanged"]) == (
        0,
        1,
        119,
    )
    assert saved(ministry) == expected(rows)


def test_a_row_in_the_last_chunk_that_no_longer_fits_saves_nothing(setting):
    """Checked, then the only application the last row names is removed: the import finds
    it (row and column), and no line of any chunk or batch before it is saved."""
    client, ministry, _admin, names = setting
    rows = spend_rows(200, names[:2])
    rows[-1]["application"] = "Portaal"
    import_job = upload(client, ministry, as_csv(rows))
    assert import_job.status == ImportJob.Status.CHECKED
    Application.objects.filter(name="Portaal").delete()
    import_job = confirm(client, import_job)
    assert import_job.status == ImportJob.Status.PROBLEMS
    work = import_job.job
    assert work.status == Job.Status.FAILED and work.problems_total == 1
    assert (work.problems[0]["row"], work.problems[0]["column"]) == (201, "application")
    assert not SpendLine.all_objects.exists() and not SpendLine.history.exists()


def test_a_failure_while_the_last_batch_is_written_saves_nothing(setting, monkeypatch):
    """On PostgreSQL the lines are written in one transaction: a failure in the last batch
    rolls back the batches COPY wrote before it, and the file may be imported again."""
    skip_unless(connection.vendor == "postgresql", "needs PostgreSQL (one transaction, COPY)")
    client, ministry, _admin, names = setting
    rows = spend_rows(150, names)  # 150 rows: batches of 37, 37, 37, 37 and 2
    import_job = upload(client, ministry, as_csv(rows))
    real_insert = registrations.insert_with_history
    calls = []

    def fail_last(model, pending, **kwargs):
        calls.append(len(pending))
        if len(pending) < 37 and pending:
            raise RuntimeError("disk full")
        return real_insert(model, pending, **kwargs)

    monkeypatch.setattr(registrations, "insert_with_history", fail_last)
    import_job = confirm(client, import_job)
    assert calls[:4] == [37, 37, 37, 37] and calls[4] == 2
    assert import_job.job.status == Job.Status.FAILED
    assert "disk full" in import_job.job.message
    assert import_job.status == ImportJob.Status.CHECKED  # may be imported again
    assert not SpendLine.all_objects.exists() and not SpendLine.history.exists()


def test_a_cancel_while_the_import_reads_the_file_saves_nothing(setting, monkeypatch):
    client, ministry, _admin, names = setting
    rows = spend_rows(2000, names)
    import_job = upload(client, ministry, as_csv(rows))
    assert import_job.status == ImportJob.Status.CHECKED
    monkeypatch.setattr(jobs, "PROGRESS_SECONDS", 0)
    real_progress = jobs.progress
    seen = []

    def cancel_at_the_second_step(job, done, total=None, **kwargs):
        seen.append(done)
        if len(seen) == 2:
            jobs.cancel(Job.objects.get(pk=job.pk))
        return real_progress(job, done, total, **kwargs)

    monkeypatch.setattr(jobs, "progress", cancel_at_the_second_step)
    import_job = confirm(client, import_job)
    assert import_job.job.status == Job.Status.CANCELLED
    assert len(seen) == 2  # stopped at once, while reading: progress comes every 200 rows
    assert not SpendLine.all_objects.exists() and not SpendLine.history.exists()
    assert import_job.status == ImportJob.Status.CHECKED
