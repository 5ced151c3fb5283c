"""The portfolio API through real requests: the register, dependencies, spend lines, targets,
scenarios, and the balance, legacy risk and projections computed from them. Every answer is
checked against openapi.json; figures are worked out by hand in the test."""

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from rest_framework.test import APIClient

from omslag.common.errors import RuleViolation
from omslag.organisations.models import Role
from omslag.portfolio import services
from omslag.portfolio.models import Application, Dependency, Scenario, SpendLine, SpendTarget
from tests.api.calls import call, invalid, ok, problem

from .factories import application, spend

TODAY = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def orgs(tree):
    """ministry > agency, and an unrelated municipality."""
    return tree


@pytest.fixture
def client_as(make_member, api_for):
    def make(role, organisation):
        client = api_for(make_member(role, organisation))
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # reasons are asserted in English
        return client

    return make


@pytest.fixture
def editor(orgs, client_as):
    return client_as(Role.EDITOR, orgs[1])


@pytest.fixture
def viewer(orgs, client_as):
    return client_as(Role.VIEWER, orgs[1])


@pytest.fixture
def outsider(orgs, client_as):
    """An administrator of the municipality: the agency's records are not found for them."""
    return client_as(Role.ADMIN, orgs[2])


APPLICATION = {
    "name": "Zaaksysteem",
    "ownerUnit": "Burgerzaken",
    "vendor": "Leverancier B.V.",
    "goLiveYear": 2015,
    "endOfSupport": "2027-12-31",
    "users": 120,
    "availability": "high",
    "businessValue": 5,
    "technicalCondition": 2,
}


# --- applications: CRUD, history, output ----------------------------------------------------


def test_application_lifecycle_through_the_api(orgs, editor):
    _ministry, agency, _municipality = orgs

    created = ok(
        call(editor, "post", "/organisations/{slug}/applications", APPLICATION, slug=agency.slug),
        201,
    )
    pk = created["id"]
    assert isinstance(pk, int)
    assert created["organisation"] == agency.slug and created["version"] == 1
    assert created["timePosition"] == created["derivedTimePosition"] == "migrate"  # 5 × 2
    assert created["runCost"] == "0.00"

    read = ok(call(editor, "get", "/applications/{id}", id=pk))
    assert read == created

    changed = ok(
        call(
            editor,
            "patch",
            "/applications/{id}",
            {
                "version": 1,
                "timeOverride": "eliminate",
                "timeOverrideReason": "Replaced by the national service",
            },
            id=pk,
        )
    )
    assert changed["version"] == 2 and changed["vendor"] == "Leverancier B.V."
    assert (changed["timePosition"], changed["derivedTimePosition"]) == ("eliminate", "migrate")

    listed = ok(call(editor, "get", "/organisations/{slug}/applications", slug=agency.slug))
    assert [a["id"] for a in listed["results"]] == [pk] and listed["count"] == 1

    history = ok(call(editor, "get", "/applications/{id}/history", id=pk))
    assert [entry["kind"] for entry in history["results"]] == ["changed", "created"]
    first = history["results"][-1]["id"]

    deleted = call(editor, "delete", "/applications/{id}", query={"version": 2}, id=pk)
    assert deleted.status_code == 204
    problem(call(editor, "get", "/applications/{id}", id=pk), 404)
    assert Application.all_objects.get(pk=pk).is_deleted  # soft: the history stays

    restored = ok(
        call(
            editor,
            "post",
            "/applications/{id}/history/{historyId}/restore",
            id=pk,
            historyId=first,
        )
    )
    assert restored["kind"] == "undeleted"
    back = ok(call(editor, "get", "/applications/{id}", id=pk))
    assert back["timePosition"] == "migrate" and back["timeOverride"] == ""


def test_run_cost_is_the_actual_run_spend_of_the_latest_year_with_actuals(orgs, editor):
    agency = orgs[1]
    app = application(agency, "Belastingen", value=4, condition=1)
    spend(agency, 2024, 90_000, "run", application=app)
    spend(agency, 2025, 100_000, "run", application=app)
    spend(agency, 2025, 20_000, "run", application=app)
    spend(agency, 2025, 5_000, "change", application=app)  # not run
    spend(agency, 2026, 999_000, "run", kind="budget", application=app)  # not actual

    read = ok(call(editor, "get", "/applications/{id}", id=app.pk))

    assert read["runCost"] == "120000.00"  # 100,000 + 20,000 in 2025


def test_application_list_filters_like_the_web_list(orgs, editor):
    agency = orgs[1]
    slug = agency.slug
    keep = application(
        agency,
        "Archief",
        value=2,
        condition=1,
        owner_unit="Documentatie",
        end_of_support=dt.date(2025, 1, 1),
        confidentiality="high",
    )
    move = application(
        agency,
        "Burgerzaken",
        value=5,
        condition=1,
        vendor="Centric",
        end_of_support=dt.date(2027, 6, 1),
        status="being_retired",
    )
    application(
        agency,
        "Website",
        value=5,
        condition=5,
        end_of_support=dt.date(2035, 1, 1),
        purpose="Informatie voor inwoners",
    )
    application(agency, "Zaken", value=1, condition=5)
    spend(agency, 2025, 10_000, "run", application=keep)
    spend(agency, 2025, 80_000, "run", application=move)

    def names(**query):
        body = ok(call(editor, "get", "/organisations/{slug}/applications", query=query, slug=slug))
        return [a["name"] for a in body["results"]]

    assert names() == ["Archief", "Burgerzaken", "Website", "Zaken"]
    assert names(search="inwoners") == ["Website"]
    assert names(search="centric") == ["Burgerzaken"]
    assert names(time=["eliminate", "migrate"]) == ["Archief", "Burgerzaken"]  # repeated
    assert names(time="eliminate,tolerate") == ["Archief", "Zaken"]  # comma list
    assert names(status="being_retired") == ["Burgerzaken"]
    assert names(owner="documentatie") == ["Archief"]
    assert names(endOfSupport="past") == ["Archief"]  # today is 2026-06-01
    assert names(endOfSupport="within-24-months") == ["Burgerzaken"]
    assert names(endOfSupport="later") == ["Website"]
    assert names(endOfSupport="unknown") == ["Zaken"]
    assert names(bioHigh="confidentiality") == ["Archief"]
    assert names(sort="-run-cost") == ["Burgerzaken", "Archief", "Website", "Zaken"]
    assert names(sort="-name", pageSize=2) == ["Zaken", "Website"]


