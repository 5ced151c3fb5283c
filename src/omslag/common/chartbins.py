"""Aggregation before drawing: a chart shows no more marks than a reader can tell apart.

A scatter of thousands of applications becomes one marker per score cell and group with its
count (the picture's size no longer grows with the data); a long bar chart keeps its largest
bars and adds one bar for the rest. The totals are kept exactly: the counts and sizes of the
cells add up to the points, the rest bar to the bars it replaces.
"""

import math
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

# Beyond this many points a scatter is drawn per cell (a few hundred markers are still
# distinguishable on a 9-inch chart; a thousand overlap into a blot and weigh a megabyte).
# A continuous scatter then has at most 12 × 8 cells per group: with four groups at most
# 384 markers, under 100 KB of SVG.
SCATTER_MARKS_MAX = 200
# A bar chart keeps this many bars at most, the last of them "the rest".
BARS_MAX = 15


def score_cells(points: Sequence[Any]) -> list[Any]:
    """One point per (rounded x, rounded y, group): ``count`` points, ``size`` their sum, in
    a stable order (group, x, y)."""
    cells: dict[tuple, Any] = {}
    for point in points:
        x, y = round(point.x), round(point.y)
        key = (str(point.group), x, y)
        cell = cells.get(key)
        if cell is None:
            cells[key] = replace(point, key=key, x=x, y=y, size=point.size, count=point.count)
        else:
            cells[key] = replace(cell, size=cell.size + point.size, count=cell.count + point.count)
    return [cells[key] for key in sorted(cells)]


def _symlog(value: float, linear_to: float) -> float:
    """The position on a scale linear up to ``linear_to`` and logarithmic beyond it."""
    if abs(value) <= linear_to:
        return value / linear_to
    return math.copysign(1 + math.log10(abs(value) / linear_to), value)


def grid_cells(
    points: Sequence[Any], *, columns: int = 12, rows: int = 8, y_linear_to: float | None = None
) -> list[Any]:
    """One point per grid cell and group, at the mean of its points, with their ``count`` and
    summed ``size``: ``columns`` × ``rows`` equal cells over the points' range (on the y
    axis's own scale when it turns logarithmic beyond ``y_linear_to``)."""
    if not points:
        return []

    def height(point) -> float:
        return _symlog(point.y, y_linear_to) if y_linear_to else point.y

    xs = [p.x for p in points]
    ys = [height(p) for p in points]
    x_low, x_span = min(xs), (max(xs) - min(xs)) or 1.0
    y_low, y_span = min(ys), (max(ys) - min(ys)) or 1.0
    members: dict[tuple, list] = {}
    for point, x, y in zip(points, xs, ys, strict=True):
        column = min(columns - 1, int((x - x_low) / x_span * columns))
        row = min(rows - 1, int((y - y_low) / y_span * rows))
        members.setdefault((str(point.group), column, row), []).append(point)
    cells = []
    for key in sorted(members):
        group = members[key]
        count = sum(p.count for p in group)
        cells.append(
            replace(
                group[0],
                key=key,
                x=sum(p.x * p.count for p in group) / count,
                y=sum(p.y * p.count for p in group) / count,
                size=sum(p.size for p in group),
                count=count,
            )
        )
    return cells


def top_with_rest(values: Sequence[float], *, limit: int = BARS_MAX) -> tuple[list[int], list[int]]:
    """The positions of the bars to keep (the ``limit - 1`` largest, in their given order) and
    of those one bar "the rest" stands for; with ``limit`` bars or fewer, all are kept."""
    if len(values) <= limit:
        return list(range(len(values))), []
    ranked = sorted(range(len(values)), key=lambda i: (-values[i], i))
    return sorted(ranked[: limit - 1]), sorted(ranked[limit - 1 :])
