"""The board report as a job: the dashboard page queues it, a worker computes the dashboard
tile by tile (the job's progress names the section) and writes the file, which the person who
asked downloads from the job's page. The command line writes the file itself, or queues it."""

import datetime as dt

from django.http import Http404
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from omslag.common.errors import RuleViolation
from omslag.jobs import services as jobs

from .report import REPORT_FORMATS, report_filename, report_render
from .selectors import dashboard_for

JOB_BOARD_REPORT = "board-report"


def board_report_start(
    *, person, organisation, with_children: bool, as_of: dt.date | None, fmt: str, operator=False
):
    """Queue the board report of ``organisation`` in ``fmt``; the job. ``operator``: the
    command line, which reads every organisation."""
    if fmt not in REPORT_FORMATS:
        raise RuleViolation(
            _("Unknown format %(fmt)s; use one of %(formats)s.")
            % {"fmt": fmt, "formats": ", ".join(REPORT_FORMATS)}
        )
    return jobs.start(
        JOB_BOARD_REPORT,
        person=None if operator else person,
        organisation=organisation,
        with_children=bool(with_children),
        as_of=as_of.isoformat() if as_of else None,
        format=fmt,
        language=translation.get_language() or "nl",
        operator=operator,
    )


def board_report_run(work) -> dict:
    """The work: the dashboard tile by tile, then the file in the language of the request."""
    params = work.params
    if not params.get("operator") and (work.person is None or not work.person.is_active):
        raise jobs.JobFailed(_("The person who asked for this report no longer exists."))
    with translation.override(params.get("language") or "nl"):
        return _board_report_write(work, params)


def _board_report_write(work, params) -> dict:
    def step(done: int, total: int, title: str) -> None:
        # One step per tile, and the last for writing the file.
        jobs.progress(work, done, total + 1, message=title)

    try:
        board = dashboard_for(
            person=None if params.get("operator") else work.person,
            organisation=work.organisation,
            with_children=params["with_children"],
            as_of=dt.date.fromisoformat(params["as_of"]) if params.get("as_of") else None,
            progress=step,
        )
    except RuleViolation as error:
        raise jobs.JobFailed(error.message) from None
    except Http404:
        raise jobs.JobFailed(_("You may no longer read this organisation.")) from None
    fmt = params["format"]
    tiles = len(board.tiles)
    jobs.progress(
        work, tiles, tiles + 1, message=_("Writing the %(format)s") % {"format": fmt.upper()}
    )
    content, content_type = report_render(board, fmt)
    filename = report_filename(board, fmt)
    work.message = _("The board report is ready.")
    jobs.job_file_save(work, filename, content)
    return {"format": fmt, "filename": filename, "contentType": content_type}


def board_report_page(work) -> str:
    """The dashboard the report is of (the job page links back to it)."""
    query = "?below=1" if work.params.get("with_children") else ""
    return reverse("leadership:dashboard", args=[work.organisation.slug]) + query
