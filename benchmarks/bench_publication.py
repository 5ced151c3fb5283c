"""Open government at national scale: the public project list and the public API over 25,000
published projects (server time p50/p95), and the public API's rows per second for a full
paginated read, measured in the same run against Datasette serving the same rows from an
SQLite file (Datasette is only a comparison: `pip install -e '.[bench]'`).

    python benchmarks/bench_publication.py --factor 0.01     # 250 projects, to try it
    python benchmarks/run.py --only publication               # 25,000 (or --quick: 500)
"""

import argparse
import asyncio
import json
import random
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

SLUG = "bench-open"
FULL = 25_000
# Datasette serves at most 1,000 rows a page by default (max_returned_rows), and so does the
# public API (pageSize up to 1,000): both are read with pages of that size.
PAGE_SIZE = 1000


def _snapshot(rng, i: int) -> dict:
    original = rng.randint(1, 400) * 250_000
    ratio = round(rng.lognormvariate(0.2, 0.5), 3)
    end = date(2020, 1, 1) + timedelta(days=rng.randint(0, 3000))
    shift = rng.randint(-6, 40)
    change = round((ratio - 1) * 100, 1)
    return {
        "number": f"B-{i}",
        "name": f"Project {i:05d}",
        "goal": "Betere dienstverlening met minder beheerlast.",
        "kind": "ict_project",
        "status": rng.choice(["in_progress", "completed", "reorientation"]),
        "approach": "agile",
        "start_date": "2019-01-01",
        "currency": "EUR",
        "latest_peildatum": "2025-06-30",
        "original_estimate": original,
        "current_estimate": round(original * ratio),
        "cost_change_pct": change,
        "cost_bucket": rng.choice(["0-10", "10-20", "20-30", "50-100", "100+"]),
        "original_end_date": end.isoformat(),
        "current_end_date": (end + timedelta(days=30 * shift)).isoformat(),
        "end_date_shift_months": shift,
        "colour": "red" if change >= 25 or shift > 12 else "amber" if change >= 10 else "green",
        "reports": [],
        "milestones": [],
        "papers": [],
    }


def _seed(count: int):
    from django.db import transaction

    from omslag.organisations import services as org_services
    from omslag.organisations.models import Organisation
    from omslag.publication.models import Kind, Publication, public_json_text
    from omslag.publication.snapshots import camel_keys

    organisation = Organisation.objects.filter(slug=SLUG).first()
    existing = Publication.objects.filter(organisation__slug=SLUG, kind=Kind.PROJECT)
    if organisation and existing.count() == count:
        _analyse()
        return organisation
    rng = random.Random(7)  # noqa: S311
    now = datetime.now(UTC)
    with transaction.atomic():
        if organisation is None:
            organisation = org_services.organisation_create(
                actor=None, name="Bench open overheid", slug=SLUG, kind="ministry"
            )
        # Bench rows only: approved rows are refused by update(), not by a delete.
        Publication.objects.filter(organisation=organisation).delete()
        rows = []
        for i in range(count):
            snapshot = _snapshot(rng, i)
            rows.append(
                Publication(
                    organisation=organisation,
                    kind=Kind.PROJECT,
                    source_id=i + 1,
                    number=1,
                    status=Publication.Status.APPROVED,
                    title=snapshot["name"],
                    facet=snapshot["colour"],
                    snapshot=snapshot,
                    public_data=camel_keys(snapshot),
                    public_json=public_json_text(camel_keys(snapshot)),
                    proposed_at=now,
                    decided_at=now,
                    is_current=True,
                )
            )
        Publication.objects.bulk_create(rows, batch_size=2000)
    _analyse()
    return organisation


