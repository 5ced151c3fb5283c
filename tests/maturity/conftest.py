import datetime as dt

import pytest
from django.utils import timezone

from omslag.maturity import services
from omslag.maturity.scan import current_scan
from omslag.organisations.models import Organisation

from ..factories import PersonFactory, member, organisation


def today() -> dt.date:
    return timezone.localdate()


def statements():
    return current_scan().statements


def answers_for(score_of, evidence: str = "Seen in the annual plan") -> list:
    """One answer per statement; ``score_of(statement)`` gives the score."""
    return [services.AnswerInput(s.code, score_of(s), evidence) for s in statements()]


def open_round(org, participants, *, title="Scan", actor=None, days_ago=10):
    return services.round_create(
        actor=actor,
        organisation=org,
        title=title,
        opens_on=today() - dt.timedelta(days=days_ago),
        closes_on=today() + dt.timedelta(days=30),
        participants=participants,
    )


def answered_round(org, people_scores: dict, *, title="Scan", close=True, days_ago=10):
    """A round whose participants (keys) answered with score functions (values)."""
    scan_round = open_round(org, list(people_scores), title=title, days_ago=days_ago)
    for person, score_of in people_scores.items():
        services.answers_submit(actor=person, scan_round=scan_round, answers=answers_for(score_of))
    if close:
        services.round_close(actor=None, scan_round=scan_round)
    return scan_round


@pytest.fixture
def board(db):
    """A municipality with an administrator and three board members."""
    org = organisation("gemeente-a", kind=Organisation.Kind.MUNICIPALITY)
    admin = member("admin", org)
    members = [member("board", org, PersonFactory(full_name=f"Board {i}")) for i in range(3)]
    return org, admin, members
