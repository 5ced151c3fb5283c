"""Challenges: problems the organisation wants solved, with the ideas proposed for each."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from omslag.common.errors import ConflictError
from omslag.organisations.access import organisation_get_readable

from .. import access, selectors, services
from ..forms import ChallengeForm
from ..models import Challenge
from . import queries
from .base import form_errors_from, organisation_context, paginate, require


@login_required
@require_GET
def challenge_list(request, slug):
    organisation = organisation_get_readable(request.user, slug)
    return render(
        request,
        "innovation/challenge_list.html",
        {
            **organisation_context(request.user, organisation),
            "page": paginate(request, queries.challenge_list(organisation)),
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
            **organisation_context(request.user, organisation),
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
        {**organisation_context(request.user, organisation), "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def challenge_edit(request, pk):
    challenge = access.challenge_get_readable(request.user, pk)
    organisation = challenge.organisation
    require(access.pipeline_can_change(request.user, organisation))
    form = ChallengeForm(request.POST or None, instance=challenge)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.challenge_update(
                actor=request.user,
                challenge=challenge,
                expected_version=form.cleaned_data["version"],
                **form.changes(),
            )
        except ConflictError as conflict:
            messages.error(request, conflict.message)
            challenge = conflict.current
            form = ChallengeForm(instance=challenge)
            status = 409
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("%(title)s was saved.") % {"title": challenge.title})
            return redirect("innovation:challenge", pk=challenge.pk)
    return render(
        request,
        "innovation/challenge_form.html",
        {
            **organisation_context(request.user, organisation),
            "form": form,
            "challenge": challenge,
            "conflict": status == 409,
        },
        status=status,
    )
