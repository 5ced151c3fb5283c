"""Load test: Locust against real servers (``omslag serve``, and ``omslag worker`` when the
command exists) on PostgreSQL, in two modes, with the figures checked against targets.toml.

* ``think``: 200 people (× ``--factor``) with 5–15 s think time between clicks; target p95 of
  every page and API call under 300 ms and no errors;
* ``peak``: people clicking without pause; target at least 50 requests/s.

The people sign in with the accounts of ``--accounts`` (a JSON list of ``{"email", "password",
"role", "organisation"}``, or CSV with those columns; also ``OMSLAG_LOAD_ACCOUNTS``), e.g. those
the national seed writes. Without accounts the demo data are loaded (``omslag demo
--no-serve``, which changes nothing when they are there) and the demo people are used. The
database is ``--database-url`` (else ``OMSLAG_LOAD_DATABASE_URL``, else ``DATABASE_URL``).

    python benchmarks/bench_load.py --factor 0.05 --think-seconds 20 --peak-seconds 20
    python benchmarks/bench_load.py --accounts var/seed/accounts.json --chart docs/load.svg
    python benchmarks/run.py --only load          # 200 people; --quick: a tenth, shorter

The JSON has per mode: requests/s, errors, p50/p95/p99 of all requests and per page, the load
average before and after, and the machine. Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
LOCUSTFILE = HERE / "load" / "locustfile.py"
PYTHON = sys.executable
THINK_USERS = 200
PEAK_USERS = 30
TARGETS = tomllib.loads((HERE / "targets.toml").read_text()).get("load", {})


def database_url(given: str | None) -> str:
    return (
        given or os.environ.get("OMSLAG_LOAD_DATABASE_URL") or os.environ.get("DATABASE_URL") or ""
    )


def server_environment(url: str, data_dir: Path) -> dict[str, str]:
    """The environment of the servers: the database, a data folder of their own, and limits
    that would otherwise answer the load generator's single address with 429."""
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": url,
            "OMSLAG_DATA_DIR": str(data_dir),
            "OMSLAG_SECRET_KEY": os.environ.get("OMSLAG_SECRET_KEY", "load-test-secret-key"),
            "OMSLAG_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "OMSLAG_SECURE_COOKIES": "false",
            "OMSLAG_API_THROTTLE_USER": "1000000/minute",
            "OMSLAG_API_THROTTLE_ANON": "1000000/minute",
            "OMSLAG_LOG_LEVEL": "WARNING",
        }
    )
    return env


def load_accounts(path: Path) -> list[dict]:
    if path.suffix.lower() == ".csv":
        with path.open(newline="", encoding="utf-8") as handle:
            return [dict(row) for row in csv.DictReader(handle)]
    return json.loads(path.read_text(encoding="utf-8"))


DEMO_ACCOUNTS = """
import json, django
django.setup()
from omslag.demo.loading import PEOPLE, demo_password
from django.core.management import call_command
call_command("demo", no_serve=True, verbosity=0)
password = demo_password()
print(json.dumps([
    {"email": email, "password": password, "role": str(role), "organisation": slug}
    for email, _name, role, slug in PEOPLE
]))
"""


