"""A Django set-up for benchmarks: its own database (DATABASE_URL, else SQLite in var/bench),
migrated, and helpers to measure server time of requests."""

import html
import os
import re
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


# A chart of a page is the page's own address with ?chart=<name>&v=<tag> (common.chartimages).
CHART_ADDRESS = re.compile(r"[?&](?:amp;)?(chart=[\w-]+&(?:amp;)?v=\w+)")


def chart_addresses(page_url: str, content: bytes) -> list[str]:
    """The addresses of the charts a page links (its <img> sources), in a stable order."""
    joiner = "&" if "?" in page_url else "?"
    found = sorted(set(CHART_ADDRESS.findall(content.decode())))
    return [f"{page_url}{joiner}{html.unescape(chart)}" for chart in found]


def time_page_and_charts(client, url: str, repeat: int, before_each) -> dict:
    """The page right after ``before_each(i)`` (a data change), then each chart it links, one
    after another as a browser without parallel requests would fetch them: percentiles of the
    page, of a chart request, and of the page with all its charts together."""
    client.get(url)
    pages, charts, together = [], [], []
    for index in range(repeat):
        before_each(index)
        started = time.perf_counter()
        response = client.get(url)
        page_seconds = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        total = page_seconds
        for address in chart_addresses(url, response.content):
            began = time.perf_counter()
            answer = client.get(address)
            seconds = time.perf_counter() - began
            if answer.status_code != 200 or not answer["Content-Type"].startswith("image/svg"):
                raise RuntimeError(f"{address} answered {answer.status_code}")
            charts.append(seconds)
            total += seconds
        pages.append(page_seconds)
        together.append(total)
    if not charts:
        raise RuntimeError(f"{url} links no chart: nothing cold to measure")
    return {
        "page": percentiles(pages),
        "chart": percentiles(charts),
        "page_and_charts": percentiles(together),
        "charts_per_page": len(charts) // repeat,
    }
