"""The portfolio forecast API of a large organisation: the stored forecast (no seed and no
iterations: the one the project portfolio page shows, read from its table) against the same
report computed for the request (a seed of one's own, 10,000 draws). One ministry holds the
projects (5,000 at factor 1, a fifth of the national seed's 25,000, as the largest ministry
with its agencies does); they are bulk-created with their stored estimates, since this
measures reading. Measures the CPU time of the process per call (the machine is shared, so
wall time says little), the wall-clock p50/p95, and the query count. ``--quick`` is factor
0.02:

    python benchmarks/bench_forecast_api.py --factor 0.01
    python benchmarks/run.py --only forecast_api --quick
"""

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

PREFIX = "bench-fc"
FULL_PROJECTS = 5_000


def _seed(count: int):
    from django.db import transaction

    from omslag.organisations import services as org_services
    from omslag.organisations.models import Organisation
    from omslag.projects.models import Project

    ministry = Organisation.objects.filter(slug=f"{PREFIX}-ministerie").first()
    if ministry is None:
        ministry = org_services.organisation_create(
            actor=None, name="Bench forecast ministerie", slug=f"{PREFIX}-ministerie",
            kind="ministry",
        )  # fmt: skip
    existing = Project.objects.filter(organisation=ministry).count()
    if existing == count:
        return ministry
    if existing:
        raise SystemExit(f"{PREFIX} exists with other sizes: use a fresh benchmark database.")
    rng = random.Random(23)  # noqa: S311
    with transaction.atomic():
        Project.objects.bulk_create(
            (
                Project(
                    organisation=ministry,
                    name=f"Project {i:06d}",
                    status=rng.choice(["in_progress", "in_progress", "completed"]),
                    report_count=1,
                    original_estimate=Decimal(rng.randint(1, 400)) * 250_000,
                    current_estimate=Decimal(rng.randint(1, 600)) * 250_000,
                    latest_peildatum=dt.date(2025, 6, 30),
                )
                for i in range(count)
            ),
            batch_size=2000,
        )
    return ministry


def _measure(client, url: str, query: dict, repeat: int) -> dict:
    """CPU seconds of this process and wall seconds per GET, after one call to warm up."""
    first = client.get(url, query)
    if first.status_code != 200:
        raise RuntimeError(f"{url} answered {first.status_code}: {first.content[:300]!r}")
    cpu, wall = [], []
    for _ in range(repeat):
        started_cpu, started = time.process_time(), time.perf_counter()
        response = client.get(url, query)
        cpu.append(time.process_time() - started_cpu)
        wall.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
    ordered = sorted(wall)
    return {
        "cpu_ms_median": round(statistics.median(cpu) * 1000, 2),
        "p50_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(ordered[max(0, round(0.95 * len(ordered)) - 1)] * 1000, 2),
        "stored": response.json()["figures"]["stored"],
        "kb": round(len(response.content) / 1024, 1),
    }


def run(quick: bool = False, factor: float | None = None) -> dict:
    import django_env

    django_env.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    from omslag.accounts.models import Person
    from omslag.organisations import services as org_services
    from omslag.organisations.models import Membership
    from omslag.projects import services

    factor = factor if factor is not None else (0.02 if quick else 1.0)
    count = max(50, round(FULL_PROJECTS * factor))
    started = time.perf_counter()
    ministry = _seed(count)
    shipped = services.reference_class_shipped()
    results = {
        "factor": factor,
        "projects": count,
        "seed_seconds": round(time.perf_counter() - started, 1),
        "database": connection.vendor,
    }
    person, _ = Person.objects.get_or_create(
        email="bench-forecast@omslag.test", defaults={"full_name": "Bench viewer"}
    )
    if not Membership.objects.filter(person=person, organisation=ministry).exists():
        org_services.membership_create(
            actor=None, person=person, organisation=ministry, role="viewer"
        )
    client = APIClient()
    client.force_authenticate(person)
    url = f"/api/v1/organisations/{ministry.slug}/forecast"
    stored = {"referenceClass": shipped.pk}
    computed = {**stored, "seed": 1}
    repeat = 5 if factor < 0.1 else 10
    results["forecast_api_stored"] = _measure(client, url, stored, repeat)
    results["forecast_api_computed"] = _measure(client, url, computed, repeat)
    for name, query in (("stored", stored), ("computed", computed)):
        with CaptureQueriesContext(connection) as queries:
            client.get(url, query)
        results[f"forecast_api_{name}_queries"] = len(queries)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factor", type=float, default=1.0)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    result = run(factor=args.factor)
    text = json.dumps(result, indent=2)
    if args.output:
        args.output.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
