"""The shipped example conversion (docs/examples/conversions): a register with one row per
project, amounts in millions of Swedish kronor with a decimal comma, ISO 8601 date-times and
status words of its own, imported as a baseline report and a current report per project, so
that cost and schedule change against the original baseline work."""

import csv
import datetime as dt
import io
import json
import zoneinfo
from decimal import Decimal
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta

from omslag.common.tabular.conversion import Conversion
from omslag.common.tabular.formats import read_table
from omslag.common.tabular.importing import import_run
from omslag.common.tabular.registry import import_spec
from omslag.projects.models import Project, ProjectReport
from tests.factories import member, organisation

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "conversions"
STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
pytestmark = pytest.mark.django_db


def run(text: str, *, dry_run=False):
    org = organisation("gemeente-a")
    conversion = Conversion.from_dict(
        json.loads((EXAMPLES / "one-row-per-project.json").read_text())
    )
    table = read_table(io.BytesIO(text.encode()), "register.csv", max_bytes=10**6)
    report = import_run(
        import_spec("projects"),
        table,
        actor=member("editor", org),
        organisation=org,
        conversion=conversion,
        dry_run=dry_run,
    )
    return org, report


def register_rows() -> list[dict]:
    """The example register as plain rows, read here with the standard library."""
    text = (EXAMPLES / "one-row-per-project.csv").read_text()
    return list(csv.DictReader(io.StringIO(text)))


def millions(text: str) -> Decimal:
    return Decimal(text.replace(",", ".")) * 1_000_000


def stockholm_date(text: str) -> dt.date:
    return dt.datetime.fromisoformat(text).astimezone(STOCKHOLM).date()


def test_every_offset_in_the_example_is_stockholm_time_of_its_day():
    # A date-time written with the wrong daylight-saving offset lands on another day.
    for row in register_rows():
        for column in ("Started", "Planned completion", "Projected completion", "Reported"):
            if not row[column]:
                continue
            written = dt.datetime.fromisoformat(row[column])
            local = written.replace(tzinfo=STOCKHOLM)
            assert written.utcoffset() == local.utcoffset(), (row["Project ID"], column)


def test_one_row_per_project_becomes_baseline_and_current_reports():
    org, report = run((EXAMPLES / "one-row-per-project.csv").read_text())
    assert report.ok, report.problems
    rows = register_rows()
    projects = {p.external_id: p for p in Project.objects.filter(organisation=org)}
    assert set(projects) == {row["Project ID"] for row in rows}
    assert {p.currency for p in projects.values()} == {"SEK"}
    assert projects["SE-102"].status == "completed"

    with_current = [row for row in rows if row["Current cost (M SEK)"]]
    assert len(with_current) == 2
    for row in with_current:
        project = projects[row["Project ID"]]
        planned, current = (
            millions(row["Planned cost (M SEK)"]),
            millions(row["Current cost (M SEK)"]),
        )
        reports = list(project.reports.order_by("peildatum"))
        assert [(r.peildatum, r.total_cost_estimate) for r in reports] == [
            (stockholm_date(row["Started"]), planned),
            (stockholm_date(row["Reported"]), current),
        ]
        # Against the original baseline, computed from the file's own figures.
        assert project.cost_change_pct == pytest.approx(float((current - planned) / planned * 100))
        planned_end = stockholm_date(row["Planned completion"])
        projected_end = stockholm_date(row["Projected completion"])
        # Whole months from the earlier to the later date, negative when it came earlier.
        shift = relativedelta(max(planned_end, projected_end), min(planned_end, projected_end))
        sign = -1 if projected_end < planned_end else 1
        assert project.end_date_shift_months == sign * (shift.years * 12 + shift.months)
        assert project.start_date == stockholm_date(row["Started"])

    # No current figures yet: only the baseline, and the report says why.
    blank = [i for i, row in enumerate(rows, start=2) if not row["Current cost (M SEK)"]]
    assert blank == [4]
    assert projects["SE-103"].reports.count() == 1
    assert [(n.row, n.column) for n in report.notes] == [(4, "total_cost_estimate")]


def test_a_row_that_does_not_convert_is_named_and_nothing_is_saved():
    text = (EXAMPLES / "one-row-per-project.csv").read_text().replace('"4,2"', '"4.2"')
    text = text.replace("Avslutat", "Stängt")
    org, report = run(text)
    assert not report.ok
    assert {(p.row, p.column) for p in report.problems} == {
        (3, "Planned cost (M SEK)"),
        (3, "Status"),
    }
    assert Project.objects.filter(organisation=org).count() == 0


def test_importing_the_register_again_changes_nothing():
    text = (EXAMPLES / "one-row-per-project.csv").read_text()
    org, first = run(text)
    rows = register_rows()
    records = len(rows) + sum(1 for row in rows if row["Current cost (M SEK)"])
    assert (first.created, first.updated, first.unchanged) == (len(rows), records - len(rows), 0)
    reports = ProjectReport.objects.filter(project__organisation=org).count()
    conversion = Conversion.from_dict(
        json.loads((EXAMPLES / "one-row-per-project.json").read_text())
    )
    again = import_run(
        import_spec("projects"),
        read_table(io.BytesIO(text.encode()), "register.csv", max_bytes=10**6),
        actor=member("editor", org),
        organisation=org,
        conversion=conversion,
    )
    assert again.ok
    assert (again.created, again.updated, again.unchanged) == (0, 0, records)
    assert ProjectReport.objects.filter(project__organisation=org).count() == reports


def test_a_value_the_model_refuses_is_named_by_row_and_column():
    long_id = "SE-" + "9" * 120  # longer than an external identifier may be
    text = (EXAMPLES / "one-row-per-project.csv").read_text().replace("SE-102", long_id)
    org, report = run(text)
    assert not report.ok
    assert {(p.row, p.column) for p in report.problems} == {(3, "external_id")}
    assert Project.objects.filter(organisation=org).count() == 0
