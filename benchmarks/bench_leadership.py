"""The board dashboard of a ministry with 10 agencies, rolled up: together 20,000
applications, 500,000 spend lines, 2,500 projects, 5,000 experiments (with their stage
history) and 10,000 assessments at factor 1.

Measures the server time of the dashboard page with its charts, cold (after a data change,
so every chart is drawn again) and warm (p50/p95), its query count, and the time of the board
report as PDF. Sizes scale with ``--factor`` (``--quick`` is factor 0.02):

    python benchmarks/bench_leadership.py --factor 0.002
    python benchmarks/run.py --only leadership --quick
"""

import argparse
import datetime as dt
import html
import json
import random
import re
import sys
import time
from decimal import Decimal
from pathlib import Path

SLUG = "bench-ministerie"
# A chart's address in a page: the page's own address with ?chart=NAME&v=TAG (HTML-escaped).
CHART_ADDRESS = re.compile(r"[?&](?:amp;)?(chart=[\w-]+&(?:amp;)?v=\w+)")
AGENCIES = 10
FULL = {
    "applications": 20_000,
    "spend_lines": 500_000,
    "projects": 2_500,
    "experiments": 5_000,
    "assessments": 10_000,
}


def _sizes(factor: float) -> dict[str, int]:
    return {name: max(AGENCIES + 1, round(size * factor)) for name, size in FULL.items()}


