"""The browser tests' demo copy (demo_snapshot.py) gives each test the database a fresh demo
load gives: the same rows, and keys that go on from there."""

from django.core.management import call_command
from django.db import connection

from omslag.organisations.models import Organisation
from tests.conftest import skip_unless
from tests.factories import organisation

from . import demo_snapshot
from .conftest import demo_build


def rows_per_table(tables: dict[str, bytes]) -> dict[str, int]:
    # COPY's text format writes one line per row (a newline inside a value is written as \n).
    return {table: rows.count(b"\n") for table, rows in tables.items()}


def test_the_copy_put_back_holds_exactly_the_rows_taken(demo, tmp_path):
    skip_unless(connection.vendor == "postgresql", "the demo is copied on PostgreSQL only")
    organisation("eerst-een-wijziging")  # something the copy must take away again
    demo_snapshot.demo_ready(demo_build, media_copy=tmp_path / "media")  # a copy exists now
    assert demo_snapshot.tables_now() == demo_snapshot._snapshot.tables
    assert not Organisation.objects.filter(slug="eerst-een-wijziging").exists()
    # The sequences went past the copied keys: a new record gets a key of its own.
    highest = Organisation.objects.order_by("-pk").values_list("pk", flat=True).first()
    assert organisation("na-de-kopie").pk > highest


def test_the_copy_has_the_rows_of_a_fresh_load(demo):
    skip_unless(connection.vendor == "postgresql", "the demo is copied on PostgreSQL only")
    copied = rows_per_table(demo_snapshot.tables_now())
    assert copied["organisations_organisation"] >= 3, copied
    call_command("flush", interactive=False, verbosity=0)
    demo_build()
    assert rows_per_table(demo_snapshot.tables_now()) == copied
