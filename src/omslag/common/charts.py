"""Server-side charts: matplotlib draws SVG, served as a separate resource for an ``<img>``.

A chart function returns a ``ChartImage`` (``common.chartimages``): in a page its address is
the page's own with ``?chart=<name>``, so the page's rights apply to it, and it is drawn only
when that address is asked for, once per change of its data. The Content-Security-Policy
allows images from the site itself only, and no inline script or style, so a chart is a
self-contained picture. Every chart must come with alt text, a text summary and its data as a
table in the page; this module only draws. Colour is never the only cue: series also differ
by hatch, line style or marker. The output is deterministic (fixed SVG ids, no date), so the
same data gives the same bytes. matplotlib is imported on first use: it takes about a second
to load and most requests draw no chart. Charts with more marks than a reader can tell apart
are aggregated first (``common.chartbins``), so a picture stays small whatever the data.
"""

import functools
import hashlib
import io
import math
import re
import sys
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from . import chartlayout
from .chartbins import SCATTER_MARKS_MAX, grid_cells, score_cells, top_with_rest
from .chartimages import ChartImage

# Colours with at least 4.5:1 contrast on white, told apart by hue and lightness; the same
# colour in a series always comes with its own hatch, line style or marker.
BLUE = "#1f4e79"
ORANGE = "#a14d05"
GREEN = "#1b6e35"
MAGENTA = "#8e0152"
LIGHT_BLUE = "#2166ac"
GREY = "#4d4d4d"
INK = "#1a1a1a"

_RC = {
    "svg.hashsalt": "omslag",  # fixed ids for clip paths and glyphs: same data, same bytes
    "svg.fonttype": "path",  # glyphs as paths: the picture does not depend on installed fonts
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.edgecolor": GREY,
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "hatch.linewidth": 1.2,
    "legend.frameon": False,
}


@dataclass
class Chart:
    """A chart as a page shows it: the image (its address in the page, drawn when asked for),
    its alt text and a summary of what it shows, from the same data as its table."""

    image: ChartImage
    alt: str
    summary: str = ""


@dataclass(frozen=True)
class Series:
    """One named row of values (``None`` for a gap) and how to tell it apart without colour."""

    label: str
    values: Sequence[float | None]
    colour: str
    hatch: str = ""
    linestyle: str = "-"
    marker: str = "o"


@dataclass(frozen=True)
class ReferenceLine:
    """A horizontal line such as a target, labelled on the chart itself."""

    value: float
    label: str
    colour: str = INK
    linestyle: str = "--"


@dataclass(frozen=True)
class Group:
    """A category of points in a scatter chart (e.g. a TIME position)."""

    key: str
    label: str
    colour: str
    marker: str


@dataclass(frozen=True)
class Point:
    key: object  # stable identity: seeds the jitter
    x: float
    y: float
    size: float  # a quantity; the marker area is proportional to it
    group: str
    count: int = 1  # how many points this one stands for (after score_cells)


def drawing(draw):
    """Makes ``draw(**arguments) -> SVG text`` a chart function: it takes the chart's ``name``
    (unique in its page) and the same keyword arguments (plain values and the dataclasses
    above), and returns a ``ChartImage`` that is drawn only when its picture is asked for."""

    @functools.wraps(draw)
    def chart(*, name: str, **arguments) -> ChartImage:
        return ChartImage(name, draw, arguments)

    return chart


def _matplotlib():
    import matplotlib

    # The non-interactive Agg backend: never a GUI, whatever else imports pyplot. Figures are
    # built with matplotlib.figure.Figure, not pyplot, so no global state is shared between
    # the threads of a server.
    if matplotlib.get_backend().lower() != "agg":
        matplotlib.use("Agg")
    return matplotlib


def _figure(width: float = 9.0, height: float = 4.6):
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=100, layout="constrained")
    return figure, figure.add_subplot()


def _percent_formatter():
    from matplotlib.ticker import PercentFormatter

    return PercentFormatter(decimals=0)


_INDENT = re.compile(r"\n[ \t]+")
_PRECISION = re.compile(r"(?<![\d.])([1-9]\d*\.\d\d)\d+")


