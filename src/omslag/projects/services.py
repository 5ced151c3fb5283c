"""Writes of projects, their reports and parts, and reference classes: atomic, validated,
recorded in history. Published reports never change; a correction is a new report."""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from omslag.analysis.projects import (
    MIN_PAIRS,
    project_figures,
    review_threshold_met,
    status_colour,
)
from omslag.common.errors import RuleViolation
from omslag.common.history import (
    bulk_create_with_history_sql,
    restore_fields,
    save_with_history,
)
from omslag.common.locking import version_claim
from omslag.common.records import fields_check
from omslag.common.stored_figures import refresh_on_commit, stored_figures_mark_changed
from omslag.common.subjects import assessment_subjects_changed
from omslag.organisations.models import Organisation

from . import rates, stored, tasks
from .figures import choose_figure_reports, figures_reports, snapshots
from .gates import ProjectGateRefused, project_gate_problems
from .models import (
    Benefit,
    ExchangeRate,
    Milestone,
    ParliamentaryPaper,
    Part,
    PortfolioForecastStored,
    Project,
    ProjectFacetCells,
    ProjectReport,
    QualityReview,
    ReferenceClass,
    ReferencePair,
    ReportingCurrency,
    ReviewAdvice,
)

PROJECT_FIELDS = (
    "number",
    "name",
    "goal",
    "kind",
    "status",
    "approach",
    "start_date",
    "external_id",
    "currency",
)
REPORT_FIELDS = (
    "peildatum",
    "total_cost_estimate",
    *ProjectReport.BREAKDOWN,
    "ict_component_cost",
    "cumulative_actual_cost",
    "estimated_end_date",
    "is_rebaseline",
    "rebaseline_reason",
    "notes",
)
PART_FIELDS: dict[type[Part], tuple[str, ...]] = {
    Milestone: ("name", "planned_date", "expected_date", "realised_date"),
    QualityReview: ("date", "reviewer", "conclusion"),
    ReviewAdvice: ("date", "verdict", "recommendations", "follow_up"),
    ParliamentaryPaper: ("reference", "date", "title", "url"),
    Benefit: ("description", "indicator", "target_value", "realised_value"),
}


# --- figures ------------------------------------------------------------------------------


FIGURE_FIELDS = (
    "report_count",
    "latest_peildatum",
    "original_estimate",
    "current_estimate",
    "cost_change_pct",
    "original_end_date",
    "current_end_date",
    "end_date_shift_months",
    "cost_bucket",
    "colour",
    "review_threshold_met",
    "has_review_advice",
)


def _apply_figures(project: Project, reports: list[ProjectReport]) -> None:
    """Set the stored figures of ``project`` from its figure reports (analysis core)."""
    project.report_count = len(reports)
    if not reports:
        for name in (
            "latest_peildatum",
            "original_estimate",
            "current_estimate",
            "cost_change_pct",
            "original_end_date",
            "current_end_date",
            "end_date_shift_months",
        ):
            setattr(project, name, None)
        project.cost_bucket = project.colour = ""
        project.review_threshold_met = False
        return
    figures = project_figures(project.start_date, snapshots(reports))
    original = figures.against_original
    project.latest_peildatum = figures.peildatum
    project.original_estimate = original.baseline_cost
    project.current_estimate = figures.total_cost_estimate
    project.cost_change_pct = original.cost_change_pct
    project.original_end_date = original.baseline_end_date
    project.current_end_date = figures.estimated_end_date
    project.end_date_shift_months = original.end_date_shift_months
    project.cost_bucket = figures.cost_bucket
    project.colour = status_colour(figures)
    latest = reports[-1]
    ict = latest.ict_component_cost
    project.review_threshold_met = review_threshold_met(
        Decimal(ict if ict is not None else latest.total_cost_estimate)
    )


def project_figures_refresh(project: Project) -> Project:
    """Recompute the stored figures of a project from its reports."""
    project.has_review_advice = project.review_advice.exists()
    _apply_figures(project, figures_reports(project))
    Project.all_objects.filter(pk=project.pk).update(
        **{name: getattr(project, name) for name in FIGURE_FIELDS}
    )
    projects_changed([project.organisation_id])
    return project


