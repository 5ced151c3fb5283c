"""The innovation pipeline at scale: uploading a 1,000,000-row per-unit CSV with 3 metrics
(time and peak memory of a separate process), evaluating that experiment, and the experiment
board of an organisation with 50,000 experiments (server time p50/p95, query count)."""

import datetime as dt
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np

SLUG = "bench-innovatie"

UPLOAD_SCRIPT = textwrap.dedent("""
    import resource, sys, time
    sys.path.insert(0, {bench!r})
    import django_env
    django_env.setup()
    from omslag.innovation import services
    from omslag.innovation.models import Experiment
    experiment = Experiment.objects.get(pk={pk})
    experiment.summaries.all().delete()
    experiment.uploads.all().delete()
    started = time.perf_counter()
    with open({path!r}, "rb") as stream:
        upload = services.upload_save(actor=None, experiment=experiment, stream=stream,
                                      filename="units.csv")
    uploaded = time.perf_counter() - started
    started = time.perf_counter()
    evaluations = services.experiment_evaluate(actor=None, experiment=experiment, upload=upload)
    evaluated = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(uploaded, evaluated, peak, upload.rows, len(evaluations))
""")


def _experiment(organisation, design):
    from omslag.innovation import services
    from omslag.innovation.models import Experiment

    found = Experiment.objects.filter(organisation=organisation, title=f"Bench {design}").first()
    if found:
        return found
    return services.experiment_create(
        actor=None,
        organisation=organisation,
        title=f"Bench {design}",
        design_type=design,
        primary_metric="m1",
        control_label="control",
        treatment_label="treatment",
    )


def _csv(path: Path, rows: int, with_periods: bool) -> None:
    rng = np.random.default_rng(4)
    if path.exists() and path.stat().st_size > rows * 20:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    groups = rng.integers(0, 2, rows)
    values = rng.normal(10, 3, (rows, 3)) + groups[:, None] * 0.05
    with path.open("w") as handle:
        handle.write("unit,group,period,m1,m2,m3\n")
        for i in range(rows):
            # In a panel each unit stays in its group over both periods.
            group = "treatment" if groups[i // 2 * 2 if with_periods else i] else "control"
            period = ("before" if i % 2 else "after") if with_periods else ""
            unit = i // 2 if with_periods else i
            handle.write(
                f"u{unit},{group},{period},{values[i, 0]:.4f},{values[i, 1]:.4f},"
                f"{values[i, 2]:.4f}\n"
            )


def _upload(experiment, path: Path) -> dict:
    script = UPLOAD_SCRIPT.format(
        bench=str(Path(__file__).parent), pk=experiment.pk, path=str(path)
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        check=True,
    )
    uploaded, evaluated, peak_kb, rows, count = result.stdout.split()[-5:]
    return {
        "rows": int(rows),
        "upload_seconds": round(float(uploaded), 2),
        "evaluate_seconds": round(float(evaluated), 3),
        "evaluations": int(count),
        "peak_rss_mb": round(int(peak_kb) / 1024, 1),
        "file_mb": round(path.stat().st_size / 1e6, 1),
    }


def _board(organisation, count: int):
    from django.db import transaction
    from django.utils import timezone

    from omslag.innovation.models import STAGE_ORDER, Experiment

    existing = Experiment.objects.filter(organisation=organisation).count()
    if existing >= count:
        return
    now = timezone.now()
    with transaction.atomic():
        Experiment.objects.bulk_create(
            [
                Experiment(
                    organisation=organisation,
                    title=f"Experiment {i:05d}",
                    stage=STAGE_ORDER[i % len(STAGE_ORDER)],
                    stage_changed_at=now - dt.timedelta(hours=i),
                )
                for i in range(existing, count)
            ],
            batch_size=5000,
        )


def run(quick: bool = False) -> dict:
    import django_env

    django_env.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from omslag.accounts.models import Person
    from omslag.organisations import services as org_services
    from omslag.organisations.models import Membership, Organisation

    organisation = Organisation.objects.filter(
        slug=SLUG
    ).first() or org_services.organisation_create(
        actor=None, name="Bench innovatie", slug=SLUG, kind="municipality"
    )
    rows = 100_000 if quick else 1_000_000
    results = {"database": connection.vendor}
    path = Path(f"var/bench/units-{rows}.csv").resolve()
    _csv(path, rows, with_periods=False)
    results["ab_upload_and_evaluate"] = _upload(_experiment(organisation, "ab"), path)
    panel = Path(f"var/bench/panel-{rows}.csv").resolve()
    _csv(panel, rows, with_periods=True)
    results["pilot_control_upload_and_evaluate_with_clustered_did"] = _upload(
        _experiment(organisation, "pilot_control"), panel
    )
    count = 5_000 if quick else 50_000
    started = time.perf_counter()
    _board(organisation, count)
    results["board_experiments"] = count
    results["board_seed_seconds"] = round(time.perf_counter() - started, 1)
    person, _ = Person.objects.get_or_create(
        email="bench@omslag.test", defaults={"full_name": "Bench"}
    )
    if not Membership.objects.filter(person=person, organisation=organisation).exists():
        org_services.membership_create(
            actor=None, person=person, organisation=organisation, role="viewer"
        )
    client = Client()
    client.force_login(person)
    url = f"/organisations/{SLUG}/experiments"
    results["board_page"] = django_env.time_requests(client, url, 10 if quick else 40)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    results["board_page"]["queries"] = len(queries)
    return results
