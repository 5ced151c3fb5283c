"""Page weight at national scale: the HTML of every register page of a large organisation
stays under 300 KB, and its charts come as separate SVGs of bounded size.

One organisation (with one below it) gets ``factor`` × (3,000 applications with 6,000
dependencies, 20,000 spend lines over 10 years, 3,000 projects). For each page: the bytes of
its HTML, the server time of the page (charts are not drawn for it), and for each chart the
bytes of its SVG and the time of its first (cold: drawn) and second (cached) request.

Run alone at a chosen size: ``python benchmarks/bench_page_weight.py --factor 0.1``; in
``make bench`` the factor is 1 (``--quick``: 0.05), or ``OMSLAG_BENCH_FACTOR``.
"""

import argparse
import datetime as dt
import html
import json
import os
import random
import re
import sys
import time
from decimal import Decimal

SLUG = "bench-weight"
CHILD_SLUG = "bench-weight-unit"
HTML_LIMIT = 300 * 1024
SVG_LIMIT = 100 * 1024
BASE = {"applications": 3_000, "dependencies": 6_000, "spend_lines": 20_000, "projects": 3_000}

# The pages that show a register or figures over a whole register, by address pattern.
PAGES = [
    ("organisation", "/organisations/{slug}"),
    ("balance", "/organisations/{slug}/balance"),
    ("applications", "/organisations/{slug}/applications"),
    ("spend", "/organisations/{slug}/spend"),
    ("projects", "/organisations/{slug}/projects"),
    ("project_portfolio", "/organisations/{slug}/project-portfolio"),
    ("dashboard", "/organisations/{slug}/dashboard"),
    ("coverage", "/organisations/{slug}/safeguard-coverage"),
    ("funnel", "/organisations/{slug}/funnel"),
    ("experiments", "/organisations/{slug}/experiments/all"),
    ("organisation_list", "/organisations"),
]

CHART_SRC = re.compile(r'<img src="(/[^"]*(?:\?|&amp;)chart=[^"]+)"')


def scaled(factor: float) -> dict[str, int]:
    return {key: max(10, int(value * factor)) for key, value in BASE.items()}


def seed(factor: float):
    """The organisation with its registers, made with bulk inserts (the figures a page shows
    do not depend on how the rows came in). Returns (organisation, sizes)."""
    from django.db import transaction

    from omslag.organisations import services as org_services
    from omslag.organisations.models import Organisation
    from omslag.portfolio.models import Application, Dependency, SpendLine
    from omslag.projects.models import Project

    sizes = scaled(factor)
    rng = random.Random(11)  # noqa: S311 (test data)
    organisation = Organisation.objects.filter(slug=SLUG).first()
    if (
        organisation is not None
        and Application.objects.filter(organisation=organisation).count() == sizes["applications"]
    ):
        return organisation, sizes
    with transaction.atomic():
        if organisation is None:
            organisation = org_services.organisation_create(
                actor=None, name="Bench ministerie", slug=SLUG, kind="ministry"
            )
            org_services.organisation_create(
                actor=None, name="Bench dienst", slug=CHILD_SLUG, kind="agency", parent=organisation
            )
        SpendLine.all_objects.filter(organisation=organisation).delete()
        Dependency.all_objects.filter(application__organisation=organisation).delete()
        Application.all_objects.filter(organisation=organisation).delete()
        Project.all_objects.filter(organisation=organisation).delete()
        applications = Application.objects.bulk_create(
            [
                Application(
                    organisation=organisation,
                    name=f"Toepassing {i:06d} " + "x" * rng.randint(0, 40),
                    vendor=f"Leverancier {i % 60}",
                    technology=rng.choice(["SaaS", "Java", ".NET", "COBOL"]),
                    go_live_year=rng.randint(1985, 2025),
                    business_value=rng.randint(1, 5),
                    technical_condition=rng.randint(1, 5),
                    end_of_support=dt.date(rng.randint(2018, 2034), rng.randint(1, 12), 1),
                )
                for i in range(sizes["applications"])
            ],
            batch_size=1000,
        )
        pairs: set[tuple[int, int]] = set()
        # Chains of three that close into a cycle, then random edges: many cycles, big fan-in.
        for i in range(0, min(300, len(applications)) - 2, 3):
            a, b, c = applications[i : i + 3]
            pairs |= {(a.pk, b.pk), (b.pk, c.pk), (c.pk, a.pk)}
        hubs = applications[:20]
        while len(pairs) < sizes["dependencies"]:
            a = rng.choice(applications)
            b = rng.choice(hubs) if rng.random() < 0.5 else rng.choice(applications)
            if a.pk != b.pk:
                pairs.add((a.pk, b.pk))
        Dependency.objects.bulk_create(
            [Dependency(application_id=a, depends_on_id=b) for a, b in pairs], batch_size=2000
        )
        SpendLine.objects.bulk_create(
            [
                SpendLine(
                    organisation=organisation,
                    year=2016 + i % 10,
                    kind="actual" if 2016 + i % 10 < 2026 else "budget",
                    category=rng.choices(["run", "change", "innovate"], [70, 22, 8])[0],
                    amount=Decimal(rng.randint(1_000, 900_000)),
                    application=applications[i % len(applications)] if i % 3 else None,
                    description=f"Regel {i}",
                )
                for i in range(sizes["spend_lines"])
            ],
            batch_size=2000,
        )
        projects = []
        for i in range(sizes["projects"]):
            original = Decimal(rng.randint(1, 400)) * 250_000
            ratio = Decimal(str(round(rng.lognormvariate(0.2, 0.5), 3)))
            end = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randint(0, 3000))
            shift = rng.randint(-6, 40)
            change = float((ratio - 1) * 100)
            projects.append(
                Project(
                    organisation=organisation,
                    name=f"Project {i:05d}",
                    number=f"W-{i}",
                    external_id=f"weight-{i}",
                    status=rng.choice(["in_progress", "completed", "reorientation"]),
                    report_count=rng.randint(1, 6),
                    original_estimate=original,
                    current_estimate=original * ratio,
                    cost_change_pct=change,
                    original_end_date=end,
                    current_end_date=end + dt.timedelta(days=30 * shift),
                    end_date_shift_months=shift,
                    cost_bucket=rng.choice(["0-10", "10-20", "20-30", "50-100", "100+"]),
                    colour="red"
                    if change >= 25 or shift > 12
                    else "amber"
                    if change >= 10
                    else "green",
                    has_review_advice=rng.random() < 0.2,
                    latest_peildatum=dt.date(2025, 6, 30),
                )
            )
        Project.objects.bulk_create(projects, batch_size=2000)
    return organisation, sizes


