"""The browser tests' demo, built once and put back before each test that wants it.

Loading the demo through the services (every record validated, with its history) costs
seconds of CPU, and about twenty browser tests each want a fresh copy on a live server
(transactional_db, so each test ends with a flush). On PostgreSQL the first such test builds
the demo and takes a copy of every table the flush empties (``COPY … TO STDOUT``) and of the
media folder; each later test empties those tables and copies the rows back in one
transaction (``COPY … FROM STDIN``; Django's foreign keys are deferred to the commit), then
sets every sequence past the highest key, as ``loaddata`` does. The test sees the same rows
with the same keys as a fresh load; only the times recorded in them are those of the first
load. On SQLite the demo is built for each test as before.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, transaction


@dataclass(frozen=True)
class DemoSnapshot:
    tables: dict[str, bytes]  # table → its rows in COPY's text format
    media: Path | None  # a copy of MEDIA_ROOT after the build, when the build wrote files


_snapshot: DemoSnapshot | None = None


def _flushed_tables() -> list[str]:
    """The tables Django's flush (transactional_db's teardown) empties, in a stable order."""
    return sorted(connection.introspection.django_table_names(only_existing=True))


def _copy_out(table: str) -> bytes:
    from psycopg import sql

    with connection.cursor() as cursor:
        copy_sql = sql.SQL("COPY {} TO STDOUT").format(sql.Identifier(table))
        with cursor.cursor.copy(copy_sql) as copy:
            return b"".join(bytes(block) for block in copy)


def _copy_in(table: str, rows: bytes) -> None:
    from psycopg import sql

    with connection.cursor() as cursor:
        copy_sql = sql.SQL("COPY {} FROM STDIN").format(sql.Identifier(table))
        with cursor.cursor.copy(copy_sql) as copy:
            copy.write(rows)


def tables_now() -> dict[str, bytes]:
    """Every flushed table's rows as COPY writes them (also used by the snapshot's test)."""
    return {table: _copy_out(table) for table in _flushed_tables()}


def demo_ready(build: Callable[[], None], media_copy: Path) -> None:
    """Make the database hold the demo: build it (and keep a copy) the first time on
    PostgreSQL, put the copy back afterwards; build it every time elsewhere."""
    global _snapshot
    if connection.vendor != "postgresql":
        build()
        return
    if _snapshot is None:
        build()
        media = Path(settings.MEDIA_ROOT)
        kept = None
        if media.is_dir() and any(media.iterdir()):
            shutil.copytree(media, media_copy)
            kept = media_copy
        _snapshot = DemoSnapshot(tables=tables_now(), media=kept)
        return
    demo_restore(_snapshot)


def demo_restore(snapshot: DemoSnapshot) -> None:
    tables = list(snapshot.tables)
    with transaction.atomic():
        with connection.cursor() as cursor:
            # What flush runs (post_migrate has since put content types and permissions
            # back, with keys of their own): empty, then the snapshot's rows and keys.
            for statement in connection.ops.sql_flush(no_style(), tables):
                cursor.execute(statement)
        for table, rows in snapshot.tables.items():
            if rows:
                _copy_in(table, rows)
        models = apps.get_models(include_auto_created=True)
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
    ContentType.objects.clear_cache()  # keyed by the keys that were just replaced
    if snapshot.media is not None:
        shutil.copytree(snapshot.media, settings.MEDIA_ROOT, dirs_exist_ok=True)
