"""The project list of the largest organisation at national scale, cold: 25,000 projects with
100,000 reports over 12 ministries with their agencies and 300 other organisations at factor
1; the largest ministry (with its agencies) holds a fifth of the projects.

"Cold" is right after a data change: before every timed request a report is added to one of
the ministry's projects through the services, which marks the stored facet cells behind and
queues their refresh (run at once by the ImmediateBackend, by a worker otherwise; outside the
timed request either way, as in production). Measures server time p50/p95 of the list
unfiltered, filtered and sorted, and its query count; and the same organisation's project
portfolio page (the projects' page with charts: the scatter and the forecast fan) right after
such a change, then each chart it links, drawn anew in its own request. Beside each wall time,
``cpu_p50_ms``/``cpu_p95_ms`` are the CPU time of this process for the request
(``time.process_time``): the machine may be shared, and CPU time does not count the waiting
for other processes (PostgreSQL's own time is not in it). Sizes scale with ``--factor``
(``--quick`` is factor 0.02):

    python benchmarks/bench_project_list.py --factor 0.01
    python benchmarks/run.py --only project_list --quick
"""

import argparse
import datetime as dt
import json
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

PREFIX = "bench-nl"
MINISTRIES = 12
AGENCIES_PER_MINISTRY = 8
OTHERS = 300
FULL = {"projects": 25_000, "reports": 100_000}
LARGEST_SHARE = 0.2


def _sizes(factor: float) -> dict[str, int]:
    return {name: max(50, round(size * factor)) for name, size in FULL.items()}


def _organisations():
    """The ministries with their agencies and the other organisations; reused when present."""
    from omslag.organisations import services as org_services
    from omslag.organisations.models import Organisation

    found = list(Organisation.objects.filter(slug__startswith=PREFIX).order_by("pk"))
    if found:
        return found
    created = []
    for m in range(MINISTRIES):
        ministry = org_services.organisation_create(
            actor=None, name=f"Bench ministerie {m}", slug=f"{PREFIX}-min-{m}", kind="ministry"
        )
        created.append(ministry)
        for a in range(AGENCIES_PER_MINISTRY):
            created.append(
                org_services.organisation_create(
                    actor=None,
                    name=f"Bench dienst {m}-{a}",
                    slug=f"{PREFIX}-dienst-{m}-{a}",
                    kind="agency",
                    parent=ministry,
                )
            )
    for n in range(OTHERS):
        created.append(
            org_services.organisation_create(
                actor=None,
                name=f"Bench gemeente {n}",
                slug=f"{PREFIX}-gem-{n}",
                kind="municipality",
            )
        )
    return created


