"""The maturity scan's tile on the board dashboard: the latest closed round's median per
dimension, the disagreement flags and the change against the round before. Registered from
``MaturityConfig.ready`` through the dashboard's tile registry, so the dashboard knows nothing
of the scan."""

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from omslag.common import charts
from omslag.common.templatetags.formatting import number
from omslag.leadership.tiles import Chart, Freshness, Table, Tile, TileData, tile_register

from . import selectors


def maturity_compute(organisation_ids, as_of: dt.date, *, organisation) -> TileData:
    """The scan of the organisation itself (the board's own), whether or not the dashboard is
    rolled up over the organisations below it."""
    ordered = [organisation.pk, *[i for i in organisation_ids if i != organisation.pk]]
    summary = selectors.maturity_board_summary(organisation_ids=ordered[:1], as_of=as_of)
    if summary is None:
        return TileData(
            figures={"roundId": None, "respondents": 0, "dimensions": []},
            summary=_("No closed maturity scan round yet."),
            freshness=[Freshness(_("Maturity scan"), None, stale=False)],
        )
    dimensions = summary.dimensions
    # A dimension without a median (no answer of the round falls in it) is a row with a dash,
    # left out of the chart and of the lowest.
    scored = [d for d in dimensions if d.median is not None]
    rows = [
        [
            d.label,
            "–" if d.median is None else d.median,
            "–" if d.minimum is None else f"{number(d.minimum, 1)}–{number(d.maximum, 1)}",
            _("yes") if d.disagreement else _("no"),
            "–" if d.previous_median is None else d.previous_median,
        ]
        for d in dimensions
    ]
    lowest = min(scored, key=lambda d: d.median) if scored else None
    image = charts.funnel_bars(
        name="tile-maturity",
        labels=[d.label for d in scored],
        values=[d.median for d in scored],
        notes=[
            ""
            if d.previous_median is None
            else _("before: %(median)s") % {"median": f"{d.previous_median:g}"}
            for d in scored
        ],
        x_label=_("median score (1-5)"),
    )
    alt = _("Bar chart of the median maturity score per dimension: ") + "; ".join(
        f"{d.label} {d.median:g}" for d in scored
    )
    return TileData(
        figures={
            "roundId": summary.round_id,
            "round": summary.title,
            "closedOn": summary.closed_on,
            "respondents": summary.respondents,
            "dimensions": [
                {
                    "code": d.code,
                    "median": d.median,
                    "lowest": None if d.minimum is None else float(d.minimum),
                    "highest": None if d.maximum is None else float(d.maximum),
                    "disagreement": d.disagreement,
                    "previousMedian": d.previous_median,
                }
                for d in dimensions
            ],
        },
        summary=_(
            "%(title)s (closed %(closed)s, %(respondents)s respondents): lowest median "
            "%(median)s on %(dimension)s."
        )
        % {
            "title": summary.title,
            "closed": summary.closed_on.isoformat(),
            "respondents": summary.respondents,
            "median": f"{lowest.median:g}" if lowest else "–",
            "dimension": lowest.label if lowest else "–",
        },
        table=Table(
            [_("Dimension"), _("Median"), _("Spread"), _("Disagreement"), _("Round before")],
            rows,
        ),
        chart=Chart(image, alt),
        freshness=[Freshness(_("Maturity scan"), summary.closed_on)],
    )


def maturity_link(organisation, with_children: bool) -> str:
    return reverse("maturity:rounds", args=[organisation.slug])


def maturity_tile_register() -> None:
    tile_register(
        Tile(
            "maturity",
            lambda: gettext_lazy("Digital maturity"),
            60,
            maturity_compute,
            maturity_link,
            "maturity/board_tile.html",
        )
    )