def project_figures_refresh_many(projects: Iterable[Project]) -> None:
    """The same for many projects with two queries (used by bulk imports)."""
    chosen = list(projects)
    by_project: dict[int, list[ProjectReport]] = {p.pk: [] for p in chosen}
    for report in ProjectReport.objects.filter(project__in=chosen):
        by_project[report.project_id].append(report)
    advised = set(
        ReviewAdvice.objects.filter(project__in=chosen).values_list("project_id", flat=True)
    )
    for project in chosen:
        project.has_review_advice = project.pk in advised
        _apply_figures(project, choose_figure_reports(by_project[project.pk]))
        # One plain UPDATE per project: much faster than bulk_update's CASE expressions.
        Project.all_objects.filter(pk=project.pk).update(
            **{name: getattr(project, name) for name in FIGURE_FIELDS}
        )
    projects_changed(p.organisation_id for p in chosen)


def projects_register_bulk_save(
    *, actor: Any, new_projects: list[Project], new_reports: list[ProjectReport]
) -> None:
    """Save what a register import validated, in bulk: the new projects with their figures
    computed in memory from their new reports (so no UPDATE per project follows), then the
    reports, both with their first history rows (copied in the database); projects that
    existed and got a report have their figures recomputed. For imports of tens of
    thousands of rows."""
    owners = [report.project for report in new_reports]  # before the keys are set below
    by_project: dict[int, list[ProjectReport]] = {}
    for report, owner in zip(new_reports, owners, strict=True):
        by_project.setdefault(id(owner), []).append(report)
    new_keys = {id(p) for p in new_projects}
    existing = {id(p): p for p in owners if id(p) not in new_keys}
    for project in new_projects:
        _apply_figures(project, choose_figure_reports(by_project.get(id(project), [])))
    bulk_create_with_history_sql(Project, new_projects, actor=actor, batch_size=2000)
    for report, owner in zip(new_reports, owners, strict=True):
        report.project = owner  # now with its key
    bulk_create_with_history_sql(ProjectReport, new_reports, actor=actor, batch_size=2000)
    if existing:
        project_figures_refresh_many(existing.values())
    projects_changed(p.organisation_id for p in new_projects)


def projects_changed(organisation_ids: Iterable[int]) -> None:
    """The projects of these organisations changed: their stored facet cells and every stored
    forecast over them are marked behind, and refreshed by a task once this commits."""
    ids = sorted(set(organisation_ids))
    if not ids:
        return
    stored_figures_mark_changed(ProjectFacetCells.objects.filter(organisation_id__in=ids))
    stored_figures_mark_changed(
        PortfolioForecastStored.objects.filter(stored.forecasts_affected(ids))
    )
    refresh_on_commit(tasks.project_stored_figures_refresh, ids)
    assessment_subjects_changed(ids)  # projects are assessment subjects


def organisation_subtrees_changed(organisation_ids: Iterable[int]) -> None:
    """Organisations were moved, deleted or restored below these: the stored forecasts over
    their subtrees are marked behind and refreshed once this commits (the facet cells are
    per organisation and added up when read, so they stay right)."""
    affected = PortfolioForecastStored.objects.filter(
        organisation_id__in=list(organisation_ids), with_children=True
    )
    stored_figures_mark_changed(affected)
    ids = list(affected.values_list("pk", flat=True))
    if ids:
        refresh_on_commit(tasks.portfolio_forecasts_refresh, ids)


# --- projects ------------------------------------------------------------------------------


@transaction.atomic
def project_create(*, actor: Any, organisation: Organisation, **fields: Any) -> Project:
    fields_check(fields, PROJECT_FIELDS)
    project = Project(organisation=organisation, **fields)
    save_with_history(project, actor=actor)
    projects_changed([organisation.pk])
    return project


@transaction.atomic
def project_update(
    *, actor: Any, project: Project, expected_version: int, **changes: Any
) -> Project:
    fields_check(changes, PROJECT_FIELDS)
    if "status" in changes and changes["status"] != project.status:
        problems = project_gate_problems(project, changes["status"])
        if problems:
            raise ProjectGateRefused(problems)
    version_claim(project, expected_version)
    for name, value in changes.items():
        setattr(project, name, value)
    save_with_history(project, actor=actor)
    return project_figures_refresh(project)


