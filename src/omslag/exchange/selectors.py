from .models import ColumnMapping, ImportJob


def column_mappings_of(organisation):
    return ColumnMapping.objects.filter(organisation=organisation)


def import_jobs_of(organisation):
    return ImportJob.objects.filter(organisation=organisation).select_related("created_by")
