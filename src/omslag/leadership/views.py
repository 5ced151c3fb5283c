"""The board dashboard page and its report downloads: read the selection, call the one
selector, render."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from omslag.common.errors import RuleViolation
from omslag.organisations.access import organisation_get_readable
from omslag.organisations.selectors import organisation_ancestors, organisation_tree

from .forms import DashboardForm
from .report import REPORT_FORMATS, report_filename, report_render
from .selectors import board_organisations, dashboard_for


def home(request):
    """The start page: a person whose only roles are board member or auditor starts on their
    board dashboard; everyone else on the organisations they may read."""
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    boards = board_organisations(request.user)
    if boards and len(boards) == 1:
        return redirect("leadership:dashboard", slug=boards[0].slug)
    return render(request, "home.html", {"tree": organisation_tree(request.user), "boards": boards})


def _selection(request):
    form = DashboardForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["below"], form.cleaned_data["as_of"]
    return form, False, None


@login_required
@require_GET
def dashboard(request, slug):
    organisation = organisation_get_readable(request.user, slug)
    form, with_children, as_of = _selection(request)
    context = {
        "organisation": organisation,
        "ancestors": organisation_ancestors(organisation),
        "form": form,
        "with_children": with_children,
        "has_children": organisation.children.exists(),
        "formats": REPORT_FORMATS,
    }
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        try:
            context["dashboard"] = dashboard_for(
                person=request.user,
                organisation=organisation,
                with_children=with_children,
                as_of=as_of,
            )
        except RuleViolation as error:
            form.add_error("as_of", error.message)
            status = 400
    return render(request, "leadership/dashboard.html", context, status=status)


@login_required
@require_GET
def dashboard_report(request, slug, fmt):
    if fmt not in REPORT_FORMATS:
        raise Http404("No such report format.")
    organisation = organisation_get_readable(request.user, slug)
    form, with_children, as_of = _selection(request)
    if form.is_bound and not form.is_valid():
        raise Http404("Invalid selection.")
    try:
        board = dashboard_for(
            person=request.user,
            organisation=organisation,
            with_children=with_children,
            as_of=as_of,
        )
    except RuleViolation:
        return dashboard(request, slug)  # the page says what is wrong with the date
    content, content_type = report_render(board, fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{report_filename(board, fmt)}"'
    return response
