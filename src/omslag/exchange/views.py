from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from omslag.common.errors import RuleViolation
from omslag.common.tabular.formats import FileProblem
from omslag.common.tabular.registry import import_kinds, import_spec
from omslag.organisations.access import organisation_get_readable

from . import access, selectors, services
from .forms import ExportForm, ImportUploadForm, MappingForm


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request, slug):
    organisation = organisation_get_readable(request.user, slug)
    if not any(access.import_allowed(request.user, organisation, k) for k in import_kinds()):
        raise PermissionDenied
    mappings = selectors.column_mappings_of(organisation)
    form = ImportUploadForm(request.POST or None, request.FILES or None, mappings=mappings)
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        if not access.import_allowed(request.user, organisation, kind):
            raise PermissionDenied
        mapping = (
            mappings.filter(pk=form.cleaned_data["mapping"]).first()
            if form.cleaned_data["mapping"]
            else None
        )
        try:
            job = services.import_job_check(
                actor=request.user,
                organisation=organisation,
                kind=kind,
                upload=form.cleaned_data["file"],
                mapping=mapping,
            )
        except FileProblem as problem:
            form.add_error("file", problem.message)
        else:
            return redirect("exchange:import-detail", pk=job.pk)
    return render(
        request,
        "exchange/import_upload.html",
        {
            "organisation": organisation,
            "form": form,
            "jobs": selectors.import_jobs_of(organisation)[:20],
            "specs": [import_spec(k) for k, _label in form.fields["kind"].choices],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_detail(request, pk):
    job = access.import_job_get(request.user, pk)
    can_confirm = access.import_job_can_confirm(request.user, job)
    spec = import_spec(job.kind)
    mapping_form = MappingForm(
        request.POST or None,
        headers=job.report.get("headers", []),
        targets=[c.name for c in spec.columns] if spec else [],
        initial_columns=job.mapping.columns if job.mapping else None,
    )
    if request.method == "POST":
        if not can_confirm:
            raise PermissionDenied
        if mapping_form.is_valid():
            try:
                mapping = services.column_mapping_save(
                    actor=request.user,
                    organisation=job.organisation,
                    kind=job.kind,
                    name=mapping_form.cleaned_data["name"],
                    columns=mapping_form.columns(),
                )
                services.import_job_recheck(actor=request.user, job=job, mapping=mapping)
            except RuleViolation as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("The mapping was saved and the file checked again."))
            return redirect("exchange:import-detail", pk=job.pk)
    return render(
        request,
        "exchange/import_detail.html",
        {
            "job": job,
            "report": job.report,
            "can_confirm": can_confirm,
            "mapping_form": mapping_form,
            "spec": spec,
        },
    )


@login_required
@require_POST
def import_confirm(request, pk):
    job = access.import_job_get(request.user, pk)
    if not access.import_job_can_confirm(request.user, job):
        raise PermissionDenied
    try:
        job = services.import_job_confirm(actor=request.user, job=job)
    except RuleViolation as error:
        messages.error(request, error.message)
    else:
        if job.status == job.Status.IMPORTED:
            report = job.report
            messages.success(
                request,
                _("Imported: %(c)s created, %(u)s updated, %(n)s unchanged.")
                % {"c": report["created"], "u": report["updated"], "n": report["unchanged"]},
            )
        else:
            messages.error(request, _("The register changed since the check; nothing was saved."))
    return redirect("exchange:import-detail", pk=job.pk)


@login_required
def export(request, slug):
    organisation = organisation_get_readable(request.user, slug)
    form = ExportForm(request.GET or None)
    if request.GET and form.is_valid():
        kind = form.cleaned_data["kind"]
        if not access.export_allowed(request.user, organisation, kind):
            raise PermissionDenied
        exported = services.export_file(
            person=request.user,
            organisation=organisation,
            kind=kind,
            fmt=form.cleaned_data["format"],
        )
        response = HttpResponse(exported.content, content_type=exported.content_type)
        response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
        return response
    return render(request, "exchange/export.html", {"organisation": organisation, "form": form})
