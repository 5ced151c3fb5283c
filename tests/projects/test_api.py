"""The projects API through real requests: projects with their stored and computed figures,
reports (concept → checked → published, corrections), parts, reference classes, forecasts, and
the project imports and exports. Every answer is checked against an OpenAPI document generated
from the code; figures are worked out by hand or with numpy in the test."""

import datetime as dt
import json
from decimal import Decimal

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from omslag.organisations.models import Organisation, Role
from omslag.projects import services
from omslag.projects.models import Project, ProjectReport, ReferenceClass, ReviewAdvice
from tests.api.calls import call, invalid, ok, problem
from tests.conftest import SHARED_DATA, skip_unless

DATA = SHARED_DATA / "canada"
RATIOS = [0.8, 0.95, 1.0, 1.1, 1.2, 1.25, 1.4, 1.6, 2.0, 3.5, 1.05, 0.9]


def project(organisation, name, *estimates, status=Project.Status.IN_PROGRESS, **fields):
    """A project with one published report per estimate, a year apart from 2020-06-30."""
    created = services.project_create(
        actor=None, organisation=organisation, name=name, status=status, **fields
    )
    for year, estimate in enumerate(estimates):
        services.report_create(
            actor=None,
            project=created,
            peildatum=dt.date(2020 + year, 6, 30),
            total_cost_estimate=Decimal(estimate).quantize(Decimal("0.01")),
            status=ProjectReport.Status.PUBLISHED,
        )
    created.refresh_from_db()
    return created


def pairs(ratios, earlier=100.0):
    return [{"earlier": earlier, "later": earlier * ratio} for ratio in ratios]


def reference_class(organisation, ratios=RATIOS, name="test"):
    return services.reference_class_save(
        actor=None,
        organisation=organisation,
        name=name,
        origin=ReferenceClass.Origin.FILE,
        pairs=[(100.0, 100.0 * r, None, "") for r in ratios],
    )


# --- projects: CRUD, history, optimistic locking ---------------------------------------------


def test_project_lifecycle_through_the_api(orgs, editor):
    _ministry, agency, _municipality = orgs

    created = ok(
        call(
            editor,
            "post",
            "/organisations/{slug}/projects",
            {"name": "Nieuw belastingsysteem", "number": "BD-1", "startDate": "2020-01-01"},
            slug=agency.slug,
        ),
        201,
    )
    pk = created["id"]
    assert created["organisation"] == agency.slug and created["version"] == 1
    assert created["status"] == "in_progress" and created["currency"] == "EUR"
    assert created["reportCount"] == 0 and created["currentEstimate"] is None
    assert created["colour"] == "" and created["figures"] is None

    read = ok(call(editor, "get", "/projects/{id}", id=pk))
    assert read["name"] == "Nieuw belastingsysteem" and read["startDate"] == "2020-01-01"
    listed = ok(call(editor, "get", "/organisations/{slug}/projects", slug=agency.slug))
    assert [p["id"] for p in listed["results"]] == [pk] and listed["count"] == 1

    changed = ok(
        call(
            editor,
            "patch",
            "/projects/{id}",
            {"version": 1, "status": "reorientation", "goal": "Minder fouten"},
            id=pk,
        )
    )
    assert changed["version"] == 2 and changed["status"] == "reorientation"

    stale = problem(
        call(editor, "patch", "/projects/{id}", {"version": 1, "name": "X"}, id=pk), 409
    )
    assert stale["currentVersion"] == 2
    assert Project.objects.get(pk=pk).name == "Nieuw belastingsysteem"
    problem(call(editor, "delete", "/projects/{id}", query={"version": 1}, id=pk), 409)

    history = ok(call(editor, "get", "/projects/{id}/history", id=pk))
    assert [entry["kind"] for entry in history["results"]] == ["changed", "created"]
    first = history["results"][-1]["id"]

    assert call(editor, "delete", "/projects/{id}", query={"version": 2}, id=pk).status_code == 204
    problem(call(editor, "get", "/projects/{id}", id=pk), 404)

    restored = ok(
        call(
            editor,
            "post",
            "/projects/{id}/history/{historyId}/restore",
            id=pk,
            historyId=first,
        )
    )
    assert restored["reason"] == "restored an earlier version"
    back = ok(call(editor, "get", "/projects/{id}", id=pk))
    assert back["status"] == "in_progress" and back["goal"] == ""


def test_project_field_errors_are_400_naming_the_field(orgs, editor):
    agency = orgs[1]

    body = problem(
        call(
            editor,
            "post",
            "/organisations/{slug}/projects",
            {"status": "finished", "startDate": "soon", "currency": "EURO"},
            slug=agency.slug,
        ),
        400,
    )

    assert set(invalid(body)) == {"name", "status", "startDate", "currency"}
    assert not Project.objects.exists()


