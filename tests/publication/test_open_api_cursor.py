"""Cursor (keyset) pages of the public API: links both ways, the last page, numbered pages
beside them, bad cursors as 400 problem+json, counts kept under the list's last change, and a
query count that does not grow with the rows."""

import base64
import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from omslag.projects import services as project_services
from omslag.publication.models import Kind, Publication
from omslag.publication.services import publication_publish_now
from tests.api.conftest import PROBLEM_JSON

pytestmark = pytest.mark.django_db
FIRST = 100_000
NAMES = ["delta", "Alfa", "charlie", "bravo", "echo", "alfa", "Foxtrot"]


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()


def published_rows(org, kind, count: int, title=lambda i: f"Record {i:04d}") -> list[int]:
    """``count`` approved, current versions written directly (as the benchmark does): the
    pages read only these rows, and hundreds through the services would make the test slow.
    Their record ids start at 100,001, clear of the records the services make."""
    now = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
    Publication.objects.bulk_create(
        Publication(
            organisation=org,
            kind=kind,
            source_id=FIRST + i,
            number=1,
            status=Publication.Status.APPROVED,
            title=title(i),
            facet="red" if i % 3 == 0 else "green",
            snapshot={"name": title(i)},
            public_data={"name": title(i)},
            proposed_at=now,
            decided_at=now,
            is_current=True,
        )
        for i in range(1, count + 1)
    )
    return [FIRST + i for i in range(1, count + 1)]


def walk(client, url: str, link: str = "next") -> list[list[int]]:
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        pages.append([row["id"] for row in body["results"]])
        url = body[link]
    return pages


def test_next_links_walk_the_list_in_its_order_and_previous_links_walk_back(client, org):
    ids = {}
    for name in NAMES:
        project = project_services.project_create(actor=None, organisation=org, name=name)
        publication_publish_now(organisation=org, kind=Kind.PROJECT, source_id=project.pk)
        ids[name] = project.pk
    # The order of the list: by title as the database sorts it, then by record id; the test
    # takes the database's own collation for the titles rather than Python's.
    titles = list(
        Publication.objects.filter(organisation=org).order_by("title").values_list("title")
    )
    expected = [ids[title] for (title,) in titles]

    pages = walk(client, f"/api/v1/open/organisations/{org.slug}/projects?pageSize=3")
    assert pages == [expected[0:3], expected[3:6], expected[6:7]]

    first = client.get(f"/api/v1/open/organisations/{org.slug}/projects?pageSize=3").json()
    assert first["previous"] is None and first["count"] == 7 and first["pageSize"] == 3
    assert "page" not in first
    last_url = first["next"]
    while (body := client.get(last_url).json())["next"]:
        last_url = body["next"]
    assert body["next"] is None and [r["id"] for r in body["results"]] == expected[6:]
    back = walk(client, body["previous"], link="previous")
    assert back == [expected[3:6], expected[0:3]]
    # Going back and then forward again from a previous page gives the same page.
    again = client.get(client.get(body["previous"]).json()["next"]).json()
    assert [r["id"] for r in again["results"]] == expected[6:]


def test_a_list_in_descending_order_pages_by_year(client, org):
    years = published_rows(org, Kind.BALANCE_YEAR, 5, title=lambda i: str(2019 + i))
    pages = walk(client, f"/api/v1/open/organisations/{org.slug}/balance-years?pageSize=2")
    assert pages == [[years[4], years[3]], [years[2], years[1]], [years[0]]]
    assert sorted(sum(pages, [])) == years


def test_filters_stay_in_the_links(client, org):
    ids = published_rows(org, Kind.PROJECT, 20)
    red = [FIRST + i for i in range(1, 21) if i % 3 == 0]
    assert set(red) < set(ids)
    pages = walk(client, f"/api/v1/open/organisations/{org.slug}/projects?facet=red&pageSize=2")
    assert sum(pages, []) == red
    first = client.get(f"/api/v1/open/organisations/{org.slug}/projects?facet=red").json()
    assert first["count"] == len(red)


