"""The charts of the balance page, each with alt text and a summary computed from the same
data as its table. Presentation only: the figures come from the selectors and the analysis
core, the drawing from ``omslag.common.charts``."""

import math
from dataclasses import dataclass
from decimal import Decimal

from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from omslag.analysis.spend.time_position import HIGH_VALUE_THRESHOLD
from omslag.common import charts
from omslag.common.chartbins import SCATTER_MARKS_MAX
from omslag.common.templatetags.formatting import euro, percent, points, share

from . import figures, selectors
from .models import TimePosition
from .selectors import BASELINE

CATEGORY_STYLES = {
    # category: colour, hatch (bottom of the stack first)
    "run": (charts.BLUE, "/"),
    "change": (charts.ORANGE, "-"),
    "innovate": (charts.GREEN, "x"),
}
TIME_STYLES = {
    "invest": (charts.GREEN, "o"),
    "tolerate": (charts.LIGHT_BLUE, "s"),
    "migrate": (charts.ORANGE, "^"),
    "eliminate": (charts.MAGENTA, "D"),
}
SCENARIO_STYLES = [
    (charts.BLUE, "-", "s"),
    (charts.ORANGE, "-.", "^"),
    (charts.GREEN, (0, (3, 1, 1, 1, 1, 1)), "D"),
    (charts.MAGENTA, (0, (6, 2)), "v"),
    (charts.LIGHT_BLUE, (0, (2, 1, 2, 4)), "P"),
]
NO_CHANGE = BASELINE  # the key of the projection without changes (not a name)


def category_label(category: str) -> str:
    return {"run": _("run"), "change": _("change"), "innovate": _("innovate")}[category]


# --- balance --------------------------------------------------------------------------------


@dataclass
class BalanceRow:
    """One year of the balance as shown: actual spend, or the budget when there is none."""

    year: int
    kind: str
    split: object  # analysis SpendSplit

    @property
    def is_budget(self) -> bool:
        return self.kind == "budget"


def balance_rows(overview) -> list[BalanceRow]:
    return [
        BalanceRow(b.year, b.preferred_kind, b.split(b.preferred_kind)) for b in overview.balances
    ]


def target_percent(value) -> str:
    """A target bound as people write it: 65%, or 12,5% when it has a fraction."""
    value = float(value)
    return percent(value, 0 if value.is_integer() else 1)


def _bound_clause(bound) -> str:
    """How a share compares with one bound of the target, as a clause after its share."""
    values = {
        "target": target_percent(bound.target_share * 100),
        "points": points(abs(bound.difference_points)).lstrip("+\u2212"),
        "amount": euro(abs(bound.difference_amount)),
    }
    if bound.met:
        if bound.bound == "max":
            return _("within the target of at most %(target)s") % values
        return _("meeting the target of at least %(target)s") % values
    if bound.bound == "max":
        return (
            _("%(points)s points above the target of at most %(target)s (%(amount)s too much)")
            % values
        )
    return (
        _("%(points)s points below the target of at least %(target)s (%(amount)s short)") % values
    )


def balance_summary(rows: list[BalanceRow], overview) -> str:
    """One paragraph: the shares of the latest year with actuals against the target, the
    trend, and which years show budget."""
    if not rows:
        return ""
    latest = next((r for r in rows if r.year == overview.latest_year), rows[-1])
    bounds = {}
    if overview.gap is not None and overview.gap.year == latest.year:
        bounds = {(b.category, b.bound): b for b in overview.gap.bounds}
    spend = _("the budget") if latest.is_budget else _("actual spend")
    sentences = []
    for category in ("run", "innovate", "change"):
        values = {
            "year": latest.year,
            "category": category_label(category),
            "share": share(latest.split.share(category)),
            "spend": spend,
        }
        if category == "run":
            text = _("In %(year)s run was %(share)s of %(spend)s") % values
        else:
            text = _("%(category)s was %(share)s") % values
            text = capfirst(text)
        clauses = [_bound_clause(b) for (c, _b), b in bounds.items() if c == category]
        sentences.append(", ".join([text, *clauses]) + ".")
    actual_years = [r.year for r in rows if not r.is_budget]
    run_trend = overview.trends.get(("actual", "run"))
    innovate_trend = overview.trends.get(("actual", "innovate"))
    if run_trend is not None and innovate_trend is not None:
        sentences.append(
            _(
                "From %(first)s to %(last)s the run share moved %(run)s points a year and the "
                "innovate share %(innovate)s points a year."
            )
            % {
                "first": actual_years[0],
                "last": actual_years[-1],
                "run": points(run_trend, 2),
                "innovate": points(innovate_trend, 2),
            }
        )
    budget_years = [str(r.year) for r in rows if r.is_budget]
    if budget_years:
        sentences.append(
            ngettext(
                "%(years)s shows the budget, as it has no actual spend yet.",
                "%(years)s show the budget, as they have no actual spend yet.",
                len(budget_years),
            )
            % {"years": ", ".join(budget_years)}
        )
    return " ".join(sentences)


