"""The Government of Canada snapshot read through the general conversion machinery
(docs/examples/conversions/canada-snapshot.json) instead of its own layout: real rows of the
2016 and 2019 files in ../shared/data/canada (or where OMSLAG_SHARED_DATA says), imported one
snapshot after the other, give the costs and dates the test reads from the files itself, and a
row without a budget is skipped with its reason (the `canada-snapshot` layout keeps its dates;
docs/import-export.md says when to use which)."""

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest

from omslag.common.tabular.conversion import Conversion
from omslag.common.tabular.formats import read_table
from omslag.common.tabular.importing import import_run
from omslag.common.tabular.registry import import_spec
from omslag.projects.models import Project, ProjectReport
from tests.conftest import SHARED_DATA, skip_unless
from tests.factories import member, organisation

PRESET = Path(__file__).resolve().parents[2] / "docs/examples/conversions/canada-snapshot.json"
DATA = SHARED_DATA / "canada"
pytestmark = pytest.mark.django_db


def rows_of(name: str) -> list[dict]:
    with (DATA / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def file_of(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def run(org, rows: list[dict]):
    conversion = Conversion.from_dict(json.loads(PRESET.read_text()))
    table = read_table(io.BytesIO(file_of(rows)), "snapshot.csv", max_bytes=10**7)
    return import_run(
        import_spec("projects"),
        table,
        actor=member("editor", org),
        organisation=org,
        conversion=conversion,
        dry_run=False,
    )


def dollars(text: str) -> Decimal:
    return Decimal(text.replace("$", "").replace(",", ""))


def long_date(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%B %d, %Y").date()


def test_the_two_snapshots_through_the_preset_give_the_files_costs_and_dates():
    skip_unless(DATA.is_dir(), f"the shared Canadian data is not at {DATA}")
    first = {row["uniqueId"]: row for row in rows_of("gc-it-projects-2016.csv")}
    later = {row["uniqueId"]: row for row in rows_of("gc-it-projects-2019.csv")}
    both = sorted(
        key
        for key in set(first) & set(later)
        if first[key]["totalBudget"].strip() and later[key]["totalBudget"].strip()
    )[:25]
    assert len(both) >= 10, "the files changed: too few projects in both snapshots"
    org = organisation("tbs")
    assert run(org, [first[key] for key in both]).ok
    assert run(org, [later[key] for key in both]).ok
    for key in both:
        project = Project.objects.get(organisation=org, external_id=key)
        assert project.currency == "CAD"
        reports = list(ProjectReport.objects.filter(project=project).order_by("peildatum"))
        assert [r.peildatum for r in reports] == [
            long_date(first[key]["asOfDate"]),
            long_date(later[key]["asOfDate"]),
        ]
        assert reports[0].total_cost_estimate == dollars(first[key]["totalBudget"])
        assert reports[-1].total_cost_estimate == dollars(later[key]["totalBudget"])
        end = later[key]["estimatedCompletionDate"].strip()
        assert reports[-1].estimated_end_date == (long_date(end) if end else None)


def test_a_row_without_a_budget_is_skipped_with_its_reason():
    skip_unless(DATA.is_dir(), f"the shared Canadian data is not at {DATA}")
    rows = rows_of("gc-it-projects-2016.csv")
    blank = next((row for row in rows if not row["totalBudget"].strip()), None)
    if blank is None:
        pytest.fail("the 2016 file has no row without a budget any more")
    kept = next(row for row in rows if row["totalBudget"].strip())
    org = organisation("tbs")
    report = run(org, [kept, blank])
    assert report.ok
    assert Project.objects.filter(organisation=org, external_id=kept["uniqueId"]).exists()
    assert not Project.objects.filter(organisation=org, external_id=blank["uniqueId"]).exists()
    assert any(note.row == 3 for note in report.notes), report.notes
    assert (report.created, report.skipped) == (1, 1)
