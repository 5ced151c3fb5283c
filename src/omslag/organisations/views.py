"""Web pages for organisations and their people. Each view: access check, one service or
selector call, render."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from omslag.common.access import require
from omslag.common.errors import ConflictError, RuleViolation
from omslag.common.pages import confirmed_delete, versioned_edit_page
from omslag.common.sections import organisation_sections

from . import access, invitations, selectors, services
from .forms import (
    InvitationAcceptForm,
    InvitationForm,
    InvitationNameForm,
    MembershipAddForm,
    MembershipRoleForm,
    OrganisationCreateForm,
    OrganisationForm,
    OrganisationMoveForm,
    TwoFactorPolicyForm,
)
from .models import Role


@login_required
def organisation_list(request):
    return render(
        request,
        "organisations/organisation_list.html",
        {
            "tree": selectors.organisation_tree(request.user),
            "can_add_root": access.organisation_can_add_root(request.user),
        },
    )


@login_required
def organisation_detail(request, slug):
    organisation = access.organisation_get_readable(request.user, slug)
    user = request.user
    return render(
        request,
        "organisations/organisation_detail.html",
        {
            "organisation": organisation,
            "ancestors": selectors.organisation_ancestors(organisation),
            "children": organisation.children.all(),
            "member_count": selectors.memberships_of_organisation(organisation).count(),
            "my_roles": sorted(
                Role(code).label for code in access.person_roles(user, organisation)
            ),
            "can_change": access.organisation_can_change(user, organisation),
            "can_delete": access.organisation_can_delete(user, organisation),
            "can_move": access.organisation_can_move(user, organisation),
            "can_add_child": access.organisation_can_add_child(user, organisation),
            "can_import": access.organisation_can_import(user, organisation),
            "sections": organisation_sections(organisation),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request, slug):
    organisation = access.organisation_get_readable(request.user, slug)
    require(access.organisation_can_change(request.user, organisation))
    return versioned_edit_page(
        request,
        organisation,
        lambda data, record: OrganisationForm(data, instance=record),
        lambda **changes: services.organisation_update(
            actor=request.user, organisation=organisation, **changes
        ),
        template="organisations/organisation_form.html",
        context={},
        record_name="organisation",
        saved_message=lambda saved: _("The organisation was saved."),
        saved_url=reverse("organisations:detail", args=[slug]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_add(request, slug=None):
    parent = access.organisation_get_readable(request.user, slug) if slug else None
    if parent is None:
        require(access.organisation_can_add_root(request.user))
    else:
        require(access.organisation_can_add_child(request.user, parent))
    form = OrganisationCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = services.organisation_create(
            actor=request.user, parent=parent, **form.cleaned_data
        )
        messages.success(request, _("The organisation was added."))
        return redirect("organisations:detail", slug=organisation.slug)
    return render(request, "organisations/organisation_add.html", {"form": form, "parent": parent})


@login_required
@require_http_methods(["GET", "POST"])
def organisation_delete(request, slug):
    organisation = access.organisation_get_readable(request.user, slug)
    require(access.organisation_can_delete(request.user, organisation))
    deletion = confirmed_delete(
        request,
        organisation,
        lambda **version: services.organisation_delete(
            actor=request.user, organisation=organisation, **version
        ),
        refusals=(RuleViolation, ConflictError),
    )
    if deletion.refused:
        return redirect("organisations:detail", slug=slug)
    if deletion.deleted:
        messages.success(
            request,
            _("%(name)s was deleted. It can be restored from its history.")
            % {"name": organisation.name},
        )
        return redirect("organisations:list")
    return render(
        request,
        "organisations/organisation_delete.html",
        {"organisation": organisation, "form": deletion.form},
    )


def _move_form(request, organisation, data=None):
    return OrganisationMoveForm(
        data,
        organisation=organisation,
        targets=selectors.organisation_move_targets(request.user, organisation),
        manageable=selectors.organisations_manageable(request.user),
        top_allowed=access.organisation_can_move_to(request.user, None),
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_move(request, slug):
    """Choose the new parent, confirm what moves, move: the organisation with everything
    below it, under another organisation the person administers."""
    organisation = access.organisation_get_readable(request.user, slug)
    require(access.organisation_can_move(request.user, organisation))
    form = _move_form(request, organisation, request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        parent = form.cleaned_data["parent"]
        if "confirm" not in request.POST:
            return render(
                request,
                "organisations/organisation_move_confirm.html",
                {
                    "organisation": organisation,
                    "ancestors": selectors.organisation_ancestors(organisation),
                    "form": form,
                    "parent": parent,
                    "preview": selectors.organisation_move_preview(organisation, parent),
                },
            )
        try:
            services.organisation_move(
                actor=request.user,
                organisation=organisation,
                parent=parent,
                expected_version=form.cleaned_data["version"],
            )
        except ConflictError as conflict:
            messages.error(request, conflict.message)
            organisation = conflict.current
            form, status = _move_form(request, organisation), 409
        except RuleViolation as refusal:
            form.add_error("parent", refusal.message)
            status = 422
        else:
            messages.success(
                request,
                _("%(name)s was moved to %(parent)s; the figures above it are being refreshed.")
                % {
                    "name": organisation.name,
                    "parent": parent.name if parent else _("the top level"),
                },
            )
            return redirect("organisations:detail", slug=slug)
    return render(
        request,
        "organisations/organisation_move.html",
        {
            "organisation": organisation,
            "ancestors": selectors.organisation_ancestors(organisation),
            "form": form,
            "conflict": status == 409,
            "nowhere": len(form.fields["parent"].choices) == 1 and form.fields["parent"].required,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_people(request, slug):
    organisation = access.organisation_get_readable(request.user, slug)
    can_manage = access.organisation_can_manage_members(request.user, organisation)
    form = MembershipAddForm(request.POST or None)
    if request.method == "POST":
        require(can_manage)
        if form.is_valid():
            data = form.cleaned_data
            person = services.person_find_or_create(
                email=data["email"], full_name=data["full_name"]
            )
            try:
                services.membership_create(
                    actor=request.user, person=person, organisation=organisation, role=data["role"]
                )
            except ValidationError as error:
                form.add_error("role", error.messages[0])
            else:
                messages.success(request, _("%(person)s was added.") % {"person": person})
                return redirect("organisations:people", slug=slug)
    return render(
        request,
        "organisations/people.html",
        {
            "organisation": organisation,
            "memberships": selectors.memberships_of_organisation(organisation),
            "inherited": selectors.memberships_inherited(organisation),
            "form": form,
            "can_manage": can_manage,
            "two_factor_form": TwoFactorPolicyForm(
                initial={"required": organisation.two_factor_for_admins}
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def membership_edit(request, pk):
    membership = access.membership_get_readable(request.user, pk)
    require(access.membership_can_change(request.user, membership))
    return versioned_edit_page(
        request,
        membership,
        lambda data, record: MembershipRoleForm(
            data, initial={"role": record.role, "version": record.version}
        ),
        lambda **changes: services.membership_update(
            actor=request.user, membership=membership, **changes
        ),
        template="organisations/membership_form.html",
        context={},
        record_name="membership",
        saved_message=lambda saved: _("The role was changed."),
        saved_url=reverse("organisations:people", args=[membership.organisation.slug]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def membership_delete(request, pk):
    membership = access.membership_get_readable(request.user, pk)
    require(access.membership_can_change(request.user, membership))
    deletion = confirmed_delete(
        request,
        membership,
        lambda **version: services.membership_delete(
            actor=request.user, membership=membership, **version
        ),
        refusals=(RuleViolation, ConflictError),
    )
    if deletion.deleted:
        messages.success(request, _("The membership was removed."))
    if deletion.finished:
        return redirect("organisations:people", slug=membership.organisation.slug)
    return render(
        request,
        "organisations/membership_delete.html",
        {"membership": membership, "form": deletion.form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_invitations(request, slug):
    organisation = access.organisation_get_readable(request.user, slug)
    require(access.organisation_can_manage_members(request.user, organisation))
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        invitation, _secret = invitations.invitation_send(
            actor=request.user,
            organisation=organisation,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            language=get_language(),
        )
        messages.success(
            request, _("An invitation was sent to %(email)s.") % {"email": invitation.email}
        )
        return redirect("organisations:invitations", slug=slug)
    return render(
        request,
        "organisations/invitations.html",
        {
            "organisation": organisation,
            "ancestors": selectors.organisation_ancestors(organisation),
            "invitations": selectors.invitations_of(organisation),
            "now": timezone.now(),
            "form": form,
        },
    )


@login_required
@require_POST
def invitation_revoke(request, pk):
    invitation = access.invitation_get_manageable(request.user, pk)
    invitations.invitation_revoke(actor=request.user, invitation=invitation)
    messages.success(
        request, _("The invitation of %(email)s was revoked.") % {"email": invitation.email}
    )
    return redirect("organisations:invitations", slug=invitation.organisation.slug)


@require_http_methods(["GET", "POST"])
def invitation_accept(request, secret):
    """The link in the invitation: open to anyone who has it (it is the proof of the address)."""
    invitation = invitations.invitation_by_secret(secret)
    if invitation is None:
        return render(request, "organisations/invitation_invalid.html", status=404)
    account = invitations.invitee_account(invitation)
    local_passwords = settings.OMSLAG_LOCAL_PASSWORDS
    form_class = InvitationAcceptForm if local_passwords else InvitationNameForm
    form = None if account else form_class(request.POST or None)
    if request.method == "POST" and (form is None or form.is_valid()):
        data = form.cleaned_data if form else {}
        try:
            invitations.invitation_accept(
                invitation=invitation,
                full_name=data.get("full_name", ""),
                password=data.get("password1", ""),
            )
        except ValidationError as error:
            form.add_error("password1" if "password1" in form.fields else None, error.messages)
        except RuleViolation:
            return render(request, "organisations/invitation_invalid.html", status=404)
        else:
            messages.success(
                request,
                _("Welcome: you now have the role %(role)s in %(organisation)s. Sign in.")
                % {"role": invitation.get_role_display(), "organisation": invitation.organisation},
            )
            return redirect("accounts:login")
    return render(
        request,
        "organisations/invitation_accept.html",
        {
            "invitation": invitation,
            "account": account,
            "form": form,
            "local_passwords": local_passwords,
        },
    )


@login_required
@require_POST
def organisation_two_factor(request, slug):
    organisation = access.organisation_get_readable(request.user, slug)
    require(access.organisation_can_manage_members(request.user, organisation))
    form = TwoFactorPolicyForm(request.POST)
    form.is_valid()
    services.organisation_two_factor_set(
        actor=request.user, organisation=organisation, required=form.cleaned_data["required"]
    )
    messages.success(request, _("The rule for administrators' second factor was saved."))
    return redirect("organisations:people", slug=slug)