def balance_chart(rows: list[BalanceRow], overview) -> charts.Chart | None:
    if not rows:
        return None
    target = overview.target
    reference_lines = []
    if target is not None and target.run_max_percent is not None:
        reference_lines.append(
            charts.ReferenceLine(
                float(target.run_max_percent),
                _("target %(year)s: run at most %(p)s")
                % {"year": target.target_year, "p": target_percent(target.run_max_percent)},
            )
        )
    if target is not None and target.innovate_min_percent is not None:
        reference_lines.append(
            charts.ReferenceLine(
                100 - float(target.innovate_min_percent),
                _("target %(year)s: innovate at least %(p)s, met when the top band starts below")
                % {"year": target.target_year, "p": target_percent(target.innovate_min_percent)},
                linestyle=":",
            )
        )
    series = [
        charts.Series(
            label=category_label(category),
            values=[r.split.share(category) * 100 for r in rows],
            colour=CATEGORY_STYLES[category][0],
            hatch=CATEGORY_STYLES[category][1],
        )
        for category in ("run", "change", "innovate")
    ]
    image = charts.stacked_shares(
        name="balance",
        years=[r.year for r in rows],
        series=series,
        reference_lines=reference_lines,
        marked_years=[r.year for r in rows if r.is_budget],
        marked_label=_("budget"),
        x_label=_("Year"),
        y_label=_("Share of ICT spend"),
    )
    alt = _(
        "Stacked area chart of the run, change and innovate shares of ICT spend per year, "
        "%(first)s to %(last)s, with the target lines. The numbers are in the table below."
    ) % {"first": rows[0].year, "last": rows[-1].year}
    return charts.Chart(image, alt, balance_summary(rows, overview))


# --- TIME ---------------------------------------------------------------------------------


def time_label(position: str) -> str:
    return str(TimePosition(position).label)


def _round_down_nicely(value: float) -> float:
    if value <= 0:
        return 0.0
    magnitude = 10 ** math.floor(math.log10(value))
    return math.floor(value / magnitude) * magnitude


def time_summary(time) -> str:
    """``time``: the TIME figures (``figures.TimeFigures``) or the legacy risk, which has the
    same counts and run costs."""
    total = sum(time.time_counts.values())
    counts = ", ".join(
        f"{time.time_counts[p]} {time_label(p)}"
        for p in ("invest", "tolerate", "migrate", "eliminate")
    )
    text = ngettext("%(n)s application: %(counts)s.", "%(n)s applications: %(counts)s.", total) % {
        "n": total,
        "counts": counts,
    }
    all_run = sum(time.time_run_cost.values(), Decimal("0"))
    if time.run_cost_year is not None and all_run:
        text += " " + _(
            "Migrate and Eliminate applications cost %(amount)s in run spend in %(year)s, "
            "%(share)s of the run spend on applications."
        ) % {
            "amount": euro(time.migrate_eliminate_run_cost),
            "year": time.run_cost_year,
            "share": share(time.migrate_eliminate_run_cost / all_run),
        }
    return text


