"""Projects: reporting against the original baseline, the Canadian register import and
reference-class forecasting, through services, selectors and the command line."""

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from omslag.common.errors import RuleViolation
from omslag.exchange import services as exchange
from omslag.projects import selectors, services
from omslag.projects.models import Project, ProjectReport, ReferenceClass
from tests.conftest import SHARED_DATA, skip_unless

DATA = SHARED_DATA / "canada"
FILES = ["gc-it-projects-2016.csv", "gc-it-projects-2019.csv"]


@pytest.fixture
def org(tree):
    return tree[0]


def canada_rows(name):
    with (DATA / name).open(newline="", encoding="utf-8") as handle:
        return {row["uniqueId"]: row for row in csv.DictReader(handle)}


def money(text):
    return Decimal(text.replace("$", "").replace(",", ""))


def import_canada(org, name, dry_run=False):
    with (DATA / name).open("rb") as stream:
        return exchange.import_file(
            actor=None,
            organisation=org,
            kind="projects",
            fmt="canada-snapshot",
            stream=stream,
            filename=name,
            dry_run=dry_run,
        )


@pytest.fixture
def canada(org):
    skip_unless(DATA.exists(), f"the shared Canadian data is not at {DATA}")
    for name in FILES:
        report = import_canada(org, name)
        assert report.ok, report.problems[:5]
    return org


def test_canadian_snapshots_give_cost_change_against_the_first_report(canada):
    first, second = canada_rows(FILES[0]), canada_rows(FILES[1])
    both = [
        uid
        for uid in first
        if uid in second and first[uid]["totalBudget"] and second[uid]["totalBudget"]
    ]
    assert len(both) == 99  # as published with the data
    for uid in both[:6] + both[-6:]:
        earlier, later = money(first[uid]["totalBudget"]), money(second[uid]["totalBudget"])
        project = Project.objects.get(external_id=uid)
        assert project.original_estimate == earlier and project.current_estimate == later
        assert project.cost_change_pct == pytest.approx(float((later / earlier - 1) * 100))
        assert project.organisation.parent == canada
        assert project.organisation.slug == f"{canada.slug}-{first[uid]['deptAcronym']}"


def test_reimporting_the_same_file_changes_nothing(canada):
    before = (Project.objects.count(), ProjectReport.objects.count())
    report = import_canada(canada, FILES[1])
    # Rows without a total budget give no report: skipped, each with a note saying why.
    no_budget = sum(1 for row in canada_rows(FILES[1]).values() if not row["totalBudget"])
    assert report.ok and report.created == 0 and report.updated == 0
    assert (report.unchanged, report.skipped) == (463 - no_budget, no_budget)
    assert (Project.objects.count(), ProjectReport.objects.count()) == before


def test_canadian_file_with_bad_values_names_row_column_and_value(org, tmp_path):
    header = (
        "deptAcronym,uniqueId,department,projectName,totalBudget,estimatedCompletionDate,asOfDate\n"
    )
    text = header + (
        'aafc,aafc-1,Agriculture,A,"$1,000",March 31 2017,"June 9, 2016"\n'
        'aafc,aafc-2,Agriculture,B,"lots",,"June 9, 2016"\n'
        'aafc,aafc-3,Agriculture,C,"$5",Someday,"June 9, 2016"\n'
        'aafc,aafc-1,Agriculture,D,"$5",,"June 9, 2016"\n'
    )
    report = exchange.import_file(
        actor=None,
        organisation=org,
        kind="projects",
        fmt="canada-snapshot",
        stream=io.BytesIO(text.encode()),
        filename="x.csv",
    )
    found = {(p.row, p.column, p.value) for p in report.problems}
    assert found == {
        (3, "totalBudget", "lots"),
        (4, "estimatedCompletionDate", "Someday"),
        (5, "uniqueId", "aafc-1"),
    }
    assert not Project.objects.exists()


