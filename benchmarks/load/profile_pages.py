"""Where the load test's time goes, page by page, without the load: signs in one account of
each role (``--accounts``, as for ``bench_load.py``) through Django's test client and asks each
page and API call of the mix (``benchmarks/load/mix.py``) a few times, on the database of
``DATABASE_URL`` (e.g. the national seed). Per page: the server's CPU time per request (process
time, which does not depend on what else the machine runs), the number of queries and their
time, the HTML's size; and the mean CPU time per request of the whole mix, weighted as the
Locust file asks the pages.

    DATABASE_URL=postgres://…/seed OMSLAG_SECRET_KEY=… \\
        python benchmarks/load/profile_pages.py --accounts accounts.json [--profile spend]

``--profile NAME`` prints cProfile's heaviest functions for that page; ``--json FILE`` writes
the figures. The pages are only read (the export too); the import upload of the mix, which
starts a job, is left out.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from mix import API_CALLS, EXPORT, PAGES, PERSON_WEIGHTS  # noqa: E402


def mix_weights() -> dict[tuple[str, str], float]:
    """The share of the mix's requests that each (role, page) has: people are spread evenly
    over the roles (Locust takes the accounts in turn); a person clicks a page of the role
    (by weight) or, for editors and administrators, now and then exports and imports."""
    browse, export = PERSON_WEIGHTS["browse"], PERSON_WEIGHTS["export"]
    people, programs = PERSON_WEIGHTS["person"], PERSON_WEIGHTS["api"]
    shares: dict[tuple[str, str], float] = {}
    for role, pages in PAGES.items():
        role_share = people / (people + programs) / len(PAGES)
        total = sum(weight for _name, _address, weight in pages)
        for name, _address, weight in pages:
            shares[(role, name)] = role_share * browse / (browse + export) * weight / total
        if role in EXPORT["roles"]:
            for name, _address in EXPORT["pages"]:
                shares[(role, name)] = role_share * export / (browse + export)
    total = sum(weight for _name, _address, weight in API_CALLS)
    for name, _address, weight in API_CALLS:
        shares[("api", name)] = programs / (people + programs) * weight / total
    # Per click above; as shares of the requests (a reader's export click makes none, an
    # editor's two that are measured here and the upload that is not).
    requests = sum(shares.values())
    return {key: share / requests for key, share in shares.items()}


def measure(
    accounts: list[dict], repeat: int, profile: str | None, slow_ms: float | None = None
) -> list[dict]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from omslag.accounts.models import Person

    by_role: dict[str, dict] = {}
    for account in accounts:
        by_role.setdefault(account["role"], account)
    rows = []
    shares = mix_weights()
    for (role, name), share in shares.items():
        account = by_role.get(role) or by_role.get("viewer") or accounts[0]
        client = Client()
        client.force_login(Person.objects.get(email=account["email"]))
        pages = {n: a for n, a, _w in (*PAGES.get(role, []), *API_CALLS)}
        pages.update(dict(EXPORT["pages"]))
        address = pages[name].format(org=account["organisation"])
        response = client.get(address)  # warm: templates compiled, figures stored
        cpu_ms = []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.process_time()
                response = client.get(address)
                cpu_ms.append((time.process_time() - started) * 1000)
        if profile == name:
            profiler = cProfile.Profile()
            profiler.enable()
            client.get(address)
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(
                os.environ.get("PROFILE_SORT", "tottime")
            ).print_stats(40)
            print(out.getvalue(), file=sys.stderr)
        for query in queries.captured_queries:
            if slow_ms is not None and float(query["time"]) * 1000 >= slow_ms:
                print(f"{role} {name}: {float(query['time']) * 1000:.0f} ms  {query['sql']}\n")
        cpu_ms.sort()
        rows.append(
            {
                "role": role,
                "page": name,
                "status": response.status_code,
                "share": round(share, 4),
                "cpu_ms": round(cpu_ms[len(cpu_ms) // 2], 1),
                "queries": len(queries.captured_queries),
                "query_ms": round(sum(float(q["time"]) for q in queries.captured_queries) * 1000),
                "kb": round(len(response.content) / 1024),
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--accounts", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=5, help="requests per page (median)")
    parser.add_argument("--profile", help="print cProfile's heaviest functions of this page")
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument("--slow-queries", type=float, help="print the queries that took ≥ MS")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "omslag.settings")
    allowed = os.environ.get("OMSLAG_ALLOWED_HOSTS", "")
    os.environ["OMSLAG_ALLOWED_HOSTS"] = ",".join(filter(None, [allowed, "testserver"]))
    import django

    django.setup()
    rows = measure(
        json.loads(args.accounts.read_text()), args.repeat, args.profile, args.slow_queries
    )
    mean = sum(r["share"] * r["cpu_ms"] for r in rows) / sum(r["share"] for r in rows)
    for r in sorted(rows, key=lambda r: -r["share"] * r["cpu_ms"]):
        print(
            f"{r['role']:18} {r['page']:20} {r['status']} {r['cpu_ms']:7.1f} ms CPU "
            f"{r['queries']:3} queries {r['query_ms']:5} ms  {r['kb']:4} KB  "
            f"share {r['share']:.3f}"
        )
    print(f"mix: {mean:.1f} ms of CPU per request (weighted as the Locust file asks)")
    if args.json:
        args.json.write_text(json.dumps({"pages": rows, "mix_cpu_ms": round(mean, 1)}, indent=2))


if __name__ == "__main__":
    main()
