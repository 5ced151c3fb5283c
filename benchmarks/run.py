"""Run every benchmark in this folder and write the results to one JSON file.

    python benchmarks/run.py [--quick] [--only NAME] [--output var/bench/results.json]

Each ``bench_<name>.py`` has ``run(quick: bool = False) -> dict``. The file records the
machine, the database and the time of the run beside the figures.
"""

import argparse
import datetime as dt
import importlib
import json
import os
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small sizes, to see that it works")
    parser.add_argument("--only", action="append", help="run only these benchmarks (by name)")
    parser.add_argument("--output", type=Path, default=Path("var/bench/results.json"))
    args = parser.parse_args()

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
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2, default=str))
    print(json.dumps(report, indent=2, default=str))
    print(f"written to {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