def test_an_external_identifier_twice_in_an_organisation_is_422(orgs, editor):
    agency = orgs[1]
    project(agency, "Eerste", external_id="X-1")

    body = problem(
        call(
            editor,
            "post",
            "/organisations/{slug}/projects",
            {"name": "Tweede", "externalId": "X-1"},
            slug=agency.slug,
        ),
        422,
    )

    assert "external identifier" in invalid(body)["body"]


# --- figures -------------------------------------------------------------------------------


def test_project_shows_stored_figures_and_both_baselines(orgs, editor):
    agency = orgs[1]
    pk = services.project_create(
        actor=None, organisation=agency, name="P", start_date=dt.date(2020, 1, 1)
    ).pk
    reports = [
        {
            "peildatum": "2020-06-30",
            "totalCostEstimate": "10000000",
            "estimatedEndDate": "2022-12-31",
        },
        {
            "peildatum": "2021-06-30",
            "totalCostEstimate": 14000000,
            "estimatedEndDate": "2023-12-31",
            "isRebaseline": True,
            "rebaselineReason": "De wet veranderde",
        },
        {
            "peildatum": "2022-06-30",
            "totalCostEstimate": "15400000.00",
            "cumulativeActualCost": "9000000",
            "estimatedEndDate": "2024-06-30",
        },
    ]
    for body in reports:
        ok(call(editor, "post", "/projects/{id}/reports", body, id=pk), 201)

    read = ok(call(editor, "get", "/projects/{id}", id=pk))

    # Stored against the original: 15.4 / 10 − 1 = +54 %; 2022-12-31 → 2024-06-30 is 18 months.
    assert read["reportCount"] == 3 and read["latestPeildatum"] == "2022-06-30"
    assert read["originalEstimate"] == "10000000.00"
    assert read["currentEstimate"] == "15400000.00"
    assert read["costChangePercent"] == 54.0
    assert read["originalEndDate"] == "2022-12-31" and read["currentEndDate"] == "2024-06-30"
    assert read["scheduleShiftMonths"] == 18
    assert read["costBucket"] == "10-20" and read["colour"] == "red"
    assert read["reviewThresholdMet"] is True

    figures = read["figures"]
    assert figures["forecastRemainingCost"] == "6400000.00"  # 15.4 M − 9 M
    assert figures["rebaselineCount"] == 1
    original, rebaseline = figures["againstOriginal"], figures["againstLastRebaseline"]
    assert original["baselineCost"] == "10000000.00" and original["costChange"] == "5400000.00"
    assert original["scheduleShiftBucket"] == "later_over_1_year"
    start = dt.date(2020, 1, 1)
    now_days = (dt.date(2024, 6, 30) - start).days
    planned_days = (dt.date(2022, 12, 31) - start).days
    assert original["durationChangePercent"] == round(
        (now_days - planned_days) * 100 / planned_days, 2
    )
    # Against the re-baseline: 15.4 / 14 − 1 = +10 %; 2023-12-31 → 2024-06-30 is 6 months.
    assert rebaseline["baselinePeildatum"] == "2021-06-30"
    assert rebaseline["costChange"] == "1400000.00" and rebaseline["costChangePercent"] == 10.0
    assert rebaseline["scheduleShiftMonths"] == 6
    assert rebaseline["scheduleShiftBucket"] == "later_up_to_1_year"


@pytest.fixture
def portfolio(orgs):
    """Four projects: two in the agency, one in the ministry, one without reports."""
    ministry, agency, _municipality = orgs
    alpha = project(agency, "Alpha", 1_000_000)  # green, 0-10
    bravo = project(agency, "Bravo", 10_000_000, 13_000_000)  # +30 %: red, 10-20
    charlie = project(
        ministry, "Charlie", 20_000_000, 22_000_000, status="reorientation"
    )  # +10 %: amber, 20-30
    delta = project(agency, "Delta")
    services.part_create(
        actor=None,
        model=ReviewAdvice,
        project=bravo,
        date=dt.date(2024, 1, 1),
        verdict="Herzien",
    )
    return {"alpha": alpha, "bravo": bravo, "charlie": charlie, "delta": delta}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["Alpha", "Bravo", "Charlie", "Delta"]),
        ({"colour": "red"}, ["Bravo"]),
        ({"colour": "red,amber"}, ["Bravo", "Charlie"]),
        ({"costBucket": ["10-20", "20-30"]}, ["Bravo", "Charlie"]),
        ({"status": "reorientation"}, ["Charlie"]),
        ({"reviewAdvice": "yes"}, ["Bravo"]),
        ({"reviewAdvice": "no"}, ["Alpha", "Charlie", "Delta"]),
        ({"search": "rav"}, ["Bravo"]),
        ({"organisation": "agentschap"}, ["Alpha", "Bravo", "Delta"]),
        ({"sort": "-estimate"}, ["Charlie", "Bravo", "Alpha", "Delta"]),
        ({"sort": "cost-change"}, ["Alpha", "Charlie", "Bravo", "Delta"]),
    ],
)
def test_project_list_filters_as_the_web_list(orgs, portfolio, client_as, query, expected):
    ministry = orgs[0]
    reader = client_as(Role.VIEWER, ministry)

    listed = ok(
        call(reader, "get", "/organisations/{slug}/projects", query=query, slug=ministry.slug)
    )

    assert [p["name"] for p in listed["results"]] == expected


