"""During an open round a participant sees only their own answers: another participant's
evidence (a unique marker) appears in no page and no API response, and asking for their
answers gives 404. Rounds of another organisation are not found."""

import json

from omslag.maturity import services

from ..conftest import api_client_for
from ..factories import PersonFactory, member, organisation
from .conftest import answers_for, open_round

MARKER = "MARKER-7f3c9a-only-for-anna"


def _pages(scan_round, org, person):
    base = f"/maturity/rounds/{scan_round.pk}"
    return [
        f"/organisations/{org.slug}",
        f"/organisations/{org.slug}/maturity",
        f"/organisations/{org.slug}/maturity/peers",
        base,
        f"{base}/answer",
        f"{base}/answers/{person.pk}",
        f"{base}/results",
    ]


def _api(scan_round, org):
    base = f"/api/v1/maturity-rounds/{scan_round.pk}"
    return [
        f"/api/v1/organisations/{org.slug}/maturity-rounds",
        f"/api/v1/organisations/{org.slug}/maturity-peers",
        base,
        f"{base}/answers",
        f"{base}/results",
        "/api/v1/maturity-scan",
    ]


def test_another_participants_answers_never_appear_while_the_round_is_open(board, client):
    org, admin, members = board
    anna, bram, _carla = members
    scan_round = open_round(org, members)
    services.answers_submit(
        actor=anna, scan_round=scan_round, answers=answers_for(lambda s: 4, evidence=MARKER)
    )
    services.answers_submit(actor=bram, scan_round=scan_round, answers=answers_for(lambda s: 2))

    # Anna herself sees her marker (the crawl can find it when it is there).
    client.force_login(anna)
    assert (
        MARKER in client.get(f"/maturity/rounds/{scan_round.pk}/answers/{anna.pk}").content.decode()
    )
    assert MARKER in json.dumps(
        api_client_for(anna).get(f"/api/v1/maturity-rounds/{scan_round.pk}/answers").json()
    )

    for other in (bram, admin):
        client.force_login(other)
        for url in _pages(scan_round, org, other):
            response = client.get(url)
            assert response.status_code in (200, 403, 404), url
            assert MARKER not in response.content.decode(), url
        api = api_client_for(other)
        for url in _api(scan_round, org):
            assert MARKER not in json.dumps(api.get(url).json()), url
        # Asking for Anna's answers directly: not found, on the page and in the API.
        assert client.get(f"/maturity/rounds/{scan_round.pk}/answers/{anna.pk}").status_code == 404
        response = api.get(
            f"/api/v1/maturity-rounds/{scan_round.pk}/participants/{anna.pk}/answers"
        )
        assert response.status_code == 404
        assert MARKER not in response.content.decode()

    # Bram's own answer form holds his answers, not Anna's.
    client.force_login(bram)
    form = client.get(f"/maturity/rounds/{scan_round.pk}/answer").content.decode()
    assert "Seen in the annual plan" in form and MARKER not in form


def test_individual_answers_stay_private_after_closing(board, client):
    org, _admin, members = board
    anna, bram, carla = members
    scan_round = open_round(org, members)
    services.answers_submit(
        actor=anna, scan_round=scan_round, answers=answers_for(lambda s: 4, evidence=MARKER)
    )
    for person in (bram, carla):
        services.answers_submit(
            actor=person, scan_round=scan_round, answers=answers_for(lambda s: 2)
        )
    services.round_close(actor=None, scan_round=scan_round)
    client.force_login(bram)
    for url in _pages(scan_round, org, bram):
        assert MARKER not in client.get(url).content.decode(), url
    assert client.get(f"/maturity/rounds/{scan_round.pk}/answers/{anna.pk}").status_code == 404


def test_a_round_of_another_organisation_is_not_found(board, client):
    org, _admin, members = board
    scan_round = open_round(org, members)
    other_org = organisation("gemeente-b", kind="municipality")
    stranger = member("board", other_org)
    client.force_login(stranger)
    base = f"/maturity/rounds/{scan_round.pk}"
    for url in (base, f"{base}/answer", f"{base}/results", f"{base}/answers/{stranger.pk}"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"{base}/close").status_code == 404
    api = api_client_for(stranger)
    for url in (
        f"/api/v1/maturity-rounds/{scan_round.pk}",
        f"/api/v1/maturity-rounds/{scan_round.pk}/results",
        f"/api/v1/maturity-rounds/{scan_round.pk}/answers",
        f"/api/v1/organisations/{org.slug}/maturity-rounds",
    ):
        response = api.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"].startswith("application/problem+json")


def test_only_administrators_open_and_close_rounds(board, client):
    org, admin, members = board
    client.force_login(members[0])
    assert client.get(f"/organisations/{org.slug}/maturity/new").status_code == 403
    response = api_client_for(members[0]).post(
        f"/api/v1/organisations/{org.slug}/maturity-rounds",
        {"title": "X", "opensOn": "2026-01-01", "closesOn": "2026-02-01"},
        format="json",
    )
    assert response.status_code == 403
    scan_round = open_round(org, members)
    assert client.post(f"/maturity/rounds/{scan_round.pk}/close").status_code == 403
    scan_round.refresh_from_db()
    assert scan_round.status == "open"


def test_an_administrator_opens_a_round_with_board_and_chosen_management(board, client):
    org, admin, members = board
    manager = member("viewer", org, PersonFactory(full_name="Manager M"))
    outsider = PersonFactory()
    api = api_client_for(admin)
    default = api.post(
        f"/api/v1/organisations/{org.slug}/maturity-rounds",
        {"title": "Voorjaar", "opensOn": "2026-03-01", "closesOn": "2026-03-31"},
        format="json",
    )
    assert default.status_code == 201, default.content
    assert sorted(p["id"] for p in default.json()["participants"]) == sorted(m.pk for m in members)
    chosen = api.post(
        f"/api/v1/organisations/{org.slug}/maturity-rounds",
        {
            "title": "Najaar",
            "opensOn": "2026-09-01",
            "closesOn": "2026-09-30",
            "participants": [members[0].pk, manager.pk],
        },
        format="json",
    )
    assert chosen.status_code == 201
    assert sorted(p["id"] for p in chosen.json()["participants"]) == sorted(
        [members[0].pk, manager.pk]
    )
    refused = api.post(
        f"/api/v1/organisations/{org.slug}/maturity-rounds",
        {
            "title": "X",
            "opensOn": "2026-09-01",
            "closesOn": "2026-09-30",
            "participants": [outsider.pk],
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert refused.status_code == 422 and outsider.full_name in refused.json()["detail"]
    # On the page: the board members are ticked already.
    client.force_login(admin)
    html = client.get(f"/organisations/{org.slug}/maturity/new").content.decode()
    for person in members:
        assert f'value="{person.pk}"' in html
    response = client.post(
        f"/organisations/{org.slug}/maturity/new",
        {
            "title": "Via de pagina",
            "opens_on": "2026-10-01",
            "closes_on": "2026-10-31",
            "participants": [members[1].pk, manager.pk],
        },
    )
    assert response.status_code == 302
    closed = api.post(
        f"{response['Location'].replace('/maturity/rounds/', '/api/v1/maturity-rounds/')}/close",
        {},
        format="json",
    )
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
