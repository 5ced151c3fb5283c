"""The decisions waiting for the board: the dashboard shows the oldest of each kind with the
total, and links to a full list (paged, sorted, as CSV) whose total equals the dashboard's.
Expected values are computed here from the records (tests/leadership/test_figures.py)."""

import csv
import datetime as dt
import html
import io
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from omslag.innovation.models import Experiment, Stage
from omslag.leadership import selectors, views
from omslag.leadership.selectors import dashboard_for

from ..factories import organisation
from .conftest import TODAY
from .test_figures import expected_decisions, scope

ROW = re.compile(r'<th scope="row"><a href="[^"]+">([^<]*)</a></th><td>([^<]*)</td>')
SINCE = re.compile(r'<td class="number nowrap">([^<]*)</td><td class="number">(-?\d+|—)</td>')


def client_for(person):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person)
    return client


def total_of(page: str) -> int:
    match = re.search(r'<h2 id="results">(\d+) decisions? waiting', page)
    assert match, "the page states no total"
    return int(match.group(1))


def subjects_of(page: str) -> list[str]:
    return [html.unescape(m.group(1)) for m in ROW.finditer(page)]


def days_of(page: str) -> list[int]:
    return [int(m.group(2)) for m in SINCE.finditer(page)]


@pytest.mark.parametrize("with_children", [False, True])
def test_the_list_total_equals_the_dashboard_and_the_records(world, with_children):
    ids = scope(world, with_children)
    expected = expected_decisions(ids)
    board = dashboard_for(
        person=world["board"],
        organisation=world["ministry"],
        with_children=with_children,
        as_of=None,
    )
    assert board.decisions_total == sum(expected.values())
    for kind, count in expected.items():
        assert board.decision_counts[kind] == count, kind
    below = "1" if with_children else "0"
    client = client_for(world["board"])
    dashboard = client.get(f"/organisations/ministerie/dashboard?below={below}").content.decode()
    link = re.search(r'<a href="([^"]+)" id="decisions-all">', dashboard)
    assert link, "the dashboard links to the full list"
    page = client.get(html.unescape(link.group(1))).content.decode()
    assert total_of(page) == board.decisions_total
    for kind, count in expected.items():
        response = client.get(
            f"/organisations/ministerie/dashboard/decisions?below={below}&kind={kind}"
        )
        assert total_of(response.content.decode()) == count, kind


def test_the_dashboard_shows_the_oldest_of_each_kind_and_counts_all(world, monkeypatch):
    monkeypatch.setattr(selectors, "DECISIONS_PER_KIND", 1)
    ids = scope(world, True)
    expected = expected_decisions(ids)
    board = dashboard_for(
        person=world["board"], organisation=world["ministry"], with_children=True, as_of=None
    )
    kinds = [d.kind for d in board.decisions]
    assert sorted(kinds) == sorted(kind for kind, count in expected.items() if count)
    assert board.decisions_total == sum(expected.values())
    assert board.decisions_total > len(board.decisions)  # the world has more than one per kind
    # The one shown of each kind is its oldest: no decision of that kind waited longer.
    for shown in board.decisions:
        client = client_for(world["board"])
        page = client.get(
            f"/organisations/ministerie/dashboard/decisions?below=1&kind={shown.kind}"
        ).content.decode()
        assert max(days_of(page)) == shown.age_days
    page = client_for(world["board"]).get("/organisations/ministerie/dashboard?below=1")
    text = page.content.decode()
    assert f'<span class="board__count">{sum(expected.values())}</span>' in text
    assert f"of {sum(expected.values())} that have waited longest, up to 1 of each kind" in text


