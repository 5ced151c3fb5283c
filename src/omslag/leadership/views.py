"""The board dashboard page and its report downloads: read the selection, call the one
selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from omslag.common.errors import RuleViolation
from omslag.organisations.access import organisation_get_readable
from omslag.organisations.selectors import organisation_ancestors, organisation_tree

from .forms import DashboardForm
from .report import REPORT_FORMATS
from .report_job import board_report_start
from .selectors import as_of_check, board_organisations, dashboard_for, scope_ids


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
@require_http_methods(["GET", "POST"])
def dashboard_report(request, slug, fmt):
    """The board report is made by a worker: the page's form posts here, the job is queued and
    the browser follows it on the job's page. A GET (an old link) goes back to the dashboard
    with the same selection, where the buttons are: a GET never queues work."""
    if fmt not in REPORT_FORMATS:
        raise Http404("No such report format.")
    organisation = organisation_get_readable(request.user, slug)
    if request.method == "GET":
        query = request.GET.urlencode()
        address = reverse("leadership:dashboard", args=[organisation.slug])
        return redirect(f"{address}?{query}" if query else address)
    form = DashboardForm(request.POST)
    if not form.is_valid():
        raise Http404("Invalid selection.")
    with_children, as_of = form.cleaned_data["below"], form.cleaned_data["as_of"]
    if as_of is not None:
        try:  # the date is checked here, so that the page (not the job) says what is wrong
            as_of_check(scope_ids(organisation, with_children), as_of, timezone.localdate())
        except RuleViolation as error:
            messages.error(request, error.message)
            return redirect("leadership:dashboard", slug=organisation.slug)
    job = board_report_start(
        person=request.user,
        organisation=organisation,
        with_children=with_children,
        as_of=as_of,
        fmt=fmt,
    )
    return redirect("jobs:detail", pk=job.pk)
