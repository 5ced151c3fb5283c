import hashlib
from typing import Any

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from omslag.common import audit

from .models import ApiToken
from .signin import sign_in_name
from .tasks import password_reset_mail_send


@transaction.atomic
def api_token_issue(*, person: Any, name: str) -> tuple[ApiToken, str]:
    """Create a token; the secret is returned once and only its hash is stored."""
    token, secret = ApiToken.objects.issue(person=person, name=name)
    audit.record("token_created", person=person, detail={"token": str(token)})
    return token, secret


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record("token_revoked", person=token.person, detail={"token": str(token)})


def _within_limit(key: str, limit: int, seconds: int) -> bool:
    """Count one more use of ``key`` in the cache; False once it passes ``limit``."""
    cache.add(key, 0, seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, seconds)
        count = 1
    return count <= limit


def password_reset_request(*, email: str, address: str, language: str) -> None:
    """Ask for a reset link for ``email``. The caller answers the same whatever happens here:
    whether the address belongs to somebody, and whether a limit was reached, stays unsaid.
    Within the limits per address and per network address the mail is queued."""
    name = sign_in_name(email)
    hour = 3600
    allowed = _within_limit(
        f"password-reset:name:{hashlib.sha256(name.encode()).hexdigest()}",
        settings.PASSWORD_RESET_LIMIT_PER_EMAIL,
        hour,
    ) & _within_limit(
        f"password-reset:address:{address}", settings.PASSWORD_RESET_LIMIT_PER_ADDRESS, hour
    )
    person = get_user_model().objects.filter(email__iexact=name).first()
    audit.record(
        "password_reset_requested",
        person=person,
        detail={"sign_in_name": name, "address": address, "sent": "yes" if allowed else "limit"},
    )
    if allowed:
        password_reset_mail_send.enqueue(name, language)


def password_reset_completed(*, person: Any) -> None:
    """After a person set a new password through a valid link: record it, and lift the
    lock-out of their sign-in name (only a real reset does that)."""
    axes_reset(username=sign_in_name(person.email))
    audit.record("password_reset", person=person)