def test_paging_covers_every_decision_once_oldest_first(world, monkeypatch):
    monkeypatch.setattr(views, "DECISIONS_PAGE_SIZE", 2)
    total = sum(expected_decisions(scope(world, True)).values())
    client = client_for(world["board"])
    subjects, days = [], []
    pages = (total + 1) // 2
    for number in range(1, pages + 1):
        page = client.get(
            f"/organisations/ministerie/dashboard/decisions?below=1&page={number}"
        ).content.decode()
        assert total_of(page) == total
        assert len(subjects_of(page)) == (2 if number < pages else total - 2 * (pages - 1))
        subjects += subjects_of(page)
        days += days_of(page)
    assert len(subjects) == total
    assert days == sorted(days, reverse=True)  # the longest waiting first
    assert (
        f"Page 1 of {pages}"
        in client.get("/organisations/ministerie/dashboard/decisions?below=1").content.decode()
    )


@pytest.mark.parametrize("sort", ["since", "-since", "subject", "-subject", "organisation"])
def test_the_list_sorts(world, sort):
    page = (
        client_for(world["board"])
        .get(f"/organisations/ministerie/dashboard/decisions?below=1&sort={sort}")
        .content.decode()
    )
    if sort.endswith("since"):
        days = days_of(page)
        assert days == sorted(days, reverse=sort == "since")
    elif sort.endswith("subject"):
        subjects = subjects_of(page)
        assert subjects == sorted(subjects, reverse=sort.startswith("-"))
    else:
        organisations = [html.unescape(m.group(2)) for m in ROW.finditer(page)]
        names = {o.slug: o.name for o in [world["ministry"], *world["agencies"]]}
        assert [names[o] for o in organisations] == sorted(names[o] for o in organisations)
    assert 'aria-sort="' in page


def test_an_unknown_sort_or_kind_is_a_bad_request(world):
    client = client_for(world["board"])
    base = "/organisations/ministerie/dashboard/decisions?below=1"
    assert client.get(f"{base}&sort=drop").status_code == 400
    assert client.get(f"{base}&kind=everything").status_code == 400
    assert client.get(f"{base}&as_of=2999-01-01").status_code == 400


def test_the_csv_has_every_decision(world):
    ids = scope(world, True)
    expected = expected_decisions(ids)
    response = client_for(world["board"]).get(
        "/organisations/ministerie/dashboard/decisions?below=1&format=csv"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Waiting", "Subject", "Organisation", "Since", "Days"]
    assert len(rows) - 1 == sum(expected.values())
    waiting = Experiment.objects.filter(organisation_id__in=ids, stage=Stage.DECISION)
    gate_subjects = sorted(e.title for e in waiting)
    assert sorted(r[1] for r in rows[1:] if r[0] == "Gate decision pending") == gate_subjects
    for row in rows[1:]:
        since = dt.date.fromisoformat(row[3])
        assert int(row[4]) == (TODAY - since).days


def test_another_organisations_board_gets_404(world):
    client = client_for(world["board"])
    assert client.get("/organisations/gemeente/dashboard/decisions").status_code == 404


def test_the_query_count_does_not_grow_with_the_organisations(world):
    client = client_for(world["board"])
    address = "/organisations/ministerie/dashboard/decisions?below=1"
    client.get(address)  # the session and its caches
    with CaptureQueriesContext(connection) as before:
        assert client.get(address).status_code == 200
    for n in range(3, 8):
        agency = organisation(f"dienst-{n}", parent=world["ministry"], name=f"Dienst {n}")
        Experiment.objects.create(
            organisation=agency, title=f"dienst-{n} extra", stage=Stage.DECISION
        )
    with CaptureQueriesContext(connection) as after:
        page = client.get(address).content.decode()
    assert total_of(page) == sum(expected_decisions(scope(world, True)).values()) + 5
    assert len(after) == len(before)


def test_the_decisions_page_is_dutch_by_default(world):
    client = Client()
    client.force_login(world["board"])
    total = sum(expected_decisions(scope(world, True)).values())
    page = client.get("/organisations/ministerie/dashboard/decisions?below=1").content.decode()
    assert "Besluiten die op het bestuur van Ministerie van Zaken wachten" in page
    assert f"{total} besluiten wachten" in page
    assert "Download de hele lijst als CSV" in page
    dashboard = client.get("/organisations/ministerie/dashboard?below=1").content.decode()
    assert f"De volledige lijst: {total} besluiten, te sorteren en te downloaden" in dashboard
