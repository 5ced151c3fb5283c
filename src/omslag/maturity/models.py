"""Scan rounds of the digital-maturity scan, their participants, their answers (one per
participant and statement) and the improvement actions made from a result."""

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from omslag.common.models import DomainModel

from .scan import EVIDENCE_MAX


class ScanRound(DomainModel):
    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="maturity_rounds",
    )
    title = models.CharField(_("title"), max_length=200)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    scan_version = models.CharField(_("version of the scan"), max_length=20)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    # For mypy only (no django-stubs plugin): the attribute Django adds for the foreign key.
    organisation_id: int

    class Meta:
        verbose_name = _("scan round")
        verbose_name_plural = _("scan rounds")
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")),
                name="maturity_round_closes_after_opening",
                violation_error_message=_("The round cannot close before it opens."),
            )
        ]

    def __str__(self):
        return self.title

    def is_closed(self, today: dt.date | None = None) -> bool:
        """Closed by an administrator, or past its end date."""
        today = today or timezone.localdate()
        return self.status == self.Status.CLOSED or today > self.closes_on

    def closed_date(self, today: dt.date | None = None) -> dt.date | None:
        if self.closed_on:
            return self.closed_on
        return self.closes_on if self.is_closed(today) else None


class Participant(models.Model):
    round = models.ForeignKey(
        ScanRound,
        verbose_name=_("scan round"),
        on_delete=models.CASCADE,
        related_name="participants",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(fields=["round", "person"], name="maturity_participant_once")
        ]

    def __str__(self):
        return f"{self.person} — {self.round}"


class Answer(models.Model):
    round = models.ForeignKey(
        ScanRound, verbose_name=_("scan round"), on_delete=models.CASCADE, related_name="answers"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    statement = models.CharField(_("statement"), max_length=40)
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    evidence = models.CharField(_("evidence"), max_length=EVIDENCE_MAX)
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "person", "statement"], name="maturity_answer_once"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="maturity_score_1_to_5"
            ),
        ]

    def __str__(self):
        return f"{self.statement}: {self.score}"


class ImprovementAction(models.Model):
    """A low-scoring dimension of a closed round, turned into a challenge of the pipeline."""

    round = models.ForeignKey(
        ScanRound,
        verbose_name=_("scan round"),
        on_delete=models.CASCADE,
        related_name="improvement_actions",
    )
    dimension = models.CharField(_("dimension"), max_length=40)
    challenge = models.OneToOneField(
        "innovation.Challenge",
        verbose_name=_("challenge"),
        on_delete=models.PROTECT,
        related_name="maturity_action",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("improvement action")
        verbose_name_plural = _("improvement actions")
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.dimension} — {self.round}"
