"""Median, spread and trend of a closed round, computed here from the raw scores with
statistics.median and compared with the results page, the API and the board selector."""

import datetime as dt
import math
import re
import statistics
from fractions import Fraction

import pytest

from omslag.maturity import selectors, services
from omslag.maturity.scan import current_scan

from ..conftest import api_client_for
from ..factories import PersonFactory, member
from .conftest import answered_round


def score_table(people, offset):
    """{person: {statement code: score}} with a varied, known pattern."""
    codes = [s.code for s in current_scan().statements]
    return {
        person: {code: 1 + (i * 2 + j * 3 + offset) % 5 for j, code in enumerate(codes)}
        for i, person in enumerate(people)
    }


def one_decimal(value: Fraction) -> float:
    """Half up to one decimal, on exact fractions."""
    return math.floor(value * 10 + Fraction(1, 2)) / 10


def expected(table):
    """Per dimension: the median of every score given to its statements, and the lowest and
    highest of each person's own mean on the dimension."""
    out = {}
    for dimension in current_scan().dimensions:
        codes = {s.code for s in dimension.statements}
        scores = [
            score for answers in table.values() for code, score in answers.items() if code in codes
        ]
        personal = [
            one_decimal(Fraction(sum(own), len(own)))
            for own in (
                [score for code, score in answers.items() if code in codes]
                for answers in table.values()
            )
        ]
        out[dimension.code] = (float(statistics.median(scores)), min(personal), max(personal))
    return out


def run_round(org, table, title):
    return answered_round(
        org, {p: (lambda s, t=t: t[s.code]) for p, t in table.items()}, title=title
    )


def test_results_match_an_independent_computation_on_page_api_and_selector(board, client):
    org, _admin, members = board
    first_table = score_table(members, offset=0)
    first = run_round(org, first_table, "Scan 2025")
    second_table = score_table(members, offset=2)
    second = run_round(org, second_table, "Scan 2026")
    # The second round closed later than the first: make that explicit in the dates.
    type(first).objects.filter(pk=first.pk).update(
        closed_on=second.closed_on - dt.timedelta(days=200)
    )
    want, before = expected(second_table), expected(first_table)

    client.force_login(members[0])
    html = client.get(f"/maturity/rounds/{second.pk}/results").content.decode()
    for code, (median, low, high) in want.items():
        row = re.search(rf'<tr data-dimension="{code}">(.*?)</tr>', html, re.S).group(1)
        assert re.search(r'class="number median">([^<]+)<', row).group(
            1
        ) == f"{median:.1f}".replace(".", ",")
        shown = (f"{low:.1f}".replace(".", ","), f"{high:.1f}".replace(".", ","))
        assert re.search(r'class="number minimum">([^<]+)<', row).group(1) == shown[0]
        assert re.search(r'class="number maximum">([^<]+)<', row).group(1) == shown[1]
        previous = re.search(r'class="number previous">([^<]+)<', row).group(1)
        assert previous == f"{before[code][0]:.1f}".replace(".", ",")
        apart = round(high - low, 1) >= 2
        assert ("2 points or more apart" in row or "2 punten of meer" in row) == apart

    body = api_client_for(members[1]).get(f"/api/v1/maturity-rounds/{second.pk}/results").json()
    assert body["respondents"] == 3 and body["spreadShown"] is True
    for dimension in body["dimensions"]:
        median, low, high = want[dimension["code"]]
        assert dimension["median"] == median
        assert (dimension["lowest"], dimension["highest"]) == (low, high)
        assert dimension["disagreement"] == (round(high - low, 1) >= 2)
        assert dimension["previousMedian"] == before[dimension["code"]][0]
        assert [p["median"] for p in dimension["trend"]] == [
            before[dimension["code"]][0],
            median,
        ]

    summary = selectors.maturity_board_summary(organisation_ids=[org.pk], as_of=None)
    assert summary.round_id == second.pk and summary.respondents == 3
    assert {
        d.code: (d.median, float(d.minimum), float(d.maximum)) for d in summary.dimensions
    } == want
    assert {d.code: d.previous_median for d in summary.dimensions} == {
        code: values[0] for code, values in before.items()
    }
    # as_of before the second round closed: the first round, without a previous median.
    earlier = selectors.maturity_board_summary(
        organisation_ids=[org.pk], as_of=second.closed_on - dt.timedelta(days=1)
    )
    assert earlier.round_id == first.pk
    assert all(d.previous_median is None for d in earlier.dimensions)


