"""The database cache with one statement per write (omslag.common.cache) keeps the meaning of
Django's: set, add (only when absent or expired), get, incr, expiry and culling; on SQLite and
PostgreSQL (whichever the tests run on)."""

import pytest
import time_machine
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from omslag.common import cache as cache_module
from omslag.common.cache import DatabaseCache


@pytest.fixture
def cache(db):
    return caches["default"]


def test_the_configured_cache_is_the_one_statement_cache(cache):
    assert isinstance(cache, DatabaseCache)


def test_set_get_and_replace(cache):
    cache.set("colour", {"name": "groen", "rgb": [0, 128, 0]}, timeout=60)
    assert cache.get("colour") == {"name": "groen", "rgb": [0, 128, 0]}
    cache.set("colour", "blauw", timeout=60)
    assert cache.get("colour") == "blauw"


def test_add_only_when_absent_or_expired(cache):
    with time_machine.travel("2026-12-07 10:00:00+00:00", tick=False):
        assert cache.add("slot", "first", timeout=30) is True
        assert cache.add("slot", "second", timeout=30) is False
        assert cache.get("slot") == "first"
    with time_machine.travel("2026-12-07 10:01:00+00:00", tick=False):
        assert cache.get("slot") is None  # expired after 30 s
        assert cache.add("slot", "third", timeout=30) is True
        assert cache.get("slot") == "third"


def test_incr_counts_and_a_value_without_timeout_stays(cache):
    cache.set("counter", 1, timeout=60)
    assert cache.incr("counter") == 2
    assert cache.incr("counter", 5) == 7
    assert cache.get("counter") == 7
    cache.set("forever", "kept", timeout=None)
    with time_machine.travel("2099-01-01 00:00:00+00:00", tick=False):
        assert cache.get("forever") == "kept"


def test_a_write_is_one_statement_between_the_counts(cache, monkeypatch):
    cache.set("warm", 1)  # may be the write that counts
    monkeypatch.setattr(cache, "_writes", iter(range(1, 10)))  # none of these counts
    with CaptureQueriesContext(connection) as queries:
        cache.set("throttle", [1.0, 2.0], timeout=60)
    statements = [q["sql"] for q in queries.captured_queries]
    assert len(statements) == 1, statements
    assert statements[0].startswith("INSERT INTO") and "ON CONFLICT" in statements[0]


def test_the_table_is_culled_on_the_counting_write_as_django_does(cache, monkeypatch):
    # The cache table is not a model's: tests on the same database before this one (another
    # module on the same test worker, live servers that commit) may have left entries in it.
    cache.clear()
    monkeypatch.setattr(cache, "_max_entries", 10)
    monkeypatch.setattr(cache, "_cull_frequency", 2)
    monkeypatch.setattr(cache_module, "COUNT_EVERY", 1000)
    monkeypatch.setattr(cache, "_writes", iter(range(1, 100)))  # no counting write
    for i in range(15):
        cache.set(f"key-{i:02d}", i, timeout=600)
    assert sum(cache.has_key(f"key-{i:02d}") for i in range(15)) == 15  # not counted yet
    monkeypatch.setattr(cache, "_writes", iter([0]))  # the next write counts: 15 > 10
    cache.set("key-15", 15, timeout=600)
    kept = sum(cache.has_key(f"key-{i:02d}") for i in range(16))
    # Django's cull: nothing expired, so it deletes 15 // 2 = 7 entries, then writes one.
    assert kept == 15 - 7 + 1
