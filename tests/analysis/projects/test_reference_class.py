"""Reference-class forecasts: quantiles against numpy.quantile computed here, and by hand."""

import json
from datetime import date, timedelta
from importlib import resources

import numpy as np
import pytest

from omslag.analysis.projects import (
    MIN_PAIRS,
    ReferencePair,
    filter_by_band,
    forecast,
    forecast_end_date,
    load_default_reference_class,
    pair_ratios,
    reference_class_from_dict,
    schedule_pair,
    size_band,
)

# Fat-tailed, unsorted, with a ratio of exactly 1.5 to test that the overrun share is inclusive.
RATIOS = [0.8, 1.0, 1.1, 1.5, 0.95, 3.2, 1.25, 1.05, 2.4, 1.3, 0.7, 6.0]


def test_ratios_are_later_over_earlier() -> None:
    pairs = [ReferencePair(4.0, 5.0), ReferencePair(2.0, 1.0), ReferencePair(10.0, 0.0)]
    assert pair_ratios(pairs).tolist() == [1.25, 0.5, 0.0]


@pytest.mark.parametrize("earlier", [0.0, -3.0])
def test_a_pair_without_a_positive_earlier_estimate_is_refused_by_index(earlier: float) -> None:
    pairs = [ReferencePair(1.0, 2.0), ReferencePair(1.0, 1.0), ReferencePair(earlier, 2.0)]
    with pytest.raises(ValueError, match=r"pair 2: earlier must be greater than 0"):
        pair_ratios(pairs)


def test_a_negative_or_non_finite_later_estimate_is_refused_by_index() -> None:
    with pytest.raises(ValueError, match="pair 1: later"):
        pair_ratios([ReferencePair(1.0, 2.0), ReferencePair(1.0, -2.0)])
    with pytest.raises(ValueError, match="pair 0"):
        pair_ratios([ReferencePair(1.0, float("nan"))])


def test_forecast_is_the_estimate_times_numpy_linear_quantiles() -> None:
    result = forecast(2_000_000.0, RATIOS)
    expected = [2_000_000.0 * float(np.quantile(np.array(RATIOS), q)) for q in (0.5, 0.8, 0.9)]
    assert result.quantiles == (0.5, 0.8, 0.9)
    assert list(result.values) == pytest.approx(expected, rel=1e-12)
    assert result.value_at(0.8) == pytest.approx(expected[1], rel=1e-12)
    assert result.pair_count == 12


def test_forecast_quantiles_by_hand() -> None:
    # Ratios 1.0 .. 11.0: linear quantile q sits at position q * (11 - 1) of the sorted list.
    ratios = [float(r) for r in range(11, 0, -1)]
    result = forecast(100.0, ratios, quantiles=(0.5, 0.8, 0.85, 0.9))
    assert result.ratio_quantiles == pytest.approx((6.0, 9.0, 9.5, 10.0))
    assert result.values == pytest.approx((600.0, 900.0, 950.0, 1000.0))


def test_probability_of_a_fifty_percent_overrun_counts_ratios_of_at_least_1_5() -> None:
    # 1.5, 3.2, 2.4 and 6.0 are >= 1.5: 4 of 12
    assert forecast(1.0, RATIOS).probability_overrun_50 == pytest.approx(4 / 12)


def test_fewer_than_ten_pairs_is_too_little_to_forecast() -> None:
    assert MIN_PAIRS == 10
    with pytest.raises(ValueError, match=r"^too little to forecast: 9 pairs, at least 10 needed$"):
        forecast(1.0, RATIOS[:9])
    assert forecast(1.0, RATIOS[:10]).pair_count == 10


@pytest.mark.parametrize("quantiles", [(0.5, 1.2), (-0.1,), ()])
def test_quantiles_outside_zero_to_one_are_refused(quantiles: tuple[float, ...]) -> None:
    with pytest.raises(ValueError, match="quantiles"):
        forecast(1.0, RATIOS, quantiles)


def test_a_negative_estimate_or_ratio_is_refused() -> None:
    with pytest.raises(ValueError, match="estimate"):
        forecast(-1.0, RATIOS)
    with pytest.raises(ValueError, match=r"ratios\[3\]"):
        forecast(1.0, [*RATIOS[:3], -0.5, *RATIOS[4:]])