def test_project_list_refuses_unknown_filter_values(orgs, viewer):
    body = problem(
        call(
            viewer,
            "get",
            "/organisations/{slug}/projects",
            query={"colour": "purple", "sort": "budget", "costBucket": "huge"},
            slug=orgs[1].slug,
        ),
        400,
    )

    assert set(invalid(body)) == {"colour", "sort", "costBucket"}


def test_project_list_takes_the_same_number_of_queries_for_more_projects(orgs, viewer):
    agency = orgs[1]
    url = f"/api/v1/organisations/{agency.slug}/projects"
    project(agency, "Eerste", 1_000_000, 1_200_000)
    viewer.get(url)  # the first request loads the person's memberships and the token
    with CaptureQueriesContext(connection) as few:
        assert viewer.get(url).status_code == 200
    for index in range(10):
        project(agency, f"Project {index}", 1_000_000, 1_100_000)
    with CaptureQueriesContext(connection) as many:
        assert len(viewer.get(url).json()["results"]) == 11

    assert len(many) == len(few)


# --- reports -------------------------------------------------------------------------------


def test_report_workflow_and_published_reports_never_change(orgs, editor):
    pk = project(orgs[1], "P").pk
    report = ok(
        call(
            editor,
            "post",
            "/projects/{id}/reports",
            {"peildatum": "2025-01-01", "totalCostEstimate": "1000000"},
            id=pk,
        ),
        201,
    )
    rid = report["id"]
    assert report["status"] == "concept" and report["totalCostEstimate"] == "1000000.00"
    assert report["corrects"] is None and report["publishedAt"] is None

    changed = ok(
        call(
            editor,
            "patch",
            "/reports/{id}",
            {"version": 1, "totalCostEstimate": "1100000.50", "notes": "bijgesteld"},
            id=rid,
        )
    )
    assert changed["totalCostEstimate"] == "1100000.50" and changed["version"] == 2
    problem(call(editor, "post", "/reports/{id}/advance", {"version": 1}, id=rid), 409)
    checked = ok(call(editor, "post", "/reports/{id}/advance", {"version": 2}, id=rid))
    assert checked["status"] == "checked"
    published = ok(call(editor, "post", "/reports/{id}/advance", {"version": 3}, id=rid))
    assert published["status"] == "published" and published["publishedAt"]

    refused = problem(
        call(editor, "patch", "/reports/{id}", {"version": 4, "notes": "anders"}, id=rid), 422
    )
    assert "never changes" in refused["detail"]
    assert (
        "never changes"
        in problem(call(editor, "delete", "/reports/{id}", query={"version": 4}, id=rid), 422)[
            "detail"
        ]
    )
    assert (
        "already published"
        in problem(call(editor, "post", "/reports/{id}/advance", {"version": 4}, id=rid), 422)[
            "detail"
        ]
    )
    assert ProjectReport.objects.get(pk=rid).notes == "bijgesteld"

    correction = ok(call(editor, "post", "/reports/{id}/correct", id=rid), 201)
    assert correction["status"] == "concept" and correction["corrects"] == rid
    assert correction["totalCostEstimate"] == "1100000.50"
    ok(
        call(
            editor,
            "patch",
            "/reports/{id}",
            {"version": 1, "totalCostEstimate": "1200000"},
            id=correction["id"],
        )
    )
    assert ok(call(editor, "get", "/projects/{id}", id=pk))["currentEstimate"] == "1100000.50"
    for version in (2, 3):
        ok(call(editor, "post", "/reports/{id}/advance", {"version": version}, id=correction["id"]))
    read = ok(call(editor, "get", "/projects/{id}", id=pk))
    assert read["currentEstimate"] == "1200000.00" and read["reportCount"] == 1

    listed = ok(call(editor, "get", "/projects/{id}/reports", id=pk))
    assert [r["id"] for r in listed["results"]] == [rid, correction["id"]]
    history = ok(call(editor, "get", "/reports/{id}/history", id=rid))
    assert len(history["results"]) == 4  # created, changed, checked, published


