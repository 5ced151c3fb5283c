"""Signed values of participation: when a proposal form was opened (to drop forms sent faster
than a person can type) and the e-mail confirmation link (time-limited)."""

import time

from django.conf import settings
from django.core import signing

FORM_SALT = "omslag.participation.form-opened"
CONFIRM_SALT = "omslag.participation.confirm"


def form_opened_token(at: float | None = None) -> str:
    return signing.dumps(round(time.time() if at is None else at, 3), salt=FORM_SALT)


def form_seconds_open(token: str) -> float | None:
    """Seconds since the form was opened; None for a missing or forged value."""
    try:
        opened = float(signing.loads(token or "", salt=FORM_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return None
    return time.time() - opened


def confirm_token(proposal) -> str:
    return signing.dumps({"p": proposal.pk, "t": proposal.follow_token[:8]}, salt=CONFIRM_SALT)


def confirm_token_read(token: str) -> dict | None:
    """The signed content of a confirmation link, or None when forged or expired."""
    try:
        return signing.loads(
            token, salt=CONFIRM_SALT, max_age=settings.PROPOSAL_CONFIRM_HOURS * 3600
        )
    except signing.BadSignature:  # SignatureExpired is a BadSignature
        return None
