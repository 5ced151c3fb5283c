"""Writes of participation: proposals sent, dropped as spam, confirmed, moderated, followed
by e-mail, and purged after the retention period. Ideas are made through the innovation
services, so the pipeline's own rules and history apply."""

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from omslag.common.errors import RuleViolation
from omslag.innovation import services as innovation_services
from omslag.innovation.models import Challenge, Idea

from . import selectors, tokens
from .models import DroppedSubmission, Proposal
from .selectors import ProposalStatus

SUBMIT_FIELDS = ("title", "text", "name", "name_public", "organisation_type", "email")


def submission_drop(*, challenge: Challenge, reason: str) -> None:
    """Count a form dropped quietly (honeypot filled, sent too fast)."""
    counter, _created = DroppedSubmission.objects.get_or_create(challenge=challenge, reason=reason)
    DroppedSubmission.objects.filter(pk=counter.pk).update(count=F("count") + 1)


@transaction.atomic
def proposal_submit(
    *, challenge: Challenge, base_url: str, language: str = "nl", **fields: Any
) -> Proposal:
    """Store a proposal as unconfirmed and e-mail the confirmation link; it reaches the
    moderation queue only once that link is opened."""
    unknown = set(fields) - set(SUBMIT_FIELDS)
    if unknown:
        raise RuleViolation(f"Unknown fields: {', '.join(sorted(unknown))}")
    if not selectors.challenges_public().filter(pk=challenge.pk).exists():
        raise RuleViolation(_("This challenge does not take proposals now."))
    proposal = Proposal(
        challenge=challenge,
        consent_at=timezone.now(),
        follow_token=secrets.token_urlsafe(32),
        language=language,
        **fields,
    )
    proposal.full_clean()
    proposal.save()
    link = base_url + reverse("participation:confirm", args=[tokens.confirm_token(proposal)])
    _mail(proposal, "confirm", link=link)
    return proposal


@transaction.atomic
def proposal_confirm(*, token: str, base_url: str) -> Proposal:
    """Open a confirmation link: the proposal is received (once; opening it again changes
    nothing). A forged or expired link raises RuleViolation."""
    content = tokens.confirm_token_read(token)
    proposal = None
    if content:
        proposal = (
            Proposal.objects.select_for_update()
            .filter(pk=content.get("p"), follow_token__startswith=content.get("t", "-"))
            .first()
        )
    if proposal is None:
        raise RuleViolation(
            _(
                "This confirmation link is not valid or has expired. "
                "Please send your proposal again."
            )
        )
    if proposal.moderation == Proposal.Moderation.UNCONFIRMED:
        proposal.moderation = Proposal.Moderation.RECEIVED
        proposal.confirmed_at = timezone.now()
        proposal.save(update_fields=["moderation", "confirmed_at", "updated_at"])
        proposal_notify(proposal=proposal, base_url=base_url)
    return proposal


def _waiting(proposal: Proposal) -> None:
    if proposal.moderation not in (Proposal.Moderation.RECEIVED, Proposal.Moderation.UNDER_REVIEW):
        raise RuleViolation(
            _("This proposal was already handled: %(status)s.")
            % {
                "status": dict(Proposal.Moderation.choices).get(
                    proposal.moderation, proposal.moderation
                )
            }
        )


def _moderated(proposal: Proposal, actor: Any, base_url: str | None, **changes: Any) -> Proposal:
    for name, value in changes.items():
        setattr(proposal, name, value)
    proposal.moderated_by = actor
    proposal.save()
    proposal_notify(proposal=proposal, base_url=base_url)
    return proposal


@transaction.atomic
def proposal_review_start(*, actor: Any, proposal: Proposal, base_url: str) -> Proposal:
    _waiting(proposal)
    return _moderated(proposal, actor, base_url, moderation=Proposal.Moderation.UNDER_REVIEW)


def proposer_credit(proposal: Proposal) -> str:
    """How the proposer is named on the idea: their name if they chose to show it, else
    their kind of organisation. Stored data, so in the site's language, not the moderator's."""
    if proposal.name_public and proposal.name.strip():
        name: str = proposal.name.strip()
        return name
    with translation.override(settings.LANGUAGE_CODE):
        return _("anonymous %(kind)s") % {
            "kind": dict(Proposal.OrganisationType.choices).get(
                proposal.organisation_type, proposal.organisation_type
            )
        }