def _svg(figure) -> str:
    matplotlib = _matplotlib()
    buffer = io.StringIO()
    # The layout of the same frame is worked out once (common.chartlayout); the key names the
    # chart function that called, so two kinds of chart never share a layout.
    key = chartlayout.layout_key(figure, sys._getframe(1).f_code.co_qualname)
    if key is not None:
        chartlayout.lay_out(figure, key)
    with matplotlib.rc_context({"svg.hashsalt": _RC["svg.hashsalt"]}):
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    # matplotlib indents its SVG and writes coordinates to a millionth of a point: neither
    # shows on a screen, and together they are a sixth of a chart's bytes. Only numbers of a
    # whole point or more are cut to hundredths (scale factors below 1, such as a glyph's,
    # keep every digit). Glyphs are paths: there is no text whose spaces would count.
    return _PRECISION.sub(r"\1", _INDENT.sub("\n", buffer.getvalue()))


def _style(axes, *, x_label: str, y_label: str) -> None:
    axes.set_xlabel(x_label)
    axes.set_ylabel(y_label)
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="y", color="#c8d0d8", linewidth=0.6)
    axes.set_axisbelow(True)


def _wrap(label: str, width: int = 30) -> str:
    return "\n".join(textwrap.wrap(label, width)) or label


def _reference_lines(axes, lines: Sequence[ReferenceLine]) -> list:
    """Draw the lines; their labels go in the legend (wrapped), where no language's longer
    words can run off the picture."""
    return [
        axes.axhline(
            line.value,
            color=line.colour,
            linestyle=line.linestyle,
            linewidth=1.8,
            label=_wrap(line.label),
        )
        for line in lines
    ]


def _legend(axes, handles, **options):
    return axes.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(1.01, 1),
        borderaxespad=0,
        labelspacing=0.9,
        **options,
    )


@drawing
def stacked_shares(
    *,
    years: Sequence[int],
    series: Sequence[Series],
    reference_lines: Sequence[ReferenceLine] = (),
    marked_years: Sequence[int] = (),
    marked_label: str = "",
    x_label: str,
    y_label: str,
) -> str:
    """Stacked areas of percentages (0-100) per year, bottom series first; ``marked_years``
    are shaded and labelled (e.g. years that show budget, not actual spend)."""
    matplotlib = _matplotlib()
    with matplotlib.rc_context(_RC):
        figure, axes = _figure()
        bottom = [0.0] * len(years)
        areas = []
        for item in series:
            values = [v or 0.0 for v in item.values]
            top = [b + v for b, v in zip(bottom, values, strict=True)]
            area = axes.fill_between(
                years,
                bottom,
                top,
                facecolor=item.colour,
                hatch=item.hatch,
                hatchcolor="white",
                edgecolor="white",
                linewidth=1.5,
                label=_wrap(item.label),
            )
            areas.append(area)
            bottom = top
        for year in marked_years:
            axes.axvspan(year - 0.5, year + 0.5, facecolor="white", alpha=0.45, linewidth=0)
            axes.annotate(
                marked_label,
                xy=(year, 101),
                ha="center",
                va="bottom",
                color=INK,
                fontstyle="italic",
                annotation_clip=False,
            )
        axes.set_xlim(min(years) - (0.5 if marked_years else 0), max(years) + 0.5)
        axes.set_ylim(0, 100)
        axes.set_xticks(list(years))
        axes.yaxis.set_major_formatter(_percent_formatter())
        _style(axes, x_label=x_label, y_label=y_label)
        targets = _reference_lines(axes, reference_lines)
        # Top band first, as stacked; then the target lines.
        _legend(axes, [*reversed(areas), *targets], handlelength=2.6, handleheight=1.8)
        return _svg(figure)


@drawing
def lines(
    *,
    x: Sequence[int],
    series: Sequence[Series],
    reference_lines: Sequence[ReferenceLine] = (),
    x_label: str,
    y_label: str,
    percent: bool = True,
) -> str:
    """One line per series, with its own line style and marker."""
    matplotlib = _matplotlib()
    with matplotlib.rc_context(_RC):
        figure, axes = _figure()
        plotted = []
        for item in series:
            (line,) = axes.plot(
                x,
                [float("nan") if v is None else v for v in item.values],
                color=item.colour,
                linestyle=item.linestyle,
                marker=item.marker,
                markersize=6,
                linewidth=2,
                label=_wrap(item.label),
            )
            plotted.append(line)
        values = [v for item in series for v in item.values if v is not None]
        values += [line.value for line in reference_lines]
        top = max(values, default=1.0)
        axes.set_ylim(0, top * 1.15 if top > 0 else 1)
        axes.set_xlim(min(x) - 0.3, max(x) + 0.3)
        axes.set_xticks(list(x))
        if percent:
            axes.yaxis.set_major_formatter(_percent_formatter())
        _style(axes, x_label=x_label, y_label=y_label)
        targets = _reference_lines(axes, reference_lines)
        _legend(axes, [*plotted, *targets], handlelength=3)
        return _svg(figure)


