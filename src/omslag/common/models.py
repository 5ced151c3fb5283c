"""Abstract base models for domain records: timestamps, a version for optimistic locking and
soft delete. History itself is added per model with django-simple-history's HistoricalRecords."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LiveManager(models.Manager):
    """The default manager: records that are not soft-deleted."""

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)


class DomainModel(models.Model):
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("Raised on every save; a stale save is refused.")
    )
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True, editable=False)

    objects = LiveManager()
    all_objects = models.Manager()  # noqa: DJ012 (objects must stay the default manager)

    class Meta:
        abstract = True
        base_manager_name = "all_objects"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None
