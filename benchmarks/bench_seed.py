"""The national seed (`omslag seed --scale national`): how long it takes to fill an empty
database, at a factor of the national size (factor 1: 150,000 applications, 1,500,000 spend
lines, 25,000 projects, 50,000 experiments, 200,000 assessments).

    python benchmarks/bench_seed.py --factor 0.05

The seed needs an empty database: on PostgreSQL the benchmark makes its own next to the one
DATABASE_URL names (``<name>_seedbench``, migrated first, dropped afterwards), on SQLite a file in
a temporary folder. Migrating is not timed; the seed's own time is (the command reports it), and
``seconds_per_factor_1`` is that time divided by the factor: the figure the target (600 s) is
about. At small factors it is a linear extrapolation (organisations and people do not grow with
the factor, so it errs on the high side).
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent


def _omslag(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "omslag.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )


def _postgres_database(url: str):
    """A fresh database beside the benchmark's own; returns its URL and a function to drop it."""
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/')}_seedbench"
    admin = psycopg.connect(url, autocommit=True)
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'CREATE DATABASE "{name}"')

    def drop():
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()

    return urlunsplit(parts._replace(path=f"/{name}")), drop


def run(quick: bool = False, factor: float | None = None) -> dict:
    factor = factor if factor is not None else (0.02 if quick else 1.0)
    env = dict(os.environ)
    env.setdefault("OMSLAG_SECRET_KEY", "benchmark-only-secret-key")
    url = os.environ.get("DATABASE_URL", "")
    folder = tempfile.TemporaryDirectory(prefix="omslag-seedbench-")
    env["OMSLAG_DATA_DIR"] = folder.name
    drop = None
    try:
        if url.startswith("postgres"):
            env["DATABASE_URL"], drop = _postgres_database(url)
            database = "postgresql"
        else:
            env.pop("DATABASE_URL", None)
            database = "sqlite"
        _omslag(["migrate", "-v0"], env)
        started = time.perf_counter()
        done = _omslag(["seed", "--scale", "national", "--factor", str(factor)], env)
        wall = time.perf_counter() - started
        counts = {
            label: int(number.replace(",", ""))
            for label, number in re.findall(r"^(\w[^:\n]*): ([0-9,]+)$", done.stdout, re.MULTILINE)
        }
        seconds = float(re.search(r"([0-9.]+) s\.", done.stdout).group(1))
        size = None
        if database == "sqlite":
            size = round((Path(folder.name) / "omslag.sqlite3").stat().st_size / 1e6, 1)
        return {
            "factor": factor,
            "database": database,
            "seconds": seconds,
            "wall_seconds_with_start_up": round(wall, 2),
            "seconds_per_factor_1": round(seconds / factor, 1),
            "load_average": os.getloadavg(),
            "sqlite_file_mb": size,
            "counts": counts,
        }
    finally:
        if drop:
            drop()
        folder.cleanup()


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--factor", type=float, default=1.0, help="share of the national size")
    args = parser.parse_args()
    print(json.dumps(run(factor=args.factor), indent=2))
