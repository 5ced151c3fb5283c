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
from fractions import Fraction
from typing import Any, Literal, get_args

import numpy as np
import numpy.typing as npt

from omslag.analysis.experiments.grouping import factorise

Alternative = Literal["two-sided", "greater", "less"]
ALTERNATIVES: tuple[str, ...] = get_args(Alternative)

# How precisely a variance must follow from a group's sums before a method may use it. The
# count, sum and sum of squares are floating-point numbers, each carrying a relative rounding
# error of a few units of 2**-52 (``SUMS_RELATIVE_ERROR``); the variance is their difference,
# sum_of_squares - sum**2 / count, computed here exactly from the numbers given. When that
# difference is small beside the sum of squares (a large mean with a small spread) the rounding
# of the inputs alone leaves the variance uncertain: beyond ``VARIANCE_RELATIVE_PRECISION`` the
# summary is refused, with the advice to give the mean and standard deviation instead.
SUMS_RELATIVE_ERROR = 4 * 2.0**-52
VARIANCE_RELATIVE_PRECISION = 1e-9
# Kept for callers that still name it: the old relative tolerance below which a variance was
# read as zero. It is no longer used to set real variances to zero.
VARIANCE_RELATIVE_TOLERANCE = SUMS_RELATIVE_ERROR
# The largest count any method accepts: beyond 2**53 a count is no longer a whole float.
MAXIMUM_COUNT = 2**53


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

    The sample variance is (sum_of_squares - total**2 / count) / (count - 1), computed exactly
    from the floating-point numbers given (no cancellation in the arithmetic). What exact
    arithmetic cannot repair is the rounding already in the inputs: when the variance is too
    small beside the sum of squares to survive it (``VARIANCE_RELATIVE_PRECISION``), the summary
    is refused with a message saying so, instead of a variance that is silently wrong or zero.

    ``moments`` (not a field; see `from_mean_and_standard_deviation` and `summarise`) gives the
    mean and the sum of squared deviations directly, when they are known more precisely than
    the sums can carry them; the sums are then only the stored, rounded form.
    """

    count: int
    total: float
    sum_of_squares: float
    name: str = "group"
    moments: dataclasses.InitVar[tuple[float, float] | None] = None

    def __post_init__(self, moments: tuple[float, float] | None = None) -> None:
        label = f"group {self.name!r}"
        count = check_count(self.count, f"count of {label}", 2)
        if count > MAXIMUM_COUNT:
            raise ValueError(f"count of {label} must be at most {MAXIMUM_COUNT}; got {count}")
        object.__setattr__(self, "count", count)
        object.__setattr__(self, "total", check_finite(self.total, f"sum of {label}"))
        sum_of_squares = check_finite(self.sum_of_squares, f"sum of squares of {label}")
        object.__setattr__(self, "sum_of_squares", sum_of_squares)
        if moments is not None:
            mean, moment_deviations = moments
            object.__setattr__(self, "_mean", check_finite(mean, f"mean of {label}"))
            object.__setattr__(
                self, "_variance", _finite_quotient(moment_deviations, count - 1, label)
            )
            return
        object.__setattr__(self, "_mean", self.total / count)
        deviations = Fraction(sum_of_squares) - Fraction(self.total) ** 2 / count
        # The inputs' own rounding: a few units in the last place of the sum of squares and
        # of sum**2 / count (at most the sum of squares when the variance is not negative).
        uncertainty = Fraction(SUMS_RELATIVE_ERROR) * abs(Fraction(sum_of_squares))
        if sum_of_squares < 0 or deviations < -uncertainty:
            implied = float(deviations / (count - 1))
            raise ValueError(
                f"impossible variance in {label}: sum of squares {self.sum_of_squares!r} with "
                f"sum {self.total!r} and count {count} implies variance {implied:.6g}"
            )
        if deviations != 0 and uncertainty > VARIANCE_RELATIVE_PRECISION * abs(deviations):
            raise ValueError(
                f"too little precision in the sums of {label}: with mean {self.total / count:.9g}"
                f" the sum of squares {sum_of_squares!r} leaves the variance uncertain beyond "
                f"rounding (the spread is too small beside the mean for count, sum and sum of "
                f"squares); give the count, mean and standard deviation instead"
            )
        object.__setattr__(self, "_variance", _finite_quotient(deviations, count - 1, label))

    @classmethod
    def from_mean_and_standard_deviation(
        cls, count: int, mean: float, standard_deviation: float, name: str = "group"
    ) -> GroupSummary:
        """A summary from the count, mean and sample standard deviation (divisor count - 1):
        exact for any spread, where sums of squares lose a small spread beside a large mean."""
        label = f"group {name!r}"
        count = check_count(count, f"count of {label}", 2)
        mean = check_finite(mean, f"mean of {label}")
        deviation = check_finite(standard_deviation, f"standard deviation of {label}")
        if deviation < 0:
            raise ValueError(
                f"standard deviation of {label} must not be negative; got {standard_deviation!r}"
            )
        deviations = Fraction(deviation) ** 2 * (count - 1)
        exact_total = Fraction(mean) * count
        total = _finite_float(exact_total, f"sum of {label} (count times mean)")
        sum_of_squares = _finite_float(
            deviations + exact_total**2 / count, f"sum of squares of {label}"
        )
        return cls(
            count=count,
            total=total,
            sum_of_squares=sum_of_squares,
            name=name,
            moments=(mean, _finite_float(deviations, f"variance of {label}")),
        )

    @property
    def mean(self) -> float:
        return self._mean  # type: ignore[attr-defined,no-any-return]

    @property
    def variance(self) -> float:
        """Sample variance (divisor count - 1)."""
        return self._variance  # type: ignore[attr-defined,no-any-return]

    @property
    def standard_deviation(self) -> float:
        return math.sqrt(self.variance)

    @property
    def standard_error(self) -> float:
        """Standard error of the mean, sqrt(variance / count)."""
        return math.sqrt(self.variance / self.count)


def _finite_float(value: Fraction | float, name: str) -> float:
    """``value`` as a float; ValueError naming it when it is beyond the floating-point range."""
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise ValueError(f"{name} is too large to compute with (beyond about 1.8e308)")
    return number


def _finite_quotient(deviations: Fraction | float, degrees: int, label: str) -> float:
    return _finite_float(Fraction(deviations) / degrees, f"variance of {label}")


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
    total = math.fsum(array.tolist())
    if not math.isfinite(total):
        raise ValueError(f"values of group {name!r} are too large to add up (beyond 1.8e308)")
    mean = total / array.size if array.size else 0.0
    return GroupSummary(
        count=int(array.size),
        total=total,
        sum_of_squares=float(np.dot(array, array)),
        name=name,
        moments=(mean, _deviations_about(array, mean)) if array.size else None,
    )


def _deviations_about(values: npt.NDArray[np.float64], mean: float) -> float:
    """Sum of squared deviations about ``mean`` by the corrected two-pass algorithm (Chan,
    Golub & LeVeque 1983): the second term removes what an inexact mean adds."""
    shifted = values - mean
    return max(0.0, float(np.dot(shifted, shifted)) - float(shifted.sum()) ** 2 / values.size)


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
    # One contiguous array per metric: np.bincount on a strided column is several times slower.
    columns = np.ascontiguousarray(matrix.T)
    sums = [
        np.bincount(codes, weights=columns[j], minlength=len(group_labels))
        for j in range(len(names))
    ]
    squares = [
        np.bincount(codes, weights=np.square(columns[j]), minlength=len(group_labels))
        for j in range(len(names))
    ]
    # The spread from the values themselves (corrected two-pass), not from the sums: exact
    # for a small spread beside a large mean, where sums of squares lose it.
    safe_counts = np.maximum(counts, 1)
    deviations = []
    for j in range(len(names)):
        means = sums[j] / safe_counts
        shifted = columns[j] - means[codes]
        correction = np.bincount(codes, weights=shifted, minlength=len(group_labels))
        spread = np.bincount(codes, weights=np.square(shifted), minlength=len(group_labels))
        deviations.append((means, np.maximum(spread - correction**2 / safe_counts, 0.0)))
    for index, label in enumerate(group_labels):
        result[label] = {
            metric: GroupSummary(
                count=int(counts[index]),
                total=float(sums[j][index]),
                sum_of_squares=float(squares[j][index]),
                name=f"{label}/{metric}",
                moments=(float(deviations[j][0][index]), float(deviations[j][1][index]))
                if counts[index] >= 2
                else None,
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
    """Integer codes 0..k-1 for the distinct labels, and the labels as plain Python values
    (sorted), found without a sort of the label column (see grouping.py)."""
    return factorise(labels)
