"""The charts of the project pages, each with alt text and a summary computed from the same
data as its table. Presentation only: the figures come from the selectors and the analysis
core, the drawing from ``omslag.common.charts``."""

import statistics
from dataclasses import dataclass

import numpy as np
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from omslag.analysis.projects import (
    AMBER_COST_CHANGE_PCT,
    AMBER_END_DATE_SHIFT_MONTHS,
    RED_COST_CHANGE_PCT,
    RED_END_DATE_SHIFT_MONTHS,
)
from omslag.common import charts
from omslag.common.chartbins import SCATTER_MARKS_MAX

from . import selectors, services
from .models import ReferenceClass
from .templatetags.projects_format import money, signed_months, signed_percent

# colour category: chart colour, marker (the same shapes as the badges in the pages)
COLOUR_STYLES = {
    "green": (charts.GREEN, "o"),
    "amber": (charts.ORANGE, "^"),
    "red": (charts.RED, "s"),
}
COLOUR_ORDER = ("red", "amber", "green")
SCATTER_Y_TICKS = (-100, -50, -25, 0, 10, 25, 50, 100, 200, 500, 1000, 2000, 5000)
RATIO_TICKS = (0.1, 0.25, 0.5, 1, 1.5, 2, 3, 5, 10, 20, 50)
PX_PER_INCH = 96  # an SVG of N inches is N x 96 CSS pixels


@dataclass
class Chart:
    image: charts.ChartImage  # the chart: its address in the page
    alt: str
    summary: str
    width: int
    height: int


def _chart(image, alt, summary, size) -> Chart:
    return Chart(image, alt, summary, round(size[0] * PX_PER_INCH), round(size[1] * PX_PER_INCH))


def colour_label(colour: str) -> str:
    return {"green": _("green"), "amber": _("amber"), "red": _("red")}.get(colour, _("none"))


def short_number(value: float) -> str:
    """1, 1,5 or 0,25: as few decimals as the value needs (at most two)."""
    for decimals in (0, 1, 2):
        if abs(value * 10**decimals - round(value * 10**decimals)) < 1e-9:
            break
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def _day(value) -> str:
    return date_format(value, "j F Y") if value else "—"


def _month(value) -> str:
    return date_format(value, "F Y") if value else "—"


# --- one project --------------------------------------------------------------------------


def cost_chart(project, figures, reports) -> Chart | None:
    """The cost estimate at every report the figures rest on, against the original baseline."""
    if figures is None or len(reports) < 2:
        return None
    size = (5.4, 3.8)
    original = figures.against_original
    image = charts.values_over_dates(
        name="cost",
        dates=[r.peildatum for r in reports],
        values=[float(r.total_cost_estimate) / 1e6 for r in reports],
        baseline=float(original.baseline_cost) / 1e6,
        baseline_label=_("original baseline"),
        series_label=_("cost estimate"),
        marked=[False] + [r.is_rebaseline for r in reports[1:]],
        marked_label=_("re-baseline"),
        x_label=_("Peildatum"),
        y_label=_("Million %(currency)s") % {"currency": project.currency},
        y_format=short_number,
        from_zero=True,
        size=size,
    )
    alt = _(
        "Line chart of the total cost estimate at %(n)s reports, from %(first)s to %(last)s, "
        "with the original baseline as a dashed line. The numbers are in the table below."
    ) % {
        "n": len(reports),
        "first": _day(reports[0].peildatum),
        "last": _day(reports[-1].peildatum),
    }
    summary = _(
        "The cost estimate went from %(original)s at the original baseline (%(first)s) to "
        "%(current)s at %(last)s: %(pct)s."
    ) % {
        "original": money(original.baseline_cost, project.currency),
        "first": _day(original.baseline_peildatum),
        "current": money(figures.total_cost_estimate, project.currency),
        "last": _day(figures.peildatum),
        "pct": signed_percent(original.cost_change_pct),
    }
    if figures.rebaseline_count:
        summary += " " + ngettext(
            "There was %(n)s re-baseline; the change since the last one is %(pct)s.",
            "There were %(n)s re-baselines; the change since the last one is %(pct)s.",
            figures.rebaseline_count,
        ) % {
            "n": figures.rebaseline_count,
            "pct": signed_percent(figures.against_last_rebaseline.cost_change_pct),
        }
    return _chart(image, alt, summary, size)


