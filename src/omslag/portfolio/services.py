"""Writes of the application register, spend lines, targets and scenarios: each atomic,
validated with full_clean() and recorded in the record's history."""

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from omslag.common.errors import RuleViolation
from omslag.common.history import restore_fields, save_with_history
from omslag.common.locking import version_claim
from omslag.common.records import fields_check, record_soft_delete, record_update
from omslag.common.subjects import assessment_subjects_changed
from omslag.organisations.models import Organisation

from .figures import figures_inputs_changed
from .models import Application, Dependency, Scenario, ScenarioChange, SpendLine, SpendTarget

APPLICATION_FIELDS = (
    "name",
    "owner_unit",
    "owner_name",
    "purpose",
    "vendor",
    "technology",
    "go_live_year",
    "end_of_support",
    "users",
    "availability",
    "integrity",
    "confidentiality",
    "business_value",
    "business_value_reason",
    "technical_condition",
    "technical_condition_reason",
    "status",
    "time_override",
    "time_override_reason",
)
SPEND_LINE_FIELDS = (
    "year",
    "amount",
    "kind",
    "category",
    "cost_type",
    "application",
    "pays_for",
    "description",
    "reference",
)
TARGET_FIELDS = ("target_year", "innovate_min_percent", "run_max_percent")
SCENARIO_FIELDS = ("name", "description", "base_year")
CHANGE_FIELDS = (
    "kind",
    "label",
    "from_year",
    "to_year",
    "application",
    "amount",
    "replacement_amount",
)


# --- applications -----------------------------------------------------------------------


@transaction.atomic
def application_create(*, actor: Any, organisation: Organisation, **fields: Any) -> Application:
    fields_check(fields, APPLICATION_FIELDS)
    application = Application(organisation=organisation, **fields)
    save_with_history(application, actor=actor)
    figures_inputs_changed(organisation, legacy=True)
    assessment_subjects_changed([organisation.pk])  # applications are assessment subjects
    return application


@transaction.atomic
def application_update(
    *, actor: Any, application: Application, expected_version: int, **changes: Any
) -> Application:
    updated = record_update(
        application,
        actor=actor,
        expected_version=expected_version,
        allowed=APPLICATION_FIELDS,
        changes=changes,
    )
    figures_inputs_changed(application.organisation, legacy=True)
    return updated


@transaction.atomic
def application_delete(
    *, actor: Any, application: Application, expected_version: int | None = None
) -> None:
    """Soft delete; its dependencies in both directions go with it."""
    record_soft_delete(application, actor=actor, expected_version=expected_version)
    figures_inputs_changed(application.organisation, legacy=True)
    assessment_subjects_changed(
        [application.organisation.pk]
    )  # applications are assessment subjects
    for dependency in Dependency.objects.filter(
        application=application
    ) | Dependency.objects.filter(depends_on=application):
        record_soft_delete(dependency, actor=actor)


@transaction.atomic
def application_restore(*, actor: Any, record: Application, history_id: int) -> Application:
    figures_inputs_changed(record.organisation, legacy=True)
    assessment_subjects_changed([record.organisation.pk])  # applications are assessment subjects
    restored: Application = restore_fields(
        actor=actor, record=record, history_id=history_id, fields=APPLICATION_FIELDS
    )
    return restored


# --- dependencies -------------------------------------------------------------------------


@transaction.atomic
def dependency_add(
    *, actor: Any, application: Application, depends_on: Application, note: str = ""
) -> Dependency:
    dependency = Dependency(application=application, depends_on=depends_on, note=note)
    save_with_history(dependency, actor=actor)
    figures_inputs_changed(application.organisation, legacy=True)
    return dependency


@transaction.atomic
def dependency_remove(
    *, actor: Any, dependency: Dependency, expected_version: int | None = None
) -> None:
    record_soft_delete(dependency, actor=actor, expected_version=expected_version)
    figures_inputs_changed(dependency.application.organisation, legacy=True)


@transaction.atomic
def dependency_restore(*, actor: Any, record: Dependency, history_id: int) -> Dependency:
    if record.application.is_deleted or record.depends_on.is_deleted:
        raise RuleViolation(_("Restore both applications first."))
    figures_inputs_changed(record.application.organisation, legacy=True)
    restored: Dependency = restore_fields(
        actor=actor, record=record, history_id=history_id, fields=("note",)
    )
    return restored


# --- spend lines --------------------------------------------------------------------------


@transaction.atomic
def spend_line_create(*, actor: Any, organisation: Organisation, **fields: Any) -> SpendLine:
    fields_check(fields, SPEND_LINE_FIELDS)
    line = SpendLine(organisation=organisation, **fields)
    save_with_history(line, actor=actor)
    figures_inputs_changed(organisation, balance=True, legacy=True)
    return line


