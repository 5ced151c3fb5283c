"""The audit log page of an organisation and its export. Each view: access check, one
selector call, render."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from omslag.common.pages import EXPORT_FORMATS, filters_of, paginate
from omslag.common.tabular.formats import CONTENT_TYPES, write_table
from omslag.organisations.selectors import organisation_context

from . import access, selectors
from .forms import AuditExportForm, AuditFilterForm


@login_required
def audit_list(request, slug):
    organisation = access.audit_organisation_get(request.user, slug)
    form = AuditFilterForm(request.GET or None)
    filters = filters_of(form)
    page = paginate(request, selectors.audit_entries_of(organisation, **filters))
    return render(
        request,
        "audit/audit_list.html",
        {
            **organisation_context(request.user, organisation),
            "form": form,
            "filtered": bool(filters),
            "page": page,
            "export_formats": EXPORT_FORMATS,
            "query": request.GET.urlencode(),
        },
    )


@login_required
def audit_export(request, slug):
    organisation = access.audit_organisation_get(request.user, slug)
    form = AuditExportForm(request.GET or None)
    filters = filters_of(form)
    fmt = filters.pop("format", None) or "csv"
    rows = selectors.audit_export_rows(selectors.audit_entries_of(organisation, **filters))
    response = HttpResponse(
        write_table(selectors.EXPORT_HEADERS, rows, fmt), content_type=CONTENT_TYPES[fmt]
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="audit-{organisation.slug}-{stamp}.{fmt}"'
    )
    return response