def _report(project, day, estimate, end=None, **fields):
    return services.report_create(
        actor=None,
        project=project,
        peildatum=day,
        total_cost_estimate=Decimal(estimate),
        estimated_end_date=end,
        **fields,
    )


def test_figures_against_original_and_last_rebaseline(org):
    project = services.project_create(
        actor=None, organisation=org, name="Nieuw belastingsysteem", start_date=dt.date(2020, 1, 1)
    )
    _report(project, dt.date(2020, 6, 30), 10_000_000, dt.date(2022, 12, 31))
    _report(
        project,
        dt.date(2021, 6, 30),
        14_000_000,
        dt.date(2023, 12, 31),
        is_rebaseline=True,
        rebaseline_reason="Scope grew with the new law",
    )
    _report(project, dt.date(2022, 6, 30), 15_400_000, dt.date(2024, 6, 30))
    project.refresh_from_db()
    # against the original: 15.4 / 10 − 1 = +54%, end 2022-12-31 → 2024-06-30 = 18 months later
    assert project.cost_change_pct == pytest.approx(54.0)
    assert project.end_date_shift_months == 18
    assert project.colour == "red" and project.review_threshold_met
    figures = selectors.project_figures_of(project)
    # against the re-baseline: 15.4 / 14 − 1 = +10%, 2023-12-31 → 2024-06-30 = 6 months
    assert figures.against_last_rebaseline.cost_change_pct == pytest.approx(10.0)
    assert figures.against_last_rebaseline.end_date_shift_months == 6


def test_report_workflow_and_published_reports_never_change(org):
    project = services.project_create(actor=None, organisation=org, name="P")
    report = _report(project, dt.date(2025, 1, 1), 1_000_000)
    report = services.report_advance(actor=None, report=report, expected_version=report.version)
    assert report.status == "checked"
    report = services.report_advance(actor=None, report=report, expected_version=report.version)
    assert report.status == "published" and report.published_at
    with pytest.raises(RuleViolation, match="never changes"):
        services.report_update(
            actor=None,
            report=report,
            expected_version=report.version,
            total_cost_estimate=Decimal(1),
        )
    with pytest.raises(RuleViolation):
        services.report_delete(actor=None, report=report)
    correction = services.report_correct(actor=None, report=report)
    services.report_update(
        actor=None,
        report=correction,
        expected_version=correction.version,
        total_cost_estimate=Decimal("1200000"),
    )
    project.refresh_from_db()
    assert project.current_estimate == Decimal("1000000.00")  # the correction is not published yet
    for _ in range(2):
        correction = services.report_advance(
            actor=None,
            report=correction,
            expected_version=ProjectReport.objects.get(pk=correction.pk).version,
        )
    project.refresh_from_db()
    assert project.current_estimate == Decimal("1200000.00") and project.report_count == 1
    assert ProjectReport.objects.get(pk=report.pk).total_cost_estimate == Decimal("1000000.00")


def test_a_report_dated_before_a_published_one_is_history(org):
    project = services.project_create(actor=None, organisation=org, name="P")
    _report(project, dt.date(2025, 1, 1), 2_000_000, status="published")
    _report(project, dt.date(2024, 1, 1), 1_000_000, status="published")
    project.refresh_from_db()
    assert project.original_estimate == Decimal("1000000.00")  # the older report is the baseline
    assert project.current_estimate == Decimal("2000000.00")  # the latest one stays current


def test_negative_estimates_and_broken_breakdowns_are_refused(org):
    project = services.project_create(actor=None, organisation=org, name="P")
    with pytest.raises(ValidationError, match="greater than or equal to 0"):
        _report(project, dt.date(2025, 1, 1), -1)
    with pytest.raises(ValidationError, match="adds up to"):
        _report(project, dt.date(2025, 1, 1), 100, internal_staff=Decimal(30), hardware=Decimal(20))


def _class_from(org, ratios):
    return services.reference_class_save(
        actor=None,
        organisation=org,
        name="test",
        origin=ReferenceClass.Origin.FILE,
        pairs=[(100.0, 100.0 * r, None, "") for r in ratios],
    )


