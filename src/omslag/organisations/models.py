from typing import Any

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from omslag.common.models import DomainModel

slug_validator = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
    _("Use lower-case letters, digits and single hyphens, e.g. gemeente-wadderveen."),
)


class Organisation(DomainModel):
    """A tenant: a ministry, agency, province, municipality, water board or other body.

    Organisations form a tree. ``path`` holds the ids from the root down ("/1/4/"), so the
    descendants of an organisation are one indexed prefix query away.
    """

    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("ministry")
        AGENCY = "agency", _("executive agency")
        PROVINCE = "province", _("province")
        MUNICIPALITY = "municipality", _("municipality")
        WATER_BOARD = "water_board", _("water board")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("short name"),
        max_length=80,
        unique=True,
        validators=[slug_validator],
        help_text=_("Used in web addresses and files; cannot change later."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    description = models.TextField(_("description"), blank=True, max_length=4000)
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    two_factor_for_admins = models.BooleanField(
        _("administrators need a second factor"),
        default=False,
        help_text=_(
            "Administrators of this organisation (and of those above it) must sign in with a "
            "code from an authenticator app; without one they are sent to set it up."
        ),
    )

    history = HistoricalRecords(excluded_fields=["updated_at", "path"])

    # For mypy only (no django-stubs plugin): the attributes Django adds for the foreign key
    # and its reverse relation, and the one simple-history reads as the author of a save.
    parent_id: int | None
    children: "models.Manager[Organisation]"
    _history_user: Any

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part][:-1]

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2


class Role(models.TextChoices):
    VIEWER = "viewer", _("viewer")
    EDITOR = "editor", _("editor")
    ADMIN = "admin", _("administrator")
    BOARD = "board", _("board member")
    AUDITOR = "auditor", _("auditor")
    SAFEGUARD_OFFICER = "safeguard_officer", _("safeguard officer")


class Membership(DomainModel):
    """A person's role in an organisation; it also holds in every organisation below it."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    # For mypy only (no django-stubs plugin): the attribute Django adds for the foreign key.
    person_id: int

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation__name", "person__full_name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organisation", "role"],
                condition=models.Q(deleted_at__isnull=True),
                name="membership_unique_live_role",
                violation_error_message=_("This person already has this role here."),
            )
        ]

    def __str__(self):
        return f"{self.person} — {self.get_role_display()} — {self.organisation}"


class Invitation(models.Model):
    """An invitation to take a role in an organisation, sent by e-mail. The link's secret is
    stored only as a hash; it works once, until ``expires_at``, unless revoked."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        ACCEPTED = "accepted", _("accepted")
        REVOKED = "revoked", _("revoked")
        EXPIRED = "expired", _("expired")

    email = models.EmailField(_("e-mail address"))
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.email} — {self.get_role_display()} — {self.organisation}"

    def status_at(self, moment) -> "Invitation.Status":
        if self.accepted_at:
            return self.Status.ACCEPTED
        if self.revoked_at:
            return self.Status.REVOKED
        if self.expires_at <= moment:
            return self.Status.EXPIRED
        return self.Status.PENDING

    @property
    def status(self) -> "Invitation.Status":
        return self.status_at(timezone.now())
