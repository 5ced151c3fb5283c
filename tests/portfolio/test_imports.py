"""Importing applications and spend: every bad row reported with row and column, nothing
saved; the corrected file imports and the balance matches a hand-computed total."""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from omslag.exchange import services as exchange
from omslag.portfolio import selectors
from omslag.portfolio.models import Application, Dependency, SpendLine

from .factories import application


@pytest.fixture
def org(tree):
    return tree[2]


def run(kind, text, org, name="file.csv", dry_run=False):
    return exchange.import_file(
        actor=None,
        organisation=org,
        kind=kind,
        stream=io.BytesIO(text.encode()),
        filename=name,
        dry_run=dry_run,
    )


APPS = (
    "name,business_value,technical_condition,go_live_year,end_of_support,depends_on,vendor\n"
    "Zaaksysteem,4,4,2018,2030-12-31,Basisregistratie,Polderware\n"
    "Basisregistratie,5,2,1996,2027-06-30,,Eigen\n"
    "Portaal,3,5,2021,,Zaaksysteem; Basisregistratie,Wolkwerk\n"
)


def test_applications_import_with_dependencies_by_name(org):
    report = run("applications", APPS, org)
    assert report.ok and report.created == 3
    portal = Application.objects.get(organisation=org, name="Portaal")
    needs = set(
        Dependency.objects.filter(application=portal).values_list("depends_on__name", flat=True)
    )
    assert needs == {"Zaaksysteem", "Basisregistratie"}
    assert Application.objects.get(name="Basisregistratie").time_position == "migrate"
    again = run("applications", APPS, org)  # the same file again changes nothing
    assert again.ok and again.unchanged == 3 and again.created == 0
    assert Dependency.objects.count() == 3


def test_application_rows_with_problems(tree):
    ministry, _agency, org = tree
    application(ministry, "Van het ministerie")
    text = (
        "name,business_value,technical_condition,go_live_year,end_of_support,depends_on\n"
        "Goed,4,4,2018,,\n"  # 2 fine
        "Slecht,6,4,2018,,\n"  # 3 value out of range
        "Datum,3,3,2020,2019-01-01,\n"  # 4 support ends before go-live
        "Jaar,3,3,1989,,\n"  # 5 year out of range
        "Goed,2,2,2019,,\n"  # 6 duplicate name
        "Vreemd,3,3,2019,,Van het ministerie\n"  # 7 dependency on another organisation
        "Tekst,hoog,3,2019,,\n"  # 8 not a number
    )
    report = run("applications", text, org)
    found = {(p.row, p.column) for p in report.problems}
    assert found == {
        (3, "business_value"),
        (4, "end_of_support"),
        (5, "go_live_year"),
        (6, "name"),
        (7, "depends_on"),
        (8, "business_value"),
    }
    assert not Application.objects.filter(organisation=org).exists()


SPEND_BAD = (
    "year,amount,kind,category,application\n"
    "2025,700000,actual,run,\n"  # 2 fine
    "2025,-5,actual,run,\n"  # 3 negative
    "2025,veel,actual,run,\n"  # 4 not a number
    "2025,100,actual,onderhoud,\n"  # 5 unknown category
    "1989,100,actual,run,\n"  # 6 year outside 1990-2100
    "2025,100,actual,run,Bestaat niet\n"  # 7 missing application
    "2025,1.5.5,actual,run,\n"  # 8 garbled amount
)
SPEND_GOOD = (
    "year;amount;kind;category;application\n"
    "2025;700.000,00;actual;run;\n"
    "2025;50000;actual;run;Zaaksysteem\n"
    "2025;€ 150.000,00;actual;change;\n"
    "2025;100000.00;actual;innovate;\n"
)


def test_spend_file_with_bad_rows_then_fixed(org):
    application(org, "Zaaksysteem")
    report = run("spend", SPEND_BAD, org)
    found = {(p.row, p.column) for p in report.problems}
    assert found == {
        (3, "amount"),
        (4, "amount"),
        (5, "category"),
        (6, "year"),
        (7, "application"),
        (8, "amount"),
    }
    assert not SpendLine.objects.exists()

    fixed = run("spend", SPEND_GOOD, org)
    assert fixed.ok and fixed.created == 4
    # by hand: run 700,000 + 50,000 = 750,000; change 150,000; innovate 100,000; total 1,000,000
    (year,) = selectors.balance_overview(org).balances
    assert (year.actual.run, year.actual.change, year.actual.innovate) == (
        Decimal("750000.00"),
        Decimal("150000.00"),
        Decimal("100000.00"),
    )
    assert year.actual.run_share == pytest.approx(0.75)
    again = run("spend", SPEND_GOOD, org)  # re-importing the same lines adds nothing
    assert again.ok and again.created == 0 and again.unchanged == 4
    assert SpendLine.objects.count() == 4


