"""Nothing of the Canadian register is dropped without a word: rows without a total budget,
blank end dates in a later report and projects a later snapshot no longer lists, each built
from rows of the real files in ../shared/data/canada (or where OMSLAG_SHARED_DATA says)."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from omslag.exchange import services as exchange
from omslag.projects.models import Project, ProjectReport
from tests.conftest import SHARED_DATA, skip_unless

DATA = SHARED_DATA / "canada"
FILES = ["gc-it-projects-2016.csv", "gc-it-projects-2019.csv"]


@pytest.fixture
def org(tree):
    skip_unless(DATA.is_dir(), f"the shared Canadian data is not at {DATA}")
    return tree[0]


def rows_of(name) -> dict[str, dict]:
    with (DATA / name).open(newline="", encoding="utf-8") as handle:
        return {row["uniqueId"]: row for row in csv.DictReader(handle)}


def file_of(rows: list[dict]) -> bytes:
    """A snapshot file of these rows of the real files, with the real header."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def long_date(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%B %d, %Y").date()


def run(org, content: bytes, name="snapshot.csv"):
    report = exchange.import_file(
        actor=None,
        organisation=org,
        kind="projects",
        fmt="canada-snapshot",
        stream=io.BytesIO(content),
        filename=name,
    )
    assert report.ok, report.problems[:5]
    return report


def notes_of(report) -> dict[tuple[int, str], str]:
    return {(note.row, note.column): note.reason for note in report.notes}


def test_a_row_without_a_total_budget_is_kept_as_a_project_and_said_so(org):
    first = rows_of(FILES[0])
    row = first["inac-irems"]
    assert row["totalBudget"] == "" and row["estimatedCompletionDate"]  # as in the file

    report = run(org, file_of([row]))

    assert (report.created, report.updated, report.skipped) == (1, 0, 0)
    reason = notes_of(report)[(2, "totalBudget")]
    end = long_date(row["estimatedCompletionDate"]).isoformat()
    assert "no total budget" in reason and end in reason
    assert Project.objects.get(external_id="inac-irems").reports.count() == 0


def test_a_blank_end_date_in_a_later_report_keeps_the_last_known_one_not_reconfirmed(org):
    first, second = rows_of(FILES[0]), rows_of(FILES[1])
    uid = "cbsa-pmi"
    assert second[uid]["estimatedCompletionDate"] == "" and first[uid]["totalBudget"]
    run(org, file_of([first[uid]]))

    report = run(org, file_of([second[uid]]))

    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    project = Project.objects.get(external_id=uid)
    later = project.reports.get(peildatum=long_date(second[uid]["asOfDate"]))
    known = long_date(first[uid]["estimatedCompletionDate"])
    assert later.estimated_end_date == known
    assert "not re-confirmed" in later.notes and known.isoformat() in later.notes
    assert "not re-confirmed" in notes_of(report)[(2, "estimatedCompletionDate")]
    # The cost still moves against the first report; the schedule keeps the last known end.
    budget = Decimal(second[uid]["totalBudget"].strip("$").replace(",", ""))
    assert project.current_estimate == budget
    assert project.current_end_date == known


def test_projects_a_later_snapshot_no_longer_lists_are_named_with_the_last_date_seen(org):
    first, second = rows_of(FILES[0]), rows_of(FILES[1])
    gone = next(uid for uid in first if uid not in second and first[uid]["totalBudget"])
    kept = next(uid for uid in first if uid in second and first[uid]["totalBudget"])
    run(org, file_of([first[gone], first[kept]]))

    report = run(org, file_of([second[kept]]))

    found = [note for note in report.notes if note.column == "uniqueId"]
    assert [note.value for note in found] == [gone]
    seen = long_date(first[gone]["asOfDate"]).isoformat()
    assert "no longer reported" in found[0].reason and seen in found[0].reason


def test_whole_files_count_created_updated_unchanged_and_skipped_rows(org):
    first, second = rows_of(FILES[0]), rows_of(FILES[1])
    report = run(org, (DATA / FILES[0]).read_bytes(), FILES[0])
    assert (report.created, report.updated, report.unchanged, report.skipped) == (398, 0, 0, 0)
    no_budget = {uid for uid, row in first.items() if not row["totalBudget"]}
    notes = notes_of(report)
    assert {note.value for note in report.notes if note.column == "totalBudget"} == {""}
    assert sum(1 for key in notes if key[1] == "totalBudget") == len(no_budget)

    report = run(org, (DATA / FILES[1]).read_bytes(), FILES[1])

    both = set(first) & set(second)
    expected_updated = {uid for uid in both if second[uid]["totalBudget"]}
    expected_skipped = {uid for uid in both if not second[uid]["totalBudget"]}
    assert report.created == len(set(second) - set(first))
    assert report.updated == len(expected_updated)
    assert report.skipped == len(expected_skipped)
    assert report.created + report.updated + report.unchanged + report.skipped == len(second)
    # Every project with a 2016 report that 2019 no longer lists is named.
    gone = {uid for uid in set(first) - set(second) if first[uid]["totalBudget"]}
    named = {note.value for note in report.notes if note.column == "uniqueId"}
    assert named == gone
    # Blank (or TBD) end dates of 2019 for projects with a known 2016 end: kept, noted.
    carried = {
        uid
        for uid in both
        if second[uid]["totalBudget"]
        and second[uid]["estimatedCompletionDate"].strip().upper() in ("", "TBD")
        and first[uid]["totalBudget"]
        and first[uid]["estimatedCompletionDate"].strip().upper() not in ("", "TBD")
    }
    assert carried  # the files have such rows
    for uid in carried:
        report_2019 = ProjectReport.objects.get(
            project__external_id=uid, peildatum=long_date(second[uid]["asOfDate"])
        )
        assert report_2019.estimated_end_date == long_date(first[uid]["estimatedCompletionDate"])