@pytest.mark.parametrize(
    ("value", "band"), [(0.0, 0), (999_999.0, 0), (1e6, 1), (9_999_999.0, 1), (1e7, 2), (1e9, 2)]
)
def test_size_bands_own_their_lower_edge(value: float, band: int) -> None:
    assert size_band(value, (1e6, 1e7)) == band


def test_size_band_edges_must_ascend() -> None:
    with pytest.raises(ValueError, match="ascending"):
        size_band(1.0, (10.0, 10.0))


def test_filter_by_band_keeps_the_pairs_of_the_same_band_sized_by_earlier_by_default() -> None:
    small = ReferencePair(500_000.0, 900_000.0)
    middle = ReferencePair(2e6, 3e6)
    large_by_size = ReferencePair(1.0, 2.0, size=5e7)
    edge = ReferencePair(1e7, 1e7)
    pairs = [small, middle, large_by_size, edge]
    assert filter_by_band(pairs, 5e6, (1e6, 1e7)) == [middle]
    assert filter_by_band(pairs, 2e7, (1e6, 1e7)) == [large_by_size, edge]


def test_schedule_pair_measures_remaining_days_from_the_earlier_report() -> None:
    pair = schedule_pair(date(2016, 6, 9), date(2017, 3, 31), date(2020, 3, 31))
    # 9 June 2016 -> 31 March 2017: 21 + 31 + 31 + 30 + 31 + 30 + 31 + 31 + 28 + 31 = 295 days
    # 9 June 2016 -> 31 March 2020: 295 + 366 + 365 + 365 = 1,391 days
    assert (pair.earlier, pair.later) == (295.0, 1391.0)


def test_end_date_forecast_scales_the_remaining_duration() -> None:
    ratios = [2.0] * 10
    result = forecast_end_date(date(2024, 1, 1), date(2024, 12, 31), ratios)
    # 365 days remain; twice that from 1 January 2024 (leap year: 366 + 364) is 31 December 2025
    assert result.end_date_at(0.8) == date(2025, 12, 31)
    assert result.probability_overrun_50 == 1.0


def test_end_date_forecast_rounds_up_to_a_whole_day() -> None:
    peildatum = date(2024, 1, 1)
    result = forecast_end_date(peildatum, date(2024, 1, 11), RATIOS)  # 10 days remain
    for quantile, end in zip(result.quantiles, result.end_dates, strict=True):
        days = 10 * float(np.quantile(np.array(RATIOS), quantile))
        assert end - peildatum == timedelta(days=int(np.ceil(days)))


def test_end_date_forecast_needs_time_remaining() -> None:
    with pytest.raises(ValueError, match="after the peildatum"):
        forecast_end_date(date(2024, 1, 1), date(2024, 1, 1), RATIOS)


def test_default_reference_class_is_figures_only_and_matches_the_published_shape() -> None:
    package = resources.files("omslag.analysis.projects")
    raw = json.loads(package.joinpath("default_reference_class.json").read_text("utf-8"))
    assert set(raw) == {"name", "source", "pairs", "limits"}
    assert all(set(pair) == {"earlier", "later"} for pair in raw["pairs"])
    reference_class = load_default_reference_class()
    assert len(reference_class.pairs) == 99
    assert all(pair.earlier >= 1_000_000 for pair in reference_class.pairs)  # projects over $1M
    ratios = np.array([pair["later"] / pair["earlier"] for pair in raw["pairs"]])
    # data/README.md: median about 1.23, P80 about 2.5 (rounded: tolerances of 0.01 and 0.05)
    assert float(np.median(ratios)) == pytest.approx(1.23, abs=0.01)
    assert float(np.quantile(ratios, 0.8)) == pytest.approx(2.5, abs=0.05)


def test_reference_class_from_dict_names_what_is_wrong() -> None:
    with pytest.raises(ValueError, match="'name'"):
        reference_class_from_dict({"source": "s", "limits": "l", "pairs": []})
    pairs: list[dict[str, object]] = [{"earlier": 1, "later": 2}, {"earlier": "1", "later": 2}]
    bad_pair = {"name": "n", "source": "s", "limits": "l", "pairs": pairs}
    with pytest.raises(ValueError, match="pair 1: 'earlier' must be a number"):
        reference_class_from_dict(bad_pair)
    zero = {"name": "n", "source": "s", "limits": "l", "pairs": [{"earlier": 0, "later": 2}]}
    with pytest.raises(ValueError, match="pair 0: earlier must be greater than 0"):
        reference_class_from_dict(zero)