@pytest.mark.parametrize(
    "query, field",
    [
        ({"time": "castle"}, "time"),
        ({"time": "invest,castle"}, "time"),
        ({"sort": "price"}, "sort"),
        ({"endOfSupport": "soon"}, "endOfSupport"),
        ({"bioHigh": "all"}, "bioHigh"),
    ],
)
def test_unknown_filter_value_is_400_naming_the_parameter(orgs, editor, query, field):
    response = call(
        editor, "get", "/organisations/{slug}/applications", query=query, slug=orgs[1].slug
    )

    assert field in invalid(problem(response, 400))


def test_application_list_takes_the_same_number_of_queries_for_3_or_30(
    orgs, editor, django_assert_max_num_queries
):
    agency = orgs[1]
    for index in range(3):
        spend(agency, 2025, 1000, "run", application=application(agency, f"App {index}"))
    url = f"/api/v1/organisations/{agency.slug}/applications"
    editor.get(url)  # warm up the throttle's cache entry
    # 8 for the token, the throttle and its cache; organisation, roles, the latest year with
    # actuals, the count, the page.
    with django_assert_max_num_queries(13) as few:
        assert editor.get(url).status_code == 200
    for index in range(3, 30):
        spend(agency, 2025, 1000, "run", application=application(agency, f"App {index}"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(editor.get(url).json()["results"]) == 30


# --- dependencies ---------------------------------------------------------------------------


def test_dependencies_needs_and_needed_by(orgs, editor):
    agency = orgs[1]
    portal, zaak, db = (application(agency, n) for n in ("Portaal", "Zaaksysteem", "Database"))

    first = ok(
        call(
            editor,
            "post",
            "/applications/{id}/dependencies",
            {"dependsOn": zaak.pk, "note": "Haalt zaken op"},
            id=portal.pk,
        ),
        201,
    )
    ok(
        call(editor, "post", "/applications/{id}/dependencies", {"dependsOn": db.pk}, id=zaak.pk),
        201,
    )
    assert (first["application"], first["dependsOn"], first["dependsOnName"]) == (
        portal.pk,
        zaak.pk,
        "Zaaksysteem",
    )

    of_zaak = ok(call(editor, "get", "/applications/{id}/dependencies", id=zaak.pk))
    assert [d["dependsOnName"] for d in of_zaak["needs"]] == ["Database"]
    assert [d["applicationName"] for d in of_zaak["neededBy"]] == ["Portaal"]

    assert ok(call(editor, "get", "/dependencies/{id}", id=first["id"]))["note"] == "Haalt zaken op"
    assert (
        call(
            editor, "delete", "/dependencies/{id}", query={"version": 1}, id=first["id"]
        ).status_code
        == 204
    )
    assert ok(call(editor, "get", "/applications/{id}/dependencies", id=zaak.pk))["neededBy"] == []


def test_dependency_on_itself_or_twice_is_422(orgs, editor):
    agency = orgs[1]
    a, b = application(agency, "A"), application(agency, "B")

    itself = problem(
        call(editor, "post", "/applications/{id}/dependencies", {"dependsOn": a.pk}, id=a.pk), 422
    )
    assert "itself" in invalid(itself)["dependsOn"]

    ok(call(editor, "post", "/applications/{id}/dependencies", {"dependsOn": b.pk}, id=a.pk), 201)
    twice = problem(
        call(editor, "post", "/applications/{id}/dependencies", {"dependsOn": b.pk}, id=a.pk), 422
    )
    assert "already recorded" in " ".join(invalid(twice).values())
    assert Dependency.objects.count() == 1


def test_dependency_on_another_organisations_application_looks_like_an_unknown_id(
    orgs, editor, client_as
):
    ministry, agency, municipality = orgs
    ours = application(agency, "Ons")
    theirs = application(municipality, "Hun")  # not readable for the editor
    parents = application(ministry, "Ministerie")  # readable for a ministry admin, still foreign
    admin = client_as(Role.ADMIN, ministry)

    reasons = {}
    for client, target in [(editor, theirs.pk), (admin, parents.pk), (editor, 999_999)]:
        body = problem(
            call(
                client, "post", "/applications/{id}/dependencies", {"dependsOn": target}, id=ours.pk
            ),
            400,
        )
        reasons[target] = invalid(body)["dependsOn"].replace(str(target), "ID")

    assert len(set(reasons.values())) == 1, reasons  # nothing tells the three apart
    assert "no application with id ID in this organisation" in reasons[999_999]
    assert Dependency.objects.count() == 0


# --- bad input: 400 and 422, nothing saved --------------------------------------------------


SPEND = {"year": 2025, "amount": "1000.00", "kind": "actual", "category": "run"}


@pytest.mark.parametrize(
    "change, field",
    [
        ({"amount": "-0.01"}, "amount"),
        ({"amount": -5}, "amount"),
        ({"amount": "twelve"}, "amount"),
        ({"amount": "1.234"}, "amount"),  # a third decimal
        ({"amount": None}, "amount"),
        ({"category": "castle"}, "category"),
        ({"kind": "forecast"}, "kind"),
        ({"year": 1989}, "year"),
        ({"year": 2101}, "year"),
        ({"year": "next"}, "year"),
        ({"costType": "bribes"}, "costType"),
    ],
)
def test_bad_spend_line_is_400_naming_the_field_and_saves_nothing(orgs, editor, change, field):
    body = problem(
        call(
            editor,
            "post",
            "/organisations/{slug}/spend-lines",
            {**SPEND, **change},
            slug=orgs[1].slug,
        ),
        400,
    )

    assert set(invalid(body)) == {field}
    assert SpendLine.all_objects.count() == 0


@pytest.mark.parametrize(
    "change, field",
    [
        ({"goLiveYear": 1989}, "goLiveYear"),
        ({"goLiveYear": 2101}, "goLiveYear"),
        ({"businessValue": 6}, "businessValue"),
        ({"technicalCondition": 0}, "technicalCondition"),
        ({"availability": "extreme"}, "availability"),
        ({"status": "zombie"}, "status"),
        ({"endOfSupport": "31-12-2027"}, "endOfSupport"),
        ({"users": -1}, "users"),
        ({"timeOverride": "keep"}, "timeOverride"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_application_is_400_naming_the_field(orgs, editor, change, field):
    body = problem(
        call(
            editor,
            "post",
            "/organisations/{slug}/applications",
            {**APPLICATION, **change},
            slug=orgs[1].slug,
        ),
        400,
    )

    assert set(invalid(body)) == {field}
    assert Application.all_objects.count() == 0


def test_end_of_support_before_go_live_is_422_naming_the_field(orgs, editor):
    body = problem(
        call(
            editor,
            "post",
            "/organisations/{slug}/applications",
            {**APPLICATION, "goLiveYear": 2020, "endOfSupport": "2019-12-31"},
            slug=orgs[1].slug,
        ),
        422,
    )

    assert "before the go-live year" in invalid(body)["endOfSupport"]
    assert Application.all_objects.count() == 0


def test_a_refused_change_leaves_the_whole_record_as_it_was(orgs, editor):
    app = application(orgs[1], "Zaaksysteem", end_of_support=dt.date(2024, 1, 1))

    body = problem(
        call(
            editor,
            "patch",
            "/applications/{id}",
            {"version": 1, "vendor": "Nieuw", "goLiveYear": 2025},
            id=app.pk,
        ),
        422,
    )

    assert "endOfSupport" in invalid(body)
    app.refresh_from_db()
    assert (app.vendor, app.go_live_year, app.version) == ("", None, 1)


def test_time_override_without_reason_is_422_naming_the_reason(orgs, editor):
    body = problem(
        call(
            editor,
            "post",
            "/organisations/{slug}/applications",
            {**APPLICATION, "timeOverride": "invest"},
            slug=orgs[1].slug,
        ),
        422,
    )

    assert set(invalid(body)) == {"timeOverrideReason"}


def test_duplicate_application_name_in_one_organisation_is_422(orgs, editor):
    _ministry, agency, municipality = orgs
    application(agency, "Zaaksysteem")
    application(municipality, "Burgerzaken")

    body = problem(
        call(editor, "post", "/organisations/{slug}/applications", APPLICATION, slug=agency.slug),
        422,
    )
    renamed = call(
        editor,
        "post",
        "/organisations/{slug}/applications",
        {**APPLICATION, "name": "Burgerzaken"},
        slug=agency.slug,
    )

    assert "already has an application with this name" in " ".join(invalid(body).values())
    assert Application.objects.filter(organisation=agency).count() == 2  # the first, and renamed
    assert renamed.status_code == 201  # the same name in another organisation is fine


def test_spend_line_for_a_missing_or_foreign_application_is_the_same_400(orgs, editor):
    _ministry, agency, municipality = orgs
    theirs = application(municipality, "Hun")

    reasons = []
    for target in (theirs.pk, 999_999):
        body = problem(
            call(
                editor,
                "post",
                "/organisations/{slug}/spend-lines",
                {**SPEND, "application": target},
                slug=agency.slug,
            ),
            400,
        )
        reasons.append(invalid(body)["application"].replace(str(target), "ID"))

    assert reasons[0] == reasons[1]
    assert SpendLine.all_objects.count() == 0
    # and a change to an existing line is refused the same way
    line = spend(agency, 2025, 10)
    body = problem(
        call(
            editor,
            "patch",
            "/spend-lines/{id}",
            {"version": 1, "application": theirs.pk},
            id=line.pk,
        ),
        400,
    )
    assert "application" in invalid(body)
    line.refresh_from_db()
    assert line.application_id is None and line.version == 1


# --- spend lines ----------------------------------------------------------------------------


def test_spend_line_lifecycle_and_money_as_strings(orgs, editor):
    agency = orgs[1]
    app = application(agency, "Zaaksysteem")

    created = ok(
        call(
            editor,
            "post",
            "/organisations/{slug}/spend-lines",
            {**SPEND, "amount": 1234.5, "application": app.pk, "costType": "licences"},
            slug=agency.slug,
        ),
        201,
    )
    assert created["amount"] == "1234.50"  # a number in, a string with two decimals out
    assert (created["application"], created["applicationName"]) == (app.pk, "Zaaksysteem")

    changed = ok(
        call(
            editor,
            "patch",
            "/spend-lines/{id}",
            {"version": 1, "amount": "99999999999.99", "application": None},
            id=created["id"],
        )
    )
    assert changed["amount"] == "99999999999.99" and changed["applicationName"] is None
    assert ok(call(editor, "get", "/spend-lines/{id}", id=created["id"])) == changed

    assert (
        call(
            editor, "delete", "/spend-lines/{id}", query={"version": 2}, id=created["id"]
        ).status_code
        == 204
    )
    assert SpendLine.all_objects.get(pk=created["id"]).is_deleted


def test_spend_lines_filter_by_year_kind_and_category(orgs, editor):
    agency = orgs[1]
    spend(agency, 2024, 1, "run")
    spend(agency, 2025, 2, "run")
    spend(agency, 2025, 3, "change")
    spend(agency, 2025, 4, "run", kind="budget")

    def amounts(**query):
        body = ok(
            call(editor, "get", "/organisations/{slug}/spend-lines", query=query, slug=agency.slug)
        )
        return sorted(line["amount"] for line in body["results"])

    assert amounts() == ["1.00", "2.00", "3.00", "4.00"]
    assert amounts(year=2025) == ["2.00", "3.00", "4.00"]
    assert amounts(year=2025, kind="actual", category="run") == ["2.00"]
    assert "year" in invalid(
        problem(
            call(
                editor,
                "get",
                "/organisations/{slug}/spend-lines",
                query={"year": 1989},
                slug=agency.slug,
            ),
            400,
        )
    )


def test_duplicate_spend_line_reference_is_422(orgs, editor):
    spend(orgs[1], 2025, 10, reference="FIN-1")

    body = problem(
        call(
            editor,
            "post",
            "/organisations/{slug}/spend-lines",
            {**SPEND, "reference": "FIN-1"},
            slug=orgs[1].slug,
        ),
        422,
    )

    assert "already has this reference" in " ".join(invalid(body).values())


# --- targets --------------------------------------------------------------------------------


def test_setting_a_target_twice_for_a_year_replaces_it(orgs, editor):
    slug = orgs[1].slug

    first = call(
        editor,
        "post",
        "/organisations/{slug}/spend-targets",
        {"targetYear": 2030, "innovateMinPercent": 10, "runMaxPercent": "65"},
        slug=slug,
    )
    again = call(
        editor,
        "post",
        "/organisations/{slug}/spend-targets",
        {"targetYear": 2030, "innovateMinPercent": 12.5},
        slug=slug,
    )

    assert ok(first, 201)["innovateMinPercent"] == 10 and first.json()["runMaxPercent"] == 65
    assert ok(again)["id"] == first.json()["id"]
    assert (again.json()["innovateMinPercent"], again.json()["runMaxPercent"]) == (12.5, None)
    listed = ok(call(editor, "get", "/organisations/{slug}/spend-targets", slug=slug))
    assert [t["targetYear"] for t in listed["results"]] == [2030]

    pk, version = again.json()["id"], again.json()["version"]
    changed = ok(
        call(
            editor, "patch", "/spend-targets/{id}", {"version": version, "targetYear": 2031}, id=pk
        )
    )
    assert changed["targetYear"] == 2031
    assert ok(call(editor, "get", "/spend-targets/{id}", id=pk)) == changed
    assert call(editor, "delete", "/spend-targets/{id}", id=pk).status_code == 204
    assert not SpendTarget.objects.exists()


@pytest.mark.parametrize(
    "body, status, field",
    [
        ({"targetYear": 1989, "innovateMinPercent": 10}, 400, "targetYear"),
        ({"targetYear": 2030, "innovateMinPercent": 101}, 400, "innovateMinPercent"),
        ({"targetYear": 2030, "runMaxPercent": -1}, 400, "runMaxPercent"),
        ({"targetYear": 2030}, 422, "body"),  # no bound at all
        ({"targetYear": 2030, "innovateMinPercent": 50, "runMaxPercent": 40}, 422, "body"),
    ],
)
def test_bad_target_is_refused_naming_the_field(orgs, editor, body, status, field):
    answer = problem(
        call(editor, "post", "/organisations/{slug}/spend-targets", body, slug=orgs[1].slug), status
    )

    assert field in invalid(answer)
    assert not SpendTarget.all_objects.exists()


# --- the balance, worked out by hand --------------------------------------------------------


def test_balance_against_figures_worked_out_by_hand(orgs, editor, client_as):
    ministry, agency, _municipality = orgs
    # 2024 actual: 750k / 150k / 100k of 1,000k → 75% / 15% / 10%
    spend(agency, 2024, 750_000, "run")
    spend(agency, 2024, 150_000, "change")
    spend(agency, 2024, 100_000, "innovate")
    # 2025 actual: 500k + 200k run, 200k change, 100k innovate of 1,000k → 70% / 20% / 10%
    spend(agency, 2025, 500_000, "run")
    spend(agency, 2025, 200_000, "run")
    spend(agency, 2025, 200_000, "change")
    spend(agency, 2025, 100_000, "innovate")
    # 2026 budget only: 600k / 250k / 150k → 60% / 25% / 15%
    spend(agency, 2026, 600_000, "run", kind="budget")
    spend(agency, 2026, 250_000, "change", kind="budget")
    spend(agency, 2026, 150_000, "innovate", kind="budget")
    services.spend_target_set(
        actor=None,
        organisation=agency,
        target_year=2030,
        innovate_min_percent=Decimal("15"),
        run_max_percent=Decimal("65"),
    )

    body = ok(call(editor, "get", "/organisations/{slug}/balance", slug=agency.slug))

    years = {y["year"]: y for y in body["years"]}
    assert sorted(years) == [2024, 2025, 2026]
    actual_2025 = years[2025]["actual"]
    assert (actual_2025["run"], actual_2025["change"], actual_2025["innovate"]) == (
        "700000.00",
        "200000.00",
        "100000.00",
    )
    assert actual_2025["total"] == "1000000.00"
    assert (
        actual_2025["runPercent"],
        actual_2025["changePercent"],
        actual_2025["innovatePercent"],
    ) == (70.0, 20.0, 10.0)
    assert years[2025]["budget"]["total"] == "0.00"
    budget_2026 = years[2026]["budget"]
    assert (
        budget_2026["runPercent"],
        budget_2026["changePercent"],
        budget_2026["innovatePercent"],
    ) == (60.0, 25.0, 15.0)
    # trend of the actual shares from 2024 to 2025, in points per year
    assert body["trends"]["actual"] == {"run": -5.0, "change": 5.0, "innovate": 0.0}
    assert body["trends"]["budget"] == {"run": None, "change": None, "innovate": None}
    # the gap: 2025 is the latest year with actuals; innovate 10% against at least 15%
    assert body["latestYear"] == 2025
    assert body["target"]["targetYear"] == 2030
    gap = body["gap"]
    assert (gap["year"], gap["kind"], gap["met"]) == (2025, "actual", False)
    bounds = {b["category"]: b for b in gap["bounds"]}
    assert bounds["innovate"] == {
        "category": "innovate",
        "bound": "min",
        "targetPercent": 15.0,
        "actualPercent": 10.0,
        "differencePoints": -5.0,
        "differenceAmount": "-50000.00",  # 100k - 15% of 1,000k
        "pointsToClose": 5.0,
        "amountToClose": "50000.00",
        "met": False,
    }
    assert bounds["run"] == {
        "category": "run",
        "bound": "max",
        "targetPercent": 65.0,
        "actualPercent": 70.0,
        "differencePoints": 5.0,
        "differenceAmount": "50000.00",  # 700k - 65% of 1,000k
        "pointsToClose": 5.0,
        "amountToClose": "50000.00",
        "met": False,
    }

    # The ministry sees its agency's spend added to its own by default.
    spend(ministry, 2025, 1_000_000, "innovate")
    ministry_admin = client_as(Role.ADMIN, ministry)
    rolled = ok(call(ministry_admin, "get", "/organisations/{slug}/balance", slug=ministry.slug))
    own = ok(
        call(
            ministry_admin,
            "get",
            "/organisations/{slug}/balance",
            query={"includeChildren": "false"},
            slug=ministry.slug,
        )
    )
    rolled_2025 = next(y for y in rolled["years"] if y["year"] == 2025)["actual"]
    # 700k / 200k / 1,100k of 2,000k → 35% / 10% / 55%
    assert (rolled_2025["total"], rolled_2025["runPercent"], rolled_2025["innovatePercent"]) == (
        "2000000.00",
        35.0,
        55.0,
    )
    assert rolled["includeChildren"] is True and own["includeChildren"] is False
    assert [(y["year"], y["actual"]["total"]) for y in own["years"]] == [(2025, "1000000.00")]
    assert own["target"] is None and own["gap"] is None


def test_balance_of_an_empty_register(orgs, editor):
    body = ok(call(editor, "get", "/organisations/{slug}/balance", slug=orgs[1].slug))

    assert body["years"] == [] and body["latestYear"] is None and body["gap"] is None


# --- scenarios and projections --------------------------------------------------------------


@pytest.fixture
def landscape(orgs):
    """2025 actuals: run 1,000k (of which the mainframe 120k), change 300k, innovate 100k;
    target for 2030: innovate at least 7%, run at most 70%."""
    agency = orgs[1]
    mainframe = application(agency, "Mainframe belastingen", value=4, condition=1)
    spend(agency, 2025, 120_000, "run", application=mainframe)
    spend(agency, 2025, 880_000, "run")
    spend(agency, 2025, 300_000, "change")
    spend(agency, 2025, 100_000, "innovate")
    services.spend_target_set(
        actor=None,
        organisation=agency,
        target_year=2030,
        innovate_min_percent=Decimal("7"),
        run_max_percent=Decimal("70"),
    )
    return agency, mainframe


def test_scenario_lifecycle(landscape, editor):
    agency, mainframe = landscape

    created = ok(
        call(
            editor,
            "post",
            "/organisations/{slug}/scenarios",
            {"name": "Afbouw", "baseYear": 2025},
            slug=agency.slug,
        ),
        201,
    )
    pk = created["id"]
    assert created["changes"] == []

    change = ok(
        call(
            editor,
            "post",
            "/scenarios/{id}/changes",
            {"kind": "retire_application", "application": mainframe.pk, "fromYear": 2027},
            id=pk,
        ),
        201,
    )
    assert change["amount"] == "120000.00"  # its run cost in the base year
    project = ok(
        call(
            editor,
            "post",
            "/scenarios/{id}/changes",
            {
                "kind": "start_project",
                "label": "Nieuw zaaksysteem",
                "fromYear": 2026,
                "toYear": 2027,
                "amount": "50000",
            },
            id=pk,
        ),
        201,
    )
    assert ok(call(editor, "get", "/scenario-changes/{id}", id=project["id"]))["label"] == (
        "Nieuw zaaksysteem"
    )

    listed = ok(call(editor, "get", "/organisations/{slug}/scenarios", slug=agency.slug))
    assert [(s["name"], s["changeCount"]) for s in listed["results"]] == [("Afbouw", 2)]

    assert call(editor, "delete", "/scenario-changes/{id}", id=project["id"]).status_code == 204
    read = ok(call(editor, "get", "/scenarios/{id}", id=pk))
    assert [c["id"] for c in read["changes"]] == [change["id"]]

    renamed = ok(
        call(editor, "patch", "/scenarios/{id}", {"version": 1, "name": "Afbouw mainframe"}, id=pk)
    )
    assert renamed["name"] == "Afbouw mainframe" and renamed["version"] == 2
    assert call(editor, "delete", "/scenarios/{id}", query={"version": 2}, id=pk).status_code == 204
    assert Scenario.all_objects.get(pk=pk).is_deleted


@pytest.mark.parametrize(
    "body, status, field",
    [
        ({"kind": "retire_application", "fromYear": 2027}, 422, "application"),
        ({"kind": "start_project", "fromYear": 2027, "amount": "10"}, 422, "toYear"),
        ({"kind": "start_project", "fromYear": 2027, "toYear": 2026, "amount": "1"}, 422, "toYear"),
        ({"kind": "stop_project", "fromYear": 2027, "amount": "-1"}, 422, "amount"),
        ({"kind": "stop_project", "fromYear": 2027}, 400, "amount"),
        ({"kind": "change_innovate", "fromYear": 1989, "amount": "1"}, 400, "fromYear"),
        ({"kind": "grow", "fromYear": 2027, "amount": "1"}, 400, "kind"),
        ({"kind": "change_innovate", "fromYear": 2027, "amount": "lots"}, 400, "amount"),
    ],
)
def test_bad_scenario_change_is_refused_naming_the_field(landscape, editor, body, status, field):
    scenario = services.scenario_create(
        actor=None, organisation=landscape[0], name="S", base_year=2025
    )

    answer = problem(call(editor, "post", "/scenarios/{id}/changes", body, id=scenario.pk), status)

    assert field in invalid(answer)
    assert not scenario.changes.exists()


def test_scenario_change_for_another_organisations_application_is_400(landscape, editor, orgs):
    scenario = services.scenario_create(
        actor=None, organisation=landscape[0], name="S", base_year=2025
    )
    theirs = application(orgs[2], "Hun")

    body = problem(
        call(
            editor,
            "post",
            "/scenarios/{id}/changes",
            {"kind": "retire_application", "application": theirs.pk, "fromYear": 2027},
            id=scenario.pk,
        ),
        400,
    )

    assert "no application with id" in invalid(body)["application"]


def test_retiring_120k_of_run_from_2027_lowers_run_by_exactly_that_from_2027_on(landscape, editor):
    agency, mainframe = landscape
    scenario = services.scenario_create(
        actor=None, organisation=agency, name="Afbouw", base_year=2025
    )
    services.scenario_change_add(
        actor=None,
        scenario=scenario,
        kind="retire_application",
        application=mainframe,
        from_year=2027,
        amount=None,
    )

    body = ok(call(editor, "get", "/scenarios/{id}/projection", id=scenario.pk))

    assert (body["scenario"], body["name"], body["baseYear"]) == (scenario.pk, "Afbouw", 2025)
    assert body["baselineKind"] == "actual" and body["baseline"]["run"] == "1000000.00"
    run = {y["year"]: Decimal(y["run"]) for y in body["years"]}
    assert sorted(run) == list(range(2026, 2036))  # ten years after the base year
    assert run[2026] == Decimal("1000000.00")  # not before 2027
    assert all(run[year] == Decimal("880000.00") for year in range(2027, 2036))
    year_2027 = next(y for y in body["years"] if y["year"] == 2027)
    # 880k / 300k / 100k of 1,280k → 68.75% / 23.44% / 7.81%
    assert (
        year_2027["total"],
        year_2027["runPercent"],
        year_2027["changePercent"],
        year_2027["innovatePercent"],
    ) == ("1280000.00", 68.75, 23.44, 7.81)
    # target: run ≤ 70% and innovate ≥ 7%; in 2026 run is 1,000k / 1,400k = 71.43%
    met = {y["year"]: y["targetMet"] for y in body["years"]}
    assert met[2026] is False and met[2027] is True
    assert body["firstYearTargetMet"] == 2027
    assert body["target"] == {"targetYear": 2030, "innovateMinPercent": 7.0, "runMaxPercent": 70.0}

    comparison = ok(
        call(editor, "get", "/organisations/{slug}/scenario-comparison", slug=agency.slug)
    )
    baseline = comparison["baseline"]
    assert baseline["scenario"] is None and baseline["firstYearTargetMet"] is None
    assert {y["run"] for y in baseline["years"]} == {"1000000.00"}
    assert [s["name"] for s in comparison["scenarios"]] == ["Afbouw"]
    assert comparison["scenarios"][0]["years"] == body["years"]


def test_projection_that_goes_negative_is_422_with_the_cores_message(landscape, editor):
    agency, mainframe = landscape
    scenario = services.scenario_create(
        actor=None, organisation=agency, name="Te veel", base_year=2025
    )
    # The change itself is refused, with the core's message, and nothing is stored.
    with pytest.raises(RuleViolation, match="makes innovate spend negative in 2028"):
        services.scenario_change_add(
            actor=None,
            scenario=scenario,
            kind="change_innovate",
            from_year=2028,
            amount=Decimal("-250000"),
        )
    assert not scenario.changes.exists()
    # A change that fits today, whose base spend is then removed, makes the projection fail.
    services.scenario_change_add(
        actor=None,
        scenario=scenario,
        kind="change_innovate",
        from_year=2028,
        amount=Decimal("-1"),
    )
    for line in SpendLine.objects.filter(organisation=agency, category="innovate"):
        services.spend_line_delete(actor=None, spend_line=line)

    body = problem(call(editor, "get", "/scenarios/{id}/projection", id=scenario.pk), 422)
    compared = problem(
        call(editor, "get", "/organisations/{slug}/scenario-comparison", slug=agency.slug), 422
    )

    assert re.search(r"makes innovate spend negative in 2028", body["detail"])
    assert "Te veel" in compared["detail"]


def test_projection_without_spend_in_the_base_year_is_422(orgs, editor):
    scenario = services.scenario_create(
        actor=None, organisation=orgs[1], name="Leeg", base_year=2020
    )

    body = problem(call(editor, "get", "/scenarios/{id}/projection", id=scenario.pk), 422)

    assert "no spend" in body["detail"] and "2020" in body["detail"]


def test_comparison_without_scenarios(orgs, editor):
    body = ok(call(editor, "get", "/organisations/{slug}/scenario-comparison", slug=orgs[1].slug))

    assert body == {"baseline": None, "scenarios": []}


# --- legacy risk ----------------------------------------------------------------------------


def test_legacy_risk(orgs, editor):
    agency = orgs[1]
    old = application(
        agency, "Oud", value=2, condition=1, go_live_year=1995, end_of_support=dt.date(2025, 1, 1)
    )
    soon = application(
        agency, "Bijna", value=4, condition=2, go_live_year=2018, end_of_support=dt.date(2027, 6, 1)
    )
    later = application(agency, "Later", go_live_year=2024, end_of_support=dt.date(2031, 1, 1))
    services.dependency_add(actor=None, application=later, depends_on=old)
    services.dependency_add(actor=None, application=soon, depends_on=later)
    services.dependency_add(actor=None, application=later, depends_on=soon)  # a cycle
    spend(agency, 2025, 50_000, "run", application=old)
    spend(agency, 2025, 30_000, "run", application=soon)

    body = ok(call(editor, "get", "/organisations/{slug}/legacy-risk", slug=agency.slug))

    rows = {r["application"]["name"]: r for r in body["endOfSupport"]}
    assert set(rows) == {"Oud", "Bijna"}
    assert rows["Oud"]["support"] == "past" and rows["Bijna"]["support"] == "within_window"
    # Later needs Oud; Bijna needs Later: two break if Oud goes
    assert (rows["Oud"]["directDependents"], rows["Oud"]["transitiveDependents"]) == (1, 2)
    assert rows["Oud"]["application"]["endOfSupport"] == "2025-01-01"
    assert body["runCostYear"] == 2025
    assert body["migrateEliminateRunCost"] == "80000.00"  # Oud eliminate, Bijna migrate
    assert body["timeCounts"] == {"tolerate": 0, "invest": 1, "migrate": 1, "eliminate": 1}
    assert body["timeRunCost"]["eliminate"] == "50000.00"
    ages = {a["bucket"]: a["count"] for a in body["age"]}
    assert sum(ages.values()) == 3 and ages["30+"] == 1  # 1995 → 31 years
    assert [sorted(a["name"] for a in c["applications"]) for c in body["cycles"]] == [
        ["Bijna", "Later"]
    ]


def test_legacy_risk_with_a_planned_application(orgs, editor):
    application(orgs[1], "Nieuw", go_live_year=2028, status="planned")

    response = editor.get(f"/api/v1/organisations/{orgs[1].slug}/legacy-risk")

    assert response.status_code == 200


# --- who may do what ------------------------------------------------------------------------


@pytest.fixture
def records(orgs):
    """One record of each kind in the agency."""
    agency = orgs[1]
    app, other = application(agency, "A"), application(agency, "B")
    dependency = services.dependency_add(actor=None, application=app, depends_on=other)
    line = spend(agency, 2025, 100, application=app)
    target = services.spend_target_set(
        actor=None,
        organisation=agency,
        target_year=2030,
        innovate_min_percent=Decimal("10"),
        run_max_percent=None,
    )
    scenario = services.scenario_create(actor=None, organisation=agency, name="S", base_year=2025)
    change = services.scenario_change_add(
        actor=None, scenario=scenario, kind="change_innovate", from_year=2027, amount=Decimal("5")
    )
    return {
        "slug": agency.slug,
        "application": app.pk,
        "dependency": dependency.pk,
        "spend_line": line.pk,
        "target": target.pk,
        "scenario": scenario.pk,
        "change": change.pk,
    }


READS = [
    ("/organisations/{slug}/applications", "slug"),
    ("/applications/{id}", "application"),
    ("/applications/{id}/dependencies", "application"),
    ("/applications/{id}/history", "application"),
    ("/dependencies/{id}", "dependency"),
    ("/organisations/{slug}/spend-lines", "slug"),
    ("/spend-lines/{id}", "spend_line"),
    ("/organisations/{slug}/spend-targets", "slug"),
    ("/spend-targets/{id}", "target"),
    ("/organisations/{slug}/balance", "slug"),
    ("/organisations/{slug}/legacy-risk", "slug"),
    ("/organisations/{slug}/scenarios", "slug"),
    ("/organisations/{slug}/scenario-comparison", "slug"),
    ("/scenarios/{id}", "scenario"),
    ("/scenarios/{id}/projection", "scenario"),
    ("/scenario-changes/{id}", "change"),
]

WRITES = [
    ("post", "/organisations/{slug}/applications", "slug", APPLICATION),
    ("patch", "/applications/{id}", "application", {"version": 1, "vendor": "X"}),
    ("delete", "/applications/{id}", "application", None),
    ("post", "/applications/{id}/dependencies", "application", {"dependsOn": 0}),
    ("delete", "/dependencies/{id}", "dependency", None),
    ("post", "/organisations/{slug}/spend-lines", "slug", SPEND),
    ("patch", "/spend-lines/{id}", "spend_line", {"version": 1, "amount": "1"}),
    ("delete", "/spend-lines/{id}", "spend_line", None),
    ("post", "/organisations/{slug}/spend-targets", "slug", {"targetYear": 2031}),
    ("patch", "/spend-targets/{id}", "target", {"version": 1, "targetYear": 2032}),
    ("delete", "/spend-targets/{id}", "target", None),
    ("post", "/organisations/{slug}/scenarios", "slug", {"name": "T", "baseYear": 2025}),
    ("patch", "/scenarios/{id}", "scenario", {"version": 1, "name": "U"}),
    ("delete", "/scenarios/{id}", "scenario", None),
    ("post", "/scenarios/{id}/changes", "scenario", {"kind": "grow"}),
    ("delete", "/scenario-changes/{id}", "change", None),
]


def _path_values(template, records, key):
    return {"slug": records["slug"]} if "{slug}" in template else {"id": records[key]}


def _counts():
    return [
        model.all_objects.filter(deleted_at__isnull=True).count()
        for model in (Application, Dependency, SpendLine, SpendTarget, Scenario)
    ]


@pytest.mark.parametrize("template, key", READS)
def test_a_viewer_reads_and_an_outsider_finds_nothing(records, viewer, outsider, template, key):
    path = _path_values(template, records, key)

    assert call(viewer, "get", template, **path).status_code == 200
    problem(call(outsider, "get", template, **path), 404)


@pytest.mark.parametrize("method, template, key, body", WRITES)
def test_a_viewer_may_not_write_and_an_outsider_finds_nothing(
    records, viewer, outsider, method, template, key, body
):
    path = _path_values(template, records, key)
    before = _counts()

    problem(call(viewer, method, template, body, **path), 403)
    problem(call(outsider, method, template, body, **path), 404)

    assert _counts() == before


def test_an_administrator_of_the_parent_may_write(orgs, records, client_as):
    ministry_admin = client_as(Role.ADMIN, orgs[0])

    changed = call(
        ministry_admin,
        "patch",
        "/applications/{id}",
        {"version": 1, "vendor": "X"},
        id=records["application"],
    )

    assert ok(changed)["vendor"] == "X"


def test_restoring_needs_a_role_that_may_change(records, viewer, outsider):
    template = "/applications/{id}/history/{historyId}/restore"
    first = Application.objects.get(pk=records["application"]).history.last().history_id
    path = {"id": records["application"], "historyId": first}

    problem(call(viewer, "post", template, **path), 403)
    problem(call(outsider, "post", template, **path), 404)


def test_not_signed_in_is_401(records):
    problem(call(APIClient(), "get", "/organisations/{slug}/balance", slug=records["slug"]), 401)


# --- optimistic locking ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "template, key, field, first, second",
    [
        ("/applications/{id}", "application", "vendor", "First", "Second"),
        ("/spend-lines/{id}", "spend_line", "amount", "1.00", "2.00"),
        ("/spend-targets/{id}", "target", "innovateMinPercent", 20, 30),
        ("/scenarios/{id}", "scenario", "name", "First", "Second"),
    ],
)
def test_stale_version_is_409_and_the_first_change_is_kept(
    records, editor, template, key, field, first, second
):
    pk = records[key]
    ok(call(editor, "patch", template, {"version": 1, field: first}, id=pk))

    stale = problem(call(editor, "patch", template, {"version": 1, field: second}, id=pk), 409)
    deleted = problem(call(editor, "delete", template, query={"version": 1}, id=pk), 409)

    assert stale["currentVersion"] == deleted["currentVersion"] == 2
    kept = ok(call(editor, "get", template, id=pk))
    assert (kept[field], kept["version"]) == (first, 2)


def test_comparison_keeps_a_scenario_named_dash_apart_from_the_baseline(landscape, editor):
    agency, _mainframe = landscape
    dash = services.scenario_create(actor=None, organisation=agency, name="—", base_year=2025)
    services.scenario_change_add(
        actor=None, scenario=dash, kind="change_innovate", from_year=2027, amount=Decimal("50000")
    )

    comparison = ok(
        call(editor, "get", "/organisations/{slug}/scenario-comparison", slug=agency.slug)
    )

    baseline = comparison["baseline"]
    assert baseline["scenario"] is None
    assert {y["innovate"] for y in baseline["years"]} == {"100000.00"}  # no change at all
    (scenario,) = comparison["scenarios"]
    assert (scenario["scenario"], scenario["name"]) == (dash.pk, "—")
    innovate = {y["year"]: y["innovate"] for y in scenario["years"]}
    assert innovate[2026] == "100000.00" and innovate[2027] == "150000.00"