def test_numbered_pages_still_answer(client, org):
    ids = published_rows(org, Kind.PROJECT, 12)
    body = client.get(f"/api/v1/open/organisations/{org.slug}/projects?page=3&pageSize=5").json()
    assert body["page"] == 3 and body["count"] == 12
    assert [r["id"] for r in body["results"]] == ids[10:]
    assert "page=2" in body["previous"] and body["next"] is None
    assert (
        client.get(f"/api/v1/open/organisations/{org.slug}/projects?page=4&pageSize=5").status_code
        == 404
    )


def test_a_page_has_at_most_a_thousand_rows(client, org):
    published_rows(org, Kind.PROJECT, 1001)
    body = client.get(f"/api/v1/open/organisations/{org.slug}/projects?pageSize=1000").json()
    assert len(body["results"]) == 1000 and body["next"]
    assert len(client.get(body["next"]).json()["results"]) == 1


@pytest.mark.parametrize(
    "query",
    [
        "cursor=nonsense",
        "cursor=" + base64.urlsafe_b64encode(b'["n", "x"]').decode(),
        "cursor=" + base64.urlsafe_b64encode(b'["x", "Record 0001", 1]').decode(),
        "cursor=" + base64.urlsafe_b64encode(b'["n", "Record 0001", "1"]').decode(),
        "cursor=" + base64.urlsafe_b64encode(b'{"n": 1}').decode(),
        "cursor=" + base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        "cursor=WyJuIiwgIlJlY29yZCAwMDAxIiwgMV0&page=2",
        "pageSize=1001",
        "pageSize=0",
        "pageSize=ten",
    ],
)
def test_a_bad_cursor_or_page_size_is_a_400_problem(client, org, query):
    published_rows(org, Kind.PROJECT, 3)
    response = client.get(f"/api/v1/open/organisations/{org.slug}/projects?{query}")
    assert response.status_code == 400
    assert response["Content-Type"].startswith(PROBLEM_JSON)
    assert response.json()["status"] == 400


def test_the_time_in_a_list_is_the_time_of_the_record(client, org):
    project = project_services.project_create(actor=None, organisation=org, name="Tijd")
    publication_publish_now(organisation=org, kind=Kind.PROJECT, source_id=project.pk)
    listed = client.get(f"/api/v1/open/organisations/{org.slug}/projects").json()["results"][0]
    record = client.get(listed["apiUrl"]).json()["current"]
    assert listed["publishedAt"] == record["publishedAt"]
    decided = Publication.objects.get(source_id=project.pk).decided_at
    assert dt.datetime.fromisoformat(listed["publishedAt"].replace("Z", "+00:00")) == decided


def test_the_count_and_etag_follow_a_new_publication(client, org):
    published_rows(org, Kind.PROJECT, 4)
    url = f"/api/v1/open/organisations/{org.slug}/projects"
    first = client.get(url)
    assert first.json()["count"] == 4
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    project = project_services.project_create(actor=None, organisation=org, name="Nieuw")
    publication_publish_now(organisation=org, kind=Kind.PROJECT, source_id=project.pk)
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200 and again.json()["count"] == 5
    assert again["ETag"] != first["ETag"]
    # A correction: still 5 records, a new version, a new ETag.
    project_services.project_update(
        actor=None, project=project, expected_version=project.version, name="Nieuw, verbeterd"
    )
    publication_publish_now(organisation=org, kind=Kind.PROJECT, source_id=project.pk)
    corrected = client.get(url)
    assert corrected.json()["count"] == 5 and corrected["ETag"] != again["ETag"]
    titles = [r["title"] for r in corrected.json()["results"]]
    assert "Nieuw, verbeterd" in titles and "Nieuw" not in titles


def queries_of(client, url) -> int:
    client.get(url)  # the list's figures are counted once per change
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_query_count_of_a_page_does_not_grow_with_the_rows(client, org):
    url = f"/api/v1/open/organisations/{org.slug}/projects?pageSize=1000"
    published_rows(org, Kind.PROJECT, 5)
    few = queries_of(client, url)
    cursor_page = client.get(url.replace("1000", "2")).json()["next"]
    few_cursor = queries_of(client, cursor_page)
    Publication.objects.filter(organisation=org).delete()
    published_rows(org, Kind.PROJECT, 1500)
    assert queries_of(client, url) == few
    assert queries_of(client, cursor_page) == few_cursor
    # throttle read and write, the organisation with the list's last change, the page (the
    # list's figures are kept in the process under that change: no round trip for them)
    assert few <= 4