def end_date_chart(project, figures, reports) -> Chart | None:
    """The estimated end date at every report, against the original end date."""
    dated = [r for r in reports if r.estimated_end_date]
    original = figures.against_original if figures else None
    if original is None or original.baseline_end_date is None or len(dated) < 2:
        return None
    size = (5.4, 3.8)
    image = charts.values_over_dates(
        name="end-date",
        dates=[r.peildatum for r in dated],
        values=[r.estimated_end_date for r in dated],
        baseline=original.baseline_end_date,
        baseline_label=_("original end date"),
        series_label=_("estimated end date"),
        marked=[False] + [r.is_rebaseline for r in dated[1:]],
        marked_label=_("re-baseline"),
        x_label=_("Peildatum"),
        y_label=_("Estimated end date"),
        size=size,
    )
    alt = _(
        "Line chart of the estimated end date at %(n)s reports, with the original end date as "
        "a dashed line. The dates are in the table below."
    ) % {"n": len(dated)}
    summary = _(
        "The estimated end date moved from %(original)s (original baseline) to %(current)s: "
        "%(shift)s."
    ) % {
        "original": _month(original.baseline_end_date),
        "current": _month(figures.estimated_end_date),
        "shift": signed_months(original.end_date_shift_months),
    }
    return _chart(image, alt, summary, size)


# --- the portfolio ------------------------------------------------------------------------


def colour_summary(counts: dict[str, int]) -> str:
    """'Of 766 projects: 79 red, 14 amber and 661 green. 12 have no report yet.'"""
    total = sum(counts.values())
    if not total:
        return ""
    text = ngettext(
        "Of %(total)s project: %(red)s red, %(amber)s amber and %(green)s green.",
        "Of %(total)s projects: %(red)s red, %(amber)s amber and %(green)s green.",
        total,
    ) % {
        "total": total,
        "red": counts.get("red", 0),
        "amber": counts.get("amber", 0),
        "green": counts.get("green", 0),
    }
    if counts.get("none"):
        text += " " + ngettext(
            "%(n)s has no report yet.", "%(n)s have no report yet.", counts["none"]
        ) % {"n": counts["none"]}
    return text


def scatter_rows(projects) -> list[dict]:
    """Projects per cost-change band (rows) and end-date-shift band (columns): the scatter
    chart as a table of counts."""
    bands = cost_change_bands()
    columns = shift_bands()
    table = {(b[0], c[0]): 0 for b in bands for c in columns}
    for project in projects:
        row = next(b for b in bands if _within(project.cost_change_pct, b))
        column = next(c for c in columns if _within(project.end_date_shift_months, c))
        table[(row[0], column[0])] += 1
    return [
        {"label": band[0], "counts": [table[(band[0], column[0])] for column in columns]}
        for band in bands
    ]


def _within(value, band) -> bool:
    _label, low, high = band
    return (low is None or value >= low) and (high is None or value < high)


def cost_change_bands():
    """(label, from inclusive, to exclusive) of the cost change against the original, split
    at the colour thresholds."""
    amber, red = AMBER_COST_CHANGE_PCT, RED_COST_CHANGE_PCT
    return [
        (_("lower"), None, 0),
        (_("0 to %(amber)s%%") % {"amber": short_number(amber)}, 0, amber),
        (
            _("%(amber)s to %(red)s%%") % {"amber": short_number(amber), "red": short_number(red)},
            amber,
            red,
        ),
        (_("%(red)s to 100%%") % {"red": short_number(red)}, red, 100),
        (_("%(p)s%% or more") % {"p": 100}, 100, None),
    ]


def shift_bands():
    """(label, from inclusive, to exclusive) of the end-date shift in whole months, split at
    the colour thresholds ("more than 3 months" starts at 3 whole months and a day)."""
    amber, red = AMBER_END_DATE_SHIFT_MONTHS, RED_END_DATE_SHIFT_MONTHS
    return [
        (_("earlier"), None, 0),
        (_("0 to %(amber)s months") % {"amber": amber}, 0, amber + 1),
        (_("%(low)s to %(red)s months") % {"low": amber + 1, "red": red}, amber + 1, red + 1),
        (_("more than %(red)s months") % {"red": red}, red + 1, None),
    ]


