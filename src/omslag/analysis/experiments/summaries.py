"""Sufficient statistics of experiment measurements, and the vocabulary shared by the methods.

A group of numeric observations is summarised by its count, sum and sum of squares (the form
in which organisations upload per-group measurements); a group of yes/no observations by its
count and number of successes. The summaries validate themselves, so every method downstream
may trust them.

This module also holds the few things every method module shares (the alternative
hypotheses, argument checks and the conversion of results to plain dictionaries), so that the
experiment statistics stay one small package without a utility module.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Hashable, Sequence
from typing import Any, Literal, get_args

import numpy as np
import numpy.typing as npt

Alternative = Literal["two-sided", "greater", "less"]
ALTERNATIVES: tuple[str, ...] = get_args(Alternative)

# Relative tolerance for the implied sum of squared deviations, sum_of_squares - total**2/count.
# Sums accumulated in floating point carry a relative error of roughly count * 2.2e-16 in the
# worst case; anything more negative than this is not rounding but an impossible summary.
VARIANCE_RELATIVE_TOLERANCE = 1e-10


class ExperimentResult:
    """Mixin for the frozen result dataclasses: a JSON-ready `to_dict()`."""

    def to_dict(self) -> dict[str, Any]:
        """Plain values only; infinite or undefined numbers (one-sided bounds) become None."""
        converted = _to_plain(self)
        assert isinstance(converted, dict)
        return converted


def _to_plain(value: object) -> object:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            field.name: _to_plain(getattr(value, field.name)) for field in dataclasses.fields(value)
        }
    if isinstance(value, tuple | list):
        return [_to_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _to_plain(item) for key, item in value.items()}
    if isinstance(value, bool | str) or value is None:
        return value
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        number = float(value)
        return number if math.isfinite(number) else None
    return value


def check_alternative(alternative: str) -> Alternative:
    """Return `alternative` if it is one of two-sided, greater or less; else ValueError."""
    if alternative not in ALTERNATIVES:
        raise ValueError(
            f"alternative must be one of {', '.join(ALTERNATIVES)}; got {alternative!r}"
        )
    return alternative  # type: ignore[return-value]


def check_probability_level(value: float, name: str) -> float:
    """Return `value` as float if it lies strictly between 0 and 1; else ValueError."""
    number = float(value)
    if not 0.0 < number < 1.0:
        raise ValueError(f"{name} must lie strictly between 0 and 1; got {value!r}")
    return number


def check_count(value: object, name: str, minimum: int) -> int:
    """Return `value` as int if it is a whole number >= minimum (bools refused); else ValueError."""
    whole_int = isinstance(value, int | np.integer) and not isinstance(value, bool)
    whole_float = isinstance(value, float | np.floating) and float(value).is_integer()
    if not (whole_int or whole_float):
        raise ValueError(f"{name} must be a whole number; got {value!r}")
    number: int = int(value)  # type: ignore[call-overload]
    if number < minimum:
        raise ValueError(f"{name} must be at least {minimum}; got {number}")
    return number


def check_finite(value: float, name: str) -> float:
    """Return `value` as float if it is finite; else ValueError."""
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be a finite number; got {value!r}")
    return number


@dataclasses.dataclass(frozen=True)
class GroupSummary(ExperimentResult):
    """Count, sum and sum of squares of one group's numeric observations.

    The implied sample variance, (sum_of_squares - total**2 / count) / (count - 1), must not be
    negative beyond floating-point rounding; rounding noise around zero is read as exactly zero.
    """

    count: int
    total: float
    sum_of_squares: float
    name: str = "group"

    def __post_init__(self) -> None:
        label = f"group {self.name!r}"
        object.__setattr__(self, "count", check_count(self.count, f"count of {label}", 2))
        object.__setattr__(self, "total", check_finite(self.total, f"sum of {label}"))
        sum_of_squares = check_finite(self.sum_of_squares, f"sum of squares of {label}")
        object.__setattr__(self, "sum_of_squares", sum_of_squares)
        if sum_of_squares < 0 or self._deviations() < -VARIANCE_RELATIVE_TOLERANCE * max(
            sum_of_squares, 1e-300
        ):
            implied = self._deviations() / (self.count - 1)
            raise ValueError(
                f"impossible variance in {label}: sum of squares {self.sum_of_squares!r} with "
                f"sum {self.total!r} and count {self.count} implies variance {implied:.6g}"
            )

    def _deviations(self) -> float:
        return self.sum_of_squares - self.total * self.total / self.count

    @property
    def mean(self) -> float:
        return self.total / self.count

    @property
    def variance(self) -> float:
        """Sample variance (divisor count - 1); zero when within rounding of zero."""
        deviations = self._deviations()
        if deviations <= VARIANCE_RELATIVE_TOLERANCE * self.sum_of_squares:
            return 0.0
        return deviations / (self.count - 1)

    @property
    def standard_deviation(self) -> float:
        return math.sqrt(self.variance)

    @property
    def standard_error(self) -> float:
        """Standard error of the mean, sqrt(variance / count)."""
        return math.sqrt(self.variance / self.count)


@dataclasses.dataclass(frozen=True)
class ProportionSummary(ExperimentResult):
    """Count of units and number of successes (units with the outcome) in one group."""

    count: int
    successes: int
    name: str = "group"

    def __post_init__(self) -> None:
        label = f"group {self.name!r}"
        count = check_count(self.count, f"count of {label}", 1)
        successes = check_count(self.successes, f"successes of {label}", 0)
        if successes > count:
            raise ValueError(
                f"successes of {label} ({successes}) must not exceed its count ({count})"
            )
        object.__setattr__(self, "count", count)
        object.__setattr__(self, "successes", successes)

    @property
    def proportion(self) -> float:
        return self.successes / self.count


def summarise(values: npt.ArrayLike, name: str = "group") -> GroupSummary:
    """Summarise one group's observations (a 1-D array of finite numbers)."""
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1:
        raise ValueError(
            f"values of group {name!r} must be one-dimensional; got shape {array.shape}"
        )
    if not np.isfinite(array).all():
        position = int(np.flatnonzero(~np.isfinite(array))[0])
        raise ValueError(
            f"values of group {name!r} must be finite; row {position} is {float(array[position])}"
        )
    return GroupSummary(
        count=int(array.size),
        total=float(array.sum()),
        sum_of_squares=float(np.dot(array, array)),
        name=name,
    )


