"""`make bench` fails when a figure misses its target: the runner's check of targets.toml."""

import importlib.util
import tomllib
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def runner():
    spec = importlib.util.spec_from_file_location("bench_runner", BENCHMARKS / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_figure_above_its_target_a_missing_figure_and_a_failed_benchmark_are_missed():
    check = runner().target_check
    targets = {
        "portfolio": {"balance_page.p95_ms": 200, "balance_page_cold.p95_ms": 1000},
        "projects": {"portfolio_monte_carlo.seconds": 5},
        "safeguards": {"coverage_page.p95_ms": 300},
        "innovation": {"board_page.p95_ms": 200},  # not run (--only): not checked
    }
    results = {
        "portfolio": {"balance_page": {"p95_ms": 180.5}, "balance_page_cold": {"p95_ms": 1200}},
        "projects": {"error": "RuntimeError: boom"},
        "safeguards": {"skipped": "no model DPIA at x"},
    }
    checks = {c["figure"]: c["problem"] for c in check(results, targets)}
    assert checks == {
        "portfolio.balance_page.p95_ms": "",
        "portfolio.balance_page_cold.p95_ms": "1200 is above the target 1000",
        "projects.portfolio_monte_carlo.seconds": "the benchmark failed: RuntimeError: boom",
        "safeguards.coverage_page.p95_ms": "not measured: no model DPIA at x",
    }


def test_a_figure_that_is_not_a_number_is_not_measured():
    check = runner().target_check
    results = {"portfolio": {"balance_page": {"p95_ms": None}}}
    (only,) = check(results, {"portfolio": {"balance_page.p95_ms": 1}})
    assert only["problem"] == "not measured: the result has no such figure"


def test_the_targets_file_names_existing_benchmarks_and_numeric_limits():
    targets = tomllib.loads((BENCHMARKS / "targets.toml").read_text())
    names = {path.stem.removeprefix("bench_") for path in BENCHMARKS.glob("bench_*.py")}
    assert set(targets) <= names
    assert "balance_page_cold.p95_ms" in targets["portfolio"]
    for limits in targets.values():
        for limit in limits.values():
            bounds = limit if isinstance(limit, dict) else {"max": limit}
            assert bounds and set(bounds) <= {"min", "max"}
            assert all(isinstance(b, int | float) and b > 0 for b in bounds.values())


def test_a_figure_below_its_minimum_is_missed():
    check = runner().target_check
    targets = {"publication": {"api_vs_datasette": {"min": 1.0}}}
    slower = check({"publication": {"api_vs_datasette": 0.6}}, targets)
    faster = check({"publication": {"api_vs_datasette": 1.3}}, targets)
    assert slower[0]["problem"] == "0.6 is below the target 1.0"
    assert faster[0]["problem"] == ""