def jitter(key: object, spread: float = 0.28) -> tuple[float, float]:
    """A small offset in [-spread, spread] for both axes, the same for the same key in every
    process (Python's hash() of a string changes per process)."""
    digest = hashlib.blake2b(repr(key).encode(), digest_size=4).digest()
    return tuple((byte / 255 * 2 - 1) * spread for byte in digest[:2])  # type: ignore[return-value]


def scatter_quadrants(
    *,
    name: str,
    points: Sequence[Point],
    groups: Sequence[Group],
    x_label: str,
    y_label: str,
    divider: float,
    quadrant_labels: Sequence[tuple[float, float, str]] = (),
    size_legend: Sequence[tuple[float, str]] = (),
    size_legend_title: str = "",
    count_legend_title: str = "",
    scale: tuple[int, int] = (1, 5),
    cells: bool = False,
) -> ChartImage:
    """Points on two whole-number scores, jittered so equal scores stay visible, with the
    marker area proportional to ``size``, quadrant lines at ``divider`` and one legend for the
    groups and one for the sizes. More than ``SCATTER_MARKS_MAX`` points are drawn as one
    marker per score cell and group, its area proportional to the number of points it stands
    for, that number written beside it and the legend titled ``count_legend_title``.
    ``cells``: the points are such cells already (as ``score_cells`` makes them, each with its
    ``count``), counted and summed ahead, e.g. in stored figures."""
    binned = cells or len(points) > SCATTER_MARKS_MAX
    return _scatter_quadrants(
        name=name,
        points=list(points) if cells else score_cells(points) if binned else list(points),
        binned=binned,
        groups=groups,
        x_label=x_label,
        y_label=y_label,
        divider=divider,
        quadrant_labels=quadrant_labels,
        size_legend=() if binned else size_legend,
        size_legend_title=count_legend_title if binned else size_legend_title,
        scale=scale,
    )


