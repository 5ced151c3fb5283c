"""The board report: the PDF read back carries the page's numbers; the spreadsheet carries
the figures; the page's download links and the command line give the same files."""

import io
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from omslag.leadership.selectors import dashboard_for


def euro(amount: Decimal) -> str:
    return f"€ {amount.quantize(Decimal(1), rounding=ROUND_HALF_UP):,}"


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    text = " ".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text).replace("\xa0", " ")


def test_the_pdf_carries_the_numbers_of_the_page(world):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world["board"])
    # The page's button queues the report (run at once by the tests' immediate backend); the
    # job's page offers the file.
    response = client.post("/organisations/ministerie/dashboard/report.pdf", {"below": "1"})
    assert response.status_code == 302 and response["Location"].startswith("/jobs/")
    response = client.get(response["Location"] + "/download")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "board-report-ministerie-with-children-2026-06-15.pdf" in response["Content-Disposition"]
    text = pdf_text(b"".join(response.streaming_content))
    board = dashboard_for(
        person=world["board"], organisation=world["ministry"], with_children=True, as_of=None
    )
    balance = board.tile("balance").data.figures
    projects = board.tile("projects").data.figures
    innovation = board.tile("innovation").data.figures
    assert "Ministerie van Zaken" in text and "15 June 2026" in text
    for amount in (balance["run"], balance["innovate"], projects["currentEstimate"]):
        assert euro(amount) in text, euro(amount)
    assert f"{balance['runShare']}%" in text
    assert f"Ideas {innovation['ideas']}" in text
    assert f"Red {projects['red']}" in text
    for decision in board.decisions:
        assert decision.subject in text


def test_the_spreadsheet_has_the_figures_and_a_sheet_per_table(world, tmp_path):
    from openpyxl import load_workbook

    output = tmp_path / "board.xlsx"
    call_command(
        "report", "board", "--org", "ministerie", "--with-children", "--format", "xlsx",
        "-o", str(output),
    )  # fmt: skip
    workbook = load_workbook(output)
    assert workbook.sheetnames[0] == "Figures"
    rows = {(r[0], r[1]): r[2] for r in workbook["Figures"].iter_rows(values_only=True)}
    board = dashboard_for(
        person=None, organisation=world["ministry"], with_children=True, as_of=None
    )
    figures = board.tile("balance").data.figures
    assert rows[("Balance", "run")] == float(figures["run"])
    assert rows[("Large projects", "count")] == board.tile("projects").data.figures["count"]
    assert "Decisions waiting" in workbook.sheetnames
    assert workbook["Decisions waiting"].max_row == len(board.decisions) + 1


def test_ods_is_written_too(world, tmp_path):
    output = tmp_path / "board.ods"
    call_command("report", "board", "--org", "ministerie", "--format", "ods", "-o", str(output))
    assert output.read_bytes()[:2] == b"PK"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--org", "nergens"], "Unknown organisation"),
        (["--org", "ministerie", "--as-of", "2030-01-01"], "lies in the future"),
        (["--org", "ministerie", "--as-of", "morgen"], "YYYY-MM-DD"),
    ],
)
def test_the_command_explains_bad_input_and_writes_nothing(world, tmp_path, arguments, message):
    output = tmp_path / "board.json"
    with pytest.raises(CommandError, match=message):
        call_command("report", "board", *arguments, "--format", "json", "-o", str(output))
    assert not output.exists()