def _seed(sizes: dict[str, int]):
    """Projects and reports in bulk (this measures reading, not the services' writes): a fifth
    in the largest ministry and its agencies, the rest spread over everyone else."""
    from django.db import transaction

    from omslag.projects.models import Project, ProjectReport

    organisations = _organisations()
    largest = organisations[: AGENCIES_PER_MINISTRY + 1]
    others = organisations[AGENCIES_PER_MINISTRY + 1 :]
    ids = [o.pk for o in organisations]
    existing = Project.objects.filter(organisation_id__in=ids).count()
    if existing == sizes["projects"]:
        return largest[0]
    if existing:
        raise SystemExit(f"{PREFIX} exists with other sizes: use a fresh benchmark database.")
    rng = random.Random(17)  # noqa: S311
    in_largest = round(sizes["projects"] * LARGEST_SHARE)
    with transaction.atomic():
        projects = []
        for i in range(sizes["projects"]):
            owner = largest[i % len(largest)] if i < in_largest else others[i % len(others)]
            original = Decimal(rng.randint(1, 400)) * 250_000
            ratio = Decimal(str(round(rng.lognormvariate(0.2, 0.5), 3)))
            shift = rng.randint(-6, 40)
            change = float((ratio - 1) * 100)
            end = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randint(0, 3000))
            projects.append(
                Project(
                    organisation=owner,
                    name=f"Project {i:06d}",
                    number=f"N-{i}",
                    status=rng.choice(["in_progress", "completed", "reorientation"]),
                    report_count=4,
                    original_estimate=original,
                    current_estimate=original * ratio,
                    cost_change_pct=change,
                    original_end_date=end,
                    current_end_date=end + dt.timedelta(days=30 * shift),
                    end_date_shift_months=shift,
                    cost_bucket=rng.choice(["0-10", "10-20", "20-30", "50-100", "100+"]),
                    colour="red" if change >= 25 else "amber" if change >= 10 else "green",
                    has_review_advice=rng.random() < 0.2,
                    latest_peildatum=dt.date(2025, 6, 30),
                )
            )
        projects = Project.objects.bulk_create(projects, batch_size=2000)
        per_project = max(1, sizes["reports"] // len(projects))
        ProjectReport.objects.bulk_create(
            (
                ProjectReport(
                    project=project,
                    peildatum=dt.date(2022 + n, 6, 30),
                    status="published",
                    total_cost_estimate=project.current_estimate,
                    estimated_end_date=project.current_end_date,
                )
                for project in projects
                for n in range(per_project)
            ),
            batch_size=5000,
        )
    return largest[0]


def _timed_get(client, url: str) -> tuple[object, float, float]:
    """The answer to a GET with its wall and CPU seconds (this process only)."""
    started, cpu_started = time.perf_counter(), time.process_time()
    response = client.get(url)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return response, wall, cpu


def _figures(walls: list[float], cpus: list[float]) -> dict:
    """Wall-time percentiles with the CPU time's p50 and p95 beside them."""
    import django_env

    cpu = django_env.percentiles(cpus)
    return {
        **django_env.percentiles(walls),
        "cpu_p50_ms": cpu["p50_ms"],
        "cpu_p95_ms": cpu["p95_ms"],
    }


def time_cold(client, url: str, repeat: int, before_each) -> dict:
    """``url`` right after each data change ``before_each(i)`` (outside the timed part)."""
    client.get(url)  # warm up caches and connections
    walls, cpus = [], []
    for index in range(repeat):
        before_each(index)
        _response, wall, cpu = _timed_get(client, url)
        walls.append(wall)
        cpus.append(cpu)
    return _figures(walls, cpus)


def time_cold_with_charts(client, url: str, repeat: int, before_each) -> dict:
    """As ``django_env.time_page_and_charts``, with CPU time: the page right after each data
    change, then every chart it links, one after the other as a browser would fetch them."""
    import django_env

    client.get(url)
    pages: tuple[list, list] = ([], [])
    charts: tuple[list, list] = ([], [])
    for index in range(repeat):
        before_each(index)
        response, wall, cpu = _timed_get(client, url)
        pages[0].append(wall)
        pages[1].append(cpu)
        for address in django_env.chart_addresses(url, response.content):
            answer, wall, cpu = _timed_get(client, address)
            if not answer["Content-Type"].startswith("image/svg"):
                raise RuntimeError(f"{address} is no SVG image")
            charts[0].append(wall)
            charts[1].append(cpu)
    if not charts[0]:
        raise RuntimeError(f"{url} links no chart: nothing cold to measure")
    return {
        "page": _figures(*pages),
        "chart": _figures(*charts),
        "charts_per_page": len(charts[0]) // repeat,
    }


def database_ms(client, url: str, before) -> dict:
    """PostgreSQL's own time for one request right after a data change: each SELECT of the
    request run again under EXPLAIN ANALYZE, their execution times added up (the CPU time of
    this process leaves it out; on a shared machine the wall time mixes it with waiting)."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    before(0)
    with CaptureQueriesContext(connection) as queries:
        _timed_get(client, url)
    if connection.vendor != "postgresql":
        return {"queries": len(queries)}
    total, slowest = 0.0, (0.0, "")
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            if not query["sql"].lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute(f"EXPLAIN (ANALYZE, TIMING OFF) {query['sql']}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            found = re.search(r"Execution Time: ([\d.]+) ms", plan)
            ms = float(found.group(1)) if found else 0.0
            total += ms
            slowest = max(slowest, (ms, query["sql"][:120]))
    return {
        "queries": len(queries),
        "execution_ms": round(total, 2),
        "slowest_ms": round(slowest[0], 2),
        "slowest": slowest[1],
    }


def run(quick: bool = False, factor: float | None = None) -> dict:
    import os

    import django_env

    # The stored figures' refresh runs when the change commits, as a worker would run it
    # right after, and so outside the timed request (without a worker and with the database
    # backend they would stay behind, and the page would count its facets itself).
    os.environ.setdefault("OMSLAG_TASKS_BACKEND", "immediate")
    django_env.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from omslag.accounts.models import Person
    from omslag.organisations import services as org_services
    from omslag.organisations.models import Membership
    from omslag.projects import services
    from omslag.projects.models import Project

    factor = factor if factor is not None else (0.02 if quick else 1.0)
    sizes = _sizes(factor)
    started = time.perf_counter()
    ministry = _seed(sizes)
    results = {
        "factor": factor,
        **sizes,
        "seed_seconds": round(time.perf_counter() - started, 1),
        "database": connection.vendor,
    }
    person, _ = Person.objects.get_or_create(
        email="bench-projects@omslag.test", defaults={"full_name": "Bench viewer"}
    )
    if not Membership.objects.filter(person=person, organisation=ministry).exists():
        org_services.membership_create(
            actor=None, person=person, organisation=ministry, role="viewer"
        )
    client = Client()
    client.force_login(person)
    base = f"/organisations/{ministry.slug}/projects"
    changed = list(
        Project.objects.filter(organisation__path__startswith=ministry.path).order_by("pk")[:50]
    )
    repeat = 5 if factor < 0.1 else 20

    def report_added(n):
        project = changed[n % len(changed)]
        services.report_create(
            actor=None,
            project=project,
            peildatum=dt.date(2026, 1, 1) + dt.timedelta(days=n + 1),
            total_cost_estimate=Decimal(1_000_000 + n),
            status="published",
        )

    urls = {
        "project_list_cold": base,
        "project_list_filtered_sorted_cold": f"{base}?status=in_progress&colour=red"
        "&colour=amber&sort=-cost-change&page=2",
    }
    for name, url in urls.items():
        results[name] = time_cold(client, url, repeat, report_added)
    with CaptureQueriesContext(connection) as queries:
        client.get(base)
    results["project_list_queries"] = len(queries)
    results["project_list_database"] = database_ms(client, base, report_added)
    results["project_list_html_kb"] = round(len(client.get(base).content) / 1024, 1)
    # The list links no chart; the project portfolio page of the same organisation is the
    # projects' page with charts (its scatter and the forecast's fan).
    portfolio = f"/organisations/{ministry.slug}/project-portfolio"
    # Here the report goes to one of the ministry's largest projects with a new estimate a few
    # euros off its current one, so that the project stays in the scatter (the 2,000 largest)
    # and moves in it, and the forecast's total changes: both charts are new for each request.
    # The cents differ in every run, so no chart drawn in an earlier run is in the cache.
    largest = list(
        Project.objects.filter(organisation__path__startswith=ministry.path)
        .order_by("-current_estimate", "pk")
        .values_list("pk", "current_estimate")[:50]
    )
    cents = Decimal(time.time_ns() % 100) / 100

    def report_on_a_largest(n):
        pk, estimate = largest[n % len(largest)]
        services.report_create(
            actor=None,
            project=Project.objects.get(pk=pk),
            peildatum=dt.date(2027, 1, 1) + dt.timedelta(days=n + 1),
            total_cost_estimate=estimate + n + cents,
            status="published",
        )

    cold = time_cold_with_charts(client, portfolio, repeat, report_on_a_largest)
    results["project_portfolio_cold"] = cold["page"]
    results["project_portfolio_chart_cold"] = cold["chart"]
    results["project_portfolio_charts_per_page"] = cold["charts_per_page"]
    with CaptureQueriesContext(connection) as queries:
        client.get(portfolio)
    results["project_portfolio_queries"] = len(queries)
    results["project_portfolio_database"] = database_ms(client, portfolio, report_on_a_largest)
    results["load_average"] = [round(x, 2) for x in os.getloadavg()]
    return results


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--factor", type=float, default=1.0, help="share of the full sizes")
    parser.add_argument("--output", type=Path, default=Path("var/bench/project_list.json"))
    args = parser.parse_args()
    result = run(factor=args.factor)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