def time_chart(time: figures.TimeFigures) -> charts.Chart | None:
    """The TIME scatter: a marker per application when ``time`` holds them (a small estate),
    else a marker per score cell and TIME position (``time.cells``), as the chart itself
    would bin that many applications."""
    if not time.count:
        return None
    if time.applications is not None:
        points_ = [
            charts.Point(
                key=a.pk,
                x=a.technical_condition,
                y=a.business_value,
                size=float(a.run_cost or 0),
                group=a.time,
            )
            for a in time.applications
        ]
        binned = len(points_) > SCATTER_MARKS_MAX
        largest = max(p.size for p in points_)
    else:
        points_ = [
            charts.Point(
                key=(cell.time, cell.technical_condition, cell.business_value),
                x=cell.technical_condition,
                y=cell.business_value,
                size=float(cell.run_cost),
                group=cell.time,
                count=cell.count,
            )
            for cell in time.cells
        ]
        binned = True
        largest = 0.0  # a legend of counts, not of run cost
    groups = [
        charts.Group(p, time_label(p), *TIME_STYLES[p])
        for p in ("invest", "tolerate", "migrate", "eliminate")
    ]
    size_legend = []
    if largest > 0:
        top = _round_down_nicely(largest)
        size_legend = [(v, euro(v)) for v in (top / 10, top / 2, top) if v > 0]
    image = charts.scatter_quadrants(
        name="time",
        points=points_,
        cells=time.applications is None,
        groups=groups,
        x_label=_("Technical condition (1 poor – 5 good)"),
        y_label=_("Business value (1 low – 5 high)"),
        # Scores from the threshold up count as high value / good condition (3 of 1-5).
        divider=HIGH_VALUE_THRESHOLD - 0.5,
        quadrant_labels=[
            (1.5, 4.6, time_label("migrate")),
            (4.0, 4.6, time_label("invest")),
            (1.5, 1.4, time_label("eliminate")),
            (4.0, 1.4, time_label("tolerate")),
        ],
        size_legend=size_legend,
        size_legend_title=_("Run cost %(year)s") % {"year": time.run_cost_year}
        if time.run_cost_year
        else _("Run cost"),
        count_legend_title=_("Applications per marker"),
    )
    if binned:
        alt = _(
            "Scatter chart of %(n)s applications by technical condition (across) and business "
            "value (up), with the TIME quadrants; one marker per score and TIME position, the "
            "larger it is, the more applications it stands for, their number beside it. The "
            "counts per score are in the table below."
        ) % {"n": time.count}
    else:
        alt = _(
            "Scatter chart of %(n)s applications by technical condition (across) and business "
            "value (up), with the TIME quadrants; the larger a marker, the higher its run cost. "
            "The counts per score are in the table below."
        ) % {"n": time.count}
    return charts.Chart(image, alt, time_summary(time))


def time_grid(applications) -> list[tuple[int, list[dict]]]:
    """Applications per (business value, technical condition) cell, high value first: what
    the scatter chart shows, without the jitter."""
    cells = {}
    for application in applications:
        key = (application.business_value, application.technical_condition)
        cell = cells.setdefault(key, {"count": 0, "run_cost": Decimal("0")})
        cell["count"] += 1
        cell["run_cost"] += Decimal(application.run_cost or 0)
    return [
        (
            value,
            [
                cells.get((value, condition), {"count": 0, "run_cost": Decimal("0")})
                for condition in range(1, 6)
            ],
        )
        for value in range(5, 0, -1)
    ]


# --- scenarios ------------------------------------------------------------------------------


def scenario_label(name: str | None) -> str:
    return _("no change") if name is NO_CHANGE else name


def _unmet(projected) -> str:
    """What keeps a projected year from the target, e.g. 'run 65,4% (at most 65%)'."""
    parts = []
    for bound in projected.target_gap.bounds:
        if bound.met:
            continue
        values = {
            "category": category_label(bound.category),
            "share": share(bound.actual_share),
            "target": target_percent(bound.target_share * 100),
        }
        if bound.bound == "max":
            parts.append(_("%(category)s %(share)s (at most %(target)s)") % values)
        else:
            parts.append(_("%(category)s %(share)s (at least %(target)s)") % values)
    return ", ".join(parts)


