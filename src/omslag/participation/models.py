"""Proposals from the public to a public challenge, and the count of submissions dropped as
spam. A proposal holds the only personal data of the app (name and e-mail address); the
purge command deletes it after the retention period."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Proposal(models.Model):
    class OrganisationType(models.TextChoices):
        CITIZEN = "citizen", _("citizen")
        COMPANY = "company", _("company")
        KNOWLEDGE_INSTITUTE = "knowledge_institute", _("knowledge institute")
        OTHER = "other", _("other")

    class Moderation(models.TextChoices):
        UNCONFIRMED = "unconfirmed", _("waiting for e-mail confirmation")
        RECEIVED = "received", _("received")
        UNDER_REVIEW = "under_review", _("under review")
        ACCEPTED = "accepted", _("accepted as an idea")
        MERGED = "merged", _("merged with an idea")
        DECLINED = "declined", _("declined")

    challenge = models.ForeignKey(
        "innovation.Challenge",
        verbose_name=_("challenge"),
        on_delete=models.CASCADE,
        related_name="proposals",
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("proposal"))
    name = models.CharField(_("name"), max_length=100)
    name_public = models.BooleanField(_("name may be shown publicly"), default=False)
    organisation_type = models.CharField(
        _("you are"), max_length=20, choices=OrganisationType.choices
    )
    email = models.EmailField(_("e-mail address"))
    # E-mails to the proposer are written in the language the form was filled in.
    language = models.CharField(max_length=8, default="nl")
    consent_at = models.DateTimeField(_("privacy statement accepted at"))
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    moderation = models.CharField(
        _("moderation"), max_length=15, choices=Moderation.choices, default=Moderation.UNCONFIRMED
    )
    decline_reason = models.TextField(_("reason"), blank=True, max_length=4000)
    idea = models.ForeignKey(
        "innovation.Idea",
        verbose_name=_("idea"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposals",
    )
    moderated_by = models.ForeignKey(
        "accounts.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The unguessable key of the private follow link.
    follow_token = models.CharField(max_length=64, unique=True)
    # The last status the proposer was told about by e-mail; a different current status
    # means an e-mail is due.
    status_notified = models.CharField(max_length=20, blank=True)

    class Meta:
        verbose_name = _("proposal")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["challenge", "moderation"])]

    def __str__(self):
        return self.title


class DroppedSubmission(models.Model):
    """How many proposal forms of a challenge were dropped quietly, per reason."""

    class Reason(models.TextChoices):
        HONEYPOT = "honeypot", _("hidden field filled in")
        TOO_FAST = "too_fast", _("sent faster than a person can type")

    challenge = models.ForeignKey(
        "innovation.Challenge", on_delete=models.CASCADE, related_name="dropped_submissions"
    )
    reason = models.CharField(max_length=10, choices=Reason.choices)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["challenge", "reason"], name="dropped_once_per_reason")
        ]

    def __str__(self):
        return f"{self.challenge_id} {self.reason}: {self.count}"
