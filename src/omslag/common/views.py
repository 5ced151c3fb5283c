"""Pages that belong to no single register: record history and the error pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from omslag.common.api.problems import problem_json_response

from .errors import ConflictError, RuleViolation
from .history import history_entries, history_tracked


def _tracked_record(request, key, pk):
    tracked = history_tracked(key)
    if tracked is None:
        raise Http404("Unknown kind of record.")
    return tracked, tracked.get_readable(request.user, pk)


@login_required
def record_history(request, key, pk):
    tracked, record = _tracked_record(request, key, pk)
    return render(
        request,
        "history.html",
        {
            "record": record,
            "key": key,
            "entries": history_entries(record),
            "can_restore": tracked.can_restore(request.user, record),
        },
    )


@login_required
@require_POST
def record_restore(request, key, pk, history_id):
    tracked, record = _tracked_record(request, key, pk)
    if not tracked.can_restore(request.user, record):
        raise PermissionDenied
    try:
        tracked.restore(actor=request.user, record=record, history_id=history_id)
    except (RuleViolation, ConflictError) as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The earlier version was restored."))
    return redirect("record-history", key=key, pk=pk)


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request, exception=None):
    if _is_api(request):
        return problem_json_response(request, 404, _("Nothing here; check the address."))
    return render(request, "404.html", status=404)


def permission_denied(request, exception=None):
    if _is_api(request):
        return problem_json_response(request, 403, _("You may not do this."))
    return render(request, "403.html", status=403)


def server_error(request):
    if _is_api(request):
        return problem_json_response(request, 500, _("Something went wrong on our side."))
    return render(request, "500.html", status=500)


def bad_request(request, exception=None):
    if _is_api(request):
        return problem_json_response(request, 400, _("The request is malformed."))
    return render(request, "400.html", status=400)


def csrf_failure(request, reason=""):
    if _is_api(request):
        return problem_json_response(
            request, 403, _("CSRF check failed: send the CSRF token with session requests.")
        )
    return render(request, "403_csrf.html", status=403)
