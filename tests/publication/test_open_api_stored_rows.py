"""The public API's list rows are the JSON text stored with each published version: the rows
equal what the serializer (RecordOut) writes for the same versions, the text is frozen with
the version, and versions written before the text was stored are filled by the migration and
read the same meanwhile."""

import datetime as dt
import json
from importlib import import_module

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIRequestFactory

from omslag.publication import selectors, services
from omslag.publication.api import RecordOut
from omslag.publication.models import Kind, Publication

from .conftest import build_registers

pytestmark = pytest.mark.django_db
FILL = import_module("omslag.publication.migrations.0003_public_json_text").fill_public_json


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()


@pytest.fixture
def published(org):
    registers = build_registers(org)
    for kind, source_id in registers.items():
        services.publication_publish_now(organisation=org, kind=kind, source_id=source_id)
    return registers


def serialized(org, publication) -> dict:
    """The row as the serializer writes it, through JSON as a client reads it."""
    request = APIRequestFactory().get("/")
    data = RecordOut(publication, context={"request": request, "slug": org.slug}).data
    return json.loads(json.dumps(data))


def test_every_list_row_equals_what_the_serializer_writes(client, org, published):
    seen = 0
    for kind, segment in selectors.KIND_SEGMENTS.items():
        url = f"/api/v1/open/organisations/{org.slug}/{segment}?pageSize=1000"
        response = client.get(url)
        if kind not in published:
            continue
        assert response.status_code == 200, response.content
        rows = response.json()["results"]
        current = Publication.objects.filter(organisation=org, kind=kind, is_current=True)
        expected = {p.source_id: serialized(org, p) for p in current}
        assert {row["id"]: row for row in rows} == expected
        seen += len(rows)
    assert seen == len(published)


def test_the_stored_text_is_the_public_data_in_compact_json(org, published):
    versions = list(Publication.objects.filter(organisation=org))
    assert len(versions) == len(published)
    for publication in versions:
        assert publication.public_json, publication
        assert json.loads(publication.public_json) == publication.public_data
        # Compact: re-encoded without spaces it is the same text.
        again = json.dumps(
            json.loads(publication.public_json), separators=(",", ":"), ensure_ascii=False
        )
        assert publication.public_json == again


def test_the_stored_text_of_a_published_version_never_changes(org, published):
    publication = Publication.objects.filter(organisation=org, kind=Kind.PROJECT).get()
    with pytest.raises(ValidationError):
        Publication.objects.filter(pk=publication.pk).update(public_json='{"name":"other"}')
    publication.public_json = '{"name":"other"}'
    with pytest.raises(ValidationError):
        publication.save()
    publication.refresh_from_db()
    assert json.loads(publication.public_json) == publication.public_data


def test_rows_written_without_the_text_read_the_same_and_the_migration_fills_them(client, org):
    now = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
    data = {"name": 'Ééntje "quoted"', "costs": [1, 2.5, None], "nested": {"ok": True}}
    Publication.objects.bulk_create(
        [
            Publication(
                organisation=org,
                kind=Kind.PROJECT,
                source_id=500_001,
                number=1,
                status=Publication.Status.APPROVED,
                title="Bulk",
                snapshot={"name": "Bulk"},
                public_data=data,
                proposed_at=now,
                decided_at=now,
                is_current=True,
            )
        ]
    )
    url = f"/api/v1/open/organisations/{org.slug}/projects"
    assert Publication.objects.get(source_id=500_001).public_json == ""
    before = client.get(url).json()["results"]
    assert [row["data"] for row in before] == [data]

    # The migration's own (historical) models, as `migrate` runs it.
    state = MigrationLoader(connection).project_state(("publication", "0003_public_json_text"))
    FILL(state.apps, None)
    stored = Publication.objects.get(source_id=500_001).public_json
    assert json.loads(stored) == data
    assert ", " not in stored.replace('"quoted\\", ', "")
    cache.clear()
    assert client.get(url).json()["results"] == before


def test_a_warm_page_reads_its_figures_from_the_process_not_the_shared_cache(client, org):
    published_rows = [
        Publication(
            organisation=org,
            kind=Kind.PROJECT,
            source_id=600_000 + i,
            number=1,
            status=Publication.Status.APPROVED,
            title=f"Rij {i:03d}",
            snapshot={"name": f"Rij {i:03d}"},
            public_data={"name": f"Rij {i:03d}"},
            proposed_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
            decided_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
            is_current=True,
        )
        for i in range(1, 8)
    ]
    Publication.objects.bulk_create(published_rows)
    url = f"/api/v1/open/organisations/{org.slug}/projects?pageSize=3"
    assert client.get(url).json()["count"] == 7
    with CaptureQueriesContext(connection) as queries:
        body = client.get(url).json()
    assert body["count"] == 7
    cache_reads = [q["sql"] for q in queries if "omslag_cache" in q["sql"]]
    # Only the rate limit's counter (read and write) goes to the shared cache.
    assert len(cache_reads) == 2 and all("throttle_open" in sql for sql in cache_reads)
    # Another version published (in any process) moves the list's last change: new figures.
    Publication.objects.filter(source_id=600_001).update(is_current=False)
    Publication.objects.bulk_create(
        [
            Publication(
                organisation=org,
                kind=Kind.PROJECT,
                source_id=600_001,
                number=2,
                status=Publication.Status.APPROVED,
                title="Rij 001 verbeterd",
                snapshot={},
                proposed_at=dt.datetime(2026, 3, 2, tzinfo=dt.UTC),
                decided_at=dt.datetime(2026, 3, 2, tzinfo=dt.UTC),
                is_current=True,
            ),
            Publication(
                organisation=org,
                kind=Kind.PROJECT,
                source_id=600_100,
                number=1,
                status=Publication.Status.APPROVED,
                title="Rij 100",
                snapshot={},
                proposed_at=dt.datetime(2026, 3, 2, tzinfo=dt.UTC),
                decided_at=dt.datetime(2026, 3, 2, tzinfo=dt.UTC),
                is_current=True,
            ),
        ]
    )
    assert client.get(url).json()["count"] == 8
