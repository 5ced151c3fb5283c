"""The web pages of the legacy-and-spend capability, through the Django test client: what a
viewer sees, what an editor may change, what others get (403, 404), the filters, the
conflict message, and a bound on the queries of the list and balance pages."""

import datetime as dt
import html
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from omslag.common import charts
from omslag.portfolio import services
from omslag.portfolio.models import Application, Dependency, Scenario, ScenarioChange, SpendLine

from ..chart_images import chart_svgs
from ..factories import member
from .factories import application, spend

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(tree):
    return tree[2]  # the municipality


@pytest.fixture
def foreign(tree):
    return tree[0]  # the ministry: nobody in these tests is a member there


def client_for(person, language="en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(person)
    return client


@pytest.fixture
def viewer(org):
    return client_for(member("viewer", org))


@pytest.fixture
def editor(org):
    return client_for(member("editor", org))


def text_of(response) -> str:
    """The page as one line of text without tags, entities resolved."""
    page = response.content.decode()
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def field_errors(response, field_id) -> str:
    """The error text shown on one form field (components/field.html)."""
    match = re.search(rf'<div id="{field_id}_error">(.*?)</div>', response.content.decode(), re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))) if match else ""


def names_in_table(response) -> list[str]:
    """The application names of the list, in page order."""
    page = response.content.decode()
    return re.findall(r'<th scope="row"><a href="/applications/\d+">([^<]+)</a>', page)


@pytest.fixture
def landscape(org):
    """Three applications, a dependency cycle, spend over two years, a target and a scenario."""
    today = timezone.localdate()
    old = application(
        org,
        "Mainframe belastingen",
        value=4,
        condition=1,
        go_live_year=1994,
        end_of_support=today - dt.timedelta(days=30),
        owner_unit="Belastingen",
        vendor="Eigen ontwikkeling",
        confidentiality="high",
    )
    portal = application(
        org,
        "Portaal",
        value=5,
        condition=5,
        go_live_year=2020,
        end_of_support=today + dt.timedelta(days=365),
        owner_name="A. de Vries",
        vendor="Wolkwerk",
        availability="high",
    )
    access_db = application(org, "Access registratie", value=1, condition=2, technology="Access")
    services.dependency_add(actor=None, application=portal, depends_on=old)
    services.dependency_add(actor=None, application=old, depends_on=access_db)
    services.dependency_add(actor=None, application=access_db, depends_on=old)
    for year, run, change, innovate in ((2024, 720_000, 200_000, 80_000), (2025, 700, 200, 100)):
        factor = 1 if year == 2024 else 1000
        spend(org, year, run * factor - 120_000, "run")
        spend(org, year, 120_000, "run", application=old)
        spend(org, year, change * factor, "change")
        spend(org, year, innovate * factor, "innovate")
    spend(org, 2026, 1_000_000, "run", kind="budget")
    services.spend_target_set(
        actor=None,
        organisation=org,
        target_year=2030,
        innovate_min_percent=Decimal("10"),
        run_max_percent=Decimal("65"),
    )
    scenario = services.scenario_create(actor=None, organisation=org, name="Afbouw", base_year=2025)
    services.scenario_change_add(
        actor=None,
        scenario=scenario,
        kind=ScenarioChange.Kind.RETIRE_APPLICATION,
        application=old,
        from_year=2027,
        amount=None,
    )
    return {"old": old, "portal": portal, "access": access_db, "scenario": scenario}


# --- every page renders for a viewer ---------------------------------------------------------


def page_urls(org, landscape):
    line = SpendLine.objects.filter(organisation=org).first()
    return [
        f"/organisations/{org.slug}/applications",
        f"/applications/{landscape['old'].pk}",
        f"/organisations/{org.slug}/spend",
        f"/organisations/{org.slug}/balance",
        f"/organisations/{org.slug}/balance?below=0",
        f"/organisations/{org.slug}/scenarios",
        f"/scenarios/{landscape['scenario'].pk}",
        f"/history/application/{landscape['old'].pk}",
        f"/history/spend-line/{line.pk}",
        f"/organisations/{org.slug}",
    ]


def test_every_page_renders_for_a_viewer_without_inline_script_or_style(org, landscape, viewer):
    for url in page_urls(org, landscape):
        response = viewer.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert "<script" not in page and " style=" not in page, url


def test_pages_are_dutch_by_default(org, landscape):
    page = text_of(
        client_for(member("viewer", org), language="nl").get(f"/organisations/{org.slug}/balance")
    )
    assert "Balans en legacyrisico van Gemeente" in page
    assert "Scenario's vergeleken" in page


def test_viewer_sees_no_edit_buttons(org, landscape, viewer):
    page = viewer.get(f"/applications/{landscape['old'].pk}").content.decode()
    assert (
        "/edit" not in page and "dependency-remove" not in page and "Add the dependency" not in page
    )
    page = viewer.get(f"/organisations/{org.slug}/balance").content.decode()
    assert "Save the target" not in page


def test_organisation_page_links_to_the_capability(org, viewer):
    page = viewer.get(f"/organisations/{org.slug}").content.decode()
    for part in ("applications", "spend", "balance", "scenarios"):
        assert f'href="/organisations/{org.slug}/{part}"' in page