def test_spend_with_reference_is_updated_on_reimport(org):
    run("spend", "year,amount,kind,category,reference\n2025,100,budget,run,FIN-1\n", org)
    report = run("spend", "year,amount,kind,category,reference\n2025,250,budget,run,FIN-1\n", org)
    assert report.updated == 1 and SpendLine.objects.get().amount == Decimal("250.00")
    assert SpendLine.objects.get().history.count() == 2


def test_spend_import_keeps_history_of_bulk_lines(org):
    run("spend", SPEND_GOOD.replace(";Zaaksysteem", ";"), org)
    assert all(line.history.count() == 1 for line in SpendLine.objects.all())


def test_exports_round_trip(org):
    run("applications", APPS, org)
    run("spend", "year,amount,kind,category,application\n2025,10.50,actual,run,Portaal\n", org)
    for kind in ("applications", "spend"):
        for fmt in ("csv", "xlsx", "ods", "json"):
            exported = exchange.export_file(
                person=_operator(), organisation=org, kind=kind, fmt=fmt
            )
            report = exchange.import_file(
                actor=None,
                organisation=org,
                kind=kind,
                stream=io.BytesIO(exported.content),
                filename=f"x.{fmt}",
            )
            assert report.ok, (kind, fmt, report.problems)
            assert report.created == 0 and report.updated == 0, (kind, fmt)


def _operator():
    from omslag.exchange.cli import Operator

    return Operator()


def test_balance_export_has_shares(org, tmp_path):
    run("spend", SPEND_GOOD.replace(";Zaaksysteem", ";"), org)
    out = tmp_path / "balance.json"
    call_command("export", "balance", "--org", org.slug, "--format", "json", "-o", str(out))
    (row,) = json.loads(out.read_text())
    assert row["year"] == 2025 and row["kind"] == "actual"
    assert (
        row["total"] == 1_000_000 and row["run_percent"] == 75.0 and row["innovate_percent"] == 10.0
    )


def test_cli_import_spend_reports_rows_and_exits_non_zero(org, tmp_path, capsys):
    path = tmp_path / "spend.csv"
    path.write_text(SPEND_BAD)
    with pytest.raises(CommandError, match="6 problem"):
        call_command("import", "spend", str(path), "--org", org.slug)
    err = capsys.readouterr().err
    assert "row 3, column amount (value '-5'): the amount must not be negative" in err
    assert "row 7, column application" in err


def test_the_application_export_lists_live_dependencies_with_queries_that_do_not_grow(org):
    """``depends_on`` holds the names of the live applications an application depends on
    (not a removed dependency, not a deleted application), sorted; the export's queries are
    the same for 3 and for 30 applications (the dependencies are read in one query)."""
    import csv

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from omslag.portfolio import services

    portal = application(org, "Portaal")
    for name in ("Zaken", "Archief", "Betalen", "Oud"):
        services.dependency_add(actor=None, application=portal, depends_on=application(org, name))
    gone = Dependency.objects.get(application=portal, depends_on__name="Betalen")
    services.dependency_remove(actor=None, dependency=gone)
    services.application_delete(actor=None, application=Application.objects.get(name="Oud"))

    def export():
        with CaptureQueriesContext(connection) as queries:
            exported = exchange.export_file(
                person=_operator(), organisation=org, kind="applications", fmt="csv"
            )
        rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
        return {row["name"]: row["depends_on"] for row in rows}, len(queries.captured_queries)

    found, few = export()
    assert found == {"Archief": "", "Betalen": "", "Portaal": "Archief; Zaken", "Zaken": ""}
    for number in range(26):
        extra = application(org, f"Extra {number:02d}")
        services.dependency_add(actor=None, application=extra, depends_on=portal)
    found, many = export()
    assert many == few
    assert found["Extra 07"] == "Portaal" and found["Portaal"] == "Archief; Zaken"
