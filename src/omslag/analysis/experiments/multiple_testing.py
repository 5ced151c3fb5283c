"""Adjusted p-values for several metrics or variants tested in one experiment.

Holm (1979) controls the family-wise error rate; Benjamini & Hochberg (1995) control the false
discovery rate (valid for independent or positively dependent tests). Adjusted p-values are
returned in input order; a hypothesis is rejected when its adjusted p-value is <= alpha.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from omslag.analysis.experiments.summaries import ExperimentResult, check_probability_level

HOLM_METHOD = "holm"
BENJAMINI_HOCHBERG_METHOD = "benjamini-hochberg"
MULTIPLE_TESTING_METHOD_VERSION = "1"


@dataclasses.dataclass(frozen=True)
class AdjustedPValues(ExperimentResult):
    """Input p-values, their adjusted values (same order) and the rejections at `alpha`."""

    p_values: tuple[float, ...]
    adjusted: tuple[float, ...]
    alpha: float
    rejected: tuple[bool, ...]
    method: str
    method_version: str = MULTIPLE_TESTING_METHOD_VERSION


def holm(p_values: Sequence[float], *, alpha: float = 0.05) -> AdjustedPValues:
    """Holm's step-down adjustment: max over j <= i of min(1, (m - j + 1) p_(j))."""
    values = _validated(p_values)
    order = np.argsort(values, kind="stable")
    m = values.size
    stepped = (m - np.arange(m)) * values[order]
    adjusted_sorted = np.minimum(1.0, np.maximum.accumulate(stepped))
    return _result(values, order, adjusted_sorted, alpha, HOLM_METHOD)


def benjamini_hochberg(p_values: Sequence[float], *, alpha: float = 0.05) -> AdjustedPValues:
    """Benjamini-Hochberg step-up adjustment: min over j >= i of min(1, m p_(j) / j)."""
    values = _validated(p_values)
    order = np.argsort(values, kind="stable")
    m = values.size
    scaled = m * values[order] / np.arange(1, m + 1)
    adjusted_sorted = np.minimum(1.0, np.minimum.accumulate(scaled[::-1])[::-1])
    return _result(values, order, adjusted_sorted, alpha, BENJAMINI_HOCHBERG_METHOD)


def _validated(p_values: Sequence[float]) -> npt.NDArray[np.float64]:
    values = [float(p) for p in p_values]
    if not values:
        raise ValueError("p_values is empty: give at least one p-value")
    for index, p in enumerate(values):
        if math.isnan(p) or not 0.0 <= p <= 1.0:
            raise ValueError(f"p-value {index} must lie between 0 and 1; got {p!r}")
    return np.asarray(values, dtype=np.float64)


def _result(
    values: npt.NDArray[np.float64],
    order: npt.NDArray[np.intp],
    adjusted_sorted: npt.NDArray[np.float64],
    alpha: float,
    method: str,
) -> AdjustedPValues:
    alpha = check_probability_level(alpha, "alpha")
    adjusted = np.empty_like(adjusted_sorted)
    adjusted[order] = adjusted_sorted
    return AdjustedPValues(
        p_values=tuple(float(p) for p in values),
        adjusted=tuple(float(p) for p in adjusted),
        alpha=alpha,
        rejected=tuple(bool(p <= alpha) for p in adjusted),
        method=method,
    )
