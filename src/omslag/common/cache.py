"""The database cache with one statement per write.

Django's DatabaseCache counts the whole cache table (``SELECT COUNT(*)``) on every write, to
decide whether to cull, and then writes in a transaction of a SELECT and an UPDATE or INSERT:
five round trips. The API's rate limits write to the cache on every request, so that was most
of the queries of a small API call, and the count grows with the table. Here a write is one
``INSERT … ON CONFLICT DO UPDATE`` (PostgreSQL and SQLite), and the table is counted (and culled
as Django does) only on every ``COUNT_EVERY``-th write of a process. Reads, deletes, ``touch``
and other databases are Django's own.
"""

from __future__ import annotations

import base64
import itertools
import pickle
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, router
from django.utils.timezone import now as tz_now

COUNT_EVERY = 100


class DatabaseCache(DjangoDatabaseCache):
    def __init__(self, table, params):
        super().__init__(table, params)
        self._writes = itertools.count()

    def _base_set(self, mode, key, value, timeout=DEFAULT_TIMEOUT):
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        if mode not in {"set", "add"} or connection.vendor not in {"postgresql", "sqlite"}:
            return super()._base_set(mode, key, value, timeout)
        timeout = self.get_backend_timeout(timeout)
        now = tz_now().replace(microsecond=0)
        if timeout is None:
            expires = datetime.max
        else:
            expires = datetime.fromtimestamp(timeout, tz=UTC if settings.USE_TZ else None)
        expires = expires.replace(microsecond=0)
        quote = connection.ops.quote_name
        table = quote(self._table)
        pickled = pickle.dumps(value, self.pickle_protocol)
        encoded = base64.b64encode(pickled).decode("latin1")
        adapt = connection.ops.adapt_datetimefield_value
        with connection.cursor() as cursor:
            if next(self._writes) % COUNT_EVERY == 0:
                cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 (a quoted name)
                count = cursor.fetchone()[0]
                if count > self._max_entries:
                    self._cull(db, cursor, now, count)
            # "add" replaces only an entry that has expired; "set" always.
            only_expired = f" WHERE {table}.{quote('expires')} < %s" if mode == "add" else ""
            cursor.execute(
                f"INSERT INTO {table} ({quote('cache_key')}, {quote('value')}, "  # noqa: S608
                f"{quote('expires')}) VALUES (%s, %s, %s) "
                f"ON CONFLICT ({quote('cache_key')}) DO UPDATE SET "
                f"{quote('value')} = excluded.{quote('value')}, "
                f"{quote('expires')} = excluded.{quote('expires')}{only_expired}",
                [key, encoded, adapt(expires)] + ([adapt(now)] if mode == "add" else []),
            )
            return cursor.rowcount > 0
