"""SQLite as the embedded default: write-ahead logging, and a long import that never makes a
sign-in or a page wait for more than a second (the import commits in chunks)."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings

SECRET = "sqlite-embedded-test-key-0123456789abcdefghijklmnop"
PASSWORD = "een-lang-wachtwoord-2026"

SETUP = """
import django; django.setup()
from omslag.accounts.models import Person
from omslag.organisations import services
org = services.organisation_create(
    actor=None, name="Gemeente Lang", slug="lang", kind="municipality"
)
person = Person.objects.create_user(
    email="lezer@lang.test", password=%(password)r, full_name="Lezer"
)
services.membership_create(actor=None, person=person, organisation=org, role="viewer")
"""

# Signs in with a fresh client and opens the organisation page, again and again, until the
# stop file exists; prints the seconds of every sign-in and page with its status.
READER = """
import json, os, sys, time
import django; django.setup()
from django.db import connection
from django.test import Client

waited = [0.0]

def timed(execute, sql, params, many, context):
    started = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        waited[0] += time.perf_counter() - started

ready, stop, samples = sys.argv[1], sys.argv[2], []
with connection.execute_wrapper(timed):
    while not os.path.exists(stop):
        client = Client()
        waited[0] = 0.0
        started = time.perf_counter()
        signin = client.post("/login", {"username": "lezer@lang.test", "password": %(password)r})
        signin_seconds, signin_db = time.perf_counter() - started, waited[0]
        started = time.perf_counter()
        page = client.get("/organisations/lang")
        samples.append([signin_seconds, signin_db, signin.status_code,
                        time.perf_counter() - started, page.status_code, time.time()])
        open(ready, "w").close()
        time.sleep(0.05)
print(json.dumps(samples))
"""


def _env(data_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="omslag.settings",
        OMSLAG_DATA_DIR=str(data_dir),
        OMSLAG_SECRET_KEY=SECRET,
        OMSLAG_ALLOWED_HOSTS="testserver",
        OMSLAG_LOGIN_FAILURE_LIMIT="1000",
    )
    return env


def _omslag(*args) -> list[str]:
    return [sys.executable, "-m", "omslag.cli", *args]


def test_settings_turn_on_write_ahead_logging_for_sqlite(tmp_path):
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        options = settings.DATABASES["default"]["OPTIONS"]
        assert options["transaction_mode"] == "IMMEDIATE"
        assert "journal_mode=WAL" in options["init_command"]
    code = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "c = connection.cursor()\n"
        "print(c.execute('PRAGMA journal_mode').fetchone()[0],"
        " c.execute('PRAGMA synchronous').fetchone()[0])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=_env(tmp_path), capture_output=True, text=True, check=True
    )
    # synchronous: 1 is NORMAL (2 would be FULL, the default without WAL).
    assert out.stdout.split() == ["wal", "1"]


def test_a_long_import_never_blocks_sign_in_or_reading_for_a_second(tmp_path, migrated_sqlite):
    env = _env(tmp_path)
    migrated_sqlite(tmp_path)  # what `omslag migrate` makes of an empty file
    subprocess.run(
        [sys.executable, "-c", SETUP % {"password": PASSWORD}], env=env, check=True, timeout=120
    )
    lines = 30_000
    spend = tmp_path / "spend.csv"
    with spend.open("w") as handle:
        handle.write("year,amount,kind,category,description\n")
        for i in range(lines):
            category = ("run", "change", "innovate")[i % 3]
            handle.write(f"{2016 + i % 10},{1000 + i}.50,actual,{category},regel {i}\n")
    ready, stop = tmp_path / "ready", tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER % {"password": PASSWORD}, str(ready), str(stop)],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        while not ready.exists():  # the reader has signed in once (started up) before
            time.sleep(0.1)
        started_at = time.time()
        imported = subprocess.run(
            _omslag("import", "spend", str(spend), "--org", "lang"),
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        finished_at = time.time()
    finally:
        stop.touch()
        out, _ = reader.communicate(timeout=120)
    assert imported.returncode == 0, imported.stderr[-2000:]
    samples = json.loads(out)
    during = [s for s in samples if started_at < s[5] < finished_at]
    # The import ran for several seconds while the reader kept signing in and reading.
    assert finished_at - started_at > 3
    assert len(during) >= 5
    assert {(s[2], s[4]) for s in samples} == {(302, 200)}, "a sign-in or page failed"
    # A sign-in's own work (checking the password: Argon2, about 0.3-1 s on a busy machine)
    # is not the database's; the time its queries took, waiting for the lock included, is.
    slowest_signin_db = max(s[1] for s in during)
    slowest_page = max(s[3] for s in during)
    assert slowest_signin_db < 1.0, slowest_signin_db
    assert slowest_page < 1.0, slowest_page
    count = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup()\n"
            "from omslag.portfolio.models import SpendLine\n"
            "print(SpendLine.objects.filter(organisation__slug='lang').count())",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert int(count.stdout) == lines