def scenario_summary(projections: dict) -> str:
    """One paragraph: the base year, and per scenario when it meets the target or what keeps
    it from meeting it in the last year."""
    first = next(iter(projections.values()))
    target = first.target
    sentences = [
        _("In the base year %(year)s innovate is %(share)s of spend.")
        % {"year": first.base_year, "share": share(first.baseline.innovate_share)}
    ]
    for name, projection in projections.items():
        last = projection.years[-1]
        values = {
            "name": capfirst(scenario_label(name)),
            "share": share(last.split.innovate_share),
            "last": last.year,
            "year": projection.first_year_target_met,
        }
        if target is None:
            sentences.append(_("%(name)s: innovate %(share)s in %(last)s.") % values)
        elif projection.first_year_target_met is not None:
            sentences.append(
                _("%(name)s meets the target from %(year)s (innovate %(share)s in %(last)s).")
                % values
            )
        else:
            values["unmet"] = _unmet(last)
            sentences.append(
                _("%(name)s does not meet the target by %(last)s: %(unmet)s.") % values
            )
    return " ".join(sentences)


def scenario_chart(projections: dict) -> charts.Chart | None:
    """The innovate share per year of each projection (all on one base year and target)."""
    if not projections:
        return None
    first = next(iter(projections.values()))
    target = first.target
    years = [first.base_year] + [p.year for p in first.years]
    series = []
    style_index = 0
    for name, projection in projections.items():
        values = [projection.baseline.innovate_share * 100] + [
            p.split.innovate_share * 100 for p in projection.years
        ]
        if name is NO_CHANGE:
            colour, linestyle, marker = charts.GREY, ":", "o"
        else:
            colour, linestyle, marker = SCENARIO_STYLES[style_index % len(SCENARIO_STYLES)]
            style_index += 1
        series.append(charts.Series(scenario_label(name), values, colour, "", linestyle, marker))
    reference_lines = []
    if target is not None and target.innovate_min_share is not None:
        minimum = target.innovate_min_share * 100
        reference_lines.append(
            charts.ReferenceLine(
                minimum,
                _("target %(year)s: innovate at least %(p)s")
                % {"year": target.year, "p": target_percent(minimum)},
            )
        )
    image = charts.lines(
        name="scenarios",
        x=years,
        series=series,
        reference_lines=reference_lines,
        x_label=_("Year"),
        y_label=_("Innovate share of ICT spend"),
    )
    alt = _(
        "Line chart of the innovate share per year from %(first)s to %(last)s for each "
        "scenario and for no change, with the target line. The numbers are in the table below."
    ) % {"first": years[0], "last": years[-1]}
    return charts.Chart(image, alt, scenario_summary(projections))


# --- the balance page's charts for a selection ------------------------------------------------


@dataclass
class BalancePage:
    """The figures of the balance page for one selection and the charts drawn from them."""

    overview: object
    balance_state: object
    rows: list[BalanceRow]
    risk: object
    risk_state: object
    scenarios: list
    projections: dict
    scenario_error: str
    balance_chart: charts.Chart | None
    time_chart: charts.Chart | None
    scenario_chart: charts.Chart | None

    @property
    def charts(self) -> list[charts.ChartImage]:
        shown = (self.balance_chart, self.time_chart, self.scenario_chart)
        return [chart.image for chart in shown if chart is not None]


def balance_page(organisation, *, include_children: bool = True) -> BalancePage:
    """The balance page of ``organisation`` (with those below it when ``include_children``):
    the one function its view and the drawing ahead (``common.chartwarm``) build it with."""
    # Each chart is made as soon as its figures are read: a request for one chart (which
    # stops when that chart is made, common.chartimages) reads no figures of the charts after it.
    overview, balance_state = figures.balance_overview_stored(
        organisation, include_children=include_children
    )
    rows = balance_rows(overview)
    balance = balance_chart(rows, overview)
    time = time_chart(figures.time_figures_stored(organisation, SCATTER_MARKS_MAX)[0])
    risk, risk_state = figures.legacy_risk_stored(organisation)
    scenarios = list(selectors.scenarios_of(organisation))
    try:
        projections = selectors.scenario_comparison(
            organisation, scenarios, items=figures.spend_items_stored(organisation)
        )
        scenario_error = ""
    except ValueError as error:
        projections, scenario_error = {}, str(error)
    return BalancePage(
        overview=overview,
        balance_state=balance_state,
        rows=rows,
        risk=risk,
        risk_state=risk_state,
        scenarios=scenarios,
        projections=projections,
        scenario_error=scenario_error,
        balance_chart=balance,
        time_chart=time,
        scenario_chart=scenario_chart(projections),
    )
