"""Who may moderate the proposals of a challenge: its owner, and the editors and
administrators of its organisation (or an ancestor). Others who may read the challenge get
403; those who may not read it get 404."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from omslag.innovation import access as innovation_access
from omslag.organisations.access import organisation_can_change, organisation_can_read

from .models import Proposal


def challenge_can_moderate(person, challenge) -> bool:
    if not organisation_can_read(person, challenge.organisation):
        return False
    return challenge.owner_id == person.pk or organisation_can_change(
        person, challenge.organisation
    )


def challenge_get_moderatable(person, pk):
    """The challenge whose proposals the person moderates, or 404/403."""
    challenge = innovation_access.challenge_get_readable(person, pk)
    if not challenge_can_moderate(person, challenge):
        raise PermissionDenied
    return challenge


def proposal_get_moderatable(person, pk) -> Proposal:
    """A confirmed proposal of a challenge the person moderates, or 404/403."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404("Not found.") from None
    proposal = (
        Proposal.objects.select_related("challenge__organisation", "idea")
        .exclude(moderation=Proposal.Moderation.UNCONFIRMED)
        .filter(pk=pk)
        .first()
    )
    if proposal is None:
        raise Http404("Not found.")
    challenge_get_moderatable(person, proposal.challenge_id)
    return proposal
