"""Constrained layout, worked out once per layout and reused while what decides it is the same.

Every chart is laid out by matplotlib's constrained layout (``common.charts._figure``): before
it writes the SVG, matplotlib measures each text of the figure twice and draws the figure once
with drawing switched off. That is about 40% of drawing a chart, and its result is only where
each Axes sits in the figure. That result depends only on what can reach outside the Axes: the
figure's size, the tick labels and axis labels, titles, legends (their texts, handles and
anchors), spines, and texts not clipped to the Axes. Data drawn inside the Axes (areas, lines,
markers: clipped to the Axes) plays no part.

``layout_key`` describes exactly those parts, in plain values; figures with the same key get the
same layout. The positions a layout gave are kept per key (a small LRU in the process), and a
figure whose key is known is placed there and written without the layout pass. A figure with
anything the key cannot describe (a figure-level legend or text, a text in a box, an unknown
kind of artist reaching outside its Axes) has no key and is laid out as before, every time: the
cache may only ever save work, never change a picture. ``tests/common/test_chart_layout.py``
checks that a chart's bytes are the same whether its layout was kept or worked out.

When only the numbers inside a chart change (one more euro of spend: the same years, the same
labels), the layout is reused; a new year, label or legend entry gives a new key.
"""

import hashlib
import threading
from collections import OrderedDict
from typing import Any

_SIZE = 256
_kept: OrderedDict[str, tuple[tuple[float, ...], ...]] = OrderedDict()
_lock = threading.Lock()
counts = {"kept": 0, "worked_out": 0, "no_key": 0}


class _Unknown(Exception):
    """Something in the figure the key cannot describe."""


def _floats(values) -> tuple:
    return tuple(float(v) for v in values)


def _font(text) -> tuple:
    return (
        float(text.get_fontsize()),
        tuple(text.get_fontfamily()),
        text.get_fontstyle(),
        str(text.get_fontweight()),
        text.get_fontvariant(),
        str(text.get_stretch()),
    )


def _where(text, axes) -> str:
    """Which coordinates a text's position is in, by name."""
    transform = text.get_transform()
    named = {
        "data": axes.transData,
        "axes": axes.transAxes,
        "figure": axes.get_figure(root=True).transFigure,
        "x-axis": axes.get_xaxis_transform(),
        "y-axis": axes.get_yaxis_transform(),
    }
    for name, known in named.items():
        if transform is known:
            return name
    raise _Unknown(f"text in unknown coordinates: {transform!r}")


def _coordinates(value) -> str:
    if isinstance(value, str):
        return value
    raise _Unknown(f"annotation in coordinates given as {type(value).__name__}")


def _text_plain(text) -> tuple:
    """A text without where it is: its words, font and alignment."""
    if text.get_bbox_patch() is not None or text.get_usetex():
        raise _Unknown("text in a box or through TeX")
    return (
        text.get_text(),
        text.get_visible(),
        _font(text),
        text.get_horizontalalignment(),
        text.get_verticalalignment(),
        float(text.get_rotation()),
        text.get_rotation_mode(),
        text._linespacing,
        text.get_wrap(),
        text._multialignment,
    )


def _text(text, axes) -> tuple:
    """A text placed by the chart: its words, font, alignment and position."""
    from matplotlib.text import Annotation

    parts = _text_plain(text)
    if isinstance(text, Annotation):
        if text.arrow_patch is not None:
            raise _Unknown("annotation with an arrow")
        return (
            "annotation",
            *parts,
            _floats(text.xy),
            _floats(text.xyann),
            _coordinates(text.xycoords),
            _coordinates(text.anncoords),
            text.get_annotation_clip(),
        )
    return ("text", *parts, _floats(text.get_position()), _where(text, axes))


def _handle(handle) -> tuple:
    from matplotlib.collections import Collection
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    if isinstance(handle, Line2D):
        return (
            "line",
            repr(handle.get_marker()),
            float(handle.get_markersize()),
            float(handle.get_markeredgewidth()),
            float(handle.get_linewidth()),
            repr(handle.get_linestyle()),
        )
    if isinstance(handle, Collection):
        return (
            "collection",
            _floats(handle.get_sizes()),
            _floats(handle.get_linewidths()),
            len(handle.get_paths()),
        )
    if isinstance(handle, Patch):
        return ("patch", float(handle.get_linewidth()))
    raise _Unknown(f"legend handle {type(handle).__name__}")