@transaction.atomic
def proposal_accept(*, actor: Any, proposal: Proposal, base_url: str, title: str = "") -> Idea:
    """The proposal becomes an idea of the challenge in the innovation pipeline."""
    _waiting(proposal)
    idea = innovation_services.idea_submit(
        actor=actor,
        organisation=proposal.challenge.organisation,
        challenge=proposal.challenge,
        title=(title or proposal.title).strip()[:200],
        description=proposal.text[:8000],
        source=Idea.Source.PUBLIC,
        author_name=proposer_credit(proposal),
    )
    _moderated(proposal, actor, base_url, moderation=Proposal.Moderation.ACCEPTED, idea=idea)
    return idea


@transaction.atomic
def proposal_merge(*, actor: Any, proposal: Proposal, idea: Idea, base_url: str) -> Proposal:
    """The proposal joins a similar idea of the same organisation; the proposer follows that
    idea from now on."""
    _waiting(proposal)
    if idea.serializable_value("organisation") != proposal.challenge.organisation_id:
        raise RuleViolation(_("Ideas can only be merged within one organisation."))
    if idea.status in (Idea.Status.DECLINED, Idea.Status.MERGED):
        raise RuleViolation(
            _("This idea is %(status)s.")
            % {"status": dict(Idea.Status.choices).get(idea.status, idea.status)}
        )
    return _moderated(proposal, actor, base_url, moderation=Proposal.Moderation.MERGED, idea=idea)


@transaction.atomic
def proposal_decline(*, actor: Any, proposal: Proposal, reason: str, base_url: str) -> Proposal:
    _waiting(proposal)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the proposal is declined.")})
    return _moderated(
        proposal,
        actor,
        base_url,
        moderation=Proposal.Moderation.DECLINED,
        decline_reason=reason.strip(),
    )


def proposal_notify(*, proposal: Proposal, base_url: str | None = None) -> bool:
    """E-mail the proposer when their status differs from the last one they were told."""
    status = selectors.proposal_status(proposal)
    if status.code == proposal.status_notified or not proposal.email:
        return False
    base_url = base_url or settings.SITE_URL
    link = base_url + reverse("participation:follow", args=[proposal.follow_token])
    _mail(proposal, "status", link=link, status=status)
    Proposal.objects.filter(pk=proposal.pk).update(status_notified=status.code)
    proposal.status_notified = status.code
    return True


def proposals_notify_all(*, base_url: str | None = None) -> int:
    """Tell every proposer whose status changed, also through the pipeline (the idea became
    an experiment, went into operation, stopped). Returns the number of e-mails sent."""
    return sum(
        proposal_notify(proposal=proposal, base_url=base_url)
        for proposal in selectors.proposals_to_notify().iterator(chunk_size=500)
    )


@transaction.atomic
def proposals_purge(*, now: dt.datetime | None = None, dry_run: bool = False) -> dict[str, int]:
    """Delete proposals, with the name and e-mail address they hold, unchanged for longer than
    the retention period, and unconfirmed ones whose confirmation link has expired. Ideas made
    from them stay, credited as the proposer chose."""
    now = now or timezone.now()
    old = Q(updated_at__lt=now - dt.timedelta(days=settings.PROPOSAL_RETENTION_DAYS))
    expired = Q(moderation=Proposal.Moderation.UNCONFIRMED) & Q(
        created_at__lt=now - dt.timedelta(hours=settings.PROPOSAL_CONFIRM_HOURS)
    )
    counts = {
        "retention": Proposal.objects.filter(old).count(),
        "unconfirmed": Proposal.objects.filter(expired & ~old).count(),
    }
    if not dry_run:
        Proposal.objects.filter(old | expired).delete()
    return counts


def _mail(
    proposal: Proposal, kind: str, *, link: str, status: ProposalStatus | None = None
) -> None:
    with translation.override(proposal.language or settings.LANGUAGE_CODE):
        context = {"proposal": proposal, "challenge": proposal.challenge, "link": link}
        if status is not None:
            context["status"] = status
        subject = render_to_string(f"participation/email/{kind}_subject.txt", context)
        body = render_to_string(f"participation/email/{kind}.txt", context)
    send_mail(" ".join(subject.split()), body, None, [proposal.email])