def test_a_concept_report_is_deleted_and_a_correction_only_of_a_published_one(orgs, editor):
    pk = project(orgs[1], "P").pk
    rid = ok(
        call(
            editor,
            "post",
            "/projects/{id}/reports",
            {"peildatum": "2025-01-01", "totalCostEstimate": 5},
            id=pk,
        ),
        201,
    )["id"]

    assert (
        "Only a published report"
        in problem(call(editor, "post", "/reports/{id}/correct", id=rid), 422)["detail"]
    )
    assert call(editor, "delete", "/reports/{id}", query={"version": 1}, id=rid).status_code == 204
    problem(call(editor, "get", "/reports/{id}", id=rid), 404)
    assert ok(call(editor, "get", "/projects/{id}", id=pk))["reportCount"] == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"totalCostEstimate": "-1"}, "totalCostEstimate"),
        ({"totalCostEstimate": "twelve"}, "totalCostEstimate"),
        ({"totalCostEstimate": "10.005"}, "totalCostEstimate"),
        ({"totalCostEstimate": 10, "hardware": -2}, "hardware"),
        ({"totalCostEstimate": 10, "estimatedEndDate": "31-12-2025x"}, "estimatedEndDate"),
        ({}, "totalCostEstimate"),
    ],
)
def test_bad_report_fields_are_400_and_nothing_is_saved(orgs, editor, body, field):
    pk = project(orgs[1], "P").pk

    response = call(
        editor, "post", "/projects/{id}/reports", {"peildatum": "2025-01-01", **body}, id=pk
    )

    assert field in invalid(problem(response, 400))
    assert not ProjectReport.objects.exists()


@pytest.mark.parametrize(
    ("body", "field", "reason"),
    [
        (
            {"totalCostEstimate": 100, "internalStaff": 30, "hardware": 20},
            "totalCostEstimate",
            "adds up to 50.00, not to the total of 100.00",
        ),
        ({"totalCostEstimate": 100, "isRebaseline": True}, "rebaselineReason", "reason"),
        ({"totalCostEstimate": 100, "ictComponentCost": 101}, "ictComponentCost", "more than"),
    ],
)
def test_reports_that_break_a_rule_are_422_naming_the_field(orgs, editor, body, field, reason):
    pk = project(orgs[1], "P").pk

    response = call(
        editor, "post", "/projects/{id}/reports", {"peildatum": "2025-01-01", **body}, id=pk
    )

    assert reason in invalid(problem(response, 422))[field]
    assert not ProjectReport.objects.exists()


# --- parts ---------------------------------------------------------------------------------

PARTS = [
    (
        "milestones",
        {"name": "Livegang", "plannedDate": "2026-01-01"},
        {"expectedDate": "2026-03-01"},
    ),
    (
        "quality-reviews",
        {"date": "2025-05-01", "reviewer": "Gateway", "conclusion": "Op koers"},
        {"conclusion": "Met zorgen"},
    ),
    (
        "review-advice",
        {"date": "2025-06-01", "verdict": "Bijsturen", "recommendations": "Kleiner beginnen"},
        {"followUp": "Overgenomen"},
    ),
    (
        "papers",
        {
            "reference": "Kamerstuk 26643-1000",
            "date": "2025-07-01",
            "title": "Voortgangsbrief",
            "url": "https://example.org/brief",
        },
        {"title": "Tweede voortgangsbrief"},
    ),
    (
        "benefits",
        {"description": "Minder papier", "indicator": "% digitaal", "targetValue": "80"},
        {"realisedValue": "35"},
    ),
]


@pytest.mark.parametrize(("path", "body", "change"), PARTS)
def test_parts_of_a_project_through_the_api(orgs, editor, viewer, outsider, path, body, change):
    pk = project(orgs[1], "P").pk

    created = ok(call(editor, "post", f"/projects/{{id}}/{path}", body, id=pk), 201)
    assert created["project"] == pk and created["version"] == 1
    assert {key: created[key] for key in body} == body
    listed = ok(call(viewer, "get", f"/projects/{{id}}/{path}", id=pk))
    assert [item["id"] for item in listed["results"]] == [created["id"]]

    changed = ok(
        call(editor, "patch", f"/{path}/{{id}}", {"version": 1, **change}, id=created["id"])
    )
    assert changed["version"] == 2 and {key: changed[key] for key in change} == change
    problem(
        call(editor, "patch", f"/{path}/{{id}}", {"version": 1, **change}, id=created["id"]), 409
    )
    problem(call(viewer, "post", f"/projects/{{id}}/{path}", body, id=pk), 403)
    problem(call(viewer, "patch", f"/{path}/{{id}}", {"version": 2}, id=created["id"]), 403)
    problem(call(outsider, "get", f"/{path}/{{id}}", id=created["id"]), 404)
    problem(call(outsider, "get", f"/projects/{{id}}/{path}", id=pk), 404)

    assert (
        call(
            editor, "delete", f"/{path}/{{id}}", query={"version": 2}, id=created["id"]
        ).status_code
        == 204
    )
    assert ok(call(viewer, "get", f"/projects/{{id}}/{path}", id=pk))["count"] == 0


def test_review_advice_marks_the_project(orgs, editor):
    pk = project(orgs[1], "P").pk
    advice = ok(
        call(
            editor,
            "post",
            "/projects/{id}/review-advice",
            {"date": "2025-06-01", "verdict": "Stoppen"},
            id=pk,
        ),
        201,
    )
    assert ok(call(editor, "get", "/projects/{id}", id=pk))["hasReviewAdvice"] is True

    assert call(editor, "delete", "/review-advice/{id}", id=advice["id"]).status_code == 204

    assert ok(call(editor, "get", "/projects/{id}", id=pk))["hasReviewAdvice"] is False


