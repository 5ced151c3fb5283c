"""Aggregation before drawing: a chart shows no more marks than a reader can tell apart.

A scatter of thousands of applications becomes one marker per score cell and group with its
count (the picture's size no longer grows with the data); a long bar chart keeps its largest
bars and adds one bar for the rest. The totals are kept exactly: the counts and sizes of the
cells add up to the points, the rest bar to the bars it replaces.
"""

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

# Beyond this many points a scatter is drawn per cell (a few hundred markers are still
# distinguishable on a 9-inch chart; a thousand overlap into a blot and weigh a megabyte).
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


def top_with_rest(values: Sequence[float], *, limit: int = BARS_MAX) -> tuple[list[int], list[int]]:
    """The positions of the bars to keep (the ``limit - 1`` largest, in their given order) and
    of those one bar "the rest" stands for; with ``limit`` bars or fewer, all are kept."""
    if len(values) <= limit:
        return list(range(len(values))), []
    ranked = sorted(range(len(values)), key=lambda i: (-values[i], i))
    return sorted(ranked[: limit - 1]), sorted(ranked[limit - 1 :])
