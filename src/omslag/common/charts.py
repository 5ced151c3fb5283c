"""Server-side charts: matplotlib draws SVG, returned as a ``data:`` URI for an ``<img>``.

The Content-Security-Policy allows images from ``data:`` but no inline script or style, so a
chart is a self-contained picture. Every chart must come with alt text, a text summary and its
data as a table in the page; this module only draws. Colour is never the only cue: series also
differ by hatch, line style or marker. The output is deterministic (fixed SVG ids, no date),
so the same data gives the same bytes. matplotlib is imported on first use: it takes about a
second to load and most requests draw no chart.
"""

import base64
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass

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


def _matplotlib():
    import matplotlib

    # The non-interactive Agg backend: never a GUI, whatever else imports pyplot. Figures are
    # built with matplotlib.figure.Figure, not pyplot, so no global state is shared between
    # the threads of a server.
    if matplotlib.get_backend().lower() != "agg":
        matplotlib.use("Agg")
    return matplotlib


def _figure(width: float = 8.0, height: float = 4.6):
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=100, layout="constrained")
    return figure, figure.add_subplot()


def _percent_formatter():
    from matplotlib.ticker import PercentFormatter

    return PercentFormatter(decimals=0)


def _data_uri(figure) -> str:
    matplotlib = _matplotlib()
    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": _RC["svg.hashsalt"]}):
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _style(axes, *, x_label: str, y_label: str) -> None:
    axes.set_xlabel(x_label)
    axes.set_ylabel(y_label)
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="y", color="#c8d0d8", linewidth=0.6)
    axes.set_axisbelow(True)


def _reference_lines(axes, lines: Sequence[ReferenceLine], x_end: float) -> None:
    for line in lines:
        axes.axhline(line.value, color=line.colour, linestyle=line.linestyle, linewidth=1.6)
        axes.annotate(
            line.label,
            xy=(x_end, line.value),
            xytext=(-4, 4),
            textcoords="offset points",
            ha="right",
            va="bottom",
            color=line.colour,
            fontweight="bold",
            bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none"},
        )


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
        for item in series:
            values = [v or 0.0 for v in item.values]
            top = [b + v for b, v in zip(bottom, values, strict=True)]
            axes.fill_between(
                years,
                bottom,
                top,
                facecolor=item.colour,
                hatch=item.hatch,
                hatchcolor="white",
                edgecolor="white",
                linewidth=1.5,
                label=item.label,
            )
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
        _reference_lines(axes, reference_lines, max(years) + 0.5)
        axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), reverse=True, borderaxespad=0)
        return _data_uri(figure)


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
        for item in series:
            axes.plot(
                x,
                [float("nan") if v is None else v for v in item.values],
                color=item.colour,
                linestyle=item.linestyle,
                marker=item.marker,
                markersize=6,
                linewidth=2,
                label=item.label,
            )
        values = [v for item in series for v in item.values if v is not None]
        values += [line.value for line in reference_lines]
        top = max(values, default=1.0)
        axes.set_ylim(0, top * 1.15 if top > 0 else 1)
        axes.set_xlim(min(x) - 0.3, max(x) + 0.3)
        axes.set_xticks(list(x))
        if percent:
            axes.yaxis.set_major_formatter(_percent_formatter())
        _style(axes, x_label=x_label, y_label=y_label)
        _reference_lines(axes, reference_lines, max(x) + 0.3)
        axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), borderaxespad=0)
        return _data_uri(figure)


def jitter(key: object, spread: float = 0.28) -> tuple[float, float]:
    """A small offset in [-spread, spread] for both axes, the same for the same key in every
    process (Python's hash() of a string changes per process)."""
    digest = hashlib.blake2b(repr(key).encode(), digest_size=4).digest()
    return tuple((byte / 255 * 2 - 1) * spread for byte in digest[:2])  # type: ignore[return-value]


def scatter_quadrants(
    *,
    points: Sequence[Point],
    groups: Sequence[Group],
    x_label: str,
    y_label: str,
    divider: float,
    quadrant_labels: Sequence[tuple[float, float, str]] = (),
    size_legend: Sequence[tuple[float, str]] = (),
    size_legend_title: str = "",
    scale: tuple[int, int] = (1, 5),
) -> str:
    """Points on two whole-number scores, jittered so equal scores stay visible, with the
    marker area proportional to ``size``, quadrant lines at ``divider`` and one legend for the
    groups and one for the sizes."""
    matplotlib = _matplotlib()
    from matplotlib.lines import Line2D

    largest = max((p.size for p in points), default=0) or 1.0

    def area(size: float) -> float:
        return 12 + 480 * size / largest

    with matplotlib.rc_context(_RC):
        figure, axes = _figure(8.0, 6.0)
        low, high = scale
        for x_text, y_text, text in quadrant_labels:
            axes.text(
                x_text, y_text, text, ha="center", va="center", fontsize=15,
                color="#8a9aa9", fontweight="bold", zorder=0,
            )  # fmt: skip
        for group in groups:
            members = [p for p in points if p.group == group.key]
            if not members:
                continue
            offsets = [jitter(p.key) for p in members]
            axes.scatter(
                [p.x + dx for p, (dx, _dy) in zip(members, offsets, strict=True)],
                [p.y + dy for p, (_dx, dy) in zip(members, offsets, strict=True)],
                s=[area(p.size) for p in members],
                c=group.colour,
                marker=group.marker,
                alpha=0.75,
                edgecolors="white",
                linewidths=0.8,
                label=group.label,
                zorder=2,
            )
        axes.axvline(divider, color=INK, linewidth=1.2, linestyle="--")
        axes.axhline(divider, color=INK, linewidth=1.2, linestyle="--")
        axes.set_xlim(low - 0.5, high + 0.5)
        axes.set_ylim(low - 0.5, high + 0.5)
        axes.set_xticks(range(low, high + 1))
        axes.set_yticks(range(low, high + 1))
        _style(axes, x_label=x_label, y_label=y_label)
        axes.grid(axis="both", color="#e1e6eb", linewidth=0.6)
        group_legend = axes.legend(
            loc="upper left", bbox_to_anchor=(1.01, 1), borderaxespad=0, markerscale=0.8
        )
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
        return _data_uri(figure)
