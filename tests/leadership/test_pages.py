"""The dashboard's page, API and downloads: who sees what, bad input, the home page of a board
member, and a query count that does not grow with the number of organisations."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from omslag.innovation.models import Experiment, StageTransition
from omslag.leadership.selectors import dashboard_for
from omslag.organisations.models import Role
from omslag.portfolio.models import Application, SpendLine
from omslag.projects.models import Project

from ..factories import member, organisation


def client_for(person) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person)
    return client


def test_a_board_member_with_one_organisation_starts_on_its_dashboard(world):
    response = client_for(world["board"]).get("/")
    assert response.status_code == 302
    assert response["Location"] == "/organisations/ministerie/dashboard"


def test_a_board_member_of_several_organisations_gets_a_list_of_dashboards(world):
    person = world["board"]
    member(Role.AUDITOR, world["municipality"], person)
    response = client_for(person).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/organisations/ministerie/dashboard"' in html
    assert 'href="/organisations/gemeente/dashboard"' in html


def test_anyone_with_another_role_keeps_the_ordinary_home_page(world):
    person = member(Role.EDITOR, world["ministry"])
    member(Role.BOARD, world["ministry"], person)
    response = client_for(person).get("/")
    assert response.status_code == 200
    assert "/dashboard" not in response.content.decode()


def test_the_organisation_page_links_to_the_dashboard(world):
    response = client_for(world["outsider"]).get("/organisations/gemeente")
    assert 'href="/organisations/gemeente/dashboard"' in response.content.decode()


def test_the_auditor_of_an_agency_sees_its_dashboard_not_the_ministrys(world, api_for):
    auditor = world["auditor"]
    assert client_for(auditor).get("/organisations/dienst-1/dashboard").status_code == 200
    assert client_for(auditor).get("/organisations/ministerie/dashboard").status_code == 404
    response = api_for(auditor).get("/api/v1/organisations/ministerie/dashboard")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    download = client_for(auditor).get("/organisations/ministerie/dashboard/report.pdf")
    assert download.status_code == 404
    download = client_for(auditor).post("/organisations/ministerie/dashboard/report.pdf")
    assert download.status_code == 404


def test_the_selector_refuses_an_organisation_the_person_may_not_read(world):
    from django.http import Http404

    with pytest.raises(Http404):
        dashboard_for(
            person=world["outsider"],
            organisation=world["ministry"],
            with_children=False,
            as_of=None,
        )


@pytest.mark.parametrize(
    ("as_of", "words"),
    [("2026-06-16", "lies in the future"), ("2019-12-31", "lies before any data")],
)
def test_an_as_of_date_in_the_future_or_before_any_data_is_refused(world, api_for, as_of, words):
    response = api_for(world["board"]).get(
        f"/api/v1/organisations/ministerie/dashboard?asOf={as_of}", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert words in response.json()["detail"]
    page = client_for(world["board"]).get(f"/organisations/ministerie/dashboard?as_of={as_of}")
    assert page.status_code == 400
    assert words in page.content.decode()
    assert "tile-balance" not in page.content.decode()


def test_a_malformed_as_of_date_is_a_bad_request(world, api_for):
    response = api_for(world["board"]).get(
        "/api/v1/organisations/ministerie/dashboard?asOf=gisteren"
    )
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "asOf"


def test_an_earlier_as_of_date_moves_the_complete_year_and_the_window(world, api_for):
    response = api_for(world["board"]).get(
        "/api/v1/organisations/ministerie/dashboard?asOf=2025-03-01"
    )
    assert response.status_code == 200
    document = response.json()
    assert document["balance"]["year"] == 2024
    assert document["innovation"]["windowStart"] == "2024-03-01"


def _organisation_with_records(slug, parent, year):
    org = organisation(slug, parent=parent)
    SpendLine.objects.bulk_create(
        SpendLine(organisation=org, year=year, amount=Decimal(100), kind="actual", category=c)
        for c in ("run", "change", "innovate")
    )
    Application.objects.create(
        organisation=org,
        name=f"{slug} app",
        business_value=2,
        technical_condition=2,
        end_of_support=dt.date(2026, 1, 1),
    )
    Project.objects.create(organisation=org, name=f"{slug} project")
    experiment = Experiment.objects.create(organisation=org, title=f"{slug} proef")
    StageTransition.objects.create(
        experiment=experiment, to_stage="idea", at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    )
    return org


def _queries(root, person):
    with CaptureQueriesContext(connection) as captured:
        dashboard_for(person=person, organisation=root, with_children=True, as_of=None)
    return len(captured)


def test_the_number_of_queries_does_not_grow_with_the_number_of_organisations(db):
    root = organisation("top", kind="ministry")
    person = member(Role.BOARD, root)
    _organisation_with_records("onder-1", root, 2025)
    few = _queries(root, person)
    for n in range(2, 12):
        _organisation_with_records(f"onder-{n}", root, 2025)
    person = type(person).objects.get(pk=person.pk)  # forget cached memberships
    many = _queries(root, person)
    assert many <= few, (few, many)


def test_the_dashboard_is_dutch_by_default(world):
    client = Client()
    client.force_login(world["board"])
    html = client.get("/organisations/ministerie/dashboard").content.decode()
    assert "Bestuursdashboard van Ministerie van Zaken" in html
    assert "Besluiten die op het bestuur wachten" in html and "Grote projecten" in html
