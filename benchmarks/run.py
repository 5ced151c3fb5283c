"""Run every benchmark in this folder, write the results to one JSON file and check them
against the targets in benchmarks/targets.toml.

    python benchmarks/run.py [--quick] [--only NAME] [--output var/bench/results.json]
                             [--targets benchmarks/targets.toml]

Each ``bench_<name>.py`` has ``run(quick: bool = False) -> dict``. The file records the
machine, the database and the time of the run beside the figures, and the check of every
target. The exit status is 1 when a benchmark failed or a target of a benchmark that ran is
missed or not measured, so `make bench` fails then.
"""

import argparse
import datetime as dt
import importlib
import json
import os
import platform
import sys
import time
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent


def figure(result: dict, path: str):
    """The figure at a dotted ``path`` in one benchmark's result, or None."""
    value = result
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def limit_problem(value: float, limit) -> str:
    """A limit is a number (the figure may be at most that) or a table ``{min = x}`` and/or
    ``{max = y}`` (e.g. a throughput relative to another tool must be at least 1)."""
    bounds = limit if isinstance(limit, dict) else {"max": limit}
    if "max" in bounds and value > bounds["max"]:
        return f"{value} is above the target {bounds['max']}"
    if "min" in bounds and value < bounds["min"]:
        return f"{value} is below the target {bounds['min']}"
    return ""


def target_check(results: dict, targets: dict) -> list[dict]:
    """One line per target of the benchmarks that ran: the figure, its limit and whether it
    is met. A benchmark that failed or was skipped, or a figure that is missing, is not met."""
    checks = []
    for name, limits in targets.items():
        if name not in results:
            continue  # not run (--only)
        result = results[name]
        for path, limit in limits.items():
            value = figure(result, path)
            if "error" in result:
                problem = f"the benchmark failed: {result['error']}"
            elif "skipped" in result and value is None:
                problem = f"not measured: {result['skipped']}"
            elif not isinstance(value, int | float) or isinstance(value, bool):
                problem = "not measured: the result has no such figure"
            else:
                problem = limit_problem(value, limit)
            bounds = limit if isinstance(limit, dict) else {"max": limit}
            checks.append(
                {"figure": f"{name}.{path}", "value": value, **bounds, "problem": problem}
            )
    return checks


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small sizes, to see that it works")
    parser.add_argument("--only", action="append", help="run only these benchmarks (by name)")
    parser.add_argument("--output", type=Path, default=Path("var/bench/results.json"))
    parser.add_argument("--targets", type=Path, default=HERE / "targets.toml")
    args = parser.parse_args()
    targets = tomllib.loads(args.targets.read_text())
    unknown_targets = set(targets) - {
        p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py")
    }
    if unknown_targets:
        parser.error(f"{args.targets} names unknown benchmarks: {sorted(unknown_targets)}")

    sys.path.insert(0, str(HERE))
    names = sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))
    if args.only:
        unknown = set(args.only) - set(names)
        if unknown:
            parser.error(
                f"unknown benchmark(s): {', '.join(sorted(unknown))}; have: {', '.join(names)}"
            )
        names = [n for n in names if n in args.only]
    results = {}
    for name in names:
        print(f"benchmark {name} …", file=sys.stderr, flush=True)
        started = time.perf_counter()
        module = importlib.import_module(f"bench_{name}")
        try:
            results[name] = module.run(quick=args.quick)
        except Exception as error:  # one failing benchmark must not lose the others' figures
            results[name] = {"error": f"{type(error).__name__}: {error}"}
            print(f"benchmark {name} failed: {error}", file=sys.stderr, flush=True)
        results[name]["wall_seconds"] = round(time.perf_counter() - started, 3)
    report = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "database": "postgresql"
            if os.environ.get("DATABASE_URL", "").startswith("postgres")
            else "sqlite",
        },
        "results": results,
        "targets": target_check(results, targets),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2, default=str))
    print(json.dumps(report, indent=2, default=str))
    print(f"written to {args.output}", file=sys.stderr)
    failed = [name for name, result in results.items() if "error" in result]
    missed = [check for check in report["targets"] if check["problem"]]
    for check in report["targets"]:
        mark = "MISSED" if check["problem"] else "met"
        detail = check["problem"] or " and ".join(
            f"{check['value']} {'≥' if key == 'min' else '≤'} {check[key]}"
            for key in ("min", "max")
            if key in check
        )
        print(f"{mark:>6}  {check['figure']}: {detail}", file=sys.stderr)
    if failed or missed:
        print(
            f"make bench fails: {len(failed)} benchmark(s) failed, "
            f"{len(missed)} of {len(report['targets'])} target(s) missed",
            file=sys.stderr,
        )
        sys.exit(1)


if __name__ == "__main__":
    main()