# --- permissions ------------------------------------------------------------------------------


def write_attempts(org, landscape):
    old, portal = landscape["old"], landscape["portal"]
    line = SpendLine.objects.filter(organisation=org).first()
    dependency = Dependency.objects.filter(application=portal).first()
    change = landscape["scenario"].changes.first()
    scenario = landscape["scenario"]
    return [
        ("get", f"/organisations/{org.slug}/applications/new", {}),
        ("post", f"/organisations/{org.slug}/applications/new", {"name": "X"}),
        ("get", f"/applications/{old.pk}/edit", {}),
        ("post", f"/applications/{old.pk}/edit", {"name": "X", "version": old.version}),
        ("post", f"/applications/{old.pk}/delete", {"version": old.version}),
        ("post", f"/applications/{old.pk}", {"depends_on": portal.pk}),
        ("post", f"/dependencies/{dependency.pk}/remove", {"version": dependency.version}),
        ("post", f"/organisations/{org.slug}/spend", {"year": 2025}),
        ("get", f"/spend-lines/{line.pk}/edit", {}),
        ("post", f"/spend-lines/{line.pk}/delete", {"version": line.version}),
        ("post", f"/organisations/{org.slug}/balance", {"target_year": 2031}),
        ("post", f"/organisations/{org.slug}/scenarios", {"name": "Y", "base_year": 2025}),
        ("post", f"/scenarios/{scenario.pk}", {"kind": "change_innovate"}),
        ("post", f"/scenario-changes/{change.pk}/remove", {}),
        ("get", f"/scenarios/{scenario.pk}/edit", {}),
        ("post", f"/scenarios/{scenario.pk}/delete", {"version": scenario.version}),
    ]


def test_viewer_gets_403_with_a_clear_message_on_every_write(org, landscape, viewer):
    before = (Application.objects.count(), SpendLine.objects.count(), Dependency.objects.count())
    for method, url, data in write_attempts(org, landscape):
        response = getattr(viewer, method)(url, data)
        assert response.status_code == 403, (method, url)
        assert "Your role in this organisation does not allow this action" in text_of(response)
    after = (Application.objects.count(), SpendLine.objects.count(), Dependency.objects.count())
    assert before == after
    assert ScenarioChange.objects.filter(deleted_at__isnull=True).count() == 1


def test_another_organisations_records_are_not_found(org, foreign, landscape, editor):
    theirs = application(foreign, "Hun systeem")
    line = spend(foreign, 2025, 10)
    scenario = services.scenario_create(
        actor=None, organisation=foreign, name="Hun scenario", base_year=2025
    )
    urls = [
        f"/applications/{theirs.pk}",
        f"/applications/{theirs.pk}/edit",
        f"/applications/{theirs.pk}/delete",
        f"/spend-lines/{line.pk}/edit",
        f"/scenarios/{scenario.pk}",
        f"/organisations/{foreign.slug}/applications",
        f"/organisations/{foreign.slug}/spend",
        f"/organisations/{foreign.slug}/balance",
        f"/organisations/{foreign.slug}/scenarios",
    ]
    for url in urls:
        assert editor.get(url).status_code == 404, url
    assert editor.post(f"/applications/{theirs.pk}/delete", {"version": 1}).status_code == 404
    assert not Application.all_objects.get(pk=theirs.pk).is_deleted


def test_dependency_on_another_organisations_application_cannot_be_chosen(
    org, foreign, landscape, editor
):
    theirs = application(foreign, "Hun systeem")
    response = editor.post(f"/applications/{landscape['portal'].pk}", {"depends_on": theirs.pk})
    assert response.status_code == 200
    assert "There is no application of that name or number here." in field_errors(
        response, "id_depends_on"
    )
    assert not Dependency.objects.filter(depends_on=theirs).exists()


# --- applications: create, edit, delete, errors, conflict -----------------------------------


def application_form(**overrides):
    data = {
        "name": "Zaaksysteem",
        "owner_unit": "Publiekszaken",
        "owner_name": "",
        "purpose": "Zaken afhandelen",
        "vendor": "Duinsoft",
        "technology": "Java",
        "go_live_year": "2015",
        "end_of_support": "2030-12-31",
        "users": "250",
        "availability": "medium",
        "integrity": "high",
        "confidentiality": "medium",
        "business_value": "4",
        "business_value_reason": "",
        "technical_condition": "2",
        "technical_condition_reason": "",
        "status": "in_use",
        "time_override": "",
        "time_override_reason": "",
    }
    data.update(overrides)
    return data


def test_editor_adds_an_application_and_sees_how_its_time_position_was_derived(org, editor):
    response = editor.post(f"/organisations/{org.slug}/applications/new", application_form())
    app = Application.objects.get(organisation=org, name="Zaaksysteem")
    assert response.status_code == 302 and response["Location"] == f"/applications/{app.pk}"
    assert app.integrity == "high" and app.end_of_support == dt.date(2030, 12, 31)
    page = text_of(editor.get(f"/applications/{app.pk}"))
    assert "Zaaksysteem was added." in page
    assert "business value 4 (3 or more: high)" in page
    assert "technical condition 2 (below 3: poor)" in page
    assert "give Migrate" in page


