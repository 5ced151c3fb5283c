"""The public pages: no sign-in, search, filters, pagination, downloads with formula
injection neutralised, and a query count that does not grow with the list."""

import csv
import datetime as dt
import io
import json

import pytest
import tablib

from omslag.projects import services as project_services
from omslag.publication.models import Kind
from omslag.publication.services import publication_publish_now

pytestmark = pytest.mark.django_db


def publish_projects(org, names):
    for name in names:
        project = project_services.project_create(actor=None, organisation=org, name=name)
        publication_publish_now(organisation=org, kind=Kind.PROJECT, source_id=project.pk)


def test_the_public_pages_need_no_sign_in(client, org, registers):
    for kind, source_id in registers.items():
        publication_publish_now(organisation=org, kind=kind, source_id=source_id)
    start = client.get("/open/", HTTP_ACCEPT_LANGUAGE="en")
    assert start.status_code == 200
    assert "Gemeente Wadderveen" in start.content.decode()
    organisation_page = client.get(f"/open/{org.slug}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for title in ("Large ICT projects", "Algorithms", "Open challenges", "Yearly balance"):
        assert title in organisation_page
    balance = client.get(f"/open/{org.slug}/balance-years/2024").content.decode()
    assert "800000" in balance and "50000" in balance
    assert "5%" in balance  # 50,000 of 1,000,000 is innovate


def test_search_filter_and_pagination(client, org):
    publish_projects(org, [f"Project {n:02d}" for n in range(55)] + ["Belastingportaal"])
    found = client.get(f"/open/{org.slug}/projects?q=belasting").content.decode()
    assert "Belastingportaal" in found and "Project 01" not in found
    first = client.get(f"/open/{org.slug}/projects").content.decode()
    assert "Belastingportaal" in first and "Project 48" in first and "Project 49" not in first
    second = client.get(f"/open/{org.slug}/projects?page=2").content.decode()
    assert "Project 49" in second and "Project 54" in second


def test_the_list_takes_the_same_number_of_queries_for_more_records(
    client, org, django_assert_max_num_queries
):
    # The count and the filter values are counted once after each change of the list (cold)
    # and then read from the cache (warm): neither grows with the list.
    url = f"/open/{org.slug}/projects"
    publish_projects(org, ["Een"])
    with django_assert_max_num_queries(12) as cold:
        client.get(url)
    with django_assert_max_num_queries(6) as warm:
        client.get(url)
    publish_projects(org, [f"Nog {n}" for n in range(30)])
    with django_assert_max_num_queries(len(cold.captured_queries)):
        client.get(url)
    with django_assert_max_num_queries(len(warm.captured_queries)):
        client.get(url)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods", "json"])
def test_every_list_downloads_with_formulas_neutralised(client, org, fmt):
    publish_projects(org, ['=HYPERLINK("http://evil.example")', "Gewoon project"])
    response = client.get(f"/open/{org.slug}/projects/download/{fmt}")
    assert response.status_code == 200
    if fmt == "json":
        rows = json.loads(response.content)
        names = {row["name"] for row in rows}
        assert names == {'=HYPERLINK("http://evil.example")', "Gewoon project"}
        return
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    else:
        rows = tablib.Dataset().load(response.content, format=fmt).dict
    names = {row["name"] for row in rows}
    assert names == {'\'=HYPERLINK("http://evil.example")', "Gewoon project"}


def test_an_unknown_list_or_format_is_404(client, org, registers):
    publication_publish_now(organisation=org, kind=Kind.PROJECT, source_id=registers[Kind.PROJECT])
    assert client.get(f"/open/{org.slug}/ideas").status_code == 404
    assert client.get(f"/open/{org.slug}/projects/download/exe").status_code == 404
    assert client.get("/open/nobody").status_code == 404


def test_the_filter_offers_each_value_once(client, org):
    from django.utils import timezone

    from omslag.publication.models import Publication
    from omslag.publication.selectors import published_facets

    for number, colour in enumerate(["green", "red", "green", "green"], start=1):
        Publication.objects.create(
            organisation=org,
            kind=Kind.PROJECT,
            source_id=number,
            number=1,
            status=Publication.Status.APPROVED,
            title=f"Project {number}",
            facet=colour,
            snapshot={"name": f"Project {number}", "colour": colour},
            proposed_at=timezone.now(),
            decided_at=timezone.now(),
            is_current=True,
        )
    assert published_facets(org, Kind.PROJECT) == ["green", "red"]
    page = client.get(f"/open/{org.slug}/projects").content.decode()
    assert page.count('<option value="green"') == 1
    assert '<option value="green">groen</option>' in page
    # Red comes after green, as the colours run, whatever the alphabet says.
    assert page.index('value="green"') < page.index('value="red"')
    chosen = client.get(f"/open/{org.slug}/projects?facet=red", HTTP_ACCEPT_LANGUAGE="en")
    assert '<label for="id_facet">Colour</label>' in chosen.content.decode()
    assert '<option value="red" selected>red</option>' in chosen.content.decode()


def test_the_list_shows_labels_and_amounts_and_the_downloads_keep_the_codes(client, org):
    from decimal import Decimal

    from omslag.projects.models import ProjectReport

    project = project_services.project_create(actor=None, organisation=org, name="Portaal")
    for day, cost in ((dt.date(2024, 1, 1), "1200000"), (dt.date(2025, 1, 1), "1500000")):
        project_services.report_create(
            actor=None,
            project=project,
            status=ProjectReport.Status.PUBLISHED,
            peildatum=day,
            total_cost_estimate=Decimal(cost),
            estimated_end_date=dt.date(2026, 1, 1),
        )
    publication_publish_now(organisation=org, kind=Kind.PROJECT, source_id=project.pk)
    row = _row_text(client.get(f"/open/{org.slug}/projects", HTTP_ACCEPT_LANGUAGE="nl"))
    # 1.5 million against 1.2 million is a quarter more: 25,0% in Dutch notation.
    assert "€\u00a01.200.000" in row and "€\u00a01.500.000" in row and "25,0%" in row
    assert "in_progress" not in row and "loopt" in row
    english = _row_text(client.get(f"/open/{org.slug}/projects", HTTP_ACCEPT_LANGUAGE="en"))
    assert "€\u00a01,500,000" in english and "25.0%" in english and "in progress" in english
    data = json.loads(client.get(f"/open/{org.slug}/projects/download/json").content)
    record = data[0] if isinstance(data, list) else data["rows"][0]
    assert record["status"] == "in_progress" and float(record["current_estimate"]) == 1500000


def _row_text(response) -> str:
    html = response.content.decode()
    return html[html.index("<tbody>") : html.index("</tbody>")]


def test_the_filters_use_the_shared_fields_and_keep_what_was_chosen(client, org):
    """The search and the colour are the shared filter fields (a label for each, the value kept
    after a search, the chosen colour selected); a search too long is said and ignored."""
    publish_projects(org, ["Belastingportaal", "Zaaksysteem"])
    page = client.get(
        f"/open/{org.slug}/projects?q=belasting&facet=", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert '<label for="id_q">Search by title</label>' in page
    assert 'type="search" name="q" value="belasting"' in page
    assert 'name="facet"' not in page  # no colour published yet: nothing to choose
    assert "Clear the filters" in page  # something was filtered
    assert "Zaaksysteem" not in page and "Belastingportaal" in page
    too_long = client.get(f"/open/{org.slug}/projects?q={'x' * 201}", HTTP_ACCEPT_LANGUAGE="en")
    text = too_long.content.decode()
    assert too_long.status_code == 200
    assert "Some filters were not understood and are ignored:" in text
    assert "Zaaksysteem" in text and "Belastingportaal" in text  # the search was ignored
    unfiltered = client.get(f"/open/{org.slug}/projects", HTTP_ACCEPT_LANGUAGE="en")
    assert "Clear the filters" not in unfiltered.content.decode()
