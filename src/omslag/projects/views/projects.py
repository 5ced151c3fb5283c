"""Pages of the project register: the filtered list, the project page with its figures,
reports, parts and forecast, and add, edit and delete."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from omslag.analysis.projects import (
    AMBER_COST_CHANGE_PCT,
    AMBER_END_DATE_SHIFT_MONTHS,
    RED_COST_CHANGE_PCT,
    RED_END_DATE_SHIFT_MONTHS,
    REVIEW_THRESHOLD_EUR,
)
from omslag.common.access import require
from omslag.common.errors import RuleViolation
from omslag.common.pages import (
    EXPORT_FORMATS,
    confirmed_delete,
    form_errors_from,
    paginate,
    sort_columns,
    versioned_edit_page,
)
from omslag.organisations.access import organisation_get_readable
from omslag.organisations.selectors import organisation_context

from .. import access, presentation, selectors, services
from ..forms import (
    NONE,
    ProjectFilterForm,
    ProjectForm,
    part_form_class,
)
from ..models import Project, ReferenceClass
from .parts import PART_TITLES

# (sort key of selectors.SORTS, column heading, right-aligned number)
COLUMNS = (
    ("name", gettext_lazy("Project"), False),
    ("organisation", gettext_lazy("Organisation"), False),
    ("status", gettext_lazy("Status"), False),
    ("colour", gettext_lazy("Colour"), False),
    ("estimate", gettext_lazy("Estimate"), True),
    ("cost-change", gettext_lazy("Cost change"), True),
    ("end-date", gettext_lazy("End date"), True),
    ("end-date-shift", gettext_lazy("Shift (months)"), True),
    ("peildatum", gettext_lazy("Peildatum"), True),
)

# part kind: heading of its section on the project page
PART_SECTIONS = (
    ("milestone", gettext_lazy("Milestones")),
    ("quality-review", gettext_lazy("Quality reviews")),
    ("review-advice", gettext_lazy("Independent review advice (AcICT)")),
    ("paper", gettext_lazy("Parliamentary papers")),
    ("benefit", gettext_lazy("Benefits")),
)


def thresholds() -> dict:
    """The thresholds of the status colours and the review, as the pages state them."""
    return {
        "amber_cost": AMBER_COST_CHANGE_PCT,
        "red_cost": RED_COST_CHANGE_PCT,
        "amber_months": AMBER_END_DATE_SHIFT_MONTHS,
        "red_months": RED_END_DATE_SHIFT_MONTHS,
        "review_millions": REVIEW_THRESHOLD_EUR / 1_000_000,
    }


def _blank_for_none(values) -> tuple[str, ...]:
    return tuple("" if value == NONE else value for value in values or ())


def _filters(form: ProjectFilterForm) -> selectors.ProjectFilters:
    """The valid filters of the query string; an invalid one is ignored (and shown)."""
    data = {}
    if form.is_bound:
        form.is_valid()  # fills cleaned_data with the fields that are valid
        data = form.cleaned_data
    sort = data.get("sort") or "name"
    if sort.lstrip("-") not in selectors.SORTS:
        sort = "name"
    return selectors.ProjectFilters(
        search=data.get("q", ""),
        organisation=data.get("organisation", ""),
        status=tuple(data.get("status") or ()),
        cost_bucket=_blank_for_none(data.get("cost_bucket")),
        colour=_blank_for_none(data.get("colour")),
        review_advice=data.get("review_advice", ""),
        sort=sort,
    )


def _organisation_choices(subtree, counts, selected) -> list[tuple[str, str]]:
    """The organisations that hold projects under the other filters (and the chosen one),
    indented by depth."""
    return [
        (o.slug, "\u2003" * depth + o.name)
        for o, depth in subtree
        if counts.get(o.slug) or o.slug == selected
    ]


@login_required
def project_list(request, slug):
    organisation = organisation_get_readable(request.user, slug)
    subtree = selectors.subtree_organisations(organisation)
    form = ProjectFilterForm(
        request.GET or None, organisations=[(o.slug, o.name) for o, _depth in subtree]
    )
    filters = _filters(form)
    slugs = selectors.subtree_slugs(organisation)
    facets = selectors.project_facet_counts(organisation, filters, subtree=slugs)
    counts = facets.counts
    form.fields["organisation"].choices = [
        ("", _("all organisations")),
        *_organisation_choices(subtree, counts["organisation"], filters.organisation),
    ]
    form.show_counts(counts)
    page = paginate(request, selectors.project_list(organisation, filters, subtree=slugs))
    filtered = any(
        (
            filters.search,
            filters.organisation,
            filters.status,
            filters.cost_bucket,
            filters.colour,
            filters.review_advice,
        )
    )  # fmt: skip
    return render(
        request,
        "projects/project_list.html",
        {
            **organisation_context(request.user, organisation, access.projects_can_change),
            "form": form,
            "facets": facets,
            "filters": filters,
            "filtered": filtered,
            "page": page,
            "columns": sort_columns(COLUMNS, filters.sort),
            "thresholds": thresholds(),
            "export_formats": EXPORT_FORMATS,
        },
    )


def _forecast(request, project):
    """The forecast box: the classes to choose from and, with one chosen, the forecast."""
    organisation = project.organisation
    services.reference_class_shipped()  # created on first use
    classes = list(selectors.reference_classes_usable(organisation))
    chosen = selectors.reference_class_choice(organisation, request.GET.get("reference-class"))
    schedule = selectors.reference_class_choice(
        organisation, request.GET.get("schedule-class"), kind=ReferenceClass.Kind.SCHEDULE
    )
    box = {
        "cost_classes": [c for c in classes if c.kind == ReferenceClass.Kind.COST],
        "schedule_classes": [c for c in classes if c.kind == ReferenceClass.Kind.SCHEDULE],
        "chosen": chosen,
        "schedule": schedule,
        "result": None,
        "end_date_problem": "",
    }
    if chosen is None or project.current_estimate is None:
        return box
    try:
        box["result"] = selectors.project_forecast(project, chosen, schedule)
    except ValueError:
        # The end date cannot be scaled (it is not after the peildatum): cost only.
        box["result"] = selectors.project_forecast(project, chosen)
        box["end_date_problem"] = _(
            "The end date cannot be forecast: the estimated end date is not after the "
            "peildatum, so there is no remaining duration to scale."
        )
    result = box["result"]
    if result.cost is not None:
        end_dates = result.end_date.end_dates if result.end_date else (None,) * 3
        box["rows"] = [
            (f"P{round(q * 100)}", r, value, end)
            for q, r, value, end in zip(
                result.cost.quantiles,
                result.cost.ratio_quantiles,
                result.cost.values,
                end_dates,
                strict=True,
            )
        ]
    return box


def _part_sections(project, can_change) -> list[dict]:
    sections = []
    for kind, heading in PART_SECTIONS:
        model = access.PARTS[kind]
        form_class = part_form_class(model)
        fields = list(form_class._meta.fields)
        sections.append(
            {
                "kind": kind,
                "heading": heading,
                "add_label": PART_TITLES[kind][0],
                "headers": [model._meta.get_field(name).verbose_name for name in fields],
                "rows": [
                    (part, [(name, getattr(part, name)) for name in fields])
                    for part in selectors.parts_of(project, model)
                ],
                "form": form_class(prefix=kind) if can_change else None,
            }
        )
    return sections


@login_required
def project_detail(request, pk):
    project = access.project_get_readable(request.user, pk)
    context = organisation_context(request.user, project.organisation, access.projects_can_change)
    figures, figure_reports = selectors.project_figures_with_reports(project)
    reports = selectors.project_reports(project)
    corrected_by = {r.corrects_id: r for r in reports if r.corrects_id}
    for report in reports:
        report.correction = corrected_by.get(report.pk)
    provisional = bool(figure_reports) and any(
        r.status != r.Status.PUBLISHED for r in figure_reports
    )
    return render(
        request,
        "projects/project_detail.html",
        {
            **context,
            "project": project,
            "figures": figures,
            "figure_reports": figure_reports,
            "figure_ids": {r.pk for r in figure_reports},
            "provisional": provisional,
            "reports": reports,
            "cost_chart": presentation.cost_chart(project, figures, figure_reports),
            "end_date_chart": presentation.end_date_chart(project, figures, figure_reports),
            "thresholds": thresholds(),
            "forecast": _forecast(request, project),
            "part_sections": _part_sections(project, context["can_change"]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_add(request, slug):
    organisation = organisation_get_readable(request.user, slug)
    require(access.projects_can_change(request.user, organisation))
    form = ProjectForm(request.POST or None, instance=Project(organisation=organisation))
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(
                actor=request.user, organisation=organisation, **form.changes()
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(
                request,
                _("%(name)s was added. Add its first report: that is its original baseline.")
                % {"name": project.name},
            )
            return redirect("projects:project", pk=project.pk)
    return render(
        request,
        "projects/project_form.html",
        {
            **organisation_context(request.user, organisation, access.projects_can_change),
            "form": form,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request, pk):
    project = access.project_get_readable(request.user, pk)
    organisation = project.organisation
    require(access.projects_can_change(request.user, organisation))

    def save(**changes):
        try:
            services.project_update(actor=request.user, project=project, **changes)
        except RuleViolation as refusal:  # e.g. a gate rule for the new status
            raise ValidationError({"status": refusal.message}) from None

    return versioned_edit_page(
        request,
        project,
        lambda data, record: ProjectForm(data, instance=record),
        save,
        template="projects/project_form.html",
        context=organisation_context(request.user, organisation, access.projects_can_change),
        record_name="project",
        saved_message=lambda saved: _("%(name)s was saved.") % {"name": saved.name},
        saved_url=reverse("projects:project", args=[project.pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_delete(request, pk):
    project = access.project_get_readable(request.user, pk)
    organisation = project.organisation
    require(access.projects_can_change(request.user, organisation))
    deletion = confirmed_delete(
        request,
        project,
        lambda **version: services.project_delete(actor=request.user, project=project, **version),
    )
    if deletion.refused:
        return redirect("projects:project", pk=project.pk)
    if deletion.deleted:
        messages.success(
            request,
            _("%(name)s was deleted. It can be restored from its history.")
            % {"name": project.name},
        )
        return redirect("projects:project-list", slug=organisation.slug)
    return render(
        request,
        "projects/project_delete.html",
        {
            **organisation_context(request.user, organisation, access.projects_can_change),
            "project": project,
            "form": deletion.form,
        },
    )