def test_a_bad_part_field_is_400_naming_it(orgs, editor):
    pk = project(orgs[1], "P").pk

    body = problem(
        call(editor, "post", "/projects/{id}/milestones", {"plannedDate": "soon"}, id=pk), 400
    )

    assert set(invalid(body)) == {"name", "plannedDate"}


# --- who may do what -------------------------------------------------------------------------


def test_viewers_read_and_may_not_write(orgs, viewer):
    agency = orgs[1]
    existing = project(agency, "P", 1_000_000)
    report = existing.reports.get()
    services.reference_class_shipped()

    ok(call(viewer, "get", "/projects/{id}", id=existing.pk))
    ok(call(viewer, "get", "/projects/{id}/reports", id=existing.pk))
    ok(call(viewer, "get", "/reports/{id}", id=report.pk))
    writes = [
        ("post", "/organisations/{slug}/projects", {"name": "Mine"}, {"slug": agency.slug}),
        ("patch", "/projects/{id}", {"version": 1, "name": "Mine"}, {"id": existing.pk}),
        ("delete", "/projects/{id}", None, {"id": existing.pk}),
        (
            "post",
            "/projects/{id}/reports",
            {"peildatum": "2026-01-01", "totalCostEstimate": 1},
            {"id": existing.pk},
        ),
        ("post", "/reports/{id}/correct", None, {"id": report.pk}),
        ("post", "/reports/{id}/advance", {"version": 1}, {"id": report.pk}),
        (
            "post",
            "/organisations/{slug}/reference-classes",
            {"name": "eigen", "pairs": pairs(RATIOS)},
            {"slug": agency.slug},
        ),
        (
            "post",
            "/organisations/{slug}/reference-classes/build",
            {"name": "x"},
            {"slug": agency.slug},
        ),
    ]
    for method, template, body, path in writes:
        problem(call(viewer, method, template, body, **path), 403)

    assert Project.objects.get().name == "P" and ProjectReport.objects.count() == 1
    assert not ReferenceClass.objects.exclude(organisation=None).exists()
    history = ok(call(viewer, "get", "/projects/{id}/history", id=existing.pk))
    problem(
        call(
            viewer,
            "post",
            "/projects/{id}/history/{historyId}/restore",
            id=existing.pk,
            historyId=history["results"][0]["id"],
        ),
        403,
    )


def test_other_organisations_projects_are_not_found(orgs, outsider):
    _ministry, agency, _municipality = orgs
    existing = project(agency, "P", 1_000_000)
    own = reference_class(agency)

    problem(call(outsider, "get", "/organisations/{slug}/projects", slug=agency.slug), 404)
    problem(call(outsider, "get", "/projects/{id}", id=existing.pk), 404)
    problem(call(outsider, "patch", "/projects/{id}", {"version": 1}, id=existing.pk), 404)
    problem(call(outsider, "get", "/reports/{id}", id=existing.reports.get().pk), 404)
    problem(call(outsider, "get", "/reference-classes/{id}", id=own.pk), 404)
    problem(
        call(
            outsider,
            "get",
            "/projects/{id}/forecast",
            query={"referenceClass": own.pk},
            id=existing.pk,
        ),
        404,
    )


def test_without_a_token_the_answer_is_401(orgs):
    problem(call(APIClient(), "get", "/organisations/{slug}/projects", slug=orgs[1].slug), 401)


# --- reference classes ----------------------------------------------------------------------


def test_reference_classes_own_ancestors_and_shipped(orgs, editor, client_as):
    ministry, agency, municipality = orgs
    reference_class(ministry, name="ministerie")
    reference_class(municipality, name="gemeente")

    listed = ok(call(editor, "get", "/organisations/{slug}/reference-classes", slug=agency.slug))

    by_name = {c["name"]: c for c in listed["results"]}
    shipped = [c for c in listed["results"] if c["organisation"] is None]
    assert len(shipped) == 1 and shipped[0]["origin"] == "shipped"
    assert shipped[0]["pairCount"] == 99  # the Canadian projects with a budget in both files
    assert by_name["ministerie"]["organisation"] == ministry.slug
    assert by_name["ministerie"]["pairCount"] == len(RATIOS)
    assert "gemeente" not in by_name
    detail = ok(call(editor, "get", "/reference-classes/{id}", id=shipped[0]["id"]))
    assert len(detail["pairs"]) == 99 and detail["ratios"]["count"] == 99


