"""Pages of the reports of a project: add a concept, the report page with its workflow
buttons (mark as checked, publish, correct), edit and delete. A published report never
changes; a correction is a new concept that replaces it once published."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from omslag.common.access import require
from omslag.common.errors import ConflictError, RuleViolation
from omslag.common.forms import ConfirmForm
from omslag.common.pages import confirmed_delete, form_errors_from, versioned_edit_page
from omslag.organisations.selectors import organisation_context

from .. import access, services
from ..forms import (
    ReportForm,
)
from ..models import ProjectReport

PUBLISHED = ProjectReport.Status.PUBLISHED


def _published_refusal(request, report):
    messages.error(
        request,
        _(
            "This report is published and never changes. Make a correction instead: a new "
            "concept that replaces this report once it is published itself."
        ),
    )
    return redirect("projects:report", pk=report.pk)


@login_required
@require_http_methods(["GET", "POST"])
def report_add(request, pk):
    project = access.project_get_readable(request.user, pk)
    require(access.projects_can_change(request.user, project.organisation))
    form = ReportForm(
        request.POST or None,
        instance=ProjectReport(project=project),
        currency=project.currency,
    )
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_create(actor=request.user, project=project, **form.changes())
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(
                request,
                _("The report of %(date)s was added as a concept.")
                % {"date": date_format(report.peildatum, "j F Y")},
            )
            return redirect("projects:report", pk=report.pk)
    return render(
        request,
        "projects/report_form.html",
        {
            **organisation_context(request.user, project.organisation, access.projects_can_change),
            "project": project,
            "form": form,
            "is_first": not project.report_count,
        },
    )


@login_required
def report_detail(request, pk):
    report = access.report_get_readable(request.user, pk)
    project = report.project
    breakdown = [
        (ProjectReport._meta.get_field(name).verbose_name, getattr(report, name))
        for name in ProjectReport.BREAKDOWN
    ]
    return render(
        request,
        "projects/report_detail.html",
        {
            **organisation_context(request.user, project.organisation, access.projects_can_change),
            "project": project,
            "report": report,
            "corrections": list(report.corrections.all()),
            "breakdown": breakdown,
            "has_breakdown": any(amount is not None for _label, amount in breakdown),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request, pk):
    report = access.report_get_readable(request.user, pk)
    project = report.project
    require(access.projects_can_change(request.user, project.organisation))
    if report.status == PUBLISHED:
        return _published_refusal(request, report)
    try:
        return versioned_edit_page(
            request,
            report,
            lambda data, record: ReportForm(data, instance=record, currency=project.currency),
            lambda **changes: services.report_update(actor=request.user, report=report, **changes),
            template="projects/report_form.html",
            context={
                **organisation_context(
                    request.user, project.organisation, access.projects_can_change
                ),
                "project": project,
            },
            record_name="report",
            saved_message=lambda saved: _("The report was saved as a concept."),
            saved_url=reverse("projects:report", args=[report.pk]),
        )
    except RuleViolation:
        return _published_refusal(request, report)


@login_required
@require_POST
def report_advance(request, pk):
    report = access.report_get_readable(request.user, pk)
    require(access.projects_can_change(request.user, report.project.organisation))
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The form was incomplete; nothing was changed."))
        return redirect("projects:report", pk=report.pk)
    try:
        report = services.report_advance(
            actor=request.user, report=report, expected_version=form.cleaned_data["version"]
        )
    except (ConflictError, RuleViolation) as error:
        messages.error(request, error.message)
    else:
        if report.status == PUBLISHED:
            messages.success(request, _("The report was published. It will never change."))
        else:
            messages.success(request, _("The report was marked as checked."))
    return redirect("projects:report", pk=report.pk)


@login_required
@require_POST
def report_correct(request, pk):
    report = access.report_get_readable(request.user, pk)
    require(access.projects_can_change(request.user, report.project.organisation))
    try:
        correction = services.report_correct(actor=request.user, report=report)
    except RuleViolation as error:
        messages.error(request, error.message)
        return redirect("projects:report", pk=report.pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("projects:report", pk=report.pk)
    messages.success(
        request,
        _(
            "A correction was made: a new concept with the values of the published report. "
            "Change what needs correcting and publish it; it then replaces the published one."
        ),
    )
    return redirect("projects:report-edit", pk=correction.pk)


@login_required
@require_http_methods(["GET", "POST"])
def report_delete(request, pk):
    report = access.report_get_readable(request.user, pk)
    project = report.project
    require(access.projects_can_change(request.user, project.organisation))
    if report.status == PUBLISHED:
        return _published_refusal(request, report)
    deletion = confirmed_delete(
        request,
        report,
        lambda **version: services.report_delete(actor=request.user, report=report, **version),
        refusals=(ConflictError, RuleViolation),
    )
    if deletion.refused:
        return redirect("projects:report", pk=report.pk)
    if deletion.deleted:
        messages.success(
            request,
            _("The report of %(date)s was deleted. It can be restored from its history.")
            % {"date": date_format(report.peildatum, "j F Y")},
        )
        return redirect("projects:project", pk=project.pk)
    return render(
        request,
        "projects/report_delete.html",
        {
            **organisation_context(request.user, project.organisation, access.projects_can_change),
            "project": project,
            "report": report,
            "form": deletion.form,
        },
    )
