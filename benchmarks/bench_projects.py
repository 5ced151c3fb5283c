"""Benchmark of reference-class forecasting: one project, and a national-scale portfolio.

    python benchmarks/bench_projects.py [--quick] [--output FILE]

Prints the results as JSON (and writes them to FILE when given). Time is wall clock from
time.perf_counter on a separate run from the memory measurement, so tracing does not slow the
timed run. Memory is reported two ways: ``peak_traced_bytes`` is tracemalloc's peak of memory
allocated during the call (numpy reports its array buffers to tracemalloc), and
``max_rss_delta_bytes`` is the growth of the process's peak resident set (getrusage ru_maxrss;
0 when the process had already been larger).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np

from omslag.analysis.projects import (
    forecast,
    load_default_reference_class,
    pair_ratios,
    portfolio_monte_carlo,
)

FULL = {"projects": 25_000, "iterations": 10_000}
QUICK = {"projects": 2_500, "iterations": 1_000}
FORECAST_REPEATS = 1_000


def run(quick: bool = False) -> dict[str, Any]:
    """Measure portfolio_monte_carlo and a one-project forecast; return the figures."""
    size = QUICK if quick else FULL
    ratios = pair_ratios(load_default_reference_class().pairs)
    estimates = np.random.default_rng(2011).lognormal(mean=15.5, sigma=1.2, size=size["projects"])
    portfolio_monte_carlo(estimates[:100], ratios, iterations=100, seed=0)  # warm up

    rss_before = _max_rss_bytes()
    started = time.perf_counter()
    result = portfolio_monte_carlo(estimates, ratios, iterations=size["iterations"], seed=1)
    seconds = time.perf_counter() - started
    rss_delta = max(0, _max_rss_bytes() - rss_before)

    tracemalloc.start()
    try:
        portfolio_monte_carlo(estimates, ratios, iterations=size["iterations"], seed=1)
        peak_traced = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    started = time.perf_counter()
    for _ in range(FORECAST_REPEATS):
        forecast(12_500_000.0, ratios)
    forecast_seconds = (time.perf_counter() - started) / FORECAST_REPEATS

    return {
        "benchmark": "projects",
        "quick": quick,
        "machine": {
            "python": platform.python_version(),
            "numpy": np.__version__,
            "cpu_count": os.cpu_count(),
            "platform": platform.platform(),
        },
        "portfolio_monte_carlo": {
            "projects": size["projects"],
            "iterations": size["iterations"],
            "reference_class_size": int(ratios.size),
            "seconds": round(seconds, 3),
            "draws_per_second": round(size["projects"] * size["iterations"] / seconds),
            "peak_traced_bytes": peak_traced,
            "max_rss_delta_bytes": rss_delta,
            "p50_over_estimate": round(result.value_at(0.5) / result.total_estimate, 4),
            "p80_over_estimate": round(result.value_at(0.8) / result.total_estimate, 4),
        },
        "forecast_one_project": {
            "repeats": FORECAST_REPEATS,
            "seconds_per_call": forecast_seconds,
        },
    }


def _max_rss_bytes() -> int:
    # ru_maxrss is in kibibytes on Linux and in bytes on macOS.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak) if sys.platform == "darwin" else int(peak) * 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,500 projects x 1,000 iterations")
    parser.add_argument("--output", type=Path, help="also write the JSON to this file")
    arguments = parser.parse_args()
    text = json.dumps(run(quick=arguments.quick), indent=2)
    if arguments.output:
        arguments.output.write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