@transaction.atomic
def project_delete(*, actor: Any, project: Project, expected_version: int | None = None) -> None:
    if expected_version is not None:
        version_claim(project, expected_version)
    project.deleted_at = timezone.now()
    save_with_history(project, actor=actor, reason=_("deleted"))
    projects_changed([project.organisation_id])


@transaction.atomic
def project_restore(*, actor: Any, record: Project, history_id: int) -> Project:
    restored: Project = restore_fields(
        actor=actor, record=record, history_id=history_id, fields=PROJECT_FIELDS
    )
    projects_changed([restored.organisation_id, record.organisation_id])
    return restored


# --- reports ------------------------------------------------------------------------------


@transaction.atomic
def report_create(
    *, actor: Any, project: Project, status: str = ProjectReport.Status.CONCEPT, **fields: Any
) -> ProjectReport:
    """A new report; imported registers may create it as published straight away."""
    fields_check(fields, (*REPORT_FIELDS, "corrects"))
    report = ProjectReport(project=project, status=status, **fields)
    if status == ProjectReport.Status.PUBLISHED:
        report.published_at = timezone.now()
    save_with_history(report, actor=actor)
    project_figures_refresh(project)
    return report


def _refuse_published(report: ProjectReport) -> None:
    if report.status == ProjectReport.Status.PUBLISHED:
        raise RuleViolation(_("A published report never changes; make a correction instead."))


@transaction.atomic
def report_update(
    *, actor: Any, report: ProjectReport, expected_version: int, **changes: Any
) -> ProjectReport:
    fields_check(changes, REPORT_FIELDS)
    _refuse_published(report)
    version_claim(report, expected_version)
    for name, value in changes.items():
        setattr(report, name, value)
    if report.status == ProjectReport.Status.CHECKED:
        report.status = ProjectReport.Status.CONCEPT  # a changed report must be checked again
    save_with_history(report, actor=actor)
    project_figures_refresh(report.project)
    return report


@transaction.atomic
def report_delete(
    *, actor: Any, report: ProjectReport, expected_version: int | None = None
) -> None:
    _refuse_published(report)
    if expected_version is not None:
        version_claim(report, expected_version)
    report.deleted_at = timezone.now()
    save_with_history(report, actor=actor, reason=_("deleted"))
    project_figures_refresh(report.project)


@transaction.atomic
def report_advance(*, actor: Any, report: ProjectReport, expected_version: int) -> ProjectReport:
    """concept → checked → published."""
    version_claim(report, expected_version)
    if report.status == ProjectReport.Status.CONCEPT:
        report.status = ProjectReport.Status.CHECKED
    elif report.status == ProjectReport.Status.CHECKED:
        report.status = ProjectReport.Status.PUBLISHED
        report.published_at = timezone.now()
    else:
        raise RuleViolation(_("This report is already published."))
    save_with_history(
        report,
        actor=actor,
        reason=str(dict(ProjectReport.Status.choices).get(report.status, report.status)),
    )
    project_figures_refresh(report.project)
    return report


@transaction.atomic
def report_correct(*, actor: Any, report: ProjectReport) -> ProjectReport:
    """A new concept report that will replace a published one once it is published itself."""
    if report.status != ProjectReport.Status.PUBLISHED:
        raise RuleViolation(_("Only a published report is corrected; change this one directly."))
    fields = {name: getattr(report, name) for name in REPORT_FIELDS}
    return report_create(actor=actor, project=report.project, corrects=report, **fields)


@transaction.atomic
def report_restore(*, actor: Any, record: ProjectReport, history_id: int) -> ProjectReport:
    _refuse_published(record)
    restore_fields(actor=actor, record=record, history_id=history_id, fields=REPORT_FIELDS)
    project_figures_refresh(record.project)
    return record


# --- milestones, reviews, advice, papers, benefits -----------------------------------------


@transaction.atomic
def part_create(*, actor: Any, model: type[Part], project: Project, **fields: Any) -> Part:
    fields_check(fields, PART_FIELDS[model])
    part = model(project=project, **fields)
    save_with_history(part, actor=actor)
    if model is ReviewAdvice:
        project_figures_refresh(project)
    return part