def summarise_by_group(
    groups: npt.ArrayLike,
    values: npt.ArrayLike,
    *,
    metric_names: Sequence[str] | None = None,
) -> dict[Hashable, dict[str, GroupSummary]]:
    """Summaries per group and metric: `values` has one row per unit and one column per metric.

    Returns {group label: {metric name: GroupSummary}}; groups in sorted order. Metrics are
    named `metric_0`, `metric_1`, ... unless `metric_names` is given.
    """
    labels = np.asarray(groups)
    matrix = np.asarray(values, dtype=np.float64)
    if matrix.ndim == 1:
        matrix = matrix[:, np.newaxis]
    if labels.ndim != 1 or matrix.ndim != 2 or matrix.shape[0] != labels.shape[0]:
        raise ValueError(
            f"groups must be 1-D with one label per row of values; got groups of shape "
            f"{labels.shape} and values of shape {matrix.shape}"
        )
    names = _metric_names(metric_names, matrix.shape[1])
    finite = np.isfinite(matrix)
    if not finite.all():
        row, column = (int(index[0]) for index in np.nonzero(~finite))
        raise ValueError(
            f"values must be finite; row {row}, metric {names[column]!r} is "
            f"{float(matrix[row, column])}"
        )
    group_labels, codes = _group_codes(labels)
    counts = np.bincount(codes, minlength=len(group_labels))
    result: dict[Hashable, dict[str, GroupSummary]] = {}
    sums = [
        np.bincount(codes, weights=matrix[:, j], minlength=len(group_labels))
        for j in range(len(names))
    ]
    squares = [
        np.bincount(codes, weights=np.square(matrix[:, j]), minlength=len(group_labels))
        for j in range(len(names))
    ]
    for index, label in enumerate(group_labels):
        result[label] = {
            metric: GroupSummary(
                count=int(counts[index]),
                total=float(sums[j][index]),
                sum_of_squares=float(squares[j][index]),
                name=f"{label}/{metric}",
            )
            for j, metric in enumerate(names)
        }
    return result


def _metric_names(metric_names: Sequence[str] | None, columns: int) -> tuple[str, ...]:
    if metric_names is None:
        return tuple(f"metric_{j}" for j in range(columns))
    names = tuple(metric_names)
    if len(names) != columns or len(set(names)) != columns:
        raise ValueError(
            f"metric_names must name each of the {columns} value columns once; got {names!r}"
        )
    return names


def _group_codes(labels: npt.NDArray[Any]) -> tuple[list[Hashable], npt.NDArray[np.intp]]:
    """Integer codes 0..k-1 for the distinct labels, and the labels as plain Python values."""
    if labels.size and np.issubdtype(labels.dtype, np.integer):
        low, high = int(labels.min()), int(labels.max())
        if low >= 0 and high <= 4 * labels.size:
            # Small non-negative integer codes need no sort: count them directly.
            present = np.flatnonzero(np.bincount(labels, minlength=high + 1))
            recode = np.full(high + 1, -1, dtype=np.intp)
            recode[present] = np.arange(present.size)
            return [int(code) for code in present], recode[labels]
    unique, codes = np.unique(labels, return_inverse=True)
    return [label.item() if hasattr(label, "item") else label for label in unique], codes.ravel()
