"""Importing a register from another system through a saved mapping with conversions (issue 11):
a one-row-per-project register of 25,000 rows (factor 1) like
docs/examples/conversions/one-row-per-project.csv — amounts in millions of Swedish kronor with a
decimal comma, ISO 8601 date-times with Stockholm's offsets, status words of its own — through
the shipped example conversion, each row becoming a baseline and a current report. Measured in
a separate process (like the spend import): wall time, CPU time of that process and its peak
RSS; the machine's load average is recorded beside them, since the machine may be shared.

The size: OMSLAG_BENCH_FACTOR (default 1) times 25,000 rows; ``--quick`` uses 0.02."""

import datetime as dt
import json
import os
import random
import subprocess
import sys
import textwrap
import zoneinfo
from pathlib import Path

ROWS = 25_000
SLUG = "bench-mapped-import"
EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples" / "conversions"
STOCKHOLM = zoneinfo.ZoneInfo("Europe/Stockholm")
STATUSES = ("Pågår", "Pågår", "Pågår", "Avslutat", "Ej startat")
HEADER = (
    "Project ID,Project name,Status,Started,Planned cost (M SEK),Planned completion,"
    "Current cost (M SEK),Projected completion,Reported\n"
)


def _stockholm_midnight(day: dt.date) -> str:
    """Midnight of ``day`` in Stockholm with the offset that holds then (+01:00 or +02:00)."""
    return dt.datetime.combine(day, dt.time(0), STOCKHOLM).isoformat()


def register_write(path: Path, rows: int, seed: int = 11) -> None:
    """A register of ``rows`` projects in the example's layout; one in ten has no current
    figures yet (only the baseline is imported for it)."""
    rng = random.Random(seed)  # noqa: S311
    reported = "2025-06-30T16:00:00+02:00"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(HEADER)
        for i in range(rows):
            start = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randint(0, 3300))
            planned_end = start + dt.timedelta(days=rng.randint(180, 2200))
            planned = rng.randint(5, 9000) / 10
            current = projected = ""
            if rng.random() >= 0.1:
                current = _millions(round(planned * rng.lognormvariate(0.15, 0.3), 2))
                later = planned_end + dt.timedelta(days=rng.randint(-60, 900))
                projected = _stockholm_midnight(later)
            handle.write(
                f"SE-{i:06d},Projekt {i},{rng.choice(STATUSES)},{_stockholm_midnight(start)},"
                f"{_millions(planned)},{_stockholm_midnight(planned_end)},{current},"
                f"{projected},{reported}\n"
            )


def _millions(amount: float) -> str:
    """Millions with a decimal comma, quoted as the example writes them: "12,5"."""
    return '"' + str(amount).replace(".", ",") + '"'


IMPORT_SCRIPT = textwrap.dedent("""
    import json, os, resource, sys, time
    sys.path.insert(0, {bench!r})
    import django_env
    django_env.setup()
    from omslag.exchange import services
    from omslag.organisations import services as org_services
    from omslag.organisations.models import Organisation
    from omslag.projects.models import Project, ProjectReport

    organisation = Organisation.objects.filter(slug={slug!r}).first()
    if organisation is None:
        organisation = org_services.organisation_create(
            actor=None, name="Bench mapped import", slug={slug!r}, kind="agency"
        )
    # Raw deletes of an earlier run: a model delete would load every row and be measured.
    ids = Project.all_objects.filter(organisation=organisation).values("pk")
    ProjectReport.history.model.objects.filter(project_id__in=ids)._raw_delete("default")
    ProjectReport.all_objects.filter(project_id__in=ids)._raw_delete("default")
    Project.history.model.objects.filter(organisation_id=organisation.pk)._raw_delete("default")
    Project.all_objects.filter(organisation=organisation)._raw_delete("default")
    with open({conversion!r}, encoding="utf-8") as handle:
        mapping = services.column_mapping_save(
            actor=None, organisation=organisation, kind="projects", name="one-row-per-project",
            conversion=json.load(handle),
        )
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    with open({path!r}, "rb") as stream:
        report = services.import_file(actor=None, organisation=organisation, kind="projects",
                                      stream=stream, filename="register.csv", mapping=mapping)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    assert report.ok, report.problems[:3]
    projects = Project.objects.filter(organisation=organisation)
    print(json.dumps({{
        "seconds": elapsed,
        "cpu_seconds": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
        "peak_rss_kb": after.ru_maxrss,
        "rss_before_import_kb": before.ru_maxrss,
        "projects": projects.count(),
        "reports": ProjectReport.objects.filter(project__organisation=organisation).count(),
        "with_cost_change": projects.filter(cost_change_pct__isnull=False).count(),
    }}))
""")


def import_measure(rows: int) -> dict:
    path = Path("var/bench/one-row-per-project.csv").resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    register_write(path, rows)
    script = IMPORT_SCRIPT.format(
        bench=str(Path(__file__).parent),
        slug=SLUG,
        path=str(path),
        conversion=str(EXAMPLES / "one-row-per-project.json"),
    )
    load_before = os.getloadavg()
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        check=False,
    )
    if result.returncode:
        raise RuntimeError(result.stderr.strip().splitlines()[-1])
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    return {
        "rows": rows,
        "file_mb": round(path.stat().st_size / 1e6, 2),
        "seconds": round(measured["seconds"], 2),
        "cpu_seconds": round(measured["cpu_seconds"], 2),
        "rows_per_second": round(rows / measured["seconds"]),
        "peak_rss_mb": round(measured["peak_rss_kb"] / 1024, 1),
        "rss_before_import_mb": round(measured["rss_before_import_kb"] / 1024, 1),
        "projects": measured["projects"],
        "reports": measured["reports"],
        "with_cost_change": measured["with_cost_change"],
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }


def run(quick: bool = False) -> dict:
    import django_env

    django_env.setup()
    from django.db import connection

    factor = 0.02 if quick else float(os.environ.get("OMSLAG_BENCH_FACTOR", "1"))
    rows = max(100, round(ROWS * factor))
    return {
        "factor": factor,
        "database": connection.vendor,
        "import_one_row_per_project": import_measure(rows),
    }