def test_the_command_line_lists_the_skipped_and_partly_used_rows(org, tmp_path, capsys):
    path = tmp_path / "part.csv"
    first = rows_of(FILES[0])
    path.write_bytes(file_of([first["inac-irems"], first["aafc-pssstp"]]))

    call_command("import", "projects", str(path), "--org", org.slug, "--format", "canada-snapshot")

    out = capsys.readouterr().out
    assert "2 created" in out and "0 skipped" in out
    assert "row 2, column totalBudget" in out and "no total budget" in out


def test_the_preview_page_and_the_api_list_the_notes(org, make_member):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from tests.conftest import api_client_for

    first = rows_of(FILES[0])
    member = make_member("admin", org)
    job = exchange.import_job_check(
        actor=member,
        organisation=org,
        kind="projects",
        upload=SimpleUploadedFile("part.csv", file_of([first["inac-irems"]])),
        fmt="canada-snapshot",
    )
    client = Client()
    client.force_login(member)
    page = client.get(f"/imports/{job.pk}").content.decode()
    assert "no total budget" in page  # the note, in the table of skipped or partly used rows
    api = api_client_for(member)
    body = api.get(f"/api/v1/imports/{job.pk}").json()
    assert body["report"]["notesTotal"] == 1 and body["report"]["skipped"] == 0
    assert body["report"]["notes"][0]["column"] == "totalBudget"


# --- projects a later snapshot no longer lists: flagged, and out of the forecast by default ---


def test_no_longer_reported_projects_are_left_out_of_the_forecast_unless_asked(org, make_member):
    from django.test import Client

    from omslag.projects import selectors, services
    from tests.conftest import api_client_for

    first, second = rows_of(FILES[0]), rows_of(FILES[1])
    run(org, (DATA / FILES[0]).read_bytes(), FILES[0])
    run(org, (DATA / FILES[1]).read_bytes(), FILES[1])
    gone = {uid for uid in set(first) - set(second) if first[uid]["totalBudget"]}
    with_estimate = {uid for uid in first if first[uid]["totalBudget"]} | {
        uid for uid in second if second[uid]["totalBudget"]
    }
    seen = long_date(next(iter(first.values()))["asOfDate"])
    assert (
        set(Project.objects.filter(not_reported_after=seen).values_list("external_id", flat=True))
        == gone
    )
    assert selectors.no_longer_reported_count(org) == len(gone)

    shipped = services.reference_class_shipped()
    # Canadian dollars are not added to euro without a stated rate: the portfolio is refused.
    refused = selectors.forecast_report(org, shipped, seed=1, iterations=200)
    assert refused["portfolio"] is None
    assert refused["unconvertedCurrencies"] == [
        {"currency": "CAD", "projects": len(with_estimate) - len(gone)}
    ]
    services.exchange_rate_set(actor=None, organisation=org, currency="CAD", rate="0.68")
    default = selectors.forecast_report(org, shipped, seed=1, iterations=200)
    assert default["portfolio"]["projects"] == len(with_estimate) - len(gone)
    assert [rate["rate"] for rate in default["exchangeRates"]] == ["0.68"]
    assert default["noLongerReported"] == {
        "count": len(gone),
        "included": False,
        "leftOut": len(gone),
    }
    entry = next(p for p in default["projects"] if p["externalId"] == sorted(gone)[0])
    assert entry["notReportedAfter"] == seen

    member = make_member("viewer", org)
    body = (
        api_client_for(member)
        .get(
            f"/api/v1/organisations/{org.slug}/forecast",
            {"referenceClass": shipped.pk, "includeNoLongerReported": "true", "seed": 1},
        )
        .json()
    )
    assert body["portfolio"]["projects"] == len(with_estimate)
    assert body["noLongerReported"] == {"count": len(gone), "included": True, "leftOut": 0}

    client = Client()
    client.force_login(member)
    page = client.get(f"/organisations/{org.slug}/project-portfolio").content.decode()
    assert f"{len(gone)} lopende projecten blijven buiten deze prognose" in page
    assert 'name="include-no-longer-reported"' in page
    page = client.get(
        f"/organisations/{org.slug}/project-portfolio?include-no-longer-reported=1"
    ).content.decode()
    assert f"De prognose telt {len(gone)} projecten mee" in page


def test_a_project_listed_again_is_no_longer_flagged(org):
    first, second = rows_of(FILES[0]), rows_of(FILES[1])
    gone = next(uid for uid in first if uid not in second and first[uid]["totalBudget"])
    kept = next(uid for uid in first if uid in second and first[uid]["totalBudget"])
    run(org, file_of([first[gone], first[kept]]))
    run(org, file_of([second[kept]]))
    assert Project.objects.get(external_id=gone).not_reported_after is not None

    # The same project in a snapshot after that (its 2016 row, dated later).
    again = {**first[gone], "asOfDate": "June 1, 2019"}
    run(org, file_of([again, {**second[kept], "asOfDate": "June 1, 2019"}]))

    assert Project.objects.get(external_id=gone).not_reported_after is None
