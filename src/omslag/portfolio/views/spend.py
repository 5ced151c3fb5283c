"""Pages of the spend lines: the filtered list with its totals and an add form, edit, delete."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from omslag.common.errors import ConflictError
from omslag.organisations.access import organisation_get_readable

from .. import access, selectors, services
from ..forms import EXPORT_FORMATS, ConfirmForm, SpendLineFilterForm, SpendLineForm
from ..models import SpendLine
from .base import form_errors_from, organisation_context, paginate, require


@login_required
@require_http_methods(["GET", "POST"])
def spend_list(request, slug):
    organisation = organisation_get_readable(request.user, slug)
    context = organisation_context(request.user, organisation)
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
    form = SpendLineForm(request.POST or None, instance=line, organisation=organisation)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.spend_line_update(
                actor=request.user,
                spend_line=line,
                expected_version=form.cleaned_data["version"],
                **form.changes(),
            )
        except ConflictError as conflict:
            messages.error(request, conflict.message)
            line = conflict.current
            form = SpendLineForm(instance=line, organisation=organisation)
            status = 409
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("The spend line was saved."))
            return redirect("portfolio:spend", slug=organisation.slug)
    return render(
        request,
        "portfolio/spend_line_form.html",
        {
            **organisation_context(request.user, organisation),
            "form": form,
            "line": line,
            "conflict": status == 409,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def spend_line_delete(request, pk):
    line = access.spend_line_get_readable(request.user, pk)
    organisation = line.organisation
    require(access.portfolio_can_change(request.user, organisation))
    form = ConfirmForm(request.POST or None, initial={"version": line.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.spend_line_delete(
                actor=request.user, spend_line=line, expected_version=form.cleaned_data["version"]
            )
        except ConflictError as conflict:
            messages.error(request, conflict.message)
        else:
            messages.success(
                request,
                _("The spend line of %(year)s was deleted. It can be restored from its history.")
                % {"year": line.year},
            )
        return redirect("portfolio:spend", slug=organisation.slug)
    return render(
        request,
        "portfolio/spend_line_delete.html",
        {**organisation_context(request.user, organisation), "line": line, "form": form},
    )
