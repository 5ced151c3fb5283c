"""A Django set-up for benchmarks: its own database (DATABASE_URL, else SQLite in var/bench),
migrated, and helpers to measure server time of requests."""

import os
import statistics
import time
from pathlib import Path

# The real public data some benchmarks read: ../shared/data next to the checkout, or the folder
# OMSLAG_SHARED_DATA names (as for the tests).
SHARED_DATA = Path(
    os.environ.get("OMSLAG_SHARED_DATA")
    or Path(__file__).resolve().parents[1].parent / "shared" / "data"
)


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omslag.settings")
    os.environ.setdefault("OMSLAG_SECRET_KEY", "benchmark-only-secret-key")
    os.environ.setdefault("OMSLAG_DATA_DIR", str(Path("var/bench").resolve()))
    os.environ.setdefault("OMSLAG_ALLOWED_HOSTS", "testserver,127.0.0.1")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    # The server state of production: omslag.wsgi warms up and freezes start-up objects.
    from omslag.wsgi import warm_up  # noqa: F401  (importing it runs the warm-up)


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95_index = max(0, int(round(0.95 * len(ordered))) - 1)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(ordered[p95_index] * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
        "requests": len(ordered),
    }


def time_requests(client, url: str, repeat: int, before_each=None) -> dict[str, float]:
    """Server-side time of ``repeat`` GETs through Django's test client (no network).

    ``before_each(i)``, when given, runs before request ``i`` outside the timed part: a data
    change, so that what is cached for the old data (charts) is of no use to the request.
    """
    client.get(url)  # warm up caches and connections
    samples = []
    for index in range(repeat):
        if before_each is not None:
            before_each(index)
        started = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
    return percentiles(samples)
