"""Benchmark: per-group summaries and Welch tests for a large experiment upload.

Measures `summarise_by_group` on N rows x 3 metrics (1,000,000 rows; 100,000 in quick mode)
with string group labels, followed by one Welch test per metric, and compares it with what
scipy takes for the same: the split of the rows by label (boolean masks) plus
`scipy.stats.ttest_ind(equal_var=False)` per metric on the split arrays (`vs_scipy` is the
ratio of the two, target at most 1.5: the grouping must not sort the text column, issue 13
item 8). Data are seeded. Prints the best and median of the repeats as JSON; `--output FILE`
also writes them to a file.

    python benchmarks/bench_experiments.py [--quick] [--output FILE]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np
from scipy import stats

from omslag.analysis.experiments import summarise_by_group, welch_test

METRICS = ("handling_days", "satisfaction", "cost_eur")
REPEATS = 5


def _data(rows: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(20240601)
    groups = np.array(["control", "treatment"])[rng.integers(0, 2, size=rows)]
    values = rng.normal([12.0, 7.2, 180.0], [4.0, 1.5, 60.0], size=(rows, len(METRICS)))
    values[groups == "treatment"] += [-0.02, 0.005, 0.3]
    return groups, values


def run(quick: bool = False) -> dict[str, Any]:
    """Best and median of three timings in seconds, with the Welch p-values as a sanity check."""
    rows = 100_000 if quick else 1_000_000
    groups, values = _data(rows)
    summarise_seconds: list[float] = []
    welch_seconds: list[float] = []
    p_values: dict[str, float] = {}
    for _ in range(REPEATS):
        start = time.perf_counter()
        summaries = summarise_by_group(groups, values, metric_names=METRICS)
        middle = time.perf_counter()
        for metric in METRICS:
            result = welch_test(summaries["control"][metric], summaries["treatment"][metric])
            p_values[metric] = result.p_value
        end = time.perf_counter()
        summarise_seconds.append(middle - start)
        welch_seconds.append(end - middle)
    scipy_seconds: list[float] = []
    scipy_p_values: dict[str, float] = {}
    for _ in range(REPEATS):
        start = time.perf_counter()
        control = values[groups == "control"]
        treatment = values[groups == "treatment"]
        for j, metric in enumerate(METRICS):
            reference = stats.ttest_ind(control[:, j], treatment[:, j], equal_var=False)
            scipy_p_values[metric] = float(reference.pvalue)
        scipy_seconds.append(time.perf_counter() - start)
    best_summarise, best_welch = min(summarise_seconds), min(welch_seconds)
    return {
        "benchmark": "experiments.summarise_by_group+welch",
        "quick": quick,
        "rows": rows,
        "metrics": len(METRICS),
        "groups": 2,
        "repeats": REPEATS,
        "summarise_by_group_seconds": round(best_summarise, 4),
        "summarise_by_group_median_seconds": round(statistics.median(summarise_seconds), 4),
        "welch_seconds": round(best_welch, 5),
        "welch_median_seconds": round(statistics.median(welch_seconds), 5),
        "total_seconds": round(best_summarise + best_welch, 4),
        "rows_per_second": round(rows / (best_summarise + best_welch)),
        "p_values": p_values,
        "scipy_split_and_ttest_seconds": round(min(scipy_seconds), 4),
        "scipy_p_values": scipy_p_values,
        "vs_scipy": round((best_summarise + best_welch) / min(scipy_seconds), 3),
        "python": platform.python_version(),
        "numpy": np.__version__,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100,000 rows instead of 1,000,000")
    parser.add_argument("--output", type=Path, help="also write the JSON to this file")
    arguments = parser.parse_args()
    figures = run(quick=arguments.quick)
    text = json.dumps(figures, indent=2)
    if arguments.output:
        arguments.output.write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
