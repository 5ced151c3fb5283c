"""Difference-in-differences for a pilot group against a control group, before and after.

The estimate is (mean treated-after - mean treated-before) - (mean control-after - mean
control-before). Two forms:

* from per-unit panel data, as the interaction coefficient of the OLS regression
  y ~ 1 + treated + post + treated:post with standard errors clustered by unit (CR1, the
  small-sample factor G/(G-1) * (N-1)/(N-K) that statsmodels uses), and a t reference
  distribution with G - 1 degrees of freedom (statsmodels `use_t=True`);
* from four cell summaries, assuming the four cells are independent samples (different units
  in each cell, e.g. repeated cross-sections): Var = sum of var_cell / n_cell, with
  Welch-Satterthwaite degrees of freedom over the four cells.

See Angrist & Pischke (2009), Mostly Harmless Econometrics, ch. 5 and 8.2.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Hashable
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import stats

from omslag.analysis.experiments.grouping import factorise
from omslag.analysis.experiments.means import interval, p_value, welch_satterthwaite
from omslag.analysis.experiments.summaries import (
    Alternative,
    ExperimentResult,
    GroupSummary,
    check_alternative,
    check_probability_level,
)

DID_PANEL_METHOD = "difference-in-differences-ols-cluster-robust"
DID_CELLS_METHOD = "difference-in-differences-independent-cells"
DID_METHOD_VERSION = "1"

CELL_NAMES = ("control/before", "control/after", "treated/before", "treated/after")


@dataclasses.dataclass(frozen=True)
class DidResult(ExperimentResult):
    """Difference-in-differences estimate, its standard error, test and interval.

    `cells` are the summaries of control/before, control/after, treated/before,
    treated/after. `clusters`, `treated_units` and `control_units` are set for panel data only.
    """

    cells: tuple[GroupSummary, GroupSummary, GroupSummary, GroupSummary]
    alternative: Alternative
    confidence: float
    estimate: float
    standard_error: float
    degrees_of_freedom: float
    statistic: float
    p_value: float
    low: float
    high: float
    observations: int
    clusters: int | None
    treated_units: int | None
    control_units: int | None
    method: str
    method_version: str = DID_METHOD_VERSION


def did_from_panel(
    unit: npt.ArrayLike,
    treated: npt.ArrayLike,
    post: npt.ArrayLike,
    value: npt.ArrayLike,
    *,
    alternative: Alternative = "two-sided",
    confidence: float = 0.95,
) -> DidResult:
    """DiD from rows of (unit id, treated 0/1, post 0/1, value), SEs clustered by unit."""
    alternative = check_alternative(alternative)
    confidence = check_probability_level(confidence, "confidence")
    units = np.asarray(unit)
    y = np.asarray(value, dtype=np.float64)
    rows = y.shape[0] if y.ndim == 1 else -1
    for name, array in (("unit", units), ("treated", treated), ("post", post)):
        if np.ndim(array) != 1 or np.shape(array)[0] != rows:
            raise ValueError(
                f"unit, treated, post and value must be 1-D and of equal length; {name} has "
                f"shape {np.shape(array)}, value has shape {y.shape}"
            )
    if not np.isfinite(y).all():
        row = int(np.flatnonzero(~np.isfinite(y))[0])
        raise ValueError(f"value must be finite; row {row} is {float(y[row])}")
    d = _indicator(treated, "treated")
    p = _indicator(post, "post")
    labels, codes = factorise(units)
    clusters = len(labels)
    per_unit_count = np.bincount(codes, minlength=clusters)
    per_unit_treated = np.bincount(codes, weights=d, minlength=clusters)
    mixed = np.flatnonzero((per_unit_treated > 0) & (per_unit_treated < per_unit_count))
    if mixed.size:
        raise ValueError(
            f"unit {_plain(labels[mixed[0]])!r} appears as both treated and control; "
            "a unit belongs to one group"
        )
    cells = _panel_cells(d, p, y)
    treated_units = int(np.count_nonzero(per_unit_treated))
    control_units = clusters - treated_units
    if treated_units < 2 or control_units < 2:
        # With one unit in a group its residuals sum to zero in each period, so it adds
        # nothing to the clustered variance and the standard error is far too small.
        raise ValueError(
            "clustered standard errors need at least 2 treated and 2 control units; got "
            f"{treated_units} treated and {control_units} control"
        )
    design = np.column_stack([np.ones_like(y), d, p, d * p])
    gram = design.T @ design
    coefficients = np.linalg.solve(gram, design.T @ y)
    residuals = y - design @ coefficients
    scores = design * residuals[:, np.newaxis]
    cluster_scores = np.column_stack(
        [np.bincount(codes, weights=scores[:, j], minlength=clusters) for j in range(4)]
    )
    bread = np.linalg.inv(gram)
    observations, parameters = design.shape
    correction = clusters / (clusters - 1) * (observations - 1) / (observations - parameters)
    covariance = correction * bread @ (cluster_scores.T @ cluster_scores) @ bread
    standard_error = math.sqrt(max(float(covariance[3, 3]), 0.0))
    if standard_error == 0.0:
        raise ValueError("the panel has no residual variation: the standard error is zero")
    return _result(
        cells=cells,
        estimate=float(coefficients[3]),
        standard_error=standard_error,
        degrees_of_freedom=float(clusters - 1),
        alternative=alternative,
        confidence=confidence,
        observations=observations,
        clusters=clusters,
        treated_units=treated_units,
        control_units=control_units,
        method=DID_PANEL_METHOD,
    )


def did_from_cells(
    control_before: GroupSummary,
    control_after: GroupSummary,
    treated_before: GroupSummary,
    treated_after: GroupSummary,
    *,
    alternative: Alternative = "two-sided",
    confidence: float = 0.95,
) -> DidResult:
    """DiD from four cell summaries, treating the cells as independent samples."""
    alternative = check_alternative(alternative)
    confidence = check_probability_level(confidence, "confidence")
    cells = (control_before, control_after, treated_before, treated_after)
    parts = [cell.variance / cell.count for cell in cells]
    variance = sum(parts)
    if variance == 0.0:
        raise ValueError(
            "zero variance in all four cells "
            f"({', '.join(repr(cell.name) for cell in cells)}): the standard error is zero"
        )
    degrees_of_freedom = welch_satterthwaite(tuple(parts), tuple(cell.count for cell in cells))
    estimate = (treated_after.mean - treated_before.mean) - (
        control_after.mean - control_before.mean
    )
    return _result(
        cells=cells,
        estimate=estimate,
        standard_error=math.sqrt(variance),
        degrees_of_freedom=degrees_of_freedom,
        alternative=alternative,
        confidence=confidence,
        observations=sum(cell.count for cell in cells),
        clusters=None,
        treated_units=None,
        control_units=None,
        method=DID_CELLS_METHOD,
    )


def _result(
    *,
    cells: tuple[GroupSummary, GroupSummary, GroupSummary, GroupSummary],
    estimate: float,
    standard_error: float,
    degrees_of_freedom: float,
    alternative: Alternative,
    confidence: float,
    observations: int,
    clusters: int | None,
    treated_units: int | None,
    control_units: int | None,
    method: str,
) -> DidResult:
    distribution = stats.t(degrees_of_freedom)
    statistic = estimate / standard_error
    low, high = interval(estimate, standard_error, alternative, confidence, distribution)
    return DidResult(
        cells=cells,
        alternative=alternative,
        confidence=confidence,
        estimate=estimate,
        standard_error=standard_error,
        degrees_of_freedom=degrees_of_freedom,
        statistic=statistic,
        p_value=p_value(statistic, alternative, distribution),
        low=low,
        high=high,
        observations=observations,
        clusters=clusters,
        treated_units=treated_units,
        control_units=control_units,
        method=method,
    )


def _indicator(values: npt.ArrayLike, name: str) -> npt.NDArray[np.float64]:
    array = np.asarray(values, dtype=np.float64)
    bad = np.flatnonzero((array != 0.0) & (array != 1.0))
    if bad.size:
        raise ValueError(f"{name} must be 0 or 1; row {int(bad[0])} is {float(array[bad[0]])}")
    return array


def _panel_cells(
    d: npt.NDArray[np.float64], p: npt.NDArray[np.float64], y: npt.NDArray[np.float64]
) -> tuple[GroupSummary, GroupSummary, GroupSummary, GroupSummary]:
    cell_codes = (2 * d + p).astype(np.intp)
    counts = np.bincount(cell_codes, minlength=4)
    totals = np.bincount(cell_codes, weights=y, minlength=4)
    squares = np.bincount(cell_codes, weights=y * y, minlength=4)
    for index, name in enumerate(CELL_NAMES):
        if counts[index] < 2:
            raise ValueError(
                f"cell {name} has {int(counts[index])} observations; each of the four "
                "treated x period cells needs at least 2"
            )
    control_before, control_after, treated_before, treated_after = (
        GroupSummary(int(counts[i]), float(totals[i]), float(squares[i]), name=CELL_NAMES[i])
        for i in range(4)
    )
    return control_before, control_after, treated_before, treated_after


def _plain(label: Any) -> Hashable:
    return label.item() if hasattr(label, "item") else label  # type: ignore[no-any-return]
