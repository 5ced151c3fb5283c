import html

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from omslag.common.access import require
from omslag.common.errors import DomainError
from omslag.common.pages import paginate

from . import access, selectors, services
from .kinds import job_kind

# While a job runs, its page reloads itself this often (seconds), also without JavaScript.
REFRESH_SECONDS = 2


@login_required
def job_list(request):
    page = paginate(request, selectors.jobs_of_person(request.user))
    for job in page:
        job.kind_label = _kind_label(job)
    return render(request, "jobs/job_list.html", {"page": page})


@login_required
def job_detail(request, pk):
    job = access.job_get_readable(request.user, pk)
    kind = job_kind(job.kind)
    return render(
        request,
        "jobs/job_detail.html",
        {
            "job": job,
            "kind_label": _kind_label(job),
            "result_url": kind.result_url(job) if kind and kind.result_url else "",
            "problems": paginate(request, job.problems, per_page=100),
            # Not while it is stopping already: asked once, the button has done its work.
            "can_cancel": access.job_can_cancel(request.user, job)
            and not job.finished
            and not job.cancelling,
            "refresh_seconds": None if job.finished else REFRESH_SECONDS,
            # Without JavaScript the page refreshes itself; a person can turn that off (WCAG
            # 2.2.1). With JavaScript, jobs/progress.js asks the status instead.
            "refresh_off": request.GET.get("refresh") == "off",
        },
    )


@login_required
def job_status(request, pk):
    job = access.job_get_readable(request.user, pk)
    # Plain text: the page's script puts it in with textContent.
    state = html.unescape(render_to_string("jobs/_state.html", {"job": job}, request=request))
    state = " ".join(state.split())
    return JsonResponse({**selectors.job_status(job), "statusText": state})


@login_required
@require_POST
def job_cancel(request, pk):
    job = access.job_get_readable(request.user, pk)
    require(access.job_can_cancel(request.user, job))
    try:
        job = services.cancel(job)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if job.status == job.Status.CANCELLED:
            messages.success(request, _("The job was cancelled."))
        else:
            messages.success(request, _("The job stops at its next step; nothing is saved."))
    return redirect("jobs:detail", pk=job.pk)


def _kind_label(job):
    kind = job_kind(job.kind)
    return kind.label if kind else job.kind


@login_required
def job_download(request, pk):
    """The job's file, for the person who started it and the organisation's administrators
    (anyone else: not found, as for the job itself)."""
    job = access.job_get_readable(request.user, pk)
    return job_file_response(job)


def job_file_response(job) -> FileResponse:
    """The job's file as an attachment under the name the work gave it; 404 when it has none
    (not finished, cancelled, or removed after its retention period)."""
    if not job.file or job.status != job.Status.DONE or not job.file.storage.exists(job.file.name):
        raise Http404("This job has no file (any more).")
    filename = job.result.get("filename") or job.file.name.rsplit("/", 1)[-1]
    response = FileResponse(job.file.open("rb"), as_attachment=True, filename=filename)
    if job.result.get("contentType"):
        response["Content-Type"] = job.result["contentType"]
    return response
