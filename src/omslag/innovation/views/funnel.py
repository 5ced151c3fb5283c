"""The funnel: how many experiments reached each stage, the conversion from one stage to the
next, the time spent in each, and what an innovation that reached operation cost."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from omslag.common import charts
from omslag.common.templatetags.formatting import euro
from omslag.organisations.access import organisation_get_readable
from omslag.organisations.selectors import organisation_context

from .. import access, selectors
from ..presentation import percentage


def funnel_summary(funnel: dict) -> str:
    rows = funnel["stages"]
    sentences = [
        _(
            "Of %(total)s experiments, %(operation)s reached operation (%(share)s) and "
            "%(stopped)s stopped."
        )
        % {
            "total": funnel["total"],
            "operation": rows[-1]["reached"],
            "share": percentage(funnel["share_in_operation"]),
            "stopped": funnel["stopped"],
        }
    ]
    steps = [
        (row, following)
        for row, following in zip(rows, rows[1:], strict=False)
        if row["conversion_to_next"] is not None
    ]
    if steps:
        row, following = min(steps, key=lambda step: step[0]["conversion_to_next"])
        sentences.append(
            _("The largest drop is from %(from)s to %(to)s: %(share)s go on.")
            % {
                "from": row["label"],
                "to": following["label"],
                "share": percentage(row["conversion_to_next"]),
            }
        )
    if funnel["budget_per_operation"] is not None:
        sentences.append(
            _("The budget of all experiments per experiment that reached operation: %(amount)s.")
            % {"amount": euro(funnel["budget_per_operation"])}
        )
    return " ".join(sentences)


def funnel_chart(funnel: dict) -> charts.Chart | None:
    if not funnel["total"]:
        return None
    rows = funnel["stages"]
    notes = [""] + [
        _("%(share)s of %(stage)s")
        % {"share": percentage(before["conversion_to_next"], 0), "stage": before["label"]}
        if before["conversion_to_next"] is not None
        else ""
        for before in rows[:-1]
    ]
    image = charts.funnel_bars(
        name="funnel",
        labels=[str(row["label"]).capitalize() for row in rows],
        values=[row["reached"] for row in rows],
        notes=notes,
        x_label=_("Experiments that reached the stage"),
    )
    alt = _(
        "Bar chart of the number of experiments that reached each stage, from idea at the top "
        "to in operation at the bottom, with the share that went on from the stage before. "
        "The numbers are in the table below."
    )
    return charts.Chart(image, alt, funnel_summary(funnel))


@login_required
@require_GET
def funnel(request, slug):
    organisation = organisation_get_readable(request.user, slug)
    stored = selectors.funnel_stored(organisation)
    recent, window = _recent_funnel(request, organisation)
    return render(
        request,
        "innovation/funnel.html",
        {
            **organisation_context(request.user, organisation, access.pipeline_can_change),
            "funnel": stored.figures,
            "chart": funnel_chart(stored.figures),
            "recent": recent,
            # The older of the two computations, and pending if either is.
            "computed_at": min(
                (t for t in (stored.computed_at, window.computed_at) if t), default=None
            ),
            "pending": stored.pending or window.pending,
        },
    )


def _recent_funnel(request, organisation):
    """The last 12 months up to today, from the stage history (stored); ``?below=0`` counts
    the organisation alone (the board dashboard's innovation tile links here)."""
    below = request.GET.get("below") != "0"
    end = timezone.localdate()
    start = end - dt.timedelta(days=365)
    window = selectors.funnel_window_stored(organisation, with_children=below, day=end)
    return {**window.figures, "start": start, "end": end, "below": below}, window