def _analyse() -> None:
    """Statistics (and on PostgreSQL the visibility map, for index-only counts) as a table
    that lives for a while has them, instead of those of a table just filled in bulk."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE publication_publication")
        else:
            cursor.execute("ANALYZE")


def _throughput(rows: int, requests: int, seconds: float) -> dict:
    return {
        "rows": rows,
        "requests": requests,
        "seconds": round(seconds, 3),
        "rows_per_second": round(rows / seconds),
    }


def _full_read_omslag(client) -> dict:
    url = f"/api/v1/open/organisations/{SLUG}/projects?pageSize={PAGE_SIZE}"
    rows, requests = 0, 0
    started = time.perf_counter()
    while url:
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        body = response.json()
        rows += len(body["results"])
        requests += 1
        last_url, url = url, body["next"]
    seconds = time.perf_counter() - started
    return {
        "rows": rows,
        "requests": requests,
        "seconds": round(seconds, 3),
        "rows_per_second": round(rows / seconds),
        "last_page_url": last_url,
    }


def _sqlite_copy(path: Path) -> int:
    """The same published rows, one column per list field and the snapshot as JSON text."""
    from omslag.publication.models import Publication

    connection = sqlite3.connect(path)
    connection.execute(
        "create table projects (id integer primary key, version integer, title text, "
        "colour text, current_estimate integer, cost_change_pct real, snapshot text)"
    )
    records = Publication.objects.filter(organisation__slug=SLUG, is_current=True).order_by(
        "title", "source_id"
    )
    connection.executemany(
        "insert into projects values (?, ?, ?, ?, ?, ?, ?)",
        (
            (
                p.source_id,
                p.number,
                p.title,
                p.facet,
                p.snapshot["current_estimate"],
                p.snapshot["cost_change_pct"],
                json.dumps(p.snapshot),
            )
            for p in records.iterator(chunk_size=2000)
        ),
    )
    connection.commit()
    count = connection.execute("select count(*) from projects").fetchone()[0]
    connection.close()
    return count


def _full_read_datasette(path: Path) -> dict:
    try:
        from datasette.app import Datasette
    except ImportError:
        return {"skipped": "Datasette is not installed (pip install -e '.[bench]')"}

    async def read() -> dict:
        datasette = Datasette([str(path)], settings={"max_returned_rows": PAGE_SIZE})
        await datasette.invoke_startup()
        url = f"/{path.stem}/projects.json?_shape=objects&_size={PAGE_SIZE}"
        rows, requests = 0, 0
        started = time.perf_counter()
        while url:
            response = await datasette.client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")
            body = response.json()
            rows += len(body["rows"])
            requests += 1
            next_url = body.get("next_url")
            url = next_url.split("://", 1)[-1].split("/", 1)[-1] if next_url else None
            url = f"/{url}" if url else None
        seconds = time.perf_counter() - started
        return {
            "rows": rows,
            "requests": requests,
            "seconds": round(seconds, 3),
            "rows_per_second": round(rows / seconds),
        }

    return asyncio.run(read())


def run(quick: bool = False, factor: float | None = None) -> dict:
    import os

    # The benchmark is one client: lift the per-address limit for it.
    os.environ.setdefault("OMSLAG_OPEN_API_THROTTLE", "100000000/minute")
    import django_env

    django_env.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    factor = factor if factor is not None else (0.02 if quick else 1.0)
    count = max(10, int(FULL * factor))
    started = time.perf_counter()
    _seed(count)
    cache.clear()
    results = {
        "published_projects": count,
        "factor": factor,
        "seed_seconds": round(time.perf_counter() - started, 1),
        "database": connection.vendor,
    }
    client = Client()
    repeat = 10 if count < 5_000 else 40
    last_page = max(1, count // 50)
    pages = {
        "public_project_list": f"/open/{SLUG}/projects",
        "public_project_list_last_page": f"/open/{SLUG}/projects?page={last_page}",
        "public_project_list_search_filter": f"/open/{SLUG}/projects?q=Project+01&facet=red",
        "public_api_project_list": f"/api/v1/open/organisations/{SLUG}/projects",
        "public_api_project_list_page": (
            f"/api/v1/open/organisations/{SLUG}/projects?page={max(1, count // 100)}&facet=red"
        ),
    }
    for name, url in pages.items():
        results[name] = django_env.time_requests(client, url, repeat)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        results[name]["queries"] = len(queries)
    results["api_full_read"] = _full_read_omslag(client)
    # The last page of the full read again, by its cursor (keyset: as fast as the first).
    last_page_url = results["api_full_read"].pop("last_page_url").split("testserver", 1)[-1]
    results["public_api_project_list_cursor_last_page"] = django_env.time_requests(
        client, last_page_url.replace(f"pageSize={PAGE_SIZE}", "pageSize=50"), repeat
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "open.db"
        results["datasette_rows"] = _sqlite_copy(path)
        results["datasette_full_read"] = _full_read_datasette(path)
    theirs = results["datasette_full_read"].get("rows_per_second")
    if theirs:
        results["api_vs_datasette"] = round(results["api_full_read"]["rows_per_second"] / theirs, 2)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factor", type=float, default=1.0, help="share of 25,000 projects")
    parser.add_argument("--output", type=Path, help="write the results as JSON here too")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    results = run(factor=args.factor)
    text = json.dumps(results, indent=2)
    print(text)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text)


if __name__ == "__main__":
    main()
