"""Pages of the spend lines: the filtered list with its totals and an add form, edit, delete."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from omslag.common.access import require
from omslag.common.pages import (
    EXPORT_FORMATS,
    confirmed_delete,
    form_errors_from,
    paginate,
    versioned_edit_page,
)
from omslag.organisations.access import organisation_get_readable
from omslag.organisations.selectors import organisation_context

from .. import access, selectors, services
from ..forms import (
    SpendLineFilterForm,
    SpendLineForm,
)
from ..models import SpendLine


@login_required
@require_http_methods(["GET", "POST"])
def spend_list(request, slug):
    organisation = organisation_get_readable(request.user, slug)
    context = organisation_context(request.user, organisation, access.portfolio_can_change)
    add_form = SpendLineForm(
        request.POST or None,
        instance=SpendLine(organisation=organisation),
        organisation=organisation,
    )
    if request.method == "POST":
        require(context["can_change"])
        if add_form.is_valid():
            try:
                line = services.spend_line_create(
                    actor=request.user, organisation=organisation, **add_form.changes()
                )
            except ValidationError as error:
                form_errors_from(add_form, error)
            else:
                messages.success(
                    request, _("The spend line of %(year)s was added.") % {"year": line.year}
                )
                return redirect("portfolio:spend", slug=slug)
    filter_form = SpendLineFilterForm(
        request.GET or None, years=selectors.spend_years(organisation)
    )
    filters = {}
    if filter_form.is_bound:
        filter_form.is_valid()  # keeps the valid filters; an invalid one is shown and ignored
        filters = {k: v for k, v in filter_form.cleaned_data.items() if v}
    lines = selectors.spend_line_list(organisation, **filters)
    return render(
        request,
        "portfolio/spend_list.html",
        {
            **context,
            "filter_form": filter_form,
            "filtered": bool(filters),
            "page": paginate(request, lines),
            "totals": selectors.spend_line_totals(lines),
            "form": add_form,
            "export_formats": EXPORT_FORMATS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def spend_line_edit(request, pk):
    line = access.spend_line_get_readable(request.user, pk)
    organisation = line.organisation
    require(access.portfolio_can_change(request.user, organisation))
    return versioned_edit_page(
        request,
        line,
        lambda data, record: SpendLineForm(data, instance=record, organisation=organisation),
        lambda **changes: services.spend_line_update(
            actor=request.user, spend_line=line, **changes
        ),
        template="portfolio/spend_line_form.html",
        context=organisation_context(request.user, organisation, access.portfolio_can_change),
        record_name="line",
        saved_message=lambda saved: _("The spend line was saved."),
        saved_url=reverse("portfolio:spend", args=[organisation.slug]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def spend_line_delete(request, pk):
    line = access.spend_line_get_readable(request.user, pk)
    organisation = line.organisation
    require(access.portfolio_can_change(request.user, organisation))
    deletion = confirmed_delete(
        request,
        line,
        lambda **version: services.spend_line_delete(
            actor=request.user, spend_line=line, **version
        ),
    )
    if deletion.deleted:
        messages.success(
            request,
            _("The spend line of %(year)s was deleted. It can be restored from its history.")
            % {"year": line.year},
        )
    if deletion.finished:
        return redirect("portfolio:spend", slug=organisation.slug)
    return render(
        request,
        "portfolio/spend_line_delete.html",
        {
            **organisation_context(request.user, organisation, access.portfolio_can_change),
            "line": line,
            "form": deletion.form,
        },
    )
