"""Legacy and spend at national scale: the largest organisation of a national landscape,
5,000 applications, 12,500 dependencies and 100,000 spend lines over 20 years (times
OMSLAG_BENCH_FACTOR, default 1; --quick is factor 0.04).

Measures the server time of the balance page and the filtered, sorted application list
(p50/p95 over repeated requests), the query count of each, the balance page right after a
data change made through the services (its stored figures refreshed by the task the change
enqueues; the refresh's own time is reported as ``figures_refresh``), and importing 100,000
spend lines from CSV with full validation (time and peak memory of a separate process)."""

import os
import random
import subprocess
import sys
import textwrap
import time
from decimal import Decimal
from pathlib import Path

SLUG = "bench-gemeente"
IMPORT_SLUG = "bench-import"


def _seed(apps: int, dependencies: int, lines: int):
    from django.db import transaction
    from simple_history.utils import bulk_create_with_history

    from omslag.organisations import services as org_services
    from omslag.organisations.models import Organisation
    from omslag.portfolio.models import Application, Dependency, PortfolioFigures, SpendLine

    rng = random.Random(7)  # noqa: S311
    organisation = Organisation.objects.filter(slug=SLUG).first()
    if organisation and Application.objects.filter(organisation=organisation).count() == apps:
        return organisation
    with transaction.atomic():
        if organisation is None:
            organisation = org_services.organisation_create(
                actor=None, name="Bench gemeente", slug=SLUG, kind="municipality"
            )
        # Bulk loading bypasses the services: forget the stored figures, the first view
        # computes them again.
        PortfolioFigures.objects.filter(organisation=organisation).delete()
        SpendLine.history.model.objects.filter(organisation_id=organisation.pk).delete()
        SpendLine.all_objects.filter(organisation=organisation).delete()
        Dependency.all_objects.filter(application__organisation=organisation).delete()
        Application.all_objects.filter(organisation=organisation).delete()
        created = Application.objects.bulk_create(
            [
                Application(
                    organisation=organisation,
                    name=f"Toepassing {i:05d}",
                    vendor=f"Leverancier {i % 40}",
                    technology=rng.choice(["SaaS", "Java", ".NET", "COBOL"]),
                    go_live_year=rng.randint(1991, 2019),  # before every end of support
                    business_value=rng.randint(1, 5),
                    technical_condition=rng.randint(1, 5),
                    end_of_support=None
                    if i % 10 == 0
                    else __import__("datetime").date(
                        rng.randint(2020, 2035), rng.randint(1, 12), 1
                    ),
                    availability=rng.choice(["low", "medium", "high"]),
                )
                for i in range(apps)
            ],
            batch_size=1000,
        )
        pairs = set()
        while len(pairs) < dependencies:
            a, b = rng.sample(created, 2)
            pairs.add((a.pk, b.pk))
        Dependency.objects.bulk_create(
            [Dependency(application_id=a, depends_on_id=b) for a, b in pairs], batch_size=2000
        )
        batch = []
        for i in range(lines):
            year = 2007 + i % 20
            batch.append(
                SpendLine(
                    organisation=organisation,
                    year=year,
                    kind=rng.choice(["actual", "budget"]),
                    category=rng.choices(["run", "change", "innovate"], [70, 22, 8])[0],
                    amount=Decimal(rng.randint(1000, 500000)),
                    application=created[i % apps] if i % 3 else None,
                )
            )
        bulk_create_with_history(batch, SpendLine, batch_size=5000)
    return organisation


def _data_change(organisation, refresh_seconds: list[float]):
    """A change before each request that alters every chart and stored figure of the balance
    page: one more euro of spend (balance, trend and scenario charts) and another
    application's technical condition (the TIME chart), each through its service as a page
    makes it. Each state is new, so no chart drawn before can be reused. The stored figures
    are refreshed by the task the change enqueues on commit (at once with the immediate
    backend; with a worker, here it waits for it); that time goes to ``refresh_seconds``."""
    from django.db import transaction

    from omslag.portfolio import services
    from omslag.portfolio.models import Application, PortfolioFigures, SpendLine

    line = SpendLine.objects.filter(organisation=organisation, kind="actual").order_by("-year")
    line_pk = line.values_list("pk", flat=True).first()
    application_pks = list(
        Application.objects.filter(organisation=organisation)
        .order_by("pk")
        .values_list("pk", flat=True)
    )

    def change(index: int) -> None:
        started = time.perf_counter()
        with transaction.atomic():
            spend_line = SpendLine.objects.get(pk=line_pk)
            services.spend_line_update(
                actor=None,
                spend_line=spend_line,
                expected_version=spend_line.version,
                amount=spend_line.amount + 1,
            )
            application = Application.objects.get(pk=application_pks[index % len(application_pks)])
            services.application_update(
                actor=None,
                application=application,
                expected_version=application.version,
                technical_condition=application.technical_condition % 5 + 1,
            )
        stored = PortfolioFigures.objects.filter(
            organisation=organisation, computed_at__isnull=False
        )
        deadline = time.perf_counter() + 120
        while any(f.pending for f in stored.all()):
            if time.perf_counter() > deadline:
                raise RuntimeError("the stored figures stayed pending: no task ran the refresh")
            time.sleep(0.01)  # a worker in another process is refreshing
        refresh_seconds.append(time.perf_counter() - started)

    return change


