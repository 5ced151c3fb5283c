"""Pages of the application register: list, application page, add, edit, delete, and the
dependencies between applications."""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from omslag.analysis.spend import end_of_support_status
from omslag.analysis.spend.time_position import GOOD_CONDITION_THRESHOLD, HIGH_VALUE_THRESHOLD
from omslag.common.access import require
from omslag.common.errors import ConflictError
from omslag.common.forms import ConfirmForm
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

from .. import access, selectors, services
from ..forms import (
    ApplicationFilterForm,
    ApplicationForm,
    DependencyAddForm,
)
from ..models import Application

# (sort key of selectors.SORTS, column heading, right-aligned number)
COLUMNS = (
    ("name", gettext_lazy("Name"), False),
    ("time", gettext_lazy("TIME"), False),
    ("status", gettext_lazy("Status"), False),
    ("vendor", gettext_lazy("Vendor"), False),
    ("go-live", gettext_lazy("Go-live"), True),
    ("end-of-support", gettext_lazy("End of support"), True),
    ("value", gettext_lazy("Value"), True),
    ("condition", gettext_lazy("Condition"), True),
    ("run-cost", gettext_lazy("Run cost"), True),
)


def _filters(form: ApplicationFilterForm) -> selectors.ApplicationFilters:
    """The valid filters of the query string; an invalid one is ignored (and shown)."""
    data = {}
    if form.is_bound:
        form.is_valid()  # fills cleaned_data with the fields that are valid
        data = form.cleaned_data
    sort = data.get("sort") or "name"
    if sort.lstrip("-") not in selectors.SORTS:
        sort = "name"
    return selectors.ApplicationFilters(
        search=data.get("q", ""),
        time=tuple(data.get("time") or ()),
        status=tuple(data.get("status") or ()),
        owner=data.get("owner", ""),
        end_of_support=data.get("end_of_support", ""),
        bio_high=data.get("bio_high", ""),
        sort=sort,
        include_children=bool(data.get("below")),
    )


@login_required
def application_list(request, slug):
    organisation = organisation_get_readable(request.user, slug)
    form = ApplicationFilterForm(request.GET or None)
    filters = _filters(form)
    page = paginate(request, selectors.application_list(organisation, filters))
    return render(
        request,
        "portfolio/application_list.html",
        {
            **organisation_context(request.user, organisation, access.portfolio_can_change),
            "form": form,
            "filters": filters,
            "filtered": any(
                (
                    filters.search,
                    filters.time,
                    filters.status,
                    filters.owner,
                    filters.end_of_support,
                    filters.bio_high,
                    filters.include_children,
                )
            ),  # fmt: skip
            "page": page,
            "columns": sort_columns(COLUMNS, filters.sort),
            "run_cost_year": selectors.latest_actual_year(organisation),
            "export_formats": EXPORT_FORMATS,
        },
    )


def _spend_history(rows: list[dict]) -> list[dict]:
    """Per year and category: the budget and the actual amount, newest year first."""
    table = defaultdict(dict)
    for row in rows:
        table[(row["year"], row["category"])][row["kind"]] = row["total"]
    order = {"run": 0, "change": 1, "innovate": 2}
    return [
        {"year": year, "category": category, **amounts}
        for (year, category), amounts in sorted(
            table.items(), key=lambda i: (-i[0][0], order[i[0][1]])
        )
    ]