def test_a_reference_class_from_pairs_with_its_ratio_deciles(orgs, editor):
    agency = orgs[1]
    body = {
        "name": "eigen",
        "source": "Eigen projecten 2010-2020",
        "pairs": [
            {"earlier": 200.0, "later": 200.0 * ratio, "size": 200.0, "label": f"p{index}"}
            for index, ratio in enumerate(RATIOS)
        ],
    }

    created = ok(
        call(editor, "post", "/organisations/{slug}/reference-classes", body, slug=agency.slug),
        201,
    )

    assert created["organisation"] == agency.slug and created["origin"] == "file"
    assert created["kind"] == "cost" and created["pairCount"] == len(RATIOS)
    first = {"earlier": 200.0, "later": 200.0 * RATIOS[0], "size": 200.0, "label": "p0"}
    assert created["pairs"][0] == first
    ratios = created["ratios"]
    expected = np.quantile(np.array(RATIOS), [q / 10 for q in range(1, 10)])
    assert [ratios[f"p{q * 10}"] for q in range(1, 10)] == pytest.approx(list(expected))
    assert ratios["shareOverrun50Percent"] == pytest.approx(3 / 12)  # 1.6, 2.0 and 3.5
    assert ratios["mean"] == pytest.approx(np.mean(RATIOS))
    assert ok(call(editor, "get", "/reference-classes/{id}", id=created["id"])) == created

    replaced = call(
        editor,
        "post",
        "/organisations/{slug}/reference-classes",
        {"name": "eigen", "pairs": pairs([1.5] * 10)},
        slug=agency.slug,
    )
    assert ok(replaced)["id"] == created["id"] and replaced.json()["pairCount"] == 10
    assert replaced.json()["ratios"]["shareOverrun50Percent"] == 1.0


def test_too_few_pairs_is_422_too_little_to_forecast(orgs, editor):
    agency = orgs[1]

    body = problem(
        call(
            editor,
            "post",
            "/organisations/{slug}/reference-classes",
            {"name": "klein", "pairs": pairs([1.1] * 9)},
            slug=agency.slug,
        ),
        422,
    )

    assert "Too little to forecast: 9 pairs, at least 10 needed" in body["detail"]
    assert not ReferenceClass.objects.filter(name="klein").exists()


@pytest.mark.parametrize(
    ("pair", "status", "where"),
    [
        ({"earlier": 0, "later": 1}, 422, "Pair 11"),
        ({"earlier": 1, "later": -1}, 422, "Pair 11"),
        ({"earlier": "veel", "later": 1}, 400, "pairs.10.earlier"),
        ({"later": 1}, 400, "pairs.10.earlier"),
    ],
)
def test_a_bad_pair_is_refused_saying_which(orgs, editor, pair, status, where):
    body = {"name": "fout", "pairs": [*pairs(RATIOS[:10]), pair]}

    found = problem(
        call(editor, "post", "/organisations/{slug}/reference-classes", body, slug=orgs[1].slug),
        status,
    )

    assert where in (found["detail"] if status == 422 else set(invalid(found)))
    assert not ReferenceClass.objects.filter(name="fout").exists()


def test_a_reference_class_built_from_own_projects(orgs, editor):
    agency = orgs[1]
    slug = agency.slug

    too_few = problem(
        call(
            editor,
            "post",
            "/organisations/{slug}/reference-classes/build",
            {"name": "eigen"},
            slug=slug,
        ),
        422,
    )
    assert "Too little to forecast: 0 pairs" in too_few["detail"]

    for index, ratio in enumerate(RATIOS):
        project(agency, f"P{index}", 1_000_000, 1_000_000 * ratio)
    project(agency, "Eén rapport", 5_000_000)  # needs two reports to count
    built = ok(
        call(
            editor,
            "post",
            "/organisations/{slug}/reference-classes/build",
            {"name": "eigen"},
            slug=slug,
        ),
        201,
    )

    assert built["origin"] == "own_projects" and built["pairCount"] == len(RATIOS)
    assert built["ratios"]["p50"] == pytest.approx(np.quantile(RATIOS, 0.5))


# --- forecasts -----------------------------------------------------------------------------


def test_project_forecast_is_the_estimate_times_the_numpy_quantiles(orgs, editor):
    _ministry, agency, municipality = orgs
    own = reference_class(agency)
    pk = project(agency, "P", 1_500_000, 2_000_000).pk

    found = ok(
        call(editor, "get", "/projects/{id}/forecast", query={"referenceClass": own.pk}, id=pk)
    )

    expected = 2_000_000 * np.quantile(np.array(RATIOS), [0.5, 0.8, 0.9])
    assert [found["p50"], found["p80"], found["p90"]] == pytest.approx(list(expected))
    assert found["currentEstimate"] == 2_000_000.0 and found["currency"] == "EUR"
    assert found["referenceClass"] == {"id": own.pk, "name": "test", "pairs": 12}
    assert found["ratioQuantiles"]["p80"] == pytest.approx(np.quantile(RATIOS, 0.8))
    assert found["probabilityOverrun50Percent"] == pytest.approx(3 / 12)

    other = reference_class(municipality, name="elders")
    for value in (other.pk, 999_999, "een"):
        body = problem(
            call(editor, "get", "/projects/{id}/forecast", query={"referenceClass": value}, id=pk),
            400,
        )
        assert set(invalid(body)) == {"referenceClass"}
    empty = project(agency, "Leeg").pk
    assert (
        "no report with a cost estimate"
        in problem(
            call(
                editor, "get", "/projects/{id}/forecast", query={"referenceClass": own.pk}, id=empty
            ),
            422,
        )["detail"]
    )