def _nice_counts(largest: int) -> list[int]:
    """Up to three round numbers for a legend of counts, the largest not above ``largest``."""
    top = 10 ** (len(str(largest)) - 1)
    top = max(m * top for m in (1, 2, 5) if m * top <= largest)
    return sorted({max(1, top // 10), max(1, top // 2), top})


# Where the markers of the four groups sit inside a score cell, when drawn per cell.
_CELL_OFFSETS = ((-0.22, 0.2), (0.22, 0.2), (-0.22, -0.2), (0.22, -0.2))


@drawing
def _scatter_quadrants(
    *,
    points: Sequence[Point],
    binned: bool,
    groups: Sequence[Group],
    x_label: str,
    y_label: str,
    divider: float,
    quadrant_labels: Sequence[tuple[float, float, str]],
    size_legend: Sequence[tuple[float, str]],
    size_legend_title: str,
    scale: tuple[int, int],
) -> str:
    matplotlib = _matplotlib()
    from matplotlib.lines import Line2D

    def measure(point: Point) -> float:
        return point.count if binned else point.size

    largest = max((measure(p) for p in points), default=0) or 1.0
    if binned:
        size_legend = [(v, f"{v}") for v in _nice_counts(int(largest))]

    def area(size: float) -> float:
        return 12 + 480 * size / largest

    with matplotlib.rc_context(_RC):
        figure, axes = _figure(9.0, 6.0)
        low, high = scale
        for x_text, y_text, text in quadrant_labels:
            axes.text(
                x_text, y_text, text, ha="center", va="center", fontsize=15,
                color="#66768a", fontweight="bold", zorder=0,
            )  # fmt: skip
        for index, group in enumerate(groups):
            members = [p for p in points if p.group == group.key]
            if not members:
                continue
            if binned:
                offset = _CELL_OFFSETS[index % len(_CELL_OFFSETS)]
                offsets = [offset] * len(members)
            else:
                offsets = [jitter(p.key) for p in members]
            xs = [p.x + dx for p, (dx, _dy) in zip(members, offsets, strict=True)]
            ys = [p.y + dy for p, (_dx, dy) in zip(members, offsets, strict=True)]
            axes.scatter(
                xs,
                ys,
                s=[area(measure(p)) for p in members],
                c=group.colour,
                marker=group.marker,
                alpha=0.75,
                edgecolors="white",
                linewidths=0.8,
                label=f"{group.label} ({sum(p.count for p in members)})" if binned else group.label,
                zorder=2,
            )
            if binned:
                for point, x, y in zip(members, xs, ys, strict=True):
                    # Inside the Axes by construction (a score cell's marker, 9 points
                    # above the cell's edge): no part of the layout, which then stays the same
                    # when only the counts change (common.chartlayout).
                    axes.annotate(
                        f"{point.count}", xy=(x, y), xytext=(0, -9), textcoords="offset points",
                        ha="center", va="top", fontsize=7, color=INK, zorder=3,
                    ).set_in_layout(False)  # fmt: skip
        axes.axvline(divider, color=INK, linewidth=1.2, linestyle="--")
        axes.axhline(divider, color=INK, linewidth=1.2, linestyle="--")
        axes.set_xlim(low - 0.5, high + 0.5)
        axes.set_ylim(low - 0.5, high + 0.5)
        axes.set_xticks(range(low, high + 1))
        axes.set_yticks(range(low, high + 1))
        _style(axes, x_label=x_label, y_label=y_label)
        axes.grid(axis="both", color="#e1e6eb", linewidth=0.6)
        group_legend = _legend(axes, None, markerscale=0.8)
        for handle in group_legend.legend_handles:
            handle.set_sizes([90])
        if size_legend:
            axes.add_artist(group_legend)
            handles = [
                Line2D(
                    [],
                    [],
                    linestyle="none",
                    marker="o",
                    markerfacecolor="none",
                    markeredgecolor=INK,
                    markersize=area(value) ** 0.5,
                    label=label,
                )  # fmt: skip
                for value, label in size_legend
            ]
            axes.legend(
                handles=handles,
                title=size_legend_title,
                loc="lower left",
                bbox_to_anchor=(1.01, 0),
                borderaxespad=0,
                labelspacing=1.3,
                borderpad=0.8,
            )
        return _svg(figure)


# --- charts of the large-ICT-project pages ---------------------------------------------------

RED = "#9b1c1c"


def _vertical_lines(axes, lines: Sequence[ReferenceLine]) -> None:
    """Vertical reference lines, each labelled along its top end."""
    for line in lines:
        axes.axvline(line.value, color=line.colour, linestyle=line.linestyle, linewidth=1.4)
        if line.label:
            axes.annotate(
                line.label,
                xy=(line.value, 1),
                xycoords=("data", "axes fraction"),
                xytext=(3, -3),
                textcoords="offset points",
                ha="left",
                va="top",
                rotation=90,
                color=line.colour,
                fontsize=9,
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"},
            )


def _tick_formatter(format_value):
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda value, _position: format_value(value))


def _date_ticks(axis, limits) -> None:
    """At most about six ticks on a date axis, on the first of a month (labelled 2026-03) or
    of a year (labelled 2026): the same text in every language, and never the same label
    twice."""
    import math

    from matplotlib.dates import DateFormatter, MonthLocator, YearLocator

    months = max(1.0, (limits[1] - limits[0]) / 30.44)
    step = max(1, math.ceil(months / 6))
    if step >= 12:
        axis.set_major_locator(YearLocator(base=math.ceil(step / 12)))
        axis.set_major_formatter(DateFormatter("%Y"))
    else:
        axis.set_major_locator(MonthLocator(interval=step))
        axis.set_major_formatter(DateFormatter("%Y-%m"))


@drawing
def values_over_dates(
    *,
    dates: Sequence,
    values: Sequence,
    baseline,
    baseline_label: str,
    series_label: str,
    marked: Sequence[bool] = (),
    marked_label: str = "",
    x_label: str,
    y_label: str,
    y_format=None,
    from_zero: bool = False,
    size: tuple[float, float] = (5.4, 3.6),
) -> str:
    """One value per report date (an amount, or itself a date such as an estimated end date),
    as a line with markers, and the ``baseline`` as a dashed line. Points flagged in
    ``marked`` (e.g. re-baselines) get a larger diamond marker of their own in the legend.
    ``y_format`` turns a y value into tick text (e.g. in the reader's language)."""
    matplotlib = _matplotlib()
    from matplotlib.dates import DateFormatter

    with matplotlib.rc_context(_RC):
        figure, axes = _figure(*size)
        axes.plot(
            dates,
            values,
            color=BLUE,
            linestyle="-",
            marker="o",
            markersize=6,
            linewidth=2,
            label=series_label,
            zorder=3,
        )
        flagged = [(d, v) for d, v, m in zip(dates, values, marked, strict=False) if m]
        if flagged:
            axes.plot(
                [d for d, _v in flagged],
                [v for _d, v in flagged],
                linestyle="none",
                marker="D",
                markersize=9,
                markerfacecolor="white",
                markeredgecolor=ORANGE,
                markeredgewidth=2,
                label=marked_label,
                zorder=4,
            )
        if baseline is not None:
            axes.axhline(
                baseline, color=INK, linestyle="--", linewidth=1.4, label=baseline_label, zorder=2
            )
        if from_zero:
            axes.set_ylim(bottom=0, top=max([*values, baseline or 0]) * 1.12 or 1)
        axes.margins(x=0.08, y=0.12)
        if len(dates) <= 6:
            axes.set_xticks(list(dates))
            axes.xaxis.set_major_formatter(DateFormatter("%Y-%m"))
        else:
            _date_ticks(axes.xaxis, axes.get_xlim())
        if y_format is not None:
            axes.yaxis.set_major_formatter(_tick_formatter(y_format))
        elif not from_zero:
            _date_ticks(axes.yaxis, axes.get_ylim())
        for label in axes.get_xticklabels():
            label.set_rotation(30)
            label.set_horizontalalignment("right")
        _style(axes, x_label=x_label, y_label=y_label)
        axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.32), ncols=3, fontsize=9)
        return _svg(figure)


