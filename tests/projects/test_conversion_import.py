"""The shipped example conversion (docs/examples/conversions): a register with one row per
project, amounts in millions of Swedish kronor with a decimal comma, ISO 8601 date-times and
status words of its own, imported as a baseline report and a current report per project, so
that cost and schedule change against the original baseline work."""

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest

from omslag.common.tabular.conversion import Conversion
from omslag.common.tabular.formats import read_table
from omslag.common.tabular.importing import import_run
from omslag.common.tabular.registry import import_spec
from omslag.projects.models import Project
from tests.factories import member, organisation

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples" / "conversions"
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


def test_one_row_per_project_becomes_baseline_and_current_reports():
    org, report = run((EXAMPLES / "one-row-per-project.csv").read_text())
    assert report.ok, report.problems
    projects = {p.external_id: p for p in Project.objects.filter(organisation=org)}
    assert set(projects) == {"SE-101", "SE-102", "SE-103"}
    assert {p.currency for p in projects.values()} == {"SEK"}
    assert projects["SE-102"].status == "completed"

    first = projects["SE-101"]
    reports = list(first.reports.order_by("peildatum"))
    assert [(str(r.peildatum), r.total_cost_estimate) for r in reports] == [
        ("2022-04-01", Decimal("12500000")),
        ("2025-06-30", Decimal("19750000")),
    ]
    # Against the original baseline: 19.75 M on 12.5 M is 58 % more; 31 March 2024 to
    # 30 September 2025 is 18 months later.
    assert first.cost_change_pct == pytest.approx((19.75 - 12.5) / 12.5 * 100)
    assert first.end_date_shift_months == 18
    assert str(first.start_date) == "2022-04-01"

    # No current figures yet: only the baseline, and the report says why.
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