def scatter_summary(scatter) -> str:
    projects = scatter.projects
    if not projects:
        return ""
    costs = [p.cost_change_pct for p in projects]
    shifts = [p.end_date_shift_months for p in projects]
    values = {
        "n": len(projects),
        "higher": sum(1 for c in costs if c > 0),
        "later": sum(1 for s in shifts if s > 0),
        "cost": signed_percent(statistics.median(costs)),
        "shift": signed_months(round(statistics.median(shifts))),
        "both": sum(
            1
            for p in projects
            if p.cost_change_pct >= RED_COST_CHANGE_PCT
            and p.end_date_shift_months > RED_END_DATE_SHIFT_MONTHS
        ),
    }
    return " ".join(
        (
            ngettext(
                "The chart shows %(n)s project.", "The chart shows %(n)s projects.", len(projects)
            )
            % values,
            _(
                "Against their original baseline, %(higher)s of them cost more and %(later)s end "
                "later; the median change is %(cost)s in cost and %(shift)s in end date. "
                "%(both)s of them are beyond both red thresholds."
            )
            % values,
        )
    )


def scatter_chart(scatter) -> Chart | None:
    if not scatter.projects:
        return None
    size = (8.0, 5.6)
    points = [
        charts.Point(
            key=p.pk,
            x=p.end_date_shift_months,
            y=p.cost_change_pct,
            size=1.0,
            group=p.colour or "none",
        )
        for p in scatter.projects
    ]
    groups = [
        charts.Group(colour, colour_label(colour), *COLOUR_STYLES[colour])
        for colour in COLOUR_ORDER
    ]
    grey = charts.GREY
    image = charts.scatter_with_lines(
        name="scatter",
        points=points,
        groups=groups,
        x_lines=[
            charts.ReferenceLine(0, "", grey, "-"),
            charts.ReferenceLine(
                AMBER_END_DATE_SHIFT_MONTHS,
                _("amber: %(n)s months") % {"n": AMBER_END_DATE_SHIFT_MONTHS},
                charts.ORANGE,
                "--",
            ),
            charts.ReferenceLine(
                RED_END_DATE_SHIFT_MONTHS,
                _("red: %(n)s months") % {"n": RED_END_DATE_SHIFT_MONTHS},
                charts.RED,
                "--",
            ),
        ],
        y_lines=[
            charts.ReferenceLine(0, "", grey, "-"),
            charts.ReferenceLine(
                AMBER_COST_CHANGE_PCT,
                _("amber: +%(p)s%%") % {"p": short_number(AMBER_COST_CHANGE_PCT)},
                charts.ORANGE,
                "--",
            ),
            charts.ReferenceLine(
                RED_COST_CHANGE_PCT,
                _("red: +%(p)s%%") % {"p": short_number(RED_COST_CHANGE_PCT)},
                charts.RED,
                "--",
            ),
        ],
        x_label=_("End-date shift against the original baseline (months)"),
        y_label=_("Cost change against the original baseline"),
        y_ticks=SCATTER_Y_TICKS,
        y_symlog_from=100,
        y_format=lambda v: short_number(v) + "%",
        count_legend_title=_("Projects per marker"),
        size=size,
    )
    alt = _(
        "Scatter chart of %(n)s projects: the end-date shift in months across, the cost change "
        "in percent up (linear to 100%%, logarithmic above), one marker shape per status "
        "colour, with lines at the thresholds. The counts are in the table below."
    ) % {"n": len(scatter.projects)}
    if len(points) > SCATTER_MARKS_MAX:
        alt += " " + _(
            "Projects close together share one marker; the larger it is, the more projects it "
            "stands for."
        )
    return _chart(image, alt, scatter_summary(scatter), size)