def test_hand_chosen_time_position_shows_its_reason_and_the_derived_one(org, editor):
    editor.post(
        f"/organisations/{org.slug}/applications/new",
        application_form(time_override="eliminate", time_override_reason="Landelijke voorziening"),
    )
    app = Application.objects.get(name="Zaaksysteem")
    page = text_of(editor.get(f"/applications/{app.pk}"))
    assert "Chosen by hand: Eliminate. Reason: Landelijke voorziening" in page
    assert "From the scores it would be Migrate." in page


@pytest.mark.parametrize(
    "language, typed, expected",
    [
        ("nl", "€ 2.500", "2500"),
        ("nl", "1.234,56", "1234.56"),
        ("nl", "1234,5", "1234.5"),
        ("en", "€2,500", "2500"),
        ("en", "1,234.56", "1234.56"),
    ],
)
def test_spend_amounts_in_the_readers_notation(org, language, typed, expected):
    editor = client_for(member("editor", org), language=language)
    response = editor.post(f"/organisations/{org.slug}/spend", spend_form(amount=typed))
    assert response.status_code == 302, field_errors(response, "id_amount")
    assert SpendLine.objects.get(pays_for="Chatbot").amount == Decimal(expected)


def test_dutch_notation_is_refused_in_english(org, editor):
    response = editor.post(f"/organisations/{org.slug}/spend", spend_form(amount="1.234,56"))
    assert "Enter an amount" in field_errors(response, "id_amount")
    assert not SpendLine.objects.filter(pays_for="Chatbot").exists()


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        (
            {"go_live_year": "2020", "end_of_support": "2019-06-30"},
            "end_of_support",
            "lies before the go-live year",
        ),
        ({"time_override": "invest"}, "time_override_reason", "Say why the TIME position"),
        ({"name": "Bestaand"}, "name", "already has an application with this name"),
        ({"business_value": "6"}, "business_value", "less than or equal to 5"),
        ({"name": ""}, "name", "This field is required"),
    ],
)
def test_bad_application_input_is_shown_on_its_field(org, editor, overrides, field, message):
    application(org, "Bestaand")
    response = editor.post(
        f"/organisations/{org.slug}/applications/new", application_form(**overrides)
    )
    assert response.status_code == 200
    assert message in field_errors(response, f"id_{field}")
    assert "Please correct the following" in text_of(response)
    assert Application.objects.filter(organisation=org).count() == 1  # nothing half-saved


def test_editor_edits_an_application(landscape, editor):
    portal = landscape["portal"]
    form = editor.get(f"/applications/{portal.pk}/edit").content.decode()
    assert f'name="version" value="{portal.version}"' in form
    response = editor.post(
        f"/applications/{portal.pk}/edit",
        application_form(name="Portaal", vendor="Meerlicht", version=portal.version),
    )
    assert response.status_code == 302
    portal.refresh_from_db()
    assert portal.vendor == "Meerlicht" and portal.version == 2


def test_second_editor_gets_409_with_the_current_values(org, landscape, editor):
    portal = landscape["portal"]
    services.application_update(
        actor=None,
        application=Application.objects.get(pk=portal.pk),
        expected_version=portal.version,
        vendor="Andere leverancier",
    )
    response = editor.post(
        f"/applications/{portal.pk}/edit",
        application_form(name="Portaal", vendor="Mijn wijziging", version=portal.version),
    )
    assert response.status_code == 409
    page = text_of(response)
    assert "Somebody else saved this record after you opened it" in page
    assert "Check the current values below" in page
    assert 'value="Andere leverancier"' in response.content.decode()
    assert f'name="version" value="{portal.version + 1}"' in response.content.decode()
    assert Application.objects.get(pk=portal.pk).vendor == "Andere leverancier"


def test_delete_asks_first_and_deletes_softly_with_its_dependencies(org, landscape, editor):
    old = landscape["old"]
    confirm = text_of(editor.get(f"/applications/{old.pk}/delete"))
    assert "Delete Mainframe belastingen?" in confirm and "Portaal" in confirm  # needed by
    response = editor.post(f"/applications/{old.pk}/delete", {"version": old.version})
    assert response.status_code == 302
    assert response["Location"] == f"/organisations/{org.slug}/applications"
    assert Application.all_objects.get(pk=old.pk).is_deleted
    assert not Dependency.objects.filter(depends_on=old).exists()
    assert editor.get(f"/applications/{old.pk}").status_code == 404
    assert editor.get(f"/history/application/{old.pk}").status_code == 200


def test_stale_delete_is_refused(landscape, editor):
    old = landscape["old"]
    response = editor.post(f"/applications/{old.pk}/delete", {"version": old.version + 5})
    assert response.status_code == 302
    assert not Application.objects.get(pk=old.pk).is_deleted
    assert "Somebody else saved this record" in text_of(editor.get(response["Location"]))


# --- dependencies -----------------------------------------------------------------------------


