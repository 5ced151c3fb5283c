"""The board dashboard page and its report downloads: read the selection, call the one
selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from omslag.common.errors import RuleViolation
from omslag.common.pages import paginate, sort_columns
from omslag.common.tabular.formats import CONTENT_TYPES, write_table
from omslag.organisations.access import organisation_get_readable
from omslag.organisations.selectors import organisation_ancestors, organisation_tree

from .decisions import DEFAULT_SORT, decision_waiting, decisions_all, kind_label
from .forms import DashboardForm, DecisionsForm
from .report import REPORT_FORMATS
from .report_job import board_report_start
from .selectors import (
    as_of_check,
    board_organisations,
    dashboard_for,
    scope_ids,
)


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


DECISIONS_PAGE_SIZE = 50

DECISION_COLUMNS = [
    ("kind", gettext_lazy("Waiting"), False),
    ("subject", gettext_lazy("Subject"), False),
    ("organisation", gettext_lazy("Organisation"), False),
    ("since", gettext_lazy("Since"), True),
]


def _decisions_refused(request, organisation, form):
    context = {
        "organisation": organisation,
        "form": form,
        "ancestors": organisation_ancestors(organisation),
        "has_children": organisation.children.exists(),
    }
    return render(request, "leadership/decisions.html", context, status=400)


@login_required
@require_GET
def decisions(request, slug):
    """Every decision waiting for the board in the dashboard's selection (its total is the
    dashboard's), of one kind or all, sorted and paged by the database; ``format=csv``
    downloads the whole list."""
    organisation = organisation_get_readable(request.user, slug)
    form = DecisionsForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return _decisions_refused(request, organisation, form)
    data = form.cleaned_data if form.is_bound else {}
    with_children, as_of = data.get("below", False), data.get("as_of")
    kind, sort = data.get("kind", ""), data.get("sort") or DEFAULT_SORT
    ids = scope_ids(organisation, with_children)
    today = timezone.localdate()
    if as_of is not None:
        try:
            as_of_check(ids, as_of, today)
        except RuleViolation as error:
            form.add_error("as_of", error.message)
            return _decisions_refused(request, organisation, form)
    as_of = as_of or today
    rows = decisions_all(ids, as_of, organisation=organisation, kind=kind, sort=sort)
    if data.get("format") == "csv":
        table = (decision_waiting(row, as_of) for row in rows.iterator(chunk_size=2000))
        body = write_table(
            [_("Waiting"), _("Subject"), _("Organisation"), _("Since"), _("Days"), _("Address")],
            (
                [
                    str(d.label),
                    d.subject,
                    d.organisation,
                    d.since.isoformat() if d.since else "",
                    d.age_days,
                    request.build_absolute_uri(d.url),
                ]
                for d in table
            ),
            "csv",
        )
        response = HttpResponse(body, content_type=CONTENT_TYPES["csv"])
        scope = "-with-children" if with_children else ""
        response["Content-Disposition"] = (
            f'attachment; filename="board-decisions-{organisation.slug}{scope}-{as_of}.csv"'
        )
        return response
    page = paginate(request, rows, per_page=DECISIONS_PAGE_SIZE)
    page.object_list = [decision_waiting(row, as_of) for row in page.object_list]
    context = {
        "organisation": organisation,
        "ancestors": organisation_ancestors(organisation),
        "form": form,
        "has_children": organisation.children.exists(),
        "with_children": with_children,
        "as_of": as_of,
        "kind_label": kind_label(kind) if kind else "",
        "page": page,
        "columns": sort_columns(DECISION_COLUMNS, sort),
        "total": page.paginator.count,
    }
    return render(request, "leadership/decisions.html", context)