def histogram_bins(values, count: int, *, log: bool = False, include=()):
    """(edges, counts) of ``count`` equal-width bins (equal on a log scale when ``log``) over
    the values and the points in ``include`` (e.g. an estimate drawn as a line)."""
    values = np.asarray(values, dtype=float)
    low = min(float(values.min()), *include) if include else float(values.min())
    high = max(float(values.max()), *include) if include else float(values.max())
    if log:
        low = max(low, high / 1e4, 1e-3)  # ratios of 0 are counted in the first bin
        if high <= low:
            high = low * 1.1
        edges = np.geomspace(low * 0.98, high * 1.02, count + 1)
        values = np.clip(values, edges[0], edges[-1])
    else:
        if high <= low:
            low, high = low - 0.5, high + 0.5
        margin = (high - low) * 0.02
        edges = np.linspace(low - margin, high + margin, count + 1)
    counts, edges = np.histogram(values, bins=edges)
    return [float(e) for e in edges], [int(c) for c in counts]


def bin_rows(edges, counts) -> list[tuple[float, float, int]]:
    return [(edges[i], edges[i + 1], counts[i]) for i in range(len(counts))]


def portfolio_fan_chart(result, reference_class, currency_label: str):
    """The distribution of the simulated portfolio total, with P50/P80/P90 and the estimate."""
    size = (8.0, 4.8)
    totals = result.totals / 1e6
    estimate = result.total_estimate / 1e6
    edges, counts = histogram_bins(totals, 40, include=(estimate,))
    p50, p80, p90 = (value / 1e6 for value in result.values)

    def mark(label, value):
        return _("%(label)s: %(value)s million") % {
            "label": label,
            "value": short_number(round(value)),
        }

    marks = [
        charts.ReferenceLine(estimate, mark(_("current estimate"), estimate), charts.INK, "-"),
        charts.ReferenceLine(p50, mark("P50", p50), charts.BLUE, "--"),
        charts.ReferenceLine(p80, mark("P80", p80), charts.ORANGE, "-."),
        charts.ReferenceLine(p90, mark("P90", p90), charts.MAGENTA, ":"),
    ]
    image = charts.histogram(
        name="fan",
        edges=edges,
        counts=counts,
        marks=marks,
        x_label=_("Total cost of the running projects (million %(currency)s)")
        % {"currency": currency_label},
        y_label=_("Simulations"),
        bars_label=_("simulated totals"),
        x_format=lambda v: short_number(round(v)),
        size=size,
    )
    alt = _(
        "Histogram of %(iterations)s simulated totals of %(n)s running projects, with the "
        "current estimate and the P50, P80 and P90 as vertical lines. The numbers are in the "
        "table below."
    ) % {"iterations": result.iterations, "n": result.project_count}
    summary = _(
        "With the reference class %(name)s, the %(n)s running projects, now estimated at "
        "%(estimate)s together, end at %(p50)s or less in half of the simulations (P50), "
        "%(p80)s or less in 80%% (P80) and %(p90)s or less in 90%% (P90). In %(over)s of the "
        "simulations the total is above the current estimate."
    ) % {
        "name": reference_class.name,
        "n": result.project_count,
        "estimate": money(result.total_estimate, currency_label),
        "p50": money(result.values[0], currency_label),
        "p80": money(result.values[1], currency_label),
        "p90": money(result.values[2], currency_label),
        "over": number_format(result.probability_over_estimate * 100, decimal_pos=0) + "%",
    }
    return _chart(image, alt, summary, size), bin_rows(edges, counts)


# --- a reference class ----------------------------------------------------------------------