def test_a_class_of_an_ancestor_may_be_used(orgs, editor):
    ministry, agency, _municipality = orgs
    inherited = reference_class(ministry, name="ministerie")
    pk = project(agency, "P", 1_000_000).pk

    found = ok(
        call(
            editor, "get", "/projects/{id}/forecast", query={"referenceClass": inherited.pk}, id=pk
        )
    )

    assert found["p50"] == pytest.approx(1_000_000 * np.quantile(RATIOS, 0.5))


def test_portfolio_forecast_is_repeatable_with_a_seed_and_the_cli_document(orgs, editor, capsys):
    agency = orgs[1]
    own = reference_class(agency, name="eigen")
    project(agency, "Alpha", 1_000_000, 1_200_000)
    project(agency, "Bravo", 4_000_000)
    project(agency, "Klaar", 2_000_000, status="completed")  # not in the portfolio total
    project(agency, "Leeg")
    query = {"referenceClass": own.pk, "seed": 7, "iterations": 2000}
    url = "/organisations/{slug}/forecast"

    first = ok(call(editor, "get", url, query=query, slug=agency.slug))
    again = ok(call(editor, "get", url, query=query, slug=agency.slug))
    other = ok(call(editor, "get", url, query={**query, "seed": 8}, slug=agency.slug))

    # A seed of one's own is computed for the request, as of that request.
    assert first["figures"]["stored"] is False and first["figures"]["pending"] is False
    assert first.pop("figures")["asOf"] <= again.pop("figures")["asOf"]
    assert first == again and first["portfolio"] != other["portfolio"]
    assert first["seed"] == 7 and first["iterations"] == 2000
    assert first["referenceClass"] == {"name": "eigen", "pairs": 12}
    portfolio = first["portfolio"]
    assert portfolio["projects"] == 2 and portfolio["totalEstimate"] == 5_200_000.0
    assert portfolio["p50"] <= portfolio["p80"] <= portfolio["p90"]
    rows = {row["name"]: row for row in first["projects"]}
    assert rows["Bravo"]["p80"] == pytest.approx(4_000_000 * np.quantile(RATIOS, 0.8))
    assert "p50" not in rows["Leeg"] and rows["Leeg"]["currentEstimate"] is None

    call_command(
        "forecast", "--org", agency.slug, "--reference-class", "eigen", "--seed", "7",
        "--iterations", "2000",
    )  # fmt: skip
    printed = json.loads(capsys.readouterr().out)
    assert printed.pop("figures")["stored"] is False
    assert printed == first  # the same document as the CLI's


def test_portfolio_forecast_refuses_bad_parameters_and_an_empty_portfolio(orgs, editor):
    agency = orgs[1]
    own = reference_class(agency)
    url = "/organisations/{slug}/forecast"

    body = problem(
        call(editor, "get", url, query={"iterations": 10, "seed": -1}, slug=agency.slug), 400
    )
    assert set(invalid(body)) == {"referenceClass", "iterations", "seed"}
    empty = problem(
        call(editor, "get", url, query={"referenceClass": own.pk}, slug=agency.slug), 422
    )
    assert "Nothing to forecast" in empty["detail"]


# --- imports and exports ---------------------------------------------------------------------


def upload(name, content: bytes):
    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_table_import_with_unparseable_money_names_row_column_and_value(orgs, client_as):
    agency = orgs[1]
    admin = client_as(Role.ADMIN, agency)
    text = (
        "external_id,peildatum,name,total_cost_estimate\n"
        'p-1,2025-06-30,Alpha,"1.250.000,00"\n'
        "p-2,2025-06-30,Bravo,twaalf miljoen\n"
        "p-3,2025-06-30,Charlie,-5\n"
    )

    body = problem(
        call(
            admin,
            "post",
            "/imports",
            {
                "organisation": agency.slug,
                "kind": "projects",
                "file": upload("p.csv", text.encode()),
            },
            multipart=True,
        ),
        422,
    )

    found = {(e["row"], e["column"], e["value"]) for e in body["errors"]}
    assert found == {
        (3, "total_cost_estimate", "twaalf miljoen"),
        (4, "total_cost_estimate", "-5"),
    }
    assert not Project.objects.exists()