@transaction.atomic
def spend_line_update(
    *, actor: Any, spend_line: SpendLine, expected_version: int, **changes: Any
) -> SpendLine:
    updated = record_update(
        spend_line,
        actor=actor,
        expected_version=expected_version,
        allowed=SPEND_LINE_FIELDS,
        changes=changes,
    )
    figures_inputs_changed(spend_line.organisation, balance=True, legacy=True)
    return updated


@transaction.atomic
def spend_line_delete(
    *, actor: Any, spend_line: SpendLine, expected_version: int | None = None
) -> None:
    record_soft_delete(spend_line, actor=actor, expected_version=expected_version)
    figures_inputs_changed(spend_line.organisation, balance=True, legacy=True)


@transaction.atomic
def spend_line_restore(*, actor: Any, record: SpendLine, history_id: int) -> SpendLine:
    figures_inputs_changed(record.organisation, balance=True, legacy=True)
    restored: SpendLine = restore_fields(
        actor=actor, record=record, history_id=history_id, fields=SPEND_LINE_FIELDS
    )
    return restored


# --- targets ------------------------------------------------------------------------------


@transaction.atomic
def spend_target_set(
    *,
    actor: Any,
    organisation: Organisation,
    target_year: int,
    innovate_min_percent: Decimal | None,
    run_max_percent: Decimal | None,
    expected_version: int | None = None,
) -> SpendTarget:
    """Create the target for ``target_year`` or change it (refused as stale when
    ``expected_version`` is given and no longer current)."""
    target = SpendTarget.objects.filter(organisation=organisation, target_year=target_year).first()
    if target is None:
        target = SpendTarget(organisation=organisation, target_year=target_year)
    else:
        version_claim(target, expected_version if expected_version is not None else target.version)
    target.innovate_min_percent = innovate_min_percent
    target.run_max_percent = run_max_percent
    save_with_history(target, actor=actor)
    return target


@transaction.atomic
def spend_target_update(
    *, actor: Any, target: SpendTarget, expected_version: int, **changes: Any
) -> SpendTarget:
    return record_update(
        target,
        actor=actor,
        expected_version=expected_version,
        allowed=TARGET_FIELDS,
        changes=changes,
    )


@transaction.atomic
def spend_target_delete(
    *, actor: Any, target: SpendTarget, expected_version: int | None = None
) -> None:
    record_soft_delete(target, actor=actor, expected_version=expected_version)


@transaction.atomic
def spend_target_restore(*, actor: Any, record: SpendTarget, history_id: int) -> SpendTarget:
    restored: SpendTarget = restore_fields(
        actor=actor, record=record, history_id=history_id, fields=TARGET_FIELDS
    )
    return restored


# --- scenarios ------------------------------------------------------------------------------


@transaction.atomic
def scenario_create(*, actor: Any, organisation: Organisation, **fields: Any) -> Scenario:
    fields_check(fields, SCENARIO_FIELDS)
    scenario = Scenario(organisation=organisation, **fields)
    save_with_history(scenario, actor=actor)
    return scenario


@transaction.atomic
def scenario_update(
    *, actor: Any, scenario: Scenario, expected_version: int, **changes: Any
) -> Scenario:
    return record_update(
        scenario,
        actor=actor,
        expected_version=expected_version,
        allowed=SCENARIO_FIELDS,
        changes=changes,
    )


@transaction.atomic
def scenario_delete(*, actor: Any, scenario: Scenario, expected_version: int | None = None) -> None:
    record_soft_delete(scenario, actor=actor, expected_version=expected_version)


@transaction.atomic
def scenario_restore(*, actor: Any, record: Scenario, history_id: int) -> Scenario:
    restored: Scenario = restore_fields(
        actor=actor, record=record, history_id=history_id, fields=SCENARIO_FIELDS
    )
    return restored


@transaction.atomic
def scenario_change_add(*, actor: Any, scenario: Scenario, **fields: Any) -> ScenarioChange:
    """Add a planned change; refused (nothing stored) when the projection would make a
    category negative, with the change and the year named."""
    from .selectors import application_run_cost, scenario_comparison

    fields_check(fields, CHANGE_FIELDS)
    if (
        fields.get("kind") == ScenarioChange.Kind.RETIRE_APPLICATION
        and fields.get("amount") is None
    ):
        application = fields.get("application")
        if application is not None:
            fields["amount"] = application_run_cost(application, scenario.base_year)
    change = ScenarioChange(scenario=scenario, **fields)
    save_with_history(change, actor=actor)
    try:
        scenario_comparison(scenario.organisation, [scenario])
    except ValueError as error:
        raise RuleViolation(str(error)) from None
    return change


@transaction.atomic
def scenario_change_remove(*, actor: Any, change: ScenarioChange) -> None:
    record_soft_delete(change, actor=actor)


@transaction.atomic
def scenario_change_restore(
    *, actor: Any, record: ScenarioChange, history_id: int
) -> ScenarioChange:
    restored: ScenarioChange = restore_fields(
        actor=actor, record=record, history_id=history_id, fields=CHANGE_FIELDS
    )
    return restored
