"""`omslag backup` taken while another process keeps changing the demo data restores (with
`omslag restore`) to a consistent database: SQLite's integrity check passes, every migration
is applied, and the data is one committed state of the writer."""

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

OMSLAG = str(Path(sys.executable).with_name("omslag"))

# Each round is one transaction: every demo application gets the round's vendor and one new
# application named after the round is added. A torn copy would show two vendors, or a number
# of added applications that is not the round of the vendor.
WRITER = """
import sys, django
from pathlib import Path
django.setup()
from django.db import transaction
from omslag.portfolio.models import Application

stop = Path(sys.argv[1])
demo = list(Application.objects.values_list("pk", flat=True))
assert demo, "the demo has applications"
round_ = 0
while not stop.exists():
    round_ += 1
    with transaction.atomic():
        Application.objects.filter(pk__in=demo).update(vendor=f"round-{round_}")
        added = Application.objects.get(pk=demo[0])  # a copy of a demo application
        added.pk = added.id = None
        added.name, added.vendor = f"writer-{round_}", f"round-{round_}"
        added.save()
    print(round_, flush=True)
"""


def _env(data_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}}
    env.update(OMSLAG_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="omslag.settings")
    return env


def _omslag(*args, data_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [OMSLAG, *args],
        env=_env(data_dir),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _rounds(output: Path) -> int:
    lines = output.read_text().split()
    return int(lines[-1]) if lines else 0


@pytest.fixture(scope="module")
def demo_folder(tmp_path_factory, migrated_sqlite) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    migrated_sqlite(folder)  # the demo's migrate then has nothing left to do
    prepared = _omslag("demo", "--no-serve", data_dir=folder)
    assert prepared.returncode == 0, prepared.stderr
    return folder


def test_backup_while_the_demo_changes_restores_consistently(demo_folder, tmp_path):
    stop, output = tmp_path / "stop", tmp_path / "rounds.txt"
    with output.open("w") as rounds_file:
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(stop)],
            env=_env(demo_folder),
            stdout=rounds_file,
            stderr=subprocess.PIPE,
            text=True,
        )
    try:
        deadline = time.monotonic() + 120
        while _rounds(output) < 5:
            assert writer.poll() is None, writer.stderr.read()
            assert time.monotonic() < deadline
            time.sleep(0.1)
        backup = tmp_path / "backup.sqlite3"
        made = _omslag("backup", str(backup), data_dir=demo_folder)
        assert made.returncode == 0, made.stderr
        after_backup = _rounds(output)
        while _rounds(output) < after_backup + 3:  # the writer went on after the copy
            assert writer.poll() is None, writer.stderr.read()
            time.sleep(0.1)
    finally:
        stop.touch()
        writer.wait(timeout=60)
    assert writer.returncode == 0, writer.stderr.read()
    final = _rounds(output)

    restored_folder = tmp_path / "restored"
    restored = _omslag("restore", str(backup), data_dir=restored_folder)
    assert restored.returncode == 0, restored.stderr
    assert "migration" not in restored.stdout  # nothing left to migrate

    database = sqlite3.connect(restored_folder / "omslag.sqlite3")
    assert database.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    vendors = database.execute(
        "SELECT DISTINCT vendor FROM portfolio_application WHERE name NOT LIKE 'writer-%'"
    ).fetchall()
    added = database.execute(
        "SELECT name, vendor FROM portfolio_application WHERE name LIKE 'writer-%'"
    ).fetchall()
    database.close()
    assert len(vendors) == 1, vendors  # every demo application from the same round
    copied_round = int(vendors[0][0].removeprefix("round-"))
    assert 5 <= copied_round <= after_backup < final
    assert sorted(added) == sorted(
        (f"writer-{n}", f"round-{n}") for n in range(1, copied_round + 1)
    )
    check = _omslag("migrate", "--check", data_dir=restored_folder)
    assert check.returncode == 0, check.stdout + check.stderr


def test_restore_refuses_to_replace_data_without_yes(demo_folder, tmp_path):
    backup = tmp_path / "backup.sqlite3"
    assert _omslag("backup", str(backup), data_dir=demo_folder).returncode == 0
    refused = _omslag("restore", str(backup), data_dir=demo_folder)
    assert refused.returncode == 1 and "--yes" in refused.stderr
    assert _omslag("restore", str(backup), "--yes", data_dir=demo_folder).returncode == 0


def test_a_damaged_backup_is_refused(demo_folder, tmp_path):
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\x07" * 8192)
    target = tmp_path / "target"
    result = _omslag("restore", str(damaged), data_dir=target)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "damaged.sqlite3" in result.stderr
    not_omslag = tmp_path / "other.sqlite3"
    sqlite3.connect(not_omslag).execute("CREATE TABLE t (x)").connection.close()
    result = _omslag("restore", str(not_omslag), data_dir=target)
    assert result.returncode == 1 and "not a database of omslag" in result.stderr