def _seed(sizes: dict[str, int]):
    """The ministry and its agencies with ``sizes`` records spread over them (bulk inserts:
    this measures reading, not the services' writes). Reuses a seed of the same sizes."""
    from django.db import transaction

    from omslag.innovation.models import Experiment, StageTransition
    from omslag.organisations import services as org_services
    from omslag.organisations.models import Organisation
    from omslag.portfolio.models import Application, SpendLine, SpendTarget
    from omslag.projects.models import Project
    from omslag.safeguards.models import Assessment, AssessmentTemplate, Risk
    from omslag.safeguards.services import own_templates_load
    from omslag.seed.loading import next_ids, rows_write, sequences_reset

    rng = random.Random(9)  # noqa: S311
    ministry = Organisation.objects.filter(slug=SLUG).first()
    if ministry is not None:
        ids = list(Organisation.objects.filter(path__startswith=ministry.path).values_list("pk"))
        if (
            Application.objects.filter(organisation_id__in=[i for (i,) in ids]).count()
            == sizes["applications"]
        ):
            return ministry
        raise SystemExit(
            f"{SLUG} exists with other sizes: use a fresh benchmark database (var/bench)."
        )
    own_templates_load()
    template = AssessmentTemplate.objects.filter(source="own").first()
    with transaction.atomic():
        ministry = org_services.organisation_create(
            actor=None, name="Bench ministerie", slug=SLUG, kind="ministry"
        )
        organisations = [ministry] + [
            org_services.organisation_create(
                actor=None,
                name=f"Bench dienst {n}",
                slug=f"bench-dienst-{n}",
                kind="agency",
                parent=ministry,
            )
            for n in range(1, AGENCIES + 1)
        ]
        SpendTarget.objects.create(
            organisation=ministry, target_year=2030, innovate_min_percent=Decimal(10)
        )

        def org(i):
            return organisations[i % len(organisations)]

        applications = Application.objects.bulk_create(
            [
                Application(
                    organisation=org(i),
                    name=f"Toepassing {i:06d}",
                    business_value=rng.randint(1, 5),
                    technical_condition=rng.randint(1, 5),
                    end_of_support=dt.date(rng.randint(2020, 2035), rng.randint(1, 12), 1),
                )
                for i in range(sizes["applications"])
            ],
            batch_size=2000,
        )
        # 500,000 lines at factor 1: written with COPY on PostgreSQL (the national seed's
        # loader), not as model instances.
        categories = rng.choices(["run", "change", "innovate"], [68, 24, 8], k=sizes["spend_lines"])
        first_id = next_ids(SpendLine)[SpendLine]
        rows_write(
            SpendLine,
            ["id", "organisation_id", "year", "kind", "category", "amount", "application_id"],
            (
                (
                    first_id + i,
                    applications[i % len(applications)].organisation_id,
                    2016 + i % 10,
                    "actual" if i % 4 else "budget",
                    categories[i],
                    Decimal(rng.randint(1000, 500000)),
                    applications[i % len(applications)].pk if i % 3 else None,
                )
                for i in range(sizes["spend_lines"])
            ),
        )
        sequences_reset(SpendLine)
        projects = Project.objects.bulk_create(
            [
                Project(
                    organisation=org(i),
                    name=f"Project {i:05d}",
                    status=rng.choice(["in_progress", "in_progress", "completed"]),
                    original_estimate=Decimal(rng.randint(1, 50) * 1_000_000),
                    current_estimate=Decimal(rng.randint(1, 70) * 1_000_000),
                    end_date_shift_months=rng.randint(0, 24),
                    colour=rng.choice(["green", "amber", "red"]),
                    latest_peildatum=dt.date(2025, rng.randint(1, 12), 1),
                    review_threshold_met=i % 5 == 0,
                )
                for i in range(sizes["projects"])
            ],
            batch_size=2000,
        )
        stages = ["idea", "design", "running", "evaluation", "decision", "in_operation"]
        experiments = Experiment.objects.bulk_create(
            [
                Experiment(
                    organisation=org(i),
                    title=f"Experiment {i:05d}",
                    stage=stages[i % len(stages)],
                    stage_changed_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
                )
                for i in range(sizes["experiments"])
            ],
            batch_size=2000,
        )
        moves = []
        for i, experiment in enumerate(experiments):
            start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC) + dt.timedelta(days=i % 300)
            for step, stage in enumerate(stages[: i % len(stages) + 1]):
                moves.append(
                    StageTransition(
                        experiment=experiment,
                        to_stage=stage,
                        at=start + dt.timedelta(days=40 * step),
                    )
                )
        StageTransition.objects.bulk_create(moves, batch_size=5000)
        assessments = Assessment.objects.bulk_create(
            [
                Assessment(
                    organisation_id=(
                        experiments[i % len(experiments)].organisation_id
                        if i % 2
                        else projects[i % len(projects)].organisation_id
                    ),
                    template=template,
                    kind=template.kind,
                    experiment=experiments[i % len(experiments)] if i % 2 else None,
                    project=None if i % 2 else projects[i % len(projects)],
                    title=f"Toets {i}",
                    status=rng.choice(["draft", "approved", "approved"]),
                )
                for i in range(sizes["assessments"])
            ],
            batch_size=2000,
        )
        Risk.objects.bulk_create(
            [
                Risk(assessment=a, description="Risico", likelihood=4, impact=4, score=16)
                for a in assessments[::10]
            ],
            batch_size=2000,
        )
    # Statistics as tables that live for a while have them, not those of tables just filled.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return ministry


