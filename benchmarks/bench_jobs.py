"""A spend import through the web as a background job, with a real worker process, and the
responsiveness of another page meanwhile.

    python benchmarks/bench_jobs.py [--factor F]      # F × 200,000 lines (default 1)
    python benchmarks/run.py --only jobs [--quick]    # --quick: factor 0.02

The upload goes through the import page (Django's test client: the whole request stack
without the network); `omslag worker` in its own process checks the file, and after the
confirmation imports it. While it works, this process asks the organisation's balance page
again and again: its p95 is the web's responsiveness during a large import.
"""

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import django_env

FULL_ROWS = 200_000
SLUG = "bench-jobs"


def spend_file(path: Path, rows: int) -> None:
    rng = random.Random(13)  # noqa: S311
    with path.open("w") as handle:
        handle.write("year,amount,kind,category,cost_type,description\n")
        for i in range(rows):
            handle.write(
                f"{2015 + i % 10},{rng.randint(100, 999999)}.{rng.randint(0, 99):02d},"
                f"{rng.choice(['actual', 'budget'])},{rng.choice(['run', 'change', 'innovate'])},"
                f"{rng.choice(['licences', 'hosting', 'staff'])},job-regel {i}\n"
            )


def _organisation_and_admin():
    from omslag.accounts.models import Person
    from omslag.organisations import services as org_services
    from omslag.organisations.models import Organisation
    from omslag.portfolio.models import SpendLine

    organisation = Organisation.objects.filter(slug=SLUG).first()
    if organisation is None:
        organisation = org_services.organisation_create(
            actor=None, name="Bench jobs", slug=SLUG, kind="municipality"
        )
    SpendLine.all_objects.filter(organisation=organisation).delete()  # each run starts empty
    admin, _created = Person.objects.get_or_create(
        email="bench-jobs@omslag.example", defaults={"is_superuser": True}
    )
    return organisation, admin


def _wait_for(work, client, page: str, samples: list[float], timeout: float) -> None:
    """Ask ``page`` until the job has finished, timing each answer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        started = time.perf_counter()
        response = client.get(page)
        samples.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"{page} answered {response.status_code}")
        work.refresh_from_db()
        if work.finished:
            return
        time.sleep(0.1)
    raise RuntimeError(f"job {work.pk} not finished after {timeout} s")


def _worker_ready(worker, timeout: float = 120) -> None:
    """Wait for the worker's first heartbeat: its start-up is not part of the import."""
    from omslag.jobs.models import WorkerHeartbeat

    deadline = time.monotonic() + timeout
    while not WorkerHeartbeat.objects.exists():
        if worker.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("the worker did not start")
        time.sleep(0.2)
    time.sleep(1.5)  # the worker's random start-up delay (at most a second)


def _process_usage(pid: int) -> tuple[float, float]:
    """CPU seconds (user + system) and peak resident memory (MB) of a running process, from
    /proc: the worker's own cost, which the wall time on a shared machine does not show."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        status = Path(f"/proc/{pid}/status").read_text()
        peak_kb = next(
            int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM")
        )
    except (OSError, StopIteration, IndexError, ValueError):
        return float("nan"), float("nan")
    return cpu, peak_kb / 1024


def measure(rows: int) -> dict:
    from django.test import Client

    from omslag.exchange.models import ImportJob

    organisation, admin = _organisation_and_admin()
    path = Path("var/bench/jobs-spend.csv").resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    spend_file(path, rows)
    client = Client()
    client.force_login(admin)
    page = f"/organisations/{SLUG}/balance"
    client.get(page)  # warm up
    worker = subprocess.Popen(
        [sys.executable, "-m", "omslag.cli", "worker", "--interval", "0.2"],
        env={**os.environ, "OMSLAG_TASKS_BACKEND": "database"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    samples: list[float] = []
    try:
        _worker_ready(worker)
        cpu_before, _peak = _process_usage(worker.pid)
        started = time.perf_counter()
        with path.open("rb") as handle:
            upload_started = time.perf_counter()
            response = client.post(
                f"/organisations/{SLUG}/import", {"kind": "spend", "file": handle, "mapping": ""}
            )
            upload_seconds = time.perf_counter() - upload_started
        if response.status_code != 302:
            raise RuntimeError(f"the upload answered {response.status_code}")
        import_job = ImportJob.objects.filter(organisation=organisation).latest("pk")
        _wait_for(import_job.job, client, page, samples, timeout=600)
        checked = time.perf_counter()
        import_job.refresh_from_db()
        if import_job.status != ImportJob.Status.CHECKED:
            raise RuntimeError(f"the check ended with {import_job.job.message}")
        client.post(f"/imports/{import_job.pk}/confirm")
        import_job.refresh_from_db()
        _wait_for(import_job.job, client, page, samples, timeout=600)
        finished = time.perf_counter()
        cpu_after, worker_peak_mb = _process_usage(worker.pid)
        import_job.refresh_from_db()
        if import_job.status != ImportJob.Status.IMPORTED:
            raise RuntimeError(f"the import ended with {import_job.job.message}")
        if import_job.report.get("created") != rows:
            raise RuntimeError(f"{import_job.report.get('created')} of {rows} lines created")
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
    return {
        "rows": rows,
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "upload_seconds": round(upload_seconds, 2),
        "check_seconds": round(checked - started, 2),
        "import_seconds": round(finished - checked, 2),
        "seconds": round(finished - started, 2),
        "rows_per_second": round(rows / (finished - started)),
        # The worker's CPU time for the check and the import: on a machine shared with other
        # work the wall time above varies with the load, this does not.
        "worker_cpu_seconds": round(cpu_after - cpu_before, 2),
        "worker_peak_rss_mb": round(worker_peak_mb, 1),
        "other_page_while_importing": django_env.percentiles(samples),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def run(quick: bool = False, factor: float | None = None) -> dict:
    if factor is None:
        factor = float(os.environ.get("OMSLAG_BENCH_FACTOR", "0.02" if quick else "1"))
    django_env.setup()
    rows = max(100, int(FULL_ROWS * factor))
    return {"factor": factor, "web_import_spend": measure(rows)}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--factor", type=float, default=1.0, help="× 200,000 spend lines")
    args = parser.parse_args()
    print(json.dumps(run(factor=args.factor), indent=2))
