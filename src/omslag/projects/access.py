"""Who may read and change projects and reference classes: every role of the organisation (or
an ancestor) reads, editors and administrators change. Reference classes without an
organisation are shipped with omslag: everyone reads them, nobody changes them."""

from django.http import Http404

from omslag.organisations.access import (
    ADMIN_ROLES,
    organisation_can_change,
    organisation_can_read,
    person_roles,
    readable_paths,
)

from .models import (
    Benefit,
    Milestone,
    ParliamentaryPaper,
    Project,
    ProjectReport,
    QualityReview,
    ReferenceClass,
    ReviewAdvice,
)

PARTS = {
    "milestone": Milestone,
    "quality-review": QualityReview,
    "review-advice": ReviewAdvice,
    "paper": ParliamentaryPaper,
    "benefit": Benefit,
}


def projects_can_read(person, organisation) -> bool:
    return organisation_can_read(person, organisation)


def projects_can_change(person, organisation) -> bool:
    return organisation_can_change(person, organisation)


def exchange_rates_can_change(person, organisation) -> bool:
    """Stating rates and the reporting currency changes every sum of the organisation and
    those below it: administrators only."""
    return bool(person_roles(person, organisation) & ADMIN_ROLES)


def _pk(pk):
    try:
        return int(pk)
    except (TypeError, ValueError):
        raise Http404("Not found.") from None


def project_get_readable(person, pk, *, include_deleted=False) -> Project:
    manager = Project.all_objects if include_deleted else Project.objects
    project = manager.select_related("organisation").filter(pk=_pk(pk)).first()
    if project is None or not organisation_can_read(person, project.organisation):
        raise Http404("No project matches the given query.")
    return project


def report_get_readable(person, pk, *, include_deleted=False) -> ProjectReport:
    manager = ProjectReport.all_objects if include_deleted else ProjectReport.objects
    report = manager.select_related("project__organisation").filter(pk=_pk(pk)).first()
    if report is None or not organisation_can_read(person, report.project.organisation):
        raise Http404("No report matches the given query.")
    return report


def part_get_readable(person, model, pk, *, include_deleted=False):
    manager = model.all_objects if include_deleted else model.objects
    part = manager.select_related("project__organisation").filter(pk=_pk(pk)).first()
    if part is None or not organisation_can_read(person, part.project.organisation):
        raise Http404("Not found.")
    return part


def reference_class_can_read(person, reference_class) -> bool:
    """Shipped classes are for everyone; an organisation's class also for the organisations
    below it (they may forecast with it), like its list of usable classes shows."""
    owner = reference_class.organisation
    if owner is None or organisation_can_read(person, owner):
        return True
    paths = readable_paths(person) if person.is_authenticated else []
    return paths is None or any(path.startswith(owner.path) for path in paths)


def reference_class_can_change(person, reference_class) -> bool:
    return reference_class.organisation is not None and organisation_can_change(
        person, reference_class.organisation
    )


def reference_class_get_readable(person, pk, *, include_deleted=False) -> ReferenceClass:
    manager = ReferenceClass.all_objects if include_deleted else ReferenceClass.objects
    found = manager.select_related("organisation").filter(pk=_pk(pk)).first()
    if found is None or not reference_class_can_read(person, found):
        raise Http404("No reference class matches the given query.")
    return found


def record_can_change(person, record) -> bool:
    if isinstance(record, ReferenceClass):
        return reference_class_can_change(person, record)
    project = record if isinstance(record, Project) else record.project
    return organisation_can_change(person, project.organisation)
