"""Reference-class forecasting of cost and end date, for one project and for a portfolio.

A reference class is a set of historical projects with an earlier and a later estimate. The
forecast for a project is its current estimate times the empirical quantiles (numpy's default
linear method) of the class's later/earlier ratios. See docs/analysis-projects.md for formulas.
"""

from __future__ import annotations

import json
import math
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import resources
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

MIN_PAIRS = 10
OVERRUN_RATIO = 1.5  # "an overrun of 50 % or more" means later / earlier >= 1.5
DEFAULT_QUANTILES: tuple[float, ...] = (0.5, 0.8, 0.9)
# Monte Carlo works in chunks of about this many draws (8 MiB of float64), so memory stays flat
# however many projects and iterations. Changing it changes the random stream for a given seed.
CHUNK_DRAWS = 1 << 20
DEFAULT_REFERENCE_CLASS_FILE = "default_reference_class.json"


@dataclass(frozen=True, slots=True)
class ReferencePair:
    """An earlier and a later estimate of one historical project; size is for banding."""

    earlier: float
    later: float
    size: float | None = None


@dataclass(frozen=True, slots=True)
class ReferenceClass:
    """A named, sourced set of reference pairs with its stated limits."""

    name: str
    source: str
    limits: str
    pairs: tuple[ReferencePair, ...]


@dataclass(frozen=True, slots=True)
class Forecast:
    """Estimate times the class's ratio quantiles, and the chance of a 50 % overrun."""

    estimate: float
    pair_count: int
    quantiles: tuple[float, ...]
    ratio_quantiles: tuple[float, ...]
    values: tuple[float, ...]
    probability_overrun_50: float

    def value_at(self, quantile: float) -> float:
        """The forecast at one of the requested quantiles (e.g. 0.8 for P80)."""
        return self.values[self.quantiles.index(quantile)]


@dataclass(frozen=True, slots=True)
class EndDateForecast:
    """End dates forecast from the remaining duration at the peildatum."""

    peildatum: date
    estimated_end_date: date
    pair_count: int
    quantiles: tuple[float, ...]
    ratio_quantiles: tuple[float, ...]
    end_dates: tuple[date, ...]
    probability_overrun_50: float

    def end_date_at(self, quantile: float) -> date:
        """The forecast end date at one of the requested quantiles."""
        return self.end_dates[self.quantiles.index(quantile)]


@dataclass(frozen=True, slots=True)
class PortfolioForecast:
    """Monte Carlo distribution of a portfolio's total; ``totals`` holds every iteration."""

    project_count: int
    iterations: int
    seed: int | None
    total_estimate: float
    mean: float
    quantiles: tuple[float, ...]
    values: tuple[float, ...]
    probability_over_estimate: float
    totals: FloatArray = field(compare=False, repr=False)

    def value_at(self, quantile: float) -> float:
        """The portfolio total at one of the requested quantiles."""
        return self.values[self.quantiles.index(quantile)]


def pair_ratios(pairs: Sequence[ReferencePair]) -> FloatArray:
    """later / earlier per pair; a pair with earlier <= 0 or later < 0 is refused by index."""
    result = np.empty(len(pairs), dtype=np.float64)
    for index, pair in enumerate(pairs):
        if not (math.isfinite(pair.earlier) and math.isfinite(pair.later)):
            raise ValueError(f"pair {index}: earlier and later must be finite numbers")
        if pair.earlier <= 0:
            raise ValueError(f"pair {index}: earlier must be greater than 0, got {pair.earlier}")
        if pair.later < 0:
            raise ValueError(f"pair {index}: later must not be negative, got {pair.later}")
        result[index] = pair.later / pair.earlier
    return result


def forecast(
    estimate: float, ratios: ArrayLike, quantiles: Sequence[float] = DEFAULT_QUANTILES
) -> Forecast:
    """Forecast = estimate x numpy.quantile(ratios, q) (linear) for each quantile q."""
    _check_non_negative("estimate", estimate)
    class_ratios = _checked_ratios(ratios)
    wanted = _checked_quantiles(quantiles)
    ratio_quantiles = np.quantile(class_ratios, wanted)
    return Forecast(
        estimate=float(estimate),
        pair_count=int(class_ratios.size),
        quantiles=tuple(float(q) for q in wanted),
        ratio_quantiles=tuple(float(r) for r in ratio_quantiles),
        values=tuple(float(estimate * r) for r in ratio_quantiles),
        probability_overrun_50=float(np.mean(class_ratios >= OVERRUN_RATIO)),
    )