def test_application_page_shows_both_directions_and_the_cycle(landscape, viewer):
    page = text_of(viewer.get(f"/applications/{landscape['old'].pk}"))
    assert "It needs 1 application" in page and "2 applications need it" in page
    assert "part of a dependency cycle" in page and "Access registratie" in page
    portal_page = text_of(viewer.get(f"/applications/{landscape['portal'].pk}"))
    assert "dependency cycle" not in portal_page


def test_editor_adds_and_removes_a_dependency(landscape, editor):
    portal, access_db = landscape["portal"], landscape["access"]
    response = editor.post(
        f"/applications/{portal.pk}", {"depends_on": access_db.pk, "note": "Koppeling"}
    )
    assert response.status_code == 302
    dependency = Dependency.objects.get(application=portal, depends_on=access_db)
    assert dependency.note == "Koppeling"
    again = editor.post(f"/applications/{portal.pk}", {"depends_on": access_db.pk})
    assert "This dependency is already recorded" in text_of(again)
    response = editor.post(
        f"/dependencies/{dependency.pk}/remove",
        {"version": dependency.version, "back": access_db.pk},
    )
    assert response["Location"] == f"/applications/{access_db.pk}"
    assert not Dependency.objects.filter(pk=dependency.pk).exists()


def test_the_dependency_select_offers_the_organisations_other_applications(landscape, editor):
    page = editor.get(f"/applications/{landscape['portal'].pk}").content.decode()
    select = re.search(r'<select name="depends_on".*?</select>', page, re.S).group(0)
    assert "Mainframe belastingen" in select and "Access registratie" in select
    assert ">Portaal<" not in select


# --- the application list ---------------------------------------------------------------------


def test_list_filters_by_time_position_status_owner_and_bio(org, landscape, viewer):
    url = f"/organisations/{org.slug}/applications"
    assert names_in_table(viewer.get(url, {"time": ["migrate", "eliminate"]})) == [
        "Access registratie",
        "Mainframe belastingen",
    ]
    assert names_in_table(viewer.get(url, {"time": "invest"})) == ["Portaal"]
    assert names_in_table(viewer.get(url, {"owner": "belasting"})) == ["Mainframe belastingen"]
    assert names_in_table(viewer.get(url, {"owner": "de vries"})) == ["Portaal"]
    assert names_in_table(viewer.get(url, {"bio_high": "confidentiality"})) == [
        "Mainframe belastingen"
    ]
    assert names_in_table(viewer.get(url, {"bio_high": "any"})) == [
        "Mainframe belastingen",
        "Portaal",
    ]
    assert names_in_table(viewer.get(url, {"status": "retired"})) == []
    assert "No application matches these filters." in text_of(
        viewer.get(url, {"status": "retired"})
    )


@pytest.mark.parametrize(
    "window, expected",
    [
        ("past", ["Mainframe belastingen"]),
        ("within-24-months", ["Portaal"]),
        ("later", ["Lang houdbaar"]),
        ("unknown", ["Access registratie"]),
    ],
)
def test_list_filters_by_end_of_support_window(org, landscape, viewer, window, expected):
    application(org, "Lang houdbaar", end_of_support=timezone.localdate() + dt.timedelta(days=1000))
    response = viewer.get(f"/organisations/{org.slug}/applications", {"end_of_support": window})
    assert names_in_table(response) == expected


def test_search_looks_in_name_vendor_technology_and_purpose(org, landscape, viewer):
    url = f"/organisations/{org.slug}/applications"
    assert names_in_table(viewer.get(url, {"q": "wolkwerk"})) == ["Portaal"]
    assert names_in_table(viewer.get(url, {"q": "access"})) == ["Access registratie"]
    page = text_of(viewer.get(url, {"q": "wolkwerk"}))
    assert "1 application (filtered)" in page


def test_sort_links_keep_the_filters_and_mark_the_sorted_column(org, landscape, viewer):
    url = f"/organisations/{org.slug}/applications"
    response = viewer.get(url, {"sort": "-value", "bio_high": "any"})
    assert names_in_table(response) == ["Portaal", "Mainframe belastingen"]
    page = response.content.decode()
    sorted_th = re.findall(
        r'<th scope="col"[^>]*aria-sort="(\w+)"[^>]*>\s*<a[^>]*href="([^"]+)"', page
    )
    assert len(sorted_th) == 1
    direction, link = sorted_th[0]
    assert direction == "descending"
    assert "bio_high=any" in link and "sort=value" in html.unescape(link)
    assert names_in_table(viewer.get(url, {"sort": "value", "bio_high": "any"})) == [
        "Mainframe belastingen",
        "Portaal",
    ]
    by_cost = names_in_table(viewer.get(url, {"sort": "-run-cost"}))
    assert by_cost[0] == "Mainframe belastingen"  # the only one with run spend


def test_unknown_filter_values_are_ignored_and_said(org, landscape, viewer):
    response = viewer.get(
        f"/organisations/{org.slug}/applications", {"time": "sometimes", "sort": "nonsense"}
    )
    assert response.status_code == 200
    assert len(names_in_table(response)) == 3
    assert "Some filters were not understood" in text_of(response)


