"""Innovation: the funnel of the last 12 months from the experiments' stage history (ideas →
experiments → scale decisions → in operation), conversion to practice, experiments stuck after
a pilot and the median days from idea to operation."""

import datetime as dt
import statistics

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from omslag.common import charts
from omslag.innovation.selectors import (
    experiments_stuck_after_pilot,
    funnel_window,
    funnel_window_stored,
)

from . import Chart, Freshness, Table, TileData

WINDOW_DAYS = 365


def innovation_compute(organisation_ids, as_of: dt.date, *, organisation) -> TileData:
    start = as_of - dt.timedelta(days=WINDOW_DAYS)
    freshness = []
    if as_of == timezone.localdate():
        # Today's funnel is stored (computed once, refreshed when the pipeline changes);
        # an earlier as-of date is counted from the stage history as it was then.
        stored = funnel_window_stored(
            organisation,
            with_children=list(organisation_ids) != [organisation.pk],
            day=as_of,
        )
        window = stored.figures
        freshness.append(
            Freshness(
                _("Innovation funnel (computed)"),
                timezone.localdate(stored.computed_at) if stored.computed_at else None,
                stale=stored.pending,
                warning=_("Being updated after a recent change to the pipeline.")
                if stored.pending
                else "",
            )
        )
    else:
        window = funnel_window(organisation_ids, start=start, end=as_of)
    # Counted in the database; the experiments themselves are in the decisions waiting.
    stuck = (
        experiments_stuck_after_pilot(organisation, today=as_of)
        .filter(organisation_id__in=organisation_ids)
        .count()
    )
    medians = window["days_to_operation"]
    conversion = (
        round(window["in_operation"] / window["experiments"] * 100, 1)
        if window["experiments"]
        else None
    )
    labels = [_("ideas"), _("experiments started"), _("scale decisions"), _("in operation")]
    values = [
        window["ideas"],
        window["experiments"],
        window["scaled"],
        window["in_operation"],
    ]
    chart = Chart(
        charts.funnel_bars(
            name="tile-innovation",
            labels=labels,
            values=values,
            notes=[""] * 4,
            x_label=_("number"),
        ),
        _("Funnel of the last 12 months: ")
        + ", ".join(f"{label} {value}" for label, value in zip(labels, values, strict=True)),
    )
    median = round(statistics.median(medians), 1) if medians else None
    return TileData(
        figures={
            "windowStart": start.isoformat(),
            "ideas": window["ideas"],
            "experiments": window["experiments"],
            "scaled": window["scaled"],
            "inOperation": window["in_operation"],
            "conversionToPractice": conversion,
            "stuckAfterPilot": stuck,
            "medianDaysIdeaToOperation": median,
        },
        summary=_(
            "In the 12 months up to %(as_of)s: %(ideas)s ideas, %(experiments)s experiments "
            "started, %(scaled)s scale decisions, %(operation)s into operation."
        )
        % {
            "as_of": date_format(as_of),
            "ideas": window["ideas"],
            "experiments": window["experiments"],
            "scaled": window["scaled"],
            "operation": window["in_operation"],
        },
        table=Table([_("Step"), _("Number")], [list(p) for p in zip(labels, values, strict=True)]),
        chart=chart,
        freshness=freshness,
    )


def innovation_link(organisation, with_children: bool) -> str:
    return reverse("innovation:funnel", args=[organisation.slug]) + (
        "?below=1" if with_children else "?below=0"
    )