def scatter_with_lines(
    *,
    name: str,
    points: Sequence[Point],
    groups: Sequence[Group],
    x_lines: Sequence[ReferenceLine] = (),
    y_lines: Sequence[ReferenceLine] = (),
    x_label: str,
    y_label: str,
    y_ticks: Sequence[float] = (),
    y_symlog_from: float | None = None,
    y_format=None,
    count_legend_title: str = "",
    size: tuple[float, float] = (8.0, 5.6),
) -> ChartImage:
    """Points on two continuous axes, one marker shape and colour per group, with vertical
    and horizontal reference lines (thresholds). With ``y_symlog_from`` the y axis is linear
    up to that value and logarithmic beyond it, so a few very large values do not squash
    the rest. More than ``SCATTER_MARKS_MAX`` points are drawn as one marker per grid cell
    and group (at the mean of its points, its area by their number, a legend of numbers
    titled ``count_legend_title``)."""
    binned = len(points) > SCATTER_MARKS_MAX
    if binned:
        points = grid_cells(points, y_linear_to=y_symlog_from)
    return _scatter_with_lines(
        name=name,
        points=list(points),
        binned=binned,
        groups=groups,
        x_lines=x_lines,
        y_lines=y_lines,
        x_label=x_label,
        y_label=y_label,
        y_ticks=y_ticks,
        y_symlog_from=y_symlog_from,
        y_format=y_format,
        count_legend_title=count_legend_title,
        size=size,
    )


