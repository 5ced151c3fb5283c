"""Exports are written as they are read: CSV and JSON leave the server a piece at a time from a
server-side cursor, XLSX is written in openpyxl's write-only mode, and the job's file goes to
disk. The files read back (csv, json, openpyxl) to exactly the rows that were stored, formula
injection still neutralised, rights and the audit entry as before."""

import csv
import io
import json
import math
import tracemalloc
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from omslag.audit.models import AuditEntry
from omslag.common.tabular import formats
from omslag.exchange import services as exchange
from omslag.jobs import services as jobs
from omslag.jobs.models import Job
from omslag.portfolio import services as portfolio
from tests.api.calls import call
from tests.conftest import skip_unless
from tests.factories import member

LINES = 23
FETCH = 7  # rows per fetch of the cursor in these tests: LINES spans four fetches
PIECE = 5  # rows per piece of the streamed file
DESCRIPTIONS = [
    "gewoon",
    "=SOM(A1:A9)",
    "+31 70 123 4567",
    "-korting",
    "@gebruiker",
    'zegt "ja", toch',
    "Ærø €",
]
SPEND_HEADERS = [
    "year",
    "amount",
    "kind",
    "category",
    "cost_type",
    "application",
    "pays_for",
    "description",
    "reference",
]


def amount_text(i: int) -> str:
    """How line ``i``'s amount is imported: every other one with cents."""
    return f"{1000 + i}.50" if i % 2 else f"{1000 + i}.00"


def amount_exported(i: int) -> str:
    """The same amount as the export writes it: whole euros without decimals."""
    return f"{1000 + i}.5" if i % 2 else f"{1000 + i}"


def description(i: int) -> str:
    return DESCRIPTIONS[i % len(DESCRIPTIONS)]


def neutralised(text: str) -> str:
    return "'" + text if text[0] in "=+-@" else text


@pytest.fixture
def spend(tree, settings, monkeypatch):
    settings.EXPORT_INLINE_ROWS = 1000
    monkeypatch.setattr(exchange, "EXPORT_FETCH_ROWS", FETCH)
    monkeypatch.setattr(formats, "ROWS_PER_PIECE", PIECE)
    ministry, _agency, municipality = tree
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["year", "amount", "kind", "category", "description"])
    for i in range(LINES):
        writer.writerow([2024, amount_text(i), "actual", "run", description(i)])
    report = exchange.import_file(
        actor=None,
        organisation=ministry,
        kind="spend",
        stream=io.BytesIO(buffer.getvalue().encode()),
        filename="spend.csv",
    )
    assert report.ok and report.created == LINES
    return ministry, member("viewer", ministry), member("admin", municipality)


