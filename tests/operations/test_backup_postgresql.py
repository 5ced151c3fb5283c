"""`omslag backup` / `omslag restore` on PostgreSQL (pg_dump and pg_restore): a backup of one
database restored into an empty one holds the same records and every migration."""

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import dj_database_url
import psycopg
import pytest

from tests.conftest import skip_unless

OMSLAG = str(Path(sys.executable).with_name("omslag"))

COUNT = """
import django
django.setup()
from omslag.organisations.models import Organisation
print(sorted(Organisation.objects.values_list("slug", flat=True)))
"""

ADD = """
import django
django.setup()
from omslag.organisations import services
for n in range(3):
    services.organisation_create(actor=None, name=f"Backup {n}", slug=f"backup-{n}",
                                 kind="agency")
"""


@pytest.fixture
def two_databases():
    url = os.environ.get("DATABASE_URL", "")
    skip_unless(url.startswith("postgres"), "PostgreSQL (DATABASE_URL) is needed")
    skip_unless(bool(shutil.which("pg_dump") and shutil.which("pg_restore")), "pg_dump")
    config = dj_database_url.parse(url)
    admin = psycopg.connect(
        host=config["HOST"],
        port=config["PORT"] or 5432,
        user=config["USER"],
        password=config["PASSWORD"],
        dbname="postgres",
        autocommit=True,
    )
    names = [f"{config['NAME']}_ops_{uuid.uuid4().hex[:8]}" for _ in range(2)]
    for name in names:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = url.rsplit("/", 1)[0]
    try:
        yield [f"{base}/{name}" for name in names]
    finally:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _run(args, url, tmp_path, code=None):
    env = dict(os.environ, DATABASE_URL=url, OMSLAG_DATA_DIR=str(tmp_path))
    env.setdefault("DJANGO_SETTINGS_MODULE", "omslag.settings")
    command = [sys.executable, "-c", code] if code else [OMSLAG, *args]
    return subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=600, check=False
    )


def test_backup_and_restore_into_an_empty_database(two_databases, tmp_path):
    source, target = two_databases
    assert _run(["migrate", "-v0"], source, tmp_path).returncode == 0
    assert _run([], source, tmp_path, code=ADD).returncode == 0
    slugs = _run([], source, tmp_path, code=COUNT).stdout
    assert "backup-2" in slugs

    backup = tmp_path / "omslag.backup"
    made = _run(["backup", str(backup)], source, tmp_path)
    assert made.returncode == 0, made.stderr
    assert backup.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format

    restored = _run(["restore", str(backup)], target, tmp_path)
    assert restored.returncode == 0, restored.stderr
    assert _run([], target, tmp_path, code=COUNT).stdout == slugs
    check = _run(["migrate", "--check"], target, tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr

    refused = _run(["restore", str(backup)], source, tmp_path)
    assert refused.returncode == 1 and "--yes" in refused.stderr
    again = _run(["restore", str(backup), "--yes"], source, tmp_path)
    assert again.returncode == 0, again.stderr
    assert _run([], source, tmp_path, code=COUNT).stdout == slugs