@transaction.atomic
def part_update(*, actor: Any, part: Part, expected_version: int, **changes: Any) -> Part:
    fields_check(changes, PART_FIELDS[type(part)])
    version_claim(part, expected_version)
    for name, value in changes.items():
        setattr(part, name, value)
    save_with_history(part, actor=actor)
    return part


@transaction.atomic
def part_delete(*, actor: Any, part: Part, expected_version: int | None = None) -> None:
    if expected_version is not None:
        version_claim(part, expected_version)
    part.deleted_at = timezone.now()
    save_with_history(part, actor=actor, reason=_("deleted"))
    if isinstance(part, ReviewAdvice):
        project_figures_refresh(part.project)


# --- reference classes ----------------------------------------------------------------------

# A pair as given: (earlier estimate, later estimate, size, label); the save checks them.
RawPair = tuple[Decimal | float | None, Decimal | float | None, float | None, str | None]


def _too_few(count: int) -> RuleViolation:
    return RuleViolation(
        _("Too little to forecast: %(n)s pairs, at least %(min)s needed.")
        % {"n": count, "min": MIN_PAIRS}
    )


@transaction.atomic
def reference_class_save(
    *,
    actor: Any,
    organisation: Organisation | None,
    name: str,
    pairs: Iterable[RawPair],
    origin: str,
    kind: str = "cost",
    source: str = "",
    limits: str = "",
) -> ReferenceClass:
    """Create or replace the named class with ``pairs`` [(earlier, later, size, label)]."""
    clean_pairs: list[tuple[float, float, float | None, str | None]] = []
    for index, (earlier, later, size, label) in enumerate(pairs, start=1):
        if earlier is None or later is None or earlier <= 0 or later < 0:
            raise RuleViolation(
                _(
                    "Pair %(n)s: the earlier estimate must be above 0 "
                    "and the later one not negative."
                )
                % {"n": index}
            )
        clean_pairs.append((float(earlier), float(later), size, label))
    if len(clean_pairs) < MIN_PAIRS:
        raise _too_few(len(clean_pairs))
    existing = ReferenceClass.objects.filter(organisation=organisation, name=name).first()
    if existing is None:
        existing = ReferenceClass(organisation=organisation, name=name)
    else:
        version_claim(existing, existing.version)
    existing.kind, existing.origin, existing.source, existing.limits = kind, origin, source, limits
    save_with_history(existing, actor=actor)
    existing.pairs.all().delete()
    ReferencePair.objects.bulk_create(
        [
            ReferencePair(
                reference_class=existing, earlier=e, later=later, size=s, label=label or ""
            )
            for e, later, s, label in clean_pairs
        ]
    )
    forecasts = PortfolioForecastStored.objects.filter(reference_class=existing)
    stored_figures_mark_changed(forecasts)
    refresh_on_commit(
        tasks.portfolio_forecasts_refresh, list(forecasts.values_list("pk", flat=True))
    )
    return existing


def reference_class_build_from_projects(
    *, actor: Any, organisation: Organisation, name: str
) -> ReferenceClass:
    """A cost class from the organisation's own projects (and those below it): first against
    latest report of each project with at least two reports."""
    from .selectors import projects_of

    pairs: list[RawPair] = []
    for project in projects_of(organisation, include_children=True).filter(report_count__gte=2):
        if project.original_estimate and project.original_estimate > 0:
            pairs.append(
                (
                    float(project.original_estimate),
                    float(project.current_estimate),
                    float(project.original_estimate),
                    project.external_id or project.name,
                )
            )
    return reference_class_save(
        actor=actor,
        organisation=organisation,
        name=name,
        pairs=pairs,
        origin=ReferenceClass.Origin.OWN_PROJECTS,
        source=_("Own projects of %(org)s: first against latest report.")
        % {"org": organisation.name},
        limits=_(
            "Estimates from first to latest report, not final outturn; projects still "
            "running may grow further."
        ),
    )


@transaction.atomic
def reference_class_restore(
    *, actor: Any, record: ReferenceClass, history_id: int
) -> ReferenceClass:
    """Puts back name, source and limits; the pairs are replaced only by a rebuild."""
    restored: ReferenceClass = restore_fields(
        actor=actor, record=record, history_id=history_id, fields=("name", "source", "limits")
    )
    return restored


