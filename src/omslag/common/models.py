"""Abstract base models for domain records: timestamps, a version for optimistic locking and
soft delete. History itself is added per model with django-simple-history's HistoricalRecords."""

from django.core.exceptions import NON_FIELD_ERRORS
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

    def _perform_unique_checks(self, unique_checks):
        """Django checks uniqueness through the default manager, which hides soft-deleted
        records; the database still holds their values, so they count too (else a save ends
        in an IntegrityError, a 500)."""
        errors = super()._perform_unique_checks(unique_checks)
        for model_class, unique_check in unique_checks:
            lookup = {}
            for name in unique_check:
                value = getattr(self, model_class._meta.get_field(name).attname)
                if value is None:
                    break
                lookup[name] = value
            else:
                deleted = model_class._base_manager.filter(deleted_at__isnull=False, **lookup)
                if self.pk is not None:
                    deleted = deleted.exclude(pk=self.pk)
                key = unique_check[0] if len(unique_check) == 1 else NON_FIELD_ERRORS
                if key not in errors and deleted.exists():
                    errors.setdefault(key, []).append(
                        self.unique_error_message(model_class, unique_check)
                    )
        return errors

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class RefreshWaiting(models.Model):
    """The refresh of one set of stored figures (a task and its arguments, as ``key``) that was
    queued last. The unique key is what makes "is a refresh of these figures already
    waiting?" one decision in the database: a process that queues takes this row (created
    with INSERT … ON CONFLICT DO NOTHING, then locked), so two processes never both find
    nothing waiting. See ``common.stored_figures.refresh_enqueue_coalesced``."""

    key = models.CharField(_("figures"), max_length=64, unique=True)
    task_path = models.CharField(_("task"), max_length=255)
    task_result_id = models.CharField(_("queued task"), max_length=64, blank=True)
    queued_at = models.DateTimeField(_("queued at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("refresh waiting")
        verbose_name_plural = _("refreshes waiting")

    def __str__(self):
        return f"{self.task_path} {self.task_result_id}"
