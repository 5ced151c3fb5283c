"""Several machines, the job part (issue 13 item 7): two real `omslag serve` processes and two
`omslag worker` processes on one PostgreSQL database and one media folder. Imports queued
through server A's API are each done exactly once by one of the workers (one task result, one
attempt, the rows saved once), both workers stay alive, and the job's page on server B shows
it done. The web part (sessions, the 409) is in test_two_servers.py; a worker killed in the
middle of a job is in tests/jobs/test_workers.py.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from decimal import Decimal

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from omslag.accounts.services import api_token_issue
from omslag.exchange.models import ImportJob
from omslag.jobs.models import Job, WorkerHeartbeat
from omslag.jobs.services import job_run_task
from omslag.organisations.models import Role
from omslag.portfolio.models import SpendLine
from tests.conftest import skip_unless
from tests.factories import PASSWORD, member, organisation
from tests.scale.test_two_servers import OMSLAG, _free_port, _wait_until_up, sign_in

JOBS = 4
ROWS = 300
SECRET = "jobs-across-servers-one-key-0123456789-abcdefghijklmnopqrstuvwxyz"


def spend_csv(rows: int, tag: str) -> bytes:
    """Distinct lines (an identical line counts as unchanged); amounts 100 … 100 + rows - 1."""
    lines = ["year,amount,kind,category,description"]
    lines += [f"2024,{100 + i},actual,run,{tag} regel {i}" for i in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def _env(data_dir: str) -> dict:
    db = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if k not in ("OMSLAG_DEMO",)}
    env.update(
        DATABASE_URL=(
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
        DJANGO_SETTINGS_MODULE="omslag.settings",
        OMSLAG_SECRET_KEY=SECRET,
        OMSLAG_DATA_DIR=data_dir,  # one media folder: the servers store, the workers read
        OMSLAG_ALLOWED_HOSTS="127.0.0.1",
        OMSLAG_SECURE_COOKIES="false",
        OMSLAG_DB_CONN_MAX_AGE="0",
        OMSLAG_LOG_LEVEL="WARNING",
        OMSLAG_TASKS_BACKEND="database",
        OMSLAG_WORKER_HEARTBEAT_SECONDS="0.5",
        OMSLAG_WORKER_STALE_SECONDS="3",
    )
    return env


@pytest.fixture
def machines(transactional_db, tmp_path):
    """Two servers and two workers, as on two machines sharing the database and the media."""
    skip_unless(connection.vendor == "postgresql", "servers and workers need one PostgreSQL")
    env = _env(str(tmp_path))
    servers, workers = [], []
    try:
        for _ in range(2):
            port = _free_port()
            process = subprocess.Popen(  # noqa: S603 (our own command)
                [OMSLAG, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
            servers.append((f"http://127.0.0.1:{port}", process))
        for _ in range(2):
            workers.append(
                subprocess.Popen(  # noqa: S603 (our own command)
                    [OMSLAG, "worker", "--interval", "0.2"],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        for base, process in servers:
            _wait_until_up(base, process)
        yield [base for base, _process in servers], workers
    finally:
        for _base, process in servers:
            process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
        for process in workers:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)  # the current job finishes first
        for process in [p for _b, p in servers] + workers:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_jobs_queued_through_one_server_are_done_once_and_shown_done_on_the_other(machines):
    (first, second), workers = machines
    ministry = organisation("ministerie-twee-machines", kind="ministry")
    person = member(Role.ADMIN, ministry)
    # The servers' settings accept PBKDF2 only (the tests hash with MD5).
    person.password = PBKDF2PasswordHasher().encode(PASSWORD, "twomachines", iterations=1000)
    person.save(update_fields=["password"])
    headers = {"Authorization": f"Bearer {api_token_issue(person=person, name='jobs')[1]}"}
    wait_for(lambda: WorkerHeartbeat.objects.count() == 2, 90, "two worker heartbeats")

    queued = []
    for n in range(JOBS):
        answer = requests.post(
            f"{first}/api/v1/imports",
            data={"organisation": ministry.slug, "kind": "spend", "background": "true"},
            files={"file": (f"spend-{n}.csv", spend_csv(ROWS, f"b{n}"), "text/csv")},
            headers=headers,
            timeout=60,
        )
        assert answer.status_code == 202, answer.text[:2000]
        body = answer.json()
        assert answer.headers["Location"] == f"/api/v1/jobs/{body['job']}"
        queued.append(body)
    job_ids = [body["job"] for body in queued]

    def finished_on_second() -> bool:  # followed through the other server, as a client would
        states = [
            requests.get(f"{second}/api/v1/jobs/{pk}", headers=headers, timeout=30).json()
            for pk in job_ids
        ]
        return all(state["status"] in ("done", "failed", "cancelled") for state in states)

    wait_for(finished_on_second, 120, "every job to finish")

    jobs = list(Job.objects.filter(pk__in=job_ids).order_by("pk"))
    assert [job.status for job in jobs] == [Job.Status.DONE] * JOBS, [j.message for j in jobs]
    assert [job.attempts for job in jobs] == [1] * JOBS
    assert [job.result["created"] for job in jobs] == [ROWS] * JOBS
    from django_tasks_db.models import DBTaskResult

    # One task per job on the queue (other tasks, such as refreshing stored figures after the
    # import, are not jobs), run once by one worker, which returned "done".
    results = DBTaskResult.objects.filter(task_path=job_run_task.module_path)
    assert sorted(str(r.pk) for r in results) == sorted(job.task_result_id for job in jobs)
    assert sorted(r.args_kwargs["args"][0] for r in results) == sorted(job_ids)
    assert all(r.status == "SUCCESSFUL" and len(r.worker_ids) == 1 for r in results)
    assert [r.return_value for r in results] == ["done"] * JOBS
    # Each file's rows saved once: the count and the sum of its amounts, computed here.
    lines = SpendLine.objects.filter(organisation=ministry)
    assert lines.count() == JOBS * ROWS
    assert sum(line.amount for line in lines) == Decimal(JOBS * sum(100 + i for i in range(ROWS)))
    for n in range(JOBS):
        assert lines.filter(description__startswith=f"b{n} regel ").count() == ROWS
    assert set(ImportJob.objects.filter(job_id__in=job_ids).values_list("status", flat=True)) == {
        ImportJob.Status.IMPORTED
    }
    # Both workers are still alive and beating, and the jobs were done by them.
    assert [process.poll() for process in workers] == [None, None]
    beating = set(WorkerHeartbeat.objects.values_list("worker_id", flat=True))
    assert len(beating) == 2 and {job.worker_id for job in jobs} <= beating

    # Signed in on the first server; the job's page on the second shows it done, no longer
    # refreshing itself.
    browser = requests.Session()
    sign_in(browser, first, person.email)
    page = browser.get(f"{second}/jobs/{job_ids[0]}", timeout=30)
    assert page.status_code == 200 and page.url == f"{second}/jobs/{job_ids[0]}"
    assert re.search(r"<dt>Status</dt><dd>gedaan</dd>", page.text), page.text[:3000]
    assert 'http-equiv="refresh"' not in page.text
