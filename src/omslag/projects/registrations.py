"""What the projects app offers the shared machinery: history, imports and exports."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from omslag.analysis.projects import forecast, parse_date, parse_money
from omslag.common.amounts import amount_bounded
from omslag.common.chartwarm import chart_page_register
from omslag.common.history import TrackedModel, history_register
from omslag.common.sections import (
    RegisterLink,
    organisation_link_register,
    organisation_section_register,
)
from omslag.common.stored_figures import organisation_subtrees_change_register
from omslag.common.subjects import AssessmentSubject, assessment_subject_register
from omslag.common.tabular.importing import (
    Column,
    ImportSpec,
    RowError,
    RowProblem,
    field_parser,
)
from omslag.common.tabular.parsers import choice_parser, date, euro_amount_upto
from omslag.common.tabular.registry import ExportSpec, export_spec_register, import_spec_register
from omslag.exchange.options import ExportOption, export_option_register
from omslag.organisations import services as organisation_services
from omslag.organisations.models import Organisation

from . import access, presentation, selectors, services
from .models import Project, ProjectReport, ReferenceClass


def _canada_money(raw):
    return amount_bounded(parse_money(raw), max_digits=PROJECT_AMOUNT_DIGITS)


# Project amounts are wider than the registers' (the largest projects run into billions).
PROJECT_AMOUNT_DIGITS = ProjectReport._meta.get_field("total_cost_estimate").max_digits
_project_amount = euro_amount_upto(PROJECT_AMOUNT_DIGITS)


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
        earlier = self._earlier_reports([p for p in projects.values() if p.pk])
        new_reports = []
        new_ids = {p.pk for p in new_projects}
        for row, values in rows:
            department = context.cache["organisations"][self._slug(context, values["deptAcronym"])]
            project = projects[(department.pk, values["uniqueId"])]
            outcome = self._report_of_row(context, project, row, values, earlier, report, now)
            if outcome is not None:
                new_reports.append(outcome)
                touched[project.pk] = project
            if project.pk in new_ids:
                report.created += 1
            elif outcome is not None:
                report.updated += 1
            elif values.get("totalBudget") is None:
                report.skipped += 1
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
        self._note_no_longer_reported(rows, projects, earlier, report)
        services.projects_changed({p.organisation_id for p in projects.values()})

    @staticmethod
    def _note_no_longer_reported(rows, projects, earlier, report):
        """Projects of earlier snapshots that this one no longer lists: flagged as no longer
        reported with the last date they were seen (``not_reported_after``, which keeps them
        out of the portfolio forecast by default) and named in the report; a project listed
        again loses the flag."""
        latest = max(values["asOfDate"] for _row, values in rows)
        listed = {values["uniqueId"].lower() for _row, values in rows}
        gone: dict = {}
        for project in projects.values():
            dates = [peildatum for peildatum, _end in earlier.get(project.pk, ())]
            if project.external_id.lower() in listed:
                if project.not_reported_after is not None:  # reported again
                    Project.all_objects.filter(pk=project.pk).update(not_reported_after=None)
                    project.not_reported_after = None
                continue
            if not dates or max(dates) >= latest:
                continue
            gone.setdefault(max(dates), []).append(project.pk)
            project.not_reported_after = max(dates)
            report.note(
                RowProblem(
                    0,
                    "uniqueId",
                    project.external_id,
                    _("no longer reported in the snapshot of %(date)s; last seen %(last)s")
                    % {"date": latest.isoformat(), "last": max(dates).isoformat()},
                )
            )
        for last_seen, keys in gone.items():  # one UPDATE per last date seen
            Project.all_objects.filter(pk__in=keys).update(not_reported_after=last_seen)

    @staticmethod
    def _earlier_reports(projects) -> dict[int, list[tuple]]:
        """(peildatum, estimated end date) of every report of these projects, by project."""
        earlier: dict[int, list[tuple]] = {}
        for project_id, peildatum, end in ProjectReport.objects.filter(
            project__in=projects
        ).values_list("project_id", "peildatum", "estimated_end_date"):
            earlier.setdefault(project_id, []).append((peildatum, end))
        return earlier

    def _report_of_row(self, context, project, row, values, earlier, report, now):
        """The new report a row gives (None when there is none), with a note in the import's
        report for every part of the row that is not taken over as given."""
        as_of = values["asOfDate"]
        seen = earlier.setdefault(project.pk, [])
        if any(peildatum == as_of for peildatum, _end in seen):
            return None  # this report date is already in (a re-import)
        end = values.get("estimatedCompletionDate")
        if values.get("totalBudget") is None:
            report.note(
                RowProblem(
                    row,
                    "totalBudget",
                    "",
                    _(
                        "no total budget: no report of %(date)s is made (a report needs a cost)"
                        "%(end)s"
                    )
                    % {
                        "date": as_of.isoformat(),
                        "end": _("; the estimated completion date %(end)s is not stored")
                        % {"end": end.isoformat()}
                        if end
                        else "",
                    },
                )
            )
            return None
        notes = ""
        if end is None:
            known = [(p, e) for p, e in seen if e is not None and p < as_of]
            if known:
                last_report, end = max(known)
                notes = _(
                    "Estimated end date not re-confirmed in the report of %(date)s: the last "
                    "known one (%(end)s, from the report of %(last)s) is kept."
                ) % {"date": as_of.isoformat(), "end": end.isoformat(), "last": last_report}
                report.note(RowProblem(row, "estimatedCompletionDate", "", notes))
            else:
                report.note(
                    RowProblem(
                        row,
                        "estimatedCompletionDate",
                        "",
                        _("no estimated completion date (blank or TBD), and none known before"),
                    )
                )
        seen.append((as_of, end))
        return ProjectReport(
            project=project,
            peildatum=as_of,
            status=ProjectReport.Status.PUBLISHED,
            published_at=now,
            total_cost_estimate=values["totalBudget"],
            estimated_end_date=end,
            notes=notes,
            created_at=now,
        )

    @staticmethod
    def _slug(context, acronym):
        return f"{context.organisation.slug}-{acronym.lower()}"[:80].strip("-")


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
        Column("total_cost_estimate", gettext_lazy("euro"), parse=_project_amount),
        Column(
            "cumulative_actual_cost", gettext_lazy("euro"), required=False, parse=_project_amount
        ),
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

    def save_all(self, rows, context, report):
        """Bulk save (a register from another system may hold 25,000 projects, each row one
        report): new projects and reports are validated per row (fields and the model's own
        rules, no query), inserted in bulk with their history, and the figures of every
        touched project recomputed once at the end. The outcome per row is that of a row
        saved on its own: created (its project is new), updated (a report added) or
        unchanged (a report of that date exists: a re-import)."""
        now = timezone.now()
        projects = context.cache["projects"]
        earlier = self._earlier_dates([p for p in projects.values() if p.pk])
        new_projects, new_reports, outcomes = [], [], []
        for row, values in rows:
            try:
                project, created = self._project_new(context, values, now)
                added = self._report_new(context, project, values, earlier, now)
            except ValidationError as exc:
                for column, messages in _problems_by_column(exc):
                    value = values.get(column)
                    report.add(
                        RowProblem(row, column, "" if value is None else str(value), messages)
                    )
                continue
            if created:
                new_projects.append(project)
                projects[(project.organisation_id, project.external_id)] = project
            if added is not None:
                new_reports.append(added)
            outcomes.append("created" if created else "updated" if added else "unchanged")
        if not report.ok:
            return
        for outcome in outcomes:
            setattr(report, outcome, getattr(report, outcome) + 1)
        services.projects_register_bulk_save(
            actor=context.actor, new_projects=new_projects, new_reports=new_reports
        )

    def _project_new(self, context, values, now):
        """The row's project: the one already known by its key, else a new one (not saved
        yet) with the row's fields, validated as a service would."""
        organisation = context.cache["organisations"][
            values.get("organisation") or context.organisation.slug
        ]
        key = (organisation.pk, values["external_id"])
        if key in context.cache["projects"]:
            return context.cache["projects"][key], False
        project = Project(
            organisation=organisation,
            external_id=values["external_id"],
            name=values["name"],
            number=values.get("number") or "",
            currency=context.currency or "EUR",
            created_at=now,
        )
        if values.get("status"):
            project.status = values["status"]
        if values.get("start_date"):
            project.start_date = values["start_date"]
        project.clean_fields(exclude=["organisation"])
        project.clean()
        return project, True

    @staticmethod
    def _report_new(context, project, values, earlier, now):
        """The row's report (not saved yet), None when the project has one of that date."""
        dates = earlier.setdefault(id(project), set())
        if values["peildatum"] in dates:
            return None
        reason = values.get("rebaseline_reason") or ""
        added = ProjectReport(
            project=project,
            peildatum=values["peildatum"],
            status=ProjectReport.Status.PUBLISHED,
            published_at=now,
            total_cost_estimate=values["total_cost_estimate"],
            cumulative_actual_cost=values.get("cumulative_actual_cost"),
            estimated_end_date=values.get("estimated_end_date"),
            is_rebaseline=bool(reason),
            rebaseline_reason=reason,
            created_at=now,
        )
        added.clean_fields(exclude=["project"])
        added.clean()
        dates.add(values["peildatum"])
        return added

    @staticmethod
    def _earlier_dates(projects) -> dict[int, set]:
        """The report dates of these (saved) projects, keyed like ``_report_new`` keys them."""
        by_pk = {p.pk: id(p) for p in projects}
        dates: dict[int, set] = {}
        for project_id, peildatum in ProjectReport.objects.filter(
            project_id__in=list(by_pk)
        ).values_list("project_id", "peildatum"):
            dates.setdefault(by_pk[project_id], set()).add(peildatum)
        return dates


def _problems_by_column(exc: ValidationError) -> list[tuple[str, str]]:
    """A model's validation error as (column, messages) for the import's report."""
    if not hasattr(exc, "error_dict"):
        return [("", "; ".join(exc.messages))]
    return [("" if k == "__all__" else k, "; ".join(v)) for k, v in exc.message_dict.items()]


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
        live=lambda organisation_ids: Project.objects.filter(
            organisation_id__in=organisation_ids
        ).exclude(status=Project.Status.CANCELLED),
        choosable=lambda organisation: Project.objects.filter(organisation=organisation),
        stages=lambda: list(Project.Status.values),
        ordered=False,
        order=20,
    )
)


def _portfolio_charts(slug: str):
    """The project portfolio page's charts in its default selection (the shipped class)."""
    return presentation.portfolio_page(Organisation.objects.get(slug=slug)).charts


# Its page with charts: drawn ahead after the stored figures change (common.chartwarm).
chart_page_register("projects:portfolio", _portfolio_charts)

# Its forecasts over a subtree follow organisations moved, deleted or restored below.
organisation_subtrees_change_register(services.organisation_subtrees_changed)
