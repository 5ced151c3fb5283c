from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    SIGN_IN = "sign_in", _("signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("failed sign-in")
    LOCKED_OUT = "locked_out", _("locked out")
    PASSWORD_RESET_REQUESTED = "password_reset_requested", _("password reset requested")
    PASSWORD_RESET = "password_reset", _("password reset")
    INVITATION_SENT = "invitation_sent", _("invitation sent")
    INVITATION_ACCEPTED = "invitation_accepted", _("invitation accepted")
    INVITATION_REVOKED = "invitation_revoked", _("invitation revoked")
    ROLE_GRANTED = "role_granted", _("role granted")
    ROLE_CHANGED = "role_changed", _("role changed")
    ROLE_REMOVED = "role_removed", _("role removed")
    TWO_FACTOR_ENROLLED = "two_factor_enrolled", _("second factor set up")
    TWO_FACTOR_REMOVED = "two_factor_removed", _("second factor removed")
    RECOVERY_CODE_USED = "recovery_code_used", _("recovery code used")
    TOKEN_CREATED = "token_created", _("API token created")
    TOKEN_REVOKED = "token_revoked", _("API token revoked")
    REGISTER_EXPORTED = "register_exported", _("register exported")


class AuditEntry(models.Model):
    """One event in the audit log. Entries are only ever added: no edit, no delete, no
    history of their own. ``person`` is who did it (or, for a failed sign-in, whose address
    was tried, when it exists); ``organisation`` is empty for events of a person alone."""

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    event = models.CharField(_("event"), max_length=40, choices=Event.choices, db_index=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log entries")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_event_display()}"

    @property
    def detail_text(self) -> str:
        """The detail as one line of ``key: value`` pairs, for pages and exports."""
        return "; ".join(f"{key}: {value}" for key, value in sorted(self.detail.items()))
