"""Backups of the database and their restore, behind ``omslag backup`` and ``omslag restore``.

SQLite: SQLite's online backup API copies the whole file in one step under a read lock, so
the copy is one committed state even while the application writes (writers wait for the copy,
up to the database timeout); the copy is checked with ``PRAGMA integrity_check`` before it
takes the backup's name. PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore`` (their own
consistent snapshot), when those programs are installed.
"""

import os
import shutil
import sqlite3
import subprocess  # noqa: S404 (pg_dump and pg_restore, with an argument list)
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from .errors import DomainError


class BackupError(DomainError):
    """A backup or restore that could not be made; ``message`` says why and what to do."""


@dataclass(frozen=True)
class BackupResult:
    engine: str  # "sqlite" or "postgresql"
    path: Path
    size: int


def database_engine(database: dict | None = None) -> str:
    engine = (database or settings.DATABASES["default"])["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    raise BackupError(_("Backups of %(engine)s databases are not supported.") % {"engine": engine})


def _sqlite_check(connection: sqlite3.Connection, path: Path) -> None:
    """The file is a sound SQLite database of omslag (integrity check, migrations table)."""
    try:
        result = connection.execute("PRAGMA integrity_check").fetchall()
        has_migrations = connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
        ).fetchone()
    except sqlite3.DatabaseError as error:
        raise BackupError(
            _("%(path)s is not a readable SQLite database (%(error)s).")
            % {"path": path, "error": error}
        ) from None
    if result != [("ok",)]:
        raise BackupError(
            _("%(path)s fails SQLite's integrity check: %(result)s")
            % {"path": path, "result": "; ".join(row[0] for row in result[:5])}
        )
    if not has_migrations:
        raise BackupError(_("%(path)s is not a database of omslag.") % {"path": path})


def sqlite_backup(source: Path, target: Path) -> BackupResult:
    """Copy the SQLite database ``source`` to ``target`` while the application may write."""
    if not source.is_file():
        raise BackupError(_("There is no database at %(path)s.") % {"path": source})
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    partial.unlink(missing_ok=True)
    timeout = settings.DATABASES["default"].get("OPTIONS", {}).get("timeout", 20)
    reader = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True, timeout=timeout)
    copy = sqlite3.connect(partial)
    try:
        # pages=-1: all pages in one step, under one read lock, so the copy is one committed
        # state; copying in steps would restart whenever the application writes.
        reader.backup(copy, pages=-1)
        _sqlite_check(copy, partial)
    except BaseException:
        copy.close()
        partial.unlink(missing_ok=True)
        raise
    finally:
        reader.close()
    copy.close()
    os.replace(partial, target)
    return BackupResult("sqlite", target, target.stat().st_size)


def sqlite_restore(backup: Path, database: Path) -> None:
    """Replace the database's content with the backup's, checked first. Written through
    SQLite (not a file copy), so a process that has the database open sees either the old or
    the restored content, never a mix."""
    if not backup.is_file():
        raise BackupError(_("There is no backup at %(path)s.") % {"path": backup})
    source = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
    try:
        _sqlite_check(source, backup)
        database.parent.mkdir(parents=True, exist_ok=True)
        target = sqlite3.connect(database, timeout=20)
        try:
            source.backup(target, pages=-1)
        finally:
            target.close()
    finally:
        source.close()


def _pg_environment(database: dict) -> dict[str, str]:
    environment = dict(os.environ)
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if database.get(key):
            environment[variable] = str(database[key])
    return environment


def _pg_program(name: str) -> str:
    program = shutil.which(name)
    if program is None:
        raise BackupError(
            _(
                "%(program)s is not installed (Debian: apt install postgresql-client); see "
                "docs/operations.md for backing up PostgreSQL by hand."
            )
            % {"program": name}
        )
    return program


def _pg_run(arguments: list[str], database: dict) -> None:
    finished = subprocess.run(  # noqa: S603 (fixed program, arguments as a list)
        arguments, env=_pg_environment(database), capture_output=True, text=True, check=False
    )
    if finished.returncode != 0:
        raise BackupError(
            _("%(program)s failed: %(error)s")
            % {"program": Path(arguments[0]).name, "error": finished.stderr.strip()}
        )


def postgresql_backup(target: Path, database: dict) -> BackupResult:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    try:
        _pg_run(
            [_pg_program("pg_dump"), "--format=custom", "--no-owner", f"--file={partial}"],
            database,
        )
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, target)
    return BackupResult("postgresql", target, target.stat().st_size)


def postgresql_restore(backup: Path, database: dict) -> None:
    if not backup.is_file():
        raise BackupError(_("There is no backup at %(path)s.") % {"path": backup})
    _pg_run(
        [
            _pg_program("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={database['NAME']}",
            str(backup),
        ],
        database,
    )


def backup_make(target: Path) -> BackupResult:
    """Back up the configured database to ``target``."""
    database = settings.DATABASES["default"]
    if database_engine(database) == "sqlite":
        return sqlite_backup(Path(database["NAME"]), target)
    return postgresql_backup(target, database)


def backup_restore(backup: Path) -> str:
    """Put ``backup`` in place of the configured database; returns the engine's name."""
    database = settings.DATABASES["default"]
    engine = database_engine(database)
    if engine == "sqlite":
        sqlite_restore(backup, Path(database["NAME"]))
    else:
        postgresql_restore(backup, database)
    return engine


def database_has_content() -> bool:
    """Whether the configured database already holds omslag's tables (restore asks --yes)."""
    database = settings.DATABASES["default"]
    if database_engine(database) == "sqlite":
        path = Path(database["NAME"])
        if not path.is_file() or path.stat().st_size == 0:
            return False
    from django.db import connection

    return "django_migrations" in connection.introspection.table_names()
