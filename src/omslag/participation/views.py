"""Pages of participation. Public (no sign-in): the open challenges, the proposal form, the
confirmation and private follow links, the privacy and accessibility statements. Signed in:
the moderation queue of a challenge."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from omslag.common.client import client_address
from omslag.common.errors import RuleViolation
from omslag.organisations.selectors import organisation_ancestors

from . import access, accessibility, selectors, services
from .forms import HONEYPOT_FIELD, AcceptForm, DeclineForm, MergeForm, ProposalForm
from .models import DroppedSubmission
from .ratelimit import rate_limit_retry_after
from .tokens import form_seconds_open


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _too_many(request, retry_after: int):
    response = render(
        request,
        "participation/too_many.html",
        {"minutes": max(1, round(retry_after / 60))},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response


@require_GET
def challenge_list(request):
    return render(
        request,
        "participation/challenge_list.html",
        {"challenges": selectors.challenges_public()},
    )


@require_http_methods(["GET", "POST"])
def challenge_detail(request, pk):
    """The public challenge with its proposal form."""
    challenge = selectors.challenge_public_get(pk)
    form = ProposalForm(request.POST or None)
    status = 200
    if request.method == "POST":
        dropped = _dropped_reason(request)
        if dropped:
            # Quietly: the sender sees the same page as a person would.
            services.submission_drop(challenge=challenge, reason=dropped)
            return redirect("participation:sent", pk=challenge.pk)
        wait = rate_limit_retry_after(
            "address", client_address(request), settings.PROPOSAL_LIMIT_PER_ADDRESS
        )
        if wait:
            return _too_many(request, wait)
        if form.is_valid():
            wait = rate_limit_retry_after(
                "email", form.cleaned_data["email"], settings.PROPOSAL_LIMIT_PER_EMAIL
            )
            if wait:
                return _too_many(request, wait)
            try:
                services.proposal_submit(
                    challenge=challenge,
                    base_url=_base_url(request),
                    language=get_language() or settings.LANGUAGE_CODE,
                    **form.submit_fields(),
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                return redirect("participation:sent", pk=challenge.pk)
        status = 400
    return render(
        request,
        "participation/challenge_detail.html",
        {"challenge": challenge, "form": form, "honeypot": HONEYPOT_FIELD},
        status=status,
    )


def _dropped_reason(request) -> str | None:
    if request.POST.get(HONEYPOT_FIELD):
        return DroppedSubmission.Reason.HONEYPOT
    seconds = form_seconds_open(request.POST.get("opened", ""))
    if seconds is None or seconds < settings.PROPOSAL_MIN_SECONDS:
        return DroppedSubmission.Reason.TOO_FAST
    return None


@require_GET
def proposal_sent(request, pk):
    challenge = selectors.challenge_public_get(pk)
    return render(
        request,
        "participation/sent.html",
        {"challenge": challenge, "hours": settings.PROPOSAL_CONFIRM_HOURS},
    )


@require_http_methods(["GET", "POST"])
def proposal_confirm(request, token):
    """The link in the confirmation e-mail: a button confirms (a link checker that only
    opens the page confirms nothing)."""
    if request.method == "POST":
        try:
            proposal = services.proposal_confirm(token=token, base_url=_base_url(request))
        except RuleViolation as error:
            return render(
                request, "participation/confirm.html", {"error": error.message}, status=400
            )
        messages.success(request, _("Thank you: your proposal is confirmed and received."))
        return redirect("participation:follow", token=proposal.follow_token)
    return render(request, "participation/confirm.html", {"token": token})


@require_GET
def proposal_follow(request, token):
    proposal = selectors.proposal_get_by_follow_token(token)
    status = selectors.proposal_status(proposal)
    response = render(
        request,
        "participation/follow.html",
        {
            "proposal": proposal,
            "challenge": proposal.challenge,
            "status": status,
            "path": [
                (code, selectors.FollowStatus.LABELS[code], index)
                for index, code in enumerate(selectors.FollowStatus.PATH)
            ],
        },
    )
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def privacy_statement(request):
    return render(
        request,
        "participation/privacy.html",
        {
            "retention_days": settings.PROPOSAL_RETENTION_DAYS,
            "confirm_hours": settings.PROPOSAL_CONFIRM_HOURS,
        },
    )


@require_GET
def accessibility_statement(request):
    return render(
        request,
        "participation/accessibility.html",
        {
            "results": accessibility.results_load(),
            "limitations": accessibility.KNOWN_LIMITATIONS,
        },
    )


# --- moderation (signed in) -------------------------------------------------------------------


@login_required
@require_GET
def moderation_queue(request, pk):
    challenge = access.challenge_get_moderatable(request.user, pk)
    ideas = selectors.ideas_to_merge_with(challenge)
    proposals = [
        (
            proposal,
            selectors.proposal_status(proposal),
            AcceptForm(initial={"title": proposal.title}, prefix=f"p{proposal.pk}"),
            MergeForm(ideas=ideas, prefix=f"p{proposal.pk}"),
            DeclineForm(prefix=f"p{proposal.pk}"),
        )
        for proposal in selectors.proposals_for_moderation(challenge)
    ]
    return render(
        request,
        "participation/moderation.html",
        {
            "challenge": challenge,
            "organisation": challenge.organisation,
            "ancestors": organisation_ancestors(challenge.organisation),
            "proposals": proposals,
            "dropped": selectors.dropped_by_reason(challenge),
            "dropped_total": selectors.dropped_count(challenge),
            "public": selectors.challenges_public().filter(pk=challenge.pk).exists(),
        },
    )


@login_required
@require_POST
def proposal_moderate(request, pk, action):
    """One moderation decision: review, accept, merge or decline."""
    proposal = access.proposal_get_moderatable(request.user, pk)
    challenge = proposal.challenge
    prefix = f"p{proposal.pk}"
    base_url = _base_url(request)
    try:
        if action == "review":
            services.proposal_review_start(actor=request.user, proposal=proposal, base_url=base_url)
            done = _("The proposal is under review.")
        elif action == "accept":
            form = AcceptForm(request.POST, prefix=prefix)
            title = form.cleaned_data["title"] if form.is_valid() else ""
            idea = services.proposal_accept(
                actor=request.user, proposal=proposal, title=title, base_url=base_url
            )
            done = _("The proposal is now the idea %(title)s.") % {"title": idea.title}
        elif action == "merge":
            form = MergeForm(
                request.POST, ideas=selectors.ideas_to_merge_with(challenge), prefix=prefix
            )
            if not form.is_valid():
                raise RuleViolation(_("Choose the idea to merge the proposal with."))
            services.proposal_merge(
                actor=request.user,
                proposal=proposal,
                idea=form.cleaned_data["idea"],
                base_url=base_url,
            )
            done = _("The proposal is merged with %(title)s.") % {
                "title": form.cleaned_data["idea"].title
            }
        else:
            form = DeclineForm(request.POST, prefix=prefix)
            if not form.is_valid():
                raise RuleViolation(_("Say why the proposal is declined."))
            services.proposal_decline(
                actor=request.user,
                proposal=proposal,
                reason=form.cleaned_data["reason"],
                base_url=base_url,
            )
            done = _("The proposal is declined; the proposer is told why.")
    except RuleViolation as error:
        messages.error(request, error.message)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect("participation:moderation", pk=challenge.pk)