def test_board_summary_takes_the_first_organisation_in_the_list_that_has_a_round(board):
    org, _admin, members = board
    from ..factories import organisation

    empty = organisation("gemeente-leeg", kind="municipality")
    scan_round = run_round(org, score_table(members, 1), "Scan")
    summary = selectors.maturity_board_summary(organisation_ids=[empty.pk, org.pk], as_of=None)
    assert summary.round_id == scan_round.pk
    assert selectors.maturity_board_summary(organisation_ids=[empty.pk], as_of=None) is None


def test_an_open_round_is_not_in_the_board_summary_and_has_no_results(board, client):
    org, _admin, members = board
    scan_round = answered_round(org, {m: (lambda s: 3) for m in members}, close=False)
    assert selectors.maturity_board_summary(organisation_ids=[org.pk], as_of=None) is None
    client.force_login(members[0])
    html = client.get(f"/maturity/rounds/{scan_round.pk}/results").content.decode()
    assert 'id="summary"' not in html
    response = api_client_for(members[0]).get(f"/api/v1/maturity-rounds/{scan_round.pk}/results")
    assert response.status_code == 409
    assert response["Content-Type"].startswith("application/problem+json")


def test_disagreement_is_between_people_not_within_one_persons_answers(board):
    org, _admin, members = board
    scan = current_scan()
    first = scan.dimensions[0]
    codes = [s.code for s in first.statements]
    assert len(codes) >= 2

    def varied(statement):
        # Each person gives 1 and 5 alternately on the first dimension (a mean of about 3),
        # 3 elsewhere: the answers are 4 points apart, the people are not.
        if statement.code in codes:
            return 1 if codes.index(statement.code) % 2 == 0 else 5
        return 3

    scan_round = answered_round(org, dict.fromkeys(members, varied), title="Eens")
    found = selectors.round_results(scan_round)
    result = next(d for d in found.dimensions if d.code == first.code)
    scores = [varied(s) for s in first.statements]
    mean = one_decimal(Fraction(sum(scores), len(scores)))
    assert (float(result.minimum), float(result.maximum)) == (mean, mean)
    assert result.disagreement is False

    # One person scoring everything 1 and another everything 5: they disagree.
    def low(statement):
        return 1

    def high(statement):
        return 5

    apart = answered_round(
        org, dict(zip(members, (low, high, varied), strict=True)), title="Oneens"
    )
    result = next(d for d in selectors.round_results(apart).dimensions if d.code == first.code)
    assert (float(result.minimum), float(result.maximum), result.disagreement) == (1.0, 5.0, True)


def test_fewer_than_three_respondents_show_no_spread(board, client):
    org, _admin, members = board
    # Three participants, two answer: the lowest and highest would be one person's answers.
    scan_round = services.round_create(
        actor=None,
        organisation=org,
        title="Klein",
        opens_on=dt.date.today() - dt.timedelta(days=5),
        closes_on=dt.date.today() + dt.timedelta(days=5),
        participants=members,
    )
    from .conftest import answers_for

    services.answers_submit(
        actor=members[0], scan_round=scan_round, answers=answers_for(lambda s: 1)
    )
    services.answers_submit(
        actor=members[1], scan_round=scan_round, answers=answers_for(lambda s: 5)
    )
    services.round_close(actor=None, scan_round=scan_round)

    client.force_login(members[0])
    html = client.get(f"/maturity/rounds/{scan_round.pk}/results").content.decode()
    assert 'id="no-spread"' in html and 'class="number minimum"' not in html
    body = api_client_for(members[0]).get(f"/api/v1/maturity-rounds/{scan_round.pk}/results").json()
    assert body["respondents"] == 2 and body["spreadShown"] is False
    assert all(d["lowest"] is None and d["highest"] is None for d in body["dimensions"])
    assert all(d["median"] == 3.0 for d in body["dimensions"])
    summary = selectors.maturity_board_summary(organisation_ids=[org.pk], as_of=None)
    assert all(d.minimum is None and not d.disagreement for d in summary.dimensions)


