"""On SQLite, work that reads a register row by row (an export) keeps a read open on its
connection while it reports progress. Once another connection has written (the worker's own
heartbeat, every 5 s) SQLite refuses that connection's writes at once: an XLSX export of
100,000 spend lines failed with "database is locked", and the worker died with it (the
walk through the demo found it). Progress is skipped then; the job still ends well."""

import os
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import os, sqlite3
    import django
    os.environ["DJANGO_SETTINGS_MODULE"] = "omslag.settings"
    django.setup()
    from django.conf import settings
    from omslag.jobs import services
    from omslag.jobs.models import Job, WorkerHeartbeat

    job = Job.objects.create(kind="export", params={})
    for number in range(50):
        WorkerHeartbeat.objects.create(worker_id=f"w{number}", host="h", pid=number)
    rows = WorkerHeartbeat.objects.order_by("pk").iterator(chunk_size=5)
    next(rows)  # the read stays open, as during an export
    other = sqlite3.connect(settings.DATABASES["default"]["NAME"])  # the heartbeat thread
    other.execute("UPDATE jobs_workerheartbeat SET pid = pid + 1")
    other.commit()
    services.progress(job, 1, 50)  # used to raise OperationalError: database is locked
    read = 1 + sum(1 for _ in rows)
    services.progress(job, read, 50)
    job.refresh_from_db()
    print("done", job.done, job.total)
    """
)


def test_progress_during_an_open_read_does_not_fail_the_work(tmp_path, migrated_sqlite):
    migrated_sqlite(tmp_path)
    skip = {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    env = {k: v for k, v in os.environ.items() if k not in skip}
    env["OMSLAG_DATA_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().splitlines()[-1] == "done 50 50"
