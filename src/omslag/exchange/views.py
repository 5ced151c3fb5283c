from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from omslag.common.errors import RuleViolation
from omslag.common.tabular.formats import FileProblem
from omslag.common.tabular.registry import import_kinds, import_spec
from omslag.jobs.views import REFRESH_SECONDS
from omslag.organisations.access import organisation_get_readable

from . import access, exports, selectors, services
from .forms import ConversionForm, ExportForm, ImportUploadForm, MappingForm, conversion_start
from .responses import export_response


@csrf_exempt
def import_upload(request, slug):
    # Files are written to a temporary file on disk as they arrive, whatever their size, so a
    # 500 MB upload does not fill the memory; the handler must be set before the CSRF check
    # reads the form, hence the exemption here and the protection right below.
    request.upload_handlers = [TemporaryFileUploadHandler(request)]
    return _import_upload(request, slug)


@csrf_protect
@login_required
@require_http_methods(["GET", "POST"])
def _import_upload(request, slug):
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
            job = services.import_upload(
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
    targets = [c.name for c in spec.columns] if spec else []
    converting = request.method == "POST" and request.POST.get("form") == "conversion"
    conversion_form = ConversionForm(
        request.POST if converting else None,
        prefix="conversion",  # its "name" beside the column mapping's: ids of their own
        initial={
            "name": job.mapping.name if job.mapping else "",
            "conversion": conversion_start(job.report.get("headers", []), targets, job.mapping),
        },
    )
    if converting:
        if not can_confirm:
            raise PermissionDenied
        if conversion_form.is_valid():
            try:
                mapping = services.column_mapping_save(
                    actor=request.user,
                    organisation=job.organisation,
                    kind=job.kind,
                    name=conversion_form.cleaned_data["name"],
                    conversion=conversion_form.cleaned_data["conversion"],
                )
                services.import_recheck_start(actor=request.user, job=job, mapping=mapping)
            except RuleViolation as error:
                conversion_form.add_error("conversion", error.message)
            else:
                messages.success(request, _("The conversion was saved; the file is checked again."))
                return redirect("exchange:import-detail", pk=job.pk)
    elif request.method == "POST":
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
                services.import_recheck_start(actor=request.user, job=job, mapping=mapping)
            except RuleViolation as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("The mapping was saved; the file is checked again."))
            return redirect("exchange:import-detail", pk=job.pk)
    work = job.job
    busy = job.status in (job.Status.CHECKING, job.Status.IMPORTING)
    return render(
        request,
        "exchange/import_detail.html",
        {
            "job": job,
            "work": work,
            # The check or the import runs in a worker: the page shows its progress and
            # refreshes itself (jobs/_follow.html) until the job has finished.
            "working": busy and work is not None and not work.finished,
            "stopped": busy and (work is None or work.finished),
            "refresh_seconds": REFRESH_SECONDS,
            "refresh_off": request.GET.get("refresh") == "off",
            "report": job.report,
            "can_confirm": can_confirm,
            "mapping_form": mapping_form,
            "conversion_form": conversion_form,
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
        services.import_confirm_start(actor=request.user, job=job)
    except RuleViolation as error:
        messages.error(request, error.message)
    return redirect("exchange:import-detail", pk=job.pk)


@login_required
@require_http_methods(["GET", "POST"])
def export(request, slug):
    """A small export is downloaded at once; a large one (OMSLAG_EXPORT_INLINE_ROWS) is made
    by a worker: the form posts, the job is queued and its page follows it. A GET of a large
    export (an old link) shows the form with that said, since a GET must not queue work."""
    organisation = organisation_get_readable(request.user, slug)
    data = request.POST if request.method == "POST" else request.GET
    form = ExportForm(data or None)
    large = False
    if data and form.is_valid():
        kind, fmt = form.cleaned_data["kind"], form.cleaned_data["format"]
        if not access.export_allowed(request.user, organisation, kind):
            raise PermissionDenied
        large = exports.export_is_large(person=request.user, organisation=organisation, kind=kind)
        if large and request.method == "POST":
            job = exports.export_start(
                person=request.user, organisation=organisation, kind=kind, fmt=fmt
            )
            return redirect("jobs:detail", pk=job.pk)
        if not large:
            exported = services.export_stream(
                person=request.user, organisation=organisation, kind=kind, fmt=fmt
            )
            return export_response(exported)
    return render(
        request,
        "exchange/export.html",
        {
            "organisation": organisation,
            "form": form,
            "large": large,
            "inline_rows": settings.EXPORT_INLINE_ROWS,
        },
    )