def test_an_auditor_reads_the_results_of_a_closed_round(board, client):
    org, _admin, members = board
    scan_round = run_round(org, score_table(members, 0), "Scan")
    auditor = member("auditor", org, PersonFactory())
    client.force_login(auditor)
    assert client.get(f"/maturity/rounds/{scan_round.pk}/results").status_code == 200
    # The auditor takes no part: the statements without a form, and no answers to read.
    page = client.get(f"/maturity/rounds/{scan_round.pk}/answer")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'type="radio"' not in html and current_scan().statements[0].text_nl in html
    assert client.post(f"/maturity/rounds/{scan_round.pk}/answer", {}).status_code == 403
    assert client.get(f"/maturity/rounds/{scan_round.pk}/answers/{auditor.pk}").status_code == 404


def test_board_summary_and_peers_take_the_same_queries_for_one_or_many_organisations(board):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ..factories import organisation

    org, _admin, members = board
    run_round(org, score_table(members, 0), "Scan")

    def counted(call):
        with CaptureQueriesContext(connection) as context:
            call()
        return len(context.captured_queries)

    few = counted(lambda: selectors.maturity_board_summary(organisation_ids=[org.pk], as_of=None))
    few_peers = counted(lambda: selectors.peer_comparison(org))
    others = []
    for i in range(4):
        other = organisation(f"gemeente-extra-{i}", kind="municipality")
        people = [member("board", other) for _ in range(3)]
        run_round(other, score_table(people, i), f"Scan {i}")
        others.append(other.pk)
    many = counted(
        lambda: selectors.maturity_board_summary(organisation_ids=[*others, org.pk], as_of=None)
    )
    assert many == few == 2
    assert counted(lambda: selectors.peer_comparison(org)) == few_peers


def test_a_dimension_without_answers_has_no_median_and_nothing_breaks_on_it(board, client):
    """Answers only to statements the current scan no longer has (an older version of it)
    leave a dimension without scores. mypy found that the code took its median for a number:
    the results page, the improvement action and the board tile failed on None. Now the
    median is None (a dash on the page), the dimension gets no trend point and no action, and
    the board tile leaves it out of its chart and of the lowest."""
    from omslag.common.errors import RuleViolation
    from omslag.maturity.board_tile import maturity_compute
    from omslag.maturity.models import Answer, ImprovementAction

    org, _admin, members = board
    scan_round = answered_round(org, {m: (lambda s: 2) for m in members})
    design = {s.code for s in current_scan().statements if s.dimension == "design"}
    assert design
    Answer.objects.filter(round=scan_round, statement__in=design).delete()

    found = selectors.round_results(scan_round)
    medians = {d.code: d.median for d in found.dimensions}
    others = {code for code in medians if code != "design"}
    assert medians["design"] is None and others
    assert all(medians[code] == 2.0 for code in others)
    assert found.trends["design"] == [] and all(len(found.trends[c]) == 1 for c in others)
    with pytest.raises(RuleViolation):
        services.improvement_action_create(
            actor=members[0], scan_round=scan_round, dimension="design"
        )
    assert not ImprovementAction.objects.exists()

    client.force_login(members[0])
    response = client.get(f"/maturity/rounds/{scan_round.pk}/results")
    assert response.status_code == 200
    row = re.search(r'<tr data-dimension="design">(.*?)</tr>', response.content.decode(), re.S)
    assert re.search(r'class="number median">—<', row.group(1))
    body = api_client_for(members[0]).get(f"/api/v1/maturity-rounds/{scan_round.pk}/results")
    assert {d["code"]: d["median"] for d in body.json()["dimensions"]} == medians

    tile = maturity_compute([org.pk], dt.date.today(), organisation=org)
    assert {d["code"]: d["median"] for d in tile.figures["dimensions"]} == medians
    design_label = current_scan().dimension("design").label
    assert design_label not in tile.chart.alt
    assert all(current_scan().dimension(code).label in tile.chart.alt for code in others)
