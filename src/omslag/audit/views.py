"""The audit log page of an organisation and its export. Each view: access check, one
selector call, render."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from omslag.common.access import require
from omslag.common.pages import EXPORT_FORMATS, filters_of, paginate
from omslag.common.tabular.formats import CONTENT_TYPES, write_table
from omslag.organisations.selectors import organisation_context

from . import access, selectors
from .forms import AuditExportForm, AuditFilterForm


def _page(request, organisation, context):
    form = AuditFilterForm(request.GET or None)
    filters = filters_of(form)
    page = paginate(request, selectors.audit_entries_of(organisation, **filters))
    return render(
        request,
        "audit/audit_list.html",
        {
            **context,
            "form": form,
            "filtered": bool(filters),
            "page": page,
            "export_formats": EXPORT_FORMATS,
            "query": request.GET.urlencode(),
        },
    )


@login_required
def audit_list(request, slug):
    organisation = access.audit_organisation_get(request.user, slug)
    return _page(
        request,
        organisation,
        {
            **organisation_context(request.user, organisation),
            "list_url": reverse("audit:list", args=[slug]),
            "export_url": reverse("audit:export", args=[slug]),
        },
    )


@login_required
def audit_list_all(request):
    require(access.audit_can_read_all(request.user))
    return _page(
        request,
        None,
        {"list_url": reverse("audit:all"), "export_url": reverse("audit:export-all")},
    )


@login_required
def audit_export(request, slug):
    return _export(request, access.audit_organisation_get(request.user, slug))


@login_required
def audit_export_all(request):
    require(access.audit_can_read_all(request.user))
    return _export(request, None)


def _export(request, organisation):
    form = AuditExportForm(request.GET or None)
    filters = filters_of(form)
    fmt = filters.pop("format", None) or "csv"
    rows = selectors.audit_export_rows(selectors.audit_entries_of(organisation, **filters))
    response = HttpResponse(
        write_table(selectors.EXPORT_HEADERS, rows, fmt), content_type=CONTENT_TYPES[fmt]
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="audit-{organisation.slug if organisation else "all"}-{stamp}.{fmt}"'
    )
    return response
