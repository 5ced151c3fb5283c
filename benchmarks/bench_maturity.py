"""Maturity scan at national scale: the results page of a round, the peer comparison of a
municipality among all municipalities (342 with two closed rounds of five respondents each:
about 65,000 answers) and the board summary selector. ``--factor`` scales the number of
municipalities (quick mode: 0.05).

    python benchmarks/bench_maturity.py [--factor 0.05] [--output FILE]
"""

import argparse
import datetime as dt
import json
import time
from pathlib import Path

MUNICIPALITIES = 342
PEOPLE = 5
PREFIX = "bench-maturity-"


def _seed(count: int):
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from omslag.maturity.models import Answer, Participant, ScanRound
    from omslag.maturity.scan import current_scan
    from omslag.organisations import services as org_services
    from omslag.organisations.models import Membership, Organisation

    existing = Organisation.objects.filter(slug__startswith=PREFIX).count()
    today = timezone.localdate()
    codes = [s.code for s in current_scan().statements]
    Person = get_user_model()
    with transaction.atomic():
        for number in range(existing, count):
            organisation = org_services.organisation_create(
                actor=None,
                name=f"Bench gemeente {number}",
                slug=f"{PREFIX}{number:04d}",
                kind="municipality",
            )
            people = [
                Person.objects.create_user(f"b{number}-{i}@bench.example", None, full_name="B")
                for i in range(PEOPLE)
            ]
            Membership.objects.bulk_create(
                [Membership(person=p, organisation=organisation, role="board") for p in people]
            )
            for age in (400, 100):
                scan_round = ScanRound.objects.create(
                    organisation=organisation,
                    title=f"Scan -{age}",
                    opens_on=today - dt.timedelta(days=age + 20),
                    closes_on=today - dt.timedelta(days=age),
                    status="closed",
                    closed_on=today - dt.timedelta(days=age),
                    scan_version="1.0",
                )
                Participant.objects.bulk_create(
                    [Participant(round=scan_round, person=p) for p in people]
                )
                Answer.objects.bulk_create(
                    [
                        Answer(
                            round=scan_round,
                            person=p,
                            statement=code,
                            score=1 + (number + i + j + age) % 5,
                            evidence="bench",
                        )
                        for i, p in enumerate(people)
                        for j, code in enumerate(codes)
                    ]
                )
    organisation = Organisation.objects.get(slug=f"{PREFIX}0000")
    admin = Person.objects.filter(email="bench-maturity-admin@bench.example").first()
    if admin is None:
        admin = Person.objects.create_user(
            "bench-maturity-admin@bench.example", None, full_name="Bench", is_superuser=True
        )
    latest = ScanRound.objects.filter(organisation=organisation).order_by("-closes_on").first()
    return organisation, admin, latest


def run(quick: bool = False, factor: float | None = None) -> dict:
    import django_env

    django_env.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from omslag.maturity import selectors

    factor = factor if factor is not None else (0.05 if quick else 1.0)
    count = max(6, round(MUNICIPALITIES * factor))
    started = time.perf_counter()
    organisation, admin, latest = _seed(count)
    seed_seconds = time.perf_counter() - started
    client = Client()
    client.force_login(admin)
    repeat = 5 if quick else 20
    results_page = django_env.time_requests(client, f"/maturity/rounds/{latest.pk}/results", repeat)
    peers_page = django_env.time_requests(
        client, f"/organisations/{organisation.slug}/maturity/peers", repeat
    )
    samples = []
    for _ in range(repeat):
        begin = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            selectors.maturity_board_summary(organisation_ids=[organisation.pk], as_of=None)
        samples.append(time.perf_counter() - begin)
    summary = django_env.percentiles(samples)
    summary["queries"] = len(queries.captured_queries)
    return {
        "municipalities": count,
        "answers": count * 2 * PEOPLE * 19,
        "seed_seconds": round(seed_seconds, 2),
        "results_page": results_page,
        "peers_page": peers_page,
        "board_summary": summary,
    }


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--factor", type=float, default=0.05)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()
    report = run(factor=args.factor)
    text = json.dumps(report, indent=2)
    print(text)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text)