def ratio_chart(reference_class, ratios, quantiles):
    """The distribution of the later/earlier ratios of a class on a log scale."""
    size = (8.0, 4.8)
    count = int(min(30, max(8, round(2 * len(ratios) ** 0.5))))
    edges, counts = histogram_bins(ratios, count, log=True)
    p50, p80, p90 = (quantiles.ratio_quantiles[i] for i in (4, 7, 8))
    image = charts.histogram(
        name="ratios",
        edges=edges,
        counts=counts,
        marks=[
            charts.ReferenceLine(1.0, _("no change (1)"), charts.INK, "-"),
            charts.ReferenceLine(p50, f"P50: {short_number(round(p50, 2))}", charts.BLUE, "--"),
            charts.ReferenceLine(p80, f"P80: {short_number(round(p80, 2))}", charts.ORANGE, "-."),
            charts.ReferenceLine(p90, f"P90: {short_number(round(p90, 2))}", charts.MAGENTA, ":"),
        ],
        x_label=_("Later estimate ÷ earlier estimate (logarithmic scale)"),
        y_label=_("Projects"),
        bars_label=_("projects per ratio"),
        log_x=True,
        x_ticks=RATIO_TICKS,
        x_format=short_number,
        size=size,
    )
    alt = _(
        "Histogram of the later-to-earlier ratios of %(n)s projects on a logarithmic scale, "
        "with no change, P50, P80 and P90 as vertical lines. The quantiles and the bins are "
        "in the tables below."
    ) % {"n": len(ratios)}
    summary = _(
        "Of %(n)s projects, %(lower)s ended below their earlier estimate and %(over)s (%(share)s) "
        "ended 50%% or more above it. Half ended at %(p50)s times the earlier estimate or "
        "less; 80%% at %(p80)s or less; the largest ratio is %(max)s."
    ) % {
        "n": len(ratios),
        "lower": int(np.sum(np.asarray(ratios) < 1)),
        "over": int(np.sum(np.asarray(ratios) >= 1.5)),
        "share": number_format(quantiles.probability_overrun_50 * 100, decimal_pos=0) + "%",
        "p50": short_number(round(p50, 2)),
        "p80": short_number(round(p80, 2)),
        "max": short_number(round(float(np.max(ratios)), 2)),
    }
    return _chart(image, alt, summary, size), bin_rows(edges, counts)


# --- the project portfolio page's charts for a selection --------------------------------------

# A fixed seed: the page shows the same figures every time it is opened; the forecast API and
# ``omslag forecast`` read the same stored forecast (``selectors.forecast_selection``).
PORTFOLIO_ITERATIONS = selectors.STORED_FORECAST_ITERATIONS
PORTFOLIO_SEED = selectors.STORED_FORECAST_SEED


@dataclass
class PortfolioPage:
    """The scatter and the Monte Carlo forecast of the project portfolio page for one selection
    (a reference class, with or without the projects no longer reported), with their charts."""

    scatter: object
    scatter_chart: Chart | None
    forecast: dict

    @property
    def charts(self) -> list[charts.ChartImage]:
        shown = (self.scatter_chart, self.forecast["chart"])
        return [chart.image for chart in shown if chart is not None]


def portfolio_page(
    organisation, *, reference_class: str = "", include_no_longer_reported: bool = False
) -> PortfolioPage:
    """The project portfolio page of ``organisation``: the one function its view and the
    drawing ahead (``common.chartwarm``) build its charts with. ``reference_class`` is the
    code a reader chose (the shipped class when empty or unknown)."""
    scatter = selectors.portfolio_scatter(organisation, limit=selectors.SCATTER_LIMIT)
    # Built first: a request for the scatter's image ends here (``ChartWanted``), before the
    # forecast's reads, which that chart does not need.
    scatter_image = scatter_chart(scatter)
    shipped = services.reference_class_shipped()  # created on first use
    classes = [
        c
        for c in selectors.reference_classes_usable(organisation)
        if c.kind == ReferenceClass.Kind.COST
    ]
    chosen = None
    if reference_class:
        chosen = selectors.reference_class_choice(organisation, reference_class)
    chosen = chosen or shipped
    box = {
        "classes": classes,
        "chosen": chosen,
        "result": None,
        "chart": None,
        "bins": [],
        "include_no_longer_reported": include_no_longer_reported,
        "no_longer_reported": selectors.no_longer_reported_count(organisation),
    }
    forecast = selectors.portfolio_forecast_stored(
        organisation,
        chosen,
        iterations=PORTFOLIO_ITERATIONS,
        seed=PORTFOLIO_SEED,
        include_no_longer_reported=include_no_longer_reported,
    )
    box["computed_at"], box["pending"] = forecast.computed_at, forecast.pending
    # Every amount in the reporting currency at a stated rate, or nothing added at all.
    box["currency"], box["rates"] = forecast.currency, forecast.rates
    box["unconverted"], box["problem"] = forecast.unconverted, forecast.problem
    if forecast.result is not None:  # else no running project with an estimate, or no rate
        box["result"] = forecast.result
        box["chart"], box["bins"] = portfolio_fan_chart(forecast.result, chosen, forecast.currency)
    return PortfolioPage(scatter=scatter, scatter_chart=scatter_image, forecast=box)
