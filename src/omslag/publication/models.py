"""Publications: frozen, versioned snapshots of exactly the public fields of a register record.

The public side (pages, API, downloads, catalogue) reads only these snapshots, never the
registers, so a change to a register's template or serializer cannot leak an unpublished field.
An approved row never changes its content: a correction is a new version.
"""

import json
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    PROJECT = "project", _("project")
    EXPERIMENT = "experiment", _("experiment")
    LESSON = "lesson", _("lesson")
    ALGORITHM = "algorithm", _("algorithm")
    CHALLENGE = "challenge", _("challenge")
    BALANCE_YEAR = "balance-year", _("yearly balance")


class Licence(models.TextChoices):
    CC0 = "cc0-1.0", "CC0 1.0"
    CC_BY = "cc-by-4.0", "CC BY 4.0"


LICENCE_URLS = {
    Licence.CC0: "https://creativecommons.org/publicdomain/zero/1.0/",
    Licence.CC_BY: "https://creativecommons.org/licenses/by/4.0/",
}

# Fields of an approved publication that may still change: whether it is the current version,
# and the withdrawal notice. Everything else is the frozen publication.
MUTABLE_WHEN_APPROVED = frozenset({"is_current", "withdrawn_at", "withdrawal_reason", "changed_at"})


class PublicationSettings(models.Model):
    """What an organisation publishes and under which licence."""

    organisation = models.OneToOneField(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="publication_settings",
    )
    kinds = models.JSONField(_("published kinds"), default=list)
    licence = models.CharField(
        _("licence"), max_length=20, choices=Licence.choices, default=Licence.CC0
    )

    class Meta:
        verbose_name = _("publication settings")

    def __str__(self):
        return f"{self.organisation}: {', '.join(self.kinds)}"


# The rows the public side shows: the current version, not withdrawn.
PUBLIC = models.Q(is_current=True, withdrawn_at__isnull=True)


def public_json_text(public_data) -> str:
    """A version's public data as the compact JSON text the public API sends for it."""
    return json.dumps(public_data, separators=(",", ":"), ensure_ascii=False)


class PublicationQuerySet(models.QuerySet):
    def update(self, **kwargs):
        frozen = set(kwargs) - MUTABLE_WHEN_APPROVED
        if frozen and self.filter(status=Publication.Status.APPROVED).exists():
            raise ValidationError(_("A published version never changes; publish a correction."))
        return super().update(**kwargs)


class Publication(models.Model):
    """One version of one published record, from proposal to approval (or rejection)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        APPROVED = "approved", _("published")
        REJECTED = "rejected", _("rejected")

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="publications",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    source_id = models.PositiveIntegerField(_("record"))
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    title = models.CharField(_("title"), max_length=300)
    facet = models.CharField(max_length=100, blank=True)
    snapshot = models.JSONField(_("published fields"))
    # The same fields under the API's camelCase names, kept so that the public API can send
    # the stored JSON text as it is instead of decoding and re-encoding every row.
    public_data = models.JSONField(default=dict, editable=False)
    # And as compact JSON text (snapshots.public_json_text), written once when the version is
    # made: a page of the public API sends it as it is, without PostgreSQL converting the
    # JSON value back to text for every row of every page (a third of a page's query time).
    public_json = models.TextField(default="", editable=False)
    changes = models.JSONField(default=list, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason"), blank=True, max_length=4000)
    is_current = models.BooleanField(default=False)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True, max_length=4000)
    changed_at = models.DateTimeField(auto_now=True)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("publication")
        ordering = ["kind", "source_id", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "source_id", "number"],
                name="publication_unique_version",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "kind", "is_current", "title"]),
            models.Index(fields=["organisation", "kind", "is_current", "facet"]),
            models.Index(fields=["organisation", "kind", "source_id", "status"]),
            # The public lists and their pages: only the public rows, in the lists' order
            # (title, record), so that a page — keyset or numbered — and the count read the
            # index instead of sorting every row; one with the facet first for the filter.
            models.Index(
                fields=["organisation", "kind", "title", "source_id"],
                condition=PUBLIC,
                name="publication_public_order",
            ),
            models.Index(
                fields=["organisation", "kind", "facet", "title", "source_id"],
                condition=PUBLIC,
                name="publication_public_facet",
            ),
            # The ETag and Last-Modified of a list: the latest change and the count of the
            # approved rows, from the index alone.
            models.Index(
                fields=["organisation", "kind", "status", "changed_at"],
                name="publication_stamp",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.title} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is None and not self.public_json:
            self.public_json = public_json_text(self.public_data)
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values().first()
            if stored and stored["status"] == self.Status.APPROVED:
                changed = {
                    field.attname
                    for field in self._meta.concrete_fields
                    if stored[field.attname] != getattr(self, field.attname)
                }
                if changed - MUTABLE_WHEN_APPROVED:
                    raise ValidationError(
                        _("A published version never changes; publish a correction.")
                    )
        super().save(*args, **kwargs)

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None