def test_forecast_equals_numpy_quantiles_of_the_class_ratios(org):
    ratios = [0.8, 0.95, 1.0, 1.1, 1.2, 1.25, 1.4, 1.6, 2.0, 3.5, 1.05, 0.9]
    reference_class = _class_from(org, ratios)
    project = services.project_create(actor=None, organisation=org, name="P")
    _report(project, dt.date(2025, 1, 1), 2_000_000)
    project.refresh_from_db()
    result = selectors.project_forecast(project, reference_class).cost
    expected = 2_000_000 * np.quantile(np.array(ratios), [0.5, 0.8, 0.9])
    assert result.values == pytest.approx(tuple(expected))
    assert result.probability_overrun_50 == pytest.approx(
        sum(r >= 1.5 for r in ratios) / len(ratios)
    )


def test_a_class_of_fewer_than_ten_pairs_is_refused(org):
    with pytest.raises(RuleViolation, match="Too little to forecast: 9 pairs"):
        _class_from(org, [1.1] * 9)


def test_shipped_class_is_derived_from_the_canadian_figures(db):
    shipped = services.reference_class_shipped()
    ratios = selectors.reference_ratios(shipped)
    assert len(ratios) == 99
    assert np.median(ratios) == pytest.approx(1.23, abs=0.01)  # published with the data
    assert np.quantile(ratios, 0.8) == pytest.approx(2.5, abs=0.05)


def test_cli_reference_class_forecast_and_export(canada, tmp_path, capsys):
    call_command("reference-class", "build", "eigen", "--org", canada.slug)
    assert ReferenceClass.objects.get(name="eigen").pairs.count() == 99
    assert "99 pairs" in capsys.readouterr().out
    # The register is in Canadian dollars: the portfolio adds them at a stated rate only.
    call_command("rate", "set", "CAD", "0.68", "--org", canada.slug, "--as-of", "2020-01-01")
    capsys.readouterr()
    call_command(
        "forecast",
        "--org",
        canada.slug,
        "--reference-class",
        "eigen",
        "--seed",
        "7",
        "--iterations",
        "2000",
    )
    first = json.loads(capsys.readouterr().out)
    call_command(
        "forecast",
        "--org",
        canada.slug,
        "--reference-class",
        "eigen",
        "--seed",
        "7",
        "--iterations",
        "2000",
    )
    again = json.loads(capsys.readouterr().out)
    assert again.pop("figures")["stored"] is False and first.pop("figures")["stored"] is False
    assert again == first  # the seed makes it repeatable
    assert first["portfolio"]["p50"] <= first["portfolio"]["p80"] <= first["portfolio"]["p90"]
    out = tmp_path / "projects.json"
    call_command(
        "export",
        "projects",
        "--org",
        canada.slug,
        "--format",
        "json",
        "--reference-class",
        "eigen",
        "-o",
        str(out),
    )
    rows = {row["external_id"]: row for row in json.loads(out.read_text())}
    row = rows["ssc-aacs"]
    assert row["original_estimate"] == 23_690_000 and row["current_estimate"] == 14_012_000
    assert row["forecast_p50"] > 0 and row["end_date_shift_months"] == 15


def test_cli_reference_class_errors(org, tmp_path):
    with pytest.raises(CommandError, match="Too little to forecast: 0 pairs"):
        call_command("reference-class", "build", "leeg", "--org", org.slug)
    path = tmp_path / "pairs.csv"
    path.write_text("earlier,later\n" + "".join(f"{i},{i * 1.2}\n" for i in range(1, 12)) + "x,1\n")
    with pytest.raises(CommandError, match="row 13"):
        call_command(
            "reference-class", "build", "bestand", "--org", org.slug, "--from-file", str(path)
        )
    with pytest.raises(CommandError, match="No reference class 'nergens'"):
        call_command("forecast", "--org", org.slug, "--reference-class", "nergens")