def test_list_pages_by_fifty(org, viewer):
    for number in range(55):
        application(org, f"Systeem {number:02d}")
    url = f"/organisations/{org.slug}/applications"
    first = viewer.get(url, {"time": "invest"})
    assert len(names_in_table(first)) == 50
    assert "55 applications (filtered)" in text_of(first)
    assert "Page 1 of 2" in text_of(first)
    assert 'href="?time=invest&amp;page=2"' in first.content.decode()
    second = viewer.get(url, {"time": "invest", "page": 2})
    assert names_in_table(second) == [f"Systeem {n}" for n in range(50, 55)]
    assert "Page 2 of 2" in text_of(second) and 'rel="prev"' in second.content.decode()


def test_list_links_to_every_export_format(org, viewer):
    page = viewer.get(f"/organisations/{org.slug}/applications").content.decode()
    for fmt in ("csv", "xlsx", "ods", "json"):
        link = f"/organisations/{org.slug}/export?kind=applications&amp;format={fmt}"
        assert link in page
    export = viewer.get(f"/organisations/{org.slug}/export?kind=applications&format=csv")
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")


def test_empty_register_says_so(org, viewer):
    assert "No applications have been recorded yet." in text_of(
        viewer.get(f"/organisations/{org.slug}/applications")
    )


# --- spend lines ------------------------------------------------------------------------------


def spend_form(**overrides):
    data = {
        "year": "2025",
        "amount": "1234.50",
        "kind": "actual",
        "category": "innovate",
        "cost_type": "staff",
        "application": "",
        "pays_for": "Chatbot",
        "description": "",
        "reference": "",
    }
    data.update(overrides)
    return data


def test_spend_page_filters_and_totals_the_filtered_lines(org, landscape, viewer):
    url = f"/organisations/{org.slug}/spend"
    everything = text_of(viewer.get(url))
    assert "9 spend lines" in everything
    filtered = viewer.get(url, {"year": 2025, "kind": "actual", "category": "run"})
    page = text_of(filtered)
    assert "2 spend lines (filtered)" in page
    # 580,000 + 120,000 actual run in 2025
    assert "Totals of the filtered lines" in page and "€ 700,000" in page
    budget = text_of(viewer.get(url, {"kind": "budget"}))
    assert "1 spend line (filtered)" in budget and "€ 1,000,000" in budget
    for fmt in ("csv", "xlsx", "ods", "json"):
        assert f"export?kind=spend&amp;format={fmt}" in filtered.content.decode()


def test_spend_page_pages_by_fifty(org, viewer):
    for number in range(51):
        spend(org, 2020, number + 1)
    url = f"/organisations/{org.slug}/spend"
    first = viewer.get(url)
    assert "Page 1 of 2" in text_of(first) and "51 spend lines" in text_of(first)
    assert text_of(viewer.get(url, {"page": 2})).count("Page 2 of 2") == 1


def test_editor_adds_edits_and_deletes_a_spend_line(org, landscape, editor):
    url = f"/organisations/{org.slug}/spend"
    response = editor.post(url, spend_form(application=landscape["portal"].pk))
    assert response.status_code == 302
    line = SpendLine.objects.get(pays_for="Chatbot")
    assert line.amount == Decimal("1234.50") and line.application == landscape["portal"]
    response = editor.post(
        f"/spend-lines/{line.pk}/edit", spend_form(amount="2000", version=line.version)
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.amount == Decimal("2000") and line.application is None
    stale = editor.post(
        f"/spend-lines/{line.pk}/edit", spend_form(amount="3000", version=line.version - 1)
    )
    assert stale.status_code == 409 and "Somebody else saved" in text_of(stale)
    assert "Delete this spend line?" in text_of(editor.get(f"/spend-lines/{line.pk}/delete"))
    response = editor.post(f"/spend-lines/{line.pk}/delete", {"version": line.version})
    assert response.status_code == 302
    assert SpendLine.all_objects.get(pk=line.pk).is_deleted


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"amount": "-5"}, "amount", "greater than or equal to 0"),
        ({"year": "20277"}, "year", "less than or equal to 2100"),
        ({"kind": ""}, "kind", "This field is required"),
        ({"amount": "veel"}, "amount", "Enter an amount"),
    ],
)
def test_bad_spend_input_is_shown_on_its_field(org, editor, overrides, field, message):
    response = editor.post(f"/organisations/{org.slug}/spend", spend_form(**overrides))
    assert response.status_code == 200
    assert message in field_errors(response, f"id_{field}")
    assert not SpendLine.objects.exists()


def test_dutch_amounts_are_read_with_a_decimal_comma(org):
    client = client_for(member("editor", org), language="nl")
    response = client.post(f"/organisations/{org.slug}/spend", spend_form(amount="1234,56"))
    assert response.status_code == 302
    assert SpendLine.objects.get().amount == Decimal("1234.56")


def test_spend_line_for_another_organisations_application_is_refused(org, foreign, editor):
    theirs = application(foreign, "Hun systeem")
    response = editor.post(f"/organisations/{org.slug}/spend", spend_form(application=theirs.pk))
    assert "There is no application of that name or number here." in field_errors(
        response, "id_application"
    )


# --- balance ----------------------------------------------------------------------------------