def demo_accounts(env: dict[str, str]) -> list[dict]:
    """Load the demo data into the database (a no-op when they are there) and return the
    accounts of the demo people."""
    done = subprocess.run(
        [PYTHON, "-c", DEMO_ACCOUNTS],
        env={**env, "DJANGO_SETTINGS_MODULE": "omslag.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(base: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped with exit status {process.returncode}")
        try:
            with urllib.request.urlopen(base + "/login", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the server at {base} did not answer within {seconds} s")


def drain(base: str, limit: float = 120) -> float:
    """Wait until the server answers the sign-in page within half a second again (the queue
    of the previous mode is served), at most ``limit`` seconds; return how long it took."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        asked = time.monotonic()
        try:
            with urllib.request.urlopen(base + "/login", timeout=limit) as response:  # noqa: S310
                response.read()
        except OSError:
            pass
        if time.monotonic() - asked < 0.5:
            break
        time.sleep(1)
    return round(time.monotonic() - started, 1)


def has_worker_command(env: dict[str, str]) -> bool:
    done = subprocess.run(
        [PYTHON, "-m", "omslag.cli", "help", "worker"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode == 0


def start(arguments: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("ab") as out:
        return subprocess.Popen(  # noqa: S603
            [PYTHON, "-m", "omslag.cli", *arguments],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _number(text: str) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def read_stats(prefix: Path) -> dict:
    """Per page and in total from Locust's ``_stats.csv``: requests, failures, requests/s and
    the 50th, 95th and 99th percentile of the response time in ms."""
    pages: dict[str, dict] = {}
    total: dict = {}
    with Path(f"{prefix}_stats.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            figures = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "requests_per_second": round(float(row["Requests/s"]), 2),
                "p50_ms": _number(row["50%"]),
                "p95_ms": _number(row["95%"]),
                "p99_ms": _number(row["99%"]),
                "max_ms": _number(row["Max Response Time"]),
            }
            if row["Name"] == "Aggregated":
                total = figures
            else:
                pages[f"{row['Type']} {row['Name']}"] = figures
    return {"total": total, "pages": pages}


def read_failures(prefix: Path) -> list[dict]:
    path = Path(f"{prefix}_failures.csv")
    if not path.exists():
        return []
    with path.open(newline="") as handle:
        return [
            {
                "page": f"{r['Method']} {r['Name']}",
                "error": r["Error"][:300],
                "count": int(r["Occurrences"]),
            }
            for r in csv.DictReader(handle)
        ][:50]


def steady_throughput(prefix: Path) -> float | None:
    """Requests per second while everyone is signed in and clicking: the median of Locust's
    per-second figure over the second half of the run (the first half holds the sign-ins,
    whose password hashing is deliberately slow)."""
    path = Path(f"{prefix}_stats_history.csv")
    if not path.exists():
        return None
    with path.open(newline="") as handle:
        rates = [
            float(r["Requests/s"]) for r in csv.DictReader(handle) if r["Name"] == "Aggregated"
        ]
    second_half = sorted(rates[len(rates) // 2 :])
    return round(second_half[len(second_half) // 2], 2) if second_half else None


def run_locust(
    base: str, accounts_file: Path, think: str, users: int, seconds: int, prefix: Path
) -> None:
    env = {**os.environ, "OMSLAG_LOAD_ACCOUNTS": str(accounts_file), "OMSLAG_LOAD_THINK": think}
    # With think time people arrive over a minute (sign-in hashes the password on purpose
    # slowly); without, everyone starts at once and the steady throughput is what counts.
    spawn_rate = users if think in {"", "0"} else max(1, round(users / 60))
    subprocess.run(  # noqa: S603
        [
            PYTHON,
            "-m",
            "locust",
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "--host",
            base,
            "--users",
            str(users),
            "--spawn-rate",
            str(spawn_rate),
            "--run-time",
            f"{seconds}s",
            "--csv",
            str(prefix),
            "--csv-full-history",
            "--only-summary",
            "--exit-code-on-error",
            "0",
            "--loglevel",
            "WARNING",
        ],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def server_cpu_seconds(server: subprocess.Popen) -> float:
    """CPU time (user + system) of the server's processes so far: the figure that does not
    depend on what else the machine runs."""
    import psutil

    try:
        root = psutil.Process(server.pid)
        processes = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0.0
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def measure_mode(
    name: str,
    base: str,
    accounts_file: Path,
    think: str,
    users: int,
    seconds: int,
    out: Path,
    server: subprocess.Popen,
) -> dict:
    prefix = out / name
    load_before = os.getloadavg()
    cpu_before = server_cpu_seconds(server)
    started = time.monotonic()
    run_locust(base, accounts_file, think, users, seconds, prefix)
    load_after = os.getloadavg()
    cpu = server_cpu_seconds(server) - cpu_before
    stats = read_stats(prefix)
    total = stats["total"]
    pages = stats["pages"]
    p95s = [page["p95_ms"] for page in pages.values() if page["p95_ms"] is not None]
    return {
        "users": users,
        "think_seconds": think,
        "run_seconds": round(time.monotonic() - started, 1),
        "requests": total.get("requests", 0),
        "failures": total.get("failures", 0),
        "ok_share": round(1 - total["failures"] / total["requests"], 5)
        if total.get("requests")
        else None,
        "requests_per_second": total.get("requests_per_second"),
        "steady_requests_per_second": steady_throughput(prefix),
        "p50_ms": total.get("p50_ms"),
        "p95_ms": total.get("p95_ms"),
        "p99_ms": total.get("p99_ms"),
        "server_cpu_seconds": round(cpu, 2),
        "server_cpu_ms_per_request": round(1000 * cpu / total["requests"], 2)
        if total.get("requests")
        else None,
        "worst_page_p95_ms": max(p95s) if p95s else None,
        "worst_page": max(pages, key=lambda p: pages[p]["p95_ms"] or 0) if pages else None,
        "pages": pages,
        "failure_examples": read_failures(prefix),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        "history_csv": f"{prefix}_stats_history.csv",
    }


def draw_chart(results: dict, path: Path, machine: str) -> None:
    """Latency over time (p50 and p95 of the last seconds, all requests) and requests/s, one
    panel per mode, from Locust's stats history."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    modes = [m for m in ("think", "peak") if m in results]
    figure, axes = plt.subplots(len(modes), 1, figsize=(8, 3.2 * len(modes)), squeeze=False)
    for axis, mode in zip(axes[:, 0], modes, strict=True):
        rows = []
        with Path(results[mode]["history_csv"]).open(newline="") as handle:
            rows = [r for r in csv.DictReader(handle) if r["Name"] == "Aggregated"]
        if not rows:
            continue
        start = int(rows[0]["Timestamp"])
        seconds = [int(r["Timestamp"]) - start for r in rows]
        for column, label in (("50%", "p50"), ("95%", "p95")):
            axis.plot(seconds, [_number(r[column]) or 0 for r in rows], label=f"{label} (ms)")
        axis.set_ylabel("response time (ms)")
        twin = axis.twinx()
        twin.plot(
            seconds,
            [_number(r["Requests/s"]) or 0 for r in rows],
            color="grey",
            linestyle=":",
            label="requests/s",
        )
        twin.set_ylabel("requests/s")
        result = results[mode]
        axis.set_title(
            f"{mode}: {result['users']} people, think {result['think_seconds']} s — "
            f"load {result['load_average_before'][0]} → {result['load_average_after'][0]}",
            fontsize=9,
        )
        lines = axis.get_legend_handles_labels()
        extra = twin.get_legend_handles_labels()
        axis.legend(lines[0] + extra[0], lines[1] + extra[1], fontsize=8, loc="upper left")
    axes[-1, 0].set_xlabel(f"seconds since the start ({machine})")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)


def check_targets(results: dict) -> list[str]:
    """The targets of targets.toml [load] that the results miss (same rules as run.py)."""
    sys.path.insert(0, str(HERE))
    from run import target_check

    return [
        f"{c['figure']}: {c['problem']}"
        for c in target_check({"load": results}, {"load": TARGETS})
        if c["problem"]
    ]


def measure(
    *,
    url: str,
    accounts_path: Path | None = None,
    factor: float = 1.0,
    think_seconds: int = 180,
    peak_seconds: int = 60,
    modes: tuple[str, ...] = ("think", "peak"),
    workers: int | None = None,
    threads: int | None = None,
    peak_users: int = PEAK_USERS,
    chart: Path | None = None,
    keep: Path | None = None,
) -> dict:
    if not url.startswith("postgres"):
        return {"skipped": "the load test runs against PostgreSQL (set DATABASE_URL)"}
    out = Path(keep or tempfile.mkdtemp(prefix="omslag-load-"))
    out.mkdir(parents=True, exist_ok=True)
    # The data folder of the database's own installation when it is set (the demo password
    # is kept there, so the demo people keep theirs), else one of this run.
    data_dir = Path(os.environ.get("OMSLAG_DATA_DIR") or out / "data")
    data_dir.mkdir(parents=True, exist_ok=True)
    env = server_environment(url, data_dir)
    if workers:
        env["OMSLAG_WORKERS"] = str(workers)
    if threads:
        env["OMSLAG_THREADS"] = str(threads)
    source = accounts_path or (
        Path(os.environ["OMSLAG_LOAD_ACCOUNTS"]) if os.environ.get("OMSLAG_LOAD_ACCOUNTS") else None
    )
    accounts = load_accounts(source) if source else demo_accounts(env)
    accounts_file = out / "accounts.json"
    accounts_file.write_text(json.dumps(accounts))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start(["serve", "--bind", f"127.0.0.1:{port}"], env, out / "server.log")
    worker = start(["worker"], env, out / "worker.log") if has_worker_command(env) else None
    results: dict = {
        "accounts": len(accounts),
        "roles": sorted({a.get("role", "") for a in accounts}),
        "worker": worker is not None,
        "server": {
            "workers": env.get("OMSLAG_WORKERS", "default"),
            "threads": env.get("OMSLAG_THREADS", "default"),
        },
        "factor": factor,
    }
    try:
        wait_until_up(base, server)
        if "think" in modes:
            results["think"] = measure_mode(
                "think",
                base,
                accounts_file,
                "5-15",
                max(1, round(THINK_USERS * factor)),
                think_seconds,
                out,
                server,
            )
        if "peak" in modes:
            if "think" in modes:
                results["drain_seconds"] = drain(base)
            results["peak"] = measure_mode(
                "peak", base, accounts_file, "0", max(1, peak_users), peak_seconds, out, server
            )
    finally:
        stop(server)
        if worker is not None:
            stop(worker)
    machine = f"{os.cpu_count()} cores, {platform.python_version()}, PostgreSQL"
    results["machine"] = machine
    if chart:
        draw_chart(results, chart, machine)
        results["chart"] = str(chart)
    if not keep:
        for mode in modes:
            results.get(mode, {}).pop("history_csv", None)
        shutil.rmtree(out, ignore_errors=True)
    return results


def run(quick: bool = False) -> dict:
    """For benchmarks/run.py: the full test, or with --quick a tenth of the people for 40 s
    per mode (its figures are checked against the same targets)."""
    return measure(
        url=database_url(None),
        factor=0.1 if quick else 1.0,
        think_seconds=40 if quick else 180,
        peak_seconds=40 if quick else 60,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", help="default: OMSLAG_LOAD_DATABASE_URL, DATABASE_URL")
    parser.add_argument("--accounts", type=Path, help="JSON or CSV of sign-in accounts")
    parser.add_argument("--factor", type=float, default=1.0, help="× 200 people in think mode")
    parser.add_argument("--think-seconds", type=int, default=180)
    parser.add_argument("--peak-seconds", type=int, default=60)
    parser.add_argument("--peak-users", type=int, default=PEAK_USERS)
    parser.add_argument("--mode", choices=["think", "peak", "both"], default="both")
    parser.add_argument("--workers", type=int, help="gunicorn processes (OMSLAG_WORKERS)")
    parser.add_argument("--threads", type=int, help="threads per process (OMSLAG_THREADS)")
    parser.add_argument("--output", type=Path, default=Path("var/bench/load.json"))
    parser.add_argument("--chart", type=Path, help="write latency over time (SVG or PNG)")
    parser.add_argument("--keep", type=Path, help="keep Locust's CSV files and logs here")
    args = parser.parse_args()
    results = measure(
        url=database_url(args.database_url),
        accounts_path=args.accounts,
        factor=args.factor,
        think_seconds=args.think_seconds,
        peak_seconds=args.peak_seconds,
        modes=("think", "peak") if args.mode == "both" else (args.mode,),
        workers=args.workers,
        threads=args.threads,
        peak_users=args.peak_users,
        chart=args.chart,
        keep=args.keep,
    )
    missed = [] if "skipped" in results else check_targets(results)
    report = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "results": results,
        "missed": missed,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    for line in missed:
        print(f"MISSED  {line}", file=sys.stderr)
    if missed or "skipped" in results:
        sys.exit(1)


if __name__ == "__main__":
    main()
