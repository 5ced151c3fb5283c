"""The queue for real: jobs queued in the database are done by `omslag worker` processes.
Two workers on one PostgreSQL do every job exactly once; a worker killed (SIGKILL) in the
middle of an import leaves the job to the other worker, or failed with the reason, and never
half-saved. On SQLite the same queue works through the command line."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import override_settings

from omslag.exchange import services as exchange
from omslag.jobs.models import Job, WorkerHeartbeat
from omslag.portfolio.models import SpendLine
from tests.conftest import skip_unless
from tests.factories import member, organisation

OMSLAG = str(Path(sys.executable).with_name("omslag"))
DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
SECRET = "insecure-test-key-never-use-in-production-0123456789"


def spend_csv(rows: int, tag: str = "") -> bytes:
    """Distinct lines (the spend import takes an identical line as unchanged)."""
    lines = ["year,amount,kind,category,description"]
    lines += [f"2024,{100 + i % 900},actual,run,{tag}regel {i}" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


def worker_env(tmp_path, **extra) -> dict:
    """The environment of a worker that works on this test's database and media folder."""
    db = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE",)}
    env.update(
        DATABASE_URL=(
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
        OMSLAG_DATA_DIR=str(tmp_path),  # media in tmp_path/media, as the tests' settings
        OMSLAG_SECRET_KEY=SECRET,
        OMSLAG_TASKS_BACKEND="database",
        OMSLAG_WORKER_HEARTBEAT_SECONDS="0.5",
        OMSLAG_WORKER_STALE_SECONDS="3",
        **extra,
    )
    return env


@pytest.fixture
def workers(tmp_path):
    started: list[subprocess.Popen] = []

    def start(**extra) -> subprocess.Popen:
        process = subprocess.Popen(
            [OMSLAG, "worker", "--interval", "0.2"],
            env=worker_env(tmp_path, **extra),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in started:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for(condition, timeout: float = 240, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def spend_org(transactional_db):
    skip_unless(on_postgres(), "needs PostgreSQL (DATABASE_URL) for worker processes")
    ministry = organisation("ministerie-werk", kind="ministry")
    return ministry, member("admin", ministry)


def queue_spend_import(ministry, person, rows: int, name: str) -> Job:
    with override_settings(TASKS=DATABASE_BACKEND):
        import_job = exchange.import_queue(
            actor=person,
            organisation=ministry,
            kind="spend",
            upload=SimpleUploadedFile(name, spend_csv(rows, tag=name)),
        )
    return import_job.job


def test_two_workers_do_every_job_exactly_once(spend_org, workers):
    ministry, person = spend_org
    jobs = [queue_spend_import(ministry, person, 400, f"spend-{i}.csv") for i in range(8)]
    assert all(job.status == Job.Status.QUEUED for job in jobs)
    first, second = workers(), workers()
    wait_for(lambda: WorkerHeartbeat.objects.count() == 2, timeout=60, what="two worker heartbeats")
    wait_for(
        lambda: not Job.objects.exclude(status__in=Job.FINISHED).exists(),
        what="every job to finish",
    )
    done = list(Job.objects.order_by("pk"))
    assert [job.status for job in done] == [Job.Status.DONE] * 8, [j.message for j in done]
    assert all(job.attempts == 1 and job.result["created"] == 400 for job in done)
    assert SpendLine.objects.filter(organisation=ministry).count() == 8 * 400
    from django_tasks_db.models import DBTaskResult

    results = DBTaskResult.objects.filter(pk__in=[job.task_result_id for job in done])
    assert results.count() == 8
    assert all(r.status == "SUCCESSFUL" and len(r.worker_ids) == 1 for r in results)
    heartbeats = set(WorkerHeartbeat.objects.values_list("worker_id", flat=True))
    assert {job.worker_id for job in done} <= heartbeats
    # Stopping a worker (TERM) takes its heartbeat away: it left in good order.
    first.send_signal(signal.SIGTERM)
    first.wait(timeout=30)
    wait_for(lambda: WorkerHeartbeat.objects.count() == 1, timeout=10, what="one heartbeat")
    assert second.poll() is None


@pytest.mark.parametrize(("attempts", "outcome"), [(2, "done"), (1, "failed")])
def test_a_worker_killed_mid_import_leaves_nothing_half_saved(
    spend_org, workers, attempts, outcome
):
    ministry, person = spend_org
    rows = 20_000
    job = queue_spend_import(ministry, person, rows, "big.csv")
    doomed = workers(OMSLAG_JOB_MAX_ATTEMPTS=str(attempts))

    def saving() -> bool:  # the check has read the whole file: the rows are being saved
        job.refresh_from_db()
        return job.status == Job.Status.RUNNING and job.total and job.done == job.total

    wait_for(saving, what="the check to finish and the save to begin")
    doomed.send_signal(signal.SIGKILL)
    doomed.wait()
    # Whatever the dead worker had not committed is gone with its transaction. The rows and
    # the job's "done" are committed together: still running with none saved, or (killed just
    # after the commit) done with all of them.
    job.refresh_from_db()
    killed = (job.status, SpendLine.objects.filter(organisation=ministry).count())
    assert killed in {(Job.Status.RUNNING, 0), (Job.Status.DONE, rows)}
    workers(OMSLAG_JOB_MAX_ATTEMPTS=str(attempts))
    wait_for(lambda: Job.objects.get(pk=job.pk).finished, what="the job to be taken over")
    job.refresh_from_db()
    saved = SpendLine.objects.filter(organisation=ministry).count()
    from omslag.exchange.models import ImportJob

    import_job = ImportJob.objects.get(job=job)
    # The exact rule: done with every row, or failed with none; never anything in between.
    if job.status == Job.Status.DONE:
        assert saved == rows  # once, never twice
        assert import_job.status == ImportJob.Status.IMPORTED
        assert job.result["created"] == rows or job.result["unchanged"] == rows
        # Taken over by the other worker, unless the kill came just after the commit.
        assert job.attempts == (1 if killed[0] == Job.Status.DONE else 2)
    else:
        assert saved == 0
        assert import_job.status == ImportJob.Status.IMPORTING  # not imported
        assert outcome == "failed" and job.status == Job.Status.FAILED
        # Written by the other worker's heartbeat, in the site's language (Dutch).
        assert "stopte tijdens poging 1 van 1" in job.message
        assert "er is niets van opgeslagen" in job.message
    if killed[0] == Job.Status.RUNNING:  # the usual case: the kill came during the save
        assert job.status == (Job.Status.DONE if outcome == "done" else Job.Status.FAILED)


def run_omslag(*args, env, timeout=300) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [OMSLAG, *args], capture_output=True, text=True, env=env, timeout=timeout, check=False
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def test_on_sqlite_the_command_line_queues_and_a_worker_does_the_import(tmp_path, migrated_sqlite):
    """The embedded default: the queue is a table of the SQLite file."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")
    }
    env.update(
        OMSLAG_DATA_DIR=str(tmp_path),
        OMSLAG_SECRET_KEY=SECRET,
        OMSLAG_TASKS_BACKEND="database",
    )
    migrated_sqlite(tmp_path)  # what `omslag migrate` makes of an empty file
    run_omslag(
        "shell",
        "--no-imports",
        "-c",
        "from omslag.organisations.services import organisation_create as c; "
        "c(actor=None, name='Gemeente', slug='gemeente', kind='municipality')",
        env=env,
    )
    (tmp_path / "spend.csv").write_bytes(spend_csv(250))
    queued = run_omslag(
        "import", "spend", str(tmp_path / "spend.csv"), "--org", "gemeente", "--queue", env=env
    )
    assert "Queued as job 1" in queued.stdout
    count = "from omslag.portfolio.models import SpendLine as S; print(S.objects.count())"
    assert run_omslag("shell", "--no-imports", "-c", count, env=env).stdout.strip() == "0"
    run_omslag("worker", "--batch", env=env)
    assert run_omslag("shell", "--no-imports", "-c", count, env=env).stdout.strip() == "250"
    status = "from omslag.jobs.models import Job; j = Job.objects.get(); print(j.status, j.done)"
    job_status, done = run_omslag("shell", "--no-imports", "-c", status, env=env).stdout.split()
    assert job_status == "done" and int(done) > 0
