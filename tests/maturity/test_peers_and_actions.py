"""Peer comparison with k-anonymity (shown with five other organisations of the same kind,
hidden with four), and improvement actions that become challenges in the pipeline."""

import re
import statistics

import pytest

from omslag.innovation.models import Challenge
from omslag.maturity.models import ImprovementAction
from omslag.maturity.scan import current_scan

from ..conftest import api_client_for
from ..factories import PersonFactory, member, organisation
from .conftest import answered_round


def _peer(slug, kind, base):
    """An organisation whose three board members answered a closed round; scores vary with
    ``base`` and the statement."""
    org = organisation(slug, kind=kind)
    people = [member("board", org) for _ in range(3)]
    codes = [s.code for s in current_scan().statements]
    table = {
        p: {code: 1 + (base + i + j) % 5 for j, code in enumerate(codes)}
        for i, p in enumerate(people)
    }
    answered_round(org, {p: (lambda s, t=t: t[s.code]) for p, t in table.items()})
    return table


def _dimension_medians(table):
    out = {}
    for d in current_scan().dimensions:
        codes = {s.code for s in d.statements}
        out[d.code] = statistics.median(
            score for answers in table.values() for c, score in answers.items() if c in codes
        )
    return out


@pytest.mark.parametrize("peers", [4, 5])
def test_peers_are_shown_from_five_organisations_and_hidden_with_four(board, client, peers):
    org, _admin, members = board
    tables = [_peer(f"gemeente-p{i}", "municipality", i) for i in range(peers)]
    # Organisations of another kind never count, however many there are.
    for i in range(5):
        _peer(f"provincie-{i}", "province", i)
    # A peer with only an open round does not count either.
    open_only = organisation("gemeente-open", kind="municipality")
    answered_round(open_only, {member("board", open_only): lambda s: 1}, close=False)

    client.force_login(members[0])
    html = client.get(f"/organisations/{org.slug}/maturity/peers").content.decode()
    body = api_client_for(members[0]).get(f"/api/v1/organisations/{org.slug}/maturity-peers").json()
    assert body["contributors"] == peers
    if peers < 5:
        assert 'id="peers-hidden"' in html and 'id="peers"' not in html
        assert body["shown"] is False and body["message"]
        assert all(d["peerMedian"] is None for d in body["dimensions"])
        return
    want = {
        code: statistics.median(_dimension_medians(t)[code] for t in tables)
        for code in _dimension_medians(tables[0])
    }
    assert body["shown"] is True
    assert {d["code"]: d["peerMedian"] for d in body["dimensions"]} == want
    for code, value in want.items():
        row = re.search(rf'<tr data-dimension="{code}">(.*?)</tr>', html, re.S).group(1)
        shown = re.search(r'class="number peer">([^<]+)<', row).group(1)
        assert shown == f"{value:.1f}".replace(".", ",")


def test_an_improvement_action_from_a_low_dimension_becomes_a_challenge(board, client):
    org, admin, members = board
    low = {"design"}
    scan_round = answered_round(
        org, {m: (lambda s: 1 if s.dimension in low else 4) for m in members}
    )
    client.force_login(members[0])
    html = client.get(f"/maturity/rounds/{scan_round.pk}/results").content.decode()
    assert html.count('name="dimension"') == 1 and 'value="design"' in html
    response = client.post(
        f"/maturity/rounds/{scan_round.pk}/improvement-actions", {"dimension": "design"}
    )
    action = ImprovementAction.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/challenges/{action.challenge_id}"
    )
    challenge = Challenge.objects.get(pk=action.challenge_id)
    assert challenge.organisation == org and challenge.owner == members[0]
    assert action.round == scan_round and action.dimension == "design"
    # The results page links to it; the API lists it under the dimension.
    html = client.get(f"/maturity/rounds/{scan_round.pk}/results").content.decode()
    assert f"/challenges/{challenge.pk}" in html
    body = api_client_for(members[1]).get(f"/api/v1/maturity-rounds/{scan_round.pk}/results").json()
    design = next(d for d in body["dimensions"] if d["code"] == "design")
    assert design["challenges"] == [challenge.pk]

    # Through the API, a dimension that is not low is refused, and nothing is created.
    api = api_client_for(members[1])
    url = f"/api/v1/maturity-rounds/{scan_round.pk}/improvement-actions"
    refused = api.post(url, {"dimension": "data"}, format="json")
    assert refused.status_code == 422
    assert api.post(url, {"dimension": "nope"}, format="json").status_code == 422
    assert Challenge.objects.count() == 1


def test_only_board_members_and_administrators_create_improvement_actions(board, client):
    org, _admin, members = board
    scan_round = answered_round(org, {m: (lambda s: 1) for m in members})
    viewer = member("viewer", org, PersonFactory())
    response = api_client_for(viewer).post(
        f"/api/v1/maturity-rounds/{scan_round.pk}/improvement-actions",
        {"dimension": "design"},
        format="json",
    )
    assert response.status_code == 403
    client.force_login(viewer)
    html = client.get(f"/maturity/rounds/{scan_round.pk}/results").content.decode()
    assert 'name="dimension"' not in html
    assert not Challenge.objects.exists()


def test_an_open_round_gives_no_improvement_action(board):
    org, _admin, members = board
    scan_round = answered_round(org, {m: (lambda s: 1) for m in members}, close=False)
    response = api_client_for(members[0]).post(
        f"/api/v1/maturity-rounds/{scan_round.pk}/improvement-actions",
        {"dimension": "design"},
        format="json",
    )
    assert response.status_code == 422
    assert not Challenge.objects.exists()