def size_band(value: float, edges: Sequence[float]) -> int:
    """Index of the band holding value; edges ascend, a lower edge belongs to its band.

    With edges (a, b): band 0 is value < a, band 1 is a <= value < b, band 2 is value >= b.
    """
    if any(lower >= upper for lower, upper in zip(edges, edges[1:], strict=False)):
        raise ValueError(f"edges must be strictly ascending, got {list(edges)}")
    return bisect_right(edges, value)


def filter_by_band(
    pairs: Sequence[ReferencePair], value: float, edges: Sequence[float]
) -> list[ReferencePair]:
    """The pairs in the same size band as value; a pair without a size is sized by earlier."""
    band = size_band(value, edges)
    return [
        pair
        for pair in pairs
        if size_band(pair.earlier if pair.size is None else pair.size, edges) == band
    ]


def schedule_pair(
    earlier_report_date: date,
    earlier_end_date: date,
    later_end_date: date,
    size: float | None = None,
) -> ReferencePair:
    """A schedule pair: remaining days at the earlier report, before and after the change.

    Both durations run from the earlier report date, so the ratio is the growth of the
    remaining duration; it needs no project start date, which snapshot registers lack.
    """
    return ReferencePair(
        earlier=float((earlier_end_date - earlier_report_date).days),
        later=float((later_end_date - earlier_report_date).days),
        size=size,
    )


def forecast_end_date(
    peildatum: date,
    estimated_end_date: date,
    ratios: ArrayLike,
    quantiles: Sequence[float] = DEFAULT_QUANTILES,
) -> EndDateForecast:
    """End date = peildatum + remaining days x ratio quantile, rounded up to a whole day."""
    remaining_days = (estimated_end_date - peildatum).days
    if remaining_days <= 0:
        raise ValueError(
            f"estimated_end_date {estimated_end_date.isoformat()} must be after the "
            f"peildatum {peildatum.isoformat()} to forecast the remaining duration"
        )
    days = forecast(float(remaining_days), ratios, quantiles)
    return EndDateForecast(
        peildatum=peildatum,
        estimated_end_date=estimated_end_date,
        pair_count=days.pair_count,
        quantiles=days.quantiles,
        ratio_quantiles=days.ratio_quantiles,
        # round() first so that 364.0000000001 days stays 364 rather than becoming 365
        end_dates=tuple(
            peildatum + timedelta(days=math.ceil(round(value, 6))) for value in days.values
        ),
        probability_overrun_50=days.probability_overrun_50,
    )


def portfolio_monte_carlo(
    estimates: ArrayLike,
    ratios: ArrayLike,
    iterations: int = 10_000,
    seed: int | None = None,
    quantiles: Sequence[float] = DEFAULT_QUANTILES,
) -> PortfolioForecast:
    """Bootstrap one class ratio per project per iteration and sum estimate x ratio.

    Works in chunks of iterations so memory stays near CHUNK_DRAWS draws; the same seed and
    inputs give the same result.
    """
    if iterations < 1:
        raise ValueError(f"iterations must be at least 1, got {iterations}")
    amounts = np.asarray(estimates, dtype=np.float64)
    if amounts.ndim != 1 or amounts.size == 0:
        raise ValueError("estimates: at least one project estimate is needed")
    bad = np.flatnonzero(~np.isfinite(amounts) | (amounts < 0))
    if bad.size:
        raise ValueError(f"estimates[{bad[0]}] must be a finite number >= 0, got {amounts[bad[0]]}")
    class_ratios = _checked_ratios(ratios)
    wanted = _checked_quantiles(quantiles)
    totals = _simulate_totals(amounts, class_ratios, iterations, np.random.default_rng(seed))
    total_estimate = float(amounts.sum())
    return PortfolioForecast(
        project_count=int(amounts.size),
        iterations=iterations,
        seed=seed,
        total_estimate=total_estimate,
        mean=float(totals.mean()),
        quantiles=tuple(float(q) for q in wanted),
        values=tuple(float(v) for v in np.quantile(totals, wanted)),
        probability_over_estimate=float(np.mean(totals > total_estimate)),
        totals=totals,
    )