@transaction.atomic
def reference_class_shipped() -> ReferenceClass:
    """The class omslag ships (figures derived from public data), created on first use."""
    from omslag.analysis.projects import load_default_reference_class

    default = load_default_reference_class()
    existing: ReferenceClass | None = ReferenceClass.objects.filter(
        organisation=None, name=default.name
    ).first()
    if existing is not None:
        return existing
    return reference_class_save(
        actor=None,
        organisation=None,
        name=default.name,
        origin=ReferenceClass.Origin.SHIPPED,
        pairs=[(p.earlier, p.later, p.size, "") for p in default.pairs],
        source=default.source,
        limits=default.limits,
    )


def reference_class_named(organisation: Organisation, name: str) -> ReferenceClass:
    """A class the organisation may use, by name (the command line); the shipped class is
    created first. RuleViolation listing the known names when there is none of that name."""
    from .selectors import reference_classes_for

    reference_class_shipped()
    found = reference_classes_for(organisation).filter(name=name).first()
    if found is None:
        known = ", ".join(repr(c.name) for c in reference_classes_for(organisation)) or "none"
        raise RuleViolation(f"No reference class {name!r} for {organisation.slug}; known: {known}.")
    return found


def reference_class_usable(organisation: Organisation, pk: int) -> ReferenceClass:
    """A class the organisation may use, by id (the API); RuleViolation when there is none."""
    from .selectors import reference_classes_for

    found = reference_classes_for(organisation).filter(pk=pk).first()
    if found is None:
        raise RuleViolation(
            _("There is no reference class with id %(id)s for this organisation.") % {"id": pk}
        )
    return found


# --- exchange rates ----------------------------------------------------------------------------


def _currency_checked(field: str, code: str) -> str:
    code = (code or "").strip().upper()
    if not rates.currency_known(code):
        raise ValidationError(
            {field: _("%(code)s is no currency code of ISO 4217 (e.g. EUR, SEK).") % {"code": code}}
        )
    return code


def _rates_changed(organisation: Organisation) -> None:
    """Rates of this organisation hold for it and every organisation below it: their stored
    forecasts are marked behind and refreshed once this commits."""
    affected = PortfolioForecastStored.objects.filter(
        organisation__path__startswith=organisation.path
    )
    stored_figures_mark_changed(affected)
    ids = list(affected.values_list("pk", flat=True))
    if ids:
        refresh_on_commit(tasks.portfolio_forecasts_refresh, ids)


@transaction.atomic
def exchange_rate_set(
    *,
    actor: Any,
    organisation: Organisation,
    currency: str,
    rate: Decimal | float | str,
    as_of: dt.date | None = None,
    source: str = "",
) -> ExchangeRate:
    """State that one unit of ``currency`` is ``rate`` units of the organisation's reporting
    currency as of ``as_of`` (default today). Earlier rates stay on record."""
    currency = _currency_checked("currency", currency)
    reporting = rates.reporting_currency_of(organisation)
    if currency == reporting:
        raise ValidationError(
            {"currency": _("%(code)s is the reporting currency itself.") % {"code": currency}}
        )
    try:
        amount = Decimal(str(rate))
    except ArithmeticError:
        raise ValidationError({"rate": _("Give the rate as a number, e.g. 0.0874.")}) from None
    if not amount.is_finite() or amount <= 0:
        raise ValidationError({"rate": _("The rate must be a positive number.")})
    stated = ExchangeRate(
        organisation=organisation,
        currency=currency,
        reporting_currency=reporting,
        rate=amount,
        as_of=as_of or timezone.localdate(),
        source=(source or "").strip(),
        stated_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    stated.full_clean(exclude=["organisation", "stated_by"])
    stated.save()
    _rates_changed(organisation)
    return stated


@transaction.atomic
def reporting_currency_set(
    *, actor: Any, organisation: Organisation, currency: str
) -> ReportingCurrency:
    """The currency the organisation adds its projects' amounts up in. Rates stated into
    another reporting currency stop holding (they stay on record)."""
    currency = _currency_checked("currency", currency)
    setting, _created = ReportingCurrency.objects.update_or_create(
        organisation=organisation, defaults={"currency": currency}
    )
    _rates_changed(organisation)
    return setting