def client_of(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def exported_events():
    return list(AuditEntry.objects.filter(event="register_exported"))


def test_the_page_streams_csv_that_reads_back_as_the_stored_lines(spend):
    ministry, viewer, _stranger = spend
    response = client_of(viewer).get(
        f"/organisations/{ministry.slug}/export", {"kind": "spend", "format": "csv"}
    )
    assert response.status_code == 200 and response.streaming
    assert not exported_events()  # nothing has left yet
    pieces = list(response.streaming_content)
    # The header, then the lines in pieces of PIECE rows.
    assert len(pieces) == 1 + math.ceil(LINES / PIECE)
    content = b"".join(pieces)
    assert content.startswith(b"\xef\xbb\xbf")  # the byte-order mark spreadsheets look for
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert rows[0] == SPEND_HEADERS
    assert [(r[0], r[1], r[2], r[3], r[7]) for r in rows[1:]] == [
        ("2024", amount_exported(i), "actual", "run", neutralised(description(i)))
        for i in range(LINES)
    ]
    assert content.count(b"\r\n") == LINES + 1  # the lines end as the csv module's excel dialect
    (entry,) = exported_events()
    assert (entry.person, entry.organisation) == (viewer, ministry)
    assert entry.detail == {"kind": "spend", "format": "csv", "rows": str(LINES)}


def test_the_streamed_bytes_equal_the_whole_file(spend):
    ministry, viewer, _stranger = spend
    for fmt in ("csv", "json"):
        response = client_of(viewer).get(
            f"/organisations/{ministry.slug}/export", {"kind": "spend", "format": fmt}
        )
        whole = exchange.export_file(
            person=viewer, organisation=ministry, kind="spend", fmt=fmt
        ).content
        assert b"".join(response.streaming_content) == whole


def test_the_api_streams_json_that_reads_back_as_the_stored_lines(spend, api_for):
    ministry, viewer, _stranger = spend
    response = call(
        api_for(viewer),
        "get",
        "/exports/{kind}",
        kind="spend",
        query={"organisation": ministry.slug, "format": "json"},
    )
    assert response.status_code == 200 and response.streaming
    records = json.loads(b"".join(response.streaming_content))
    assert [list(r) for r in records] == [SPEND_HEADERS] * LINES
    expected_amounts = [float(amount_exported(i)) for i in range(LINES)]
    assert [r["amount"] for r in records] == expected_amounts
    assert [type(r["amount"]) for r in records] == [float if i % 2 else int for i in range(LINES)]
    # JSON is data, not a spreadsheet: the text is as it was typed.
    assert [r["description"] for r in records] == [description(i) for i in range(LINES)]


def test_an_empty_register_streams_a_header_or_an_empty_list(tree):
    ministry, _agency, _municipality = tree
    client = client_of(member("viewer", ministry))
    address = f"/organisations/{ministry.slug}/export"
    csv_body = b"".join(client.get(address, {"kind": "spend", "format": "csv"}).streaming_content)
    assert csv_body == b"\xef\xbb\xbf" + ",".join(SPEND_HEADERS).encode() + b"\r\n"
    json_body = client.get(address, {"kind": "spend", "format": "json"}).streaming_content
    assert json.loads(b"".join(json_body)) == []


def test_rights_are_unchanged(spend):
    ministry, _viewer, stranger = spend
    response = client_of(stranger).get(
        f"/organisations/{ministry.slug}/export", {"kind": "spend", "format": "csv"}
    )
    assert response.status_code == 404
    assert not exported_events()


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_the_jobs_xlsx_file_reads_back_as_the_stored_lines(spend, settings):
    ministry, viewer, _stranger = spend
    settings.EXPORT_INLINE_ROWS = 3
    client = client_of(viewer)
    client.post(f"/organisations/{ministry.slug}/export", {"kind": "spend", "format": "xlsx"})
    job = Job.objects.get()
    assert jobs.job_run(job.pk, "worker-1") == "done"
    response = client.get(f"/jobs/{job.pk}/download")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.values)
    assert list(rows[0]) == SPEND_HEADERS
    assert [(r[0], r[1], r[7]) for r in rows[1:]] == [
        (2024, Decimal(amount_exported(i)), neutralised(description(i))) for i in range(LINES)
    ]
    # As tablib wrote it: a bold header row with the panes frozen below it.
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)
    (entry,) = exported_events()
    assert entry.person == viewer and entry.detail["rows"] == str(LINES)


SCORES = {"business_value": 3, "technical_condition": 3}


