from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ColumnMapping(models.Model):
    """How the columns of another system's file map onto an omslag register, saved by name."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="column_mappings"
    )
    kind = models.CharField(_("kind of record"), max_length=50)
    name = models.CharField(_("name"), max_length=100)
    columns = models.JSONField(
        _("columns"), default=dict, help_text=_("file column → omslag column ('' to ignore)")
    )
    # A full conversion (common.tabular.conversion: value conversions, currency, one row into
    # several records); when set it is used instead of the plain renaming in ``columns``.
    conversion = models.JSONField(
        _("conversion"),
        default=dict,
        blank=True,
        help_text=_("How values are converted: amounts, dates, value maps, records per row."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("column mapping")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "name"],
                name="column_mapping_unique_name",
                violation_error_message=_("A mapping with this name already exists."),
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.kind})"


class ImportJob(models.Model):
    """One uploaded file: checked first (a dry run), imported after confirmation."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("being checked")
        CHECKED = "checked", _("checked, ready to import")
        PROBLEMS = "problems", _("checked, has problems")
        IMPORTING = "importing", _("being imported")
        IMPORTED = "imported", _("imported")

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="import_jobs"
    )
    kind = models.CharField(_("kind of record"), max_length=50)
    format = models.CharField(
        _("format"),
        max_length=50,
        default="table",
        help_text=_("The layout of the file: table, or a register's own (canada-snapshot)."),
    )
    filename = models.CharField(_("file name"), max_length=255)
    file = models.FileField(upload_to="imports/%Y/%m/")
    mapping = models.ForeignKey(ColumnMapping, null=True, blank=True, on_delete=models.SET_NULL)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    report = models.JSONField(_("report"), default=dict)
    # The background job that checks or imports the file now (or did last).
    job = models.ForeignKey(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=timezone.now)
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.filename} → {self.kind}"