@login_required
@require_http_methods(["GET", "POST"])
def application_detail(request, pk):
    application = access.application_get_readable(request.user, pk)
    organisation = application.organisation
    context = organisation_context(request.user, organisation, access.portfolio_can_change)
    form = DependencyAddForm(request.POST or None, application=application)
    if request.method == "POST":
        require(context["can_change"])
        if form.is_valid():
            try:
                dependency = services.dependency_add(
                    actor=request.user,
                    application=application,
                    depends_on=form.cleaned_data["depends_on"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                form_errors_from(form, error)
            else:
                messages.success(
                    request,
                    _("%(application)s now needs %(other)s.")
                    % {"application": application.name, "other": dependency.depends_on.name},
                )
                return redirect("portfolio:application", pk=application.pk)
    needs, needed_by = selectors.application_dependencies(application)
    spend = _spend_history(selectors.application_spend_by_year(application))
    return render(
        request,
        "portfolio/application_detail.html",
        {
            **context,
            "application": application,
            "support": end_of_support_status(
                application.end_of_support, timezone.localdate(), selectors.EOS_WINDOW_MONTHS
            ),
            "value_high": application.business_value >= HIGH_VALUE_THRESHOLD,
            "condition_good": application.technical_condition >= GOOD_CONDITION_THRESHOLD,
            "threshold": HIGH_VALUE_THRESHOLD,
            "needs": needs,
            "needed_by": needed_by,
            "cycle": selectors.application_cycle(application),
            "spend": spend,
            "form": form,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_add(request, slug):
    organisation = organisation_get_readable(request.user, slug)
    require(access.portfolio_can_change(request.user, organisation))
    form = ApplicationForm(request.POST or None, instance=Application(organisation=organisation))
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_create(
                actor=request.user, organisation=organisation, **form.changes()
            )
        except ValidationError as error:
            form_errors_from(form, error)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": application.name})
            return redirect("portfolio:application", pk=application.pk)
    return render(
        request,
        "portfolio/application_form.html",
        {
            **organisation_context(request.user, organisation, access.portfolio_can_change),
            "form": form,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_edit(request, pk):
    application = access.application_get_readable(request.user, pk)
    organisation = application.organisation
    require(access.portfolio_can_change(request.user, organisation))
    return versioned_edit_page(
        request,
        application,
        lambda data, record: ApplicationForm(data, instance=record),
        lambda **changes: services.application_update(
            actor=request.user, application=application, **changes
        ),
        template="portfolio/application_form.html",
        context=organisation_context(request.user, organisation, access.portfolio_can_change),
        record_name="application",
        saved_message=lambda saved: _("%(name)s was saved.") % {"name": saved.name},
        saved_url=reverse("portfolio:application", args=[application.pk]),
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_delete(request, pk):
    application = access.application_get_readable(request.user, pk)
    organisation = application.organisation
    require(access.portfolio_can_change(request.user, organisation))
    deletion = confirmed_delete(
        request,
        application,
        lambda **version: services.application_delete(
            actor=request.user, application=application, **version
        ),
    )
    if deletion.refused:
        return redirect("portfolio:application", pk=application.pk)
    if deletion.deleted:
        messages.success(
            request,
            _("%(name)s was deleted. It can be restored from its history.")
            % {"name": application.name},
        )
        return redirect("portfolio:applications", slug=organisation.slug)
    needs, needed_by = selectors.application_dependencies(application)
    return render(
        request,
        "portfolio/application_delete.html",
        {
            **organisation_context(request.user, organisation, access.portfolio_can_change),
            "application": application,
            "needed_by": needed_by,
            "needs": needs,
            "form": deletion.form,
        },
    )


@login_required
@require_POST
def dependency_remove(request, pk):
    dependency = access.dependency_get_readable(request.user, pk)
    require(access.record_can_change(request.user, dependency))
    form = ConfirmForm(request.POST)
    back = dependency.application_id
    if request.POST.get("back") == str(dependency.depends_on_id):
        back = dependency.depends_on_id
    if form.is_valid():
        try:
            services.dependency_remove(
                actor=request.user,
                dependency=dependency,
                expected_version=form.cleaned_data["version"],
            )
        except ConflictError as conflict:
            messages.error(request, conflict.message)
        else:
            messages.success(
                request,
                _("%(application)s no longer needs %(other)s.")
                % {"application": dependency.application.name, "other": dependency.depends_on.name},
            )
    return redirect("portfolio:application", pk=back)