def test_balance_page_has_three_charts_each_with_caption_alt_summary_and_table(
    org, landscape, viewer
):
    response = viewer.get(f"/organisations/{org.slug}/balance")
    page = response.content.decode()
    svgs = chart_svgs(viewer, response)
    assert len(svgs) == 3 and all(svg.lstrip().startswith("<?xml") for svg in svgs)
    figures = re.findall(r'<figure class="chart">(.*?)</figure>', page, re.S)
    assert len(figures) == 3
    for figure in figures:
        assert "<figcaption>" in figure
        assert re.search(r'<img src="/organisations/[^"]+chart=[^"]+" alt="[^"]{40,}"', figure)
        assert '<p class="chart__summary">' in figure
    text = text_of(response)
    # 2025 actual: run 700k of 1,000k = 70.0%, 5 points above 65% = 50,000 too much;
    # innovate 100k = 10.0%, meets at least 10%.
    assert (
        "In 2025 run was 70.0% of actual spend, 5.0 points above the target of at most 65%" in text
    )
    assert "(€ 50,000 too much)" in text
    assert "Innovate was 10.0%, meeting the target of at least 10%" in text
    assert "2026 shows the budget, as it has no actual spend yet." in text
    # the table of amounts and shares, with the budget year marked
    assert "2026 budget (no actuals yet) € 1,000,000" in text
    assert "2024 actual € 720,000 € 200,000 € 80,000 € 1,000,000 72.0% 20.0% 8.0%" in text
    # trend of innovate: 8% → 10% is +2 points a year
    assert "innovate +2.00 points a year" in text


def test_balance_chart_draws_the_target_lines_and_marks_budget_years(org, landscape, viewer):
    svg = chart_svgs(viewer, viewer.get(f"/organisations/{org.slug}/balance"))[0]
    # matplotlib writes text as glyph paths; each line of a label stays in a comment
    labels = re.findall(r"<!-- (.*?) -->", svg)
    assert "target 2030: run at most 65%" in labels
    assert "target 2030: innovate at least" in labels and "budget" in labels
    assert {"run", "change", "innovate"} <= set(labels)


def test_balance_with_and_without_the_organisations_below(tree, org):
    ministry, agency, _ = tree
    spend(ministry, 2025, 600, "run")
    spend(agency, 2025, 400, "innovate")
    client = client_for(member("viewer", ministry))
    url = f"/organisations/{ministry.slug}/balance"
    rolled = client.get(url)
    assert "2025 actual € 600 € 0 € 400 € 1,000" in text_of(rolled)
    assert re.search(r'name="below" value="1" id="id_below" checked', rolled.content.decode())
    own = client.get(url, {"below": "0"})
    assert "2025 actual € 600 € 0 € 0 € 600" in text_of(own)
    assert not re.search(r'id="id_below" checked', own.content.decode())
    both = client.get(url + "?below=0&below=1")  # the hidden 0, then the ticked box
    assert "€ 1,000" in text_of(both)


def test_gap_to_target_in_points_and_euro(org, landscape, viewer):
    text = text_of(viewer.get(f"/organisations/{org.slug}/balance"))
    assert "Gap to the target in 2025 (actual spend)" in text
    assert "run at most 65.0% 70.0% 5.0 € 50,000 no" in text
    assert "innovate at least 10.0% 10.0% 0.0 € 0 yes" in text


def test_editor_sets_the_target_and_bad_bounds_are_shown(org, landscape, editor):
    url = f"/organisations/{org.slug}/balance"
    response = editor.post(
        url, {"target_year": "2030", "innovate_min_percent": "12.5", "run_max_percent": "60"}
    )
    assert response.status_code == 302 and response["Location"].endswith("#target")
    target = org.spend_targets.get(target_year=2030)
    assert target.innovate_min_percent == Decimal("12.5") and target.version == 2
    response = editor.post(url, {"target_year": "2031"})
    assert "Give at least one bound" in text_of(response)
    response = editor.post(
        url, {"target_year": "2031", "innovate_min_percent": "50", "run_max_percent": "40"}
    )
    assert "These bounds cannot both be met." in text_of(response)
    response = editor.post(url, {"target_year": "2031", "run_max_percent": "140"})
    assert "less than or equal to 100" in field_errors(response, "id_run_max_percent")
    assert not org.spend_targets.filter(target_year=2031).exists()


def test_time_chart_and_legacy_risk(org, landscape, viewer):
    response = viewer.get(f"/organisations/{org.slug}/balance")
    text = text_of(response)
    assert "3 applications: 1 Invest, 0 Tolerate, 1 Migrate, 1 Eliminate." in text
    # only the mainframe has run spend: 120,000 in 2025, all of it Migrate
    assert "Migrate and Eliminate applications cost € 120,000 in run spend in 2025" in text
    assert "Migrate and Eliminate together € 120,000" in text
    # legacy risk: the mainframe is past its end of support and the portal within 24 months;
    # the mainframe is needed by the portal and the Access database (2 direct, 2 in all)
    assert re.search(r"Mainframe belastingen \w+ \d{4} past Migrate 2 2 € 120,000", text)
    assert re.search(r"Portaal \w+ \d{4} within 24 months Invest 0 0 € 0", text)
    assert "Access registratie ⇄ Mainframe belastingen" in text
    assert "30 years or older 1" in text and "go-live year unknown 1" in text
    svg = chart_svgs(viewer, response)[1]
    assert "Business value" in svg and "Technical condition" in svg


