"""The `omslag` console script and the settings it reads from the environment."""

import os
import subprocess
import sys
from pathlib import Path

OMSLAG = str(Path(sys.executable).with_name("omslag"))


def run_omslag(*args, env_extra=None, drop=(), timeout=120):
    # The commands run on their own embedded database in a temporary folder, never on the
    # database of the test run.
    skip = {*drop, "DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    env = {k: v for k, v in os.environ.items() if k not in skip}
    env.update(env_extra or {})
    return subprocess.run(
        [OMSLAG, *args], capture_output=True, text=True, env=env, timeout=timeout, check=False
    )


def test_secret_key_is_required_outside_demo_mode(tmp_path):
    result = run_omslag(
        "check", drop=("OMSLAG_SECRET_KEY",), env_extra={"OMSLAG_DATA_DIR": str(tmp_path)}
    )
    assert result.returncode == 2
    assert "OMSLAG_SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_boolean_setting_is_named(tmp_path):
    result = run_omslag(
        "check", env_extra={"OMSLAG_DEBUG": "perhaps", "OMSLAG_DATA_DIR": str(tmp_path)}
    )
    assert result.returncode == 2 and "OMSLAG_DEBUG must be true or false" in result.stderr


def test_check_reports_pending_migrations_then_health(tmp_path):
    env = {"OMSLAG_DATA_DIR": str(tmp_path)}
    first = run_omslag("check", env_extra=env)
    assert first.returncode == 1 and "migration(s) not applied" in first.stderr
    # A fresh database runs every migration: on a busy machine (two test workers) that can
    # take longer than a command's usual limit.
    assert run_omslag("migrate", env_extra=env, timeout=600).returncode == 0
    healthy = run_omslag("check", env_extra=env)
    assert healthy.returncode == 0, healthy.stderr
    assert "omslag is healthy" in healthy.stdout


def test_demo_prepares_database_and_prints_logins(tmp_path, migrated_sqlite):
    # Migrated already (the README tour prepares the demo from an empty folder).
    migrated_sqlite(tmp_path)
    env = {"OMSLAG_DATA_DIR": str(tmp_path)}
    result = run_omslag("demo", "--no-serve", drop=("OMSLAG_SECRET_KEY",), env_extra=env)
    assert result.returncode == 0, result.stderr
    password = (tmp_path / "demo_password").read_text().strip()
    assert f"password for all: {password}" in result.stdout
    for email in (
        "beheerder@omslag.example",
        "redacteur@omslag.example",
        "lezer@omslag.example",
        "bestuurder@omslag.example",
        "auditor@omslag.example",
        "privacy@omslag.example",
    ):
        assert email in result.stdout
    assert (tmp_path / "secret_key").exists()  # generated once, kept for the next start
    again = run_omslag("demo", "--no-serve", drop=("OMSLAG_SECRET_KEY",), env_extra=env)
    assert again.returncode == 0 and again.stdout.count("@omslag.example") == result.stdout.count(
        "@omslag.example"
    )
    # Commands run where the demo was prepared use its key, without OMSLAG_SECRET_KEY.
    check = run_omslag("check", drop=("OMSLAG_SECRET_KEY",), env_extra=env)
    assert check.returncode == 0, check.stderr
    assert f"Secret key: from {tmp_path / 'secret_key'}" in check.stdout
    assert "omslag is healthy" in check.stdout


def test_the_shared_migrated_database_has_every_migration(tmp_path, migrated_sqlite):
    """tests/conftest.py's migrated_sqlite: the copy a test gets is migrated and its own."""
    first, second = migrated_sqlite(tmp_path / "a"), migrated_sqlite(tmp_path / "b")
    assert first != second and first.is_file() and second.is_file()
    env = {"OMSLAG_DATA_DIR": str(tmp_path / "a")}
    checked = run_omslag("migrate", "--check", env_extra=env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert (
        run_omslag("migrate", "--check", env_extra={"OMSLAG_DATA_DIR": str(tmp_path)}).returncode
        == 1
    )


def test_check_names_what_is_missing_for_the_secret_key(tmp_path):
    (tmp_path / "secret_key").write_text("a-key-left-behind")  # but no demo database
    result = run_omslag(
        "check", drop=("OMSLAG_SECRET_KEY",), env_extra={"OMSLAG_DATA_DIR": str(tmp_path)}
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "OMSLAG_SECRET_KEY is not set" in result.stderr
    assert f"no demo prepared in {tmp_path} (no omslag.sqlite3)" in result.stderr
    assert "omslag demo --no-serve" in result.stderr


def test_commands_wait_for_a_demo_that_is_still_being_prepared(tmp_path):
    """While `make run` loads the demo, a command in the same folder says so instead of
    running against a half-loaded database; a marker left by a demo that died is ignored."""
    (tmp_path / "secret_key").write_text("the-demo-key")
    (tmp_path / "omslag.sqlite3").write_bytes(b"")
    env = {"OMSLAG_DATA_DIR": str(tmp_path)}
    loading = subprocess.Popen(["sleep", "60"])  # stands for the running `omslag demo`
    try:
        (tmp_path / "demo_preparing").write_text(str(loading.pid))
        waiting = run_omslag("check", drop=("OMSLAG_SECRET_KEY",), env_extra=env)
    finally:
        loading.kill()
        loading.wait()
    assert waiting.returncode == 2 and "Traceback" not in waiting.stderr
    assert f"the demo in {tmp_path} is still being prepared" in waiting.stderr
    # The same marker once that process is gone: the demo's key is used, and check goes on
    # to the (here empty, unmigrated) database.
    after = run_omslag("check", drop=("OMSLAG_SECRET_KEY",), env_extra=env)
    assert "still being prepared" not in after.stderr
    assert "migration(s) not applied" in after.stderr


def test_the_demo_key_is_not_used_for_another_database(tmp_path):
    (tmp_path / "secret_key").write_text("the-demo-key")
    (tmp_path / "omslag.sqlite3").write_bytes(b"")
    env = {"OMSLAG_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'other.db'}"}
    result = run_omslag("check", drop=("OMSLAG_SECRET_KEY",), env_extra=env)
    assert result.returncode == 2
    assert "DATABASE_URL is set, so the demo's key is not used" in result.stderr


def test_demo_logins_work(db):
    from django.test import Client

    from omslag.demo.loading import demo_load

    logins = demo_load(password="demo-password-for-tests")
    roles = {role for _email, role, _org in logins}
    assert {
        "administrator",
        "editor",
        "viewer",
        "board member",
        "auditor",
        "safeguard officer",
    } <= roles
    client = Client()
    response = client.post(
        "/login", {"username": "redacteur@omslag.example", "password": "demo-password-for-tests"}
    )
    assert response.status_code == 302
    again = demo_load(password="demo-password-for-tests")  # loading twice changes nothing
    assert [(email, org) for email, _role, org in again] == [(e, o) for e, _r, o in logins]