def reader(organisation):
    """A signed-in client with the viewer role on the organisation (and what is below it)."""
    from django.test import Client

    from omslag.accounts.models import Person
    from omslag.organisations import services as org_services

    email = "weight-viewer@example.org"
    person = Person.objects.filter(email=email).first()
    if person is None:
        person = Person.objects.create_user(email=email, password=None, full_name="Lezer")
        org_services.membership_create(
            actor=None, person=person, organisation=organisation, role="viewer"
        )
    client = Client(HTTP_ACCEPT_LANGUAGE="nl")
    client.force_login(person)
    return client


def chart_urls(page: str) -> list[str]:
    return [html.unescape(src) for src in CHART_SRC.findall(page)]


def measure(client, slug: str) -> dict:
    """Bytes and time of every page, and of every chart in it (cold, then cached)."""
    from django.core.cache import cache

    from omslag.common import chartimages

    cache.clear()
    chartimages._local.clear()
    pages = {}
    for label, pattern in PAGES:
        url = pattern.format(slug=slug)
        started = time.perf_counter()
        response = client.get(url)
        seconds = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        body = response.content.decode()
        charts = []
        for chart_url in chart_urls(body):
            started = time.perf_counter()
            svg = client.get(chart_url)
            cold = time.perf_counter() - started
            started = time.perf_counter()
            client.get(chart_url)
            warm = time.perf_counter() - started
            charts.append(
                {
                    "chart": re.search(r"chart=([^&]+)", chart_url).group(1),
                    "svg_bytes": len(svg.content),
                    "cold_ms": round(cold * 1000, 1),
                    "cached_ms": round(warm * 1000, 1),
                }
            )
        pages[label] = {
            "html_bytes": len(response.content),
            "page_ms": round(seconds * 1000, 1),
            "charts": charts,
        }
    return pages


def run(quick: bool = False, factor: float | None = None) -> dict:
    from django_env import setup

    setup()
    if factor is None:
        factor = 0.05 if quick else float(os.environ.get("OMSLAG_BENCH_FACTOR", "1"))
    organisation, sizes = seed(factor)
    pages = measure(reader(organisation), organisation.slug)
    svgs = [c["svg_bytes"] for p in pages.values() for c in p["charts"]]
    return {
        "factor": factor,
        "sizes": sizes,
        "pages": pages,
        "largest_html_kb": round(max(p["html_bytes"] for p in pages.values()) / 1024, 1),
        "largest_svg_kb": round(max(svgs, default=0) / 1024, 1),
        "slowest_cold_chart_ms": max(
            (c["cold_ms"] for p in pages.values() for c in p["charts"]), default=0
        ),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--factor", type=float, default=0.05)
    arguments = parser.parse_args()
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    print(json.dumps(run(factor=arguments.factor), indent=2))
