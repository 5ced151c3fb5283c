"""Ideas: the list with a status filter, a new idea (similar ones are shown first), the idea
page with its status, review (under review, decline, merge) and accept (→ experiment)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from omslag.common.access import require
from omslag.common.errors import ConflictError, RuleViolation
from omslag.common.pages import filters_of, form_errors_from, paginate, versioned_edit_page
from omslag.organisations.access import organisation_get_readable
from omslag.organisations.selectors import organisation_context

from .. import access, selectors, services
from ..forms import IdeaAcceptForm, IdeaFilterForm, IdeaForm, IdeaReviewForm
from ..models import Challenge, Idea
from .board import similar_records

OPEN_STATUSES = (Idea.Status.SUBMITTED, Idea.Status.UNDER_REVIEW)


@login_required
@require_GET
def idea_list(request, slug):
    organisation = organisation_get_readable(request.user, slug)
    form = IdeaFilterForm(request.GET or None)
    filters = filters_of(form)
    status = filters.get("status", "")
    ideas = selectors.ideas_filtered(
        organisation, statuses=(status,) if status else (), search=filters.get("q", "")
    )
    return render(
        request,
        "innovation/idea_list.html",
        {
            **organisation_context(request.user, organisation, access.pipeline_can_change),
            "form": form,
            "filtered": bool(filters),
            "page": paginate(request, ideas),
        },
    )


def _idea_context(request, idea, **overrides) -> dict:
    organisation = idea.organisation
    context = organisation_context(request.user, organisation, access.pipeline_can_change)
    is_open = idea.status in OPEN_STATUSES
    context.update(
        {
            "idea": idea,
            "is_author": idea.author_id is not None and idea.author_id == request.user.pk,
            "experiments": selectors.idea_experiments(idea),
            "merged_ideas": list(idea.merged_ideas.order_by("title")),
            "review_form": IdeaReviewForm(idea=idea) if context["can_change"] and is_open else None,
            "accept_form": IdeaAcceptForm(idea=idea) if context["can_change"] and is_open else None,
        }
    )
    context.update(overrides)
    return context


@login_required
@require_GET
def idea_detail(request, pk):
    idea = access.idea_get_readable(request.user, pk)
    return render(request, "innovation/idea_detail.html", _idea_context(request, idea))


@login_required
@require_http_methods(["GET", "POST"])
def idea_add(request, slug):
    organisation = organisation_get_readable(request.user, slug)
    require(access.idea_can_submit(request.user, organisation))
    initial = {}
    challenge_pk = request.GET.get("challenge", "")
    if challenge_pk.isdigit():
        challenge = Challenge.objects.filter(pk=challenge_pk, organisation=organisation).first()
        initial["challenge"] = challenge
    form = IdeaForm(
        request.POST or None,
        instance=Idea(organisation=organisation),
        initial=initial,
        organisation=organisation,
    )
    similar = {}
    if request.method == "POST" and form.is_valid():
        similar = similar_records(request.user, form.cleaned_data["title"])
        if form.create_anyway or not any(similar.values()):
            try:
                idea = services.idea_submit(
                    actor=request.user,
                    organisation=organisation,
                    author=request.user,
                    source=Idea.Source.STAFF,
                    **form.changes(),
                )
            except ValidationError as error:
                form_errors_from(form, error)
            except RuleViolation as error:
                form.add_error("challenge", error.message)
            else:
                messages.success(request, _("%(title)s was submitted.") % {"title": idea.title})
                return redirect("innovation:idea", pk=idea.pk)
    return render(
        request,
        "innovation/idea_form.html",
        {
            **organisation_context(request.user, organisation, access.pipeline_can_change),
            "form": form,
            **similar,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def idea_edit(request, pk):
    idea = access.idea_get_readable(request.user, pk)
    organisation = idea.organisation
    require(access.pipeline_can_change(request.user, organisation))
    return versioned_edit_page(
        request,
        idea,
        lambda data, record: IdeaForm(data, instance=record, organisation=organisation),
        lambda **changes: services.idea_update(actor=request.user, idea=idea, **changes),
        template="innovation/idea_form.html",
        context=organisation_context(request.user, organisation, access.pipeline_can_change),
        record_name="idea",
        saved_message=lambda saved: _("%(title)s was saved.") % {"title": saved.title},
        saved_url=reverse("innovation:idea", args=[idea.pk]),
    )


@login_required
@require_POST
def idea_review(request, pk):
    idea = access.idea_get_readable(request.user, pk)
    require(access.pipeline_can_change(request.user, idea.organisation))
    form = IdeaReviewForm(request.POST, idea=idea)
    status = 200
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.idea_review(
                actor=request.user,
                idea=idea,
                expected_version=data["version"],
                status=data["status"],
                reason=data["reason"],
                merged_into=data["merged_into"],
            )
        except (RuleViolation, ConflictError) as error:
            form.add_error(None, error.message)
            status = 422
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(
                request,
                _("The idea is now: %(status)s.") % {"status": idea.get_status_display()},
            )
            return redirect("innovation:idea", pk=idea.pk)
    return render(
        request,
        "innovation/idea_detail.html",
        _idea_context(request, access.idea_get_readable(request.user, pk), review_form=form),
        status=status,
    )


@login_required
@require_POST
def idea_accept(request, pk):
    idea = access.idea_get_readable(request.user, pk)
    require(access.pipeline_can_change(request.user, idea.organisation))
    form = IdeaAcceptForm(request.POST, idea=idea)
    status = 200
    if form.is_valid():
        try:
            experiment = services.idea_accept(
                actor=request.user,
                idea=idea,
                expected_version=form.cleaned_data["version"],
                owner_team=form.cleaned_data["owner_team"],
            )
        except (RuleViolation, ConflictError) as error:
            form.add_error(None, error.message)
            status = 422
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(
                request,
                _("The idea was accepted and became the experiment %(title)s.")
                % {"title": experiment.title},
            )
            return redirect("innovation:experiment", pk=experiment.pk)
    return render(
        request,
        "innovation/idea_detail.html",
        _idea_context(request, access.idea_get_readable(request.user, pk), accept_form=form),
        status=status,
    )
