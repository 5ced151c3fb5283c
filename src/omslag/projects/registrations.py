"""What the projects app offers the shared machinery: history, imports and exports."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from omslag.analysis.projects import forecast, parse_date, parse_money
from omslag.common.history import TrackedModel, history_register
from omslag.common.sections import (
    RegisterLink,
    organisation_link_register,
    organisation_section_register,
)
from omslag.common.subjects import AssessmentSubject, assessment_subject_register
from omslag.common.tabular.importing import Column, ImportSpec, RowError, field_parser
from omslag.common.tabular.parsers import choice_parser, date, euro_amount
from omslag.common.tabular.registry import ExportSpec, export_spec_register, import_spec_register
from omslag.exchange.options import ExportOption, export_option_register
from omslag.organisations import services as organisation_services
from omslag.organisations.models import Organisation

from . import access, selectors, services
from .models import Project, ProjectReport, ReferenceClass


def _canada_money(raw):
    return parse_money(raw)


def _canada_date(raw):
    return parse_date(raw)


class _ProjectImportBase(ImportSpec):
    kind = "projects"
    label = gettext_lazy("Projects and their reports")

    def may_import(self, person, organisation):
        return access.projects_can_change(person, organisation)

    def prepare(self, context):
        subtree = Organisation.objects.filter(path__startswith=context.organisation.path)
        context.cache["organisations"] = {o.slug: o for o in subtree}
        context.cache["projects"] = {
            (p.organisation_id, p.external_id): p
            for p in Project.objects.filter(organisation__in=subtree).exclude(external_id="")
        }

    def _project(self, context, organisation, external_id, **fields):
        key = (organisation.pk, external_id)
        project = context.cache["projects"].get(key)
        created = project is None
        if created:
            project = services.project_create(
                actor=context.actor, organisation=organisation, external_id=external_id, **fields
            )
            context.cache["projects"][key] = project
        return project, created

    def _report(self, context, project, peildatum, **fields):
        """Add a published report unless one with this peildatum exists (a re-import)."""
        if project.reports.filter(peildatum=peildatum).exists():
            return False
        services.report_create(
            actor=context.actor,
            project=project,
            peildatum=peildatum,
            status=ProjectReport.Status.PUBLISHED,
            **fields,
        )
        return True


class CanadaSnapshotImport(_ProjectImportBase):
    """One file of the Government of Canada IT-projects register: one report date (asOfDate)
    per project; departments become organisations below the one imported into."""

    format = "canada-snapshot"
    columns = (
        Column("uniqueId", gettext_lazy("the project's key across snapshots"), key=True),
        Column("deptAcronym", gettext_lazy("department acronym")),
        Column("department", gettext_lazy("department name")),
        Column("projectName", gettext_lazy("project name")),
        Column("description", gettext_lazy("description"), required=False),
        Column(
            "totalBudget",
            gettext_lazy("total budget, e.g. $6,279,429"),
            required=False,
            parse=_canada_money,
        ),
        Column(
            "estimatedCompletionDate",
            gettext_lazy("e.g. December 1, 2016"),
            required=False,
            parse=_canada_date,
        ),
        Column("asOfDate", gettext_lazy("the report date of the snapshot"), parse=_canada_date),
    )
    ignored_columns = (
        "shortcode",
        "rawprovideddate",
        "yearsremaining",
        "originaldocumentorder",
        "source",
        "isover10m",
        "isover100m",
    )

    def check_row(self, values, context):
        if values.get("asOfDate") is None:
            raise RowError(_("the report date is missing"), "asOfDate")

    def _department(self, context, acronym, name):
        slug = self._slug(context, acronym)
        organisation = context.cache["organisations"].get(slug)
        if organisation is None:
            organisation = organisation_services.organisation_create(
                actor=context.actor,
                name=name[:200],
                slug=slug,
                kind=Organisation.Kind.AGENCY,
                parent=context.organisation,
            )
            context.cache["organisations"][slug] = organisation
        return organisation

    def save_all(self, rows, context, report):
        """Bulk save: a register file holds hundreds of projects; departments are created
        one by one (a few dozen), projects and reports in bulk with their history, and the
        figures of every touched project recomputed at the end."""
        now = timezone.now()
        projects = context.cache["projects"]
        new_projects, touched = [], {}
        for _row, values in rows:
            department = self._department(context, values["deptAcronym"], values["department"])
            key = (department.pk, values["uniqueId"])
            if key not in projects:
                project = Project(
                    organisation=department,
                    external_id=values["uniqueId"],
                    name=values["projectName"][:300],
                    goal=(values.get("description") or "")[:8000],
                    currency="CAD",
                    created_at=now,
                )
                projects[key] = project
                new_projects.append(project)
        if new_projects:
            bulk_create_with_history(
                new_projects, Project, batch_size=1000, default_user=context.actor, default_date=now
            )
        existing_reports = set(
            ProjectReport.objects.filter(
                project__in=[p for p in projects.values() if p.pk]
            ).values_list("project_id", "peildatum")
        )
        new_reports = []
        new_ids = {p.pk for p in new_projects}
        for _row, values in rows:
            department = context.cache["organisations"][self._slug(context, values["deptAcronym"])]
            project = projects[(department.pk, values["uniqueId"])]
            added = False
            if (
                values.get("totalBudget") is not None
                and (project.pk, values["asOfDate"]) not in existing_reports
            ):
                new_reports.append(
                    ProjectReport(
                        project=project,
                        peildatum=values["asOfDate"],
                        status=ProjectReport.Status.PUBLISHED,
                        published_at=now,
                        total_cost_estimate=values["totalBudget"],
                        estimated_end_date=values.get("estimatedCompletionDate"),
                        created_at=now,
                    )
                )
                existing_reports.add((project.pk, values["asOfDate"]))
                touched[project.pk] = project
                added = True
            if project.pk in new_ids:
                report.created += 1
            elif added:
                report.updated += 1
            else:
                report.unchanged += 1
        if new_reports:
            bulk_create_with_history(
                new_reports,
                ProjectReport,
                batch_size=1000,
                default_user=context.actor,
                default_date=now,
            )
        services.project_figures_refresh_many(touched.values())

    @staticmethod
    def _slug(context, acronym):
        return f"{context.organisation.slug}-{acronym.lower()}"[:80].strip("-")

    def save_row(self, values, context):
        department = self._department(context, values["deptAcronym"], values["department"])
        project, created = self._project(
            context,
            department,
            values["uniqueId"],
            name=values["projectName"][:300],
            goal=(values.get("description") or "")[:8000],
            currency="CAD",
        )
        added = False
        if values.get("totalBudget") is not None:
            added = self._report(
                context,
                project,
                values["asOfDate"],
                total_cost_estimate=values["totalBudget"],
                estimated_end_date=values.get("estimatedCompletionDate"),
            )
        if created:
            return "created"
        return "updated" if added else "unchanged"


class ProjectTableImport(_ProjectImportBase):
    """Any register: one row per report of a project (map other columns onto these)."""

    columns = (
        Column("external_id", gettext_lazy("the project's key in the register"), key=True),
        Column("peildatum", gettext_lazy("report date, e.g. 2026-06-30"), key=True, parse=date),
        Column("name", gettext_lazy("project name"), parse=field_parser(Project, "name")),
        Column(
            "organisation",
            gettext_lazy("short name; empty: the organisation imported into"),
            required=False,
        ),
        Column("number", gettext_lazy("project number"), required=False),
        Column(
            "status",
            gettext_lazy("not_started, in_progress, reorientation, completed, cancelled"),
            required=False,
            parse=choice_parser(Project.Status.choices),
        ),
        Column("start_date", gettext_lazy("start date"), required=False, parse=date),
        Column("total_cost_estimate", gettext_lazy("euro"), parse=euro_amount),
        Column("cumulative_actual_cost", gettext_lazy("euro"), required=False, parse=euro_amount),
        Column("estimated_end_date", gettext_lazy("date"), required=False, parse=date),
        Column(
            "rebaseline_reason",
            gettext_lazy("filled in: this report is a re-baseline"),
            required=False,
        ),
    )

    def check_row(self, values, context):
        slug = values.get("organisation") or context.organisation.slug
        if slug not in context.cache["organisations"]:
            raise RowError(
                _("unknown organisation: give one below %(org)s")
                % {"org": context.organisation.slug},
                "organisation",
            )

    def save_row(self, values, context):
        organisation = context.cache["organisations"][
            values.get("organisation") or context.organisation.slug
        ]
        fields = {"name": values["name"], "number": values.get("number") or ""}
        if values.get("status"):
            fields["status"] = values["status"]
        if values.get("start_date"):
            fields["start_date"] = values["start_date"]
        project, created = self._project(context, organisation, values["external_id"], **fields)
        reason = values.get("rebaseline_reason") or ""
        added = self._report(
            context,
            project,
            values["peildatum"],
            total_cost_estimate=values["total_cost_estimate"],
            cumulative_actual_cost=values.get("cumulative_actual_cost"),
            estimated_end_date=values.get("estimated_end_date"),
            is_rebaseline=bool(reason),
            rebaseline_reason=reason,
        )
        if created:
            return "created"
        return "updated" if added else "unchanged"


def _iso(value):
    return value.isoformat() if value else ""


def _rounded(value, digits=2):
    return round(value, digits) if value is not None else ""


def _export_projects(person, organisation):
    return selectors.projects_of(organisation).order_by("organisation__name", "name")


def _export_projects_with_forecast(person, organisation, options):
    ratios = selectors.reference_ratios(options["reference_class"])
    for project in _export_projects(person, organisation):
        project.forecast = (
            forecast(float(project.current_estimate), ratios)
            if project.current_estimate is not None
            else None
        )
        yield project


def _forecast_columns(options):
    if not options.get("reference_class"):
        return ()

    def value(index):
        return lambda p: round(p.forecast.values[index], 2) if p.forecast else ""

    return (
        ("forecast_p50", value(0)),
        ("forecast_p80", value(1)),
        ("forecast_p90", value(2)),
        (
            "probability_overrun_50_percent",
            lambda p: round(p.forecast.probability_overrun_50, 4) if p.forecast else "",
        ),
    )


import_spec_register(CanadaSnapshotImport())
import_spec_register(ProjectTableImport())
export_spec_register(
    ExportSpec(
        kind="projects",
        label=gettext_lazy("Projects"),
        columns=(
            ("external_id", lambda p: p.external_id),
            ("number", lambda p: p.number),
            ("name", lambda p: p.name),
            ("organisation", lambda p: p.organisation.slug),
            ("status", lambda p: p.status),
            ("currency", lambda p: p.currency),
            ("reports", lambda p: p.report_count),
            ("latest_peildatum", lambda p: _iso(p.latest_peildatum)),
            (
                "original_estimate",
                lambda p: p.original_estimate if p.original_estimate is not None else "",
            ),
            (
                "current_estimate",
                lambda p: p.current_estimate if p.current_estimate is not None else "",
            ),
            ("cost_change_percent", lambda p: _rounded(p.cost_change_pct)),
            ("original_end_date", lambda p: _iso(p.original_end_date)),
            ("current_end_date", lambda p: _iso(p.current_end_date)),
            (
                "end_date_shift_months",
                lambda p: p.end_date_shift_months if p.end_date_shift_months is not None else "",
            ),
            ("cost_bucket", lambda p: p.cost_bucket),
            ("colour", lambda p: p.colour),
            ("review_threshold_met", lambda p: p.review_threshold_met),
        ),
        rows=_export_projects,
        may_export=access.projects_can_read,
        rows_with_options=_export_projects_with_forecast,
        extra_columns=_forecast_columns,
    )
)
export_option_register(
    ExportOption(
        kind="projects",
        key="reference_class",
        by_id=services.reference_class_usable,
        by_name=services.reference_class_named,
    )
)


def _tracked(key, model, getter, restore):
    history_register(
        TrackedModel(
            key=key,
            model=model,
            get_readable=lambda person, pk: getter(person, pk, include_deleted=True),
            can_restore=access.record_can_change,
            restore=restore,
        )
    )


_tracked("project", Project, access.project_get_readable, services.project_restore)
_tracked("report", ProjectReport, access.report_get_readable, services.report_restore)
_tracked(
    "reference-class",
    ReferenceClass,
    access.reference_class_get_readable,
    services.reference_class_restore,
)


# --- the links on the organisation page
organisation_section_register("large-ict-projects", gettext_lazy("Large ICT projects"), 20)
organisation_link_register(
    RegisterLink(
        section="large-ict-projects",
        url_name="projects:project-list",
        label=gettext_lazy("Projects"),
        description=gettext_lazy(
            "Every project with its figures against the original baseline and its reports."
        ),
        order=10,
    )
)
organisation_link_register(
    RegisterLink(
        section="large-ict-projects",
        url_name="projects:portfolio",
        label=gettext_lazy("Project portfolio and forecast"),
        description=gettext_lazy(
            "Cost change and delay of all projects, and the forecast of their total cost."
        ),
        order=20,
    )
)
organisation_link_register(
    RegisterLink(
        section="large-ict-projects",
        url_name="projects:reference-classes",
        label=gettext_lazy("Reference classes"),
        description=gettext_lazy("Earlier projects whose growth is the basis of the forecasts."),
        order=30,
    )
)


# --- what an assessment can be about
assessment_subject_register(
    AssessmentSubject(
        key="project",
        label=gettext_lazy("Projects"),
        model=Project,
        name_field="name",
        live=lambda organisation: Project.objects.filter(organisation=organisation).exclude(
            status=Project.Status.CANCELLED
        ),
        choosable=lambda organisation: Project.objects.filter(organisation=organisation),
        stages=lambda: list(Project.Status.values),
        ordered=False,
        order=20,
    )
)
