"""Group labels to integer codes without sorting the label column.

`np.unique(labels, return_inverse=True)` sorts the whole column: for a million text labels
that is most of the time of an evaluation (issue 13 item 8; the statistics themselves are a
few `np.bincount` passes). An experiment has few groups, so the labels are found one at a
time with a vectorised comparison (one pass per group); a column with many distinct labels
(units of a panel) is factorised in one pass through a dict. Only the distinct labels are
sorted, so the codes are the same as `np.unique`'s: code i is the i-th label in sorted order.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import numpy as np
import numpy.typing as npt

# Up to this many distinct labels one comparison pass per label beats a dict pass; above it
# the dict pass (linear, but at Python speed) takes over.
FEW_LABELS = 8


def factorise(labels: npt.ArrayLike) -> tuple[list[Hashable], npt.NDArray[np.intp]]:
    """The distinct labels in sorted order (as plain Python values) and, for every row, the
    position of its label among them: what `np.unique(labels, return_inverse=True)` gives,
    computed without a sort of the column."""
    array = np.asarray(labels)
    if array.ndim != 1:
        array = array.ravel()
    if array.size == 0:
        return [], np.zeros(0, dtype=np.intp)
    if np.issubdtype(array.dtype, np.integer):
        low, high = int(array.min()), int(array.max())
        if low >= 0 and high <= 4 * array.size:
            # Small non-negative integer codes need no sort: count them directly.
            present = np.flatnonzero(np.bincount(array, minlength=high + 1))
            recode = np.full(high + 1, -1, dtype=np.intp)
            recode[present] = np.arange(present.size)
            return [int(code) for code in present], recode[array]
    if array.dtype.kind not in "USO":
        # Floats and the like: not the slow case, and NaN needs np.unique's equal_nan.
        unique, inverse = np.unique(array, return_inverse=True)
        return [label.item() for label in unique], inverse.ravel()
    found, codes = _few_labels(array)
    if found is None:
        found, codes = _by_dict(array)
    return _in_sorted_order(found, codes)


def _few_labels(array: npt.NDArray[Any]) -> tuple[list[Any] | None, npt.NDArray[np.intp]]:
    """One vectorised comparison per distinct label; gives up (None) past FEW_LABELS."""
    codes = np.full(array.size, -1, dtype=np.intp)
    found: list[Any] = []
    start = 0
    while True:
        label = array[start]
        if len(found) == FEW_LABELS:
            return None, codes
        if array.dtype == object and not isinstance(label, str | bytes | int):
            return None, codes  # e.g. NaN or mixed objects: leave equality to the dict
        tail = codes[start:]
        same = array[start:] == label
        if not same[0]:
            return None, codes  # a label unequal to itself
        np.copyto(tail, len(found), where=same)
        found.append(label)
        first_unassigned = int(np.argmin(tail))  # codes are -1 (none yet) or at least 0
        if tail[first_unassigned] >= 0:
            return found, codes
        start += first_unassigned


def _by_dict(array: npt.NDArray[Any]) -> tuple[list[Any], npt.NDArray[np.intp]]:
    """One pass through a dict of label → code, in order of first appearance."""
    index: dict[Any, int] = {}
    setdefault = index.setdefault
    codes = np.fromiter(
        (setdefault(label, len(index)) for label in array.tolist()),
        dtype=np.intp,
        count=array.size,
    )
    return list(index), codes


def _in_sorted_order(
    found: list[Any], codes: npt.NDArray[np.intp]
) -> tuple[list[Hashable], npt.NDArray[np.intp]]:
    plain = [label.item() if hasattr(label, "item") else label for label in found]
    order = sorted(range(len(plain)), key=plain.__getitem__)
    if order == sorted(order):
        return plain, codes  # found in sorted order already
    rank = np.empty(len(plain), dtype=np.intp)
    rank[order] = np.arange(len(plain))
    return [plain[i] for i in order], rank[codes]
