"""Who may do what with scan rounds: the one place this is decided.

Everyone who may read the organisation sees its rounds and, once a round is closed, its
results. Administrators of the organisation create and close rounds. Only participants
answer, while the round is open, and a person's answers are readable by that person alone:
anyone else's are reported as not found (404), during and after the round.
"""

from django.http import Http404

from omslag.organisations.access import (
    organisation_can_manage_members,
    organisation_can_read,
    person_roles,
)
from omslag.organisations.models import Role

from .models import Participant, ScanRound


def rounds_can_read(person, organisation) -> bool:
    return organisation_can_read(person, organisation)


def round_can_manage(person, organisation) -> bool:
    """Create and close rounds, choose participants."""
    return organisation_can_manage_members(person, organisation)


def round_get_readable(person, pk) -> ScanRound:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("No scan round matches the given query.") from None
    scan_round = ScanRound.objects.select_related("organisation").filter(pk=pk).first()
    if scan_round is None or not organisation_can_read(person, scan_round.organisation):
        raise Http404("No scan round matches the given query.")
    return scan_round


def round_is_participant(person, scan_round) -> bool:
    if person is None or not person.is_authenticated:
        return False
    return Participant.objects.filter(round=scan_round, person=person).exists()


def answers_get_readable(person, scan_round, person_id) -> None:
    """Raise Http404 unless ``person_id`` is the person asking and they take part."""
    try:
        person_id = int(person_id)
    except (TypeError, ValueError):
        raise Http404("No answers match the given query.") from None
    if person_id != person.pk or not round_is_participant(person, scan_round):
        raise Http404("No answers match the given query.")


def improvement_can_create(person, organisation) -> bool:
    """Board members (and administrators) turn a low-scoring dimension into a challenge."""
    return bool(person_roles(person, organisation) & {Role.BOARD, Role.ADMIN})