def _simulate_totals(
    amounts: FloatArray, ratios: FloatArray, iterations: int, rng: np.random.Generator
) -> FloatArray:
    # Drawn indices take 2 bytes for a class of at most 65,536 ratios, else 4 (np.take widens a
    # chunk's indices to intp internally, so a chunk peaks near 2 x 8 + 2 bytes per draw).
    index_type = np.uint16 if ratios.size <= np.iinfo(np.uint16).max + 1 else np.int32
    chunk = max(1, min(iterations, CHUNK_DRAWS // amounts.size))
    drawn = np.empty((chunk, amounts.size), dtype=np.float64)
    totals = np.empty(iterations, dtype=np.float64)
    for first in range(0, iterations, chunk):
        rows = min(chunk, iterations - first)
        picks = rng.integers(0, ratios.size, size=(rows, amounts.size), dtype=index_type)
        # mode="clip" skips the bounds check and its buffering; the picks are always in range.
        np.take(ratios, picks, out=drawn[:rows], mode="clip")
        np.matmul(drawn[:rows], amounts, out=totals[first : first + rows])
    return totals


def reference_class_from_dict(data: Mapping[str, Any]) -> ReferenceClass:
    """Build a reference class from its JSON form: name, source, limits, pairs[earlier, later]."""
    for key in ("name", "source", "limits"):
        if not isinstance(data.get(key), str):
            raise ValueError(f"reference class: '{key}' must be a text")
    raw_pairs = data.get("pairs")
    if not isinstance(raw_pairs, list):
        raise ValueError("reference class: 'pairs' must be a list")
    pairs = tuple(_pair_from_dict(index, item) for index, item in enumerate(raw_pairs))
    pair_ratios(pairs)  # refuses unusable pairs by index
    return ReferenceClass(
        name=data["name"], source=data["source"], limits=data["limits"], pairs=pairs
    )


def load_default_reference_class() -> ReferenceClass:
    """The reference class shipped with omslag (Canadian IT projects, figures only)."""
    package = __name__.rpartition(".")[0]
    text = resources.files(package).joinpath(DEFAULT_REFERENCE_CLASS_FILE).read_text("utf-8")
    return reference_class_from_dict(json.loads(text))


def _pair_from_dict(index: int, item: object) -> ReferencePair:
    if not isinstance(item, Mapping):
        raise ValueError(f"pair {index}: must be an object with 'earlier' and 'later'")
    size = item.get("size")
    return ReferencePair(
        earlier=_number(index, "earlier", item.get("earlier")),
        later=_number(index, "later", item.get("later")),
        size=None if size is None else _number(index, "size", size),
    )


def _number(index: int, key: str, value: object) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise ValueError(f"pair {index}: '{key}' must be a number, got {value!r}")


def _checked_ratios(ratios: ArrayLike) -> FloatArray:
    values = np.asarray(ratios, dtype=np.float64)
    if values.ndim != 1:
        raise ValueError("ratios must be a flat sequence of numbers")
    if values.size < MIN_PAIRS:
        raise ValueError(
            f"too little to forecast: {values.size} pairs, at least {MIN_PAIRS} needed"
        )
    bad = np.flatnonzero(~np.isfinite(values) | (values < 0))
    if bad.size:
        raise ValueError(f"ratios[{bad[0]}]: must be a finite number >= 0, got {values[bad[0]]}")
    return values


def _checked_quantiles(quantiles: Sequence[float]) -> FloatArray:
    wanted = np.asarray(quantiles, dtype=np.float64)
    if wanted.ndim != 1 or wanted.size == 0 or np.any((wanted < 0) | (wanted > 1)):
        raise ValueError(f"quantiles must be numbers between 0 and 1, got {list(quantiles)}")
    return wanted


def _check_non_negative(name: str, value: float) -> None:
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value}")
