"""Who may read and change the application register, spend, targets and scenarios.

Rights follow the organisation a record belongs to: every role reads, editors and
administrators change. A record of an organisation the person may not read is not found.
"""

from django.http import Http404

from omslag.organisations.access import organisation_can_change, organisation_can_read

from .models import Application, Dependency, Scenario, ScenarioChange, SpendLine, SpendTarget


def portfolio_can_read(person, organisation) -> bool:
    return organisation_can_read(person, organisation)


def portfolio_can_change(person, organisation) -> bool:
    return organisation_can_change(person, organisation)


def _get_readable(model, person, pk, *, related="organisation", include_deleted=False):
    manager = model.all_objects if include_deleted else model.objects
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404(f"No {model._meta.model_name} matches the given query.") from None
    record = manager.select_related(related).filter(pk=pk).first()
    if record is None:
        raise Http404(f"No {model._meta.model_name} matches the given query.")
    organisation = record
    for part in related.split("__"):
        organisation = getattr(organisation, part)
    if not organisation_can_read(person, organisation):
        raise Http404(f"No {model._meta.model_name} matches the given query.")
    return record


def application_get_readable(person, pk, *, include_deleted=False) -> Application:
    return _get_readable(Application, person, pk, include_deleted=include_deleted)


def dependency_get_readable(person, pk, *, include_deleted=False) -> Dependency:
    return _get_readable(
        Dependency, person, pk, related="application__organisation", include_deleted=include_deleted
    )


def spend_line_get_readable(person, pk, *, include_deleted=False) -> SpendLine:
    return _get_readable(SpendLine, person, pk, include_deleted=include_deleted)


def spend_target_get_readable(person, pk, *, include_deleted=False) -> SpendTarget:
    return _get_readable(SpendTarget, person, pk, include_deleted=include_deleted)


def scenario_get_readable(person, pk, *, include_deleted=False) -> Scenario:
    return _get_readable(Scenario, person, pk, include_deleted=include_deleted)


def scenario_change_get_readable(person, pk, *, include_deleted=False) -> ScenarioChange:
    return _get_readable(
        ScenarioChange,
        person,
        pk,
        related="scenario__organisation",
        include_deleted=include_deleted,
    )


def record_organisation(record):
    """The organisation that decides the rights on a portfolio record."""
    if isinstance(record, Dependency):
        return record.application.organisation
    if isinstance(record, ScenarioChange):
        return record.scenario.organisation
    return record.organisation


def record_can_change(person, record) -> bool:
    return portfolio_can_change(person, record_organisation(record))
