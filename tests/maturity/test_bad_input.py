"""Bad answers get a clear message naming the statement, and nothing is stored."""

import datetime as dt
import re

import pytest

from omslag.maturity import services
from omslag.maturity.models import Answer
from omslag.maturity.scan import current_scan

from ..conftest import api_client_for
from .conftest import answers_for, open_round


def _post_data(score_of, evidence="Zie het jaarplan"):
    data = {}
    for s in current_scan().statements:
        data[f"score-{s.code}"] = score_of(s)
        data[f"evidence-{s.code}"] = evidence
    return data


def _api_body(score=3, evidence="Zie het jaarplan"):
    return {
        "answers": [
            {"statement": s.code, "score": score, "evidence": evidence}
            for s in current_scan().statements
        ]
    }


@pytest.mark.parametrize(
    ("change", "message", "field"),
    [
        ({"score-design-1": "6"}, "1 tot en met 5", "score-design-1"),
        ({"score-design-1": "0"}, "1 tot en met 5", "score-design-1"),
        ({"score-design-1": "2.5"}, "1 tot en met 5", "score-design-1"),
        ({"score-design-1": ""}, "1 tot en met 5", "score-design-1"),
        ({"evidence-design-1": "   "}, "onderbouwing", "evidence-design-1"),
    ],
)
def test_the_form_refuses_a_bad_answer_and_stores_nothing(board, client, change, message, field):
    org, _admin, members = board
    scan_round = open_round(org, members)
    client.force_login(members[0])
    response = client.post(
        f"/maturity/rounds/{scan_round.pk}/answer", {**_post_data(lambda s: "3"), **change}
    )
    assert response.status_code == 400
    html = response.content.decode()
    # The message stands on its field (the shared field include) and in the summary.
    on_field = re.search(rf'<div id="{field}_error"><p class="field__error">([^<]*)</p>', html)
    assert on_field and message in on_field.group(1)
    first = "score-design-1_0" if field.startswith("score") else field
    assert f'<a href="#{first}">' in html
    # What was typed stays in the form.
    assert re.search(r'name="score-design-2" value="3"[^>]*checked', html)
    assert not Answer.objects.exists()


def test_the_form_stores_every_answer_and_replaces_them_on_a_second_save(board, client):
    org, _admin, members = board
    scan_round = open_round(org, members)
    client.force_login(members[0])
    url = f"/maturity/rounds/{scan_round.pk}/answer"
    assert client.post(url, _post_data(lambda s: "2")).status_code == 302
    assert client.post(url, _post_data(lambda s: "4", "Tweede keer")).status_code == 302
    stored = Answer.objects.filter(round=scan_round, person=members[0])
    assert stored.count() == len(current_scan().statements)
    assert {a.score for a in stored} == {4} and {a.evidence for a in stored} == {"Tweede keer"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (_api_body(score=7), "answers.0.score"),
        (_api_body(score=0), "answers.0.score"),
        (_api_body(evidence=""), "answers.0.evidence"),
    ],
)
def test_the_api_refuses_a_bad_answer_naming_the_field(board, body, field):
    org, _admin, members = board
    scan_round = open_round(org, members)
    response = api_client_for(members[0]).put(
        f"/api/v1/maturity-rounds/{scan_round.pk}/answers", body, format="json"
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert field in [p["name"] for p in response.json()["invalidParams"]]
    assert not Answer.objects.exists()


def test_the_api_refuses_an_incomplete_set_of_answers(board):
    org, _admin, members = board
    scan_round = open_round(org, members)
    body = _api_body()
    body["answers"] = body["answers"][1:]
    response = api_client_for(members[0]).put(
        f"/api/v1/maturity-rounds/{scan_round.pk}/answers", body, format="json"
    )
    assert response.status_code == 422
    assert "design-1" in response.json()["detail"]
    assert not Answer.objects.exists()


def test_a_closed_round_takes_no_answers(board, client):
    org, admin, members = board
    scan_round = open_round(org, members)
    services.round_close(actor=admin, scan_round=scan_round)
    client.force_login(members[0])
    response = client.post(f"/maturity/rounds/{scan_round.pk}/answer", _post_data(lambda s: "3"))
    assert response.status_code == 400
    assert "gesloten" in response.content.decode()
    response = api_client_for(members[0]).put(
        f"/api/v1/maturity-rounds/{scan_round.pk}/answers", _api_body(), format="json"
    )
    assert response.status_code == 422 and "gesloten" in response.json()["detail"]
    assert not Answer.objects.exists()


def test_a_round_past_its_end_date_is_closed(board):
    org, _admin, members = board
    scan_round = open_round(org, members)
    type(scan_round).objects.filter(pk=scan_round.pk).update(
        closes_on=dt.date.today() - dt.timedelta(days=1),
        opens_on=dt.date.today() - dt.timedelta(days=20),
    )
    scan_round.refresh_from_db()
    with pytest.raises(services.RuleViolation, match="closed"):
        services.answers_submit(
            actor=members[0], scan_round=scan_round, answers=answers_for(lambda s: 3)
        )
    assert not Answer.objects.exists()


def test_a_round_that_closes_before_it_opens_is_refused(board, client):
    org, admin, _members = board
    client.force_login(admin)
    response = client.post(
        f"/organisations/{org.slug}/maturity/new",
        {"title": "Verkeerd", "opens_on": "2026-05-01", "closes_on": "2026-04-01"},
    )
    assert response.status_code == 400
    response = api_client_for(admin).post(
        f"/api/v1/organisations/{org.slug}/maturity-rounds",
        {"title": "Verkeerd", "opensOn": "2026-05-01", "closesOn": "2026-04-01"},
        format="json",
    )
    assert response.status_code == 400
    assert "closesOn" in [p["name"] for p in response.json()["invalidParams"]]


def test_the_answer_page_has_the_shared_breadcrumbs_with_the_round(board, client):
    """Organisations › the municipality › Digital maturity › the round › Answer, the last one
    the current page and the round a link to itself."""
    org, _admin, members = board
    scan_round = open_round(org, members, title="Voorjaar")
    client.force_login(members[0])
    html = client.get(
        f"/maturity/rounds/{scan_round.pk}/answer", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    start = html.index('<nav class="breadcrumbs"')
    crumbs = html[start : html.index("</nav>", start)]
    items = re.findall(r"<li>(.*?)</li>", crumbs, re.S)
    texts = [re.sub(r"<[^>]+>", "", item).strip() for item in items]
    assert texts == ["Organisations", org.name, "Digital maturity", "Voorjaar", "Answer"]
    assert [i for i, item in enumerate(items) if 'aria-current="page"' in item] == [4]
    assert f'href="/maturity/rounds/{scan_round.pk}"' in items[3]


def test_an_empty_form_gets_one_message_per_statement(board, client):
    """A statement left open altogether: one message on its score, none on its evidence."""
    org, _admin, members = board
    scan_round = open_round(org, members)
    client.force_login(members[0])
    response = client.post(f"/maturity/rounds/{scan_round.pk}/answer", {})
    assert response.status_code == 400
    html = response.content.decode()
    statements = current_scan().statements
    assert html.count('class="field__error"') == len(statements)
    for statement in statements:
        assert f'<div id="score-{statement.code}_error">' in html
        assert f'id="evidence-{statement.code}_error"' not in html
    assert "een score van 1 tot en met 5 en een onderbouwing zijn verplicht" in html.lower()
    assert not Answer.objects.exists()
