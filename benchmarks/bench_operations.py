"""Operations: the cost of /health/live and /health/ready (polled every few seconds), and an
SQLite backup while a writer keeps committing: how long the copy takes and how long a write
waits for it at most. ``--factor`` scales the database (1.0: about 200 MB; quick mode: 0.01).

    python benchmarks/bench_operations.py [--factor 0.01] [--output FILE]
"""

import argparse
import json
import os
import sqlite3
import tempfile
import threading
import time
from pathlib import Path

FULL_MB = 200
ROW_BYTES = 4096


def _health(repeat: int) -> dict:
    from django.test import Client

    from django_env import time_requests
    from omslag.common import health

    health.probe_migrations_forget()
    client = Client()
    return {
        "health_live": time_requests(client, "/health/live", repeat),
        "health_ready": time_requests(client, "/health/ready", repeat),
    }


def _backup_under_writes(megabytes: float) -> dict:
    from omslag.common.backup import sqlite_backup

    folder = Path(tempfile.mkdtemp(prefix="omslag-bench-backup-"))
    source, target = folder / "source.sqlite3", folder / "backup.sqlite3"
    rows = max(10, int(megabytes * 1024 * 1024 / ROW_BYTES))
    with sqlite3.connect(source) as database:
        database.execute("CREATE TABLE django_migrations (id INTEGER PRIMARY KEY, name TEXT)")
        database.execute("CREATE TABLE payload (id INTEGER PRIMARY KEY, data BLOB)")
        database.execute("CREATE TABLE counter (n INTEGER)")
        database.execute("INSERT INTO counter VALUES (0)")
        database.executemany(
            "INSERT INTO payload (data) VALUES (?)", ((os.urandom(ROW_BYTES),) for _ in range(rows))
        )
    stop = threading.Event()
    waits: list[float] = []

    def writer():
        connection = sqlite3.connect(source, timeout=20)
        while not stop.is_set():
            started = time.perf_counter()
            with connection:
                connection.execute("UPDATE counter SET n = n + 1")
            waits.append(time.perf_counter() - started)
            time.sleep(0.005)
        connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    time.sleep(0.2)
    started = time.perf_counter()
    sqlite_backup(source, target)
    seconds = time.perf_counter() - started
    time.sleep(0.2)
    stop.set()
    thread.join()
    size = source.stat().st_size
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()
    return {
        "database_mb": round(size / 1024 / 1024, 1),
        "seconds": round(seconds, 3),
        "mb_per_second": round(size / 1024 / 1024 / seconds, 1),
        "longest_write_wait_ms": round(max(waits) * 1000, 1),
        "writes": len(waits),
    }


def run(quick: bool = False, factor: float | None = None) -> dict:
    import django_env

    django_env.setup()
    factor = factor if factor is not None else (0.01 if quick else 1.0)
    result = _health(repeat=20 if quick else 200)
    result["sqlite_backup_under_writes"] = _backup_under_writes(FULL_MB * factor)
    result["factor"] = factor
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--factor", type=float, default=1.0)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()
    figures = run(factor=args.factor)
    text = json.dumps(figures, indent=2)
    if args.output:
        args.output.write_text(text)
    print(text)