@drawing
def _scatter_with_lines(
    *,
    points: Sequence[Point],
    binned: bool,
    groups: Sequence[Group],
    x_lines: Sequence[ReferenceLine],
    y_lines: Sequence[ReferenceLine],
    x_label: str,
    y_label: str,
    y_ticks: Sequence[float],
    y_symlog_from: float | None,
    y_format,
    count_legend_title: str,
    size: tuple[float, float],
) -> str:
    matplotlib = _matplotlib()
    from matplotlib.lines import Line2D

    largest = max((p.count for p in points), default=1)

    def area(count: float) -> float:
        # Six sizes only, each drawn as one collection: matplotlib then writes the marker's
        # shape once per size and a short reference per marker, instead of a path per marker.
        return 16 + 400 * math.ceil(6 * count / largest) / 6 if binned else 42

    with matplotlib.rc_context(_RC):
        figure, axes = _figure(*size)
        for group in groups:
            members = [p for p in points if p.group == group.key]
            if not members:
                continue
            label = f"{group.label} ({sum(p.count for p in members)})"
            for marker_area in sorted({area(p.count) for p in members}):
                sized = [p for p in members if area(p.count) == marker_area]
                axes.scatter(
                    [p.x for p in sized],
                    [p.y for p in sized],
                    s=marker_area,
                    c=group.colour,
                    marker=group.marker,
                    alpha=0.8,
                    edgecolors="white",
                    linewidths=0.7,
                    label=label,
                    zorder=3,
                )
                label = "_nolegend_"
        if y_symlog_from is not None:
            axes.set_yscale("symlog", linthresh=y_symlog_from, linscale=2)
        for line in y_lines:
            axes.axhline(line.value, color=line.colour, linestyle=line.linestyle, linewidth=1.4)
        if y_lines:
            right = axes.get_xlim()[1]
            for line in y_lines:
                if line.label:
                    axes.annotate(
                        line.label,
                        xy=(right, line.value),
                        xytext=(-3, 3),
                        textcoords="offset points",
                        ha="right",
                        va="bottom",
                        color=line.colour,
                        fontsize=9,
                        bbox={
                            "boxstyle": "round,pad=0.15",
                            "facecolor": "white",
                            "edgecolor": "none",
                        },
                    )
        _vertical_lines(axes, x_lines)
        if y_ticks:
            low, high = axes.get_ylim()
            axes.set_yticks([t for t in y_ticks if low <= t <= high])
        if y_format is not None:
            axes.yaxis.set_major_formatter(_tick_formatter(y_format))
        _style(axes, x_label=x_label, y_label=y_label)
        axes.grid(axis="x", color="#e1e6eb", linewidth=0.6)
        group_legend = axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), borderaxespad=0)
        if binned:
            for handle in group_legend.legend_handles:
                handle.set_sizes([60])
            axes.add_artist(group_legend)
            axes.legend(
                handles=[
                    Line2D(
                        [],
                        [],
                        linestyle="none",
                        marker="o",
                        markerfacecolor="none",
                        markeredgecolor=INK,
                        markersize=area(value) ** 0.5,
                        label=f"{value}",
                    )  # fmt: skip
                    for value in _nice_counts(largest)
                ],
                title=count_legend_title,
                loc="lower left",
                bbox_to_anchor=(1.01, 0),
                borderaxespad=0,
                labelspacing=1.3,
                borderpad=0.8,
            )
        return _svg(figure)


@drawing
def histogram(
    *,
    edges: Sequence[float],
    counts: Sequence[int],
    marks: Sequence[ReferenceLine] = (),
    x_label: str,
    y_label: str,
    bars_label: str = "",
    log_x: bool = False,
    x_ticks: Sequence[float] = (),
    x_format=None,
    size: tuple[float, float] = (8.0, 4.2),
) -> str:
    """Bars of counts between ``edges`` (computed by the caller, who shows the same bins as a
    table) and vertical marks (quantiles, an estimate) told apart by line style in a legend."""
    matplotlib = _matplotlib()
    with matplotlib.rc_context(_RC):
        figure, axes = _figure(*size)
        axes.stairs(
            counts,
            edges,
            fill=True,
            facecolor=LIGHT_BLUE,
            edgecolor="white",
            linewidth=0.8,
            alpha=0.85,
            label=bars_label or None,
        )
        if log_x:
            axes.set_xscale("log")
        for mark in marks:
            axes.axvline(
                mark.value,
                color=mark.colour,
                linestyle=mark.linestyle,
                linewidth=2,
                label=mark.label,
            )
        axes.set_xlim(edges[0], edges[-1])
        if x_ticks:
            axes.set_xticks([t for t in x_ticks if edges[0] <= t <= edges[-1]])
            axes.xaxis.set_minor_formatter(_tick_formatter(lambda _v: ""))
        elif not log_x:
            from matplotlib.ticker import MaxNLocator

            axes.xaxis.set_major_locator(MaxNLocator(nbins=7))
        if x_format is not None:
            axes.xaxis.set_major_formatter(_tick_formatter(x_format))
        _style(axes, x_label=x_label, y_label=y_label)
        # Below the plot, so that long labels (with their values) leave the plot its width.
        axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=3, fontsize=9)
        return _svg(figure)


