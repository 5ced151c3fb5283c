"""What the audit log plugs into: the store behind ``common.audit.record``, Django's and
django-axes' sign-in signals, and the link on the organisation page."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.utils.translation import gettext_lazy

from omslag.accounts.signin import sign_in_name
from omslag.common.audit import audit_recorder_register
from omslag.common.client import client_address
from omslag.common.sections import (
    RegisterLink,
    organisation_link_register,
    organisation_section_register,
)

from .models import Event
from .services import audit_entry_add

audit_recorder_register(audit_entry_add)


def _address(request) -> str:
    return client_address(request) if request is not None else ""


def _person_named(name: str):
    return get_user_model().objects.filter(email__iexact=name).first() if name else None


@receiver(user_logged_in, dispatch_uid="audit_sign_in")
def _signed_in(sender, request, user, **kwargs):
    audit_entry_add(Event.SIGN_IN, person=user, detail={"address": _address(request)})


@receiver(user_login_failed, dispatch_uid="audit_sign_in_failed")
def _sign_in_failed(sender, credentials, request=None, **kwargs):
    name = sign_in_name(credentials.get("username") or credentials.get("email"))
    audit_entry_add(
        Event.SIGN_IN_FAILED,
        person=_person_named(name),
        detail={"sign_in_name": name, "address": _address(request)},
    )


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def _locked_out(sender, request, username, ip_address, **kwargs):
    name = sign_in_name(username)
    audit_entry_add(
        Event.LOCKED_OUT,
        person=_person_named(name),
        detail={"sign_in_name": name, "address": ip_address or ""},
    )


organisation_section_register("oversight", gettext_lazy("Oversight"), 90)
organisation_link_register(
    RegisterLink(
        section="oversight",
        url_name="audit:list",
        label=gettext_lazy("Audit log"),
        description=gettext_lazy(
            "Sign-ins, lock-outs, invitations, role changes, API tokens and exports of whole "
            "registers; for auditors and administrators."
        ),
        order=10,
    )
)
