"""Peak memory of a large export (issue 13: memory stays bounded whatever the register holds):
an organisation with 200,000 spend lines (factor 1) over ten years, exported as a job writes it
(``exchange.services.export_write`` into a file on disk) in CSV and in XLSX, and as the page
streams it (``export_stream``, CSV). Each export runs in a process of its own, which reports
its wall and CPU time, the size of the file, the growth of its peak RSS during the export
(``ru_maxrss`` after minus before: 0 when the export stays below the peak of Django's start-up)
and, in a second run with tracemalloc, the peak of the Python heap (``python_peak_mb``, the
figure of the target); the machine's load average is recorded beside them.

An export built whole in memory grows with the register (the rows as model instances, then
the file); a streamed one stays at one fetch of the cursor (2,000 rows) plus one piece of the
file, so the growth should hardly change between factors.

The size: OMSLAG_BENCH_FACTOR (default 1) times 200,000 lines, or ``--factor``; ``--quick``
uses 0.02.

    DATABASE_URL=postgres://… python benchmarks/bench_export_memory.py --factor 0.05
"""

import argparse
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

LINES = 200_000
SLUG = "bench-export-memory"
HERE = Path(__file__).resolve().parent

EXPORT_SCRIPT = textwrap.dedent("""
    import json, os, resource, sys, tempfile, time, tracemalloc
    sys.path.insert(0, {bench!r})
    import django_env
    django_env.setup()
    from omslag.exchange import services
    from omslag.exchange.cli import Operator
    from omslag.organisations.models import Organisation

    organisation = Organisation.objects.get(slug={slug!r})
    person = Operator()

    def export():
        size = 0
        with tempfile.TemporaryFile() as target:
            if {how!r} == "stream":
                exported = services.export_stream(
                    person=person, organisation=organisation, kind="spend", fmt={fmt!r}
                )
                for piece in exported.pieces:
                    size += len(piece)
            else:
                services.export_write(
                    person=person, organisation=organisation, kind="spend", fmt={fmt!r},
                    target=target,
                )
                size = target.tell()
        return size

    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    size = export()
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    # Once more with the Python heap traced (slower; only its peak is kept).
    tracemalloc.start()
    export()
    traced_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(json.dumps({{
        "seconds": elapsed,
        "cpu_seconds": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime),
        "rss_before_kb": before.ru_maxrss,
        "peak_rss_kb": after.ru_maxrss,
        "traced_peak_bytes": traced_peak,
        "bytes": size,
    }}))
""")


def lines_fill(lines: int) -> None:
    """The bench organisation with exactly ``lines`` spend lines (bulk-created, no history:
    the export reads the lines, not their history); kept between runs of the same size."""
    from decimal import Decimal

    from omslag.organisations import services as org_services
    from omslag.organisations.models import Organisation
    from omslag.portfolio.models import SpendLine

    organisation = Organisation.objects.filter(slug=SLUG).first()
    if organisation is None:
        organisation = org_services.organisation_create(
            actor=None, name="Bench export memory", slug=SLUG, kind="agency"
        )
    existing = SpendLine.all_objects.filter(organisation=organisation)
    if existing.count() == lines:
        return
    existing._raw_delete("default")
    kinds, categories = ("actual", "budget"), ("run", "change", "innovate")
    batch = []
    for i in range(lines):
        batch.append(
            SpendLine(
                organisation=organisation,
                year=2016 + i % 10,
                amount=Decimal(1000 + (i * 7919) % 250_000) / 4,
                kind=kinds[i % 2],
                category=categories[i % 3],
                cost_type="licences",
                pays_for=f"Leverancier {i % 97}",
                description=("=" if i % 50 == 0 else "") + f"Regel {i} van de begroting",
                reference=f"REF-{i:07d}",
            )
        )
        if len(batch) == 5_000:
            SpendLine.objects.bulk_create(batch)
            batch = []
    SpendLine.objects.bulk_create(batch)


def export_measure(fmt: str, how: str) -> dict:
    script = EXPORT_SCRIPT.format(bench=str(HERE), slug=SLUG, fmt=fmt, how=how)
    load_before = os.getloadavg()
    result = subprocess.run(  # noqa: S603  (our own interpreter and script)
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
        "seconds": round(measured["seconds"], 2),
        "cpu_seconds": round(measured["cpu_seconds"], 2),
        "file_mb": round(measured["bytes"] / 1e6, 2),
        "rss_before_mb": round(measured["rss_before_kb"] / 1024, 1),
        "peak_rss_mb": round(measured["peak_rss_kb"] / 1024, 1),
        "rss_growth_mb": round((measured["peak_rss_kb"] - measured["rss_before_kb"]) / 1024, 1),
        "python_peak_mb": round(measured["traced_peak_bytes"] / 1e6, 2),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }


def run(quick: bool = False, factor: float | None = None) -> dict:
    import django_env

    django_env.setup()
    from django.db import connection

    if factor is None:
        factor = 0.02 if quick else float(os.environ.get("OMSLAG_BENCH_FACTOR", "1"))
    lines = max(1_000, round(LINES * factor))
    lines_fill(lines)
    return {
        "factor": factor,
        "lines": lines,
        "database": connection.vendor,
        "export_spend_csv": export_measure("csv", "job"),
        "export_spend_csv_streamed": export_measure("csv", "stream"),
        "export_spend_xlsx": export_measure("xlsx", "job"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--factor", type=float, help="times 200,000 spend lines")
    args = parser.parse_args()
    print(json.dumps(run(quick=args.quick, factor=args.factor), indent=2))


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    main()
