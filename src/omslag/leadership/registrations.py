"""The board's section on the organisation page, and the board report's job."""

from django.utils.translation import gettext_lazy

from omslag.common.chartwarm import chart_page_register
from omslag.common.sections import (
    RegisterLink,
    organisation_link_register,
    organisation_section_register,
)
from omslag.jobs.kinds import JobKind, job_kind_register
from omslag.organisations.models import Organisation

from . import report_job
from .selectors import dashboard_for

organisation_section_register("board", gettext_lazy("Board"), 5)
organisation_link_register(
    RegisterLink(
        section="board",
        url_name="leadership:dashboard",
        label=gettext_lazy("Board dashboard"),
        description=gettext_lazy(
            "Balance, legacy, large projects, innovation and safeguards on one page, the "
            "decisions waiting, and the board report."
        ),
        order=10,
    )
)
job_kind_register(
    JobKind(
        key=report_job.JOB_BOARD_REPORT,
        label=gettext_lazy("Board report"),
        run=report_job.board_report_run,
        result_url=report_job.board_report_page,
    )
)


def _dashboard_charts(slug: str):
    """The board dashboard's charts in its default selection (the organisation alone, today)."""
    organisation = Organisation.objects.get(slug=slug)
    dashboard = dashboard_for(
        person=None, organisation=organisation, with_children=False, as_of=None
    )
    return [tile.data.chart.image for tile in dashboard.tiles if tile.data.chart is not None]


# Its page with charts: drawn ahead after the stored figures change (common.chartwarm).
chart_page_register("leadership:dashboard", _dashboard_charts)