def test_table_import_then_export_with_the_forecast_columns(orgs, client_as):
    agency = orgs[1]
    admin = client_as(Role.ADMIN, agency)
    text = (
        "external_id,peildatum,name,total_cost_estimate,estimated_end_date\n"
        'p-1,2024-06-30,Alpha,"1.000.000,00",2026-01-31\n'
        "p-1,2025-06-30,Alpha,1250000,2026-07-31\n"
    )
    job = ok(
        call(
            admin,
            "post",
            "/imports",
            {
                "organisation": agency.slug,
                "kind": "projects",
                "file": upload("p.csv", text.encode()),
            },
            multipart=True,
        ),
        201,
    )
    assert job["format"] == "table" and job["status"] == "imported"
    own = reference_class(agency)

    exported = call(
        admin,
        "get",
        "/exports/{kind}",
        query={"organisation": agency.slug, "format": "json", "referenceClass": own.pk},
        kind="projects",
    )

    assert exported.status_code == 200
    (row,) = json.loads(b"".join(exported.streaming_content))
    assert row["original_estimate"] == 1_000_000 and row["current_estimate"] == 1_250_000
    assert row["end_date_shift_months"] == 6
    assert row["forecast_p50"] == pytest.approx(round(1_250_000 * np.quantile(RATIOS, 0.5), 2))
    assert row["forecast_p90"] == pytest.approx(round(1_250_000 * np.quantile(RATIOS, 0.9), 2))
    plain = call(
        admin, "get", "/exports/{kind}", query={"organisation": agency.slug}, kind="projects"
    )
    assert "forecast_p50" not in json.loads(b"".join(plain.streaming_content))[0]


@pytest.mark.parametrize(
    ("kind", "value", "reason"),
    [
        ("projects", 999_999, "no reference class with id 999999"),
        ("projects", "een", "valid integer"),
        ("organisations", None, "takes no reference class"),
    ],
)
def test_an_export_with_a_wrong_reference_class_is_400(orgs, client_as, kind, value, reason):
    agency = orgs[1]
    admin = client_as(Role.ADMIN, agency)
    if value is None:
        value = reference_class(agency).pk

    body = problem(
        call(
            admin,
            "get",
            "/exports/{kind}",
            query={"organisation": agency.slug, "referenceClass": value},
            kind=kind,
        ),
        400,
    )

    assert reason in invalid(body)["referenceClass"]


def test_an_import_format_another_kind_does_not_have_is_422(orgs, client_as):
    agency = orgs[1]
    admin = client_as(Role.ADMIN, agency)

    body = problem(
        call(
            admin,
            "post",
            "/imports",
            {
                "organisation": agency.slug,
                "kind": "organisations",
                "format": "canada-snapshot",
                "file": upload("o.csv", b"slug,name\n"),
            },
            multipart=True,
        ),
        422,
    )

    assert "Unknown format canada-snapshot for organisations" in body["detail"]
    bad = problem(
        call(
            admin,
            "post",
            "/imports",
            {
                "organisation": agency.slug,
                "kind": "projects",
                "format": "excel",
                "file": upload("o.csv", b"x\n"),
            },
            multipart=True,
        ),
        400,
    )
    assert set(invalid(bad)) == {"format"}


@pytest.fixture
def canada_files():
    skip_unless(DATA.exists(), f"the shared Canadian data is not at {DATA}")
    return {year: (DATA / f"gc-it-projects-{year}.csv").read_bytes() for year in (2016, 2019)}


def test_canadian_snapshots_through_the_api_and_reimport_changes_nothing(
    orgs,
    client_as,
    canada_files,
):
    agency = orgs[1]
    admin = client_as(Role.ADMIN, agency)

    def send(year, dry_run=False):
        body = {
            "organisation": agency.slug,
            "kind": "projects",
            "format": "canada-snapshot",
            "file": upload(f"gc-{year}.csv", canada_files[year]),
            "dryRun": dry_run,
        }
        return ok(call(admin, "post", "/imports", body, multipart=True), 201)

    checked = send(2016, dry_run=True)
    assert checked["status"] == "checked" and checked["format"] == "canada-snapshot"
    assert not Project.objects.exists()
    confirmed = ok(call(admin, "post", "/imports/{id}/confirm", id=checked["id"]))
    assert confirmed["status"] == "imported" and confirmed["report"]["created"] > 0
    second = send(2019)
    assert second["report"]["ok"] and second["report"]["rowsTotal"] == 463
    before = (Project.objects.count(), ProjectReport.objects.count())

    again = send(2019)["report"]

    # Rows without a total budget are skipped with a note (see tests/projects/test_core.py).
    assert (again["created"], again["updated"]) == (0, 0)
    assert again["unchanged"] + again["skipped"] == 463 and again["skipped"] > 0
    assert (Project.objects.count(), ProjectReport.objects.count()) == before
    # One project by hand from the two files: $23,690,000 in 2016, $14,012,000 in 2019.
    listed = ok(
        call(
            admin,
            "get",
            "/organisations/{slug}/projects",
            query={"search": "ssc-aacs"},
            slug=agency.slug,
        )
    )
    (found,) = listed["results"]
    assert found["currency"] == "CAD" and found["organisation"] == f"{agency.slug}-ssc"
    assert found["originalEstimate"] == "23690000.00"
    assert found["currentEstimate"] == "14012000.00"
    assert found["costChangePercent"] == round((14_012_000 / 23_690_000 - 1) * 100, 2)
    assert found["scheduleShiftMonths"] == 15
    assert Organisation.objects.get(slug=f"{agency.slug}-ssc").parent == agency