def test_scenarios_compared_with_the_year_each_meets_the_target(org, landscape, viewer):
    text = text_of(viewer.get(f"/organisations/{org.slug}/balance"))
    # 2027 on: run 580k of 880k = 65.9% (still above 65%), innovate 100/880 = 11.4%
    assert "Afbouw not within the horizon 11.4% 65.9%" in text
    assert "no change not within the horizon 10.0% 70.0%" in text
    assert "Afbouw does not meet the target by 2035: run 65.9% (at most 65%)." in text


def test_a_scenario_named_dash_is_listed_next_to_no_change(org, landscape, viewer):
    dash = services.scenario_create(actor=None, organisation=org, name="—", base_year=2025)
    services.scenario_change_add(
        actor=None, scenario=dash, kind="change_innovate", from_year=2026, amount=Decimal("100000")
    )
    text = text_of(viewer.get(f"/organisations/{org.slug}/balance"))
    # no change stays 100k of 1,000k; "—" has 200k of 1,100k = 18.2% innovate, run 63.6%
    assert "no change not within the horizon 10.0% 70.0%" in text
    assert re.search(r"— (\d{4}|not within the horizon) 18\.2% 63\.6%", text)


def test_balance_page_without_data_says_so(org, viewer):
    text = text_of(viewer.get(f"/organisations/{org.slug}/balance"))
    assert "No spend has been recorded yet" in text
    assert "No target has been set yet." in text
    assert "No scenarios yet." in text


# --- scenarios --------------------------------------------------------------------------------


def test_editor_creates_a_scenario_and_a_duplicate_name_is_refused(org, landscape, editor):
    url = f"/organisations/{org.slug}/scenarios"
    assert 'name="base_year" value="2025"' in editor.get(url).content.decode()
    response = editor.post(url, {"name": "Groei", "base_year": "2025", "description": ""})
    scenario = Scenario.objects.get(name="Groei")
    assert response["Location"] == f"/scenarios/{scenario.pk}"
    response = editor.post(url, {"name": "Groei", "base_year": "2025"})
    assert "There is already a scenario with this name." in field_errors(response, "id_name")
    assert "Afbouw" in text_of(editor.get(url)) and "Groei" in text_of(editor.get(url))


def test_retiring_an_application_defaults_to_its_run_cost_in_the_base_year(landscape, editor):
    scenario = services.scenario_create(
        actor=None, organisation=landscape["old"].organisation, name="Leeg", base_year=2025
    )
    response = editor.post(
        f"/scenarios/{scenario.pk}",
        {
            "kind": "retire_application",
            "retire-application-application": landscape["old"].pk,
            "retire-application-from_year": "2028",
            "retire-application-amount": "",
            "retire-application-replacement_amount": "20000",
            "retire-application-label": "",
        },
    )
    assert response.status_code == 302
    change = scenario.changes.get()
    assert change.amount == Decimal("120000.00") and change.replacement_amount == Decimal("20000")


def test_each_kind_of_change_has_its_own_fields(landscape, editor):
    scenario = landscape["scenario"]
    url = f"/scenarios/{scenario.pk}"
    page = editor.get(url).content.decode()
    assert 'name="start-project-to_year"' in page and 'name="stop-project-to_year"' not in page
    assert 'name="retire-application-replacement_amount"' in page
    response = editor.post(
        url,
        {
            "kind": "start_project",
            "start-project-label": "Nieuw zaaksysteem",
            "start-project-from_year": "2027",
            "start-project-to_year": "2026",
            "start-project-amount": "50000",
        },
    )
    assert "The last year comes before the first year." in field_errors(
        response, "id_start-project-to_year"
    )
    response = editor.post(
        url,
        {
            "kind": "start_project",
            "start-project-label": "Nieuw zaaksysteem",
            "start-project-from_year": "2027",
            "start-project-to_year": "2028",
            "start-project-amount": "50000",
        },
    )
    assert response.status_code == 302
    response = editor.post(
        url,
        {
            "kind": "change_innovate",
            "change-innovate-from_year": "2029",
            "change-innovate-amount": "-20000",
        },
    )
    assert response.status_code == 302
    assert scenario.changes.filter(kind="change_innovate", amount=Decimal("-20000")).exists()
    assert editor.post(url, {"kind": "something"}).status_code == 400


def test_a_change_that_makes_spend_negative_is_refused_with_the_reason(org, landscape, editor):
    scenario = landscape["scenario"]
    response = editor.post(
        f"/scenarios/{scenario.pk}",
        {
            "kind": "stop_project",
            "stop-project-label": "Te groot",
            "stop-project-from_year": "2027",
            "stop-project-amount": "999999",
        },
    )
    assert response.status_code == 200
    text = text_of(response)
    assert "The change was not saved, because the projection fails:" in text
    assert "makes change spend negative in 2027" in text
    assert scenario.changes.count() == 1  # nothing stored