def run(quick: bool = False, factor: float | None = None, repeat: int | None = None) -> dict:
    import os

    import django_env

    # The stored figures' refresh runs when the change commits, as a worker would run it
    # right after, and so outside the timed request (a queue without a worker would leave
    # the page showing figures "being updated" instead).
    os.environ.setdefault("OMSLAG_TASKS_BACKEND", "immediate")
    django_env.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from omslag.accounts.models import Person
    from omslag.leadership.report import report_render
    from omslag.leadership.selectors import dashboard_for
    from omslag.organisations import services as org_services
    from omslag.organisations.models import Membership

    factor = factor if factor is not None else (0.02 if quick else 1.0)
    sizes = _sizes(factor)
    started = time.perf_counter()
    ministry = _seed(sizes)
    seeded = round(time.perf_counter() - started, 1)
    person, _ = Person.objects.get_or_create(
        email="bench-board@omslag.test", defaults={"full_name": "Bench bestuurder"}
    )
    if not Membership.objects.filter(person=person, organisation=ministry).exists():
        org_services.membership_create(
            actor=None, person=person, organisation=ministry, role="board"
        )
    client = Client()
    client.force_login(person)
    url = f"/organisations/{SLUG}/dashboard?below=1"
    repeat = repeat or (5 if factor < 0.1 else 20)
    results = {"factor": factor, **sizes, "seed_seconds": seeded, "database": connection.vendor}

    # Cold after a data change: a new actual innovate line of 2% of the year's spend before
    # every request moves the balance, so its chart is drawn again (the other tiles' charts
    # keep their cached drawings, as in production).
    from omslag.portfolio.selectors import spend_totals_for

    ids = list(
        ministry.__class__.objects.filter(path__startswith=ministry.path).values_list(
            "pk", flat=True
        )
    )
    year_total = sum(spend_totals_for(ids, kind="actual")[2025].values())
    step = (year_total * Decimal("0.02")).quantize(Decimal("0.01"))

    chart_samples = []
    chart_cpu = []
    page_cpu = []  # CPU time of this process per cold page (time.process_time)

    def timed_after(change) -> dict:
        """The page right after ``change`` (the charts are separate requests: the page only
        hashes their figures), and then each of its charts, drawn anew for the new figures
        (kept in ``chart_samples``)."""
        samples = []
        client.get(url)
        for n in range(repeat):
            change(n)
            began, began_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            samples.append(time.perf_counter() - began)
            page_cpu.append(time.process_time() - began_cpu)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")
            for chart in sorted(set(CHART_ADDRESS.findall(response.content.decode()))):
                chart_url = f"{url}&{html.unescape(chart)}"
                began, began_cpu = time.perf_counter(), time.process_time()
                answer = client.get(chart_url)
                chart_samples.append(time.perf_counter() - began)
                chart_cpu.append(time.process_time() - began_cpu)
                if answer.status_code != 200:
                    raise RuntimeError(f"{chart_url} answered {answer.status_code}")
        return django_env.percentiles(samples)

    from omslag.portfolio import services as portfolio_services
    from omslag.projects import services as project_services
    from omslag.projects.models import Project

    project_id = Project.objects.filter(organisation=ministry).values_list("pk", flat=True)[0]

    def spend_change(n):
        """A data change through the services: a new actual innovate line (the balance and
        legacy figures are behind) and a project renamed (its forecast and facet cells are
        behind); each refresh runs on commit, before the timed request."""
        portfolio_services.spend_line_create(
            actor=None,
            organisation=ministry,
            year=2025,
            kind="actual",
            category="innovate",
            amount=step,
        )
        project = Project.objects.get(pk=project_id)
        project_services.project_update(
            actor=None, project=project, expected_version=project.version, name=f"Project b{n}"
        )

    results["dashboard_cold"] = timed_after(spend_change)
    results["dashboard_cold_cpu"] = django_env.percentiles(page_cpu)
    # Each chart request after the change (the balance and legacy charts drawn anew, the
    # others read from the chart cache), and the page with all its charts one after another.
    results["dashboard_chart_cold"] = django_env.percentiles(chart_samples)
    results["dashboard_chart_cold_cpu"] = django_env.percentiles(chart_cpu)
    results["dashboard_charts_per_page"] = len(chart_samples) // repeat
    results["dashboard_with_charts_cold_mean_ms"] = round(
        (sum(chart_samples) / repeat) * 1000 + results["dashboard_cold"]["p50_ms"], 1
    )
    results["dashboard_warm"] = django_env.time_requests(client, url, repeat)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    results["dashboard_queries"] = len(queries)
    began, began_cpu = time.perf_counter(), time.process_time()
    board = dashboard_for(person=person, organisation=ministry, with_children=True, as_of=None)
    pdf, _content_type = report_render(board, "pdf")
    results["report_pdf_seconds"] = round(time.perf_counter() - began, 2)
    results["report_pdf_cpu_seconds"] = round(time.process_time() - began_cpu, 2)
    results["report_pdf_kb"] = round(len(pdf) / 1024)
    return results


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--factor", type=float, default=1.0, help="share of the full sizes")
    parser.add_argument("--output", type=Path, default=Path("var/bench/leadership.json"))
    parser.add_argument("--repeat", type=int, default=None, help="cold requests (20 at size)")
    args = parser.parse_args()
    result = run(factor=args.factor, repeat=args.repeat)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