IMPORT_SCRIPT = textwrap.dedent("""
    import io, resource, sys, time
    sys.path.insert(0, {bench!r})
    import django_env
    django_env.setup()
    from omslag.exchange import services
    from omslag.organisations.models import Organisation
    from omslag.portfolio.models import SpendLine
    organisation = Organisation.objects.get(slug={slug!r})
    # Raw deletes: a model delete would load 100,000 rows and measure the clean-up.
    SpendLine.history.model.objects.filter(organisation_id=organisation.pk)._raw_delete("default")
    SpendLine.all_objects.filter(organisation=organisation)._raw_delete("default")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    with open({path!r}, "rb") as stream:
        report = services.import_file(actor=None, organisation=organisation, kind="spend",
                                      stream=stream, filename="spend.csv")
    elapsed = time.perf_counter() - started
    assert report.ok and report.created == {rows}, report.problems[:3]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{{elapsed}} {{peak}} {{before}}")
""")


def _import_benchmark(rows: int) -> dict:
    from omslag.organisations import services as org_services
    from omslag.organisations.models import Organisation

    if not Organisation.objects.filter(slug=IMPORT_SLUG).exists():
        org_services.organisation_create(
            actor=None, name="Bench import", slug=IMPORT_SLUG, kind="municipality"
        )
    path = Path("var/bench/spend-import.csv").resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(11)  # noqa: S311
    with path.open("w") as handle:
        handle.write("year,amount,kind,category,cost_type,description\n")
        for i in range(rows):
            handle.write(
                f"{2007 + i % 20},{rng.randint(100, 999999)}.{rng.randint(0, 99):02d},"
                f"{rng.choice(['actual', 'budget'])},{rng.choice(['run', 'change', 'innovate'])},"
                f"{rng.choice(['licences', 'hosting', 'staff'])},regel {i}\n"
            )
    script = IMPORT_SCRIPT.format(
        bench=str(Path(__file__).parent), slug=IMPORT_SLUG, path=str(path), rows=rows
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        check=True,
    )
    elapsed, peak_kb, before_kb = result.stdout.split()[-3:]
    return {
        "rows": rows,
        "seconds": round(float(elapsed), 2),
        "rows_per_second": round(rows / float(elapsed)),
        "peak_rss_mb": round(int(peak_kb) / 1024, 1),
        "rss_before_import_mb": round(int(before_kb) / 1024, 1),
        "file_mb": round(path.stat().st_size / 1e6, 1),
    }


def run(quick: bool = False) -> dict:
    import django_env

    # The stored figures' refresh runs when the change commits, as a worker would run it
    # right after, and so outside the timed request (without a worker the page would show
    # figures "being updated", and the wait for them below would never end).
    os.environ.setdefault("OMSLAG_TASKS_BACKEND", "immediate")
    django_env.setup()
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from omslag.accounts.models import Person
    from omslag.organisations import services as org_services
    from omslag.organisations.models import Membership

    factor = 0.04 if quick else float(os.environ.get("OMSLAG_BENCH_FACTOR", "1"))
    apps, deps, lines = (max(20, round(n * factor)) for n in (5000, 12_500, 100_000))
    started = time.perf_counter()
    organisation = _seed(apps, deps, lines)
    seeded = round(time.perf_counter() - started, 1)
    person, _ = Person.objects.get_or_create(
        email="bench@omslag.test", defaults={"full_name": "Bench"}
    )
    if not Membership.objects.filter(person=person, organisation=organisation).exists():
        org_services.membership_create(
            actor=None, person=person, organisation=organisation, role="viewer"
        )
    client = Client()
    client.force_login(person)
    repeat = 10 if quick else 40
    pages = {
        "balance_page": f"/organisations/{SLUG}/balance",
        "application_list_filtered_sorted": (
            f"/organisations/{SLUG}/applications?time=migrate&time=eliminate&sort=-run-cost&page=2"
        ),
        "application_list_search": (
            f"/organisations/{SLUG}/applications?q=Toepassing+01&sort=end-of-support"
        ),
    }
    results = {
        "applications": apps,
        "dependencies": deps,
        "spend_lines": lines,
        "seed_seconds": seeded,
        "database": connection.vendor,
    }
    for name, url in pages.items():
        results[name] = django_env.time_requests(client, url, repeat)
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        results[name]["queries"] = len(queries)
    # The same page right after a data change, then each of its charts (separate SVG
    # resources), which the change made cold: drawn anew unless a worker drew them ahead.
    refresh_seconds: list[float] = []
    cold = django_env.time_page_and_charts(
        client, pages["balance_page"], repeat, _data_change(organisation, refresh_seconds)
    )
    results["balance_page_cold"] = cold["page"]
    results["balance_chart_cold"] = cold["chart"]
    results["balance_page_and_charts_cold"] = cold["page_and_charts"]
    results["balance_charts_per_page"] = cold["charts_per_page"]
    results["figures_refresh"] = django_env.percentiles(refresh_seconds)
    results["factor"] = factor
    results["import_spend_csv"] = _import_benchmark(max(1000, round(100_000 * factor)))
    return results
