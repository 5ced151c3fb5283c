"""Reads of participation: which challenges the public sees, the moderation queue, and the
status a proposer follows, derived from the proposal and the idea and experiment it led to."""

from dataclasses import dataclass

from django.db.models import Case, Q, QuerySet, Sum, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from omslag.innovation.models import Challenge, Experiment, Idea, Stage
from omslag.publication.models import Kind
from omslag.publication.selectors import published_source_ids

from .models import DroppedSubmission, Proposal


def challenges_public() -> QuerySet[Challenge]:
    """Challenges anyone may read and answer: public, published through the publication
    workflow (a current version that was not withdrawn), and open today. The one place that
    decides it."""
    today = timezone.localdate()
    return (
        Challenge.objects.filter(
            visibility=Challenge.Visibility.PUBLIC,
            pk__in=published_source_ids(Kind.CHALLENGE),
            opens_on__lte=today,
            organisation__deleted_at__isnull=True,
        )
        .filter(Q(closes_on__isnull=True) | Q(closes_on__gte=today))
        .select_related("organisation")
        .order_by("closes_on", "title")
    )


def challenge_public_get(slug_or_id: str | int) -> Challenge:
    """A public, open challenge by its id, or Http404."""
    try:
        pk = int(slug_or_id)
    except (TypeError, ValueError):
        raise Http404("Not found.") from None
    challenge = challenges_public().filter(pk=pk).first()
    if challenge is None:
        raise Http404("Not found.")
    return challenge


def proposal_get_by_follow_token(token: str) -> Proposal:
    proposal = (
        Proposal.objects.select_related("challenge__organisation", "idea")
        .filter(follow_token=token)
        .first()
        if token
        else None
    )
    if proposal is None:
        raise Http404("Not found.")
    return proposal


def proposals_for_moderation(challenge: Challenge) -> QuerySet[Proposal]:
    """Confirmed proposals of a challenge: those still to handle first, oldest first."""
    waiting = [Proposal.Moderation.RECEIVED, Proposal.Moderation.UNDER_REVIEW]
    return (
        Proposal.objects.filter(challenge=challenge)
        .exclude(moderation=Proposal.Moderation.UNCONFIRMED)
        .select_related("idea")
        .annotate(waiting=Case(When(moderation__in=waiting, then=1), default=0))
        .order_by("-waiting", "confirmed_at")
    )


def dropped_count(challenge: Challenge) -> int:
    total: int | None = DroppedSubmission.objects.filter(challenge=challenge).aggregate(
        total=Sum("count")
    )["total"]
    return total or 0


def dropped_by_reason(challenge: Challenge) -> list[tuple[str, int]]:
    rows = DroppedSubmission.objects.filter(challenge=challenge).order_by("reason")
    return [
        (str(dict(DroppedSubmission.Reason.choices).get(row.reason, row.reason)), row.count)
        for row in rows
    ]


def ideas_to_merge_with(challenge: Challenge) -> QuerySet[Idea]:
    """Ideas a proposal may be merged with: the organisation's ideas still in play, those of
    this challenge first."""
    return (
        Idea.objects.filter(organisation=challenge.organisation)
        .exclude(status__in=[Idea.Status.DECLINED, Idea.Status.MERGED])
        .annotate(same=Case(When(challenge=challenge, then=1), default=0))
        .order_by("-same", "title")
    )


# --- the status a proposer follows -----------------------------------------------------------


class FollowStatus:
    AWAITING_CONFIRMATION = "awaiting_confirmation"
    RECEIVED = "received"
    UNDER_REVIEW = "under_review"
    ACCEPTED = "accepted"
    MERGED = "merged"
    IN_EXPERIMENT = "in_experiment"
    IN_OPERATION = "in_operation"
    STOPPED = "stopped"
    DECLINED = "declined"

    LABELS = {
        AWAITING_CONFIRMATION: _("waiting for your confirmation"),
        RECEIVED: _("received"),
        UNDER_REVIEW: _("under review"),
        ACCEPTED: _("accepted as an idea"),
        MERGED: _("merged with a similar idea"),
        IN_EXPERIMENT: _("in an experiment"),
        IN_OPERATION: _("in operation"),
        STOPPED: _("the experiment stopped"),
        DECLINED: _("declined"),
    }
    # The path a proposal takes; a follower sees where theirs is on it.
    PATH = [RECEIVED, UNDER_REVIEW, ACCEPTED, IN_EXPERIMENT, IN_OPERATION]


@dataclass(frozen=True)
class ProposalStatus:
    code: str
    reason: str = ""
    idea_title: str = ""

    @property
    def label(self) -> str:
        return str(FollowStatus.LABELS[self.code])

    @property
    def step(self) -> int:
        """Position on FollowStatus.PATH (a merge counts as accepted), -1 when off it."""
        code = FollowStatus.ACCEPTED if self.code == FollowStatus.MERGED else self.code
        return FollowStatus.PATH.index(code) if code in FollowStatus.PATH else -1


def _idea_followed(idea: Idea | None) -> Idea | None:
    """The idea to follow: a merged idea is followed into the idea it was merged with."""
    seen: set[int] = set()
    while idea is not None and idea.status == Idea.Status.MERGED:
        # serializable_value gives a foreign key's id without loading the record.
        merged_into_id: int | None = idea.serializable_value("merged_into")
        if not merged_into_id or idea.pk in seen:
            break
        seen.add(idea.pk)
        idea = Idea.objects.filter(pk=merged_into_id).first() or idea
    return idea


def proposal_status(proposal: Proposal) -> ProposalStatus:
    """Where the proposal is now, from its moderation and the real stage of what it became."""
    moderation = proposal.moderation
    if moderation == Proposal.Moderation.UNCONFIRMED:
        return ProposalStatus(FollowStatus.AWAITING_CONFIRMATION)
    if moderation == Proposal.Moderation.RECEIVED:
        return ProposalStatus(FollowStatus.RECEIVED)
    if moderation == Proposal.Moderation.UNDER_REVIEW:
        return ProposalStatus(FollowStatus.UNDER_REVIEW)
    if moderation == Proposal.Moderation.DECLINED:
        return ProposalStatus(FollowStatus.DECLINED, reason=proposal.decline_reason)
    idea = _idea_followed(proposal.idea)
    first = FollowStatus.MERGED if moderation == Proposal.Moderation.MERGED else None
    if idea is None:  # the idea was deleted: the last thing known
        return ProposalStatus(first or FollowStatus.ACCEPTED)
    if idea.status == Idea.Status.DECLINED:
        return ProposalStatus(
            FollowStatus.DECLINED, reason=idea.status_reason, idea_title=idea.title
        )
    experiment = Experiment.objects.filter(idea=idea).order_by("-created_at").first()
    if experiment is None:
        return ProposalStatus(first or FollowStatus.ACCEPTED, idea_title=idea.title)
    if experiment.stage == Stage.IN_OPERATION:
        return ProposalStatus(FollowStatus.IN_OPERATION, idea_title=idea.title)
    if experiment.stage == Stage.STOPPED:
        return ProposalStatus(
            FollowStatus.STOPPED, reason=experiment.stopped_reason, idea_title=idea.title
        )
    return ProposalStatus(FollowStatus.IN_EXPERIMENT, idea_title=idea.title)


def proposals_to_notify() -> QuerySet[Proposal]:
    """Confirmed proposals, with what their status derivation reads."""
    return (
        Proposal.objects.exclude(moderation=Proposal.Moderation.UNCONFIRMED)
        .exclude(email="")
        .select_related("challenge__organisation", "idea")
    )