def test_scenario_page_shows_the_projection_and_removes_a_change(landscape, editor):
    scenario = landscape["scenario"]
    text = text_of(editor.get(f"/scenarios/{scenario.pk}"))
    # base 2025: run 700k, change 200k, innovate 100k; from 2027 run is 120k lower
    assert "2025 (base) € 700,000 € 200,000 € 100,000 € 1,000,000 70.0% 20.0% 10.0%" in text
    assert "2026 € 700,000 € 200,000 € 100,000 € 1,000,000 70.0% 20.0% 10.0% 10.0% no" in text
    assert "2027 € 580,000 € 200,000 € 100,000 € 880,000 65.9% 22.7% 11.4% 10.0% no" in text
    assert "does not meet the target within the ten years shown" in text
    change = scenario.changes.get()
    response = editor.post(f"/scenario-changes/{change.pk}/remove")
    assert response["Location"] == f"/scenarios/{scenario.pk}"
    assert not scenario.changes.filter(deleted_at__isnull=True).exists()


def test_scenario_that_cannot_be_projected_shows_why(org, editor):
    scenario = services.scenario_create(
        actor=None, organisation=org, name="Zonder uitgaven", base_year=2025
    )
    text = text_of(editor.get(f"/scenarios/{scenario.pk}"))
    assert (
        "This scenario cannot be projected: no spend (actual or budget) in base year 2025" in text
    )
    assert "The scenarios cannot be projected:" in text_of(
        editor.get(f"/organisations/{org.slug}/balance")
    )


def test_scenario_edit_conflict_and_delete(landscape, editor):
    scenario = landscape["scenario"]
    response = editor.post(
        f"/scenarios/{scenario.pk}/edit",
        {"name": "Afbouw mainframe", "base_year": "2025", "version": scenario.version},
    )
    assert response.status_code == 302
    stale = editor.post(
        f"/scenarios/{scenario.pk}/edit",
        {"name": "Iets anders", "base_year": "2025", "version": scenario.version},
    )
    assert stale.status_code == 409 and 'value="Afbouw mainframe"' in stale.content.decode()
    response = editor.post(f"/scenarios/{scenario.pk}/delete", {"version": scenario.version + 1})
    assert response.status_code == 302
    assert Scenario.all_objects.get(pk=scenario.pk).is_deleted


# --- query counts -----------------------------------------------------------------------------


def grow(org, count, start=0):
    """Add ``count`` applications with run spend and a dependency each."""
    previous = None
    for number in range(start, start + count):
        app = application(org, f"App {number:03d}", value=1 + number % 5, condition=1 + number % 4)
        spend(org, 2025, 1000 + number, application=app)
        if previous is not None:
            services.dependency_add(actor=None, application=app, depends_on=previous)
        previous = app


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "path, bound",
    [
        # measured: 8 (session, person, memberships, organisation, ancestors, latest actual
        # year, count, page); the balance page 13 with one scenario (one more per scenario),
        # reading its stored figures
        ("applications", 10),
        ("applications?sort=-run-cost&time=invest&time=migrate&page=2", 10),
        ("balance", 16),
    ],
)
def test_query_count_does_not_grow_with_the_applications(
    org,
    landscape,
    viewer,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
    path,
    bound,
):
    url = f"/organisations/{org.slug}/{path}"
    grow(org, 5)
    viewer.get(url)  # the balance page computes its stored figures on the first view
    few = count_queries(viewer, url)
    with django_capture_on_commit_callbacks(execute=True):  # the refresh after the change
        grow(org, 35, start=5)
    many = count_queries(viewer, url)
    assert few == many
    with django_assert_max_num_queries(bound):
        viewer.get(url)


# --- charts -----------------------------------------------------------------------------------


def test_charts_are_deterministic_svg():
    def draw():
        return charts.stacked_shares.__wrapped__(  # drawn twice, not from the cache
            years=[2024, 2025],
            series=[
                charts.Series("run", [70, 68], charts.BLUE, "/"),
                charts.Series("innovate", [30, 32], charts.GREEN, "x"),
            ],
            reference_lines=[charts.ReferenceLine(65, "target")],
            marked_years=[2025],
            marked_label="budget",
            x_label="Year",
            y_label="Share",
        )

    first, second = draw(), draw()
    assert first == second and first.lstrip().startswith("<?xml")
    assert "<dc:date>" not in first and "<svg" in first


def test_a_chart_drawn_before_comes_from_the_cache(monkeypatch):
    arguments = {
        "x": [2026, 2027],
        "series": [charts.Series("A", [10.0, 12.0], charts.BLUE)],
        "x_label": "Year",
        "y_label": "Share",
    }
    first = charts.lines(name="a", **arguments).svg
    monkeypatch.setattr(charts, "_svg", lambda figure: pytest.fail("drawn again"))
    assert charts.lines(name="a", **arguments).svg == first


def test_jitter_is_the_same_in_every_process_and_small():
    assert charts.jitter(17) == charts.jitter(17)
    assert charts.jitter(17) != charts.jitter(18)
    assert all(abs(offset) <= 0.28 for key in range(200) for offset in charts.jitter(key))
