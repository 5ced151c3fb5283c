"""Charts drawn ahead (issue 13 item 1): the CPU time of the first visit after a data change to
the chart pages of a ministry with 10 agencies (the board dashboard rolled up, the balance, the
project portfolio: each page and every chart its browser then asks for), with the charts drawn
on that first visit (cold) and after the drawing task (`common.chartwarm`) has run. Reuses the
leadership benchmark's data; sizes scale with ``--factor`` (``--quick`` is factor 0.02):

    python benchmarks/bench_chart_warm.py --factor 0.002
    python benchmarks/run.py --only chart_warm --quick
"""

import argparse
import json
import re
import sys
import time
from decimal import Decimal
from pathlib import Path

PAGES = ("dashboard?below=1", "balance", "project-portfolio")


def _first_visit(client, slug: str) -> dict:
    """CPU and wall time of each page and the charts it shows, as a browser fetches them."""
    cpu = wall = 0.0
    charts = 0
    for page in PAGES:
        url = f"/organisations/{slug}/{page}"
        began, began_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        for address in re.findall(r'<img src="([^"]+\bchart=[^"]+)"', response.content.decode()):
            chart = client.get(address.replace("&amp;", "&"))
            if chart.status_code != 200:
                raise RuntimeError(f"{address} answered {chart.status_code}")
            charts += 1
        cpu += time.process_time() - began_cpu
        wall += time.perf_counter() - began
    return {"cpu_ms": round(cpu * 1000, 1), "wall_ms": round(wall * 1000, 1), "charts": charts}


def run(quick: bool = False, factor: float | None = None) -> dict:
    import django_env

    django_env.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from bench_leadership import SLUG, _seed, _sizes
    from omslag.accounts.models import Person
    from omslag.common import chartimages
    from omslag.common.chartwarm import charts_warm
    from omslag.organisations import services as org_services
    from omslag.organisations.models import Membership
    from omslag.portfolio.models import SpendLine

    factor = factor if factor is not None else (0.02 if quick else 1.0)
    ministry = _seed(_sizes(factor))
    person, _ = Person.objects.get_or_create(
        email="bench-board@omslag.test", defaults={"full_name": "Bench bestuurder"}
    )
    if not Membership.objects.filter(person=person, organisation=ministry).exists():
        org_services.membership_create(
            actor=None, person=person, organisation=ministry, role="board"
        )
    client = Client()
    client.force_login(person)
    _first_visit(client, SLUG)  # connections, templates, stored figures

    def data_change():
        """A new spend line (the balance changes) and every drawing forgotten, as after a
        change that moves every chart; the stored figures are refreshed (their own task)."""
        SpendLine.objects.create(
            organisation=ministry, year=2025, kind="actual", category="innovate", amount=Decimal(1)
        )
        cache.clear()
        chartimages._local.clear()
        for page in PAGES:  # the figures' own refresh, outside what is measured here
            client.get(f"/organisations/{SLUG}/{page}")
        cache.clear()
        chartimages._local.clear()

    data_change()
    cold = _first_visit(client, SLUG)
    data_change()
    began = time.perf_counter()
    drawn = charts_warm([SLUG], languages=["nl"])
    drawing_seconds = round(time.perf_counter() - began, 2)
    warm = _first_visit(client, SLUG)
    return {
        "factor": factor,
        "database": connection.vendor,
        "first_visit_cold": cold,
        "first_visit_drawn_ahead": warm,
        "drawing_ahead": {
            "seconds": drawing_seconds,
            "pages": drawn.pages,
            "charts": drawn.charts,
            "failed": drawn.failed,
        },
        "drawn_ahead_over_cold_cpu": round(warm["cpu_ms"] / max(cold["cpu_ms"], 0.1), 3),
    }


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--factor", type=float, default=1.0, help="share of the full sizes")
    parser.add_argument("--output", type=Path, default=Path("var/bench/chart_warm.json"))
    args = parser.parse_args()
    result = run(factor=args.factor)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
