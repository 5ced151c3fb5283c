"""Large ICT projects at national scale: the project list with 25,000 projects (filtered and
sorted, server time p50/p95 and query count) and importing both Canadian register snapshots.
The Monte Carlo forecast itself is measured in bench_projects.py."""

import random
import time
from datetime import date, timedelta
from decimal import Decimal

import django_env

SLUG = "bench-ministerie"
DATA = django_env.SHARED_DATA / "canada"


def _seed(count: int):
    from django.db import transaction

    from omslag.organisations import services as org_services
    from omslag.organisations.models import Organisation
    from omslag.projects.models import Project

    organisation = Organisation.objects.filter(slug=SLUG).first()
    if organisation and Project.objects.filter(organisation=organisation).count() == count:
        return organisation
    rng = random.Random(5)  # noqa: S311
    with transaction.atomic():
        if organisation is None:
            organisation = org_services.organisation_create(
                actor=None, name="Bench ministerie", slug=SLUG, kind="ministry"
            )
        Project.all_objects.filter(organisation=organisation).delete()
        projects = []
        for i in range(count):
            original = Decimal(rng.randint(1, 400)) * 250_000
            ratio = Decimal(str(round(rng.lognormvariate(0.2, 0.5), 3)))
            end = date(2020, 1, 1) + timedelta(days=rng.randint(0, 3000))
            shift = rng.randint(-6, 40)
            change = float((ratio - 1) * 100)
            projects.append(
                Project(
                    organisation=organisation,
                    name=f"Project {i:05d}",
                    number=f"B-{i}",
                    external_id=f"bench-{i}",
                    status=rng.choice(["in_progress", "completed", "reorientation"]),
                    report_count=rng.randint(1, 6),
                    original_estimate=original,
                    current_estimate=original * ratio,
                    cost_change_pct=change,
                    original_end_date=end,
                    current_end_date=end + timedelta(days=30 * shift),
                    end_date_shift_months=shift,
                    cost_bucket=rng.choice(["0-10", "10-20", "20-30", "50-100", "100+"]),
                    colour="red"
                    if change >= 25 or shift > 12
                    else "amber"
                    if change >= 10 or shift > 3
                    else "green",
                    has_review_advice=rng.random() < 0.2,
                    latest_peildatum=date(2025, 6, 30),
                )
            )
        Project.objects.bulk_create(projects, batch_size=2000)
    return organisation


def _canada_import() -> dict:
    from omslag.exchange import services
    from omslag.organisations import services as org_services
    from omslag.organisations.models import Organisation
    from omslag.projects.models import Project, ProjectReport

    if not DATA.exists():
        return {"skipped": f"no data at {DATA}"}
    organisation = Organisation.objects.filter(slug="bench-canada").first()
    if organisation is None:
        organisation = org_services.organisation_create(
            actor=None, name="Bench Canada", slug="bench-canada", kind="other"
        )
    children = Organisation.objects.filter(parent=organisation)
    ProjectReport.history.model.objects.filter(project__organisation__in=children).delete()
    ProjectReport.all_objects.filter(project__organisation__in=children).delete()
    Project.all_objects.filter(organisation__in=children).delete()
    started = time.perf_counter()
    for name in ("gc-it-projects-2016.csv", "gc-it-projects-2019.csv"):
        with (DATA / name).open("rb") as stream:
            report = services.import_file(
                actor=None,
                organisation=organisation,
                kind="projects",
                fmt="canada-snapshot",
                stream=stream,
                filename=name,
            )
        assert report.ok, report.problems[:3]
    return {
        "files": 2,
        "seconds": round(time.perf_counter() - started, 3),
        "projects": Project.objects.filter(organisation__in=children).count(),
    }


def run(quick: bool = False) -> dict:
    import django_env

    django_env.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from omslag.accounts.models import Person
    from omslag.organisations import services as org_services
    from omslag.organisations.models import Membership

    count = 2_500 if quick else 25_000
    started = time.perf_counter()
    organisation = _seed(count)
    results = {
        "projects": count,
        "seed_seconds": round(time.perf_counter() - started, 1),
        "database": connection.vendor,
    }
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
        "project_list_filtered_sorted": (
            f"/organisations/{SLUG}/projects?colour=red&sort=-cost-change&page=3"
        ),
        "project_list_search": f"/organisations/{SLUG}/projects?q=Project+01&sort=end-date-shift",
        "api_project_list": (
            f"/api/v1/organisations/{SLUG}/projects?colour=red&sort=-cost-change&page=2"
        ),
    }
    for name, url in pages.items():
        results[name] = django_env.time_requests(client, url, repeat)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        results[name]["queries"] = len(queries)
    results["import_both_canadian_files"] = _canada_import()
    return results