# --- charts of the innovation pipeline pages -------------------------------------------------


@dataclass(frozen=True)
class Interval:
    """An estimate with its confidence interval; an open end (one-sided interval) is None."""

    label: str
    estimate: float
    low: float | None
    high: float | None


def _zero_line(axes, label: str, *, vertical: bool) -> None:
    line = axes.axvline if vertical else axes.axhline
    line(0, color=INK, linestyle="--", linewidth=1.3, label=label, zorder=1)


@drawing
def effect_intervals(
    *,
    rows: Sequence[Interval],
    x_label: str,
    zero_label: str,
    estimate_label: str,
    interval_label: str,
    x_format=None,
) -> str:
    """Each estimate as a point with its interval as a horizontal line, one row per estimate
    (top to bottom in the given order), and a dashed line at zero: no effect. An open end of
    an interval runs to the edge of the chart with an arrow."""
    matplotlib = _matplotlib()
    finite = [0.0]
    for row in rows:
        finite += [v for v in (row.estimate, row.low, row.high) if v is not None]
    low_limit, high_limit = min(finite), max(finite)
    margin = (high_limit - low_limit) * 0.12 or 1.0
    low_limit, high_limit = low_limit - margin, high_limit + margin
    with matplotlib.rc_context(_RC):
        figure, axes = _figure(8.0, 1.6 + 0.55 * len(rows))
        positions = list(range(len(rows), 0, -1))
        for position, row in zip(positions, rows, strict=True):
            left = row.low if row.low is not None else low_limit
            right = row.high if row.high is not None else high_limit
            axes.plot(
                [left, right],
                [position, position],
                color=BLUE,
                linewidth=3,
                solid_capstyle="butt",
                label=interval_label if position == positions[0] else None,
                zorder=2,
            )
            for end, open_end, marker in (
                (left, row.low is None, "<"),
                (right, row.high is None, ">"),
            ):
                axes.plot(
                    [end],
                    [position],
                    marker=marker if open_end else "|",
                    markersize=12 if not open_end else 8,
                    markeredgewidth=2,
                    color=BLUE,
                    zorder=2,
                )
            axes.plot(
                [row.estimate],
                [position],
                linestyle="none",
                marker="D",
                markersize=9,
                markerfacecolor="white",
                markeredgecolor=ORANGE,
                markeredgewidth=2.2,
                label=estimate_label if position == positions[0] else None,
                zorder=3,
            )
        _zero_line(axes, zero_label, vertical=True)
        axes.set_xlim(low_limit, high_limit)
        axes.set_ylim(0.4, len(rows) + 0.6)
        axes.set_yticks(positions)
        axes.set_yticklabels([row.label for row in rows])
        if x_format is not None:
            axes.xaxis.set_major_formatter(_tick_formatter(x_format))
        _style(axes, x_label=x_label, y_label="")
        axes.grid(axis="y", visible=False)
        axes.grid(axis="x", color="#c8d0d8", linewidth=0.6)
        axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), borderaxespad=0)
        return _svg(figure)


@drawing
def confidence_band(
    *,
    x: Sequence[float],
    estimates: Sequence[float],
    lows: Sequence[float],
    highs: Sequence[float],
    x_label: str,
    y_label: str,
    estimate_label: str,
    band_label: str,
    zero_label: str,
    y_format=None,
) -> str:
    """An estimate per look (a line with markers) inside its band (hatched area between the
    low and high bounds), and a dashed line at zero."""
    matplotlib = _matplotlib()
    with matplotlib.rc_context(_RC):
        figure, axes = _figure(7.2, 4.2)
        axes.fill_between(
            x,
            lows,
            highs,
            facecolor="#dbe6f2",
            edgecolor=LIGHT_BLUE,
            hatch="//",
            linewidth=1.0,
            label=band_label,
            zorder=1,
        )
        axes.plot(
            x,
            estimates,
            color=ORANGE,
            marker="o",
            markersize=6,
            linewidth=2,
            label=estimate_label,
            zorder=3,
        )
        _zero_line(axes, zero_label, vertical=False)
        axes.margins(x=0.05)
        if len(x) <= 12:
            axes.set_xticks(list(x))
        if y_format is not None:
            axes.yaxis.set_major_formatter(_tick_formatter(y_format))
        _style(axes, x_label=x_label, y_label=y_label)
        axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=3)
        return _svg(figure)


