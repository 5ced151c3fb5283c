"""Background work of accounts (django-tasks): the mail with a reset link is looked up and
sent by the worker, so the page answers alike for known and unknown addresses."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task


def _person_for_reset(email: str):
    """The active person with this address who has a password of their own (people who
    only sign in through another route, or were invited and have not accepted, have none)."""
    person = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
    return person if person is not None and person.has_usable_password() else None


@task()
def password_reset_mail_send(email: str, language: str) -> bool:
    """Send the reset link to ``email`` if it belongs to somebody; True when a mail went out."""
    person = _person_for_reset(email)
    if person is None:
        return False
    link = settings.SITE_URL + reverse(
        "accounts:password-reset-confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(person.pk)),
            "token": default_token_generator.make_token(person),
        },
    )
    context = {
        "person": person,
        "link": link,
        "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }
    with translation.override(language):
        subject = render_to_string("accounts/email/password_reset_subject.txt", context)
        body = render_to_string("accounts/email/password_reset.txt", context)
    send_mail(" ".join(subject.split()), body, None, [person.email])
    return True
