"""Who may import and export what, and see which import: decided by the register's own spec
(which asks its app's access functions)."""

from django.http import Http404

from omslag.common.tabular.registry import export_spec, import_spec
from omslag.organisations.access import organisation_can_read

from .models import ColumnMapping, ImportJob


def import_allowed(person, organisation, kind: str) -> bool:
    spec = import_spec(kind)
    return spec is not None and spec.may_import(person, organisation)


def export_allowed(person, organisation, kind: str) -> bool:
    spec = export_spec(kind)
    return spec is not None and spec.may_export(person, organisation)


def import_job_get(person, pk) -> ImportJob:
    job = ImportJob.objects.select_related("organisation", "mapping").filter(pk=pk).first()
    if job is None or not organisation_can_read(person, job.organisation):
        raise Http404("No import matches the given query.")
    return job


def import_job_can_confirm(person, job: ImportJob) -> bool:
    return import_allowed(person, job.organisation, job.kind)


def column_mapping_get(person, organisation, kind: str, name: str) -> ColumnMapping:
    mapping = ColumnMapping.objects.filter(organisation=organisation, kind=kind, name=name).first()
    if mapping is None or not organisation_can_read(person, organisation):
        raise Http404("No column mapping with this name.")
    return mapping


def column_mapping_get_by_id(person, pk) -> ColumnMapping:
    """A saved mapping the person may read (another organisation's: 404)."""
    mapping = ColumnMapping.objects.select_related("organisation").filter(pk=pk).first()
    if mapping is None or not organisation_can_read(person, mapping.organisation):
        raise Http404("No column mapping with this id.")
    return mapping