def funnel_bars(
    *,
    name: str,
    labels: Sequence[str],
    values: Sequence[int],
    notes: Sequence[str],
    x_label: str,
) -> ChartImage:
    """Horizontal bars from the first stage (top) to the last, each with its count and a
    note (such as the conversion from the stage before) written after it. More than
    ``BARS_MAX`` bars: the largest ones in their order, and one bar for the rest."""
    kept, rest = top_with_rest(values)
    shown_labels = [labels[i] for i in kept]
    shown_values = [values[i] for i in kept]
    shown_notes = [notes[i] for i in kept]
    if rest:
        shown_labels.append(_("the rest (%(n)s more)") % {"n": len(rest)})
        shown_values.append(sum(values[i] for i in rest))
        shown_notes.append("")
    return _funnel_bars(
        name=name, labels=shown_labels, values=shown_values, notes=shown_notes, x_label=x_label
    )


@drawing
def _funnel_bars(
    *,
    labels: Sequence[str],
    values: Sequence[int],
    notes: Sequence[str],
    x_label: str,
) -> str:
    matplotlib = _matplotlib()
    with matplotlib.rc_context(_RC):
        figure, axes = _figure(8.0, 1.2 + 0.5 * len(labels))
        positions = list(range(len(labels), 0, -1))
        axes.barh(
            positions,
            values,
            height=0.65,
            color=LIGHT_BLUE,
            edgecolor=BLUE,
            hatch="//",
            linewidth=1.0,
            zorder=2,
        )
        largest = max(values, default=0) or 1
        for position, value, note in zip(positions, values, notes, strict=True):
            text = f"{value}" + (f"  ({note})" if note else "")
            axes.annotate(
                text,
                xy=(value, position),
                xytext=(5, 0),
                textcoords="offset points",
                va="center",
                ha="left",
                color=INK,
            )
        axes.set_xlim(0, largest * 1.45)
        axes.set_yticks(positions)
        axes.set_yticklabels(labels)
        from matplotlib.ticker import MaxNLocator

        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        _style(axes, x_label=x_label, y_label="")
        axes.grid(axis="y", visible=False)
        axes.grid(axis="x", color="#c8d0d8", linewidth=0.6)
        return _svg(figure)


@drawing
def share_bars(
    *,
    labels: Sequence[str],
    shares: Sequence[float | None],
    notes: Sequence[str],
    x_label: str,
) -> str:
    """Horizontal bars of percentages (0-100), one per label from the top, each with its
    value and a note (such as "12 / 20") written after it."""
    matplotlib = _matplotlib()
    with matplotlib.rc_context(_RC):
        figure, axes = _figure(8.0, 1.2 + 0.5 * len(labels))
        positions = list(range(len(labels), 0, -1))
        values = [share or 0.0 for share in shares]
        axes.barh(
            positions,
            values,
            height=0.65,
            color=GREEN,
            edgecolor=INK,
            hatch="\\\\",
            linewidth=1.0,
            zorder=2,
        )
        for position, value, note in zip(positions, values, notes, strict=True):
            axes.annotate(
                f"{value:.0f}%" + (f"  ({note})" if note else ""),
                xy=(value, position),
                xytext=(5, 0),
                textcoords="offset points",
                va="center",
                ha="left",
                color=INK,
            )
        axes.set_xlim(0, 135)
        axes.set_xticks([0, 25, 50, 75, 100])
        axes.set_yticks(positions)
        axes.set_yticklabels(labels)
        _style(axes, x_label=x_label, y_label="")
        axes.grid(axis="y", visible=False)
        axes.grid(axis="x", color="#c8d0d8", linewidth=0.6)
        return _svg(figure)


def preload() -> None:
    """Import matplotlib and draw nothing: for server start-up, so the first request with a
    chart does not pay for the import and its objects can be frozen (see omslag.wsgi)."""
    _matplotlib()
    from matplotlib.backends import backend_svg  # noqa: F401
    from matplotlib.figure import Figure  # noqa: F401