def test_the_applications_export_names_what_each_depends_on_fetch_by_fetch(tree, monkeypatch):
    monkeypatch.setattr(exchange, "EXPORT_FETCH_ROWS", 2)
    ministry, _agency, _municipality = tree
    admin = member("admin", ministry)
    names = ["Zaaksysteem", "Burgerzaken", "Archief", "Portaal", "Betalen"]
    made = {
        name: portfolio.application_create(actor=admin, organisation=ministry, name=name, **SCORES)
        for name in names
    }
    depends = {"Portaal": ["Zaaksysteem", "Betalen", "Burgerzaken"], "Archief": ["Zaaksysteem"]}
    for name, targets in depends.items():
        for target in targets:
            portfolio.dependency_add(actor=admin, application=made[name], depends_on=made[target])
    gone = portfolio.application_create(actor=admin, organisation=ministry, name="Oud", **SCORES)
    portfolio.dependency_add(actor=admin, application=made["Betalen"], depends_on=gone)
    portfolio.application_delete(actor=admin, application=gone)

    with CaptureQueriesContext(connection) as queries:
        content = exchange.export_file(
            person=admin, organisation=ministry, kind="applications", fmt="csv"
        ).content
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert [r["name"] for r in rows] == sorted(names)
    assert {r["name"]: r["depends_on"] for r in rows} == {
        "Archief": "Zaaksysteem",
        "Betalen": "",
        "Burgerzaken": "",
        "Portaal": "Betalen; Burgerzaken; Zaaksysteem",
        "Zaaksysteem": "",
    }
    # The dependency pairs are asked once per fetch of two applications, not once per row.
    pair_queries = [
        q for q in queries.captured_queries if 'FROM "portfolio_dependency"' in q["sql"]
    ]
    assert len(pair_queries) == math.ceil(len(names) / 2)


def test_postgresql_reads_the_export_through_a_server_side_cursor(spend):
    skip_unless(connection.vendor == "postgresql", "server-side cursors need PostgreSQL")
    ministry, viewer, _stranger = spend
    with CaptureQueriesContext(connection) as queries:
        exchange.export_file(person=viewer, organisation=ministry, kind="spend", fmt="csv")
    assert any("DECLARE" in q["sql"] and "CURSOR" in q["sql"] for q in queries.captured_queries)


# --- memory --------------------------------------------------------------------------------


def row_of(i: int) -> list:
    return [2024, Decimal(f"{i}.25"), "actual", "run", f"=regel {i} " + "x" * 60]


def peak_bytes(write, rows: int) -> int:
    """The most memory Python held at once while ``write`` consumed ``rows`` generated rows."""
    tracemalloc.start()
    try:
        write(row_of(i) for i in range(rows))
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_streamed_text_formats_hold_one_piece_at_a_time(fmt):
    headers = ["year", "amount", "kind", "category", "description"]
    written = []

    def write(rows):
        size = 0
        for piece in formats.table_pieces(headers, rows, fmt):
            size += len(piece)
        written.append(size)

    small, large = peak_bytes(write, 5_000), peak_bytes(write, 50_000)
    # Ten times the rows, the same memory (within noise), and far less than the file (a
    # file built whole needs more than its own size).
    assert large < small * 1.5
    assert large < written[1] / 5


def test_xlsx_is_written_in_constant_memory(tmp_path):
    headers = ["year", "amount", "kind", "category", "description"]

    def write(rows):
        with (tmp_path / "export.xlsx").open("wb") as target:
            formats.write_table_file(headers, rows, "xlsx", target)

    small, large = peak_bytes(write, 3_000), peak_bytes(write, 12_000)
    assert large < small * 1.5


# --- the command line ------------------------------------------------------------------------


def test_the_command_line_writes_the_file_as_the_rows_are_read(spend, tmp_path):
    from django.core.management import call_command

    ministry, viewer, _stranger = spend
    out = tmp_path / "spend.csv"
    call_command("export", "spend", "--org", ministry.slug, "--format", "csv", "-o", str(out))
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"), newline="")))
    assert [(r[1], r[7]) for r in rows[1:]] == [
        (amount_exported(i), neutralised(description(i))) for i in range(LINES)
    ]
    assert [p.name for p in tmp_path.iterdir()] == ["spend.csv"]  # no temporary file left


def test_a_failing_command_line_export_leaves_no_file(spend, tmp_path, monkeypatch):
    from django.core.management import call_command

    ministry, _viewer, _stranger = spend

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(formats, "neutralise", broken)
    with pytest.raises(RuntimeError):
        call_command("export", "spend", "--org", ministry.slug, "-o", str(tmp_path / "x.csv"))
    assert list(tmp_path.iterdir()) == []
