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
import json
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

SLUG = "bench-ministerie"
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
        SpendLine.objects.bulk_create(
            (
                SpendLine(
                    organisation_id=applications[i % len(applications)].organisation_id,
                    year=2016 + i % 10,
                    kind="actual" if i % 4 else "budget",
                    category=rng.choices(["run", "change", "innovate"], [68, 24, 8])[0],
                    amount=Decimal(rng.randint(1000, 500000)),
                    application=applications[i % len(applications)] if i % 3 else None,
                )
                for i in range(sizes["spend_lines"])
            ),
            batch_size=5000,
        )
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
    return ministry


def run(quick: bool = False, factor: float | None = None) -> dict:
    import django_env

    django_env.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from omslag.accounts.models import Person
    from omslag.leadership.report import report_render
    from omslag.leadership.selectors import dashboard_for
    from omslag.organisations import services as org_services
    from omslag.organisations.models import Membership
    from omslag.portfolio.models import SpendLine

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
    repeat = 5 if factor < 0.1 else 20
    results = {"factor": factor, **sizes, "seed_seconds": seeded, "database": connection.vendor}

    # Cold after a data change: a new actual innovate line of 2% of the year's spend before
    # every request moves the balance, so its chart is drawn again (the other tiles' charts
    # keep their cached drawings, as in production).
    from omslag.common import charts
    from omslag.portfolio.selectors import spend_totals_for

    ids = list(
        ministry.__class__.objects.filter(path__startswith=ministry.path).values_list(
            "pk", flat=True
        )
    )
    year_total = sum(spend_totals_for(ids, kind="actual")[2025].values())
    step = (year_total * Decimal("0.02")).quantize(Decimal("0.01"))

    def timed_after(change) -> dict:
        samples = []
        client.get(url)
        for n in range(repeat):
            change(n)
            began = time.perf_counter()
            response = client.get(url)
            samples.append(time.perf_counter() - began)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")
        return django_env.percentiles(samples)

    def spend_change(n):
        SpendLine.objects.create(
            organisation=ministry, year=2025, kind="actual", category="innovate", amount=step
        )

    def every_chart_redrawn(n):
        spend_change(n)
        with charts._cache_lock:
            charts._cache.clear()

    results["dashboard_cold"] = timed_after(spend_change)
    results["dashboard_cold_every_chart_redrawn"] = timed_after(every_chart_redrawn)
    results["dashboard_warm"] = django_env.time_requests(client, url, repeat)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    results["dashboard_queries"] = len(queries)
    board = dashboard_for(person=person, organisation=ministry, with_children=True, as_of=None)
    began = time.perf_counter()
    pdf, _content_type = report_render(board, "pdf")
    results["report_pdf_seconds"] = round(time.perf_counter() - began, 2)
    results["report_pdf_kb"] = round(len(pdf) / 1024)
    return results


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--factor", type=float, default=1.0, help="share of the full sizes")
    parser.add_argument("--output", type=Path, default=Path("var/bench/leadership.json"))
    args = parser.parse_args()
    result = run(factor=args.factor)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