def _legend(legend) -> tuple:
    anchor = legend._bbox_to_anchor
    return (
        "legend",
        legend._loc,
        None if anchor is None else _floats(anchor._bbox.bounds),
        legend._ncols,
        legend._mode,
        legend.get_frame_on(),
        _floats(
            (
                legend._fontsize,
                legend.borderpad,
                legend.labelspacing,
                legend.handlelength,
                legend.handleheight,
                legend.handletextpad,
                legend.borderaxespad,
                legend.columnspacing,
                legend.markerscale,
            )
        ),
        _text_plain(legend.get_title()),
        tuple(_text_plain(text) for text in legend.texts),
        tuple(_handle(handle) for handle in legend.legend_handles),
    )


def _artist(artist, axes) -> tuple:
    from matplotlib.legend import Legend
    from matplotlib.spines import Spine
    from matplotlib.text import Text

    if isinstance(artist, Text):
        return _text(artist, axes)
    if isinstance(artist, Legend):
        return _legend(artist)
    if isinstance(artist, Spine):
        return ("spine", artist.spine_type, float(artist.get_linewidth()), repr(artist._position))
    if artist is axes.patch:
        return ("background",)
    raise _Unknown(f"{type(artist).__name__} reaching outside its Axes")


def _axis(axis, axes) -> tuple:
    if not axis.get_visible():
        return ("hidden",)
    # Asking for the tick labels sets their texts and places them, as drawing would.
    labels = axis.get_majorticklabels() + axis.get_minorticklabels()
    return (
        axis.axis_name,
        _floats(axis.get_majorticklocs()),
        _floats(axis.get_minorticklocs()),
        tuple(_text_plain(label) + _floats(label.get_position()) for label in labels),
        _text_plain(axis.label),
        axis.get_label_position(),
        axis.get_ticks_position(),
        _text_plain(axis.get_offset_text()),
        repr(sorted(axis._major_tick_kw.items())),
        repr(sorted(axis._minor_tick_kw.items())),
    )


def _titles(axes) -> tuple:
    return (axes.title, axes._left_title, axes._right_title)


def layout_key(figure, drawing: str) -> str | None:
    """The layout key of a figure about to be written by the chart function ``drawing``, or
    None when something in it cannot be described (then it is laid out every time)."""
    engine = figure.get_layout_engine()
    if engine is None or type(engine).__name__ != "ConstrainedLayoutEngine":
        return None
    if (
        figure.texts
        or figure.legends
        or figure.subfigs
        or figure.artists
        or figure.lines
        or figure.images
        or figure.patches
        or getattr(figure, "_suptitle", None) is not None
        or getattr(figure, "_supxlabel", None) is not None
        or getattr(figure, "_supylabel", None) is not None
    ):
        counts["no_key"] += 1
        return None
    parts: list[Any] = [
        drawing,
        _floats(figure.get_size_inches()),
        float(figure.dpi),
        repr(sorted(engine.get().items())),
    ]
    try:
        for axes in figure.axes:
            spec = axes.get_subplotspec()
            if spec is None or not axes.get_in_layout() or axes._colorbars:
                raise _Unknown("an Axes outside the grid or with a colour bar")
            parts.append(
                (
                    spec.get_geometry(),
                    _floats(axes.get_xlim()),
                    _floats(axes.get_ylim()),
                    axes.get_xscale(),
                    axes.get_yscale(),
                    repr(axes.get_aspect()),
                    axes.axison,
                    tuple(_text_plain(t) for t in _titles(axes)),
                    tuple(_axis(axis, axes) for axis in (axes.xaxis, axes.yaxis)),
                    tuple(_artist(a, axes) for a in axes.get_default_bbox_extra_artists()),
                )
            )
    except _Unknown:
        counts["no_key"] += 1
        return None
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def lay_out(figure, key: str) -> None:
    """Put the Axes of ``figure`` where the layout kept for ``key`` put them, or work the
    layout out now and keep it; then switch the figure's layout engine off, so that writing it
    draws it once (with an engine, savefig draws the figure twice: once to lay it out)."""
    with _lock:
        positions = _kept.get(key)
        if positions is not None:
            _kept.move_to_end(key)
    if positions is None or len(positions) != len(figure.axes):
        figure.get_layout_engine().execute(figure)
        positions = tuple(_floats(axes.get_position().bounds) for axes in figure.axes)
        with _lock:
            _kept[key] = positions
            while len(_kept) > _SIZE:
                _kept.popitem(last=False)
        counts["worked_out"] += 1
    else:
        from matplotlib.transforms import Bbox

        # As the constrained layout itself places them (both the active and the original
        # position).
        for axes, bounds in zip(figure.axes, positions, strict=True):
            axes._set_position(Bbox.from_bounds(*bounds))
        counts["kept"] += 1
    # None, not "none": a placeholder engine would still make savefig draw the figure twice.
    figure.set_layout_engine(None)


def forget() -> None:
    """Drop every kept layout (for tests)."""
    with _lock:
        _kept.clear()
