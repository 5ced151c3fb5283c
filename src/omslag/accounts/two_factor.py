"""The optional second factor (TOTP, django-otp): enrolment with a QR code and the secret as
text, the check at sign-in, recovery codes. Each person has at most one authenticator app
(a confirmed ``TOTPDevice`` named "app") and one set of recovery codes (a ``StaticDevice``
named "recovery"; each code works once)."""

import base64

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from omslag.common import audit
from omslag.organisations.access import two_factor_required

APP = "app"
RECOVERY = "recovery"
RECOVERY_CODES = 10


def two_factor_device(person) -> TOTPDevice | None:
    """The person's confirmed authenticator app, or None when they have no second factor."""
    return TOTPDevice.objects.filter(user=person, name=APP, confirmed=True).first()


def two_factor_missing(person) -> bool:
    """Whether the person may not act yet: an administrator where an organisation requires a
    second factor for administrators, without one. The one rule that the sign-in, every write
    through a browser session (middleware) and every write with an API token apply."""
    return two_factor_required(person) and two_factor_device(person) is None


def two_factor_enrolment(person) -> TOTPDevice:
    """The unconfirmed device the person is enrolling (one, kept until confirmed), so the QR
    code stays the same while they try codes."""
    device = TOTPDevice.objects.filter(user=person, name=APP, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=person, name=APP, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The secret as an app asks for it when typed in: base32, in groups of four."""
    key = base64.b32encode(device.bin_key).decode()
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_code_svg(device: TOTPDevice, title: str) -> str:
    """The otpauth:// address as an inline SVG QR code (no script, no style element)."""
    import segno

    return segno.make(device.config_url, error="m").svg_inline(
        scale=4, title=title, dark="#000", light="#fff"
    )


def _recovery_codes_new(person) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(user=person, name=RECOVERY)
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def two_factor_confirm(person, code: str) -> list[str] | None:
    """Confirm the enrolment with a code from the app: the recovery codes (shown once) on
    success, None when the code is wrong."""
    device = two_factor_enrolment(person)
    if not device.verify_token(_digits(code)):
        return None
    TOTPDevice.objects.filter(user=person, name=APP, confirmed=True).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit.record("two_factor_enrolled", person=person)
    return _recovery_codes_new(person)


def _digits(code: str) -> str:
    return "".join(str(code or "").split())


def two_factor_verify(person, code: str) -> bool:
    """True when ``code`` is a current code of the person's app (each one once) or one of
    their unused recovery codes (used up by this)."""
    code = _digits(code)
    if code.isdigit():
        device = two_factor_device(person)
        return bool(device and device.verify_token(code))
    recovery = StaticDevice.objects.filter(user=person, name=RECOVERY, confirmed=True).first()
    if recovery is not None and recovery.verify_token(code.lower()):
        audit.record("recovery_code_used", person=person)
        return True
    return False


@transaction.atomic
def two_factor_remove(person) -> None:
    TOTPDevice.objects.filter(user=person).delete()
    StaticDevice.objects.filter(user=person).delete()
    audit.record("two_factor_removed", person=person)
