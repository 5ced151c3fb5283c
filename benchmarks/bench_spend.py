"""Benchmark of the spend analysis core at national scale.

100,000 spend lines over 20 years, 2,000 applications with 5,000 dependency edges, and three
scenarios projected over 10 years. Run ``python benchmarks/bench_spend.py [--quick]``; prints
a JSON object of metric -> seconds (best and median of the repeats) and the sizes.
"""

import argparse
import json
import statistics
import time
from collections.abc import Callable
from decimal import Decimal

import numpy as np

from omslag.analysis.spend import (
    CATEGORIES,
    KINDS,
    ChangeInnovateBudget,
    RetireApplication,
    ScenarioChange,
    SpendItem,
    StartProject,
    StopProject,
    Target,
    balance_by_year,
    compare_scenarios,
    dependency_fan_in,
    find_cycles,
    share_trend,
)

ITEMS = 100_000
FIRST_YEAR, YEARS = 2006, 20
APPLICATIONS = 2_000
EDGES = 5_000
HORIZON = 10
SEED = 20260315


def _items(rng: np.random.Generator) -> list[SpendItem]:
    years = rng.integers(FIRST_YEAR, FIRST_YEAR + YEARS, size=ITEMS)
    cents = rng.integers(1_000, 5_000_000, size=ITEMS)  # 10 to 50,000 euro
    kinds = rng.integers(0, 2, size=ITEMS)
    categories = rng.choice(3, size=ITEMS, p=[0.7, 0.2, 0.1])  # a legacy-heavy landscape
    return [
        SpendItem(int(year), Decimal(int(cent)).scaleb(-2), KINDS[kind], CATEGORIES[category])
        for year, cent, kind, category in zip(
            years.tolist(), cents.tolist(), kinds.tolist(), categories.tolist(), strict=True
        )
    ]


def _edges(rng: np.random.Generator) -> list[tuple[int, int]]:
    pairs = rng.integers(0, APPLICATIONS, size=(EDGES, 2))
    return [(int(a), int(b)) for a, b in pairs.tolist()]


def _scenarios(base_year: int) -> dict[str, list[ScenarioChange]]:
    retirements: list[ScenarioChange] = [
        RetireApplication(f"app-{n}", base_year + 1 + n % 5, Decimal("25000.00")) for n in range(20)
    ]
    projects: list[ScenarioChange] = [
        StartProject(base_year + 1 + n, base_year + 3 + n, Decimal("40000.00")) for n in range(5)
    ]
    return {
        "retire": retirements,
        "retire and reinvest": [
            *retirements,
            ChangeInnovateBudget(base_year + 2, Decimal("400000.00")),
        ],
        "renew": [*projects, StopProject(base_year + 4, Decimal("10000.00"))],
    }


def _measure(function: Callable[[], object], repeats: int) -> tuple[float, float]:
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        timings.append(time.perf_counter() - start)
    return min(timings), statistics.median(timings)


def run(quick: bool = False) -> dict[str, float | int]:
    """Measure the core; ``quick`` does one repeat of each instead of five."""
    repeats = 1 if quick else 5
    rng = np.random.default_rng(SEED)
    start = time.perf_counter()
    items = _items(rng)
    build_seconds = time.perf_counter() - start
    edges = _edges(rng)
    base_year = FIRST_YEAR + YEARS - 1
    scenarios = _scenarios(base_year)
    target = Target(base_year + 5, innovate_min_share=0.12, run_max_share=0.65)
    balances = balance_by_year(items)

    measured = {
        "balance_by_year": lambda: balance_by_year(items),
        "share_trend": lambda: share_trend(balances, "innovate", "actual"),
        "dependency_fan_in": lambda: dependency_fan_in(edges, range(APPLICATIONS)),
        "find_cycles": lambda: find_cycles(edges),
        "compare_3_scenarios": lambda: compare_scenarios(
            items, scenarios, base_year, years=HORIZON, target=target
        ),
    }
    results: dict[str, float | int] = {
        "items": ITEMS,
        "years": YEARS,
        "applications": APPLICATIONS,
        "edges": EDGES,
        "scenarios": len(scenarios),
        "horizon_years": HORIZON,
        "repeats": repeats,
        "build_items_s": round(build_seconds, 6),
    }
    for name, function in measured.items():
        best, median = _measure(function, repeats)
        results[f"{name}_best_s"] = round(best, 6)
        results[f"{name}_median_s"] = round(median, 6)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one repeat instead of five")
    print(json.dumps(run(quick=parser.parse_args().quick), indent=2))


if __name__ == "__main__":
    main()
