"""Challenges: problems the organisation wants solved, with the ideas proposed for each."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from omslag.common.access import require
from omslag.common.pages import form_errors_from, paginate, versioned_edit_page
from omslag.organisations.access import organisation_get_readable
from omslag.organisations.selectors import organisation_context

from .. import access, selectors, services
from ..forms import ChallengeForm
from ..models import Challenge


@login_required
@require_GET
def challenge_list(request, slug):
    organisation = organisation_get_readable(request.user, slug)
    return render(
        request,
        "innovation/challenge_list.html",
        {
            **organisation_context(request.user, organisation, access.pipeline_can_change),
            "page": paginate(request, selectors.challenges_with_idea_counts(organisation)),
        },
    )


@login_required
@require_GET
def challenge_detail(request, pk):
    challenge = access.challenge_get_readable(request.user, pk)
    organisation = challenge.organisation
    return render(
        request,
        "innovation/challenge_detail.html",
        {
            **organisation_context(request.user, organisation, access.pipeline_can_change),
            "challenge": challenge,
            "page": paginate(
                request, selectors.ideas_filtered(organisation, challenge=challenge.pk)
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def challenge_add(request, slug):
    organisation = organisation_get_readable(request.user, slug)
    require(access.pipeline_can_change(request.user, organisation))
    form = ChallengeForm(request.POST or None, instance=Challenge(organisation=organisation))
    if request.method == "POST" and form.is_valid():
        try:
            challenge = services.challenge_create(
                actor=request.user, organisation=organisation, owner=request.user, **form.changes()
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("%(title)s was added.") % {"title": challenge.title})
            return redirect("innovation:challenge", pk=challenge.pk)
    return render(
        request,
        "innovation/challenge_form.html",
        {
            **organisation_context(request.user, organisation, access.pipeline_can_change),
            "form": form,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def challenge_edit(request, pk):
    challenge = access.challenge_get_readable(request.user, pk)
    organisation = challenge.organisation
    require(access.pipeline_can_change(request.user, organisation))
    return versioned_edit_page(
        request,
        challenge,
        lambda data, record: ChallengeForm(data, instance=record),
        lambda **changes: services.challenge_update(
            actor=request.user, challenge=challenge, **changes
        ),
        template="innovation/challenge_form.html",
        context=organisation_context(request.user, organisation, access.pipeline_can_change),
        record_name="challenge",
        saved_message=lambda saved: _("%(title)s was saved.") % {"title": saved.title},
        saved_url=reverse("innovation:challenge", args=[challenge.pk]),
    )
