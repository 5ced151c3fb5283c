from typing import Any

from django.db.models import QuerySet

from .models import ColumnMapping, ImportJob


def column_mappings_of(organisation: Any) -> QuerySet[ColumnMapping]:
    return ColumnMapping.objects.filter(organisation=organisation)


def import_jobs_of(organisation: Any) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(organisation=organisation).select_related("created_by")
