"""Invitations by e-mail (the writes and reads of them): an administrator invites an address
with a role; the invitee sets their own name and password through a single-use, time-limited
link, or, when they already have an account, just gets the role."""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from omslag.common import audit
from omslag.common.errors import RuleViolation

from .models import Invitation, Membership, Role
from .services import membership_create


def _hash(secret: str) -> str:
    # 256 random bits: a plain SHA-256 is enough, as for API tokens.
    return hashlib.sha256(secret.encode()).hexdigest()


def _sign_in_name(email: str) -> str:
    return str(email or "").strip().lower()


def invitation_link(secret: str) -> str:
    return settings.SITE_URL + reverse("organisations:invitation-accept", args=[secret])


@transaction.atomic
def invitation_create(*, actor, organisation, email: str, role: str) -> tuple[Invitation, str]:
    """A new invitation and its secret (returned once, stored hashed). A waiting invitation
    of the same address to the same organisation is revoked: the newest one counts."""
    if role not in Role.values:
        raise RuleViolation(_("Unknown role: %(role)s.") % {"role": role})
    email = _sign_in_name(email)
    now = timezone.now()
    Invitation.objects.filter(
        organisation=organisation,
        email=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=now,
    ).update(revoked_at=now)
    secret = secrets.token_urlsafe(32)
    invitation = Invitation(
        email=email,
        organisation=organisation,
        role=role,
        invited_by=actor if getattr(actor, "pk", None) else None,
        secret_hash=_hash(secret),
        created_at=now,
        expires_at=now + dt.timedelta(days=settings.INVITATION_DAYS),
    )
    invitation.full_clean()
    invitation.save()
    audit.record(
        "invitation_sent",
        person=actor,
        organisation=organisation,
        detail={"invitee": email, "role": role},
    )
    return invitation, secret


def invitation_mail(invitation: Invitation, secret: str, language: str) -> None:
    context = {
        "invitation": invitation,
        "link": invitation_link(secret),
        "days": settings.INVITATION_DAYS,
    }
    with translation.override(language):
        context["role"] = invitation.get_role_display()
        subject = render_to_string("organisations/email/invitation_subject.txt", context)
        body = render_to_string("organisations/email/invitation.txt", context)
    send_mail(" ".join(subject.split()), body, None, [invitation.email])


def invitation_send(
    *, actor, organisation, email: str, role: str, language: str
) -> tuple[Invitation, str]:
    """Invite ``email`` to ``role`` in ``organisation`` and mail the link."""
    invitation, secret = invitation_create(
        actor=actor, organisation=organisation, email=email, role=role
    )
    invitation_mail(invitation, secret, language)
    return invitation, secret


@transaction.atomic
def invitation_revoke(*, actor, invitation: Invitation) -> Invitation:
    """Revoke a waiting invitation; an accepted, expired or revoked one stays as it is."""
    if invitation.status == Invitation.Status.PENDING:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit.record(
            "invitation_revoked",
            person=actor,
            organisation=invitation.organisation,
            detail={"invitee": invitation.email, "role": invitation.role},
        )
    return invitation


def invitation_by_secret(secret: str) -> Invitation | None:
    """The waiting invitation with this secret, or None (unknown, used, revoked, expired)."""
    invitation = (
        Invitation.objects.select_related("organisation")
        .filter(secret_hash=_hash(str(secret)), organisation__deleted_at__isnull=True)
        .first()
    )
    if invitation is None or invitation.status != Invitation.Status.PENDING:
        return None
    return invitation


def invitee_account(invitation: Invitation):
    """The person the invitation's address belongs to when they can already sign in, else None."""
    person = get_user_model().objects.filter(email__iexact=invitation.email).first()
    if person is None:
        return None
    # Without local passwords anybody known signs in through the identity provider.
    return person if person.has_usable_password() or not settings.OMSLAG_LOCAL_PASSWORDS else None


@transaction.atomic
def invitation_accept(*, invitation: Invitation, full_name: str = "", password: str = ""):
    """Accept: the person (created, or given their first password, unless they already have
    one; without a password when local passwords are off) gets the role. Raises
    ValidationError for a password the rules refuse and RuleViolation when the invitation was
    used, revoked or expired in the meantime."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != Invitation.Status.PENDING:
        raise RuleViolation(_("This invitation can no longer be used."))
    Person = get_user_model()
    person = Person.objects.filter(email__iexact=invitation.email).first()
    if not settings.OMSLAG_LOCAL_PASSWORDS:
        # People sign in through the identity provider: no password is asked or kept, and the
        # provider's claims fill in the name at the first sign-in.
        if person is None:
            person = Person(email=invitation.email, full_name=full_name.strip())
            person.set_unusable_password()
            person.full_clean()
            person.save()
    elif person is None or not person.has_usable_password():
        person = person or Person(email=invitation.email)
        person.full_name = full_name.strip() or person.full_name
        validate_password(password, person)
        person.set_password(password)
        person.full_clean()
        person.save()
    if not Membership.objects.filter(
        person=person, organisation=invitation.organisation, role=invitation.role
    ).exists():
        membership_create(
            actor=person, person=person, organisation=invitation.organisation, role=invitation.role
        )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    audit.record(
        "invitation_accepted",
        person=person,
        organisation=invitation.organisation,
        detail={"role": invitation.role},
    )
    return person
