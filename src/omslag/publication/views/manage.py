"""The signed-in side of publication: an organisation's publications, proposals with their
previews, approval (four eyes), rejection, withdrawal and settings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from omslag.common.access import require
from omslag.common.errors import RuleViolation
from omslag.common.pages import paginate
from omslag.organisations.access import organisation_get_readable
from omslag.organisations.selectors import organisation_ancestors

from .. import access, selectors, services
from ..forms import ProposeForm, ReasonForm, SettingsForm
from ..models import Kind
from .open import record_context

# The records of each kind the overview shows before "all N records of this kind".
OVERVIEW_RECORDS = 20


@login_required
@require_safe
def overview(request, slug):
    organisation = organisation_get_readable(request.user, slug)
    settings = services.publication_settings_of(organisation)
    candidates = selectors.publication_candidates(organisation)
    # One kind chosen (?kind=): its records page by page; otherwise the first few of each kind
    # with a link to all of them (an organisation has thousands of projects).
    chosen = request.GET.get("kind") if request.GET.get("kind") in Kind.values else None
    current = {(p.kind, p.source_id): p for p in selectors.publications_of(organisation)}
    groups = []
    for kind, label in Kind.choices:
        if chosen and kind != chosen:
            continue
        records = candidates[kind]
        page = paginate(request, records) if chosen else None
        shown = page.object_list if page else records[:OVERVIEW_RECORDS]
        groups.append(
            {
                "kind": kind,
                "segment": selectors.KIND_SEGMENTS[kind],
                "label": label,
                "published": kind in settings.kinds,
                "count": len(records),
                "more": not chosen and len(records) > OVERVIEW_RECORDS,
                "page": page,
                "records": [
                    {"source_id": pk, "title": title, "current": current.get((kind, pk))}
                    for pk, title in shown
                ],
            }
        )
    return render(
        request,
        "publication/overview.html",
        {
            "organisation": organisation,
            "ancestors": organisation_ancestors(organisation),
            "groups": groups,
            "chosen": chosen,
            "proposals": selectors.proposals_waiting(organisation),
            "settings_form": SettingsForm(
                initial={"kinds": settings.kinds, "licence": settings.licence}
            ),
            "can_propose": access.publication_can_propose(request.user, organisation),
            "can_decide": access.publication_can_decide(request.user, organisation),
            "reason_form": ReasonForm(),
        },
    )


@login_required
@require_POST
def propose(request, slug):
    organisation = organisation_get_readable(request.user, slug)
    require(access.publication_can_propose(request.user, organisation))
    form = ProposeForm(request.POST)
    if form.is_valid():
        try:
            proposal = services.publication_propose(
                actor=request.user,
                organisation=organisation,
                kind=form.cleaned_data["kind"],
                source_id=form.cleaned_data["source_id"],
            )
        except RuleViolation as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Proposed. Check the preview; another administrator approves it.")
            )
            return redirect("publication:preview", pk=proposal.pk)
    else:
        messages.error(request, _("Choose a record to propose."))
    return redirect("publication:overview", slug=slug)


@login_required
@require_safe
def preview(request, pk):
    publication = access.publication_get_readable(request.user, pk)
    versions = selectors.published_versions(
        publication.organisation, publication.kind, publication.source_id
    )
    context = record_context(publication.organisation, publication, versions)
    context["preview"] = True
    context["can_approve"] = access.publication_can_approve(request.user, publication)
    context["reason_form"] = ReasonForm()
    return render(request, "publication/open/record.html", context)


@login_required
@require_POST
def approve(request, pk):
    publication = access.publication_get_readable(request.user, pk)
    require(access.publication_can_decide(request.user, publication.organisation))
    try:
        services.publication_approve(actor=request.user, publication=publication)
    except services.FourEyesViolation as error:
        return render(
            request,
            "publication/four_eyes.html",
            {"publication": publication, "reason": str(error)},
            status=403,
        )
    except RuleViolation as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Published."))
    return redirect("publication:overview", slug=publication.organisation.slug)


@login_required
@require_POST
def reject(request, pk):
    publication = access.publication_get_readable(request.user, pk)
    require(access.publication_can_decide(request.user, publication.organisation))
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.publication_reject(actor=request.user, publication=publication, reason=reason)
    except RuleViolation as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Rejected."))
    return redirect("publication:overview", slug=publication.organisation.slug)


@login_required
@require_POST
def withdraw(request, slug, kind, source_id):
    organisation = organisation_get_readable(request.user, slug)
    require(access.publication_can_decide(request.user, organisation))
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.publication_withdraw(
            actor=request.user,
            organisation=organisation,
            kind=kind,
            source_id=source_id,
            reason=reason,
        )
    except RuleViolation as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Withdrawn; the public notice says why."))
    return redirect("publication:overview", slug=slug)


@login_required
@require_POST
def settings_save(request, slug):
    organisation = organisation_get_readable(request.user, slug)
    require(access.publication_can_configure(request.user, organisation))
    form = SettingsForm(request.POST)
    if form.is_valid():
        services.publication_settings_set(
            actor=request.user,
            organisation=organisation,
            kinds=form.cleaned_data["kinds"],
            licence=form.cleaned_data["licence"],
        )
        messages.success(request, _("Saved."))
    else:
        messages.error(request, _("Choose a licence."))
    return redirect("publication:overview", slug=slug)
