"""Demo scan rounds: for the demo ministry and municipality two closed rounds with several
respondents and one open round (in which the demo's board member, bestuurder@ or
bestuurder-rijk@, has not answered yet), and five invented
peer municipalities with a closed round each, so that the municipality's peer comparison
shows. Loading twice changes nothing."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from omslag.organisations import services as organisation_services
from omslag.organisations.models import Membership, Organisation, Role

from . import services
from .models import ScanRound
from .scan import current_scan

# The demo's board member of each organisation (made by ``omslag.demo``) takes every round.
BOARD_MEMBERS = {
    "gemeente-wadderveen": "bestuurder@omslag.example",
    "ministerie-van-digitale-zaken": "bestuurder-rijk@omslag.example",
}
# email, full name, organisation slug: board members added for the scan
BOARD = [
    ("secretaris@omslag.example", "Sanne Secretaris", "gemeente-wadderveen"),
    ("cio@omslag.example", "Chris CIO", "gemeente-wadderveen"),
    ("directeur@omslag.example", "Dirk Directeur", "gemeente-wadderveen"),
    ("sg@omslag.example", "Saskia Secretaris-generaal", "ministerie-van-digitale-zaken"),
    ("dg@omslag.example", "Daan Directeur-generaal", "ministerie-van-digitale-zaken"),
    ("cio-rijk@omslag.example", "Cor CIO", "ministerie-van-digitale-zaken"),
]
PEERS = [
    ("gemeente-duinhoven", "Gemeente Duinhoven"),
    ("gemeente-kreekdorp", "Gemeente Kreekdorp"),
    ("gemeente-veldmere", "Gemeente Veldmere"),
    ("gemeente-polderwaard", "Gemeente Polderwaard"),
    ("gemeente-heuvelrode", "Gemeente Heuvelrode"),
]
# A base score per dimension (design, data, platform, open, user, proactive) per organisation
# and round: the later round a little better, the weak dimensions low enough to act on.
PROFILES = {
    "gemeente-wadderveen": ((2, 3, 2, 3, 4, 2), (2, 3, 3, 4, 4, 2)),
    "ministerie-van-digitale-zaken": ((3, 3, 2, 2, 3, 2), (3, 4, 3, 3, 3, 2)),
}
EVIDENCE = {
    "design": "Besproken in de bestuursvergadering; zie het verslag.",
    "data": "Blijkt uit het jaarverslag informatiebeheer.",
    "platform": "Volgt uit de architectuurplaat en de lijst met gedeelde voorzieningen.",
    "open": "Zie de publicaties op de website en het Woo-register.",
    "user": "Uit de klanttevredenheidsmeting en de klachtenrapportage.",
    "proactive": "Eigen inschatting na de verkenning van dit jaar.",
}


# Dimensions on which the board does not agree: people's own scores lie two points apart.
CONTESTED = {"gemeente-wadderveen": {"data", "open"}, "ministerie-van-digitale-zaken": {"platform"}}
# On a contested dimension each person leans one way, the same on every statement.
LEANING = (-1, 1, 0, 1)
MONTHS = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)  # fmt: skip


def round_title(opens_on: dt.date) -> str:
    """A demo round is named after the month it opened: "Volwassenheidsscan maart 2026"."""
    return f"Volwassenheidsscan {MONTHS[opens_on.month - 1]} {opens_on.year}"


def _score(base: int, person: int, statement: int, contested: bool) -> int:
    """Base plus a fixed variation within 1-5: small and per statement where the board agrees,
    per person where it does not."""
    if contested:
        return max(1, min(5, base + LEANING[person % len(LEANING)]))
    return max(1, min(5, base + (0, 0, 1)[(person * 7 + statement * 3) % 3]))


def _answers(profile, person_index: int, contested=frozenset()):
    dimensions = [d.code for d in current_scan().dimensions]
    return [
        services.AnswerInput(
            statement.code,
            _score(
                profile[dimensions.index(statement.dimension)],
                person_index,
                position,
                statement.dimension in contested,
            ),
            EVIDENCE[statement.dimension],
        )
        for position, statement in enumerate(current_scan().statements)
    ]


def _person(email, full_name, password):
    Person = get_user_model()
    found = Person.objects.filter(email=email).first()
    if found is None:
        found = Person.objects.create_user(email, password, full_name=full_name)
    return found


def _board_role(person, organisation):
    if not Membership.objects.filter(
        person=person, organisation=organisation, role=Role.BOARD
    ).exists():
        organisation_services.membership_create(
            actor=None, person=person, organisation=organisation, role=Role.BOARD
        )


def _round(organisation, people, profile, *, opens_on, closes_on, answered=None):
    """A round named after its month, answered by ``answered`` (default everyone), closed when
    ``closes_on`` lies in the past. Answers are given while the round is open, then the period
    is set."""
    title = round_title(opens_on)
    today = timezone.localdate()
    scan_round = services.round_create(
        actor=None,
        organisation=organisation,
        title=title,
        opens_on=today,
        closes_on=today,
        participants=people,
    )
    for index, person in enumerate(people if answered is None else answered):
        services.answers_submit(
            actor=person,
            scan_round=scan_round,
            answers=_answers(profile, index, CONTESTED.get(organisation.slug, frozenset())),
        )
    closed = closes_on < today
    ScanRound.objects.filter(pk=scan_round.pk).update(
        opens_on=opens_on,
        closes_on=closes_on,
        status=ScanRound.Status.CLOSED if closed else ScanRound.Status.OPEN,
        closed_on=closes_on if closed else None,
    )


@transaction.atomic
def maturity_demo_load(by_slug: dict, password: str | None) -> None:
    today = timezone.localdate()
    people: dict[str, list] = {
        slug: [get_user_model().objects.get(email=BOARD_MEMBERS[slug])] for slug in PROFILES
    }
    for email, full_name, slug in BOARD:
        person = _person(email, full_name, password)
        _board_role(person, by_slug[slug])
        people[slug].append(person)
    for slug, (first, second) in PROFILES.items():
        organisation, board = by_slug[slug], people[slug]
        if ScanRound.objects.filter(organisation=organisation).exists():
            continue  # loaded before (perhaps on another day: the titles follow the dates)
        _round(
            organisation,
            board,
            first,
            opens_on=today - dt.timedelta(days=300),
            closes_on=today - dt.timedelta(days=270),
        )
        _round(
            organisation,
            board,
            second,
            opens_on=today - dt.timedelta(days=90),
            closes_on=today - dt.timedelta(days=60),
        )
        _round(
            organisation,
            board,
            second,
            opens_on=today - dt.timedelta(days=7),
            closes_on=today + dt.timedelta(days=21),
            answered=board[1:3],
        )
    for number, (slug, name) in enumerate(PEERS):
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            organisation = organisation_services.organisation_create(
                actor=None,
                slug=slug,
                name=name,
                kind=Organisation.Kind.MUNICIPALITY,
                parent=None,
                description="Verzonnen gemeente voor de vergelijking in de demo.",
            )
        if ScanRound.objects.filter(organisation=organisation).exists():
            continue
        board = []
        for index in range(3):
            person = _person(f"bestuur{index + 1}@{slug}.example", f"Bestuurder {index + 1}", None)
            _board_role(person, organisation)
            board.append(person)
        profile = tuple(2 + (number + d) % 3 for d in range(6))
        _round(
            organisation,
            board,
            profile,
            opens_on=today - dt.timedelta(days=120 + number),
            closes_on=today - dt.timedelta(days=100 + number),
        )
